"""The vectorized fast path: the engine's semantics over an ``(N, P)`` duration matrix with numpy.

For scenarios without shared resources every replication is independent arithmetic on the
phase graph, in topological order and vectorized over the N replications:
``ready = max(pred end + lag)``; ``start`` = the window's next suitable opening (a
``searchsorted`` into its table); ``end = start + run time``, where the run time adds retries
and holds from the drawn failure counts; an abort leaves every descendant not run (NaN). It
computes exactly what the SimPy engine computes, in the same float order, so both give
bit-identical results on the same draws (a property test checks this).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.engine.des import ABORTED, DATE_DRIVER, NOT_RUN, SKIPPED, WINDOW_DRIVER, RunArrays, as_model
from sim.engine.model import ABORT, FROM_START, HOLD, ON_FINISH, RETRY, SKIP, UNTIL_END, Model, PhaseGraph
from sim.sky.intervals import WindowNeverOpens


def run_block(model: Model | PhaseGraph, durations_s: np.ndarray, fails: np.ndarray | None = None) -> RunArrays:
    """Results of N replications at once; ``durations_s`` (and ``fails``) are ``(N, P)`` in file order.

    Raises:
        ValueError: the model uses shared resources (only the SimPy engine can run it).
        WindowNeverOpens: a phase's window has no suitable opening within the horizon.
    """
    model = as_model(model)
    g = model.graph
    if g.uses_resources:
        raise ValueError("the vector path cannot model shared resources; use the SimPy engine")
    n, p = durations_s.shape
    failing = fails is not None and bool(g.failing)
    # column-major: every per-phase column is contiguous, which is what the loop below reads
    # (durations from sim.engine.draws.draw_block are laid out so too). Fields that cannot
    # differ from their default in this block (no window: no window wait; no failure draws:
    # one attempt, DONE, no lost time) are read-only broadcast constants, not P x N arrays.
    ready = np.empty((n, p), order="F")
    windowed = g.windowed
    start = np.empty((n, p), order="F") if windowed else ready  # no windows: a phase starts when ready
    end = np.empty((n, p), order="F")
    driver = np.empty((n, p), dtype=np.int32, order="F")
    wait_w = np.zeros((n, p), order="F") if windowed else _constant(0.0, n, p)
    lost = np.zeros((n, p), order="F") if failing else _constant(0.0, n, p)
    attempts = np.ones((n, p), dtype=np.int16, order="F") if failing else _constant(np.int16(1), n, p)
    status = np.zeros((n, p), dtype=np.int8, order="F") if failing else _constant(np.int8(0), n, p)  # DONE
    blocked = np.zeros((n, p), dtype=bool, order="F") if failing else None  # an ancestor aborted
    zero = np.zeros(n)
    general = g.general
    plain = g.plain if not failing else ()  # with failures every phase checks for aborted ancestors
    for i in g.order:
        d = durations_s[:, i]
        if plain and plain[i]:  # the loop below for such a phase, without its branches and copies
            _plain(g, i, d, ready, start if windowed else None, end, driver[:, i])
            continue
        preds = g.preds[i]
        dead = None
        if general[i]:
            best, who, d = _general_ready(g, i, d, start, end, zero)
            if blocked is not None:
                dead = np.zeros(n, dtype=bool)
                for j, kind in zip(preds, g.links[i], strict=True):
                    dead |= blocked[:, j]
                    if kind not in FROM_START:  # an abort releases no finish-linked successor
                        dead |= status[:, j] == ABORTED
                blocked[:, i] = dead
                if not dead.any():
                    dead = None
        elif preds:
            j0 = preds[0]
            best, who = ready[:, i], driver[:, i]  # written in place
            latest_predecessor(g, i, lambda j: end[:, j], best, who)
            if blocked is not None:
                dead = blocked[:, j0] | (status[:, j0] == ABORTED)
                for j in preds[1:]:
                    dead |= blocked[:, j] | (status[:, j] == ABORTED)
                blocked[:, i] = dead
                if not dead.any():
                    dead = None
        else:
            best = zero
            who = driver[:, i]
            who.fill(-1)
        t = best
        w = g.window[i]
        if w >= 0:
            live = ~dead if dead is not None else slice(None)
            t = best.copy()
            t[live] = model.windows[w].next_start_many(best[live], d[live], g.must_fit[i])
            if np.isinf(t).any():
                k = int(np.flatnonzero(np.isinf(t))[0])
                raise WindowNeverOpens(g.ids[i], g.window_names[w], float(best[k]), model.windows[w].horizon_s)
            np.copyto(who, np.int32(WINDOW_DRIVER), where=t > best)
            wait_w[:, i] = t - best
        total = d
        retried = None  # rows whose retries wait for the window again
        spec = g.failure[i] if failing else None
        if spec is not None:
            assert fails is not None
            f = fails[:, i]
            failed = f > 0
            if spec.mode == RETRY:
                att = np.minimum(f + 1, spec.max_attempts)
                total = np.where(failed, att * d + (att - 1) * spec.delay_s, d)
                attempts[:, i] = att
                status[failed & (f >= spec.max_attempts), i] = ABORTED
                if w >= 0:
                    retried = np.flatnonzero((att > 1) & ~dead) if dead is not None else np.flatnonzero(att > 1)
            elif spec.mode == HOLD:
                total = np.where(failed, d + spec.delay_s, d)
            elif spec.mode == ABORT:
                status[failed, i] = ABORTED
            elif spec.mode == SKIP:
                status[failed, i] = SKIPPED
            lost[:, i] = total - d
        ready[:, i] = best
        if windowed:
            start[:, i] = t
        np.add(t, total, out=end[:, i])
        if retried is not None and retried.size:
            assert spec is not None
            _retry_in_window(model, i, retried, t, d, spec.delay_s, attempts[:, i], end, lost)
        if general[i]:  # elsewhere ``who`` is the column itself
            driver[:, i] = who
        if dead is not None:
            for arr in (ready, start, end) if windowed else (ready, end):  # start is ready when unwindowed
                arr[dead, i] = np.nan
            if windowed:  # else a constant 0
                wait_w[dead, i] = 0.0
            lost[dead, i] = 0.0
            attempts[dead, i] = 0
            status[dead, i] = NOT_RUN
            driver[dead, i] = -1
    return RunArrays(
        ready_s=ready,
        start_s=start,
        end_s=end,
        driver=driver,
        wait_window_s=wait_w,
        wait_resource_s=_constant(0.0, n, p),
        failure_s=lost,
        attempts=attempts,
        status=status,
    )


def _plain(
    g: PhaseGraph, i: int, d: np.ndarray, ready: np.ndarray, start: np.ndarray | None, end: np.ndarray, who: np.ndarray
) -> None:
    """A plain phase (``PhaseGraph.plain``): the general loop's floats, in its order, written in place."""
    best = ready[:, i]
    latest_predecessor(g, i, lambda j: end[:, j], best, who)
    if start is not None:
        start[:, i] = best
    np.add(best, d, out=end[:, i])


def latest_predecessor(
    g: PhaseGraph, i: int, end_of: Callable[[int], np.ndarray], best: np.ndarray, who: np.ndarray | None
) -> None:
    """``best = max(pred end + lag)`` over phase ``i``'s finish-to-start predecessors (``end_of(j)``:
    predecessor ``j``'s end column) and ``who`` the predecessor that set it (ties: the first in
    ``after`` order), both written in place; ``who`` may be None for a phase with one predecessor.
    Also the streamed path's (``sim.engine.stream``): the same floats in the same order."""
    preds, lags = g.preds[i], g.lags_s[i]
    np.add(end_of(preds[0]), lags[0], out=best)
    if who is None:
        assert len(preds) == 1, "who is needed to record which of several predecessors set best"
        return
    who.fill(preds[0])
    for j, lag in zip(preds[1:], lags[1:], strict=True):
        t = end_of(j) + lag
        later = t > best
        np.maximum(best, t, out=best)  # == where(t > best, t, best): no NaN before an abort is handled
        np.putmask(who, later, j)  # == copyto(who, j, where=later), about half its call overhead


def _general_ready(
    g: PhaseGraph, i: int, d: np.ndarray, start: np.ndarray, end: np.ndarray, zero: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ready times, drivers and durations of a phase with SS/FF/SF links, an ``until`` or a
    ``not_before``: ``general_ready`` of ``sim.engine.des.runner``, same floats, same order."""
    n = d.shape[0]
    best = zero
    who = np.full(n, -1, dtype=np.int32)
    event = None
    by = -1
    first = True
    for j, lag, kind in zip(g.preds[i], g.lags_s[i], g.links[i], strict=True):
        ref = start[:, j] if kind in FROM_START else end[:, j]
        if kind >= UNTIL_END:
            event, by = ref + lag, j
            continue
        t = ref + lag
        if kind in ON_FINISH:
            t = t - d
        if first:
            best, who, first = t, np.full(n, j, dtype=np.int32), False
        else:
            later = t > best
            best = np.where(later, t, best)
            who = np.where(later, np.int32(j), who)
    nb = g.not_before_s[i]
    if nb != float("-inf"):
        held = nb > best
        best = np.where(held, nb, best)
        who = np.where(held, np.int32(DATE_DRIVER), who)
    if event is not None:
        waits = event > best
        d = np.where(waits, event - best, 0.0)
        who = np.where(waits, np.int32(by), who)
    return best, who, d


def _constant(value: float | np.generic, n: int, p: int) -> np.ndarray:
    """An ``(n, p)`` read-only array of one value, without memory per element."""
    return np.broadcast_to(np.asarray(value), (n, p))


def _retry_in_window(
    model: Model,
    i: int,
    rows: np.ndarray,
    t: np.ndarray,
    d: np.ndarray,
    delay_s: float,
    attempts: np.ndarray,
    end: np.ndarray,
    lost: np.ndarray,
) -> None:
    """``sim.engine.des.retry_end`` over ``rows``: each retry of windowed phase ``i`` waits for the
    next suitable opening; writes the phase's end and lost time for those rows."""
    g = model.graph
    w = g.window[i]
    table = model.windows[w]
    first = t[rows]
    s = first.copy()
    dd = d[rows]
    att = attempts[rows]
    for k in range(1, int(att.max())):
        more = att > k
        s[more] = table.next_start_many(s[more] + dd[more] + delay_s, dd[more], g.must_fit[i])
    e = s + dd
    if np.isinf(e).any():
        k = int(np.flatnonzero(np.isinf(e))[0])
        raise WindowNeverOpens(g.ids[i], g.window_names[w], float(first[k]), table.horizon_s)
    end[rows, i] = e
    lost[rows, i] = (e - first) - dd
