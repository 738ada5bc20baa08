"""compare: start and end deltas against flown instants, and a baseline against a revision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli import main
from sim.engine.des import simulate
from sim.results.baseline import baseline_compare
from sim.results.comparison import compare
from sim.scenario.model import load_scenario_text

BASE = """id: m
name: M
epoch: 2020-01-01T00:00:00Z
elements: [x]
phases:
  - id: a
    kind: launch
    element: x
    duration: 2h
    actual: {start: 2020-01-01T00:00:00Z, end: 2020-01-01T02:00:00Z}
  - id: b
    kind: transfer
    element: x
    after: [a]
    duration: 10h
    actual: {start: 2020-01-01T02:00:00Z, end: 2020-01-01T12:06:00Z, precision: s}
  - {id: c, kind: landing, element: x, after: [b], duration: 0s, actual: {end: 2020-01-01T12:06:00Z, precision: s}}
"""


def test_start_and_end_deltas_show_instants_that_durations_hide() -> None:
    """b runs 10 h in the model and 10 h 6 min in flight: its end, and c's, are 6 min early
    (-0.1 h) although c's duration delta is 0."""
    s = load_scenario_text(BASE)
    rows = {p.id: p for p in compare([s], [simulate(s)]).phases}
    assert rows["b"].start_delta_h == 0.0 and rows["b"].end_delta_h == pytest.approx(-0.1)
    assert rows["c"].end_delta_h == pytest.approx(-0.1) and rows["c"].start_delta_h is None
    out = rows["c"].to_dict()
    assert out["end_delta_h"] == -0.1 and out["start_delta_h"] is None


def test_baseline_vs_revision_closed_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Revision: b lasts 13 h instead of 10 h and a new phase d follows c: b's end, c's start and
    end move +3 h, a does not move, d is 'added', the mission end moves +4 h."""
    rev = BASE.replace("    duration: 10h\n", "    duration: 13h\n") + (
        "  - {id: d, kind: recovery, element: x, after: [c], duration: 1h}\n"
    )
    old, new = load_scenario_text(BASE), load_scenario_text(rev)
    b = baseline_compare(simulate(old), simulate(new), "v1", "v2")
    rows = {r.id: r for r in b.rows}
    assert rows["a"].end_variance_s == 0.0 and rows["b"].start_variance_s == 0.0
    assert rows["b"].end_variance_s == rows["b"].duration_variance_s == 3 * 3600.0
    assert rows["c"].start_variance_s == rows["c"].end_variance_s == 3 * 3600.0
    assert rows["d"].status == "added" and rows["d"].end_variance_s is None
    assert b.end_variance_s == 4 * 3600.0
    p_old, p_new = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    p_old.write_text(BASE)
    p_new.write_text(rev)
    png = tmp_path / "b.png"
    assert main(["compare", str(p_old), str(p_new), "--json", "--out", str(png)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mission_end"]["variance_h"] == 4.0
    assert [r["end_variance_h"] for r in out["phases"]] == [0.0, 3.0, 3.0, None]
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main(["compare", str(p_old), str(p_new)]) == 0
    assert "mission end: baseline" in capsys.readouterr().out
