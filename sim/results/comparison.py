"""Analysis of results against the scenario: flown actuals, plan vs actual vs simulated.

Pure Python/numpy over ``Timeline`` records and the scenario's published facts; no plotting,
no I/O, and no engine: callers pass the runs they want compared (``sim.study.compare`` runs them).

``compare(scenarios, timelines)`` builds the plan / actual / simulated comparison of
``lunarsim compare``: per phase, per phase kind across missions, and per mission. The rules for
deriving flown durations, and the rule that puts waits (window, resource) into the comparison,
are spelled out above ``compare``'s helpers below.

Waits, in one sentence: a wait in front of a phase is time the spacecraft spent in the state of
the phase that released it (its driving predecessor, the one whose end + lag is latest), so it
counts to that predecessor's row (``simulated_wait_h``, ``simulated_elapsed_h``) and kind.

Length (~520 lines): the comparison rules (flown durations, waits, instants) are written out
with the reasoning beside each; the result types are in ``sim.results.comparison_types``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from sim.results.comparison_types import HOURS_DECIMALS as HOURS_DECIMALS  # re-exported for callers
from sim.results.comparison_types import PERCENT_DECIMALS as PERCENT_DECIMALS
from sim.results.comparison_types import (
    ActualSpan,
    Comparison,
    KindHours,
    MissionSummary,
    PhaseComparison,
    SimulatedSpread,
    Spreads,
    Wait,
)
from sim.results.comparison_types import delta as delta
from sim.results.comparison_types import percent_delta as percent_delta
from sim.results.comparison_types import spread_from_samples as spread_from_samples
from sim.results.published import PRECISION_POINT_S as PRECISION_POINT_S  # re-exported
from sim.results.published import PRECISION_WINDOW_S as PRECISION_WINDOW_S
from sim.results.published import actual_times as actual_times  # re-exported: the flown times live there
from sim.results.published import flown_durations_s as flown_durations_s
from sim.results.published import flown_times
from sim.results.records import PhaseRecord, Timeline
from sim.scenario.model import KINDS, Phase, Scenario
from sim.timebase import HOUR_S

# --------------------------------------------------------------------------- plan vs actual vs simulated
#
# The comparison puts, phase by phase, three durations side by side (hours):
#
# * planned_h: the nominal value of the phase's ``planned`` distribution (the published plan).
# * actual_h: what flew, from the phase's ``actual`` block:
#     1. start and end both given: end - start;
#     2. only the end given: the start is taken to be the flown end of the phase's predecessors
#        (the latest ``actual.end + lag`` over its ``after`` entries, as the engine would hand
#        off), provided every predecessor has a flown end; ends are never derived, only starts;
#     3. otherwise: null (None).
#   A date-only time counts as noon of its day for ``actual_h`` (its window's middle), and
#   ``actual_low_h``/``actual_high_h`` bound the flown duration by the precision of the published
#   times (a ``date`` time lies in [00:00, 24:00) of that day, ``min`` in [t, t + 1 min), ``s`` in
#   [t, t + 1 s), ``h`` (approximate hour) within +-30 min); a phase whose published start and
#   end are the same instant (a milestone) lasted exactly 0 s whatever the precision.
#   ``actual_span``: when rule 3 applies but the end is given and the single predecessor has a
#   flown start (and no flown end), the flown interval from that predecessor's start to this
#   phase's end, with the simulated time over the same span. It is reported beside the phase,
#   never used in the deltas (e.g. CE-5's 112 h transfer plan counts from liftoff: the span
#   launch -> LOI-1).
# * simulated_h: the phase's duration in a nominal ``Timeline``; a Monte Carlo run adds a
#   ``SimulatedSpread`` (P10/P50/P90 and the percentile at which the actual falls).
#
# Deltas are ``b - a`` in hours and ``100 * (b - a) / a`` in percent (null when either is
# unknown, or when ``a`` is 0 for the percentage).
#
# WAITS. With windows and shared resources a phase can be ready (every predecessor done, plus
# lags) and still not start: it waits (``PhaseRecord.wait_s = start - ready``, cause "window",
# "resource" or both). The rule:
#
#   A wait in front of a phase Q is time the spacecraft spent in the state of the phase P that
#   released Q: Q's driving predecessor, the one whose end + lag is latest in the run (the first
#   in ``after`` order on a tie). The wait counts to P, not to Q.
#
#   E.g. CE-5: ``tei_preparation`` (48 h of O/R work in lunar orbit) releases ``tei1``, which
#   then waits 93.3 h for ``tei_window``: the O/R spent 141.3 h in lunar orbit before TEI-1.
#
# So, per phase row (nominal run):
# * simulated_h stays the phase's own run (end - start), as before.
# * simulated_wait_h: the wait that followed it, i.e. the wait of the phase(s) it released
#   (``wait_for`` lists them, ``wait_cause`` says why); 0 when it released none that waited. If it
#   released several that waited (no bundled scenario does), the longest counts: parallel waits
#   are the same hours in P's state.
# * simulated_elapsed_h = simulated_h + simulated_wait_h: how long the spacecraft stayed in this
#   phase's state, i.e. from its start until the phase(s) it released actually started (lags
#   aside: a lag is a planned offset, not a wait).
# * simulated_wait_before_h / released_by: the phase's own wait, and the row it counts to.
#   A phase with no predecessor that waits (e.g. for a launch window) was released by the epoch:
#   its wait counts to its own row (time on the pad counts to the launch).
# * Flown side, the same intervals: for every phase Q that waited in the run and has a PUBLISHED
#   flown start, P's flown elapsed time is Q's flown start - lag - P's flown start (published, or
#   derived by rule 2). It is P's flown run plus the flown gap before Q; it needs no flown end of
#   P (CE-5: separation 12-06 04:35 -> TEI-1 12-12 01:54 = 141.317 h). ``actual_elapsed_h`` is
#   that (the longest, if several; null if any is unknown), or ``actual_h`` when P released no
#   phase that waited; ``actual_wait_h`` = actual_elapsed_h - actual_h when both are known;
#   ``actual_elapsed_low_h``/``_high_h`` bound it by the precision of the two published starts.
#   Flown gaps are measured only where the run waited: elsewhere a gap between published times
#   is rounding (a date-only time read as noon), not a wait. Rule 2 is not applied to a phase
#   that waited in the run (it would start the phase at its predecessor's end, i.e. assume no
#   wait): such a phase needs a published start for a flown duration.
# * A plan describes the time spent in a state ("orbit the Moon for about six to seven days"),
#   so for a phase that released a wait compare ``planned_h`` with the elapsed values
#   (``delta_*_elapsed_*`` keys); the older ``delta_*`` keys keep comparing the run, as before.
#   For a phase that released no wait, elapsed = run and the two sets of deltas agree.
#
# By kind: ``hours`` (simulated) = the sum of simulated_elapsed_h over the kind's phases, i.e.
# runs plus the waits that count to the kind (``run_hours`` + ``wait_hours``); ``actual_hours``
# = the sum of actual_elapsed_h (null if any is unknown; ``actual_run_hours`` sums actual_h).
# ``planned_hours`` sums the phases' plans as before.


def compare(
    scenarios: Sequence[Scenario],
    timelines: Sequence[Timeline] | None = None,
    *,
    spreads: Spreads | None = None,
) -> Comparison:
    """Compare planned, flown and simulated durations of one or more missions.

    Args:
        scenarios: the missions, each with a distinct ``id``.
        timelines: one nominal run per scenario, same order (``simulate(scenario)``); without
            them every simulated value is None. This module never runs the engine: the caller
            (``sim.study.compare.compare_scenarios``, the CLI) passes the runs.
        spreads: optional Monte Carlo spreads, ``{mission: {phase id or "mission":
            SimulatedSpread}}``; they add P10/P50/P90 and the actual's percentile to the rows.

    Returns:
        The ``Comparison`` (``to_dict()`` is the JSON of ``lunarsim compare --json``).

    Raises:
        ValueError: duplicate mission ids, or timelines that do not match the scenarios.
    """
    ids = [s.id for s in scenarios]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"mission id {dupes[0]!r} given more than once; compare distinct missions")
    if timelines is not None:
        if len(timelines) != len(scenarios):
            raise ValueError(f"expected {len(scenarios)} timelines, got {len(timelines)}")
        for s, run in zip(scenarios, timelines, strict=True):
            if run.scenario_id != s.id:
                raise ValueError(f"timeline of {run.scenario_id!r} given for scenario {s.id!r}")
    spreads = spreads or {}
    phases: list[PhaseComparison] = []
    summaries: list[MissionSummary] = []
    for i, s in enumerate(scenarios):
        t: Timeline | None = timelines[i] if timelines is not None else None
        mine = spreads.get(s.id, {})
        run_waits = waits(s, t) if t is not None else None
        phases += compare_phases(s, t, mine, run_waits=run_waits)
        summaries.append(mission_summary(s, t, mine.get("mission"), run_waits=run_waits))
    return Comparison(
        missions=tuple(ids),
        names={s.id: s.name for s in scenarios},
        phases=tuple(phases),
        by_kind=by_kind(ids, phases),
        summaries=tuple(summaries),
    )


def waits(scenario: Scenario, timeline: Timeline) -> list[Wait]:
    """The waits of a run in file order, each with the phase that released it (see the notes).

    The releasing phase is the predecessor whose end + lag is latest in the run (the first in
    ``after`` order on a tie, as the engine picks it); a phase without predecessors was released
    by the epoch and its wait counts to itself.
    """
    records = {r.id: r for r in timeline.phases if r.outcome != "not_run"}
    out = []
    for p in scenario.phases:
        r = records.get(p.id)
        if r is None or not r.wait_s > 0:
            continue
        driver = releasing_phase(p, records)
        window = p.window.name if p.window is not None and r.wait_window_s > 0 else None
        out.append(
            Wait(phase=p.id, released_by=driver or p.id, hours=r.wait_s / HOUR_S, cause=r.wait_cause, window=window)
        )
    return out


def releasing_phase(phase: Phase, records: Mapping[str, PhaseRecord]) -> str | None:
    """The phase that released ``phase`` in a run: its predecessor whose end + lag is latest.

    ``records`` maps phase ids to the run's records; None for a phase without predecessors
    (released by the epoch). Ties go to the first in ``after`` order, as in the engine.
    """
    best: tuple[float, str] | None = None
    for dep in phase.dependencies:
        r = records.get(dep.phase)
        if r is None:
            continue
        t = r.end_s + dep.lag
        if best is None or t > best[0]:
            best = (t, dep.phase)
    return best[1] if best else None


def compare_phases(
    scenario: Scenario,
    timeline: Timeline | None = None,
    spreads: Mapping[str, SimulatedSpread] | None = None,
    *,
    run_waits: Sequence[Wait] | None = None,
) -> list[PhaseComparison]:
    """The per-phase rows of one mission (see the notes above ``compare``).

    ``run_waits`` is ``waits(scenario, timeline)`` when the caller has it already; computed
    when omitted.
    """
    spreads = spreads or {}
    flown = {pid: (f.start_s, f.end_s, f.precision) for pid, f in flown_times(scenario).items()}
    sim: dict[str, tuple[float, float]] = {}
    if timeline is None:
        run_waits = []
    else:
        sim = {r.id: (r.start_s, r.end_s) for r in timeline.phases if r.outcome == "done"}
        if run_waits is None:
            run_waits = waits(scenario, timeline)
    waited = {w.phase: w for w in run_waits}
    caused: dict[str, list[Wait]] = {}
    for w in run_waits:
        caused.setdefault(w.released_by, []).append(w)

    # first pass: flown start (published or derived) and flown duration of every phase
    rows: list[PhaseComparison] = []
    starts: dict[str, tuple[float, str]] = {}  # flown start point (s) and its precision
    for p in scenario.phases:
        planned_h = planned_lo = planned_hi = None
        if p.planned is not None:
            planned_h = p.planned.nominal_s / HOUR_S
            bounds = p.planned.bounds_s()
            if bounds is not None:
                planned_lo, planned_hi = bounds[0] / HOUR_S, bounds[1] / HOUR_S
        actual_h = actual_lo = actual_hi = None
        start_from = precision = None
        span = None
        if p.id in flown:
            a_start, a_end, precision = flown[p.id]
            start_prec = precision
            start_from = p.id if a_start is not None else None
            if a_start is None and a_end is not None and p.id not in waited:
                a_start, start_prec, start_from = _start_from_predecessors(p, flown)
            if a_start is not None:
                starts[p.id] = (a_start, start_prec)
            if a_start is not None and a_end is not None:
                s_lo, s_hi = PRECISION_WINDOW_S[start_prec]
                e_lo, e_hi = PRECISION_WINDOW_S[precision]
                actual_h = ((a_end + PRECISION_POINT_S[precision]) - (a_start + PRECISION_POINT_S[start_prec])) / HOUR_S
                if start_from == p.id and a_start == a_end:
                    actual_lo = actual_hi = 0.0  # one published instant (a milestone): exactly 0 s
                else:
                    actual_lo = max(0.0, (a_end + e_lo) - (a_start + s_hi)) / HOUR_S
                    actual_hi = ((a_end + e_hi) - (a_start + s_lo)) / HOUR_S
            else:
                start_from = None
                span = _span(p, flown, sim)
        simulated_h = start_delta_h = end_delta_h = None
        if p.id in sim:
            simulated_h = (sim[p.id][1] - sim[p.id][0]) / HOUR_S
            published = flown.get(p.id)
            if published is not None:  # instants: simulated minus flown (a date-only time at noon)
                pub_start, pub_end, pub_prec = published
                if pub_start is not None:
                    start_delta_h = (sim[p.id][0] - (pub_start + PRECISION_POINT_S[pub_prec])) / HOUR_S
                if pub_end is not None:
                    end_delta_h = (sim[p.id][1] - (pub_end + PRECISION_POINT_S[pub_prec])) / HOUR_S
        mine = caused.get(p.id, [])
        own = waited.get(p.id)
        rows.append(
            PhaseComparison(
                mission=scenario.id,
                id=p.id,
                name=p.label,
                kind=scenario.family(p.kind),
                element=p.element,
                start_delta_h=start_delta_h,
                end_delta_h=end_delta_h,
                planned_h=planned_h,
                planned_low_h=planned_lo,
                planned_high_h=planned_hi,
                actual_h=actual_h,
                actual_low_h=actual_lo,
                actual_high_h=actual_hi,
                actual_precision=precision,
                actual_start_from=start_from,
                actual_span=span,
                simulated_h=simulated_h,
                spread=spreads.get(p.id),
                simulated_wait_h=max((w.hours for w in mine), default=0.0) if simulated_h is not None else None,
                wait_cause=_causes(mine),
                wait_for=tuple(w.phase for w in mine),
                simulated_wait_before_h=(own.hours if own else 0.0) if simulated_h is not None else None,
                released_by=own.released_by if own else None,
            )
        )

    # second pass: flown elapsed times, which need the released phases' published starts
    phase_of = {p.id: p for p in scenario.phases}
    out = []
    for row in rows:
        elapsed = _actual_elapsed(row, caused.get(row.id, []), phase_of, flown, starts)
        if elapsed is not None:
            row = replace(
                row, actual_elapsed_h=elapsed[0], actual_elapsed_low_h=elapsed[1], actual_elapsed_high_h=elapsed[2]
            )
        out.append(row)
    return out


def _causes(ws: Sequence[Wait]) -> str | None:
    """The distinct causes of some waits, joined with ``+`` (None for none)."""
    causes: dict[str, None] = {}
    for w in ws:
        for c in (w.cause or "").split("+"):
            if c:
                causes[c] = None
    return "+".join(causes) or None


def _actual_elapsed(
    row: PhaseComparison,
    released: Sequence[Wait],
    phases: Mapping[str, Phase],
    flown: Mapping[str, tuple[float | None, float | None, str]],
    starts: Mapping[str, tuple[float, str]],
) -> tuple[float, float, float] | None:
    """Flown elapsed time of a phase, hours (point, low, high), or None (see the notes)."""
    if not released:
        if row.actual_h is None:
            return None
        assert row.actual_low_h is not None and row.actual_high_h is not None
        return row.actual_h, row.actual_low_h, row.actual_high_h
    if row.id not in starts:
        return None
    p_start, p_prec = starts[row.id]
    best: tuple[float, float, float] | None = None
    for w in released:
        if w.phase == row.id:  # released by the epoch: no flown counterpart of the pad wait
            return None
        q_start, _, q_prec = flown.get(w.phase, (None, None, "s"))
        if q_start is None:
            return None
        lag = next(d.lag for d in phases[w.phase].dependencies if d.phase == row.id)
        q0, p0 = q_start - lag, p_start
        point = ((q0 + PRECISION_POINT_S[q_prec]) - (p0 + PRECISION_POINT_S[p_prec])) / HOUR_S
        lo = max(0.0, (q0 + PRECISION_WINDOW_S[q_prec][0]) - (p0 + PRECISION_WINDOW_S[p_prec][1])) / HOUR_S
        hi = ((q0 + PRECISION_WINDOW_S[q_prec][1]) - (p0 + PRECISION_WINDOW_S[p_prec][0])) / HOUR_S
        if best is None or point > best[0]:
            best = (point, lo, hi)
    return best


def _start_from_predecessors(
    phase: Phase, flown: Mapping[str, tuple[float | None, float | None, str]]
) -> tuple[float | None, str, str | None]:
    """Flown start of a phase with no published start: the latest predecessor end + lag."""
    best: tuple[float, str, str] | None = None
    if not phase.dependencies:
        return None, "s", None
    for dep in phase.dependencies:
        end = flown.get(dep.phase, (None, None, "s"))[1]
        if end is None:
            return None, "s", None
        t = end + dep.lag
        if best is None or t > best[0]:
            best = (t, flown[dep.phase][2], dep.phase)
    assert best is not None
    return best


def _span(
    phase: Phase,
    flown: Mapping[str, tuple[float | None, float | None, str]],
    sim: Mapping[str, tuple[float, float]],
) -> ActualSpan | None:
    """Flown interval from the single predecessor's flown start to this phase's flown end."""
    _, end, end_prec = flown.get(phase.id, (None, None, "s"))
    if end is None or len(phase.dependencies) != 1:
        return None
    pred = phase.dependencies[0].phase
    p_start, p_end, start_prec = flown.get(pred, (None, None, "s"))
    if p_start is None or p_end is not None:
        return None
    simulated = None
    if phase.id in sim and pred in sim:
        simulated = (sim[phase.id][1] - sim[pred][0]) / HOUR_S
    hours = ((end + PRECISION_POINT_S[end_prec]) - (p_start + PRECISION_POINT_S[start_prec])) / HOUR_S
    return ActualSpan(from_id=pred, hours=hours, simulated_h=simulated)


def mission_summary(
    scenario: Scenario,
    timeline: Timeline | None = None,
    spread: SimulatedSpread | None = None,
    *,
    run_waits: Sequence[Wait] | None = None,
) -> MissionSummary:
    """Mission duration planned / flown / simulated (hours), sample mass (grams), the run's waits.

    ``run_waits`` is ``waits(scenario, timeline)`` when the caller has it already; computed
    when omitted.
    """
    if timeline is None:
        run_waits = ()
    elif run_waits is None:
        run_waits = waits(scenario, timeline)
    planned = scenario.planned
    actual = scenario.actual
    actual_h = None
    source = None
    if actual is not None and actual.duration is not None:
        actual_h, source = actual.duration.nominal_s / HOUR_S, "mission"
    else:
        ends = [end for _, end in actual_times(scenario).values() if end is not None]
        if ends:
            actual_h, source = max(ends) / HOUR_S, "last_actual_end"
    return MissionSummary(
        mission=scenario.id,
        name=scenario.name,
        epoch=scenario.epoch,
        planned_h=planned.duration.nominal_s / HOUR_S if planned and planned.duration else None,
        actual_h=actual_h,
        actual_source=source,
        simulated_h=timeline.duration_s / HOUR_S if timeline is not None else None,
        planned_sample_mass_g=planned.sample_mass_g if planned else None,
        actual_sample_mass_g=actual.sample_mass_g if actual else None,
        spread=spread,
        waits=tuple(run_waits),
    )


def by_kind(missions: Sequence[str], phases: Sequence[PhaseComparison]) -> tuple[KindHours, ...]:
    """Hours per phase kind per mission (runs + the waits counted to the kind), in vocabulary order."""
    present = {p.kind for p in phases}
    order = [k for k in KINDS if k in present] + sorted(present - set(KINDS))
    out = []
    for kind in order:
        sim: dict[str, float | None] = {}
        act: dict[str, float | None] = {}
        plan: dict[str, float | None] = {}
        count: dict[str, int] = {}
        run: dict[str, float | None] = {}
        wait: dict[str, float | None] = {}
        act_run: dict[str, float | None] = {}
        for m in missions:
            rows = [p for p in phases if p.mission == m and p.kind == kind]
            count[m] = len(rows)
            sim[m] = _sum([p.simulated_elapsed_h for p in rows])
            act[m] = _sum([p.actual_elapsed_h for p in rows])
            plan[m] = _sum([p.planned_h for p in rows])
            run[m] = _sum([p.simulated_h for p in rows])
            wait[m] = _sum([p.simulated_wait_h for p in rows])
            act_run[m] = _sum([p.actual_h for p in rows])
        out.append(
            KindHours(
                kind=kind, simulated=sim, actual=act, planned=plan, count=count, run=run, wait=wait, actual_run=act_run
            )
        )
    return tuple(out)


def _sum(values: Sequence[float | None]) -> float | None:
    """Sum when every value is known (and there is at least one), else None."""
    if not values or any(v is None for v in values):
        return None
    return float(sum(v for v in values if v is not None))
