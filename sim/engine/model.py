"""The compiled model: a scenario turned once into plain index tuples and window tables.

Both engines (SimPy in ``sim.engine.des``, numpy in ``sim.engine.vector``) read this structure instead
of the pydantic models, so no dict lookup or model attribute access happens in an inner loop.
``build_graph`` is pure; ``build_model`` also computes the window tables (which may need the
lunar ephemeris).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from sim.results.windows import ListedWindow, WindowListing
from sim.scenario.durations import DurationPlan
from sim.scenario.model import Scenario, topological_order
from sim.sky import cache
from sim.sky.intervals import WindowTable
from sim.sky.windows import WindowContext, WindowType
from sim.timebase import DAY_S, HOUR_S, from_utc

if TYPE_CHECKING:
    from sim.sky.ephemeris import Ephemeris

RETRY, HOLD, ABORT, SKIP = 0, 1, 2, 3
ON_FAIL = {"retry": RETRY, "hold": HOLD, "abort": ABORT, "skip": SKIP}

# Link kinds (``PhaseGraph.links``): the four ``after`` types, and the event an ``until`` wait ends at.
FS, SS, FF, SF, UNTIL_END, UNTIL_START = 0, 1, 2, 3, 4, 5
LINK = {"FS": FS, "SS": SS, "FF": FF, "SF": SF}
FROM_START = frozenset((SS, SF, UNTIL_START))  # links that refer to the predecessor's start
ON_FINISH = frozenset((FF, SF))  # links that constrain this phase's finish (start = event - duration)
NO_DATE = float("-inf")  # no ``not_before``


@dataclass(frozen=True)
class FailureSpec:
    """A phase's contingency, compiled: ``mode`` is RETRY, HOLD, ABORT or SKIP."""

    mode: int
    probability: float
    delay_s: float
    max_attempts: int


class Memo(dict[object, object]):
    """A graph's compiled code by key (``PhaseGraph.memo``); pickles as an empty memo, since code
    built at run time does not pickle and is cheap to build again where it runs."""

    def __reduce__(self) -> tuple[type[Memo], tuple[()]]:
        return (Memo, ())


@dataclass(frozen=True)
class PhaseGraph:
    """Phases in file order: predecessors, lags, topological order, windows, resources, failures.

    ``window``, ``must_fit``, ``resources`` and ``failure`` may be left out (empty): they are
    then filled to one entry per phase with -1, False, ``()`` and None (no window, no shared
    resource, no failure spec), so readers can index them without a guard.
    """

    ids: tuple[str, ...]
    preds: tuple[tuple[int, ...], ...]
    lags_s: tuple[tuple[float, ...], ...]
    succs: tuple[tuple[int, ...], ...]
    order: tuple[int, ...]
    nominal_s: np.ndarray
    window: tuple[int, ...] = ()  # index into window_names, -1 for none
    must_fit: tuple[bool, ...] = ()
    window_names: tuple[str, ...] = ()
    resources: tuple[tuple[int, ...], ...] = ()
    resource_names: tuple[str, ...] = ()
    capacities: tuple[int, ...] = ()
    failure: tuple[FailureSpec | None, ...] = ()
    links: tuple[tuple[int, ...], ...] = ()  # per predecessor, its link kind (FS, SS, FF, SF, UNTIL_*)
    not_before_s: tuple[float, ...] = ()  # NO_DATE for none

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name, empty in (
            ("window", -1),
            ("must_fit", False),
            ("resources", ()),
            ("failure", None),
            ("not_before_s", NO_DATE),
        ):
            if not getattr(self, name):
                object.__setattr__(self, name, (empty,) * n)  # frozen: set once, before any use
        if not self.links:
            object.__setattr__(self, "links", tuple((FS,) * len(p) for p in self.preds))

    @property
    def size(self) -> int:
        """Number of phases."""
        return len(self.ids)

    @cached_property
    def pred_lags(self) -> tuple[tuple[tuple[int, float], ...], ...]:
        """Per phase, its ``(predecessor, lag_s)`` pairs (what the engine's inner loop reads)."""
        return tuple(tuple(zip(p, lag, strict=True)) for p, lag in zip(self.preds, self.lags_s, strict=True))

    @cached_property
    def general(self) -> tuple[bool, ...]:
        """Per phase: does its ready time need more than ``max(pred end + lag)`` (a link other
        than FS, an ``until`` event or a ``not_before`` date)?"""
        return tuple(
            any(k != FS for k in ks) or nb != NO_DATE for ks, nb in zip(self.links, self.not_before_s, strict=True)
        )

    @cached_property
    def plain(self) -> tuple[bool, ...]:
        """Per phase: ready = ``max(pred end + lag)`` over at least one predecessor, started when
        ready, run once (not general, no window, no shared resource, no failure spec): released by
        a predecessor, always (its ``driver``)."""
        return tuple(
            bool(ps) and not g and w < 0 and not r and f is None
            for ps, g, w, r, f in zip(self.preds, self.general, self.window, self.resources, self.failure, strict=True)
        )

    @cached_property
    def ends_last(self) -> tuple[int, ...] | None:
        """When every phase runs (no abort), the phases that can end the mission, in reverse
        topological order: the sinks (phases without successors) if every link is a plain
        finish-to-start link with a lag >= 0 (a phase then ends no earlier than any of its
        predecessors, durations being >= 0); None (any phase can) otherwise."""
        if any(self.general) or any(lag < 0 for lags in self.lags_s for lag in lags):
            return None
        return tuple(i for i in reversed(self.order) if not self.succs[i])

    @cached_property
    def start_succs(self) -> tuple[tuple[int, ...], ...]:
        """Per phase, the successors linked to its start (SS, SF, ``until: {at: start}``), one per link."""
        out: list[list[int]] = [[] for _ in self.ids]
        for i, (ps, ks) in enumerate(zip(self.preds, self.links, strict=True)):
            for j, k in zip(ps, ks, strict=True):
                if k in FROM_START:
                    out[j].append(i)
        return tuple(tuple(x) for x in out)

    @cached_property
    def end_succs(self) -> tuple[tuple[int, ...], ...]:
        """Per phase, the successors linked to its end (FS, FF, ``until`` an end), in ``succs`` order."""
        start = self.start_succs
        out: list[list[int]] = []
        for i, ks in enumerate(self.succs):
            row = list(ks)
            for k in start[i]:
                row.remove(k)
            out.append(row)
        return tuple(tuple(x) for x in out)

    @cached_property
    def windowed(self) -> bool:
        """True if any phase waits for a window."""
        return any(w >= 0 for w in self.window)

    @cached_property
    def indegree(self) -> tuple[int, ...]:
        """Number of predecessors of each phase."""
        return tuple(len(p) for p in self.preds)

    @cached_property
    def roots(self) -> tuple[int, ...]:
        """Phases without predecessors, in topological order."""
        return tuple(i for i in self.order if not self.preds[i])

    @cached_property
    def memo(self) -> Memo:
        """What the engines compile from this graph, kept for its next block of replications
        (``sim.engine.des``: the opening cascade). Pickled empty: a worker compiles its own."""
        return Memo()

    @property
    def uses_resources(self) -> bool:
        """True if any phase holds a shared resource (only the SimPy engine handles those)."""
        return any(self.resources)

    @property
    def failing(self) -> tuple[int, ...]:
        """Indices of phases with a failure spec, in file order."""
        return tuple(i for i, f in enumerate(self.failure) if f is not None)


@dataclass(frozen=True, eq=False)
class Model:
    """A phase graph, its window tables (``windows[k]`` belongs to ``graph.window_names[k]``) and
    its duration plan (sources and element masses; None: plain distributions, no masses)."""

    graph: PhaseGraph
    windows: tuple[WindowTable, ...]
    durations: DurationPlan | None = None

    @property
    def tail_reached(self) -> bool:
        """True if a window query depended on a table past where it is exact (``run_lazily``)."""
        return any(t.tail_reached for t in self.windows)


def build_graph(scenario: Scenario, plan: DurationPlan | None = None, order: Sequence[int] | None = None) -> PhaseGraph:
    """Compile a validated scenario's phases into a ``PhaseGraph`` (nominal durations from ``plan``;
    ``order``: the scenario's topological order, if the caller has it already)."""
    order = tuple(topological_order(scenario) if order is None else order)
    plan = plan or DurationPlan.from_scenario(scenario, order)
    ids = tuple(p.id for p in scenario.phases)
    where = {pid: i for i, pid in enumerate(ids)}
    until = [
        ((where[p.until.phase],), (float(p.until.lag),), (UNTIL_START if p.until.at == "start" else UNTIL_END,))
        if p.until is not None
        else ((), (), ())
        for p in scenario.phases
    ]
    preds = tuple(
        tuple(where[d.phase] for d in p.dependencies) + u[0] for p, u in zip(scenario.phases, until, strict=True)
    )
    lags = tuple(
        tuple(float(d.lag) for d in p.dependencies) + u[1] for p, u in zip(scenario.phases, until, strict=True)
    )
    links = tuple(
        tuple(LINK[d.type] for d in p.dependencies) + u[2] for p, u in zip(scenario.phases, until, strict=True)
    )
    epoch = scenario.epoch
    succs: list[list[int]] = [[] for _ in ids]
    for i, ps in enumerate(preds):
        for j in ps:
            succs[j].append(i)
    used_windows = tuple(dict.fromkeys(p.window.name for p in scenario.phases if p.window is not None))
    resource_names = tuple(scenario.resources)
    return PhaseGraph(
        ids=ids,
        preds=preds,
        lags_s=lags,
        succs=tuple(tuple(s) for s in succs),
        order=order,
        nominal_s=plan.nominal()[0],
        window=tuple(used_windows.index(p.window.name) if p.window else -1 for p in scenario.phases),
        must_fit=tuple(bool(p.window and p.window.must_fit) for p in scenario.phases),
        window_names=used_windows,
        resources=tuple(tuple(resource_names.index(r) for r in p.resources) for p in scenario.phases),
        resource_names=resource_names,
        capacities=tuple(r.capacity for r in scenario.resources.values()),
        failure=tuple(
            FailureSpec(ON_FAIL[p.failure.on_fail], p.failure.probability, p.failure.delay, p.failure.max_attempts)
            if p.failure is not None and p.failure.probability > 0
            else None
            for p in scenario.phases
        ),
        links=links,
        not_before_s=tuple(NO_DATE if p.not_before is None else from_utc(epoch, p.not_before) for p in scenario.phases),
    )


def build_model(scenario: Scenario, ephemeris: Ephemeris | None = None, span_s: float | None = None) -> Model:
    """Compile the phase graph and the tables of the windows its phases use, over the horizon
    (or only over ``[0, span_s]``: see ``run_lazily``)."""
    order = topological_order(scenario)
    plan = DurationPlan.from_scenario(scenario, order)
    graph = build_graph(scenario, plan, order)
    _prepare(scenario, graph.window_names, ephemeris, span_s)
    cache: dict[str, WindowTable] = {}
    tables = tuple(window_table(scenario, name, cache, ephemeris, span_s) for name in graph.window_names)
    return Model(graph=graph, windows=tables, durations=plan)


def _prepare(scenario: Scenario, names: tuple[str, ...], ephemeris: Ephemeris | None, span_s: float | None) -> None:
    """Let each window type do the work its windows among ``names`` (and the windows they
    combine) share, once for all of them (``WindowType.prepare``: daylight windows bisect all their
    Sun-elevation levels per site together)."""
    seen: dict[str, None] = {}
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen[name] = None
            todo.extend(scenario.windows[name].refs())
    horizon_s = scenario.horizon
    ctx = _context("", scenario.epoch, horizon_s if span_s is None else min(span_s, horizon_s), scenario, ephemeris, {})
    prepare_by_type([scenario.windows[n] for n in seen], ctx)


def prepare_by_type(windows: Sequence[WindowType], ctx: WindowContext) -> None:
    """``type(w).prepare`` once per window type, with that type's windows, in order of first use."""
    groups: dict[type[WindowType], list[WindowType]] = {}
    for w in windows:
        groups.setdefault(type(w), []).append(w)
    for kind, group in groups.items():
        kind.prepare(group, ctx)


def window_table(
    scenario: Scenario,
    name: str,
    cache: dict[str, WindowTable],
    ephemeris: Ephemeris | None = None,
    span_s: float | None = None,
) -> WindowTable:
    """The openings of window ``name`` over [0, horizon] (or [0, ``span_s``] if shorter), seconds
    since the scenario epoch. Over a shorter span the table is exact only before its ``exact_s``:
    the span less the window type's ``tail_s``, and no later than that of the windows it combines."""
    if name in cache:
        return cache[name]
    horizon_s = scenario.horizon
    span = horizon_s if span_s is None or span_s >= horizon_s else span_s
    spec = scenario.windows[name]
    tables = {ref: window_table(scenario, ref, cache, ephemeris, span_s) for ref in spec.refs()}
    ctx = _context(name, scenario.epoch, span, scenario, ephemeris, tables)
    exact_s = math.inf if span >= horizon_s else min([span - spec.tail_s, *(t.exact_s for t in tables.values())])
    table = WindowTable.from_intervals(name, spec.openings(ctx), horizon_s, span_s=span, exact_s=exact_s)
    cache[name] = table
    return table


T = TypeVar("T")

FIRST_SPAN_FACTOR = 1.5
FIRST_SPAN_MARGIN_S = 20.0 * DAY_S
"""A single run's first span is ``FIRST_SPAN_FACTOR`` x its nominal path length (windows left
out) plus this: room for window waits. Only speed depends on these two numbers (they are a
judgement, not derived: change6's waits add 27 d to its 23 d path); when they are too short
the run is repeated over twice the span, with the same result."""
ENSEMBLE_SPAN_FACTOR = 2.0
ENSEMBLE_SPAN_MARGIN_S = 30.0 * DAY_S
"""The same for a Monte Carlo run (``run_lazily(..., ensemble=True)``), whose replications
spread past the nominal path and which is repeated over the whole horizon when they pass the
span, so a miss costs more. Measured (first run in a process, tables computed): with 1.5 x and
20 d, change6 (-n 2000) and change7 passed the first span and were run twice (0.67 and 1.35 s);
with these, once (0.37 and 0.91 s); change5 computes 68 d instead of 47 d (0.32 -> 0.37 s)."""
FIRST_SPAN_TRIM = 0.125
"""The geometric windows are computed in whole blocks of absolute time (``sim.sky.cache``,
32 d): a first span whose end reaches into a block ends instead at the last whole hour before
that block when this loses less than this fraction of a block (4 d). change5: 47 d 3 h, not
49 d, which computed a third block of every geometric window for its last 1.85 d. Like the two
numbers above, only speed depends on it."""


class SpanTooShort(Exception):
    """Raised by a run given to ``run_lazily`` when it learns that a window answer depended on
    the end of the computed span somewhere it cannot see through ``Model.tail_reached`` (in a
    worker process: ``sim.engine.montecarlo`` reads each block's report). ``run_lazily`` then
    computes longer tables and runs again."""


def run_lazily(
    scenario: Scenario, run: Callable[[Model], T], ephemeris: Ephemeris | None = None, *, ensemble: bool = False
) -> T:
    """``run(model)`` with window tables computed only as far as the run needs them.

    The tables are first computed over a span a little longer than the nominal mission (whole
    hours: the daylight scan's grid is then that of the whole horizon); if any answer of a
    window query depended on the span's end (``WindowTable.tail_reached``, including a window
    that seemed never to open), the model is rebuilt over twice the span and the run repeated,
    up to the whole horizon. So the result is the one of ``run(build_model(scenario))``, bit for
    bit, at a fraction of the window work when the horizon is generous (change5: 200 days of
    horizon, 23 days of mission). Geometric windows keep their cached blocks between attempts.
    ``run`` may also raise ``SpanTooShort``. For a Monte Carlo run (``ensemble``) the first span
    is longer (``ENSEMBLE_SPAN_FACTOR``, ``ENSEMBLE_SPAN_MARGIN_S``) and the second attempt is over
    the whole horizon (such a run is worth repeating once at most).
    """
    horizon_s = scenario.horizon
    if not any(p.window is not None for p in scenario.phases):  # no tables: the span changes nothing
        return run(build_model(scenario, ephemeris))
    if ensemble:
        span = _first_span_s(scenario, ENSEMBLE_SPAN_FACTOR, ENSEMBLE_SPAN_MARGIN_S)
    else:
        span = _first_span_s(scenario, FIRST_SPAN_FACTOR, FIRST_SPAN_MARGIN_S)
    while True:
        if span >= horizon_s or horizon_s % HOUR_S:
            return run(build_model(scenario, ephemeris))
        model = build_model(scenario, ephemeris, span)
        try:
            result = run(model)
        except SpanTooShort:
            pass
        except Exception:
            if not model.tail_reached:
                raise
        else:
            if not model.tail_reached:
                return result
        span = horizon_s if ensemble else span * 2.0


def _first_span_s(scenario: Scenario, factor: float, margin_s: float) -> float:
    """``factor`` x the longest chain of nominal durations and lags (windows, dates and link types
    left out), plus ``margin_s``, rounded up to a whole day (and trimmed: ``_trim_to_block``)."""
    order = topological_order(scenario)
    graph = build_graph(scenario, DurationPlan.from_scenario(scenario, order), order)
    end = [0.0] * graph.size
    for i in graph.order:
        start = max((end[j] + lag for j, lag in graph.pred_lags[i]), default=0.0)
        end[i] = max(start, 0.0) + float(graph.nominal_s[i])
    longest = max(end, default=0.0)
    span = math.ceil((factor * longest + margin_s) / DAY_S) * DAY_S
    return _trim_to_block(scenario.epoch, span)


def _trim_to_block(epoch: datetime, span_s: float) -> float:
    """``span_s``, or the last whole hour before the start of the cache block (``sim.sky.cache``)
    that its end reaches into, when that is less than ``FIRST_SPAN_TRIM`` of a block shorter."""
    offset_s = (epoch.astimezone(UTC) - cache.REFERENCE).total_seconds()
    edge_s = math.floor((offset_s + span_s) / cache.BLOCK_S) * cache.BLOCK_S - offset_s
    trimmed_s = math.floor((edge_s - 1.0) / HOUR_S) * HOUR_S  # strictly before the edge
    if 0.0 < trimmed_s < span_s and span_s - trimmed_s < FIRST_SPAN_TRIM * cache.BLOCK_S:
        return trimmed_s
    return span_s


def _context(
    name: str,
    epoch: datetime,
    horizon_s: float,
    scenario: Scenario,
    ephemeris: Ephemeris | None,
    tables: Mapping[str, WindowTable],
) -> WindowContext:
    """A window's context: the scenario's site, and ``ephemeris`` (or the shared offline one,
    loaded only when a table must be computed; its identity is known without loading it)."""
    return WindowContext(
        name=name,
        epoch=epoch,
        horizon_s=horizon_s,
        site=scenario.site,
        ephemeris=lambda: ephemeris if ephemeris is not None else _default_ephemeris(),
        identity=lambda: ephemeris.identity if ephemeris is not None else _default_identity(),
        tables=tables,
    )


def _default_ephemeris() -> Ephemeris:
    """The shared offline ephemeris, imported on first use (skyfield is slow to import)."""
    from sim.sky.ephemeris import default_ephemeris

    return default_ephemeris()


def _default_identity() -> str | None:
    """The shared offline ephemeris's ``identity``, without loading it."""
    from sim.sky.ephemeris import default_identity

    return default_identity()


def list_windows(
    scenario: Scenario, start: datetime, end: datetime, ephemeris: Ephemeris | None = None
) -> WindowListing:
    """Every window the scenario declares, computed over ``[start, end]`` (UTC), in file order.

    Each window is first made standalone (offsets anchored on the scenario's epoch, the
    scenario's site filled in), so it means over any span what it means in a run.
    """
    specs = {
        name: spec.standalone(scenario.epoch, scenario.site, lambda n: n) for name, spec in scenario.windows.items()
    }
    horizon_s = (end - start).total_seconds()
    ctx = _context("", start, horizon_s, scenario, ephemeris, {})
    prepare_by_type(list(specs.values()), ctx)  # e.g. all daylight levels bisected together
    done: dict[str, WindowTable] = {}

    def table(name: str) -> WindowTable:
        if name not in done:
            spec = specs[name]
            ctx = _context(name, start, horizon_s, scenario, ephemeris, {ref: table(ref) for ref in spec.refs()})
            done[name] = WindowTable.from_intervals(name, spec.openings(ctx), horizon_s)
        return done[name]

    listed = [
        ListedWindow(name, spec.kind, table(name).intervals, getattr(spec, "note", None))
        for name, spec in specs.items()
    ]
    return WindowListing(scenario.id, scenario.name, start, end, listed)
