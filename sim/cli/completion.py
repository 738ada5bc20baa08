"""``lunarsim completion SHELL``: print a tab-completion script for bash, zsh or tcsh.

The script is generated from the argument parser by shtab (optional extra ``completion``): it is
static, so pressing TAB never starts Python (argcomplete would run ``lunarsim`` on every TAB, and
its start-up costs more than a keystroke should wait). Regenerate it after an upgrade.
"""

from __future__ import annotations

import argparse
import sys

from sim.errors import InputError

SHELLS = ("bash", "zsh", "tcsh")
HELP = "print a shell tab-completion script (bash, zsh, tcsh); needs the 'completion' extra (shtab)"
EPILOG = """\
examples:
  lunarsim completion bash > ~/.local/share/bash-completion/completions/lunarsim
  lunarsim completion zsh > ~/.zfunc/_lunarsim        (with fpath+=~/.zfunc before compinit)
  eval "$(lunarsim completion bash)"                   (this shell only)

Commands, options and their choices complete; SCENARIO arguments complete file names.
Install the extra first: pip install 'lunar-timeline[completion]'
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``completion`` subcommand."""
    p = sub.add_parser(
        "completion",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the script for ``args.shell``."""
    try:
        import shtab
    except ImportError:
        raise InputError(
            "shell completion needs shtab; install it with: pip install 'lunar-timeline[completion]'"
        ) from None
    from sim.cli import build_parser

    sys.stdout.write(shtab.complete(build_parser(), shell=args.shell))
    return 0
