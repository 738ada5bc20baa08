"""Criticality: in how many replications of a block each phase lies on the chain that set the
mission end (``sim.engine.montecarlo`` adds the blocks' counts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.engine.model import PhaseGraph


def critical_counts(driver: np.ndarray, end_s: np.ndarray, graph: PhaseGraph, complete: bool = False) -> np.ndarray:
    """Per phase, in how many replications it lies on the chain that set the mission end.

    The chain starts at the phase that ended last (when several end at the same last instant,
    such as a milestone ending with its predecessor, the one latest in topological order) and
    walks back through whatever released each phase: the predecessor recorded in ``driver``; a
    window or the epoch ends the chain. Computed backwards over the topological order, one
    vectorized pass per dependency edge: ``critical[j] |= critical[i] & (driver[i] == j)``.

    With ``complete`` (every phase ran: no abort), only plain finish-to-start links and no
    negative lag, a phase ends no earlier than any of its predecessors and comes after them in
    topological order, so only the sinks (phases without successors) can end the mission:
    only they are scanned.
    """
    n, p = end_s.shape
    backwards = graph.order[::-1]
    sinks = graph.ends_last if complete else None
    candidates = list(backwards) if sinks is None else list(sinks)
    critical = np.zeros((n, p), dtype=bool, order="F")
    for i, col in _ending_last(candidates, lambda i: end_s[:, i], n).items():
        critical[:, i] = col
    single = graph.plain if complete else ()  # a plain phase with one predecessor: always its driver
    for i in backwards:
        col = critical[:, i]
        preds = graph.preds[i]
        if single and single[i] and len(preds) == 1:
            np.logical_or(critical[:, preds[0]], col, out=critical[:, preds[0]])
            continue
        for j in preds:
            critical[:, j] |= col & (driver[:, i] == j)
    return critical.sum(axis=0)


def critical_counts_by_column(
    g: PhaseGraph, ends: dict[int, np.ndarray], drivers: dict[int, np.ndarray], n: int
) -> np.ndarray:
    """``critical_counts`` of a complete block of ``n`` rows whose graph has ``ends_last`` and
    whose phases are plain or roots, over columns (``sim.engine.stream``): the sinks' ends and
    the drivers of phases with several predecessors (a single predecessor always released its
    phase). Each phase's column of the chain is final when the backward pass reaches it (its
    successors come later in topological order), so it is counted then and dropped."""
    critical = _ending_last(list(g.ends_last or ()), ends.__getitem__, n)
    counts = np.zeros(g.size, dtype=np.int64)
    for i in reversed(g.order):
        col = critical.pop(i, None)
        if col is None:
            continue
        counts[i] = np.count_nonzero(col)
        preds = g.preds[i]
        if len(preds) == 1:
            j = preds[0]
            critical[j] = np.logical_or(critical[j], col, out=critical[j]) if j in critical else col
            continue
        for j in preds:
            on = col & (drivers[i] == j)
            critical[j] = np.logical_or(critical[j], on, out=critical[j]) if j in critical else on
    return counts


def _ending_last(candidates: Sequence[int], end_of: Callable[[int], np.ndarray], n: int) -> dict[int, np.ndarray]:
    """Per candidate phase, the rows in which it ends the mission (``end_of(i)``: its end column):
    the one that ends last, ties to the earliest in ``candidates`` (reverse topological order)."""
    if len(candidates) == 1:
        return {candidates[0]: np.ones(n, dtype=bool)}
    last = np.full(n, -np.inf)
    final = np.full(n, -1, dtype=np.int64)
    for i in candidates:
        later = end_of(i) > last
        last = np.where(later, end_of(i), last)
        final = np.where(later, i, final)
    return {i: final == i for i in candidates}
