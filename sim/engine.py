"""The SimPy engine: plays a scenario's phases on a SimPy event loop and returns a ``Timeline``.

A phase waits until all its predecessors have ended (plus their lags; hand-off is
end-exclusive, so a phase may start the instant its predecessor ends), then runs for its
duration. One ``Environment`` per run; no module state; no I/O.

Design choice (see docs/design.md, "Engine"): a phase is a small event-driven state machine
on the SimPy event loop rather than a generator process: its end is a ``Timeout`` whose
callback counts down the successors' unfinished predecessors and starts each successor whose
count reaches zero. This is the SimPy idiom without the per-process lifecycle and ``AllOf``
costs (about 5x faster, see ../shared/PERFORMANCE.md and benchmarks/), with the same semantics.
Times are computed as ``start = max(pred end + lag)`` and ``end = start + duration`` and the
loop is advanced to exactly those values, so a run is exact float arithmetic that the
vectorized fast path (``sim.fastpath``) reproduces bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import numpy as np
import simpy

from sim.graph import PhaseGraph, build_graph
from sim.results import PhaseRecord, Timeline
from sim.scenario import Scenario


@dataclass(frozen=True)
class RunArrays:
    """Per-phase times of one or many runs (shape ``(P,)`` or ``(N, P)``), seconds since T0.

    ``driver`` is the index of the predecessor whose end (plus lag) released each phase, or -1
    for a phase released by the epoch (a root). It is what criticality walks back along.
    """

    ready_s: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray
    driver: np.ndarray


def run_once(graph: PhaseGraph, durations_s: Sequence[float]) -> RunArrays:
    """One replication on a fresh SimPy ``Environment``; ``durations_s`` in file order."""
    n = graph.size
    preds, lags, succs = graph.preds, graph.lags_s, graph.succs
    dur = list(durations_s)
    remaining = [len(p) for p in preds]
    ready = [0.0] * n
    start = [0.0] * n
    end = [0.0] * n
    driver = [-1] * n
    env = simpy.Environment()
    timeout = env.timeout

    def begin(i: int) -> None:
        best, who = 0.0, -1
        for j, lag in zip(preds[i], lags[i], strict=True):
            t = end[j] + lag
            if who < 0 or t > best:
                best, who = t, j
        ready[i] = start[i] = best
        driver[i] = who
        end[i] = best + dur[i]
        timeout(end[i] - env.now, i).callbacks.append(finish)  # type: ignore[union-attr]

    def finish(ev: simpy.Timeout) -> None:
        for k in succs[ev.value]:
            remaining[k] -= 1
            if remaining[k] == 0:
                begin(k)

    for i in graph.order:
        if not preds[i]:
            begin(i)
    env.run()
    return RunArrays(
        ready_s=np.array(ready), start_s=np.array(start), end_s=np.array(end), driver=np.array(driver)
    )


def run_block(graph: PhaseGraph, durations_s: np.ndarray) -> RunArrays:
    """Many replications, one Environment each; ``durations_s`` is ``(N, P)``."""
    n, p = durations_s.shape
    ready = np.empty((n, p))
    start = np.empty((n, p))
    end = np.empty((n, p))
    driver = np.empty((n, p), dtype=np.int32)
    for r, row in enumerate(durations_s.tolist()):
        one = run_once(graph, row)
        ready[r], start[r], end[r], driver[r] = one.ready_s, one.start_s, one.end_s, one.driver
    return RunArrays(ready_s=ready, start_s=start, end_s=end, driver=driver)


def simulate(
    scenario: Scenario,
    durations_s: Sequence[float] | np.ndarray | None = None,
    *,
    graph: PhaseGraph | None = None,
) -> Timeline:
    """Run a scenario once.

    Args:
        scenario: a validated scenario.
        durations_s: one duration per phase in file order, seconds; the nominal durations
            when omitted.
        graph: the compiled phase graph, if the caller already has it.

    Returns:
        The run's ``Timeline``.
    """
    g = graph or build_graph(scenario)
    d = g.nominal_s if durations_s is None else np.asarray(durations_s, dtype=float)
    if d.shape != (g.size,):
        raise ValueError(f"expected {g.size} durations, got shape {d.shape}")
    if (d < 0).any():
        raise ValueError("durations must be >= 0")
    arrays = run_once(g, d.tolist())
    records = tuple(
        PhaseRecord(
            id=p.id,
            name=p.label,
            kind=p.kind,
            element=p.element,
            ready_s=float(arrays.ready_s[i]),
            start_s=float(arrays.start_s[i]),
            end_s=float(arrays.end_s[i]),
        )
        for i, p in enumerate(scenario.phases)
    )
    return Timeline(
        scenario_id=scenario.id,
        name=scenario.name,
        epoch=scenario.epoch,
        phases=records,
        elements=tuple(scenario.elements),
    )
