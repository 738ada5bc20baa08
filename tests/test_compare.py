"""Plan vs actual vs simulated: ``sim.analysis.compare``, ``lunarsim compare``, the compare charts.

Hand-computed values come from ../shared/reference/change_missions.md (flown UTC rows, "Derived
intervals" and "Planned vs actual"); each test spells out its arithmetic. Minute-precise rows
such as "12:58" mean 12:58:00 UTC. Values are compared in hours with ONE_SECOND_H.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from sim import compare as compare_files
from sim.analysis import Comparison, SimulatedSpread, compare, spread_from_samples
from sim.cli import main
from sim.engine import simulate
from sim.scenario import Scenario, load_scenario
from tests.conftest import SCENARIOS, run_cli

ONE_SECOND_H = 1 / 3600
ONE_MINUTE_H = 1 / 60


def hm(days: int = 0, hours: int = 0, minutes: int = 0, seconds: int = 0) -> float:
    """A duration in hours."""
    return days * 24 + hours + minutes / 60 + seconds / 3600


@cache
def scenario(name: str) -> Scenario:
    """A bundled scenario, loaded once."""
    return load_scenario(SCENARIOS / f"{name}.yaml")


@cache
def ce5_ce6() -> Comparison:
    """The comparison of the two flown missions with their nominal runs."""
    ss = [scenario("change5"), scenario("change6")]
    return compare(ss, [simulate(s) for s in ss])


# --------------------------------------------------------------------------- against the reference


def test_ce5_transfer_plan_counts_from_liftoff() -> None:
    """CE-5 transfer: plan 112 h vs flown launch 20:30:12 -> LOI-1 12:58 = 4 d 16 h 27 m 48 s."""
    row = ce5_ce6().phase("change5", "earth_moon_transfer")
    assert row.planned_h == 112.0
    # the phase starts at separation, which has no flown time: no flown duration of its own ...
    assert row.actual_h is None and row.delta_actual_vs_planned_h is None
    # ... but the flown span from the launch's start, which is what the 112 h plan counts
    assert row.actual_span is not None and row.actual_span.from_id == "launch"
    assert row.actual_span.hours == pytest.approx(hm(4, 16, 27, 48), abs=ONE_SECOND_H)
    assert row.actual_span.hours - row.planned_h == pytest.approx(0.4633, abs=1e-4)
    # the nominal run reproduces the flown span
    assert row.actual_span.simulated_h == pytest.approx(row.actual_span.hours, abs=ONE_MINUTE_H)


def test_ce5_surface_work_and_stay() -> None:
    """CE-5 surface: drill 15:11 -> 20:53, sealed 14:00 (plan 48 h), landing -> liftoff 47 h 59 m."""
    c = ce5_ce6()
    drill = c.phase("change5", "drill_sampling")
    # only the end is published; the start is the landing's flown end (15:11)
    assert drill.actual_start_from == "landing"
    assert drill.actual_h == pytest.approx(hm(0, 5, 42), abs=ONE_SECOND_H)
    seal = c.phase("change5", "scoop_and_seal")
    assert seal.planned_h == 48.0
    assert seal.actual_h == pytest.approx(hm(0, 17, 7), abs=ONE_SECOND_H)  # 20:53 -> 14:00
    assert seal.delta_actual_vs_planned_h == pytest.approx(hm(0, 17, 7) - 48, abs=ONE_SECOND_H)
    assert seal.delta_actual_vs_planned_pct == pytest.approx(100 * (hm(0, 17, 7) - 48) / 48)  # -64.3 %
    # by kind: sampling (drill + scoop) = 22 h 49 m, "about 19 hours" of work, and the hold
    sampling, hold = c.kind("sampling"), c.kind("surface_ops")
    assert sampling.actual["change5"] == pytest.approx(hm(0, 22, 49), abs=ONE_SECOND_H)
    assert sampling.simulated["change5"] == pytest.approx(hm(0, 22, 49), abs=ONE_SECOND_H)
    # landing 12-01 15:11 -> liftoff 12-03 15:10 = 47 h 59 m (the reference's "Landing -> ascent")
    stay = sampling.actual["change5"] + hold.actual["change5"]
    assert stay == pytest.approx(hm(0, 47, 59), abs=ONE_SECOND_H)


def test_ce5_lunar_orbit_wait_after_docking() -> None:
    """CE-5 wait: separation 12-06 04:35 -> TEI-1 12-12 01:54 = 5 d 21 h 19 m vs plan 6-7 d."""
    row = ce5_ce6().phase("change5", "lunar_orbit_wait")
    assert (row.planned_h, row.planned_low_h, row.planned_high_h) == (156.0, 144.0, 168.0)
    flown = hm(5, 21, 19)
    assert row.actual_h == pytest.approx(flown, abs=ONE_SECOND_H)
    assert row.delta_actual_vs_planned_h == pytest.approx(flown - 156, abs=ONE_SECOND_H)  # -14.68 h
    assert row.delta_actual_vs_planned_pct == pytest.approx(100 * (flown - 156) / 156)  # -9.4 %
    assert row.simulated_h == pytest.approx(flown, abs=ONE_MINUTE_H)
    assert ce5_ce6().kind("lunar_orbit_wait").actual["change5"] == pytest.approx(flown, abs=ONE_SECOND_H)


def test_ce5_mission_summary() -> None:
    """CE-5: planned "about 23 days" = 552 h vs 20:30:12 -> 12-16 17:59 = 549.48 h; 2 kg vs 1,731 g."""
    s = ce5_ce6().summary("change5")
    assert s.planned_h == 552.0
    assert s.actual_source == "mission"
    assert s.actual_h == pytest.approx(549.48, abs=ONE_SECOND_H)  # 22 d 21 h 28 m 48 s
    assert s.actual_h == pytest.approx(hm(22, 21, 29), abs=ONE_MINUTE_H)  # the reference's rounding
    assert s.delta_actual_vs_planned_h == pytest.approx(-2.52, abs=ONE_SECOND_H)
    assert s.simulated_h == pytest.approx(549.48, abs=ONE_MINUTE_H)
    assert (s.planned_sample_mass_g, s.actual_sample_mass_g, s.delta_sample_mass_g) == (2000, 1731, -269)
    d = s.to_dict()
    assert d["delta_actual_vs_planned_pct"] == round(100 * -2.52 / 552, 2) == -0.46
    assert d["delta_sample_mass_pct"] == -13.45


def test_ce6_lunar_orbit_wait_date_only() -> None:
    """CE-6 wait: plan ~14 d; flown 06-06 -> 06-20 (dates only) = 14 d +- 1 d, so Xinhua's 13 d fits."""
    row = ce5_ce6().phase("change6", "lunar_orbit_wait")
    assert row.planned_h == 14 * 24
    assert row.actual_precision == "date"
    assert row.actual_h == pytest.approx(14 * 24)  # noon to noon
    assert (row.actual_low_h, row.actual_high_h) == pytest.approx((13 * 24, 15 * 24))
    assert row.actual_low_h <= 13 * 24 <= row.actual_high_h  # "spent 13 days in lunar orbit"
    # the nominal run: separation 06-06 15:42 -> TEI 06-20 12:00 = 13 d 20 h 18 m
    assert row.simulated_h == pytest.approx(hm(13, 20, 18), abs=ONE_MINUTE_H)
    assert row.delta_simulated_vs_planned_h == pytest.approx(hm(13, 20, 18) - 336, abs=ONE_MINUTE_H)


def test_ce6_surface_stay_and_transfer() -> None:
    """CE-6: landing 06-01 22:23 -> liftoff 06-03 23:38 = 49 h 15 m; launch -> LOI = 4 d 16 h 44 m 31 s."""
    c = ce5_ce6()
    surface = c.kind("surface_ops").simulated["change6"] + c.kind("sampling").simulated["change6"]
    assert surface == pytest.approx(hm(0, 49, 15), abs=ONE_MINUTE_H)
    span = c.phase("change6", "earth_moon_transfer").actual_span
    assert span is not None and span.from_id == "launch"
    assert span.hours == pytest.approx(hm(4, 16, 44, 31), abs=ONE_SECOND_H)  # 09:27:29 -> 05-08 02:12
    # a date-only sampling window (06-02 -> 06-03) is known to +-24 h only
    sampling = c.phase("change6", "sampling")
    assert (sampling.planned_h, sampling.actual_h) == (14.0, pytest.approx(24.0))
    assert (sampling.actual_low_h, sampling.actual_high_h) == pytest.approx((0.0, 48.0))


def test_ce6_mission_summary() -> None:
    """CE-6: 53 d = 1272 h planned vs 09:27:29 -> 06-25 06:07 = 52 d 20 h 39 m 31 s; 1,935.3 g."""
    s = ce5_ce6().summary("change6")
    assert s.planned_h == 53 * 24
    assert s.actual_h == pytest.approx(hm(52, 20, 39, 31), abs=ONE_SECOND_H)
    assert s.simulated_h == pytest.approx(s.actual_h, abs=ONE_MINUTE_H)
    assert s.actual_sample_mass_g == 1935.3
    assert s.delta_sample_mass_g == pytest.approx(-64.7)


def test_milestones_are_exactly_zero() -> None:
    """A milestone published as one instant lasted 0 s, even when only its date is known."""
    c = ce5_ce6()
    for mission, pid in [("change5", "landing"), ("change6", "tei"), ("change6", "stack_separation")]:
        row = c.phase(mission, pid)
        assert (row.actual_h, row.actual_low_h, row.actual_high_h) == (0.0, 0.0, 0.0), pid


# --------------------------------------------------------------------------- rules, on small scenarios

RULES = """\
id: rules
name: Rules mission
epoch: 2030-01-01T00:00:00Z
elements: [a, b]
planned: {duration: 10d, sample_mass_g: 500}
phases:
  - id: launch
    kind: launch
    element: a
    duration: 1h
    actual: {start: 2030-01-01T00:00:00Z}
  - id: cruise
    kind: transfer
    element: a
    after: [launch]
    duration: 100h
    planned: 98h
    actual: {end: 2030-01-05T06:00Z}
  - id: orbit
    kind: lunar_orbit
    element: a
    after: [cruise]
    duration: {dist: triangular, low: 10h, mode: 20h, high: 40h}
    planned: {dist: uniform, low: 18h, high: 30h}
    actual: {end: 2030-01-06T04:00Z}
  - id: side
    kind: lunar_orbit
    element: b
    after: [{phase: cruise, lag: 2h}]
    duration: 5h
    actual: {end: 2030-01-05T12:00Z}
  - id: join
    kind: landing
    element: a
    after: [orbit, {phase: side, lag: 1h}]
    duration: 0s
  - id: surface
    kind: surface_ops
    element: a
    after: [join]
    duration: 2d
    planned: 0s
    actual: {start: 2030-01-06T00:00Z, end: 2030-01-08T00:00Z, precision: date}
"""


@pytest.fixture
def rules(write_scenario: Callable[..., Path]) -> Scenario:
    """A scenario exercising each rule of the flown-duration derivation."""
    return load_scenario(write_scenario(RULES))


def test_only_end_start_from_predecessor_with_lag(rules: Scenario) -> None:
    """Only an end: the start is the predecessors' latest flown end plus lag, else unknown."""
    c = compare([rules], [simulate(rules)])
    # launch has no flown end: cruise has no flown duration, but a span from the launch's start
    cruise = c.phase("rules", "cruise")
    assert cruise.actual_h is None and cruise.actual_start_from is None
    assert cruise.actual_span is not None and cruise.actual_span.hours == 4 * 24 + 6
    assert cruise.actual_span.simulated_h == 101.0  # launch 1 h + cruise 100 h
    # orbit: start = cruise's flown end (01-05 06:00) -> 01-06 04:00 = 22 h
    orbit = c.phase("rules", "orbit")
    assert (orbit.actual_h, orbit.actual_start_from) == (22.0, "cruise")
    assert (orbit.planned_h, orbit.planned_low_h, orbit.planned_high_h) == (24.0, 18.0, 30.0)
    assert orbit.delta_actual_vs_planned_h == -2.0
    assert orbit.simulated_h == 20.0 and orbit.delta_simulated_vs_actual_h == -2.0
    # side: cruise end + 2 h lag = 08:00 -> 12:00 = 4 h
    side = c.phase("rules", "side")
    assert (side.actual_h, side.actual_start_from) == (4.0, "cruise")
    # join has no actual at all
    join = c.phase("rules", "join")
    assert join.actual_h is None and join.actual_span is None and join.actual_precision is None


def test_date_precision_bounds_and_zero_plan(rules: Scenario) -> None:
    """Date-only times count as noon, bounded by their day; a percentage of a 0 h plan is null."""
    row = compare([rules]).phase("rules", "surface")
    assert (row.actual_h, row.actual_low_h, row.actual_high_h) == (48.0, 24.0, 72.0)
    assert row.simulated_h is None  # no timelines given
    assert row.delta_actual_vs_planned_h == 48.0 and row.delta_actual_vs_planned_pct is None


def test_by_kind_sums_and_nulls(rules: Scenario, write_scenario: Callable[..., Path]) -> None:
    """Kinds sum phase hours; flown only if every phase of the kind flew; absent kinds are null."""
    other = load_scenario(write_scenario(RULES.replace("id: rules", "id: other").replace(
        "    kind: surface_ops", "    kind: sampling"), "other.yaml"))
    c = compare([rules, other], [simulate(rules), simulate(other)])
    orbit = c.kind("lunar_orbit")
    assert orbit.simulated == {"rules": 25.0, "other": 25.0}  # 20 h + 5 h on two lanes
    assert orbit.actual == {"rules": 26.0, "other": 26.0}  # 22 h + 4 h
    assert orbit.count == {"rules": 2, "other": 2}
    transfer = c.kind("transfer")
    assert transfer.actual["rules"] is None and transfer.planned["rules"] == 98.0
    assert c.kind("surface_ops").simulated == {"rules": 48.0, "other": None}
    assert c.kind("sampling").simulated == {"rules": None, "other": 48.0}
    assert [k.kind for k in c.by_kind] == ["launch", "transfer", "lunar_orbit", "landing", "surface_ops",
                                           "sampling"]  # the shared vocabulary's order


def test_mission_actual_from_last_end(rules: Scenario) -> None:
    """Without a mission actual duration, the flown duration is the last flown end minus the epoch."""
    s = compare([rules], [simulate(rules)]).summary("rules")
    assert (s.actual_h, s.actual_source) == (7 * 24, "last_actual_end")  # 01-08 00:00
    assert s.planned_h == 240.0 and s.planned_sample_mass_g == 500 and s.actual_sample_mass_g is None
    assert s.simulated_h == pytest.approx(1 + 100 + 20 + 48)


def test_compare_rejects_duplicates_and_mismatched_runs(rules: Scenario) -> None:
    """Two missions with one id, or runs of other scenarios, are errors."""
    with pytest.raises(ValueError, match="more than once"):
        compare([rules, rules])
    with pytest.raises(ValueError, match="expected 1 timelines"):
        compare([rules], [])
    with pytest.raises(ValueError, match="timeline of 'change5' given for scenario 'rules'"):
        compare([rules], [simulate(scenario("change5"))])


def test_spreads_extend_rows(rules: Scenario) -> None:
    """Monte Carlo spreads add P10/P50/P90 and the actual's percentile without changing other keys."""
    plain = compare([rules], [simulate(rules)]).to_dict()
    spread = spread_from_samples(np.array([18.0, 20.0, 22.0, 24.0, 26.0]) * 3600, actual_s=22 * 3600)
    assert spread.actual_percentile == 50.0
    extended = compare([rules], [simulate(rules)], spreads={
        "rules": {"orbit": spread, "mission": SimulatedSpread(160, 170, 180, None)}}).to_dict()
    row = next(p for p in extended["phases"] if p["id"] == "orbit")
    assert row["simulated_p50_h"] == 22.0 and row["actual_percentile"] == 50.0
    base = next(p for p in plain["phases"] if p["id"] == "orbit")
    assert {k: row[k] for k in base} == base
    assert extended["summary"][0]["simulated_p90_h"] == 180


def test_api_compare_takes_paths(write_scenario: Callable[..., Path]) -> None:
    """``from sim import compare`` loads paths and runs the nominal simulations itself."""
    c = compare_files([write_scenario(RULES)])
    assert c.missions == ("rules",) and c.phase("rules", "orbit").simulated_h == 20.0
    assert compare_files(write_scenario(RULES)).missions == ("rules",)


# --------------------------------------------------------------------------- JSON, CSV, CLI


def test_json_shape() -> None:
    """to_dict() has the issue's shape (missions, by_kind with hours, phases with the four values)."""
    d = json.loads(json.dumps(ce5_ce6().to_dict(), allow_nan=False))
    assert d["missions"] == ["change5", "change6"]
    assert d["names"] == {"change5": "Chang'e 5", "change6": "Chang'e 6"}
    wait = next(k for k in d["by_kind"] if k["kind"] == "lunar_orbit_wait")
    assert set(wait["hours"]) == {"change5", "change6"}
    assert wait["hours"]["change5"] == pytest.approx(141.317, abs=1e-3)
    assert wait["actual_hours"]["change6"] == 336.0
    tcm = next(k for k in d["by_kind"] if k["kind"] == "tcm")
    assert tcm["hours"]["change6"] is None  # CE-6 TCMs were not published
    first = d["phases"][0]
    assert list(first)[:9] == ["mission", "id", "name", "kind", "element", "planned_h", "actual_h",
                               "simulated_h", "delta_actual_vs_planned_h"]
    launch = next(p for p in d["phases"] if p["mission"] == "change5" and p["id"] == "launch")
    assert launch["planned_h"] is None and launch["actual_h"] is None and launch["simulated_h"] > 0
    assert [s["mission"] for s in d["summary"]] == ["change5", "change6"]


def test_cli_json_matches_api(capsys: pytest.CaptureFixture[str]) -> None:
    """compare --json prints the comparison of the nominal runs."""
    assert main(["compare", str(SCENARIOS / "change5.yaml"), "change6", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(ce5_ce6().to_dict()))


def test_cli_csv_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--csv writes tidy rows: one per phase, one per mission, one per kind and mission."""
    out = tmp_path / "cmp.csv"
    assert main(["compare", "change5", "change6", "--csv", str(out)]) == 0
    assert "Hours per phase kind" in capsys.readouterr().out
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    n_phases = len(scenario("change5").phases) + len(scenario("change6").phases)
    assert sum(r["record"] == "phase" for r in rows) == n_phases
    assert [r["mission"] for r in rows if r["record"] == "mission"] == ["change5", "change6"]
    wait = next(r for r in rows if r["record"] == "phase" and r["mission"] == "change5"
                and r["id"] == "lunar_orbit_wait")
    assert float(wait["planned_h"]) == 156.0 and float(wait["actual_h"]) == pytest.approx(141.317, abs=1e-3)
    assert float(wait["delta_actual_vs_planned_pct"]) == pytest.approx(-9.41, abs=0.01)
    kind = next(r for r in rows if r["record"] == "kind" and r["mission"] == "change6"
                and r["kind"] == "lunar_orbit_wait")
    assert float(kind["actual_h"]) == 336.0 and float(kind["planned_h"]) == 336.0
    c5 = next(r for r in rows if r["record"] == "mission" and r["mission"] == "change5")
    assert float(c5["actual_h"]) == 549.48 and c5["id"] == "" and c5["kind"] == ""


def test_cli_table_one_mission(capsys: pytest.CaptureFixture[str]) -> None:
    """One mission: the phase table with a mission summary row and the sample masses."""
    assert main(["compare", "change5"]) == 0
    out = capsys.readouterr().out
    assert "Mission: launch epoch to end" in out and "552.00" in out and "549.48" in out
    assert "-2.52 (-0.5%)" in out and "-14.68 (-9.4%)" in out and "(112.46 from launch)" in out
    assert "returned 1731 g" in out
    assert "Hours per phase kind" not in out


def test_cli_exit_codes(tmp_path: Path, write_scenario: Callable[..., Path]) -> None:
    """Bad input exits 2 (invalid file, duplicate mission, bad format), unwritable output 1."""
    bad = write_scenario("id: x\nname: X\nepoch: 2020-01-01T00:00:00Z\nelements: [a]\nphases: []\n")
    for args, code, text in [
        ((str(bad),), 2, f"{bad}:"),
        (("change5", str(SCENARIOS / "change5.yaml")), 2, "compare distinct missions"),
        (("change5", "--out", str(tmp_path / "c.gif")), 2, "use .png, .svg or .pdf"),
        (("change5", "--out", str(tmp_path / "missing" / "c.png")), 1, "does not exist"),
    ]:
        res = run_cli("compare", *args)
        assert res.returncode == code, (args, res.stderr)
        assert text in res.stderr and "Traceback" not in res.stderr
    res = run_cli("compare", "--help")
    assert res.returncode == 0 and "lunarsim compare change5 change6" in res.stdout


def test_cli_set_applies_to_each_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    """--set overrides reach the simulated values."""
    assert main(["compare", "change5", "--json", "--set", "phases.lunar_orbit_wait.duration=7d"]) == 0
    row = next(p for p in json.loads(capsys.readouterr().out)["phases"] if p["id"] == "lunar_orbit_wait")
    assert row["simulated_h"] == 168.0 and row["delta_simulated_vs_planned_h"] == 12.0


# --------------------------------------------------------------------------- charts


@pytest.mark.parametrize("names", [("change5",), ("change6",), ("change5", "change6")])
def test_cli_out_writes_png(
    tmp_path: Path, names: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """--out draws bars for one mission and the aligned timelines for several, as PNG."""
    out = tmp_path / "chart.png"
    assert main(["compare", *names, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    assert f"wrote {out}" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png"]


def test_compare_bars_groups_and_labels() -> None:
    """compare_bars draws the mission group first, then each compared phase, on a log axis."""
    import matplotlib.pyplot as plt

    from sim.plots.compare import compare_bars

    ax = compare_bars(ce5_ce6(), "change5")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("Whole mission")
    assert any(label.startswith("Lunar-orbit wait") for label in labels)
    assert not any(label.startswith("Landing") for label in labels)  # 0 s milestones are left out
    assert ax.get_xscale() == "log"
    texts = [t.get_text() for t in ax.texts]
    assert "flown -9.4%\nvs plan" in texts and "flown -64%\nvs plan" in texts
    plt.close(ax.figure)
    ax = compare_bars(ce5_ce6(), "change6", phases=["sampling"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 1 and labels[0].endswith("\n(sampling)")  # only the phase asked for
    plt.close(ax.figure)
    with pytest.raises(KeyError, match="no phase 'nope'"):
        compare_bars(ce5_ce6(), "change6", phases=["nope"])


def test_compare_missions_bands() -> None:
    """compare_missions draws one band per mission, aligned at launch, with key milestones marked."""
    import matplotlib.pyplot as plt

    from sim.analysis import actual_times
    from sim.plots.compare import compare_missions

    ss = [scenario("change5"), scenario("change6")]
    ax = compare_missions([simulate(s) for s in ss], actuals={s.id: actual_times(s) for s in ss})
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("Chang'e 5 (change5): launch 2020-11-23") for t in texts)
    assert any(t.startswith("Chang'e 6 (change6): launch 2024-05-03") for t in texts)
    # landing: CE-5 20:30:12 -> 12-01 15:11 = 7 d 18 h 40 m 48 s (d7.8);
    # CE-6 09:27:29 -> 06-01 22:23 = 29 d 12 h 55 m 31 s (d29.5)
    assert f"landing d{hm(7, 18, 40, 48) / 24:.1f}" == "landing d7.8" and "landing d7.8" in texts
    assert f"landing d{hm(29, 12, 55, 31) / 24:.1f}" == "landing d29.5" and "landing d29.5" in texts
    assert "touchdown d22.9" in texts and "touchdown d52.9" in texts
    assert ax.get_xlim()[1] > 52.9
    plt.close(ax.figure)
