"""The lunarsim mc command: JSON contract, reproducibility across workers, outputs, errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from tests.conftest import run_cli


def mc_json(*args: str) -> dict:  # type: ignore[type-arg]
    """Run ``lunarsim mc ... --json`` in a subprocess and parse its output."""
    res = run_cli("mc", *args, "--json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_mc_json_contract() -> None:
    """mc --json has the DESIGN.md keys, UTC ends and ordered percentiles."""
    out = mc_json("change5", "-n", "3000", "--seed", "7", "--deadline", "2020-12-17T12:00Z")
    assert list(out)[:4] == ["scenario", "replications", "seed", "engine"]
    assert out["scenario"] == "change5" and out["replications"] == 3000 and out["seed"] == 7
    assert out["success_probability"] == 1.0
    d = out["duration_h"]
    assert set(d) == {"mean", "std", "p10", "p50", "p80", "p90"}
    assert d["p10"] <= d["p50"] <= d["p80"] <= d["p90"]
    assert all(v.endswith("Z") for v in out["end"].values())
    assert 0.0 <= out["deadline"]["probability"] <= 1.0 and out["deadline"]["at"] == "2020-12-17T12:00:00Z"
    phase = out["phases"][0]
    assert {"id", "duration_h", "end_h", "criticality", "sensitivity", "wait_h"} <= set(phase)
    assert set(phase["duration_h"]) == {"mean", "p10", "p50", "p90"} and "mean" in phase["wait_h"]
    # The flown duration of a phase with real uncertainty falls inside the simulated
    # distribution, where the scenario puts it. change5.yaml: scoop_and_seal (drill done 20:53 ->
    # sealed 14:00, flown 17 h 07 m; CE5#9, CE5#10) is PERT(10 h, 17 h 07 m, 30 h) with the flown
    # value as its mode, so the flown value sits at the beta CDF of the mode (alpha = 1 + 4 *
    # 7.117 / 20, beta = 1 + 4 * 12.883 / 20), integrated here. With 3000 draws the standard
    # error is under 0.92 percentage points; allow 3 (> 3.2 sigma).
    mode = 17 + 7 / 60
    a, b = 1 + 4 * (mode - 10) / 20, 1 + 4 * (30 - mode) / 20
    x = np.linspace(0.0, 1.0, 200_001)
    pdf = x ** (a - 1) * (1 - x) ** (b - 1)
    cdf = np.cumsum(pdf) / pdf.sum()
    expected = 100 * float(np.interp((mode - 10) / 20, x, cdf))
    seal = next(p for p in out["phases"] if p["id"] == "scoop_and_seal")
    assert seal["actual_h"] == pytest.approx(mode, abs=1e-3)
    assert seal["actual_percentile"] == pytest.approx(expected, abs=3.0)


def test_same_seed_same_bytes_any_workers() -> None:
    """The same seed gives byte-identical JSON with 1 and 2 workers and with either engine."""
    one = run_cli("mc", "change5", "-n", "20000", "--seed", "3", "--json", "--workers", "1")
    two = run_cli("mc", "change5", "-n", "20000", "--seed", "3", "--json", "--workers", "2")
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    other = run_cli("mc", "change5", "-n", "20000", "--seed", "4", "--json")
    assert json.loads(other.stdout)["duration_h"] != json.loads(one.stdout)["duration_h"]


def test_engines_agree_through_cli() -> None:
    """--engine des and --engine vector report the same statistics."""
    des = mc_json("change5", "-n", "2000", "--seed", "1", "--engine", "des")
    vec = mc_json("change5", "-n", "2000", "--seed", "1", "--engine", "vector")
    des.pop("engine"), vec.pop("engine")
    assert des == vec


def test_csv_rows_and_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--csv writes one row per replication; plot options write their files."""
    rows_path = tmp_path / "runs.csv"
    paths = {k: tmp_path / f"{k}.png" for k in ("out", "tornado", "criticality", "histogram")}
    args = ["mc", "change5", "-n", "500", "--seed", "2", "--csv", str(rows_path), "--quiet"]
    for k, v in paths.items():
        args += [f"--{k}", str(v)]
    assert main(args) == 0
    rows = list(csv.DictReader(rows_path.read_text().splitlines()))
    assert len(rows) == 500 and rows[0]["replication"] == "0" and rows[0]["outcome"] == "success"
    assert "capsule_landing_end_h" in rows[0]
    assert abs(float(rows[0]["duration_h"]) - float(rows[0]["capsule_landing_end_h"])) < 1e-3
    for p in paths.values():
        assert p.read_bytes().startswith(b"\x89PNG")
    assert "per phase" in capsys.readouterr().out


def test_csv_marks_aborts_and_unrun_phases(tmp_path: Path) -> None:
    """An aborted replication's row says so, keeps its end (the last phase that ran) and leaves
    the unrun phases' ends empty; ends are UTC and agree with the hours column."""
    from datetime import UTC, datetime, timedelta

    scenario = tmp_path / "abort.yaml"
    scenario.write_text(
        "id: ab\nname: Abort\nepoch: 2024-05-03T09:27:00Z\nelements: [x]\nphases:\n"
        "  - {id: a, kind: launch, element: x, duration: {dist: uniform, low: 1h, high: 2h},"
        " failure: {probability: 0.3, on_fail: abort}}\n"
        "  - {id: b, kind: transfer, element: x, duration: 3h, after: [a]}\n"
    )
    out = tmp_path / "runs.csv"
    assert main(["mc", str(scenario), "-n", "400", "--seed", "3", "--csv", str(out), "--quiet", "--json"]) == 0
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert len(rows) == 400 and [r["replication"] for r in rows] == [str(k) for k in range(400)]
    aborted = [r for r in rows if r["outcome"] == "aborted"]
    assert 80 < len(aborted) < 160  # 30 % of 400
    epoch = datetime(2024, 5, 3, 9, 27, tzinfo=UTC)
    for r in rows:
        end = datetime.fromisoformat(r["end"])  # to the second; duration_h to 0.0001 h (0.36 s)
        assert abs((end - (epoch + timedelta(hours=float(r["duration_h"])))).total_seconds()) <= 0.5 + 0.18
        if r["outcome"] == "aborted":
            assert r["b_end_h"] == "" and float(r["a_end_h"]) == pytest.approx(float(r["duration_h"]), abs=2e-4)
        else:
            assert float(r["b_end_h"]) == pytest.approx(float(r["a_end_h"]) + 3, abs=2e-4) == float(r["duration_h"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["-n", "0"], "must be >= 1"),
        (["-n", "3000000000"], "at most 100,000,000 replications"),
        (["--seed", "-1"], "--seed -1: must be a whole number >= 0"),
        (["--deadline", "2020-12-17"], "--deadline 2020-12-17"),
        (["--out", "x.bmp"], "use .png, .svg or .pdf"),
        (["--set", "phases.nope.duration=1h"], "no entry with id 'nope'"),
    ],
)
def test_bad_options_exit_2(args: list[str], fragment: str) -> None:
    """Bad options exit 2 with a one-line message and no traceback."""
    res = run_cli("mc", "change5", *args)
    assert res.returncode == 2 and fragment in res.stderr and "Traceback" not in res.stderr


def test_until_stable_reports_n() -> None:
    """--until-stable runs more than the first batch and reports the N it used."""
    out = mc_json("change5", "-n", "8192", "--seed", "5", "--until-stable")
    assert out["replications"] % 8192 == 0 and out["replications"] >= 4 * 8192
