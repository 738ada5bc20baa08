"""``lunarsim list``: the scenarios bundled with the package."""

from __future__ import annotations

import argparse

from sim.cli.common import bundled_scenarios, load_file, print_result
from sim.errors import InputError

HELP = "list the bundled scenarios and programs (id, name, epoch, phase count)"
EPILOG = """\
examples:
  lunarsim list
  lunarsim list --json
  lunarsim run change5          (run a bundled scenario by its id)
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``list`` subcommand."""
    p = sub.add_parser(
        "list",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List bundled scenarios; a broken one is listed with its first problem."""
    from sim.scenario.program import Program
    from sim.timebase import format_utc

    rows = []
    for path in bundled_scenarios():
        try:
            s = load_file(str(path))
            if isinstance(s, Program):
                prog = s
                ids = [m.id for m in prog.missions]
                rows.append(
                    {
                        "id": prog.id,
                        "name": f"{prog.name}; program of {', '.join(ids)}",
                        "epoch": None,
                        "phases": sum(len(m.phases) for m in prog.missions),
                        "path": str(path),
                        "missions": ids,
                    }
                )
                continue
        except InputError as exc:
            rows.append(
                {
                    "id": path.stem,
                    "name": f"(invalid: {exc.problems[0]})",
                    "epoch": None,
                    "phases": None,
                    "path": str(path),
                }
            )
            continue
        rows.append(
            {"id": s.id, "name": s.name, "epoch": format_utc(s.epoch), "phases": len(s.phases), "path": str(path)}
        )
    if args.json:
        print_result({"scenarios": rows})
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Bundled scenarios", title_justify="left")
    for col in ("id", "name", "epoch (UTC)", "phases"):
        table.add_column(col, justify="right" if col == "phases" else "left")
    for r in rows:
        epoch = r["epoch"] or ("per mission" if r.get("missions") else "-")
        table.add_row(str(r["id"]), str(r["name"]), str(epoch), str(r["phases"] or "-"))
    Console().print(table)
    return 0
