"""``lunarsim run``: play a scenario once with nominal durations and print the phase table."""

from __future__ import annotations

import argparse

from sim.cli.common import add_scenario_arg, add_set_arg, emit_csv, load, print_json

HELP = "run a scenario once (nominal durations) and print the phase table"
EPILOG = """\
examples:
  lunarsim run scenarios/change5.yaml
  lunarsim run scenarios/change5.yaml --json > change5.json
  lunarsim run change5 --csv change5.csv        (bundled scenario by id; --csv - for stdout)
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``run`` subcommand."""
    p = sub.add_parser("run", help=HELP, description=HELP.capitalize() + ".", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_scenario_arg(p)
    add_set_arg(p)
    p.add_argument("--json", action="store_true", help="print the run as one JSON object instead of a table")
    p.add_argument("--csv", metavar="PATH", help="also write one row per phase as CSV ('-' for stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, simulate, print."""
    from sim.engine import simulate

    timeline = simulate(load(args.scenario, args.set))
    if args.csv:
        emit_csv(args.csv, timeline.csv_rows())
    if args.json:
        print_json(timeline.to_dict())
    elif args.csv != "-":
        from sim.report import timeline_table

        timeline_table(timeline)
    return 0
