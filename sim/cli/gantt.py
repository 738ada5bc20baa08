"""``lunarsim gantt``: draw the nominal timeline of a scenario (or a program of missions) as a Gantt chart."""

from __future__ import annotations

import argparse

from sim.cli.common import add_set_arg, check_plot_path, load, resolve
from sim.errors import InputError

HELP = "draw a scenario's nominal timeline as a Gantt chart (png, svg, pdf); several: a program chart"
EPILOG = """\
examples:
  lunarsim gantt scenarios/change5.yaml --out change5.png
  lunarsim gantt scenarios/change5.yaml --out change5.svg --axis met
  lunarsim gantt scenarios/ilrs.yaml --out ilrs.png                 (a program: one row per mission)
  lunarsim gantt scenarios/ilrs.yaml --out ilrs.png --detail        (every element lane)
  lunarsim gantt scenarios/change5.yaml scenarios/change6.yaml scenarios/change7.yaml \\
      scenarios/change8.yaml --out all.png                          (several missions, 2020-2030)
  lunarsim gantt scenarios/ilrs.yaml --set change7.epoch=2026-10-01T00:00:00Z --out ilrs.png
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``gantt`` subcommand."""
    p = sub.add_parser("gantt", help=HELP, description=HELP.capitalize() + ".", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenarios", metavar="SCENARIO", nargs="+",
                   help="scenario file or bundled id; a program file (ilrs.yaml) or several files draw a "
                   "program chart")
    add_set_arg(p)
    p.add_argument("--out", metavar="PATH", required=True,
                   help="output file; format from the extension (.png, .svg, .pdf)")
    p.add_argument("--axis", choices=("utc", "met"), default=None,
                   help="time axis of a single scenario: UTC dates (default) or mission elapsed days")
    p.add_argument("--detail", action="store_true",
                   help="program chart: draw every element lane of every mission, not one row per mission")
    p.add_argument("--dpi", type=int, default=150, help="resolution of PNG output (default 150)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, simulate, draw, save atomically."""
    check_plot_path(args.out)
    from sim.program import is_program_file

    if len(args.scenarios) > 1 or is_program_file(resolve(args.scenarios[0])):
        return _program_chart(args)
    scenario = load(args.scenarios[0], args.set)
    from sim.analysis import actual_times
    from sim.engine import simulate
    from sim.figures import save_figure
    from sim.plots import gantt

    timeline = simulate(scenario)
    ax = gantt(timeline, axis=args.axis or "utc", actuals=actual_times(scenario),
               lanes=list(scenario.elements))
    save_figure(ax.figure, args.out, dpi=args.dpi)
    print(f"wrote {args.out}")
    return 0


def _program_chart(args: argparse.Namespace) -> int:
    """A program file or several scenarios: one row per mission on a UTC axis across years."""
    if args.axis == "met":
        raise InputError("--axis met: a program chart has one UTC axis for all missions; drop --axis "
                         "(or draw one scenario at a time)")
    from sim.engine import simulate
    from sim.figures import save_figure
    from sim.plots import program_gantt
    from sim.program import load_missions, load_program

    paths = [resolve(a) for a in args.scenarios]
    title = None
    if len(paths) == 1:
        program = load_program(paths[0], args.set)
        missions = program.missions
        title = f"{program.name}: nominal timelines"
    else:
        missions = load_missions(paths, args.set)
    ax = program_gantt([simulate(m) for m in missions], detail=args.detail, title=title)
    save_figure(ax.figure, args.out, dpi=args.dpi)
    print(f"wrote {args.out}")
    return 0
