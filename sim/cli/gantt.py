"""``lunarsim gantt``: draw the nominal timeline of a scenario as a Gantt chart."""

from __future__ import annotations

import argparse

from sim.cli.common import add_scenario_arg, add_set_arg, check_plot_path, load

HELP = "draw a scenario's nominal timeline as a Gantt chart (png, svg or pdf)"
EPILOG = """\
examples:
  lunarsim gantt scenarios/change5.yaml --out change5.png
  lunarsim gantt scenarios/change5.yaml --out change5.svg --axis met
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``gantt`` subcommand."""
    p = sub.add_parser("gantt", help=HELP, description=HELP.capitalize() + ".", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_scenario_arg(p)
    add_set_arg(p)
    p.add_argument("--out", metavar="PATH", required=True, help="output file; format from the extension (.png, .svg, .pdf)")
    p.add_argument("--axis", choices=("utc", "met"), default="utc",
                   help="time axis: UTC dates (default) or mission elapsed days since T0")
    p.add_argument("--dpi", type=int, default=150, help="resolution of PNG output (default 150)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, simulate, draw, save atomically."""
    check_plot_path(args.out)
    scenario = load(args.scenario, args.set)
    from sim.analysis import actual_times
    from sim.engine import simulate
    from sim.figures import save_figure
    from sim.plots import gantt

    timeline = simulate(scenario)
    ax = gantt(timeline, axis=args.axis, actuals=actual_times(scenario), lanes=list(scenario.elements))
    save_figure(ax.figure, args.out, dpi=args.dpi)
    print(f"wrote {args.out}")
    return 0
