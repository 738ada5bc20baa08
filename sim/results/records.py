"""Results of simulation runs: plain, immutable records that reports and plots consume.

A ``Timeline`` is one run: per phase its start, end, the time it was ready (all predecessors
done plus lags), how long it then waited and why, and how many attempts it took. Times are
float seconds since the scenario epoch; helpers give UTC and hours for output.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from sim.timebase import HOUR_S, format_met, format_utc, format_utc_many, to_utc

HOURS_DECIMALS = 3
CRITICAL_TOL_S = 1e-3  # total float below a millisecond is zero (times are sums of float seconds)


@dataclass(frozen=True, slots=True)
class PhaseRecord:
    """One phase of one run. ``wait_s = start_s - ready_s``; ``wait_cause`` names why."""

    id: str
    name: str
    kind: str
    element: str
    ready_s: float
    start_s: float
    end_s: float
    wait_cause: str | None = None
    attempts: int = 1
    outcome: str = "done"  # done, skipped, aborted (the mission stopped here) or not_run
    wait_window_s: float = 0.0
    wait_resource_s: float = 0.0
    failure_s: float = 0.0  # run time lost to failed attempts (their delays and window waits) and holds
    family: str | None = None  # for a scenario's own kind (``kinds:``), the built-in kind it stands for
    deadline_s: float | None = None  # the phase's ``deadline`` (finish no later than), if it has one
    late_start_s: float | None = None  # CPM late dates and floats (``sim.engine.cpm``), when computed
    late_finish_s: float | None = None
    total_float_s: float | None = None
    free_float_s: float | None = None

    @property
    def colour_kind(self) -> str:
        """The built-in kind that colours and groups this phase (its own kind, or its family)."""
        return self.family or self.kind

    @property
    def critical(self) -> bool | None:
        """On a zero-float chain (total float under a millisecond); None when not computed."""
        return None if self.total_float_s is None else self.total_float_s <= CRITICAL_TOL_S

    @property
    def deadline_margin_s(self) -> float | None:
        """Deadline minus end (negative: missed by that much); None without a deadline or a run."""
        if self.deadline_s is None or self.outcome == "not_run":
            return None
        return self.deadline_s - self.end_s

    physics: dict[str, Any] | None = field(default=None, hash=False, compare=False)
    """What a physics duration source derived (``{"burn": {...}}``, ``{"orbit": {...}}``), or None."""

    @property
    def duration_s(self) -> float:
        """End minus start, in seconds."""
        return self.end_s - self.start_s

    @property
    def wait_s(self) -> float:
        """Time between being ready and starting, in seconds."""
        return self.start_s - self.ready_s

    def wait_segments(self) -> list[tuple[str, float, float]]:
        """The waits before the phase as ``(cause, from_s, to_s)``, in the order they happen:
        window first, then resource."""
        out = []
        t = self.ready_s
        for cause, wait in (("window", self.wait_window_s), ("resource", self.wait_resource_s)):
            if wait > 0:
                out.append((cause, t, t + wait))
                t += wait
        return out


@dataclass(frozen=True)
class Timeline:
    """One run of a scenario."""

    scenario_id: str
    name: str
    epoch: datetime
    phases: tuple[PhaseRecord, ...]
    outcome: str = "success"
    elements: tuple[str, ...] = ()

    @property
    def end_s(self) -> float:
        """End of the last phase that ran, seconds since the epoch."""
        ran = [p.end_s for p in self.phases if p.outcome != "not_run"]
        return max(ran) if ran else 0.0

    @property
    def duration_s(self) -> float:
        """Mission duration from the epoch to the last end, seconds."""
        return self.end_s

    def utc(self, t_s: float) -> datetime:
        """UTC datetime of a time on this run's time base."""
        return to_utc(self.epoch, t_s)

    def phase(self, phase_id: str) -> PhaseRecord:
        """The record of a phase id (KeyError if none)."""
        for p in self.phases:
            if p.id == phase_id:
                return p
        raise KeyError(phase_id)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``lunarsim run --json`` (see DESIGN.md, "Outputs")."""
        out = {
            "scenario": self.scenario_id,
            "name": self.name,
            "epoch": format_utc(self.epoch),
            "outcome": self.outcome,
            "end": format_utc(self.utc(self.end_s)),
            "duration_h": hours(self.duration_s),
            "phases": [
                {
                    "id": p.id,
                    "name": p.name,
                    "kind": p.kind,
                    "element": p.element,
                    "start": format_utc(self.utc(p.start_s)),
                    "end": format_utc(self.utc(p.end_s)),
                    "duration_h": hours(p.duration_s),
                    "wait_h": hours(p.wait_s),
                    "wait_cause": p.wait_cause,
                    "attempts": p.attempts,
                    **_schedule_fields(self, p),
                    **(p.physics or {}),
                }
                for p in self.phases
            ],
        }
        if any(p.total_float_s is not None for p in self.phases):
            out["critical_path"] = [p.id for p in self.phases if p.critical]
        missed = self.missed_deadlines()
        if any(p.deadline_s is not None for p in self.phases):
            out["deadlines_missed"] = [p.id for p in missed]
        return out

    def missed_deadlines(self) -> list[PhaseRecord]:
        """Phases that ended after their deadline (or never ran, with one)."""
        return [
            p
            for p in self.phases
            if p.deadline_s is not None and (p.deadline_margin_s is None or p.deadline_margin_s < 0)
        ]

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per phase indexed by id: UTC datetimes (tz-aware), durations
        as timedeltas and hours (``sim.results.frames.timeline_frame``; needs the ``pandas`` extra)."""
        from sim.results.frames import timeline_frame

        return timeline_frame(self)

    def _repr_html_(self) -> str:
        """The run as a small HTML table (notebooks show it for a bare ``timeline``)."""
        from sim.results.html import timeline_html

        return timeline_html(self)

    def csv_rows(self) -> list[dict[str, Any]]:
        """One row per phase, for ``--csv``: UTC times, seconds, hours and MET."""
        return [
            {
                "scenario": self.scenario_id,
                "id": p.id,
                "name": p.name,
                "kind": p.kind,
                "element": p.element,
                "start": format_utc(self.utc(p.start_s)),
                "end": format_utc(self.utc(p.end_s)),
                "start_s": round(p.start_s, 3),
                "end_s": round(p.end_s, 3),
                "duration_h": hours(p.duration_s),
                "wait_h": hours(p.wait_s),
                "wait_cause": p.wait_cause or "",
                "attempts": p.attempts,
                "met_start": format_met(p.start_s),
                "met_end": format_met(p.end_s),
            }
            for p in self.phases
        ]


def _schedule_fields(timeline: Timeline, p: PhaseRecord) -> dict[str, Any]:
    """The optional ``run --json`` fields of a phase: deadline check, CPM late dates and floats."""
    out: dict[str, Any] = {}
    if p.late_start_s is not None and p.late_finish_s is not None:
        out["late_start"] = format_utc(timeline.utc(p.late_start_s))
        out["late_finish"] = format_utc(timeline.utc(p.late_finish_s))
    if p.total_float_s is not None and p.free_float_s is not None:
        out["total_float_h"] = hours(p.total_float_s)
        out["free_float_h"] = hours(p.free_float_s)
        out["critical"] = p.critical
    if p.deadline_s is not None:
        margin = p.deadline_margin_s
        out["deadline"] = format_utc(timeline.utc(p.deadline_s))
        out["deadline_margin_h"] = None if margin is None else hours(margin)
        out["deadline_met"] = margin is not None and margin >= 0
    return out


def hours(t_s: float) -> float:
    """Seconds to hours, rounded for output (a numpy scalar is converted to ``float`` first)."""
    return round(float(t_s) / HOUR_S, HOURS_DECIMALS)


OUTCOMES = ("success", "aborted")  # the labels of replication_columns()["outcome"] codes 0 and 1

# Per-phase arrays of an ensemble cover its first PHASE_ROWS replications at most (the per-phase
# percentiles' sampling error there is ~0.3 % of a phase's spread at P90, far below the hours
# shown; sensitivity uses the same prefix), and at most PHASE_CELLS cells (rows x phases: 24 MB
# of float32 for both arrays).
PHASE_ROWS = 100_000
PHASE_CELLS = 3_000_000


def phase_rows(phases: int) -> int:
    """How many replications, from the first, keep their per-phase durations and ends (unless a
    run asks for every one): ``PHASE_ROWS`` up to 30 phases, then fewer so that a long scenario's
    per-phase arrays stay within ``PHASE_CELLS`` (3,000 phases: 1,000 replications). The
    per-phase statistics (percentiles, sensitivity) use this prefix."""
    return max(1, min(PHASE_ROWS, PHASE_CELLS // max(phases, 1)))


@dataclass(frozen=True)
class Ensemble:
    """N replications of a scenario, as numpy arrays (replications in seed-stream order).

    Mission-level arrays (``end_s``, ``success``, ``block_ids``) cover all N replications, in
    float64. The per-phase arrays ``duration_s`` and ``phase_end_s`` (float32 seconds) cover a
    prefix: every replication when the run asked for them all (``per_replication``), otherwise
    the first ``min(N, phase_rows(P))``; ``rows`` says how many.
    ``critical_count`` and ``sums`` (slip parts ``slip_{overrun,failure,window,resource,upstream}_s``
    against the nominal run, waits ``wait_{window,resource}_s`` and run times ``duration_s``) are
    sums over all successful replications, accumulated block by block in a fixed order so that
    they do not depend on the number of workers.
    """

    scenario_id: str
    name: str
    epoch: datetime
    seed: int
    engine: str
    phase_ids: tuple[str, ...]
    end_s: np.ndarray  # (N,) float64, mission end (last phase end) per replication
    success: np.ndarray  # (N,) bool
    duration_s: np.ndarray  # (rows, P) float32, each phase's run time (duration, plus retries and holds)
    phase_end_s: np.ndarray  # (rows, P) float32
    critical_count: np.ndarray  # (P,) int64, successful replications with the phase on the critical chain
    sums: dict[str, np.ndarray]  # (P,) sums over successful replications: slip parts and waits (seconds)
    block_ids: np.ndarray  # (N,) int32, the seed stream (block) index of each replication
    risk_ids: tuple[str, ...] = ()  # the scenario's risk events, in file order
    risk_occurred: np.ndarray | None = None  # (N, R) bool: did risk r occur in the replication

    @property
    def replications(self) -> int:
        """Number of replications N."""
        return int(self.end_s.shape[0])

    @property
    def rows(self) -> int:
        """How many replications, from the first, the per-phase arrays cover."""
        return int(self.duration_s.shape[0])

    @property
    def successes(self) -> int:
        """Number of replications in which the mission did not abort."""
        return int(self.success.sum())

    def to_pandas(self, *, phase_ends: bool | None = None) -> Any:
        """A pandas DataFrame, one row per replication: outcome, UTC end (tz-aware), duration as a
        timedelta and hours, and each phase's end when the run kept them for every replication
        (``sim.results.frames.ensemble_frame``; needs the ``pandas`` extra)."""
        from sim.results.frames import ensemble_frame

        return ensemble_frame(self, phase_ends=phase_ends)

    def _repr_html_(self) -> str:
        """Mission-end percentiles and the most critical phases as small HTML tables (notebooks)."""
        from sim.results.html import ensemble_html

        return ensemble_html(self)

    def replication_columns(self) -> dict[str, np.ndarray]:
        """The table of ``lunarsim mc --parquet`` as typed columns: the columns of ``replication_rows``,
        with ``outcome`` as codes into ``OUTCOMES`` (0 success, 1 aborted), ``end`` as UTC
        ``datetime64[ms]`` (naive, UTC), hours unrounded (``duration_h`` in float64;
        the phase ends in float32, as the engine keeps them: 0.1 s resolution at 1,000 h), and NaN
        where an abort left a phase unrun.

        Raises:
            ValueError: the ensemble kept per-phase ends for a prefix only.
        """
        if self.rows != self.replications:
            raise ValueError("per-replication columns need monte_carlo(..., per_replication=True)")
        epoch_ms = np.datetime64(self.epoch.astimezone(UTC).replace(tzinfo=None), "ms")
        with np.errstate(invalid="ignore"):  # an aborted replication may have a NaN end
            end_ms = np.rint(self.end_s * 1000.0).astype("timedelta64[ms]")
        columns: dict[str, np.ndarray] = {
            "replication": np.arange(self.replications, dtype=np.int64),
            "seed_stream": self.block_ids,
            "outcome": (~self.success).astype(np.int8),  # codes into OUTCOMES
            "end": epoch_ms + end_ms,
            "duration_h": self.end_s / HOUR_S,
        }
        for k, pid in enumerate(self.phase_ids):
            columns[f"{pid}_end_h"] = np.ascontiguousarray(self.phase_end_s[:, k] / np.float32(HOUR_S), np.float32)
        return columns

    def replication_rows(self, chunk: int = 8192) -> Iterator[list[Any]]:
        """The table of ``lunarsim mc --csv``: a header, then one row per replication.

        Columns: ``replication``, ``seed_stream`` (its block), ``outcome`` (success or aborted),
        ``end`` (UTC), ``duration_h`` (hours after the epoch) and ``<phase>_end_h`` per phase,
        empty where an abort left the phase unrun. Rows are built ``chunk`` at a time, so a
        million of them stream to a file without a million dicts in memory. Needs every
        replication's per-phase ends (``monte_carlo(..., per_replication=True)``).

        Raises:
            ValueError: the ensemble kept per-phase ends for a prefix only.
        """
        n = self.replications
        if self.rows != n:
            raise ValueError("per-replication rows need monte_carlo(..., per_replication=True)")
        yield ["replication", "seed_stream", "outcome", "end", "duration_h", *(f"{p}_end_h" for p in self.phase_ids)]
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            ok = self.success[lo:hi]
            end = self.end_s[lo:hi]
            phases = np.round((self.phase_end_s[lo:hi] / HOUR_S).astype(np.float64), 4).tolist()
            for r in np.flatnonzero(~ok).tolist():  # only an aborted replication has unrun phases (NaN)
                phases[r] = ["" if v != v else v for v in phases[r]]
            columns = (
                self.block_ids[lo:hi].tolist(),
                np.where(ok, "success", "aborted").tolist(),
                format_utc_many(self.epoch, end),
                np.round(end / HOUR_S, 4).tolist(),
                phases,
            )
            for k, (block, outcome, utc, duration_h, ends_h) in enumerate(zip(*columns, strict=True)):
                yield [lo + k, block, outcome, utc, duration_h, *ends_h]
