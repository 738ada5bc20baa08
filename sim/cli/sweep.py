"""``lunarsim sweep``: what-if studies, a Monte Carlo run per variant over a grid of scenario values."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from sim.cli.common import (
    ProgressBar,
    add_executor_args,
    add_scenario_arg,
    add_set_arg,
    announce,
    check_plot_path,
    check_replications,
    check_table_path,
    emit_csv,
    executor_args,
    print_result,
    resolve,
)
from sim.errors import EXIT_RUNTIME, InputError, printable

if TYPE_CHECKING:
    from sim.results.sweep_types import SweepResult

HELP = "what-if study: a Monte Carlo run per variant over ranges of scenario values, locally or on Dask"
EPILOG = """\
KEY is a --set path (phases by id); SPEC is a range START..STOP/STEP or a list A,B,C:
  --vary epoch=2026-08-01T00:00Z..2026-10-31T00:00Z/1d        launch dates, one a day
  --vary phases.earth_moon_transfer.duration=100h..130h/5h
  --vary phases.docking.failure.probability=0.01..0.1/0.01
  --vary phases.docking.failure.probability=0.01,0.05,0.1
Several --vary give the full grid; variants are in grid order (the last --vary changes fastest).

Common random numbers: every variant runs N replications with the SAME --seed, so the variants
share their random draws and the differences between rows come from the varied values, not
from sampling noise. The results are identical whatever --executor and --workers.

examples:
  lunarsim sweep change7 --vary epoch=2026-07-01T00:00Z..2026-12-31T00:00Z/7d -n 2000 --seed 1 \\
      --milestone landing --out landing_vs_launch.png
  lunarsim sweep change6 --vary phases.earth_moon_transfer.duration=100h..130h/5h \\
      --set "phases.docking.failure={probability: 0.05, on_fail: retry, delay: 1d}" \\
      --vary phases.docking.failure.probability=0,0.05,0.1 -n 2000 --out heatmap.png --csv study.csv
  lunarsim sweep change5 --vary epoch=2020-11-01T00:00Z..2020-12-31T00:00Z/1d --executor dask \\
      --scheduler tcp://10.0.0.5:8786 --json                       (Dask: pip install 'lunar-timeline[dask]')

A variant that fails (a window that never opens, an invalid combination) is reported in its row
with the reason; the others still run. Ctrl-C cancels the remaining variants and writes nothing.
Scaling out and costs: docs/scaling.md.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sweep`` subcommand."""
    p = sub.add_parser(
        "sweep",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scenario_arg(p)
    p.add_argument(
        "--vary",
        metavar="KEY=SPEC",
        action="append",
        default=[],
        help="a scenario value to vary over a range START..STOP/STEP or a list A,B,C (repeatable: grid)",
    )
    add_set_arg(p)
    p.add_argument(
        "-n", "--replications", type=int, default=2_000, metavar="N", help="replications per variant (default 2000)"
    )
    p.add_argument(
        "--seed", type=int, default=0, help="root seed, the same for every variant: common random numbers (default 0)"
    )
    p.add_argument("--milestone", metavar="PHASE_ID", help="also report the end of this phase, e.g. landing")
    p.add_argument("--deadline", metavar="ISO", help="UTC deadline: report P(success and end by it) per variant")
    add_executor_args(
        p,
        os.cpu_count() or 1,
        "worker processes of the local pool or of the Dask LocalCluster (default: CPU count; "
        "1 runs in this process; ignored with a Dask scheduler)",
    )
    p.add_argument("--json", action="store_true", help="print the study as JSON")
    p.add_argument("--csv", metavar="PATH", help="write one row per variant ('-' for stdout)")
    p.add_argument(
        "--out",
        metavar="PATH",
        help="chart (.png, .svg, .pdf): a line with the P10-P90 band for one --vary, a heatmap for two",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check everything up front, run the variants, then write and print."""
    from sim.study.sweep import load_document, prepare, run_study

    run_on = executor_args(args)
    check_replications(args.replications, args.seed)
    if args.json and args.csv == "-":
        raise InputError("--json and --csv - both write to stdout; give --csv a file path")
    if args.csv:
        check_table_path("--csv", args.csv)
    if args.out:
        check_plot_path(args.out)
        if len(args.vary) not in (1, 2):
            raise InputError(
                f"--out {args.out}: a chart shows one --vary (line) or two (heatmap), "
                f"this study has {len(args.vary)}; drop --out or use --csv"
            )
    path = resolve(args.scenario)
    study = prepare(
        load_document(path, args.set),
        str(path),
        args.vary,
        replications=args.replications,
        seed=args.seed,
        milestone=args.milestone,
        deadline=args.deadline,
    )
    with ProgressBar(args, "variants", study.size) as progress:
        result = run_study(study, **run_on, progress=progress)

    if args.csv:
        emit_csv(args.csv, result.csv_rows())
    if args.out:
        _draw(result, args.out)
    if args.json:
        print_result(result.to_dict(), seed=args.seed)
    elif args.csv != "-":
        from sim.report.sweep import sweep_table
        from sim.report.tables import wide_console

        sweep_table(result, wide_console())
    failed = result.failed
    if failed:
        print(
            printable(
                f"{len(failed)} of {len(result.rows)} variants failed; their rows give the reason "
                f"(first: {failed[0].error})"
            ),
            file=sys.stderr,
        )
    if failed and len(failed) == len(result.rows):
        print("lunarsim: error: every variant failed", file=sys.stderr)
        return EXIT_RUNTIME
    return 0


def _draw(result: SweepResult, path: str) -> None:
    from sim.cli._mpl_startup import import_pyplot

    import_pyplot()  # before sim.plots: without the artists' docstrings (~0.1 s)
    from sim.plots.figures import save_figure
    from sim.plots.sweep import sweep_chart

    ax = sweep_chart(result)
    save_figure(ax.figure, path)
    announce(path)
