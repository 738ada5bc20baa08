"""The SimPy engine: plays a scenario's phases on a SimPy event loop and returns a ``Timeline``.

A phase becomes ready when all its predecessors have ended (plus their lags; hand-off is
end-exclusive, so a phase may start the instant its predecessor ends). Then, in this order, it
waits for its window to open (with ``must_fit``, for an opening long enough to hold it), requests
its shared resources (``simpy.Resource``, in a fixed order so that no two phases deadlock), runs
for its duration, and on a drawn failure retries, holds, aborts the mission or is skipped. Every
wait is recorded with its cause. One ``Environment`` per run; no module state; no I/O.

Design choice (docs/design.md, "Engine"): a phase is a small event-driven state machine on the
SimPy event loop, not a generator process: its end is a ``Timeout`` whose callback counts down
its successors' unfinished predecessors and starts each successor whose count reaches zero.
This is SimPy without the per-process lifecycle and ``AllOf`` costs (about 5x faster, see
``benchmarks/RESULTS.md``), with the same semantics. Times are computed as exact float
arithmetic (``start = max(pred end + lag)``, window openings, ``end = start + run time``) and the
loop is advanced to those values, so the vectorized fast path (``sim.fastpath``) reproduces
every time bit for bit on the same draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from sim.graph import ABORT, HOLD, RETRY, SKIP, Model, PhaseGraph, build_model
from sim.results import PhaseRecord, Timeline
from sim.scenario import Scenario
from sim.windows import WindowNeverOpens

DONE, SKIPPED, ABORTED, NOT_RUN = 0, 1, 2, 3
STATUS = ("done", "skipped", "aborted", "not_run")
WINDOW_DRIVER = -2  # driver of a phase released by its window opening (criticality stops there)


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
    spec = graph.failure[i] if graph.failure else None
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


def _replicate(model: Model, dur: list[float], nfail: list[int] | None) -> tuple[list[Any], ...]:
    """One replication on a fresh SimPy ``Environment``; per-field Python lists in FIELDS order.

    The hot loop of the SimPy engine: plain lists and closures, no numpy and no model objects.
    """
    g = model.graph
    tables = model.windows
    n = g.size
    plist, succs = g.pred_lags, g.succs
    window = g.window or (-1,) * n
    must_fit = g.must_fit or (False,) * n
    uses = g.resources or ((),) * n
    failure = g.failure or (None,) * n
    nan = float("nan")
    remaining = [len(p) for p in g.preds]
    ready = [nan] * n
    start = [nan] * n
    end = [nan] * n
    driver = [-1] * n
    wait_w = [0.0] * n
    wait_r = [0.0] * n
    lost = [0.0] * n
    attempts = [1] * n  # phases that never ran are marked after the run
    status = [DONE] * n
    env = simpy.Environment()
    timeout = env.timeout
    resources = [simpy.Resource(env, capacity=c) for c in g.capacities]
    held: list[list[Any]] = [[] for _ in range(n)] if resources else []
    last_release = [-1] * len(resources)

    def begin(i: int) -> None:
        best, who = 0.0, -1
        for j, lag in plist[i]:
            t = end[j] + lag
            if who < 0 or t > best:
                best, who = t, j
        ready[i] = t = best
        w = window[i]
        if w >= 0:
            t = tables[w].next_start(best, dur[i], must_fit[i])
            if t == float("inf"):
                raise WindowNeverOpens(g.ids[i], g.window_names[w], best, tables[w].horizon_s)
            if t > best:
                who = WINDOW_DRIVER
                wait_w[i] = t - best
        driver[i] = who
        if resources and uses[i]:
            if t > env._now:
                timeout(t - env._now, (i, t)).callbacks.append(acquire)
            else:
                acquire_at(i, t)
            return
        run(i, t)

    def acquire(ev: simpy.Timeout) -> None:
        i, t = ev._value
        acquire_at(i, t)

    def acquire_at(i: int, t: float) -> None:
        requests = [resources[r].request() for r in uses[i]]
        held[i] = requests
        queued = [q for q in requests if not q.triggered]
        if not queued:
            run(i, t)
            return
        pending = [len(queued)]

        def granted(_: simpy.Event) -> None:
            pending[0] -= 1
            if pending[0] > 0:
                return
            now = env.now
            wait_r[i] += now - t
            w = window[i]
            if w >= 0:
                again = tables[w].next_start(now, dur[i], must_fit[i])
                if again > now:  # the window closed while the phase queued: give back, wait, ask again
                    for r, q in zip(uses[i], requests, strict=True):
                        resources[r].release(q)
                    if again == float("inf"):
                        raise WindowNeverOpens(g.ids[i], g.window_names[w], now, tables[w].horizon_s)
                    wait_w[i] += again - now
                    driver[i] = WINDOW_DRIVER
                    timeout(again - now, (i, again)).callbacks.append(acquire)
                    return
            blockers = [last_release[r] for r, q in zip(uses[i], requests, strict=True) if q in queued]
            driver[i] = max(blockers, key=lambda k: end[k] if k >= 0 else -1.0)
            run(i, now)

        for q in queued:
            q.callbacks.append(granted)

    def run(i: int, t: float) -> None:
        start[i] = t
        d = dur[i]
        if failure[i] is None or not nfail or nfail[i] <= 0:
            end[i] = e = t + d
        else:
            total, attempts[i], status[i] = run_time(g, i, d, nfail[i])
            lost[i] = total - d
            end[i] = e = t + total
        delay = e - env._now
        # never negative: the clock may have drifted an ulp past a computed end
        timeout(delay if delay > 0.0 else 0.0, i).callbacks.append(finish)

    def finish(ev: simpy.Timeout) -> None:
        i: int = ev._value
        if held and held[i]:
            for r, q in zip(uses[i], held[i], strict=True):
                resources[r].release(q)
                last_release[r] = i
        if status[i] == ABORTED:
            return
        for k in succs[i]:
            remaining[k] -= 1
            if remaining[k] == 0:
                begin(k)

    for i in g.roots:
        begin(i)
    env.run()
    if any(r > 0 for r in remaining):  # an abort left phases that never started
        for i in range(n):
            if start[i] != start[i]:  # NaN: not run
                attempts[i] = 0
                status[i] = NOT_RUN
    return ready, start, end, driver, wait_w, wait_r, lost, attempts, status


def _replicate_plain(model: Model, dur: list[float], nfail: list[int] | None) -> tuple[list[Any], ...]:
    """``_replicate`` for a model without windows, resources or failures: the same event flow
    (a ``Timeout`` per phase whose callback starts the successors it completes), minus the
    checks and bookkeeping those features need. It is the common case and the hot loop."""
    g = model.graph
    n = g.size
    plist, succs = g.pred_lags, g.succs
    nan = float("nan")
    remaining = list(g.indegree)
    ready = [nan] * n
    end = [nan] * n
    driver = [-1] * n
    env = simpy.Environment()
    timeout = env.timeout

    def begin(i: int) -> None:
        preds = plist[i]
        if len(preds) == 1:  # most phases: released by their one predecessor
            who, lag = preds[0]
            best = end[who] + lag
        else:
            best, who = 0.0, -1
            for j, lag in preds:
                t = end[j] + lag
                if who < 0 or t > best:
                    best, who = t, j
        ready[i] = best
        driver[i] = who
        end[i] = e = best + dur[i]
        delay = e - env._now
        timeout(delay if delay > 0.0 else 0.0, i).callbacks.append(finish)

    def finish(ev: simpy.Timeout) -> None:
        for k in succs[ev._value]:
            remaining[k] -= 1
            if remaining[k] == 0:
                begin(k)

    for i in g.roots:
        begin(i)
    env.run()
    zeros = [0.0] * n
    return ready, ready, end, driver, zeros, zeros, zeros, [1] * n, [DONE] * n


def run_once(model: Model | PhaseGraph, durations_s: Sequence[float], fails: Sequence[int] | None = None) -> RunArrays:
    """One replication on a fresh SimPy ``Environment``; arrays in file order.

    Raises:
        WindowNeverOpens: a phase's window has no suitable opening within the horizon.
    """
    m = as_model(model)
    replicate = _replicate_plain if m.graph.plain else _replicate
    lists = replicate(m, list(durations_s), None if fails is None else list(fails))
    return RunArrays(**{f: np.array(v, dtype=_DTYPES.get(f, float)) for f, v in zip(FIELDS, lists, strict=True)})


def run_block(model: Model | PhaseGraph, durations_s: np.ndarray, fails: np.ndarray | None = None) -> RunArrays:
    """Many replications, one Environment each; ``durations_s`` (and ``fails``) are ``(N, P)``.

    Each replication's fields stay Python lists until the whole block is converted at once.
    """
    model = as_model(model)
    g = model.graph
    rows = durations_s.tolist()
    frows = fails.tolist() if fails is not None else [None] * len(rows)
    replicate = _replicate_plain if g.plain else _replicate
    runs = [replicate(model, row, f) for row, f in zip(rows, frows, strict=True)]
    shape = durations_s.shape
    # fields that cannot differ from their defaults are not converted from the lists
    windowed = g.windowed
    failing = fails is not None and bool(g.failing)
    live = {
        "ready_s": True,
        "start_s": windowed or g.uses_resources,
        "end_s": True,
        "driver": True,
        "wait_window_s": windowed,
        "wait_resource_s": g.uses_resources,
        "failure_s": failing,
        "attempts": failing,
        "status": failing,
    }
    out: dict[str, np.ndarray] = {}
    for k, f in enumerate(FIELDS):
        dtype = _DTYPES.get(f, float)
        if live[f]:
            out[f] = np.array([r[k] for r in runs], dtype=dtype).reshape(shape)
        elif f == "start_s":
            out[f] = out["ready_s"]  # no window, no resource: every phase starts when ready
        else:
            out[f] = np.full(shape, 1 if f == "attempts" else 0, dtype=dtype)
    return RunArrays(**out)


def timeline_from(scenario: Scenario, arrays: RunArrays) -> Timeline:
    """A ``Timeline`` from the arrays of one run."""
    records = []
    for i, p in enumerate(scenario.phases):
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
                attempts=int(arrays.attempts[i]),
                outcome=STATUS[int(arrays.status[i])],
                wait_window_s=float(arrays.wait_window_s[i]),
                wait_resource_s=float(arrays.wait_resource_s[i]),
                failure_s=float(arrays.failure_s[i]),
            )
        )
    aborted = bool((arrays.status == ABORTED).any())
    return Timeline(
        scenario_id=scenario.id,
        name=scenario.name,
        epoch=scenario.epoch,
        phases=tuple(records),
        outcome="aborted" if aborted else "success",
        elements=tuple(scenario.elements),
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
        model: the compiled model, if the caller already has it.

    Returns:
        The run's ``Timeline``.

    Raises:
        WindowNeverOpens: a phase's window has no suitable opening within the horizon.
    """
    m = model or build_model(scenario)
    g = m.graph
    d = g.nominal_s if durations_s is None else np.asarray(durations_s, dtype=float)
    if d.shape != (g.size,):
        raise ValueError(f"expected {g.size} durations, got shape {d.shape}")
    if (d < 0).any():
        raise ValueError("durations must be >= 0")
    return timeline_from(scenario, run_once(m, d.tolist(), fails))
