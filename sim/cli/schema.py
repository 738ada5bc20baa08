"""``lunarsim schema``: print the JSON Schema of scenario files."""

from __future__ import annotations

import argparse

from sim.cli.common import announce, print_json

HELP = "print the JSON Schema of scenario files (for editors and validators)"
EPILOG = """\
examples:
  lunarsim schema > scenario.schema.json
  lunarsim schema --out scenario.schema.json
  (VS Code YAML: add '# yaml-language-server: $schema=scenario.schema.json' at the top of a scenario)
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` subcommand."""
    p = sub.add_parser(
        "schema",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", metavar="PATH", help="write to a file instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print or write the schema."""
    from sim.outputs import write_json
    from sim.scenario.model import scenario_json_schema

    schema = scenario_json_schema()
    if args.out:
        write_json(args.out, schema)
        announce(args.out)
    else:
        print_json(schema)
    return 0
