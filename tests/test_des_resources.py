"""The SimPy engine's shared resources and its compiled opening cascade.

The engine keeps its resources itself (free slots and a FIFO queue per resource, grants and
releases as zero-delay events on the SimPy loop, as ``simpy.Resource`` does them) and plays the
part of every replication that does not depend on the durations as compiled straight-line code
(``sim.engine.cascade``). Both must change nothing: checked here against an idiomatic SimPy model
with ``simpy.Resource``, against the engine's own walk, and on hand-computed ties.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import simpy

from sim.engine.des import COMPILE_FROM, FIELDS, WINDOW_DRIVER, run_block, run_once
from sim.engine.draws import compile_draws, draw_durations
from sim.engine.model import PhaseGraph, build_model
from sim.engine.montecarlo import draw_failures
from sim.scenario.model import load_scenario, load_scenario_text
from tests.conftest import SCENARIOS

H = 3600.0
RELAY_DAG = Path(__file__).resolve().parents[1] / "benchmarks" / "shared_dag_relay.yaml"


def reference(g: PhaseGraph, dur: list[float], period_s: float, open_s: float) -> tuple[list[float], list[float]]:
    """Starts and ends of an FS-only graph on SimPy the idiomatic way: a process per phase waiting
    for its predecessors' events, then for its periodic window, then holding its resources
    (``simpy.Resource``, requested in the phase's order)."""
    env = simpy.Environment()
    res = [simpy.Resource(env, capacity=c) for c in g.capacities]
    done = [env.event() for _ in range(g.size)]
    start = [math.nan] * g.size
    end = [math.nan] * g.size

    def phase(i: int):  # type: ignore[no-untyped-def]
        if g.preds[i]:
            yield env.all_of([done[j] for j in g.preds[i]])
        if g.window[i] >= 0:
            k = math.floor(env.now / period_s)
            if env.now - k * period_s >= open_s:
                yield env.timeout((k + 1) * period_s - env.now)
        requests = [res[r].request() for r in g.resources[i]]
        for q in requests:
            yield q
        start[i] = env.now
        yield env.timeout(dur[i])
        end[i] = env.now
        for r, q in zip(g.resources[i], requests, strict=True):
            res[r].release(q)
        done[i].succeed()

    for i in range(g.size):
        env.process(phase(i))
    env.run()
    return start, end


def test_relay_contention_matches_simpy_resource() -> None:
    """The shared 30-phase DAG with its capacity-1 relay and 24 h window: every phase's start and
    end equal those of an idiomatic SimPy model with ``simpy.Resource`` (first come, first
    served), over 300 drawn replications in which the relay queues often."""
    s = load_scenario(RELAY_DAG)
    m = build_model(s)
    d, _ = draw_durations(compile_draws(s), 5, 0, 300)
    block = run_block(m, d)
    assert (block.wait_resource_s > 0).mean() > 0.01 and (block.wait_window_s > 0).any()
    for r in range(d.shape[0]):
        start, end = reference(m.graph, d[r].tolist(), 24 * H, 1.0)
        np.testing.assert_allclose(block.start_s[r], start, rtol=0, atol=1e-6, err_msg=f"row {r}")
        np.testing.assert_allclose(block.end_s[r], end, rtol=0, atol=1e-6, err_msg=f"row {r}")


def scenario(resources: str, phases: str):  # type: ignore[no-untyped-def]
    return load_scenario_text(
        "id: r\nname: R\nepoch: 2024-01-01T00:00:00Z\nelements: [x]\n"
        + "windows:\n  w: {type: periodic, period: 10h, open: 1h}\n"
        + resources
        + "phases:\n"
        + phases
    )


def test_simultaneous_requests_queue_in_file_order() -> None:
    """Three phases ready at the same instant ask a capacity-1 resource in file order and run one
    after another, each released by the one before it; with capacity 2 two run at once."""
    phases = (
        "  - {id: a, kind: launch, element: x, duration: 2h}\n"
        "  - {id: b, kind: relay, element: x, duration: 1h, after: [a], resources: [ant]}\n"
        "  - {id: c, kind: relay, element: x, duration: 3h, after: [a], resources: [ant]}\n"
        "  - {id: d, kind: relay, element: x, duration: 1h, after: [a], resources: [ant]}\n"
        "  - {id: e, kind: tcm, element: x, duration: 1h, after: [b, c, d]}\n"
    )
    one = run_once(build_model(scenario("resources: {ant: {capacity: 1}}\n", phases)), [2 * H, H, 3 * H, H, H])
    assert (one.start_s / H).tolist() == [0, 2, 3, 6, 7]
    assert (one.wait_resource_s / H).tolist() == [0, 0, 1, 4, 0]
    assert one.driver.tolist() == [-1, 0, 1, 2, 3]
    two = run_once(build_model(scenario("resources: {ant: {capacity: 2}}\n", phases)), [2 * H, H, 3 * H, H, H])
    assert (two.start_s / H).tolist() == [0, 2, 2, 3, 5]
    assert two.driver.tolist() == [-1, 0, 0, 1, 2]


def test_window_closing_while_queued_asks_again() -> None:
    """A phase that queues for the resource past its window's closing gives it back and asks
    again at the next opening (its driver is then the window)."""
    s = scenario(
        "resources: {ant: {capacity: 1}}\n",
        "  - {id: a, kind: relay, element: x, duration: 2h, resources: [ant]}\n"
        "  - {id: b, kind: relay, element: x, duration: 30min, resources: [ant], window: w}\n"
        "  - {id: c, kind: tcm, element: x, duration: 1h, after: [b]}\n",
    )
    one = run_once(build_model(s), [2 * H, 0.5 * H, H])
    assert (one.start_s / H).tolist() == [0, 10, 10.5]
    assert (one.wait_resource_s / H).tolist() == [0, 2, 0]
    assert (one.wait_window_s / H).tolist() == [0, 8, 0]
    assert one.driver[1] == WINDOW_DRIVER


def test_compiled_cascade_equals_the_walk() -> None:
    """Every field of every row of the bundled missions (windows, resources, failures, joins) and
    of the shared relay and plain DAGs, with and without failure draws: a block (compiled
    cascade) equals its rows run one by one (the walk)."""
    plain = RELAY_DAG.with_name("shared_dag.yaml")
    assert COMPILE_FROM <= 100
    for path in (SCENARIOS / "change5.yaml", SCENARIOS / "change7.yaml", SCENARIOS / "change8.yaml", RELAY_DAG, plain):
        s = load_scenario(path)
        m = build_model(s)
        d, _ = draw_durations(compile_draws(s), 11, 0, 100)
        drawn = draw_failures(m.graph, 11, 0, 100)
        for fails in [None] if drawn is None else [drawn, None]:
            block = run_block(m, d, fails)  # 100 rows: compiled
            for r in range(d.shape[0]):
                one = run_once(m, d[r].tolist(), None if fails is None else fails[r].tolist())
                for name in FIELDS:
                    np.testing.assert_array_equal(
                        getattr(block, name)[r], getattr(one, name), err_msg=f"{path.name} row {r} {name}"
                    )


def test_compiled_join_ties_keep_the_first_predecessor_in_after_order() -> None:
    """Predecessors ending at the same instant: the driver is the first listed in ``after``, in
    a block (compiled cascade) as in a single run (the walk)."""
    s = scenario(
        "",
        "  - {id: a, kind: launch, element: x, duration: 2h}\n"
        "  - {id: b, kind: tcm, element: x, duration: 1h, after: [a]}\n"
        "  - {id: c, kind: tcm, element: x, duration: 1h, after: [a]}\n"
        "  - {id: d, kind: tcm, element: x, duration: 1h, after: [c, b]}\n"
        "  - {id: e, kind: tcm, element: x, duration: 1h, after: [b, c]}\n",
    )
    m = build_model(s)
    rows = np.tile(m.graph.nominal_s, (64, 1))
    block = run_block(m, rows)
    assert block.driver[:, 3].tolist() == [2] * 64 and block.driver[:, 4].tolist() == [1] * 64
    assert run_once(m, rows[0].tolist()).driver.tolist() == [-1, 0, 0, 2, 1]


def test_cascade_compiled_once_per_graph_and_never_pickled() -> None:
    """Blocks of one graph share its compiled cascade; a pickled model (what a spawn or Dask
    worker receives) carries none and compiles its own, with the same results."""
    import pickle

    s = load_scenario(RELAY_DAG)
    m = build_model(s)
    d, _ = draw_durations(compile_draws(s), 2, 0, COMPILE_FROM)
    first = run_block(m, d)
    (code,) = m.graph.memo.values()
    run_block(m, d)
    assert list(m.graph.memo.values()) == [code]
    copy = pickle.loads(pickle.dumps(m))
    assert not copy.graph.memo
    again = run_block(copy, d)
    assert len(copy.graph.memo) == 1 and next(iter(copy.graph.memo.values())) is not code
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
