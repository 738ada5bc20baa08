"""The result types of ``lunarsim compare``: per phase, per phase kind, per mission, and their JSON.

Plain frozen dataclasses with hours as floats (``None`` where unknown) and their ``to_dict``
views; the rules that fill them (flown durations, waits) are in ``sim.results.comparison``.

Length (~530 lines): one dataclass per row kind of the comparison (phase, kind, mission, instant,
the whole) with its JSON view; the views must stay next to the fields they print.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from sim.results.records import HOURS_DECIMALS as HOURS_DECIMALS  # one definition (records.hours)
from sim.results.statistics import percentile_of
from sim.timebase import HOUR_S, format_utc

PERCENT_DECIMALS = 2


def delta(a: float | None, b: float | None) -> float | None:
    """``b - a``, or None when either is unknown.

    >>> delta(112.0, 112.5)
    0.5
    >>> delta(None, 3.0) is None
    True
    """
    if a is None or b is None:
        return None
    return b - a


def percent_delta(a: float | None, b: float | None) -> float | None:
    """``100 * (b - a) / a``, or None when either is unknown or ``a`` is 0.

    >>> percent_delta(48.0, 24.0)
    -50.0
    >>> percent_delta(0.0, 1.0) is None
    True
    """
    if a is None or b is None or a == 0:
        return None
    return 100.0 * (b - a) / a


def _r(value: float | None, ndigits: int = HOURS_DECIMALS) -> float | None:
    return None if value is None else round(value, ndigits)


@dataclass(frozen=True)
class SimulatedSpread:
    """Monte Carlo spread of a simulated duration, hours, and where the flown value falls in it.

    ``actual_percentile`` is ``sim.results.statistics.percentile_of`` the actual among the draws
    (mid-rank: a fixed duration that flew exactly as modelled sits at 50).
    """

    p10_h: float
    p50_h: float
    p90_h: float
    actual_percentile: float | None = None


def spread_from_samples(samples_s: Sequence[float] | np.ndarray, actual_s: float | None = None) -> SimulatedSpread:
    """P10/P50/P90 (hours) of simulated durations in seconds, and the actual's percentile.

    >>> s = spread_from_samples([3600.0 * h for h in range(1, 11)], actual_s=5.5 * 3600)
    >>> (round(s.p50_h, 2), s.actual_percentile)
    (5.5, 50.0)
    """
    x = np.asarray(samples_s, dtype=float)
    if x.size == 0:
        raise ValueError("no samples")
    p10, p50, p90 = np.percentile(x, [10, 50, 90]) / HOUR_S
    pct = None if actual_s is None else percentile_of(x, actual_s)
    return SimulatedSpread(float(p10), float(p50), float(p90), pct)


@dataclass(frozen=True)
class ActualSpan:
    """A flown interval that starts at a predecessor's flown start (see the module notes)."""

    from_id: str
    hours: float
    simulated_h: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``{"from": id, "hours": h, "simulated_h": h}``."""
        return {"from": self.from_id, "hours": _r(self.hours), "simulated_h": _r(self.simulated_h)}


@dataclass(frozen=True)
class PhaseComparison:
    """Planned, flown and simulated durations of one phase, hours (None where unknown)."""

    mission: str
    id: str
    name: str
    kind: str
    element: str
    planned_h: float | None = None
    planned_low_h: float | None = None
    planned_high_h: float | None = None
    actual_h: float | None = None
    actual_low_h: float | None = None
    actual_high_h: float | None = None
    actual_precision: str | None = None
    actual_start_from: str | None = None
    actual_span: ActualSpan | None = None
    simulated_h: float | None = None
    spread: SimulatedSpread | None = None
    simulated_wait_h: float | None = None
    wait_cause: str | None = None
    wait_for: tuple[str, ...] = ()
    simulated_wait_before_h: float | None = None
    released_by: str | None = None
    actual_elapsed_h: float | None = None
    actual_elapsed_low_h: float | None = None
    actual_elapsed_high_h: float | None = None
    start_delta_h: float | None = None  # simulated start minus the published flown start, hours
    end_delta_h: float | None = None  # simulated end minus the published flown end, hours

    @property
    def simulated_elapsed_h(self) -> float | None:
        """Run plus the wait that followed it (until the phase it released started), hours."""
        if self.simulated_h is None or self.simulated_wait_h is None:
            return None
        return self.simulated_h + self.simulated_wait_h

    @property
    def actual_wait_h(self) -> float | None:
        """Flown gap counted to this phase: flown elapsed minus flown run, hours."""
        return delta(self.actual_h, self.actual_elapsed_h)

    @property
    def delta_actual_vs_planned_h(self) -> float | None:
        """Flown minus planned, hours."""
        return delta(self.planned_h, self.actual_h)

    @property
    def delta_actual_vs_planned_pct(self) -> float | None:
        """Flown minus planned, percent of planned."""
        return percent_delta(self.planned_h, self.actual_h)

    @property
    def delta_simulated_vs_planned_h(self) -> float | None:
        """Simulated minus planned, hours."""
        return delta(self.planned_h, self.simulated_h)

    @property
    def delta_simulated_vs_planned_pct(self) -> float | None:
        """Simulated minus planned, percent of planned."""
        return percent_delta(self.planned_h, self.simulated_h)

    @property
    def delta_simulated_vs_actual_h(self) -> float | None:
        """Simulated minus flown, hours."""
        return delta(self.actual_h, self.simulated_h)

    @property
    def delta_simulated_vs_actual_pct(self) -> float | None:
        """Simulated minus flown, percent of flown."""
        return percent_delta(self.actual_h, self.simulated_h)

    @property
    def delta_actual_elapsed_vs_planned_h(self) -> float | None:
        """Flown elapsed minus planned, hours (the plan of a state: run + the wait it caused)."""
        return delta(self.planned_h, self.actual_elapsed_h)

    @property
    def delta_simulated_elapsed_vs_planned_h(self) -> float | None:
        """Simulated elapsed minus planned, hours."""
        return delta(self.planned_h, self.simulated_elapsed_h)

    @property
    def delta_simulated_elapsed_vs_actual_elapsed_h(self) -> float | None:
        """Simulated elapsed minus flown elapsed, hours."""
        return delta(self.actual_elapsed_h, self.simulated_elapsed_h)

    def to_dict(self) -> dict[str, Any]:
        """One entry of ``"phases"`` in ``lunarsim compare --json``."""
        out: dict[str, Any] = {
            "mission": self.mission,
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "element": self.element,
            "planned_h": _r(self.planned_h),
            "actual_h": _r(self.actual_h),
            "simulated_h": _r(self.simulated_h),
            "delta_actual_vs_planned_h": _r(self.delta_actual_vs_planned_h),
            "delta_actual_vs_planned_pct": _r(self.delta_actual_vs_planned_pct, PERCENT_DECIMALS),
            "delta_simulated_vs_planned_h": _r(self.delta_simulated_vs_planned_h),
            "delta_simulated_vs_planned_pct": _r(self.delta_simulated_vs_planned_pct, PERCENT_DECIMALS),
            "delta_simulated_vs_actual_h": _r(self.delta_simulated_vs_actual_h),
            "delta_simulated_vs_actual_pct": _r(self.delta_simulated_vs_actual_pct, PERCENT_DECIMALS),
            "planned_low_h": _r(self.planned_low_h),
            "planned_high_h": _r(self.planned_high_h),
            "actual_low_h": _r(self.actual_low_h),
            "actual_high_h": _r(self.actual_high_h),
            "actual_precision": self.actual_precision,
            "actual_start_from": self.actual_start_from,
            "actual_span": self.actual_span.to_dict() if self.actual_span else None,
            "simulated_wait_h": _r(self.simulated_wait_h),
            "wait_cause": self.wait_cause,
            "wait_for": list(self.wait_for),
            "simulated_elapsed_h": _r(self.simulated_elapsed_h),
            "simulated_wait_before_h": _r(self.simulated_wait_before_h),
            "released_by": self.released_by,
            "actual_wait_h": _r(self.actual_wait_h),
            "actual_elapsed_h": _r(self.actual_elapsed_h),
            "actual_elapsed_low_h": _r(self.actual_elapsed_low_h),
            "actual_elapsed_high_h": _r(self.actual_elapsed_high_h),
            "delta_actual_elapsed_vs_planned_h": _r(self.delta_actual_elapsed_vs_planned_h),
            "delta_actual_elapsed_vs_planned_pct": _r(
                percent_delta(self.planned_h, self.actual_elapsed_h), PERCENT_DECIMALS
            ),
            "delta_simulated_elapsed_vs_planned_h": _r(self.delta_simulated_elapsed_vs_planned_h),
            "delta_simulated_elapsed_vs_planned_pct": _r(
                percent_delta(self.planned_h, self.simulated_elapsed_h), PERCENT_DECIMALS
            ),
            "delta_simulated_elapsed_vs_actual_elapsed_h": _r(self.delta_simulated_elapsed_vs_actual_elapsed_h),
            "delta_simulated_elapsed_vs_actual_elapsed_pct": _r(
                percent_delta(self.actual_elapsed_h, self.simulated_elapsed_h), PERCENT_DECIMALS
            ),
            "start_delta_h": _r(self.start_delta_h),
            "end_delta_h": _r(self.end_delta_h),
        }
        if self.spread is not None:
            out |= _spread_dict(self.spread)
        return out


def _spread_dict(spread: SimulatedSpread) -> dict[str, Any]:
    return {
        "simulated_p10_h": _r(spread.p10_h),
        "simulated_p50_h": _r(spread.p50_h),
        "simulated_p90_h": _r(spread.p90_h),
        "actual_percentile": _r(spread.actual_percentile, PERCENT_DECIMALS),
    }


@dataclass(frozen=True)
class Wait:
    """One wait of a nominal run: who waited, the phase it counts to, how long and why.

    ``released_by`` is the phase that released ``phase`` (its driving predecessor), whose row
    and kind the wait counts to; it is ``phase`` itself for a phase released by the epoch.
    ``window`` names the phase's window when the cause includes "window".
    """

    phase: str
    released_by: str
    hours: float
    cause: str | None
    window: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form, one entry of a summary's ``"waits"``."""
        return {
            "phase": self.phase,
            "released_by": self.released_by,
            "wait_h": _r(self.hours),
            "cause": self.cause,
            "window": self.window,
        }


@dataclass(frozen=True)
class MissionSummary:
    """Mission-level plan, outcome and simulation: duration (hours) and sample mass (grams).

    ``actual_h`` is the mission's ``actual.duration`` when given, else the last flown end
    minus the epoch (``actual_source`` says which: ``"mission"`` or ``"last_actual_end"``).
    """

    mission: str
    name: str
    epoch: datetime
    planned_h: float | None = None
    actual_h: float | None = None
    actual_source: str | None = None
    simulated_h: float | None = None
    planned_sample_mass_g: float | None = None
    actual_sample_mass_g: float | None = None
    spread: SimulatedSpread | None = None
    waits: tuple[Wait, ...] = ()

    @property
    def simulated_wait_h(self) -> float | None:
        """Sum of the waits of the nominal run (all lanes), hours; None without a run."""
        if self.simulated_h is None:
            return None
        return float(sum(w.hours for w in self.waits))

    @property
    def delta_actual_vs_planned_h(self) -> float | None:
        """Flown minus planned mission duration, hours."""
        return delta(self.planned_h, self.actual_h)

    @property
    def delta_simulated_vs_planned_h(self) -> float | None:
        """Simulated minus planned mission duration, hours."""
        return delta(self.planned_h, self.simulated_h)

    @property
    def delta_simulated_vs_actual_h(self) -> float | None:
        """Simulated minus flown mission duration, hours."""
        return delta(self.actual_h, self.simulated_h)

    @property
    def delta_sample_mass_g(self) -> float | None:
        """Returned minus planned sample mass, grams."""
        return delta(self.planned_sample_mass_g, self.actual_sample_mass_g)

    def to_dict(self) -> dict[str, Any]:
        """One entry of ``"summary"`` in ``lunarsim compare --json``."""
        out: dict[str, Any] = {
            "mission": self.mission,
            "name": self.name,
            "epoch": format_utc(self.epoch),
            "planned_h": _r(self.planned_h),
            "actual_h": _r(self.actual_h),
            "actual_source": self.actual_source,
            "simulated_h": _r(self.simulated_h),
            "delta_actual_vs_planned_h": _r(self.delta_actual_vs_planned_h),
            "delta_actual_vs_planned_pct": _r(percent_delta(self.planned_h, self.actual_h), PERCENT_DECIMALS),
            "delta_simulated_vs_planned_h": _r(self.delta_simulated_vs_planned_h),
            "delta_simulated_vs_planned_pct": _r(percent_delta(self.planned_h, self.simulated_h), PERCENT_DECIMALS),
            "delta_simulated_vs_actual_h": _r(self.delta_simulated_vs_actual_h),
            "delta_simulated_vs_actual_pct": _r(percent_delta(self.actual_h, self.simulated_h), PERCENT_DECIMALS),
            "planned_sample_mass_g": self.planned_sample_mass_g,
            "actual_sample_mass_g": self.actual_sample_mass_g,
            "delta_sample_mass_g": _r(self.delta_sample_mass_g),
            "delta_sample_mass_pct": _r(
                percent_delta(self.planned_sample_mass_g, self.actual_sample_mass_g), PERCENT_DECIMALS
            ),
            "simulated_wait_h": _r(self.simulated_wait_h),
            "waits": [w.to_dict() for w in self.waits],
        }
        if self.spread is not None:
            out |= _spread_dict(self.spread)
        return out


@dataclass(frozen=True)
class KindHours:
    """Hours spent per phase kind in each mission (sums over the phases of that kind).

    Values are sums over phases, not elapsed calendar time: phases of one kind on parallel lanes
    (e.g. two elements in lunar orbit at once) add up. Each phase counts with its elapsed time:
    its run plus the wait that followed it before the phase it released started (the waits rule
    above ``compare``), so ``simulated`` = ``run`` + ``wait``. A mission with no phase of the
    kind has None. ``actual`` is a sum only when every phase of the kind has a flown elapsed time
    (``actual_elapsed_h``), ``actual_run`` when every one has a flown run (``actual_h``);
    ``planned`` likewise with plans.
    """

    kind: str
    simulated: dict[str, float | None]
    actual: dict[str, float | None]
    planned: dict[str, float | None]
    count: dict[str, int]
    run: dict[str, float | None] = field(default_factory=dict)
    wait: dict[str, float | None] = field(default_factory=dict)
    actual_run: dict[str, float | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """One entry of ``"by_kind"``: ``hours`` (simulated, runs + waits), ``actual_hours``, ...

        ``hours`` = ``run_hours`` + ``wait_hours``; ``actual_hours`` sums the flown elapsed
        times and ``actual_run_hours`` the flown runs (see the notes above ``compare``).
        """
        return {
            "kind": self.kind,
            "hours": {m: _r(v) for m, v in self.simulated.items()},
            "actual_hours": {m: _r(v) for m, v in self.actual.items()},
            "planned_hours": {m: _r(v) for m, v in self.planned.items()},
            "phases": dict(self.count),
            "run_hours": {m: _r(v) for m, v in self.run.items()},
            "wait_hours": {m: _r(v) for m, v in self.wait.items()},
            "actual_run_hours": {m: _r(v) for m, v in self.actual_run.items()},
        }


@dataclass(frozen=True)
class Comparison:
    """Plan vs actual vs simulated, per phase, per kind and per mission (see ``compare``)."""

    missions: tuple[str, ...]
    names: dict[str, str]
    phases: tuple[PhaseComparison, ...]
    by_kind: tuple[KindHours, ...]
    summaries: tuple[MissionSummary, ...]

    def mission_phases(self, mission: str) -> list[PhaseComparison]:
        """The phase rows of one mission, in file order."""
        if mission not in self.missions:
            raise KeyError(mission)
        return [p for p in self.phases if p.mission == mission]

    def phase(self, mission: str, phase_id: str) -> PhaseComparison:
        """The row of one phase (KeyError if none)."""
        for p in self.phases:
            if p.mission == mission and p.id == phase_id:
                return p
        raise KeyError(f"{mission}.{phase_id}")

    def kind(self, kind: str) -> KindHours:
        """The by-kind row of one kind (KeyError if no mission has it)."""
        for k in self.by_kind:
            if k.kind == kind:
                return k
        raise KeyError(kind)

    def summary(self, mission: str) -> MissionSummary:
        """The mission summary row."""
        for s in self.summaries:
            if s.mission == mission:
                return s
        raise KeyError(mission)

    def _repr_html_(self) -> str:
        """Missions and their compared phases as small HTML tables (notebooks)."""
        from sim.results.html import comparison_html

        return comparison_html(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``lunarsim compare --json``."""
        return {
            "missions": list(self.missions),
            "names": dict(self.names),
            "by_kind": [k.to_dict() for k in self.by_kind],
            "phases": [p.to_dict() for p in self.phases],
            "summary": [s.to_dict() for s in self.summaries],
        }

    def csv_rows(self) -> list[dict[str, Any]]:
        """Tidy rows for ``--csv``: ``record`` is ``phase``, ``mission`` (summary) or ``kind``.

        Every row has the same columns; a kind row carries its sums in planned_h/actual_h/
        simulated_h (runs, as before), simulated_wait_h (the waits counted to the kind) and
        simulated_elapsed_h/actual_elapsed_h (runs + waits: the by-kind ``hours`` and
        ``actual_hours`` of the JSON), a mission row the mission durations and its total wait.
        """
        cols = (
            "planned_h",
            "actual_h",
            "simulated_h",
            "delta_actual_vs_planned_h",
            "delta_actual_vs_planned_pct",
            "delta_simulated_vs_planned_h",
            "delta_simulated_vs_planned_pct",
            "delta_simulated_vs_actual_h",
            "delta_simulated_vs_actual_pct",
        )
        wait_cols = (
            "simulated_wait_h",
            "wait_cause",
            "simulated_elapsed_h",
            "actual_elapsed_h",
            "delta_actual_elapsed_vs_planned_h",
            "delta_actual_elapsed_vs_planned_pct",
            "delta_simulated_elapsed_vs_planned_h",
            "delta_simulated_elapsed_vs_planned_pct",
            "delta_simulated_elapsed_vs_actual_elapsed_h",
            "delta_simulated_elapsed_vs_actual_elapsed_pct",
        )
        rows: list[dict[str, Any]] = []

        def row(record: str, mission: str, pid: str, name: str, kind: str, values: dict[str, Any]) -> None:
            r: dict[str, Any] = {"record": record, "mission": mission, "id": pid, "name": name, "kind": kind}
            r |= {c: "" if values.get(c) is None else values[c] for c in cols}
            r["actual_low_h"] = "" if values.get("actual_low_h") is None else values["actual_low_h"]
            r["actual_high_h"] = "" if values.get("actual_high_h") is None else values["actual_high_h"]
            r["actual_precision"] = values.get("actual_precision") or ""
            r |= {c: "" if values.get(c) is None else values[c] for c in wait_cols}
            rows.append(r)

        for p in self.phases:
            row("phase", p.mission, p.id, p.name, p.kind, p.to_dict())
        for s in self.summaries:
            row("mission", s.mission, "", s.name, "", s.to_dict())
        for k in self.by_kind:
            for m in self.missions:
                if k.count[m] == 0:
                    continue
                plan, act, sim = k.planned[m], k.actual_run.get(m), k.run.get(m)
                act_el, sim_el = k.actual[m], k.simulated[m]
                row(
                    "kind",
                    m,
                    "",
                    "",
                    k.kind,
                    {
                        "planned_h": _r(plan),
                        "actual_h": _r(act),
                        "simulated_h": _r(sim),
                        "delta_actual_vs_planned_h": _r(delta(plan, act)),
                        "delta_actual_vs_planned_pct": _r(percent_delta(plan, act), PERCENT_DECIMALS),
                        "delta_simulated_vs_planned_h": _r(delta(plan, sim)),
                        "delta_simulated_vs_planned_pct": _r(percent_delta(plan, sim), PERCENT_DECIMALS),
                        "delta_simulated_vs_actual_h": _r(delta(act, sim)),
                        "delta_simulated_vs_actual_pct": _r(percent_delta(act, sim), PERCENT_DECIMALS),
                        "simulated_wait_h": _r(k.wait.get(m)),
                        "simulated_elapsed_h": _r(sim_el),
                        "actual_elapsed_h": _r(act_el),
                        "delta_actual_elapsed_vs_planned_h": _r(delta(plan, act_el)),
                        "delta_actual_elapsed_vs_planned_pct": _r(percent_delta(plan, act_el), PERCENT_DECIMALS),
                        "delta_simulated_elapsed_vs_planned_h": _r(delta(plan, sim_el)),
                        "delta_simulated_elapsed_vs_planned_pct": _r(percent_delta(plan, sim_el), PERCENT_DECIMALS),
                        "delta_simulated_elapsed_vs_actual_elapsed_h": _r(delta(act_el, sim_el)),
                        "delta_simulated_elapsed_vs_actual_elapsed_pct": _r(
                            percent_delta(act_el, sim_el), PERCENT_DECIMALS
                        ),
                    },
                )
        return rows


Spreads = Mapping[str, Mapping[str, SimulatedSpread]]
