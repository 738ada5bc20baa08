"""The typed Monte Carlo summary: what ``lunarsim mc`` reports of an ensemble, in seconds and
aware UTC datetimes, unrounded.

``sim.results.statistics.monte_carlo_summary`` fills a ``MonteCarloSummary``; the JSON of
``lunarsim mc --json`` (``to_dict``), the terminal tables (``sim.report.tables.mc_tables``), the
HTML report's risk section (``sim.report.html``) and the charts are views of it:

- ``MonteCarloSummary``: scenario, replications, seed, engine, P(success), the mission end
  (``EndSpread``: P10/P50/P80/P90 as seconds after the epoch and UTC) with the mean and standard
  deviation of the duration, the ``--deadline`` odds, the risk events, the phase deadlines and one
  ``PhaseStats`` per phase;
- ``PhaseStats``: a phase's run-time percentiles and mean, end percentiles, criticality,
  sensitivity, end swing, mean waits and slip parts, and the flown duration with its percentile
  among the simulated run times;
- ``DeadlineOdds`` (the mission's ``--deadline``) and ``PhaseDeadlineOdds`` (a phase's
  ``deadline``): P(on time) and, for a phase, margin percentiles;
- ``RiskEffect``: how often a risk event occurred and the mission-end delay it caused.

A program (``scenarios/ilrs.yaml``) is summarised as its merged scenario, whose ids carry the
mission id (``change7__landing``, ``sim.engine.program``). Its summary also keeps each mission's
own ids: ``MonteCarloSummary.missions`` lists the missions, and every ``PhaseStats``,
``RiskEffect`` and ``PhaseDeadlineOdds`` carries ``mission`` and its own ``phase_id`` (or
``risk_id``); ``id`` stays the merged id. For a single scenario ``missions`` and ``mission`` are
None and the own id is ``id``. The JSON of a program adds ``"missions"`` to the summary and
``"mission"`` and ``"phase"`` (a risk: ``"risk"``) to each row, after ``"id"``; a single
scenario's JSON has none of them.

The JSON rounds at the edge only, as ``lunarsim mc --json`` always has: hours to 3 decimals
(``sim.results.records.hours``), probabilities to 6, criticality and sensitivity to 4, the flown
percentile to 2, UTC to the second. Pure data: imports the kernel, ``records.hours`` and
``sim.results.spread`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sim.results.records import hours
from sim.results.spread import PERCENTILES, EndSpread
from sim.timebase import HOUR_S, format_utc

#: Decimals of the flown value's percentile in the JSON (the tables show it to 1 %).
PERCENTILE_DECIMALS = 2
#: The note the JSON gives beside ``phase_sample``.
PHASE_SAMPLE_NOTE = "first successful replications; mission-level figures use all of them"
#: The slip parts of a phase, in the order the JSON lists them.
SLIP_PARTS = ("overrun", "failure", "window", "resource", "upstream")


@dataclass(frozen=True)
class RiskEffect:
    """One risk event over an ensemble: the share of replications in which it occurred and
    ``end_delay_s``, the mean mission end of the successful replications where it occurred minus
    the mean where it did not (None when either set is empty). Unrounded; ``to_dict`` rounds."""

    id: str
    occurred_fraction: float
    end_delay_s: float | None
    #: The mission of a program the risk belongs to (None for a single scenario) and its own id there.
    mission: str | None = None
    risk_id: str = ""

    def __post_init__(self) -> None:
        if not self.risk_id:
            object.__setattr__(self, "risk_id", self.id)  # frozen: filled once, at construction

    @property
    def expected_delay_s(self) -> float | None:
        """``occurred_fraction`` times ``end_delay_s``: the delay the event adds on average."""
        return None if self.end_delay_s is None else self.occurred_fraction * self.end_delay_s

    def to_dict(self, keyed: bool = False) -> dict[str, Any]:
        """``{"id", "occurred_fraction", "end_delay_h"}`` as in ``lunarsim mc --json``; ``keyed``
        (a program) adds ``"mission"`` and ``"risk"`` (its own id) after ``"id"``."""
        delay = hours(self.end_delay_s) if self.end_delay_s is not None else None
        return {
            "id": self.id,
            **({"mission": self.mission, "risk": self.risk_id} if keyed else {}),
            "occurred_fraction": round(self.occurred_fraction, 6),
            "end_delay_h": delay,
        }


@dataclass(frozen=True)
class DeadlineOdds:
    """P(success and the mission ends by ``at_utc``); ``at_s`` is the deadline in seconds after the epoch."""

    at_utc: datetime
    at_s: float
    probability: float

    def to_dict(self) -> dict[str, Any]:
        """``{"at", "hours_after_epoch", "probability"}`` as in ``lunarsim mc --json``."""
        return {
            "at": format_utc(self.at_utc),
            "hours_after_epoch": hours(self.at_s),
            "probability": round(self.probability, 6),
        }


@dataclass(frozen=True)
class PhaseDeadlineOdds:
    """A phase's ``deadline``: P(it ends by it; an abort misses it) over the ``replications`` that
    keep per-phase ends, and P10/P50/P90 of the margin (deadline minus end, seconds; None when no
    successful replication ran the phase)."""

    id: str
    deadline_utc: datetime
    deadline_s: float
    probability: float
    margin_p10_s: float | None
    margin_p50_s: float | None
    margin_p90_s: float | None
    replications: int
    #: The mission of a program the phase belongs to (None for a single scenario) and its own id there.
    mission: str | None = None
    phase_id: str = ""

    def __post_init__(self) -> None:
        if not self.phase_id:
            object.__setattr__(self, "phase_id", self.id)  # frozen: filled once, at construction

    def to_dict(self, keyed: bool = False) -> dict[str, Any]:
        """``{"id", "deadline", "probability", "margin_h", "replications"}`` as in ``lunarsim mc
        --json``; ``keyed`` (a program) adds ``"mission"`` and ``"phase"`` (its own id) after ``"id"``."""
        margins = (self.margin_p10_s, self.margin_p50_s, self.margin_p90_s)
        margin_h = None
        if self.margin_p10_s is not None:
            margin_h = {f"p{q}": hours(m) for q, m in zip((10, 50, 90), margins, strict=True) if m is not None}
        return {
            "id": self.id,
            **({"mission": self.mission, "phase": self.phase_id} if keyed else {}),
            "deadline": format_utc(self.deadline_utc),
            "probability": round(self.probability, 6),
            "margin_h": margin_h,
            "replications": self.replications,
        }


@dataclass(frozen=True)
class PhaseStats:
    """One phase over an ensemble, seconds, unrounded.

    Run-time and end percentiles (``duration_p50_s``, ``end_p50_s``: end seconds after the epoch)
    come from the successful replications among those that keep per-phase arrays (see
    ``MonteCarloSummary.phase_sample``); they are None when no successful replication ran the
    phase. ``duration_mean_s``, ``criticality``, the waits and the slip parts are means over every
    successful replication. ``actual_s`` is the flown duration (None when the scenario does not
    give both flown times, or the phase never ran); ``actual_percentile`` where it falls among the
    simulated run times, 0-100 (``sim.results.statistics.percentile_of``; None for a run time
    that never varies).
    """

    id: str
    duration_mean_s: float | None
    duration_p10_s: float | None
    duration_p50_s: float | None
    duration_p90_s: float | None
    end_p10_s: float | None
    end_p50_s: float | None
    end_p90_s: float | None
    criticality: float
    sensitivity: float
    end_swing_s: float
    wait_window_s: float
    wait_resource_s: float
    slip_overrun_s: float
    slip_failure_s: float
    slip_window_s: float
    slip_resource_s: float
    slip_upstream_s: float
    actual_s: float | None = None
    actual_percentile: float | None = None
    #: The mission of a program the phase belongs to (None for a single scenario, and for a
    #: program's ``program_start``) and its own id there (``id`` when there is no mission).
    mission: str | None = None
    phase_id: str = ""

    def __post_init__(self) -> None:
        if not self.phase_id:
            object.__setattr__(self, "phase_id", self.id)  # frozen: filled once, at construction

    @property
    def ran(self) -> bool:
        """Whether any successful replication (of the per-phase sample) ran the phase."""
        return self.duration_p50_s is not None

    @property
    def wait_s(self) -> float:
        """Mean wait in front of the phase: window plus resource."""
        return self.wait_window_s + self.wait_resource_s

    def slip_s(self, part: str) -> float:
        """Mean slip of one part (``overrun``, ``failure``, ``window``, ``resource``, ``upstream``)."""
        if part not in SLIP_PARTS:
            raise ValueError(f"slip part must be one of {SLIP_PARTS}, not {part!r}")
        return float(getattr(self, f"slip_{part}_s"))

    @property
    def slip_total_s(self) -> float:
        """Mean slip against the nominal run: the sum of the parts."""
        return sum(self.slip_s(k) for k in SLIP_PARTS)

    def to_dict(self, keyed: bool = False) -> dict[str, Any]:
        """The phase's object in ``phases`` of ``lunarsim mc --json``; ``keyed`` (a program) adds
        ``"mission"`` and ``"phase"`` (its own id) after ``"id"``."""
        row: dict[str, Any] = {"id": self.id}
        if keyed:
            row |= {"mission": self.mission, "phase": self.phase_id}
        if self.ran:
            row["duration_h"] = {
                "mean": hours(self.duration_mean_s or 0.0),
                "p10": hours(self.duration_p10_s or 0.0),
                "p50": hours(self.duration_p50_s or 0.0),
                "p90": hours(self.duration_p90_s or 0.0),
            }
            row["end_h"] = {
                "p10": hours(self.end_p10_s or 0.0),
                "p50": hours(self.end_p50_s or 0.0),
                "p90": hours(self.end_p90_s or 0.0),
            }
        else:
            row["duration_h"] = row["end_h"] = None
        row["criticality"] = round(self.criticality, 4)
        row["sensitivity"] = round(self.sensitivity, 4)
        row["end_swing_h"] = round(self.end_swing_s / HOUR_S, 3)
        row["wait_h"] = {
            "mean": hours(self.wait_s),
            "window": hours(self.wait_window_s),
            "resource": hours(self.wait_resource_s),
        }
        row["slip_h"] = {**{k: hours(self.slip_s(k)) for k in SLIP_PARTS}, "total": hours(self.slip_total_s)}
        if self.actual_s is not None:
            row["actual_h"] = hours(self.actual_s)
            if self.actual_percentile is not None:
                row["actual_percentile"] = round(self.actual_percentile, PERCENTILE_DECIMALS)
        return row


@dataclass(frozen=True)
class MonteCarloSummary:
    """The summary of an ensemble (``lunarsim mc``), typed.

    ``end`` is the spread of the mission end over the successful replications (seconds after
    ``epoch``, and UTC; the mission duration is the same number since the epoch) and
    ``duration_mean_s``/``duration_std_s`` its mean and standard deviation; all three are None
    when no replication succeeded. ``deadline`` is set when a ``--deadline`` was given. ``risks``
    is None for a scenario without risk events; ``phase_deadlines`` None when no phase deadline
    was asked for. ``phase_sample`` is the number of successful replications the per-phase
    percentiles use when that is a prefix of the ensemble (a run larger than
    ``sim.results.records.phase_rows``), else None.
    """

    scenario_id: str
    replications: int
    seed: int
    engine: str
    epoch: datetime
    success_probability: float
    end: EndSpread | None
    duration_mean_s: float | None
    duration_std_s: float | None
    phases: tuple[PhaseStats, ...]
    deadline: DeadlineOdds | None = None
    risks: tuple[RiskEffect, ...] | None = None
    phase_deadlines: tuple[PhaseDeadlineOdds, ...] | None = None
    phase_sample: int | None = None
    #: The missions of a program, in its order (None for a single scenario).
    missions: tuple[str, ...] | None = None

    def phase(self, phase_id: str, mission: str | None = None) -> PhaseStats:
        """The statistics of one phase by id, or of a program's phase by its mission and own id
        (KeyError if there is no such phase)."""
        for p in self.phases:
            if (p.id == phase_id) if mission is None else (p.mission == mission and p.phase_id == phase_id):
                return p
        raise KeyError(phase_id if mission is None else (mission, phase_id))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``lunarsim mc --json`` (DESIGN.md "Outputs", extended); a program's
        adds ``"missions"`` and each row's ``"mission"`` and own id (see the module docstring)."""
        keyed = self.missions is not None
        out: dict[str, Any] = {
            "scenario": self.scenario_id,
            **({"missions": list(self.missions)} if self.missions is not None else {}),
            "replications": self.replications,
            "seed": self.seed,
            "engine": self.engine,
            "success_probability": round(self.success_probability, 6),
        }
        if self.end is not None:
            out["duration_h"] = {
                "mean": hours(self.duration_mean_s or 0.0),
                "std": hours(self.duration_std_s or 0.0),
                **{f"p{q}": hours(self.end.s(q)) for q in PERCENTILES},
            }
            out["end"] = self.end.utc_dict()
        else:
            out["duration_h"] = None
            out["end"] = None
        if self.deadline is not None:
            out["deadline"] = self.deadline.to_dict()
        if self.risks is not None:
            out["risks"] = [e.to_dict(keyed) for e in self.risks]
        if self.phase_deadlines is not None:
            out["phase_deadlines"] = [d.to_dict(keyed) for d in self.phase_deadlines]
        if self.phase_sample is not None:
            out["phase_statistics"] = {"replications": self.phase_sample, "note": PHASE_SAMPLE_NOTE}
        out["phases"] = [p.to_dict(keyed) for p in self.phases]
        return out
