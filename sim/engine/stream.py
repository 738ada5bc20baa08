"""The vector path for plain phase graphs, streamed: one phase at a time over all of a block's rows,
reduced as it goes, keeping only the columns that are still needed.

``sim.engine.vector.run_block`` fills ``(N, P)`` arrays (ready, end, driver) that the Monte Carlo
block then reduces (sums, mission end, criticality). For a long scenario those arrays are far
larger than the cache, so each is written to memory and read back, and the block has to be cut
into row chunks that pay numpy's per-call overhead (~5-10 us per phase) again and again. When
every phase is plain (``PhaseGraph.plain``: finish-to-start links, no window, no resource, no
failure spec) or a root without window or date, and nothing can abort, a phase needs only its
predecessors' end columns. This module then walks the phases in topological order over all the
block's rows: each phase's sums are taken while its columns are in the cache, its end column is
dropped once its last successor has run (sinks are kept for the mission end), and its driver
column is kept only where criticality reads it (phases with several predecessors).

The numbers are those of ``run_block`` followed by ``sim.engine.montecarlo._run_chunk`` on the
whole block, bit for bit: the same float operations in the same order (``ready = end[pred] +
lag``, the later predecessor by ``maximum``, ``end = ready + d``, ``run = end - ready``); numpy
sums each contiguous column of a phase-major array as it sums that column alone; maxima are exact
(tests/test_stream.py compares the two paths).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.engine.critical import critical_counts_by_column
from sim.engine.model import PhaseGraph
from sim.engine.vector import latest_predecessor


@dataclass(frozen=True)
class Streamed:
    """A block reduced: mission end per row, per-phase sums over the rows (drawn durations, ready
    times, run times), critical counts, and the first ``keep`` rows' run times and ends (float32)."""

    end_s: np.ndarray
    duration_sum_s: np.ndarray
    ready_sum_s: np.ndarray
    run_sum_s: np.ndarray
    critical_count: np.ndarray
    kept_run_s: np.ndarray
    kept_end_s: np.ndarray


def streamable(g: PhaseGraph) -> bool:
    """True if every phase is plain or a root released by the epoch (no window, date or link
    other than finish-to-start), nothing can fail, and only sinks can end last (lags >= 0)."""
    if g.failing or g.windowed or g.uses_resources or g.ends_last is None:
        return False
    return all(
        plain or not (preds or general) for plain, preds, general in zip(g.plain, g.preds, g.general, strict=True)
    )


def run_streamed(g: PhaseGraph, column: Callable[[int], np.ndarray], n: int, keep: int) -> Streamed:
    """Run a block of ``n`` rows of a ``streamable`` graph; ``column(i)`` gives phase ``i``'s ``n``
    drawn durations (asked once per phase, in topological order)."""
    p = g.size
    keep = min(max(keep, 0), n)
    waiting = [len(s) for s in g.succs]  # successors of each phase that have not run yet
    sinks = set(g.ends_last or ())
    ends: dict[int, np.ndarray] = {}
    drivers: dict[int, np.ndarray] = {}
    duration_sum, ready_sum, run_sum = np.zeros(p), np.zeros(p), np.zeros(p)
    kept_run = np.empty((keep, p), dtype=np.float32, order="F")
    kept_end = np.empty((keep, p), dtype=np.float32, order="F")
    zero = np.zeros(n)
    run = np.empty(n)
    for i in g.order:
        d = column(i)
        preds = g.preds[i]
        best = _latest(g, i, ends, drivers, n) if preds else zero
        end = np.add(best, d)
        np.subtract(end, best, out=run)
        duration_sum[i] = d.sum()
        ready_sum[i] = best.sum()
        run_sum[i] = run.sum()
        kept_run[:, i] = run[:keep]
        kept_end[:, i] = end[:keep]
        ends[i] = end
        for j in preds:
            waiting[j] -= 1
            if not waiting[j] and j not in sinks:
                del ends[j]
    last = list(g.ends_last or ())
    mission_end = ends[last[0]].copy() if len(last) == 1 else np.stack([ends[i] for i in last], axis=1).max(axis=1)
    counts = critical_counts_by_column(g, ends, drivers, n)
    return Streamed(mission_end, duration_sum, ready_sum, run_sum, counts, kept_run, kept_end)


def _latest(g: PhaseGraph, i: int, ends: dict[int, np.ndarray], drivers: dict[int, np.ndarray], n: int) -> np.ndarray:
    """``max(pred end + lag)`` of phase ``i`` (``sim.engine.vector.latest_predecessor``); with
    several predecessors, the one that set it is kept in ``drivers[i]``."""
    best = np.empty(n)
    who = np.empty(n, dtype=np.int32) if len(g.preds[i]) > 1 else None
    latest_predecessor(g, i, ends.__getitem__, best, who)
    if who is not None:
        drivers[i] = who
    return best
