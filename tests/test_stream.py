"""The streamed vector path (``sim.engine.stream``) gives the numbers of the array path
(``sim.engine.vector.run_block`` reduced by ``montecarlo._run_chunk``) bit for bit, and is used
exactly for the graphs it can run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import des, montecarlo
from sim.engine.draws import BLOCK, compile_draws, draw_columns, draw_durations
from sim.engine.model import build_model
from sim.engine.stream import streamable
from sim.scenario.model import Scenario, load_scenario, load_scenario_text

ROOT = Path(__file__).resolve().parents[1]


def _job(s: Scenario) -> montecarlo._Job:
    m = build_model(s)
    return montecarlo._Job(
        model=m,
        draws=compile_draws(s),
        seed=3,
        engine="vector",
        nominal=des.run_once(m, m.graph.nominal_s.tolist()),
    )


def _same(job: montecarlo._Job, size: int, keep: int) -> montecarlo.BlockResult:
    d, occurred = draw_durations(job.draws, job.seed, 0, size)
    got = montecarlo._run_streamed(job, 0, lambda i: d[:, i], size, occurred, keep)
    want = montecarlo._run_chunk(job, 0, d, None, occurred, keep)
    assert got.end_s.tolist() == want.end_s.tolist()
    assert got.success.tolist() == want.success.tolist()
    assert got.critical_count.tolist() == want.critical_count.tolist()
    assert got.duration_s.shape == want.duration_s.shape == (keep, len(job.model.graph.ids))
    assert got.duration_s.dtype == want.duration_s.dtype == np.float32
    assert np.array_equal(got.duration_s, want.duration_s)
    assert np.array_equal(got.phase_end_s, want.phase_end_s)
    for k in montecarlo.SUM_FIELDS:
        assert got.sums[k].tolist() == want.sums[k].tolist(), k
    return got


def _dag(links: list[list[int]], lags_h: list[float]) -> Scenario:
    lines = []
    for i, preds in enumerate(links):
        after = ", ".join(f"p{j}" if not lags_h[i] else f"{{phase: p{j}, lag: {lags_h[i]:g}h}}" for j in preds)
        lines.append(
            f"  - {{id: p{i}, kind: tcm, element: x, after: [{after}], "
            f"duration: {{dist: triangular, low: 1h, mode: {1 + i % 3}h, high: {4 + i % 5}h}}}}\n"
        )
    return load_scenario_text("id: s\nname: S\nepoch: 2020-01-01T00:00:00Z\nelements: [x]\nphases:\n" + "".join(lines))


def test_the_shared_dag_streams_with_the_same_numbers() -> None:
    s = load_scenario(ROOT / "benchmarks" / "shared_dag.yaml")
    job = _job(s)
    assert streamable(job.model.graph)
    res = _same(job, 2000, 700)
    assert res.critical_count[0] == 2000  # launch is on every critical chain
    assert res.critical_count[4] == 0  # payload_checkout (24-72 h) never outlasts the coast (108-120 h)
    assert len(set(res.critical_count.tolist())) > 3  # parallel branches share the chain


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 10**6), max_size=3), min_size=1, max_size=14),
    st.lists(st.sampled_from([0.0, 0.0, 2.0]), min_size=14, max_size=14),
    st.integers(1, 300),
)
def test_random_dags_stream_with_the_same_numbers(raw: list[list[int]], lags: list[float], size: int) -> None:
    links = [sorted({j % i for j in preds}) if i else [] for i, preds in enumerate(raw)]  # acyclic
    s = _dag(links, lags[: len(links)])
    job = _job(s)
    assert streamable(job.model.graph)
    _same(job, size, min(size, 50))


def test_graphs_with_windows_failures_dates_or_negative_lags_take_the_array_path() -> None:
    for path in ("change5", "change6"):
        assert not streamable(build_model(load_scenario(ROOT / "scenarios" / f"{path}.yaml")).graph)
    neg = _dag([[], [0]], [0.0, 0.0])
    assert streamable(build_model(neg).graph)
    lagged = load_scenario_text(
        "id: s\nname: S\nepoch: 2020-01-01T00:00:00Z\nelements: [x]\nphases:\n"
        "  - {id: a, kind: tcm, element: x, duration: 2h}\n"
        "  - {id: b, kind: tcm, element: x, after: [{phase: a, lag: -1h}], duration: 2h}\n"
    )
    assert not streamable(build_model(lagged).graph)
    dated = load_scenario_text(
        "id: s\nname: S\nepoch: 2020-01-01T00:00:00Z\nelements: [x]\nphases:\n"
        "  - {id: a, kind: tcm, element: x, not_before: 2020-01-02T00:00:00Z, duration: 2h}\n"
    )
    assert not streamable(build_model(dated).graph)


def test_a_long_scenario_streams_whole_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """600 phases: the array path would cut the block into row chunks; the streamed path runs it whole."""
    links = [[i - 1] if i % 7 else ([i - 1, i - 3] if i > 3 else []) for i in range(600)]
    s = _dag(links, [0.0] * 600)
    calls: list[int] = []
    real = montecarlo._run_chunk
    monkeypatch.setattr(montecarlo, "_run_chunk", lambda *a, **k: calls.append(1) or real(*a, **k))
    ens = montecarlo.monte_carlo(s, 300, 5, engine="vector")
    assert not calls
    assert ens.duration_s.shape == (300, 600)
    assert ens.critical_count[0] == 300


def test_columns_drawn_on_demand_are_the_block_matrix_columns() -> None:
    """Asked for in topological order (here not the file order) with a fixed duration among
    them: each column is the one ``draw_durations`` draws, for a short block too."""
    s = load_scenario_text(
        "id: s\nname: S\nepoch: 2020-01-01T00:00:00Z\nelements: [x]\nphases:\n"
        "  - {id: c, kind: tcm, element: x, after: [b], duration: {dist: uniform, low: 1h, high: 2h}}\n"
        "  - {id: a, kind: tcm, element: x, duration: {dist: triangular, low: 1h, mode: 2h, high: 3h}}\n"
        "  - {id: b, kind: tcm, element: x, after: [a], duration: 90m}\n"
        "  - {id: d, kind: tcm, element: x, after: [a], duration: {dist: normal, mean: 5h, sd: 1h, min: 3h}}\n"
    )
    draws = compile_draws(s)
    order = build_model(s).graph.order
    assert list(order) != sorted(order)
    for size in (BLOCK, 777):
        column = draw_columns(draws, 9, 2, size)
        assert column is not None
        want, _ = draw_durations(draws, 9, 2, size)
        for i in order:
            got = column(i)
            assert got.shape == (size,)
            assert got.tolist() == want[:, i].tolist()


def test_correlations_risks_and_burns_draw_the_whole_block() -> None:
    for name in ("change5", "change6", "change7"):
        draws = compile_draws(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
        needs_block = bool(draws.groups or draws.risks or any(s.uses_mass for s in draws.dists.sources))
        assert (draw_columns(draws, 1, 0, 10) is None) == needs_block
    assert draw_columns(compile_draws(load_scenario(ROOT / "benchmarks" / "shared_dag.yaml")), 1, 0, 10) is not None


def test_the_nominal_run_of_a_streamable_graph_is_the_simpy_engines() -> None:
    for s in (load_scenario(ROOT / "benchmarks" / "shared_dag.yaml"), _dag([[], [0], [0, 1], [2]], [0, 2.0, 0, 0])):
        m = build_model(s)
        got = montecarlo._nominal(m, "vector")
        want = des.run_once(m, m.graph.nominal_s.tolist())
        for f in ("ready_s", "start_s", "end_s", "driver", "wait_window_s", "wait_resource_s", "failure_s"):
            assert getattr(got, f).shape == (len(m.graph.ids),)
            assert getattr(got, f).tolist() == getattr(want, f).tolist(), f
