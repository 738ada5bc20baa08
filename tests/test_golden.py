"""Golden runs: the nominal runs of the bundled scenarios, row by row, against tests/golden/.

A change in any phase time shows as a readable row/column diff. Regenerate only on purpose:
``pytest tests/test_golden.py --update-golden``, then review the diff of tests/golden/ in git.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sim.engine.des import simulate
from sim.outputs import csv_text
from sim.scenario.model import load_scenario
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
COLUMNS = ("id", "kind", "element", "start", "end", "duration_h", "wait_h", "wait_cause")


def rows_of(name: str) -> list[dict[str, str]]:
    """The nominal run of a bundled scenario as CSV rows (strings, as written)."""
    timeline = simulate(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
    rows = [{k: r[k] for k in COLUMNS} for r in timeline.csv_rows()]
    return list(csv.DictReader(csv_text(rows).splitlines()))


@pytest.mark.parametrize("name", ["change5", "change6", "change7", "change8"])
def test_nominal_run_matches_golden(name: str, update_golden: bool) -> None:
    """The nominal run equals tests/golden/<name>.csv, field by field."""
    path: Path = GOLDEN / f"{name}.csv"
    rows = rows_of(name)
    if update_golden:
        path.write_text(csv_text(rows))
        pytest.skip(f"rewrote {path.name}")
    assert path.exists(), f"{path} is missing: run pytest {__file__} --update-golden and commit it"
    golden = list(csv.DictReader(path.read_text().splitlines()))
    diffs = [
        f"{g['id']}.{k}: golden {g[k]!r}, now {r[k]!r}"
        for g, r in zip(golden, rows, strict=False)
        for k in COLUMNS
        if g[k] != r[k]
    ]
    assert [g["id"] for g in golden] == [r["id"] for r in rows], "phases added, removed or reordered"
    assert not diffs, "\n".join(diffs)
