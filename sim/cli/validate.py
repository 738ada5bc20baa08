"""``lunarsim validate``: check scenario files and report every problem."""

from __future__ import annotations

import argparse
import sys

from sim.cli.common import load_file, resolve
from sim.errors import EXIT_INPUT, EXIT_OK, InputError, printable

HELP = "check scenario files; print 'OK path' or one line per problem (exit 2 if any is bad)"
EPILOG = """\
examples:
  lunarsim validate scenarios/change5.yaml
  lunarsim validate scenarios/*.yaml
  lunarsim validate scenarios/ilrs.yaml        (a program: the file and every file it includes)
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` subcommand."""
    p = sub.add_parser(
        "validate",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenarios", metavar="SCENARIO", nargs="+", help="scenario or program files (or bundled ids)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate each file; never stop at the first bad one."""
    bad = False
    for arg in args.scenarios:
        path = resolve(arg)
        try:
            load_file(str(path))
        except InputError as exc:
            bad = True
            for line in exc.problems:
                print(printable(line), file=sys.stderr)
        else:
            print(printable(f"OK {path}"))
    return EXIT_INPUT if bad else EXIT_OK
