"""The SimPy engine: plays a scenario's phases as processes and returns a ``Timeline``.

Each phase is a SimPy process. It waits until all its predecessors have ended (plus their
lags; hand-off is end-exclusive, so a phase may start the instant its predecessor ends), then
runs for its duration. One ``Environment`` per run; no module state; no I/O.

Times are computed as ``start = max(pred end + lag)`` and ``end = start + duration`` and the
event loop is advanced to exactly those values, so a run is exact float arithmetic, independent
of how SimPy accumulates time.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any

import numpy as np
import simpy

from sim.graph import PhaseGraph, build_graph
from sim.results import PhaseRecord, Timeline
from sim.scenario import Scenario


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
    dur = d.tolist()
    env = simpy.Environment()
    done = [env.event() for _ in range(g.size)]
    ready = [0.0] * g.size
    start = [0.0] * g.size
    end = [0.0] * g.size

    def phase(i: int) -> Generator[simpy.Event, Any, None]:
        preds = g.preds[i]
        if preds:
            yield env.all_of([done[j] for j in preds])
            lags = g.lags_s[i]
            ready[i] = max(end[j] + lags[k] for k, j in enumerate(preds))
            if ready[i] > env.now:
                yield env.timeout(ready[i] - env.now)
        start[i] = ready[i]
        end[i] = start[i] + dur[i]
        if end[i] > env.now:
            yield env.timeout(end[i] - env.now)
        done[i].succeed()

    for i in g.order:
        env.process(phase(i))
    env.run()

    records = tuple(
        PhaseRecord(
            id=p.id,
            name=p.label,
            kind=p.kind,
            element=p.element,
            ready_s=ready[i],
            start_s=start[i],
            end_s=end[i],
        )
        for i, p in enumerate(scenario.phases)
    )
    return Timeline(
        scenario_id=scenario.id,
        name=scenario.name,
        epoch=scenario.epoch,
        phases=records,
    )
