"""``lunarsim schema``: print the JSON Schema of scenario files (or, with ``--program``, of program files).

The same schemas ship in the package next to the bundled scenarios (``sim/scenarios/schemas/``, from
``scenarios/schemas/`` in a checkout), which name them in their first line for YAML editors.
"""

from __future__ import annotations

import argparse

from sim.cli.common import announce, print_json

HELP = "print the JSON Schema of scenario files, or of program files with --program (for editors)"
EPILOG = """\
examples:
  lunarsim schema > scenario.schema.json
  lunarsim schema --program --out program.schema.json
  (YAML editors: put '# yaml-language-server: $schema=scenario.schema.json' on a scenario's first line;
   the bundled scenarios point at the copies shipped in the package, in schemas/ beside them)
"""

# The files shipped beside the bundled scenarios, by which schema they hold.
SHIPPED = {"scenario": "schemas/scenario.schema.json", "program": "schemas/program.schema.json"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` subcommand."""
    p = sub.add_parser(
        "schema",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--program", action="store_true", help="the schema of program files (include + resources)")
    p.add_argument("--out", metavar="PATH", help="write to a file instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print or write the schema."""
    from sim.outputs import write_json

    if args.program:
        from sim.scenario.program import program_json_schema

        schema = program_json_schema()
    else:
        from sim.scenario.model import scenario_json_schema

        schema = scenario_json_schema()
    if args.out:
        write_json(args.out, schema)
        announce(args.out)
    else:
        print_json(schema)
    return 0
