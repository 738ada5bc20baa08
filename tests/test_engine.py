"""The SimPy engine: finish-to-start dependencies, lags, parallel branches, records."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.des import simulate
from sim.scenario.model import load_scenario_text


def scenario(phases: str, elements: str = "[x, y]"):  # type: ignore[no-untyped-def]
    """A scenario from a YAML list of phases."""
    return load_scenario_text(f"id: e\nname: E\nepoch: 2020-01-01T00:00:00Z\nelements: {elements}\nphases:\n{phases}")


def test_chain_with_lag() -> None:
    """A phase starts when its predecessor ends plus the lag."""
    s = scenario(
        "  - {id: a, kind: launch, element: x, duration: 1h}\n"
        "  - {id: b, kind: transfer, element: x, duration: 2h, after: [{phase: a, lag: 30min}]}\n"
    )
    t = simulate(s)
    a, b = t.phases
    assert (a.start_s, a.end_s) == (0.0, 3600.0)
    assert (b.ready_s, b.start_s, b.end_s) == (5400.0, 5400.0, 12600.0)
    assert b.wait_s == 0.0 and b.attempts == 1 and t.outcome == "success"
    assert t.end_s == 12600.0


def test_parallel_branches_join_at_latest() -> None:
    """A join waits for the later of two parallel branches."""
    s = scenario(
        "  - {id: a, kind: launch, element: x, duration: 1h}\n"
        "  - {id: b, kind: transfer, element: x, duration: 5h, after: [a]}\n"
        "  - {id: c, kind: payload_ops, element: y, duration: 2h, after: [a]}\n"
        "  - {id: d, kind: loi, element: x, duration: 1h, after: [b, c]}\n"
    )
    t = simulate(s)
    assert t.phase("c").start_s == 3600.0 and t.phase("b").start_s == 3600.0
    assert t.phase("d").start_s == 6 * 3600.0
    assert t.end_s == 7 * 3600.0


def test_roots_start_at_epoch_and_milestones() -> None:
    """Phases without predecessors start at T0; zero durations are instants."""
    s = scenario(
        "  - {id: a, kind: launch, element: x, duration: 0s}\n  - {id: b, kind: relay, element: y, duration: 3h}\n"
    )
    t = simulate(s)
    assert t.phase("a").start_s == t.phase("a").end_s == 0.0
    assert t.phase("b").start_s == 0.0


def test_nominal_uses_mode_median_midpoint() -> None:
    """Nominal durations are the mode, median and midpoint of the distributions."""
    s = scenario(
        "  - {id: a, kind: launch, element: x, duration: {dist: triangular, low: 1h, mode: 2h, high: 9h}}\n"
        "  - {id: b, kind: tcm, element: x, after: [a], duration: {dist: lognormal, median: 3h, p90: 5h}}\n"
        "  - {id: c, kind: tcm, element: x, after: [b], duration: {dist: uniform, low: 1h, high: 3h}}\n"
        "  - {id: d, kind: tcm, element: x, after: [c], duration: {dist: pert, low: 1h, mode: 4h, high: 5h}}\n"
    )
    t = simulate(s)
    assert [p.duration_s / 3600 for p in t.phases] == [2.0, 3.0, 2.0, 4.0]


def test_explicit_durations_and_shape_check() -> None:
    """Given durations override the nominal ones; a wrong count is an error."""
    s = scenario(
        "  - {id: a, kind: launch, element: x, duration: 1h}\n"
        "  - {id: b, kind: tcm, element: x, duration: 1h, after: [a]}\n"
    )
    t = simulate(s, [10.0, 20.0])
    assert t.end_s == 30.0
    with pytest.raises(ValueError, match="expected 2 durations"):
        simulate(s, [1.0])


def test_out_of_file_order_dependencies() -> None:
    """A phase may depend on one listed later in the file."""
    s = scenario(
        "  - {id: late, kind: tcm, element: x, duration: 1h, after: [early]}\n"
        "  - {id: early, kind: launch, element: x, duration: 2h}\n"
    )
    t = simulate(s)
    assert t.phase("late").start_s == 7200.0


@st.composite
def dags(draw: st.DrawFn) -> tuple[str, list[list[int]], list[float], list[list[float]]]:
    """Random DAGs: phase i may depend on any earlier phase, with random lags."""
    n = draw(st.integers(1, 12))
    preds: list[list[int]] = []
    lags: list[list[float]] = []
    lines = []
    durs = draw(st.lists(st.integers(0, 100_000), min_size=n, max_size=n))
    for i in range(n):
        ps = sorted(draw(st.sets(st.integers(0, i - 1), max_size=3))) if i else []
        ls = [float(draw(st.integers(0, 5000))) for _ in ps]
        preds.append(ps)
        lags.append(ls)
        after = ", ".join(f"{{phase: p{j}, lag: {int(lag)}s}}" for j, lag in zip(ps, ls, strict=True))
        lines.append(f"  - {{id: p{i}, kind: tcm, element: x, duration: {durs[i]}s, after: [{after}]}}\n")
    return "".join(lines), preds, [float(d) for d in durs], lags


@settings(max_examples=60, deadline=None)
@given(dags())
def test_engine_matches_longest_path(dag: tuple[str, list[list[int]], list[float], list[list[float]]]) -> None:
    """On any DAG the engine gives start = max(pred end + lag) and end = start + duration, exactly."""
    text, preds, durs, lags = dag
    t = simulate(scenario(text))
    end = np.zeros(len(durs))
    for i in range(len(durs)):
        start = max([end[j] + lag for j, lag in zip(preds[i], lags[i], strict=True)], default=0.0)
        end[i] = start + durs[i]
        rec = t.phases[i]
        assert rec.start_s == start and rec.end_s == end[i]
        assert rec.end_s >= rec.start_s >= rec.ready_s
