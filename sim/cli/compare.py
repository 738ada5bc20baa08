"""``lunarsim compare``: planned vs flown vs simulated durations, per phase and across missions."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sim.cli.common import add_set_arg, check_plot_path, emit_csv, load, print_json

if TYPE_CHECKING:
    from sim.analysis import Comparison
    from sim.results import Timeline
    from sim.scenario import Scenario

HELP = "compare planned, flown and simulated phase durations of one or more missions"
EPILOG = """\
one mission: a table per phase (planned, flown, simulated, deltas in h and %) and a
mission summary row. several missions: hours per phase kind per mission, a mission
table, then each mission's phase table.

examples:
  lunarsim compare scenarios/change5.yaml
  lunarsim compare change5 change6                 (bundled scenarios by id)
  lunarsim compare change5 change6 --json > ce5_vs_ce6.json
  lunarsim compare change6 --csv ce6.csv           (--csv - for stdout)
  lunarsim compare change5 --out ce5_bars.png      (grouped bars: planned / flown / simulated)
  lunarsim compare change5 change6 --out ce5_vs_ce6.png   (missions aligned at launch)

how flown durations are read (see sim/analysis.py):
  start and end published -> end - start; only the end published -> the start is the
  predecessor's flown end (plus lag), else unknown. A date-only time counts as noon of that
  day, and its +-12 h shows as the uncertainty. Simulated values are the nominal run.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``compare`` subcommand."""
    p = sub.add_parser("compare", help=HELP, description=HELP.capitalize() + ".", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenarios", metavar="SCENARIO", nargs="+",
                   help="scenario files, or ids of bundled ones (see 'lunarsim list'); one or more")
    add_set_arg(p)
    p.add_argument("--json", action="store_true",
                   help="print the comparison as one JSON object instead of tables")
    p.add_argument("--csv", metavar="PATH",
                   help="also write tidy CSV rows (record = phase, mission or kind) ('-' for stdout)")
    p.add_argument("--out", metavar="PATH",
                   help="also draw a chart (.png, .svg, .pdf): grouped bars for one mission, "
                   "the missions aligned at launch for several")
    p.add_argument("--dpi", type=int, default=150, help="resolution of PNG output (default 150)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load each scenario, simulate it nominally, compare, print and write."""
    from sim.errors import InputError

    if args.out:
        check_plot_path(args.out)
    scenarios = [load(arg, args.set) for arg in args.scenarios]
    seen: dict[str, str] = {}
    for arg, s in zip(args.scenarios, scenarios, strict=True):
        if s.id in seen:
            raise InputError(
                f"{arg}: mission id {s.id!r} is also the id of {seen[s.id]}; compare distinct missions"
            )
        seen[s.id] = arg

    from sim.analysis import compare
    from sim.engine import simulate

    timelines = [simulate(s) for s in scenarios]
    comparison = compare(scenarios, timelines)
    if args.csv:
        emit_csv(args.csv, comparison.csv_rows())
    if args.out:
        _draw(args.out, args.dpi, comparison, scenarios, timelines)
    if args.json:
        print_json(comparison.to_dict())
    elif args.csv != "-":
        from sim.report_compare import print_comparison

        print_comparison(comparison)
        if args.out:
            print(f"wrote {args.out}")
    return 0


def _draw(
    path: str, dpi: int, comparison: Comparison, scenarios: Sequence[Scenario], timelines: Sequence[Timeline]
) -> None:
    """One mission: grouped bars; several: the missions aligned at launch."""
    from sim.analysis import actual_times
    from sim.figures import save_figure
    from sim.plots.compare import compare_bars, compare_missions

    if len(scenarios) == 1:
        ax = compare_bars(comparison, scenarios[0].id)
    else:
        ax = compare_missions(timelines, actuals={s.id: actual_times(s) for s in scenarios})
    save_figure(ax.figure, path, dpi=dpi)
