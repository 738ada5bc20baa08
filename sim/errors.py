"""The two kinds of failure a user can meet, and the exit codes they map to.

``InputError`` (exit 2) is the user's input being wrong: a scenario file, an option. Its
``problems`` are one-line messages of the form ``file:line: field: what is wrong (fix)``.
``RunError`` (exit 1) is a runtime failure: an unwritable output, a window that never opens.
Neither ever reaches the user as a traceback; the CLI prints the lines and exits.
``Terminated`` is SIGTERM turned into an exception (exit 143), handled like Ctrl-C (exit 130):
cleanup code (``finally``, ``except BaseException``) runs, workers are stopped, temp files removed.
Every line shown to the user goes through ``printable``: a control character in user input
(a YAML key, a ``--set`` value) is shown escaped, never sent raw to the terminal.
"""

from __future__ import annotations

import re

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM

# C0 and C1 controls, DEL, and the Unicode bidirectional/format controls that can reorder or hide text
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    r"""``text`` with every control character escaped (``\x1b``, ``\u202e``): safe to print.

    >>> printable("w\x1b[2J")
    'w\\x1b[2J'
    """
    return _CONTROL.sub(lambda m: ascii(m.group(0))[1:-1], text)


def printable_lines(text: str) -> str:
    """``printable`` for text of several lines: the line breaks are kept."""
    return "\n".join(printable(line) for line in text.split("\n"))


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread by the CLI's handler; a ``KeyboardInterrupt`` so that
    code which cleans up after Ctrl-C cleans up after SIGTERM too."""


class InputError(Exception):
    """Bad input: one or more one-line problems, each naming file, line and field."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class RunError(Exception):
    """A failure while running valid input; the message says what to change."""
