"""``lunarsim run``: play a scenario once with nominal durations and print the phase table."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from sim.cli.common import add_as_of_arg, add_scenario_arg, add_set_arg, emit_csv, load_file, print_result

if TYPE_CHECKING:
    from sim.scenario.program import Program

HELP = "run a scenario once (nominal durations) and print the phase table"
EPILOG = """\
examples:
  lunarsim run scenarios/change5.yaml
  lunarsim run change5 --order file             (rows in the file's order, not by start time)
  lunarsim run scenarios/change5.yaml --json > change5.json
  lunarsim run change5 --csv change5.csv        (bundled scenario by id; --csv - for stdout)
  lunarsim run scenarios/ilrs.yaml              (a program: each mission's table)
  lunarsim run scenarios/ilrs.yaml --set change7.epoch=2026-10-01T00:00:00Z --json
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``run`` subcommand."""
    p = sub.add_parser(
        "run",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scenario_arg(p)
    add_set_arg(p)
    add_as_of_arg(p)
    p.add_argument("--json", action="store_true", help="print the run as one JSON object instead of a table")
    p.add_argument("--csv", metavar="PATH", help="also write one row per phase as CSV ('-' for stdout)")
    p.add_argument(
        "--order",
        choices=("time", "file"),
        default="time",
        help="table rows by start time (default) or in the scenario file's order",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, simulate, print."""
    from sim.engine.des import simulate
    from sim.scenario.model import Scenario

    loaded = load_file(args.scenario, args.set, args.as_of)
    if not isinstance(loaded, Scenario):
        return _run_program(args, loaded)
    timeline = simulate(loaded)
    if args.csv:
        emit_csv(args.csv, timeline.csv_rows())
    if args.json:
        print_result(timeline.to_dict())
    elif args.csv != "-":
        from sim.report.tables import timeline_table

        timeline_table(timeline, order=args.order)
    return 0


def _run_program(args: argparse.Namespace, program: Program) -> int:
    """A program file: the missions on one clock, sharing the program's resources; a table per mission."""
    from sim.engine.program import simulate_program

    timelines = simulate_program(program)
    if args.csv:
        emit_csv(args.csv, [row for t in timelines for row in t.csv_rows()])
    if args.json:
        missions = [t.to_dict() for t in timelines]
        print_result({"program": program.id, "name": program.name, "missions": missions})
    elif args.csv != "-":
        from sim.report.tables import timeline_table

        for t in timelines:
            timeline_table(t, order=args.order)
    return 0
