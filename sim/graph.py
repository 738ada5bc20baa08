"""The phase graph: a scenario's dependencies compiled once into plain index tuples.

Both the SimPy engine and (later) the vectorized fast path read this structure instead of the
pydantic models, so that no dict lookup or model attribute access happens in an inner loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario, topological_order


@dataclass(frozen=True)
class PhaseGraph:
    """Indices of phases in file order, with predecessors, lags and a topological order."""

    ids: tuple[str, ...]
    preds: tuple[tuple[int, ...], ...]
    lags_s: tuple[tuple[float, ...], ...]
    succs: tuple[tuple[int, ...], ...]
    order: tuple[int, ...]
    nominal_s: np.ndarray

    @property
    def size(self) -> int:
        """Number of phases."""
        return len(self.ids)

    def index(self, phase_id: str) -> int:
        """File-order index of a phase id."""
        return self.ids.index(phase_id)


def build_graph(scenario: Scenario) -> PhaseGraph:
    """Compile a validated scenario's phases into a ``PhaseGraph``."""
    ids = tuple(p.id for p in scenario.phases)
    where = {pid: i for i, pid in enumerate(ids)}
    preds = tuple(tuple(where[d.phase] for d in p.dependencies) for p in scenario.phases)
    lags = tuple(tuple(float(d.lag) for d in p.dependencies) for p in scenario.phases)
    succs: list[list[int]] = [[] for _ in ids]
    for i, ps in enumerate(preds):
        for j in ps:
            succs[j].append(i)
    nominal = np.array([p.duration.nominal_s for p in scenario.phases], dtype=float)
    return PhaseGraph(
        ids=ids,
        preds=preds,
        lags_s=lags,
        succs=tuple(tuple(s) for s in succs),
        order=tuple(topological_order(scenario)),
        nominal_s=nominal,
    )
