"""Helpers shared by the subcommands: finding scenarios, printing and writing outputs."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import InputError, printable

# Only the standard library at import time: every command module imports this one, and
# `lunarsim --help` / `--version` must not pay for numpy, pydantic or yaml (issue 16: < 0.15 s
# CPU). The scenario machinery is imported by the functions that load a file.
if TYPE_CHECKING:
    from sim.scenario.model import Scenario
    from sim.scenario.program import Program
    from sim.scenario.yamlsource import YamlDocument


def bundled_dir() -> Path:
    """The folder of bundled scenarios (``sim.scenario.bundled``; imported late: --help stays light)."""
    from sim.scenario import bundled

    return bundled.bundled_dir()


def bundled_scenarios() -> list[Path]:
    """Bundled scenario files, sorted by name (see ``sim.scenario.bundled``)."""
    from sim.scenario import bundled

    return bundled.bundled_scenarios()


def resolve(arg: str) -> Path:
    """A scenario path as given, or a bundled scenario's id (see ``sim.scenario.bundled.resolve``)."""
    from sim.scenario import bundled

    return bundled.resolve(arg)


def load(arg: str, sets: Sequence[str] = ()) -> Scenario:
    """Load a scenario named on the command line (path or bundled id), with ``--set`` overrides."""
    from sim.scenario.model import read_document as parse_document

    path = resolve(arg)
    return _scenario(path, parse_document(path), sets)


def load_file(arg: str, sets: Sequence[str] = (), as_of: str | None = None) -> Scenario | Program:
    """A scenario or a program file named on the command line, parsed once (``--set`` applied),
    forecast from its status date (``--as-of`` or the file's ``status: {as_of}``) if it has one."""
    from sim.scenario.model import read_document as parse_document
    from sim.scenario.program import is_program_data, load_program

    path = resolve(arg)
    detail(f"reading {path}")
    doc = parse_document(path)
    if is_program_data(doc.data):  # each mission as of --as-of, or of its own status date
        program = load_program(path, sets, doc=doc)
        return replace(program, missions=[with_status(m, as_of) for m in program.missions])
    return with_status(_scenario(path, doc, sets), as_of)


def with_status(scenario: Scenario, as_of: str | None) -> Scenario:
    """``scenario`` as of ``as_of`` (an ISO UTC text) or of its own ``status``; unchanged without either."""
    from sim.scenario.status import apply_status
    from sim.timebase import parse_utc

    when = scenario.status.as_of if scenario.status is not None else None
    if as_of is not None:
        try:
            when = parse_utc(as_of)
        except ValueError as exc:
            raise InputError(f"--as-of {as_of}: {exc}") from None
    if when is None:
        return scenario
    try:
        return apply_status(scenario, when)
    except ValueError as exc:
        raise InputError(f"{scenario.id}: status {when:%Y-%m-%dT%H:%M:%SZ}: {exc}") from None


def add_as_of_arg(parser: argparse.ArgumentParser) -> None:
    """``--as-of ISO``: forecast from a status date."""
    parser.add_argument(
        "--as-of",
        metavar="ISO",
        help="status date (UTC): phases flown by then keep their actual times, an in-progress phase's "
        "remaining time is drawn given what has elapsed, nothing else starts before it "
        "(overrides the file's status: {as_of})",
    )


def load_any(arg: str, sets: Sequence[str] = (), as_of: str | None = None) -> Scenario:
    """A scenario, or a program file merged into one composite scenario (missions on one clock)."""
    return load_merged(arg, sets, as_of)[0]


def load_merged(
    arg: str, sets: Sequence[str] = (), as_of: str | None = None
) -> tuple[Scenario, dict[str, tuple[str, str]] | None]:
    """``load_any``, and for a program the map of its merged ids to ``(mission id, own id)``
    (``sim.engine.program.program_ids``; None for a scenario)."""
    from sim.engine.program import merge_program, program_ids
    from sim.scenario.model import Scenario

    loaded = load_file(arg, sets, as_of)
    if isinstance(loaded, Scenario):
        return loaded, None
    return merge_program(loaded), program_ids(loaded)


def _scenario(path: Path, doc: YamlDocument, sets: Sequence[str]) -> Scenario:
    """Validate a parsed scenario file after ``--set``; problems in overridden fields say which
    ``--set`` caused them."""
    from sim.scenario.model import scenario_from_document
    from sim.scenario.overrides import apply_overrides, mark_problems
    from sim.scenario.yamlsource import YamlDocument

    data, origins = apply_overrides(doc.data, sets)
    try:
        return scenario_from_document(YamlDocument(data, doc.lines), str(path))
    except InputError as exc:
        raise InputError(mark_problems(exc.problems, origins)) from None


def add_set_arg(parser: argparse.ArgumentParser) -> None:
    """The repeatable ``--set KEY=VALUE`` option."""
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="set",
        help="override a scenario value before running, e.g. --set epoch=2024-05-10T09:27:29Z or "
        "--set phases.landing.duration=20min (phases by id; repeatable)",
    )


def print_json(obj: Any) -> None:
    """Print one JSON document to stdout."""
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


#: How much the commands say on stderr besides errors: 0 with -q/--quiet (nothing), 1 by default
#: (each written file), 2 with -v/--verbose (also what is read and when each step ended).
VERBOSITY = 1
_STARTED = time.monotonic()


def add_verbosity_args(parser: argparse.ArgumentParser) -> None:
    """The -q/--quiet and -v/--verbose options every command has."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-q", "--quiet", action="store_true", help="nothing on stderr but errors (no 'wrote' lines, no progress bar)"
    )
    group.add_argument("-v", "--verbose", action="store_true", help="also say what is read and when each step ends")


def set_verbosity(args: argparse.Namespace) -> None:
    """Take -q/-v from parsed arguments (called once by ``main``)."""
    global VERBOSITY, _STARTED
    VERBOSITY = 0 if getattr(args, "quiet", False) else 2 if getattr(args, "verbose", False) else 1
    _STARTED = time.monotonic()


def announce(path: str | Path) -> None:
    """Say on stderr that a file was written: ``lunarsim: wrote PATH`` (every command, the same way;
    silent with --quiet)."""
    if VERBOSITY >= 1:
        print(printable(f"lunarsim: wrote {path}"), file=sys.stderr)


def detail(message: str) -> None:
    """A -v/--verbose line on stderr, with the seconds since the command started."""
    if VERBOSITY >= 2:
        print(printable(f"lunarsim: [{time.monotonic() - _STARTED:6.2f} s] {message}"), file=sys.stderr)


def provenance(seed: int | None = None) -> dict[str, Any]:
    """What produced a result: the tool and its version, the root seed (``None``: no random draw)
    and the sha256 of every input file read by this command (``-`` is standard input)."""
    from sim import __version__
    from sim.scenario.yamlsource import FILES_READ

    inputs = [{"path": path, "sha256": digest} for path, digest in FILES_READ.items()]
    return {"tool": "lunar-timeline", "version": __version__, "seed": seed, "inputs": inputs}


def print_result(obj: dict[str, Any], seed: int | None = None) -> None:
    """Print a command's JSON result with its ``provenance`` as the last key."""
    print_json({**obj, "provenance": provenance(seed)})


def emit_csv(path: str, rows: list[dict[str, Any]]) -> None:
    """Write CSV rows to ``path`` atomically (and announce it), or to stdout when ``path`` is ``-``."""
    from sim.outputs import csv_text, write_csv

    if path == "-":
        sys.stdout.write(csv_text(rows))
    else:
        check_table_path("--csv", path)
        write_csv(path, rows)
        announce(path)


def check_replications(n: int, seed: int, option: str = "-n") -> None:
    """Reject a replication count or seed that Monte Carlo cannot take, naming the option."""
    from sim.engine.montecarlo import MAX_REPLICATIONS

    if n < 1:
        raise InputError(f"{option} {n}: the number of replications must be >= 1")
    if n > MAX_REPLICATIONS:
        raise InputError(
            f"{option} {n}: at most {MAX_REPLICATIONS:,} replications in one run (each keeps about 13 bytes "
            "in memory); use fewer (a million already gives percentiles to a few hundredths of a percent)"
        )
    if seed < 0:
        raise InputError(f"--seed {seed}: must be a whole number >= 0 (the root of numpy's SeedSequence)")


MAX_WORKERS = 256


def check_workers(workers: int) -> None:
    """Reject a worker count that is not a small positive number (each worker is a process)."""
    if not 1 <= workers <= MAX_WORKERS:
        raise InputError(
            f"--workers {workers}: must be between 1 and {MAX_WORKERS} (one process each; "
            "more than the machine's cores gains nothing)"
        )


def emit_csv_rows(path: str, rows: Iterable[Sequence[Any]]) -> None:
    """Stream CSV rows (lists, header first) to ``path`` atomically (and announce it), or to stdout when
    ``path`` is ``-``."""
    from sim.outputs import write_csv_rows

    if path == "-":
        csv.writer(sys.stdout, lineterminator="\n").writerows(rows)
    else:
        check_table_path("--csv", path)
        write_csv_rows(path, rows)
        announce(path)


# What shell completion offers for a file argument, per shell (shtab's FILE, written out so that
# building the parser does not import shtab; see sim.cli.completion).
COMPLETE_FILES = {"bash": "_shtab_compgen_files", "zsh": "_files", "tcsh": "f"}

PLOT_FORMATS = (".png", ".svg", ".pdf")


TABLE_FORMATS = {"--csv": ".csv", "--parquet": ".parquet"}


def check_table_path(option: str, path: str) -> None:
    """Reject a table path whose extension is not the option's format (no file is silently CSV).

    ``--csv`` writes ``.csv`` (or ``-``: standard output), ``--parquet`` writes ``.parquet`` (and
    needs pyarrow, checked here so that a long run does not end in a missing module).
    """
    if option == "--csv" and path == "-":
        return
    suffix = Path(path).suffix.lower()
    if suffix != TABLE_FORMATS[option]:
        raise InputError(
            f"{option} {path}: unknown format {suffix or '(no extension)'!r}; {option} writes "
            f"{TABLE_FORMATS[option]} files" + (" ('-' for standard output)" if option == "--csv" else "")
        )
    if option == "--parquet":
        from sim.outputs import check_parquet

        check_parquet(option)


def check_plot_path(path: str) -> None:
    """Reject a plot path whose extension is not a supported format."""
    suffix = Path(path).suffix.lower()
    if suffix not in PLOT_FORMATS:
        raise InputError(f"--out {path}: unsupported format {suffix or '(none)'!r}; use .png, .svg or .pdf")


DPI_RANGE = (30, 1200)


def add_dpi_arg(parser: argparse.ArgumentParser) -> None:
    """The --dpi option of the commands that draw."""
    lo, hi = DPI_RANGE
    parser.add_argument("--dpi", type=int, default=150, help=f"resolution of PNG output, {lo} to {hi} (default 150)")


def check_dpi(dpi: int) -> None:
    """Reject a resolution matplotlib cannot render (or would exhaust memory on)."""
    lo, hi = DPI_RANGE
    if not lo <= dpi <= hi:
        raise InputError(f"--dpi {dpi}: must be between {lo} and {hi} (150 suits screens, 300 print)")


def add_scenario_arg(parser: argparse.ArgumentParser) -> None:
    """The positional SCENARIO argument."""
    action = parser.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="scenario file, the id of a bundled one (see 'lunarsim list'), or - for standard input",
    )
    action.complete = COMPLETE_FILES  # type: ignore[attr-defined]


class ProgressBar:
    """A rich progress bar on stderr: only on a terminal, after one second, not with --json or --quiet.

    ``with ProgressBar(args, "replications", n) as progress:`` gives ``update`` to pass as the
    run's progress callback, or ``None`` when the bar is off. ``update(done)`` counts against
    ``total`` (raised to ``done`` if the run goes past it); ``update(done, total)`` takes the
    run's own total.
    """

    def __init__(self, args: argparse.Namespace, label: str, total: int) -> None:
        self.enabled = sys.stderr.isatty() and VERBOSITY >= 1 and not getattr(args, "json", False)
        self.label = label
        self.total = total
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        return self.update if self.enabled else None

    def update(self, done: int, total: int | None = None) -> None:
        """Show ``done`` of ``total`` (of ``max(self.total, done)`` when ``total`` is not given)."""
        if total is None:
            total = max(self.total, done)
        if self.bar is None:
            if time.monotonic() - self.started < 1.0:
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def add_executor_args(parser: argparse.ArgumentParser, workers_default: int, workers_help: str) -> None:
    """``--executor``, ``--scheduler``, ``--scheduler-file`` and ``--workers`` (mc and sweep)."""
    parser.add_argument(
        "--executor",
        choices=("local", "dask"),
        help="local = processes on this machine (default); dask = a Dask cluster (pip install 'lunar-timeline[dask]')",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --executor dask). Without it and "
        "--scheduler-file, --executor dask uses $DASK_SCHEDULER_ADDRESS, else starts a LocalCluster of --workers",
    )
    where.add_argument(
        "--scheduler-file",
        metavar="FILE",
        help="Dask scheduler file, as written by 'dask scheduler --scheduler-file FILE' (implies --executor dask)",
    )
    parser.add_argument("--workers", type=int, default=workers_default, metavar="W", help=workers_help)


def executor_args(args: argparse.Namespace) -> dict[str, Any]:
    """Check the executor options; the keywords for ``run_tasks``-based runs (executor, workers,
    scheduler, scheduler_file). Fails before any work if Dask is asked for and missing."""
    check_workers(args.workers)
    named = args.scheduler or args.scheduler_file
    executor = args.executor or ("dask" if named else "local")
    if named and executor != "dask":
        option = "--scheduler" if args.scheduler else "--scheduler-file"
        raise InputError(f"{option} {named}: a Dask scheduler needs --executor dask")
    if executor == "dask":
        _check_dask()
    if args.scheduler_file and not os.path.exists(args.scheduler_file):
        raise InputError(
            f"--scheduler-file {args.scheduler_file}: no such file (write it with 'dask scheduler --scheduler-file')"
        )
    return {
        "executor": executor,
        "workers": args.workers,
        "scheduler": args.scheduler,
        "scheduler_file": args.scheduler_file,
    }


def _check_dask() -> None:
    """Fail before any work if Dask is missing (exit 2, naming the extra to install)."""
    import importlib.util

    try:
        found = importlib.util.find_spec("distributed") is not None
    except ValueError:  # a module set to None in sys.modules
        found = False
    if not found:
        raise InputError("--executor dask needs Dask: pip install 'lunar-timeline[dask]'")
