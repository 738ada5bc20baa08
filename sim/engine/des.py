"""The SimPy engine: plays a scenario's phases on a SimPy event loop and returns a ``Timeline``.

A phase becomes ready when all its predecessors have ended (plus their lags; hand-off is
end-exclusive, so a phase may start the instant its predecessor ends). Then, in this order, it
waits for its window to open (with ``must_fit``, for an opening long enough to hold it), requests
its shared resources (in a fixed order so that no two phases deadlock), runs
for its duration, and on a drawn failure retries, holds, aborts the mission or is skipped. Every
wait is recorded with its cause. One ``Environment`` per run; no module state; no I/O.

Design choice (docs/design.md, "Engine"): a phase is a small event-driven state machine on the
SimPy event loop, not a generator process: its end is a ``Timeout`` whose callback counts down
its successors' unfinished predecessors and starts each successor whose count reaches zero.
This is SimPy without the per-process lifecycle and ``AllOf`` costs (see
``benchmarks/RESULTS.md``), with the same semantics. Times are computed as exact float
arithmetic (``start = max(pred end + lag)``, window openings, ``end = start + run time``) and the
loop is advanced to those values, so the vectorized fast path (``sim.engine.vector``) reproduces
every time bit for bit on the same draws.

The graph is compiled once per block into a runner (``runner``): closures over preallocated
per-phase lists that each replication resets, then plays on its own ``Environment``. A phase
released by its only predecessor is started inside that predecessor's end callback, and
``run_block`` keeps, per replication, only the entries that can vary (``start_s`` only where a
window or resource may delay the start, waits only where their cause exists). For a block the
opening cascade, which the graph alone decides, is straight-line code (``sim.engine.cascade``).

Shared resources are kept by the runner as ``simpy.Resource`` keeps them (free slots, a FIFO
queue; a grant reaches a waiter, and a release reaches the queue, by a zero-delay event where
SimPy's ``Request`` and ``Release`` events would), without those event objects and without a
``Resource`` per replication; same times, same order of events.

Length (~670 lines): the compiled runner is one set of closures over shared per-phase lists
(that is what makes it fast); splitting it across modules would mean passing that state around.
The vectorized path, the draws, the plan and the Monte Carlo driver are separate modules.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from sim.engine.cascade import Next, compile_cascade
from sim.engine.cpm import Floats, late_dates
from sim.engine.model import (
    ABORT,
    FROM_START,
    HOLD,
    ON_FINISH,
    RETRY,
    SKIP,
    UNTIL_END,
    Model,
    PhaseGraph,
    run_lazily,
)
from sim.results.records import PhaseRecord, Timeline
from sim.scenario.model import Scenario
from sim.sky.intervals import WindowNeverOpens, WindowTable
from sim.timebase import from_utc

if TYPE_CHECKING:
    import simpy

DONE, SKIPPED, ABORTED, NOT_RUN = 0, 1, 2, 3
STATUS = ("done", "skipped", "aborted", "not_run")
WINDOW_DRIVER = -2  # driver of a phase released by its window opening (criticality stops there)
DATE_DRIVER = -3  # driver of a phase held to its ``not_before`` date (criticality stops there too)


@dataclass(frozen=True)
class RunArrays:
    """Per-phase results of one run (shape ``(P,)``) or of N runs (``(N, P)``), seconds since T0.

    ``driver`` is what released each phase: the index of the predecessor whose end (plus lag)
    set its ready time, or of the phase whose release of a resource let it start; -1 for a root
    released by the epoch, ``WINDOW_DRIVER`` (-2) for a phase released by its window. Phases that
    did not run have NaN times and status ``NOT_RUN``.
    """

    ready_s: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray
    driver: np.ndarray
    wait_window_s: np.ndarray
    wait_resource_s: np.ndarray
    failure_s: np.ndarray
    attempts: np.ndarray
    status: np.ndarray


def run_time(graph: PhaseGraph, i: int, d: float, fails: int) -> tuple[float, int, int]:
    """Run time, attempts and status of phase ``i`` with duration ``d`` and ``fails`` drawn failures."""
    spec = graph.failure[i]
    if spec is None or fails <= 0:
        return d, 1, DONE
    if spec.mode == RETRY:
        attempts = min(fails + 1, spec.max_attempts)
        total = attempts * d + (attempts - 1) * spec.delay_s
        return total, attempts, ABORTED if fails >= spec.max_attempts else DONE
    if spec.mode == HOLD:
        return d + spec.delay_s, 1, DONE
    if spec.mode == ABORT:
        return d, 1, ABORTED
    assert spec.mode == SKIP
    return d, 1, SKIPPED


def retry_end(table: WindowTable, t: float, d: float, delay: float, attempts: int, must_fit: bool) -> float:
    """End of a windowed phase's last attempt, the first starting at ``t``: attempt ``k + 1`` is
    ready ``delay`` after attempt ``k`` ends and starts at the window's next suitable opening
    (inf when none is left). The fast path computes the same floats (``sim.engine.vector``)."""
    s = t
    for _ in range(attempts - 1):
        s = table.next_start(s + d + delay, d, must_fit)
    return s + d


def as_model(model: Model | PhaseGraph) -> Model:
    """A ``Model``; a bare ``PhaseGraph`` becomes a model without window tables."""
    return model if isinstance(model, Model) else Model(graph=model, windows=())


FIELDS = (
    "ready_s",
    "start_s",
    "end_s",
    "driver",
    "wait_window_s",
    "wait_resource_s",
    "failure_s",
    "attempts",
    "status",
)
_DTYPES = {"driver": np.int32, "attempts": np.int16, "status": np.int8}
_TYPECODES = {"driver": "i", "attempts": "h", "status": "b"}  # array.array codes of _DTYPES


COMPILE_FROM = 64  # replications from which run_block compiles the opening cascade
Runner = Callable[[list[float], "list[int] | None"], tuple[list[Any], ...]]


def _nexts(g: PhaseGraph, simple: Sequence[bool]) -> tuple[tuple[Next, ...], ...]:
    """Per phase, its successors linked to its end, in order: ``(k, lag, simple[k])`` where the
    phase is ``k``'s only predecessor by a plain FS link (the phase's end releases ``k``
    directly), ``(k, None, False)`` for a join or any other link (``begin`` handles those)."""
    out = []
    for i in range(g.size):
        row: list[Next] = []
        for k in g.end_succs[i]:
            if g.indegree[k] == 1 and not g.general[k]:
                row.append((k, g.lags_s[k][0], simple[k]))
            else:
                row.append((k, None, False))
        out.append(tuple(row))
    return tuple(out)


def runner(model: Model, compiled: bool = False) -> Runner:
    """A function that plays one replication on a fresh SimPy ``Environment``.

    It returns per-field Python lists in FIELDS order. The lists belong to the runner and are
    overwritten by its next call: copy them first. The graph is read once, here; per call only
    the state is reset, so the hot loop touches plain lists and closures, no numpy and no model
    objects. A phase without a window, resource, failure spec or start-linked successor is
    "simple": its end is settled (arithmetically, no event) as soon as it is ready, and its
    successors released in the same pass (``release``); a phase released by its only
    predecessor is started in that predecessor's end callback.

    ``compiled`` (``run_block``): the opening cascade runs as compiled code, and without failure
    specs the start of a simple phase (its ready time) is left unwritten, as ``run_block``
    records starts only where a window or resource may delay them.
    """
    g = model.graph
    tables = model.windows
    n = g.size
    plist = g.pred_lags
    window, must_fit, uses, failure = g.window, g.must_fit, g.resources, g.failure
    general = g.general
    glinks = tuple(tuple(zip(g.preds[i], g.lags_s[i], g.links[i], strict=True)) for i in range(n))
    not_before = g.not_before_s
    start_succs = g.start_succs
    # a phase whose start releases successors goes through ``run``, which releases them
    simple = tuple(window[i] < 0 and not uses[i] and failure[i] is None and not start_succs[i] for i in range(n))
    nexts = _nexts(g, simple)
    evented = not all(simple)  # else every phase is settled arithmetically: no event, no Environment
    holds = tuple(bool(u) for u in uses)
    # A resource held by no more phases than its capacity never makes anyone wait: its requests
    # and releases change nothing, so only the others ("contended") are tracked.
    holders = [sum(r in u for u in uses) for r in range(len(g.capacities))]
    contended = [holders[r] > c for r, c in enumerate(g.capacities)]
    cuses = tuple(tuple(r for r in u if contended[r]) for u in uses)
    capacities = [c if contended[r] else 0 for r, c in enumerate(g.capacities)]
    tracked = [r for r in range(len(capacities)) if contended[r]]
    can_fail = any(f is not None for f in failure)
    indegree = list(g.indegree)
    roots = g.roots
    inf = float("inf")
    remaining = indegree.copy()
    nans = [float("nan")] * n
    ready, start, end = nans.copy(), nans.copy(), nans.copy()
    driver = [-1] * n
    wait_w, wait_r, lost = [0.0] * n, [0.0] * n, [0.0] * n
    attempts = [1] * n
    status = [DONE] * n
    # resources, as SimPy's ``Resource`` keeps them: free slots and a FIFO queue of phases
    free = capacities.copy()
    queues: list[deque[int]] = [deque() for _ in capacities]
    pending = [0] * n  # per phase waiting for resources: its requests not yet granted
    asked = [0.0] * n  # ... the time it asked
    queued_on: list[tuple[int, ...]] = [() for _ in range(n)]  # ... the resources it queues for
    last_release = [-1] * len(capacities)
    out = (ready, start, end, driver, wait_w, wait_r, lost, attempts, status)
    # Without failure specs every phase runs and overwrites its times, driver and waits (a window
    # or resource wait is set, not added to, on the phase's first arrival). With them, a failure
    # sets attempts, status and lost time that the next replication may not overwrite, and after
    # an abort the phases that never ran must go back to their defaults: reset everything.
    # compiled: the opening cascade as straight-line code (``sim.engine.cascade``), worth its
    # compile time over many replications; it leaves ``remaining`` as ``left``. ``run_block``
    # records a start only where a window or resource may delay it, and without failures no
    # start is read to find the phases an abort left unrun: the simple phases' starts are not kept
    opening = None
    if compiled:
        key = ("des.cascade", can_fail)
        if key not in g.memo:  # once per graph, not per block (3,000 phases: ~0.1 s)
            g.memo[key] = compile_cascade(g, simple, nexts, starts=can_fail)
        opening = cast("tuple[Callable[..., None], list[int]] | None", g.memo[key])
    cascade, left = opening if opening is not None else (None, indegree)
    resets: list[tuple[list[Any], list[Any]]] = [(remaining, left)]
    if can_fail:
        resets += [(x, nans) for x in (ready, start, end)]
        resets += [(driver, [-1] * n), (lost, [0.0] * n), (attempts, [1] * n), (status, [DONE] * n)]
        resets += [(wait_w, [0.0] * n), (wait_r, [0.0] * n)]
    # rebound by every call (one replication): its Environment, resources and draws
    if evented:  # simpy is imported only by runs that have events (sim.engine.loop)
        from sim.engine.loop import At, Loop
    env: Any = Loop() if evented else None
    dur: list[float] = []
    nfail: list[int] | None = None

    def begin(i: int) -> bool:  # a root, or a phase whose last predecessor just ended
        """Ready phase ``i``; True when it is simple and its end is settled (the caller releases
        its successors), False when it waits for a window, a resource or its failure draw."""
        if general[i]:
            best, who = general_ready(i)
        else:
            best, who = 0.0, -1
            for j, lag in plist[i]:
                t = end[j] + lag
                if who < 0 or t > best:  # ties: the first in ``after`` order
                    best, who = t, j
        ready[i] = best
        driver[i] = who
        if simple[i]:
            start[i] = best
            end[i] = best + dur[i]
            return True
        gate(i, best)
        return False

    def general_ready(i: int) -> tuple[float, int]:
        """Ready time and driver of a phase with SS/FF/SF links, an ``until`` or a ``not_before``
        (``sim.engine.vector`` computes the same floats in the same order). For an ``until``
        wait this also sets its duration: from its ready time to the event, never negative."""
        best, who = 0.0, -1
        event, by = -inf, -1
        for j, lag, kind in glinks[i]:
            ref = start[j] if kind in FROM_START else end[j]
            if kind >= UNTIL_END:
                event, by = ref + lag, j
                continue
            t = ref + lag
            if kind in ON_FINISH:
                t -= dur[i]
            if who < 0 or t > best:
                best, who = t, j
        if not_before[i] > best:
            best, who = not_before[i], DATE_DRIVER
        if by >= 0:
            if event > best:
                dur[i], who = event - best, by  # the event sets the wait's end
            else:
                dur[i] = 0.0
        return best, who

    def gate(i: int, best: float) -> None:  # a ready phase with a window, resources or a failure spec
        t = best
        w = window[i]
        if w >= 0:
            t = tables[w].next_start(best, dur[i], must_fit[i])
            if t == inf:
                raise WindowNeverOpens(g.ids[i], g.window_names[w], best, tables[w].horizon_s)
            wait_w[i] = t - best
            if t > best:
                driver[i] = WINDOW_DRIVER
        if holds[i]:
            wait_r[i] = 0.0
            if t > env._now:
                At(env, t - env._now, (i, t), acquire)
            else:
                acquire_at(i, t)
            return
        run(i, t)

    def acquire(ev: simpy.Timeout) -> None:
        i, t = ev._value
        acquire_at(i, t)

    def acquire_at(i: int, t: float) -> None:
        """Request phase ``i``'s contended resources at ``t`` (now), in a fixed order; run it
        once all are granted."""
        rs = cuses[i]
        waits: tuple[int, ...] = ()
        for r in rs:
            if not request(r, i):
                waits += (r,)
        if not waits:
            run(i, t)
            return
        pending[i] = len(waits)
        asked[i] = t
        queued_on[i] = waits

    def request(r: int, i: int) -> bool:
        """``simpy.Resource.request``: queue ``i``, then grant the queue's head if a slot is
        free (SimPy's ``_trigger_put`` looks at the head only). True when ``i`` itself got the
        slot at once; a waiter granted here hears of it by a zero-delay event, as SimPy's
        ``Request`` event would reach it."""
        q = queues[r]
        q.append(i)
        if free[r] > 0:
            head = q.popleft()
            free[r] -= 1
            if head == i:
                return True
            At(env, 0.0, head, granted)
        return False

    def give_back(r: int) -> None:
        """``simpy.Resource.release``: the slot is free at once, and the queue's head is granted
        when the release event is processed (a zero-delay event, as in SimPy)."""
        free[r] += 1
        At(env, 0.0, r, released)

    def released(ev: simpy.Event) -> None:
        r: int = ev._value
        q = queues[r]
        if q and free[r] > 0:
            head = q.popleft()
            free[r] -= 1
            At(env, 0.0, head, granted)

    def granted(ev: simpy.Event) -> None:
        i: int = ev._value
        pending[i] -= 1
        if pending[i] > 0:
            return
        now = env._now
        t = asked[i]
        wait_r[i] += now - t
        w = window[i]
        if w >= 0:
            again = tables[w].next_start(now, dur[i], must_fit[i])
            if again > now:  # the window closed while the phase queued: give back, wait, ask again
                for r in cuses[i]:
                    give_back(r)
                if again == inf:
                    raise WindowNeverOpens(g.ids[i], g.window_names[w], now, tables[w].horizon_s)
                wait_w[i] += again - now
                driver[i] = WINDOW_DRIVER
                At(env, again - now, (i, again), acquire)
                return
        waited = queued_on[i]
        if len(waited) == 1:
            driver[i] = last_release[waited[0]]
        else:  # the holder whose release came last
            driver[i] = max((last_release[r] for r in waited), key=lambda k: end[k] if k >= 0 else -1.0)
        run(i, now)

    def run(i: int, t: float) -> None:
        start[i] = t
        for k in start_succs[i]:  # SS, SF and until-start successors count down at this start
            remaining[k] -= 1
            if remaining[k] == 0 and begin(k):
                release(k)
        d = dur[i]
        spec = failure[i]
        if spec is None or not nfail or nfail[i] <= 0:
            end[i] = e = t + d
        else:
            total, attempts[i], status[i] = run_time(g, i, d, nfail[i])
            w = window[i]
            if w >= 0 and attempts[i] > 1:  # each retry waits for a suitable opening too
                e = retry_end(tables[w], t, d, spec.delay_s, attempts[i], must_fit[i])
                if e == inf:
                    raise WindowNeverOpens(g.ids[i], g.window_names[w], t, tables[w].horizon_s)
                lost[i] = (e - t) - d
                end[i] = e
            else:
                lost[i] = total - d
                end[i] = e = t + total
        delay = e - env._now
        At(env, delay if delay > 0.0 else 0.0, i, finish)

    def finish(ev: simpy.Timeout) -> None:
        i: int = ev._value
        for r in cuses[i]:
            give_back(r)
            last_release[r] = i
        if status[i] == ABORTED:
            return
        release(i)

    def release(first: int) -> None:
        """Release the successors of ``first``, which just ended. A simple successor (no window,
        resource, failure spec or start-linked successor) cannot be delayed by anything but its
        predecessors, so its times are settled here, arithmetically, and its own successors
        released in turn: a run of simple phases costs no events. A phase that can wait
        (window, resource) is handed to ``gate``, which schedules it at its computed ready time."""
        stack = [first]
        while stack:
            i = stack.pop()
            e_i = end[i]
            for k, lag, fast in nexts[i]:
                if lag is None:  # a join or a general link: starts when its last predecessor ends
                    remaining[k] -= 1
                    if remaining[k] == 0 and begin(k):
                        stack.append(k)
                    continue
                ready[k] = best = e_i + lag
                driver[k] = i
                if fast:
                    start[k] = best
                    end[k] = best + dur[k]
                    stack.append(k)
                else:
                    gate(k, best)

    def replicate(row: list[float], fails: list[int] | None) -> tuple[list[Any], ...]:
        nonlocal env, dur, nfail
        dur, nfail = row, fails
        for state, initial in resets:
            state[:] = initial
        if evented:
            env = Loop()
            for r in tracked:  # an aborted or failed run may leave them otherwise
                free[r] = capacities[r]
                queues[r].clear()
        if cascade is not None:
            cascade(dur, ready, start, end, driver, begin, gate)
        else:
            for i in roots:
                if begin(i):
                    release(i)
        if evented:
            env.run()
        if can_fail and ABORTED in status:  # phases after the abort never started
            for i in range(n):
                if start[i] != start[i]:  # NaN: not run
                    attempts[i] = 0
                    status[i] = NOT_RUN
        return out

    return replicate


def run_once(model: Model | PhaseGraph, durations_s: Sequence[float], fails: Sequence[int] | None = None) -> RunArrays:
    """One replication on a fresh SimPy ``Environment``; arrays in file order.

    Raises:
        WindowNeverOpens: a phase's window has no suitable opening within the horizon.
    """
    m = as_model(model)
    lists = runner(m)(list(durations_s), None if fails is None else list(fails))
    return RunArrays(**{f: np.array(v, dtype=_DTYPES.get(f, float)) for f, v in zip(FIELDS, lists, strict=True)})


def _columns(g: PhaseGraph, failing: bool) -> dict[str, tuple[int, ...]]:
    """Per field, the phases whose value can differ from the field's default in some replication.

    Times and drivers vary everywhere; ``start_s`` only where a window or a resource may delay
    the start (elsewhere it is ``ready_s``); waits only where their cause exists; failure fields
    only with failure draws (attempts and status also mark the phases an abort left unrun).
    """
    n = g.size
    every = tuple(range(n))
    waits_w = tuple(i for i in every if g.window[i] >= 0)
    waits_r = tuple(i for i in every if g.resources[i])
    return {
        "ready_s": every,
        "start_s": tuple(sorted(set(waits_w) | set(waits_r))),
        "end_s": every,
        "driver": every,
        "wait_window_s": waits_w,
        "wait_resource_s": waits_r,
        "failure_s": g.failing if failing else (),
        "attempts": every if failing else (),
        "status": every if failing else (),
    }


def _recorder(buf: array[Any], cols: tuple[int, ...], n: int) -> Callable[[list[Any]], None]:
    """Appends the ``cols`` entries of a replication's list to ``buf``."""
    if len(cols) == n:
        return buf.fromlist  # twice as fast as extend for a list
    if len(cols) == 1:
        (c,) = cols
        return lambda values: buf.append(values[c])
    take = itemgetter(*cols)
    return lambda values: buf.extend(take(values))


def run_block(model: Model | PhaseGraph, durations_s: np.ndarray, fails: np.ndarray | None = None) -> RunArrays:
    """Many replications, one Environment each; ``durations_s`` (and ``fails``) are ``(N, P)``.

    Per replication, only the entries that can differ from their defaults are appended to flat
    typed buffers (``array.array``: compact, and invisible to the cyclic garbage collector); the
    block's arrays are built from them at the end.
    """
    model = as_model(model)
    g = model.graph
    shape = durations_s.shape
    rows = durations_s.tolist()
    frows = fails.tolist() if fails is not None else [None] * len(rows)
    columns = _columns(g, fails is not None and bool(g.failing))
    recorded = [(k, f, columns[f], array(_TYPECODES.get(f, "d"))) for k, f in enumerate(FIELDS) if columns[f]]
    recorders = [(k, _recorder(buf, cols, g.size)) for k, _, cols, buf in recorded]
    replicate = runner(model, compiled=shape[0] >= COMPILE_FROM)
    for row, f in zip(rows, frows, strict=True):
        lists = replicate(row, f)
        for k, record in recorders:
            record(lists[k])
    out: dict[str, np.ndarray] = {}
    for _, f, cols, buf in recorded:
        values = np.frombuffer(buf, dtype=_DTYPES.get(f, float)).reshape(shape[0], len(cols))
        if len(cols) == g.size:
            out[f] = values
        else:
            out[f] = out["ready_s"].copy() if f == "start_s" else np.zeros(shape, dtype=_DTYPES.get(f, float))
            out[f][:, cols] = values
    for f in FIELDS:
        if f == "start_s" and f not in out:
            out[f] = out["ready_s"]  # no window, no resource: every phase starts when ready
        elif f not in out:
            out[f] = np.full(shape, 1 if f == "attempts" else 0, dtype=_DTYPES.get(f, float))
    return RunArrays(**out)


def timeline_from(
    scenario: Scenario,
    arrays: RunArrays,
    floats: Floats | None = None,
    physics: Sequence[dict[str, Any] | None] | None = None,
) -> Timeline:
    """A ``Timeline`` from the arrays of one run (with its CPM late dates and floats, if given;
    ``physics``: per phase, what its duration source derived)."""
    records = []
    for i, p in enumerate(scenario.phases):
        cpm = (
            {}
            if floats is None
            else {
                "late_start_s": float(floats.late_start_s[i]),
                "late_finish_s": float(floats.late_finish_s[i]),
                "total_float_s": float(floats.total_float_s[i]),
                "free_float_s": float(floats.free_float_s[i]),
            }
        )
        ran = bool(np.isfinite(arrays.end_s[i]))
        causes = [c for c, w in (("window", arrays.wait_window_s[i]), ("resource", arrays.wait_resource_s[i])) if w > 0]
        records.append(
            PhaseRecord(
                id=p.id,
                name=p.label,
                kind=p.kind,
                element=p.element,
                ready_s=float(arrays.ready_s[i]),
                start_s=float(arrays.start_s[i]),
                end_s=float(arrays.end_s[i]),
                wait_cause="+".join(causes) or None,
                attempts=int(arrays.attempts[i]) if ran else 0,
                # a phase without an end never started (after an abort): reported as not_run
                outcome=STATUS[int(arrays.status[i])] if ran else "not_run",
                wait_window_s=float(arrays.wait_window_s[i]),
                wait_resource_s=float(arrays.wait_resource_s[i]),
                failure_s=float(arrays.failure_s[i]),
                family=scenario.kinds.get(p.kind),
                deadline_s=None if p.deadline is None else from_utc(scenario.epoch, p.deadline),
                **cpm,
                physics=physics[i] if physics else None,
            )
        )
    aborted = bool((arrays.status == ABORTED).any())
    return Timeline(
        scenario_id=scenario.id,
        name=scenario.name,
        epoch=scenario.epoch,
        phases=tuple(records),
        outcome="aborted" if aborted else "success",
        elements=tuple(scenario.element_ids),
    )


def simulate(
    scenario: Scenario,
    durations_s: Sequence[float] | np.ndarray | None = None,
    *,
    fails: Sequence[int] | None = None,
    model: Model | None = None,
) -> Timeline:
    """Run a scenario once.

    Args:
        scenario: a validated scenario.
        durations_s: one duration per phase in file order, seconds; the nominal durations
            when omitted.
        fails: failures drawn per phase (0 = none); no failures when omitted (a nominal run).
        model: the compiled model, if the caller already has it; without it the window tables
            are computed only as far as the run needs them (``run_lazily``: same result).

    Returns:
        The run's ``Timeline``.

    Raises:
        WindowNeverOpens: a phase's window has no suitable opening within the horizon.
    """
    if model is None:
        return run_lazily(scenario, lambda m: simulate(scenario, durations_s, fails=fails, model=m))
    m = model
    g = m.graph
    d = g.nominal_s if durations_s is None else np.asarray(durations_s, dtype=float)
    if d.shape != (g.size,):
        raise ValueError(f"expected {g.size} durations, got shape {d.shape}")
    if (d < 0).any():
        raise ValueError("durations must be >= 0")
    arrays = run_once(m, d.tolist(), fails)
    floats = None
    if not (arrays.status == ABORTED).any():  # the backward pass needs every phase's times
        floats = late_dates(m, arrays.start_s, arrays.end_s)
    physics = m.durations.nominal()[1] if durations_s is None and m.durations is not None else None
    return timeline_from(scenario, arrays, floats, physics)
