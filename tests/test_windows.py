"""Windows, shared resources and contingencies: the engines' waiting rules."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.des import simulate
from sim.engine.model import build_model
from sim.engine.montecarlo import monte_carlo
from sim.scenario.model import load_scenario_text
from sim.sky.intervals import WindowNeverOpens, WindowTable, intersect, periodic, union
from tests.conftest import run_cli

H = 3600.0


def scenario(body: str, phases: str):  # type: ignore[no-untyped-def]
    """A scenario with extra top-level YAML ``body`` and a list of phases."""
    return load_scenario_text(
        "id: w\nname: W\nepoch: 2024-01-01T00:00:00Z\nelements: [x, y]\n" + body + "phases:\n" + phases
    )


RELAY = "windows:\n  relay: {type: periodic, period: 24h, open: 4h, offset: 10h}\n"


def test_periodic_table_openings() -> None:
    """A periodic window opens at offset + k*period for open seconds."""
    t = periodic("p", 24 * H, 4 * H, 10 * H, 5 * 24 * H)
    assert t.starts[:3].tolist() == [10 * H, 34 * H, 58 * H]
    assert (t.ends - t.starts)[:3].tolist() == [4 * H] * 3


def test_next_start_rules() -> None:
    """Inside an opening: now; in a gap: the next opening; must_fit skips openings too short."""
    t = WindowTable.from_intervals("t", np.array([[10.0, 20.0], [30.0, 100.0]]), 1000.0)
    assert t.next_start(12.0) == 12.0
    assert t.next_start(20.0) == 30.0  # openings are half-open [start, end)
    assert t.next_start(5.0) == 10.0
    assert t.next_start(12.0, 9.0, must_fit=True) == 30.0
    assert t.next_start(12.0, 8.0, must_fit=True) == 12.0
    assert t.next_start(95.0, 10.0, must_fit=True) == float("inf")
    many = t.next_start_many(np.array([12.0, 20.0, 5.0, 12.0, 95.0]), np.array([0, 0, 0, 9.0, 10.0]), True)
    assert many.tolist() == [12.0, 30.0, 10.0, 30.0, float("inf")]


def test_intersect_and_union() -> None:
    """all_of keeps the common part of openings, any_of merges them."""
    a = WindowTable.from_intervals("a", np.array([[0.0, 10.0], [20.0, 30.0]]), 100.0)
    b = WindowTable.from_intervals("b", np.array([[5.0, 25.0]]), 100.0)
    assert intersect("i", [a, b], 100.0).intervals.tolist() == [[5.0, 10.0], [20.0, 25.0]]
    assert union("u", [a, b], 100.0).intervals.tolist() == [[0.0, 30.0]]


def test_phase_in_gap_waits_for_next_opening() -> None:
    """A phase ready in a gap starts at the next opening; the wait is recorded with cause window."""
    s = scenario(
        RELAY,
        "  - {id: a, kind: launch, element: x, duration: 2h}\n"
        "  - {id: b, kind: relay, element: x, duration: 1h, after: [a], window: relay}\n",
    )
    b = simulate(s).phase("b")
    assert (b.ready_s, b.start_s, b.end_s) == (2 * H, 10 * H, 11 * H)
    assert b.wait_cause == "window" and b.wait_window_s == 8 * H


def test_phase_inside_opening_starts_at_once() -> None:
    """A phase ready inside an opening starts immediately."""
    s = scenario(
        RELAY,
        "  - {id: a, kind: launch, element: x, duration: 11h}\n"
        "  - {id: b, kind: relay, element: x, duration: 1h, after: [a], window: relay}\n",
    )
    b = simulate(s).phase("b")
    assert b.start_s == 11 * H and b.wait_s == 0.0 and b.wait_cause is None


def test_must_fit_skips_short_remainder() -> None:
    """With must_fit, a phase that would overrun the opening waits for the next one."""
    s = scenario(
        RELAY,
        "  - {id: a, kind: launch, element: x, duration: 12h}\n"
        "  - {id: b, kind: relay, element: x, duration: 3h, after: [a],"
        " window: {name: relay, must_fit: true}}\n",
    )
    assert simulate(s).phase("b").start_s == 34 * H


def test_window_never_opens_is_runtime_error(write_scenario) -> None:  # type: ignore[no-untyped-def]
    """A window too short for a must_fit phase stops the run with exit 1 naming phase and window."""
    path = write_scenario(
        "id: w\nname: W\nepoch: 2024-01-01T00:00:00Z\nelements: [x]\nhorizon: 10d\n"
        + RELAY
        + "phases:\n  - {id: b, kind: relay, element: x, duration: 5h, window: {name: relay, must_fit: true}}\n"
    )
    with pytest.raises(WindowNeverOpens, match="'b' waited for window 'relay'"):
        simulate(load_scenario_text(path.read_text()))
    res = run_cli("run", str(path))
    assert res.returncode == 1 and "extend 'horizon:'" in res.stderr and "Traceback" not in res.stderr


def test_unknown_window_and_resource_are_input_errors(write_scenario) -> None:  # type: ignore[no-untyped-def]
    """Naming an undeclared window or resource is bad input (exit 2) with a suggestion."""
    path = write_scenario(
        "id: w\nname: W\nepoch: 2024-01-01T00:00:00Z\nelements: [x]\n"
        + RELAY
        + "resources: {queqiao2: {capacity: 1}}\n"
        + "phases:\n  - {id: b, kind: relay, element: x, duration: 1h, window: rellay, resources: [queqiao]}\n"
    )
    res = run_cli("validate", str(path))
    assert res.returncode == 2
    assert "unknown window 'rellay' (did you mean 'relay'?)" in res.stderr
    assert "unknown resource 'queqiao' (did you mean 'queqiao2'?)" in res.stderr


def test_lunar_daylight_window_at_change5_site() -> None:
    """A morning daylight window at the CE-5 site opens at the 2020-11-26 sunrise (ephemeris)."""
    s = load_scenario_text(
        "id: w\nname: W\nepoch: 2020-11-23T20:30:12Z\nelements: [x]\n"
        "site: {lat_deg: 43.0576, lon_deg: -51.9161}\n"
        "windows:\n  morning: {type: lunar_daylight, min_sun_elevation_deg: 0, part: morning}\n"
        "phases:\n  - {id: land, kind: landing, element: x, duration: 0s, window: morning}\n"
    )
    land = simulate(s).phase("land")
    hours = land.start_s / H
    # sunrise 2020-11-26T23:50:28Z is 75.34 h after the epoch
    assert abs(hours - 75.338) < 1 / 60


RESOURCE_PHASES = st.lists(st.tuples(st.integers(0, 20), st.integers(1, 10), st.booleans()), min_size=2, max_size=8)


@settings(max_examples=40, deadline=None)
@given(RESOURCE_PHASES)
def test_capacity_one_resource_never_double_booked(spec: list[tuple[int, int, bool]]) -> None:
    """Phases holding a capacity-1 resource never overlap in time."""
    lines = []
    for i, (lag, hours, uses) in enumerate(spec):
        res = "[relay]" if uses else "[]"
        lines.append(
            f"  - {{id: p{i}, kind: relay, element: x, duration: {hours}h, resources: {res},"
            f" after: [{{phase: root, lag: {lag}h}}]}}\n"
        )
    s = scenario(
        "resources: {relay: {capacity: 1}}\n",
        "  - {id: root, kind: launch, element: x, duration: 0s}\n" + "".join(lines),
    )
    t = simulate(s)
    held = sorted((t.phase(f"p{i}").start_s, t.phase(f"p{i}").end_s) for i, sp in enumerate(spec) if sp[2])
    for (_, e1), (s2, _) in itertools.pairwise(held):
        assert s2 >= e1
    for i, sp in enumerate(spec):
        rec = t.phase(f"p{i}")
        assert rec.start_s >= rec.ready_s and rec.end_s - rec.start_s == sp[1] * H
        if rec.wait_s > 0:
            assert rec.wait_cause == "resource"


def test_resource_scenario_runs_on_des_engine() -> None:
    """Monte Carlo picks the SimPy engine for shared resources and refuses --engine vector."""
    s = scenario(
        "resources: {relay: {capacity: 1}}\n",
        "  - {id: a, kind: relay, element: x, duration: {dist: uniform, low: 1h, high: 3h},"
        " resources: [relay]}\n"
        "  - {id: b, kind: relay, element: y, duration: 2h, resources: [relay]}\n",
    )
    ens = monte_carlo(s, 500, 1)
    assert ens.engine == "des"
    assert (ens.end_s >= 3 * H).all()  # the two phases run one after the other
    with pytest.raises(ValueError, match="shared resources"):
        monte_carlo(s, 10, 1, engine="vector")


def test_abort_half_the_time() -> None:
    """probability 0.5 with on_fail abort gives success probability 0.5 within 4 standard errors."""
    s = scenario(
        "",
        "  - {id: a, kind: launch, element: x, duration: 1h,"
        " failure: {probability: 0.5, on_fail: abort}}\n"
        "  - {id: b, kind: transfer, element: x, duration: 1h, after: [a]}\n",
    )
    n = 40_000
    ens = monte_carlo(s, n, 11)
    se = (0.25 / n) ** 0.5
    assert abs(ens.success.mean() - 0.5) < 4 * se


def test_retry_hold_skip_times() -> None:
    """retry adds (attempts-1)*(duration+delay); hold adds the delay; skip lets successors run."""
    s = scenario(
        "",
        "  - {id: a, kind: docking, element: x, duration: 2h,"
        " failure: {probability: 0.3, on_fail: retry, delay: 1h, max_attempts: 3}}\n"
        "  - {id: b, kind: tcm, element: x, duration: 1h, after: [a],"
        " failure: {probability: 0.3, on_fail: hold, delay: 5h}}\n"
        "  - {id: c, kind: tcm, element: x, duration: 1h, after: [b],"
        " failure: {probability: 0.3, on_fail: skip}}\n",
    )
    model = build_model(s)
    t = simulate(s, fails=[2, 1, 1], model=model)
    a, b, c = t.phases
    assert (a.end_s, a.attempts, a.failure_s) == (3 * 2 * H + 2 * H, 3, 6 * H)
    assert (b.end_s - b.start_s, b.outcome) == (6 * H, "done")
    assert c.outcome == "skipped" and t.outcome == "success"
    aborted = simulate(s, fails=[3, 0, 0], model=model)
    assert aborted.outcome == "aborted" and aborted.phase("b").outcome == "not_run"


def test_nominal_run_has_no_failures() -> None:
    """lunarsim run (nominal) never draws failures."""
    s = scenario(
        "", "  - {id: a, kind: launch, element: x, duration: 1h, failure: {probability: 1.0, on_fail: abort}}\n"
    )
    assert simulate(s).outcome == "success"


def test_engines_agree_with_windows_and_failures() -> None:
    """The SimPy engine and the vector path agree exactly with windows and failures."""
    s = scenario(
        RELAY,
        "  - {id: a, kind: launch, element: x, duration: {dist: uniform, low: 1h, high: 30h}}\n"
        "  - {id: b, kind: relay, element: x, duration: {dist: uniform, low: 1h, high: 3h},"
        " after: [a], window: {name: relay, must_fit: true},"
        " failure: {probability: 0.4, on_fail: retry, delay: 2h, max_attempts: 2}}\n"
        "  - {id: c, kind: tcm, element: y, duration: 1h, after: [b],"
        " failure: {probability: 0.2, on_fail: hold, delay: 3h}}\n",
    )
    des = monte_carlo(s, 3000, 5, engine="des")
    vec = monte_carlo(s, 3000, 5, engine="vector")
    np.testing.assert_array_equal(des.end_s, vec.end_s)
    np.testing.assert_array_equal(des.success, vec.success)
    np.testing.assert_array_equal(des.phase_end_s, vec.phase_end_s)
    np.testing.assert_array_equal(des.critical_count, vec.critical_count)
    for k in des.sums:
        np.testing.assert_array_equal(des.sums[k], vec.sums[k], err_msg=k)
    assert 0 < des.success.mean() < 1


def test_resource_wait_rechecks_the_window() -> None:
    """A must_fit phase that queued for a resource past its window's close waits for the next opening."""
    s = scenario(
        RELAY + "resources: {ant: {capacity: 1}}\n",
        "  - {id: a, kind: relay, element: x, duration: 3h, resources: [ant],"
        " after: [{phase: root, lag: 10h}]}\n"
        "  - {id: b, kind: relay, element: y, duration: 2h, resources: [ant],"
        " window: {name: relay, must_fit: true}, after: [{phase: root, lag: 11h}]}\n"
        "  - {id: root, kind: launch, element: x, duration: 0s}\n",
    )
    b = simulate(s).phase("b")
    # a holds the antenna 10h-13h; b (ready 11h) gets it at 13h, but the pass closes at 14h: 2h no longer
    # fits, so b gives the antenna back and runs in the next pass at 34h
    assert (b.ready_s, b.start_s) == (11 * H, 34 * H)
    assert b.wait_resource_s == 2 * H and b.wait_window_s == 21 * H
    assert b.wait_cause == "window+resource"


@pytest.mark.parametrize(("must_fit", "end_h"), [(True, 36.0), (False, 15.0)])
def test_retry_waits_for_the_window_again(must_fit: bool, end_h: float) -> None:
    """A failed attempt's retry is ready ``delay`` after it and starts at the window's next suitable
    opening: 2 h attempts in a 10-14 h daily pass; the first fails at 12 h, the retry is ready at
    13 h, where 2 h no longer fit (must_fit: the next pass, 34 h) or may start at once. Both engines."""
    from sim.engine import vector as fastpath
    from sim.engine.des import run_once

    s = scenario(
        RELAY,
        "  - {id: a, kind: relay, element: x, duration: 2h,"
        f" window: {{name: relay, must_fit: {str(must_fit).lower()}}},"
        " failure: {probability: 0.5, on_fail: retry, delay: 1h, max_attempts: 3}}\n"
        "  - {id: b, kind: tcm, element: x, duration: 1h, after: [a]}\n",
    )
    model = build_model(s)
    t = simulate(s, fails=[1, 0], model=model)
    a = t.phase("a")
    assert (a.start_s, a.end_s, a.attempts, a.outcome) == (10 * H, end_h * H, 2, "done")
    assert a.failure_s == (end_h - 10 - 2) * H and a.wait_window_s == 10 * H
    assert t.phase("b").start_s == end_h * H
    fails = np.array([[1, 0], [2, 0], [0, 0], [3, 0]])
    durations = np.tile(model.graph.nominal_s, (4, 1))
    vec = fastpath.run_block(model, durations, fails)
    for r in range(4):
        one = run_once(model, durations[r].tolist(), fails[r].tolist())
        np.testing.assert_array_equal(vec.end_s[r], one.end_s)
        np.testing.assert_array_equal(vec.failure_s[r], one.failure_s)
    assert vec.status[3, 0] == 2  # three failed attempts: the mission aborts after the third


def test_block_equals_its_replications_one_by_one() -> None:
    """run_block reuses one runner across replications: every field of every row equals a fresh
    run_once of that row, through windows, resource queues, retries, holds and aborts."""
    from sim.engine.des import FIELDS, run_block, run_once
    from sim.engine.montecarlo import draw_block, draw_failures

    s = scenario(
        RELAY + "resources: {ant: {capacity: 1}}\n",
        "  - {id: a, kind: launch, element: x, duration: {dist: uniform, low: 1h, high: 30h},"
        " failure: {probability: 0.1, on_fail: abort}}\n"
        "  - {id: b, kind: relay, element: x, duration: {dist: uniform, low: 1h, high: 3h}, resources: [ant],"
        " after: [a], window: {name: relay, must_fit: true},"
        " failure: {probability: 0.3, on_fail: retry, delay: 2h, max_attempts: 2}}\n"
        "  - {id: c, kind: relay, element: y, duration: {dist: uniform, low: 1h, high: 5h}, resources: [ant],"
        " after: [a], failure: {probability: 0.2, on_fail: hold, delay: 3h}}\n"
        "  - {id: d, kind: tcm, element: y, duration: 1h, after: [b, c],"
        " failure: {probability: 0.2, on_fail: abort}}\n"
        "  - {id: e, kind: tcm, element: x, duration: 1h, after: [d]}\n",
    )
    model = build_model(s)
    n = 400
    dur = draw_block(tuple(p.duration for p in s.phases), 3, 0, n)
    fails = draw_failures(model.graph, 3, 0, n)
    block = run_block(model, dur, fails)
    status = block.status
    assert (status == 2).any() and (status == 3).any() and (block.wait_resource_s > 0).any()  # aborts, not-run, queues
    assert (block.wait_window_s > 0).any()
    for r in range(n):
        one = run_once(model, dur[r].tolist(), fails[r].tolist())
        for f in FIELDS:
            np.testing.assert_array_equal(getattr(block, f)[r], getattr(one, f), err_msg=f"row {r}, {f}")
