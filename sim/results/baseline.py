"""Baseline vs revision: two versions of one mission (same id), phase by phase.

``lunarsim compare OLD.yaml NEW.yaml`` with the same mission id compares the nominal run of a
baseline with that of a revision, as a scheduler compares a schedule with its baseline: per
phase the start, end and duration in each and their variances (revision minus baseline, hours;
positive = later or longer), and the mission end. Phases are matched by id; a phase present in
one version only is listed with the other side empty (``added`` / ``removed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.results.records import Timeline, hours
from sim.timebase import format_utc


@dataclass(frozen=True)
class BaselineRow:
    """One phase in the baseline and the revision (seconds since each run's epoch -> UTC)."""

    id: str
    name: str
    status: str  # "both", "added" (revision only) or "removed" (baseline only)
    old: tuple[float, float] | None  # (start, end) UTC seconds since 1970, or None
    new: tuple[float, float] | None

    def _delta(self, k: int) -> float | None:
        if self.old is None or self.new is None:
            return None
        return self.new[k] - self.old[k]

    @property
    def start_variance_s(self) -> float | None:
        """Revision start minus baseline start."""
        return self._delta(0)

    @property
    def end_variance_s(self) -> float | None:
        """Revision end minus baseline end."""
        return self._delta(1)

    @property
    def duration_variance_s(self) -> float | None:
        """Revision duration minus baseline duration."""
        if self.old is None or self.new is None:
            return None
        return (self.new[1] - self.new[0]) - (self.old[1] - self.old[0])

    def to_dict(self) -> dict[str, Any]:
        """One entry of ``"phases"`` of the baseline comparison JSON."""

        def side(v: tuple[float, float] | None) -> dict[str, Any] | None:
            if v is None:
                return None
            return {"start": _utc(v[0]), "end": _utc(v[1]), "duration_h": hours(v[1] - v[0])}

        def h(v: float | None) -> float | None:
            return None if v is None else hours(v)

        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "baseline": side(self.old),
            "revision": side(self.new),
            "start_variance_h": h(self.start_variance_s),
            "end_variance_h": h(self.end_variance_s),
            "duration_variance_h": h(self.duration_variance_s),
        }


@dataclass(frozen=True)
class BaselineComparison:
    """A baseline and a revision of one mission."""

    mission: str
    baseline_label: str
    revision_label: str
    baseline_end_s: float  # UTC seconds since 1970
    revision_end_s: float
    rows: tuple[BaselineRow, ...]

    @property
    def end_variance_s(self) -> float:
        """Revision mission end minus baseline mission end."""
        return self.revision_end_s - self.baseline_end_s

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``lunarsim compare OLD NEW --json`` for one mission id."""
        return {
            "mission": self.mission,
            "baseline": self.baseline_label,
            "revision": self.revision_label,
            "mission_end": {
                "baseline": _utc(self.baseline_end_s),
                "revision": _utc(self.revision_end_s),
                "variance_h": hours(self.end_variance_s),
            },
            "phases": [r.to_dict() for r in self.rows],
        }


def baseline_compare(
    baseline: Timeline, revision: Timeline, baseline_label: str = "baseline", revision_label: str = "revision"
) -> BaselineComparison:
    """Phase-by-phase variances of ``revision`` against ``baseline`` (same mission id).

    Raises:
        ValueError: the two runs are of different missions.
    """
    if baseline.scenario_id != revision.scenario_id:
        raise ValueError(f"baseline {baseline.scenario_id!r} and revision {revision.scenario_id!r} differ")

    def times(t: Timeline) -> dict[str, tuple[float, float]]:
        e = t.epoch.timestamp()
        return {p.id: (e + p.start_s, e + p.end_s) for p in t.phases if p.outcome != "not_run"}

    old, new = times(baseline), times(revision)
    names = {p.id: p.name for p in baseline.phases} | {p.id: p.name for p in revision.phases}
    ids = [p.id for p in revision.phases] + [p.id for p in baseline.phases if p.id not in new]
    rows = tuple(
        BaselineRow(
            id=pid,
            name=names[pid],
            status="both" if pid in old and pid in new else ("added" if pid in new else "removed"),
            old=old.get(pid),
            new=new.get(pid),
        )
        for pid in ids
    )
    return BaselineComparison(
        mission=revision.scenario_id,
        baseline_label=baseline_label,
        revision_label=revision_label,
        baseline_end_s=baseline.epoch.timestamp() + baseline.end_s,
        revision_end_s=revision.epoch.timestamp() + revision.end_s,
        rows=rows,
    )


def _utc(t: float) -> str:
    from datetime import UTC, datetime

    return format_utc(datetime.fromtimestamp(t, tz=UTC))
