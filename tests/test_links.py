"""Link types (FS, SS, FF, SF with lags), ``until`` waits and ``not_before`` dates: closed-form
answers in both engines."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import des, vector
from sim.engine.des import DATE_DRIVER, simulate
from sim.engine.model import build_model
from sim.engine.montecarlo import monte_carlo
from sim.errors import InputError
from sim.scenario.model import load_scenario_text, scenario_json_schema

H = 3600.0


def scenario(phases: str):  # type: ignore[no-untyped-def]
    """A scenario from a YAML list of phases."""
    return load_scenario_text(f"id: e\nname: E\nepoch: 2020-01-01T00:00:00Z\nelements: [x, y]\nphases:\n{phases}")


LINKS = scenario(
    "  - {id: a, kind: launch, element: x, duration: 10h}\n"
    "  - {id: ss, kind: transfer, element: y, duration: 2h, after: [{phase: a, type: SS, lag: 1h}]}\n"
    "  - {id: ff, kind: transfer, element: y, duration: 3h, after: [{phase: a, type: FF, lag: 2h}]}\n"
    "  - {id: sf, kind: transfer, element: y, duration: 4h, after: [{phase: a, type: SF, lag: 5h}]}\n"
    "  - {id: lead, kind: transfer, element: y, duration: 1h, after: [{phase: a, type: FS, lag: -3h}]}\n"
    "  - {id: w, kind: lunar_orbit_wait, element: y, after: [ss], until: {phase: ff, at: end, lag: 1h}}\n"
    "  - {id: d, kind: docking, element: y, duration: 1h, after: [w], not_before: 2020-01-01T20:00:00Z}\n"
    "  - {id: w0, kind: lunar_orbit_wait, element: x, after: [d], until: {phase: a, at: start}}\n"
)


def test_link_types_closed_form() -> None:
    """SS, FF, SF and a lead give the start and end a scheduler computes by hand."""
    t = simulate(LINKS)
    got = {p.id: (p.start_s / H, p.end_s / H) for p in t.phases}
    assert got["a"] == (0.0, 10.0)
    assert got["ss"] == (1.0, 3.0)  # a's start + 1 h
    assert got["ff"] == (9.0, 12.0)  # finishes at a's end + 2 h
    assert got["sf"] == (1.0, 5.0)  # finishes at a's start + 5 h
    assert got["lead"] == (7.0, 8.0)  # 3 h before a ends
    assert got["w"] == (3.0, 13.0)  # after ss, until ff's end + 1 h
    assert got["d"] == (20.0, 21.0)  # held to its not_before date
    assert got["w0"] == (21.0, 21.0)  # the event (a's start) has passed: zero long


def test_until_wait_follows_its_event_in_monte_carlo() -> None:
    """A wait ends exactly at its (drawn) event in every replication, in both engines."""
    s = scenario(
        "  - {id: a, kind: launch, element: x, duration: {dist: uniform, low: 1h, high: 9h}}\n"
        "  - {id: b, kind: ascent, element: x, after: [a], duration: {dist: uniform, low: 1h, high: 3h}}\n"
        "  - {id: w, kind: lunar_orbit_wait, element: y, until: {phase: b, at: end, lag: 30min}}\n"
        "  - {id: dock, kind: docking, element: y, after: [w], duration: 1h}\n"
    )
    ens = {e: monte_carlo(s, 3000, 7, engine=e, per_replication=True) for e in ("des", "vector")}
    np.testing.assert_array_equal(ens["des"].phase_end_s, ens["vector"].phase_end_s)
    np.testing.assert_array_equal(ens["des"].end_s, ens["vector"].end_s)
    e = ens["vector"]
    ends = e.phase_end_s.astype(float)
    np.testing.assert_allclose(ends[:, 2], ends[:, 1] + 0.5 * H, rtol=1e-6)  # float32 rows
    wait_h = e.duration_s[:, 2] / H
    assert wait_h.std() > 0.5  # it moves with the ascent, not a typed constant
    # the wait's length is a + b + 0.5 h: mean 5 + 2 + 0.5
    assert abs(wait_h.mean() - 7.5) < 4 * np.sqrt((8**2 + 2**2) / 12 / 3000)
    crit = dict(zip(e.phase_ids, e.critical_count / e.replications, strict=True))
    assert crit["a"] == crit["b"] == crit["w"] == crit["dock"] == 1.0  # the event carries the path


def test_ff_wait_in_monte_carlo() -> None:
    """FF: the phase finishes exactly at its predecessor's end + lag whenever it fits after the epoch."""
    s = scenario(
        "  - {id: a, kind: launch, element: x, duration: {dist: uniform, low: 10h, high: 20h}}\n"
        "  - {id: b, kind: transfer, element: y, duration: {dist: uniform, low: 1h, high: 5h},"
        " after: [{phase: a, type: FF, lag: 2h}]}\n"
    )
    e = monte_carlo(s, 2000, 3, per_replication=True)
    ends = e.phase_end_s.astype(float)
    np.testing.assert_allclose(ends[:, 1], ends[:, 0] + 2 * H, rtol=1e-6)
    np.testing.assert_allclose(e.end_s, ends[:, 0] + 2 * H, rtol=1e-6)


def test_not_before_is_a_date_driver() -> None:
    """A phase held by its date records the date as its driver, in both engines."""
    m = build_model(LINKS)
    d = np.tile(m.graph.nominal_s, (2, 1))
    a, b = des.run_block(m, d), vector.run_block(m, d)
    k = LINKS.phases.index(LINKS.phase("d"))
    assert a.driver[0, k] == b.driver[0, k] == DATE_DRIVER


@pytest.mark.parametrize(
    ("phase", "message"),
    [
        ("{id: w, kind: lunar_orbit_wait, element: y, until: b, duration: 1h}", "give either 'duration' or 'until'"),
        ("{id: w, kind: lunar_orbit_wait, element: y, until: nope}", "unknown phase 'nope'; 'until' names a phase id"),
        ("{id: w, kind: lunar_orbit_wait, element: y, until: w}", "waits for itself"),
        (
            "{id: w, kind: lunar_orbit_wait, element: y, until: b, failure: {probability: 0.1, on_fail: skip}}",
            "a wait ('until') cannot have a failure",
        ),
        ("{id: w, kind: lunar_orbit_wait, element: y, after: [{phase: b, type: XX}]}", "FS"),
        ("{id: w, kind: lunar_orbit_wait, element: y, after: [b], until: {phase: b, at: middle}}", "'start' or 'end'"),
    ],
)
def test_bad_links_and_waits(phase: str, message: str) -> None:
    """Each mistake is one line naming the field and the fix."""
    text = f"  - {{id: b, kind: launch, element: x, duration: 1h}}\n  - {phase}\n"
    with pytest.raises(InputError) as exc:
        scenario(text)
    assert message in str(exc.value)


def test_wait_cycle_is_an_error() -> None:
    """An until event counts as a dependency: a cycle through it is reported."""
    with pytest.raises(InputError, match="dependency cycle: "):
        scenario(
            "  - {id: a, kind: launch, element: x, duration: 1h, after: [w]}\n"
            "  - {id: w, kind: lunar_orbit_wait, element: y, until: a}\n"
        )


def test_schema_has_link_types_and_waits() -> None:
    """The JSON Schema lists the link types, until and not_before."""
    schema = scenario_json_schema()
    phase = schema["$defs"]["Phase"]["properties"]
    assert {"until", "not_before"} <= set(phase)
    assert "SS" in str(phase["after"])


DEADLINES = scenario(
    "  - {id: a, kind: launch, element: x, duration: {dist: uniform, low: 0h, high: 10h}}\n"
    "  - {id: b, kind: transfer, element: x, after: [a], duration: 2h, deadline: 2020-01-01T10:00:00Z}\n"
    "  - {id: c, kind: relay, element: y, duration: 1h, deadline: 2020-01-01T02:00:00Z}\n"
)


def test_run_flags_a_missed_deadline() -> None:
    """Nominal a = 5 h, b ends at 7 h: met with 3 h to spare; a 1 h later deadline check is exact."""
    t = simulate(DEADLINES)
    b = t.phase("b")
    assert b.deadline_margin_s == 3 * H and not t.missed_deadlines()
    out = t.to_dict()
    assert out["deadlines_missed"] == []
    row = out["phases"][1]
    assert (row["deadline"], row["deadline_margin_h"], row["deadline_met"]) == ("2020-01-01T10:00:00Z", 3.0, True)
    late = simulate(DEADLINES, [9 * H, 2 * H, H])
    assert [p.id for p in late.missed_deadlines()] == ["b"]
    assert late.to_dict()["phases"][1]["deadline_margin_h"] == -1.0


def test_mc_deadline_odds_closed_form() -> None:
    """b ends at U(0, 10) + 2 h: P(end <= 10 h) = 0.8, margin percentiles 8 - U quantiles."""
    from sim.results.statistics import summary

    n = 20_000
    e = monte_carlo(DEADLINES, n, 2)
    out = summary(e, phase_deadlines_s={"b": 10 * H, "c": 2 * H})
    b, c = out["phase_deadlines"]
    assert b["id"] == "b" and abs(b["probability"] - 0.8) < 4 * np.sqrt(0.16 / n)
    for q, v in b["margin_h"].items():
        assert abs(v - (8 - 10 * (1 - int(q[1:]) / 100))) < 0.15  # margin P10 is the end P90
    assert c["probability"] == 1.0 and c["margin_h"]["p50"] == 1.0
