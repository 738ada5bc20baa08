"""The two kinds of failure a user can meet, and the exit codes they map to.

``InputError`` (exit 2) is the user's input being wrong: a scenario file, an option. Its
``problems`` are one-line messages of the form ``file:line: field: what is wrong (fix)``.
``RunError`` (exit 1) is a runtime failure: an unwritable output, a window that never opens.
Neither ever reaches the user as a traceback; the CLI prints the lines and exits.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130


class InputError(Exception):
    """Bad input: one or more one-line problems, each naming file, line and field."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class RunError(Exception):
    """A failure while running valid input; the message says what to change."""
