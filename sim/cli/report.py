"""``lunarsim report``: one self-contained HTML file to send to someone (needs the ``html`` extra)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from sim.cli.common import add_set_arg, announce, check_replications, detail, load_any
from sim.errors import InputError

if TYPE_CHECKING:
    from sim.engine.model import Model
    from sim.report.html import MissionReport

HELP = "write one self-contained HTML report (interactive Gantt, plan vs flown vs simulated, windows, risk)"
EPILOG = """\
examples:
  lunarsim report change5 --out change5.html
  lunarsim report change5 change6 --out ce5_ce6.html            (one page, a section per mission)
  lunarsim report change6 --mc 5000 --seed 1 --out change6.html  (adds the S-curve, tornado, risk table)

The file has every script and style inlined (plotly.js, about 4.7 MB): it opens offline in any
browser. Needs plotly: pip install 'lunar-timeline[html]'.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` subcommand."""
    p = sub.add_parser(
        "report",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenarios", metavar="SCENARIO", nargs="+", help="scenario files or bundled ids")
    add_set_arg(p)
    p.add_argument("--out", metavar="PATH", required=True, help="the HTML file to write (.html)")
    p.add_argument("--mc", type=int, metavar="N", default=0, help="also run N Monte Carlo replications per mission")
    p.add_argument("--seed", type=int, default=0, help="seed of the --mc replications (default 0)")
    p.add_argument("--title", metavar="TEXT", help="page title (default: the missions' names)")
    p.set_defaults(func=run)


def check_html_path(path: str) -> None:
    """Reject an output path that is not .html/.htm, and a missing plotly, before any work."""
    if not path.lower().endswith((".html", ".htm")):
        raise InputError(f"--out {path}: the report is an HTML file; name it .html")
    try:
        import plotly  # noqa: F401
    except ModuleNotFoundError:
        raise InputError(
            "--out " + path + ": HTML output needs plotly; install it with pip install 'lunar-timeline[html]'"
        ) from None


def run(args: argparse.Namespace) -> int:
    """Load every scenario, run it (and its Monte Carlo), assemble the page, write it atomically."""
    check_html_path(args.out)
    if args.mc:
        check_replications(args.mc, args.seed, "--mc")
    from sim.engine.des import simulate
    from sim.engine.model import build_model
    from sim.outputs import write_text
    from sim.report.html import MissionReport, report_html
    from sim.results.comparison import compare

    missions = []
    for arg in args.scenarios:
        scenario = load_any(arg, args.set)
        model = build_model(scenario)
        timeline = simulate(scenario, model=model)
        detail(f"{scenario.id}: simulated")
        mission = MissionReport(scenario, timeline, windows=model.windows)
        if args.mc:
            _monte_carlo(mission, model, args.mc, args.seed)
            detail(f"{scenario.id}: {args.mc:,} Monte Carlo replications")
        missions.append(mission)
    comparison = compare([m.scenario for m in missions], [m.timeline for m in missions])
    write_text(args.out, report_html(missions, comparison, title=args.title))
    announce(args.out)
    return 0


def _monte_carlo(mission: MissionReport, model: Model, n: int, seed: int) -> None:
    """Fill the mission's ensemble, typed summary, sensitivities and per-phase end spread (P10-P90)."""
    import numpy as np

    from sim.engine.montecarlo import monte_carlo
    from sim.results.published import flown_durations_s
    from sim.results.statistics import monte_carlo_summary, phase_end_spread

    scenario = mission.scenario
    ens = monte_carlo(scenario, n, seed, model=model)
    mission.ensemble = ens
    mission.mc_summary = monte_carlo_summary(ens, actual_durations_s=flown_durations_s(scenario))
    mission.sensitivity = np.array([p.sensitivity for p in mission.mc_summary.phases])
    mission.end_spread = phase_end_spread(ens)
