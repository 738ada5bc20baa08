"""The ``lunarsim`` command: a thin layer that chains load -> simulate -> analyse -> write.

Each subcommand lives in its own module with ``register(subparsers)``; the module's ``run``
function returns an exit code. Bad input exits 2, runtime failures 1, Ctrl-C 130; the user
never sees a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim.errors import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_RUNTIME, InputError, RunError

_NOT_COMMANDS = {"common"}


def command_modules() -> dict[str, str]:
    """Subcommand name -> module name: every module of ``sim.cli`` except helpers.

    A module ``sim/cli/NAME.py`` with a ``register(subparsers)`` function is a command; its
    ``listing`` is ``list`` (a module may not be named after a builtin).
    """
    import pkgutil

    import sim.cli as package

    out = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_") or info.name in _NOT_COMMANDS:
            continue
        out["list" if info.name == "listing" else info.name] = f"sim.cli.{info.name}"
    return dict(sorted(out.items()))


DESCRIPTION = """\
Simulate Chang'e lunar mission timelines from YAML scenario files.

examples:
  lunarsim list                                      bundled scenarios
  lunarsim run scenarios/change5.yaml                phase table of the nominal run
  lunarsim run change5 --json                        the same as JSON (bundled id works too)
  lunarsim gantt scenarios/change5.yaml --out change5.png
  lunarsim compare change5 change6                   planned vs flown vs simulated
  lunarsim mc change6 -n 20000 --seed 1              Monte Carlo schedule risk
  lunarsim sweep change7 --vary epoch=2026-08-01T00:00Z..2026-10-31T00:00Z/7d -n 1000
  lunarsim sun --site change5 --at 2020-12-01T15:11Z
  lunarsim windows change6 --out windows.png        launch, relay, station, return windows
  lunarsim validate scenarios/*.yaml

Run 'lunarsim COMMAND --help' for each command's options and examples.
"""


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors exit 2 with one line (no traceback, no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every subcommand registered."""
    from importlib import import_module

    parser = _Parser(
        prog="lunarsim",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from sim import __version__

    parser.add_argument("--version", action="version", version=f"lunar-timeline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    from sim.cli.common import add_verbosity_args

    for module_name in command_modules().values():
        import_module(module_name).register(sub)
    for command in sub.choices.values():  # -q/--quiet and -v/--verbose on every command
        add_verbosity_args(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``lunarsim`` and ``python -m sim``; returns the exit code."""
    # The provenance of this command's JSON names only the files it reads (in a process that ran
    # commands before; checked in sys.modules so that --help never imports yaml).
    yamlsource = sys.modules.get("sim.scenario.yamlsource")
    if yamlsource is not None:
        yamlsource.forget_reads()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_INPUT
    from sim.cli.common import detail, set_verbosity

    set_verbosity(args)
    try:
        code: int = args.func(args)
        detail(f"{args.command}: done, exit {code}")
    except InputError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return EXIT_INPUT
    except RunError as exc:
        print(f"lunarsim: error: {exc}", file=sys.stderr)
        return EXIT_RUNTIME
    except KeyboardInterrupt:
        print("lunarsim: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    return code
