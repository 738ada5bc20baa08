"""Helpers shared by the subcommands: finding scenarios, printing and writing outputs."""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.outputs import csv_text, write_csv
from sim.scenario import Scenario, load_scenario


def bundled_dir() -> Path:
    """The folder of scenarios shipped with the package (``scenarios/`` in a source checkout)."""
    try:
        return Path(str(resources.files("sim.scenarios")))
    except ModuleNotFoundError:  # running from a source tree that is not installed
        return Path(__file__).resolve().parents[2] / "scenarios"


def bundled_scenarios() -> list[Path]:
    """Bundled scenario files, sorted by name."""
    return sorted(bundled_dir().glob("*.yaml"))


def resolve(arg: str) -> Path:
    """A scenario path as given, or a bundled scenario's id (``change5``) when no such file exists."""
    path = Path(arg)
    if path.exists() or path.suffix in (".yaml", ".yml") or "/" in arg:
        return path
    candidate = bundled_dir() / f"{arg}.yaml"
    return candidate if candidate.exists() else path


def load(arg: str) -> Scenario:
    """Load a scenario named on the command line (path or bundled id)."""
    return load_scenario(resolve(arg))


def print_json(obj: Any) -> None:
    """Print one JSON document to stdout."""
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def emit_csv(path: str, rows: list[dict[str, Any]]) -> None:
    """Write CSV rows to ``path`` atomically, or to stdout when ``path`` is ``-``."""
    if path == "-":
        sys.stdout.write(csv_text(rows))
    else:
        write_csv(path, rows)


PLOT_FORMATS = (".png", ".svg", ".pdf")


def check_plot_path(path: str) -> None:
    """Reject a plot path whose extension is not a supported format."""
    suffix = Path(path).suffix.lower()
    if suffix not in PLOT_FORMATS:
        raise InputError(f"--out {path}: unsupported format {suffix or '(none)'!r}; use .png, .svg or .pdf")


def add_scenario_arg(parser: argparse.ArgumentParser) -> None:
    """The positional SCENARIO argument."""
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario file, or the id of a bundled one (see 'lunarsim list')")
