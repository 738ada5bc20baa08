"""The ``lunarsim`` command: a thin layer that chains load -> simulate -> analyse -> write.

Each subcommand lives in its own module with ``register(subparsers)``; the module's ``run``
function returns an exit code. Bad input exits 2, runtime failures 1, Ctrl-C 130, SIGTERM 143;
the user never sees a traceback (``LUNARSIM_TRACEBACK=1`` shows one for an internal error).
See "Failure behaviour" in docs/design.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from sim.errors import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_RUNTIME,
    EXIT_TERMINATED,
    InputError,
    RunError,
    Terminated,
    printable,
)

_NOT_COMMANDS = {"common", "chart_options"}  # helpers, not subcommands


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

environment:
  LUNARSIM_CACHE_DIR   folder of the window tables kept between runs (default
                       ~/.cache/lunarsim); 'off' computes them every time
"""


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors exit 2 with one line (no traceback, no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, printable(f"{self.prog}: error: {message} (see '{self.prog} --help')") + "\n")


class _Version(argparse._VersionAction):
    """``--version``, which reads the installed version only when it is asked for (importlib.metadata
    and the distribution's metadata cost ~0.03 s of every command's start otherwise)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: Any, values: Any, option_string: Any = None) -> None:
        from sim import __version__

        self.version = f"lunar-timeline {__version__}"
        super().__call__(parser, namespace, values, option_string)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full argument parser with every subcommand registered (or only the command ``only``:
    all that ``lunarsim COMMAND ...`` parses with, at a tenth of the cost of registering all)."""
    from importlib import import_module

    parser = _Parser(
        prog="lunarsim",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    from sim.cli.common import add_verbosity_args

    for name, module_name in command_modules().items():
        if only is None or name == only:
            import_module(module_name).register(sub)
    for command in sub.choices.values():  # -q/--quiet and -v/--verbose on every command
        add_verbosity_args(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``lunarsim`` and ``python -m sim``; returns the exit code."""
    _one_blas_thread()
    with _signals():
        try:
            return _main(argv)
        except InputError as exc:
            _say(*exc.problems)
            return EXIT_INPUT
        except RunError as exc:
            _say(f"lunarsim: error: {exc}")
            return EXIT_RUNTIME
        except Terminated:
            _say("lunarsim: terminated (SIGTERM); no output was left half-written")
            return EXIT_TERMINATED
        except KeyboardInterrupt:
            _say("lunarsim: interrupted; no output was left half-written")
            return EXIT_INTERRUPTED
        except BrokenPipeError:  # the reader went away (``lunarsim schema | head``): not an error
            _drop_stdout()
            return 0
        except OSError as exc:  # e.g. a full disk behind stdout (``lunarsim schema > /dev/full``)
            _drop_stdout()
            where = f" {exc.filename}" if exc.filename else ""
            _say(f"lunarsim: error: cannot write{where}: {exc.strerror or exc}")
            return EXIT_RUNTIME
        except MemoryError:
            _say("lunarsim: error: out of memory; use fewer replications or a smaller scenario")
            return EXIT_RUNTIME
        except Exception as exc:  # a bug: one line, not a traceback (unless asked for)
            if os.environ.get("LUNARSIM_TRACEBACK"):
                raise
            _say(
                f"lunarsim: internal error ({type(exc).__name__}: {exc}); please report it "
                "(LUNARSIM_TRACEBACK=1 shows where)"
            )
            return EXIT_RUNTIME


def _one_blas_thread() -> None:
    """numpy's BLAS (OpenBLAS in its wheels) runs one thread unless the user chose otherwise
    (``OPENBLAS_NUM_THREADS``). lunarsim works in parallel with worker processes (``--workers``),
    and its matrix products are small (the sky's ``n x 3``): OpenBLAS's second thread only spun
    after each of them, ~0.18 s of CPU in ``run change5`` (0.75 -> 0.57 s, 11 runs on an idle
    2-core machine). Set before numpy is imported (it has no effect after) and inherited by the
    worker processes, which would otherwise each start a thread per core."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _main(argv: Sequence[str] | None) -> int:
    # The provenance of this command's JSON names only the files it reads (in a process that ran
    # commands before; checked in sys.modules so that --help never imports yaml).
    yamlsource = sys.modules.get("sim.scenario.yamlsource")
    if yamlsource is not None:
        yamlsource.forget_reads()
    words = sys.argv[1:] if argv is None else list(argv)
    # `lunarsim COMMAND ...` needs only COMMAND's parser; anything else (--help, --version, a
    # mistyped command) the full one
    parser = build_parser(words[0] if words and words[0] in command_modules() else None)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_INPUT
    from sim.cli.common import detail, set_verbosity

    set_verbosity(args)
    check_output_paths(parser, args)
    code: int = args.func(args)
    sys.stdout.flush()  # a write error (full disk, closed pipe) surfaces here, inside the handlers
    _window_work(detail)
    detail(f"{args.command}: done, exit {code}")
    return code


def _window_work(say: Callable[[str], None]) -> None:
    """With -v: how many window tables this command read back from the store on disk
    (``sim.sky.store``) and how many it computed and stored, if it used any (looked up in
    sys.modules: nothing is imported for this)."""
    store = sys.modules.get("sim.sky.store")
    if store is None:
        return
    where = store.folder()
    if where is None:
        say("window tables: computed (store off: LUNARSIM_CACHE_DIR=off)")
        return
    say(f"window tables: {store.stats['loaded']} read from {where}, {store.stats['saved']} computed and stored there")


def check_output_paths(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Every output option (``metavar="PATH"``) names a file, and no two name the same one.

    An empty path would otherwise be skipped silently and two outputs of one command naming one
    file would overwrite each other. ``-`` (stdout) and existing special files (``/dev/null``)
    may repeat.
    """
    import stat
    from pathlib import Path

    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    command = sub.choices[args.command]
    seen: dict[str, str] = {}
    for action in command._actions:
        value = getattr(args, action.dest, None)
        if action.metavar != "PATH" or not isinstance(value, str):
            continue
        option = action.option_strings[-1] if action.option_strings else action.dest
        if not value.strip():
            raise InputError(f"{option} {value!r}: empty path; name a file ('-' for stdout where allowed)")
        if value == "-":
            continue
        try:
            if not stat.S_ISREG(os.stat(value).st_mode):
                continue
        except OSError:
            pass
        key = os.path.realpath(Path(value))
        if key in seen:
            raise InputError(f"{option} {value}: the same file as {seen[key]}; give each output its own path")
        seen[key] = f"{option} {value}"


def _say(*lines: str) -> None:
    """Print lines to stderr, control characters escaped; a dead stderr is ignored."""
    try:
        for line in lines:
            print(printable(str(line)), file=sys.stderr)
        sys.stderr.flush()
    except OSError:
        pass


def _drop_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated()


@contextmanager
def _signals() -> Iterator[None]:
    """SIGTERM raises ``Terminated`` and SIGINT ``KeyboardInterrupt`` while the command runs
    (also when the shell started us with SIGINT ignored, as for a background job); restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is not None:
                signal.signal(sig, handler)
