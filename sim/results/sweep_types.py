"""The typed result of a sweep: one row per variant, times as seconds and aware UTC datetimes.

A study (``sim.study.sweep``) fills a ``SweepResult``; the JSON of ``lunarsim sweep --json``
(``to_dict``), its CSV (``csv_rows``), the terminal table (``sim.report.sweep``) and the chart
(``sim.plots.sweep``) are views of it. Nothing downstream parses a formatted string back:

- ``EndSpread``: P10/P50/P80/P90 of an end time, in seconds after the variant's epoch
  (``p50_s``) and as the UTC instant (``p50_utc``, aware, not rounded);
- ``MilestoneStats``: the same for one phase, plus P(it ends by the deadline);
- ``VariantRow``: the varied values, P(success), the mission's spread, the milestone, the
  deadline probability, or the ``error`` of a variant that did not run;
- ``Axis``: one varied key, its SPEC, the kind of its values and the values (the text ``--set``
  received), with the values typed (``dates_utc``, ``durations_s``, ``numbers``).

The JSON rounds at the edge only: hours to 3 decimals, probabilities to 6, UTC to the second
(the shapes and rounding ``lunarsim sweep --json`` has always printed). ``SweepResult.from_dict``
reads such a JSON back (a saved ``--json`` file) into the same types, with that precision.
Pure data: imports the kernel and ``sim.results.spread`` (``EndSpread``, the percentile levels) only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sim.results.spread import PERCENTILES
from sim.results.spread import EndSpread as EndSpread  # re-exported: the sweep rows use it
from sim.timebase import format_utc, parse_duration, parse_utc

Kind = Literal["date", "duration", "number", "text"]


@dataclass(frozen=True)
class Axis:
    """One varied key: its ``--set`` path, the SPEC as given, the kind of values, and the values."""

    key: str
    spec: str
    kind: Kind
    values: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"key", "spec", "kind", "count"}`` for the JSON header."""
        return {"key": self.key, "spec": self.spec, "kind": self.kind, "count": len(self.values)}

    @property
    def dates_utc(self) -> tuple[datetime, ...]:
        """The values of a ``date`` axis as aware UTC datetimes.

        Raises:
            ValueError: the axis is not of kind ``date``.
        """
        self._need("date")
        return tuple(parse_utc(v) for v in self.values)

    @property
    def durations_s(self) -> tuple[float, ...]:
        """The values of a ``duration`` axis in seconds (ValueError for another kind)."""
        self._need("duration")
        return tuple(parse_duration(v) for v in self.values)

    @property
    def numbers(self) -> tuple[float, ...]:
        """The values of a ``number`` axis (ValueError for another kind)."""
        self._need("number")
        return tuple(float(v) for v in self.values)

    def _need(self, kind: Kind) -> None:
        if self.kind != kind:
            raise ValueError(f"axis {self.key!r} holds {self.kind} values, not {kind} values")


def _p6(p: float | None) -> float | None:
    return None if p is None else round(p, 6)


@dataclass(frozen=True)
class MilestoneStats:
    """The end of the ``--milestone`` phase in one variant, and P(success and it ends by the deadline)."""

    id: str
    end: EndSpread | None
    deadline_probability: float | None = None


@dataclass(frozen=True)
class VariantRow:
    """One variant of a study: its values (key -> text ``--set`` received) and its statistics.

    A variant that did not run has ``error`` set and every statistic None.
    """

    values: Mapping[str, str] = field(default_factory=dict)
    epoch_utc: datetime | None = None
    success_probability: float | None = None
    end: EndSpread | None = None
    milestone: MilestoneStats | None = None
    deadline_probability: float | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the variant ran."""
        return self.error is None

    def to_dict(self, milestone: str | None = None, deadline: bool = False) -> dict[str, Any]:
        """The row of the JSON; ``milestone``/``deadline`` say whether the study asked for them."""
        row: dict[str, Any] = {"values": dict(self.values)}
        if self.error is not None:
            row.update(success_probability=None, duration_h=None, end=None)
            if milestone is not None:
                row["milestone"] = None
            if deadline:
                row["deadline"] = None
            row["error"] = self.error
            return row
        row["success_probability"] = _p6(self.success_probability)
        row["duration_h"] = self.end.hours_dict() if self.end else None
        row["end"] = self.end.utc_dict() if self.end else None
        if milestone is not None and self.milestone is not None:
            m = self.milestone
            block: dict[str, Any] = {
                "id": m.id,
                "end_h": m.end.hours_dict() if m.end else None,
                "end": m.end.utc_dict() if m.end else None,
            }
            if deadline:
                block["deadline_probability"] = _p6(m.deadline_probability)
            row["milestone"] = block
        if deadline:
            row["deadline"] = {"probability": _p6(self.deadline_probability)}
        row["error"] = None
        return row

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> VariantRow:
        """Read one JSON row back."""
        m = row.get("milestone")
        milestone = (
            MilestoneStats(m["id"], EndSpread.from_dict(m.get("end_h"), m.get("end")), m.get("deadline_probability"))
            if m
            else None
        )
        return cls(
            values=dict(row["values"]),
            success_probability=row.get("success_probability"),
            end=EndSpread.from_dict(row.get("duration_h"), row.get("end")),
            milestone=milestone,
            deadline_probability=(row.get("deadline") or {}).get("probability"),
            error=row.get("error"),
        )


@dataclass(frozen=True)
class SweepResult:
    """A study's rows in grid order (the first key changes slowest), with the study's header."""

    scenario_id: str
    name: str
    axes: tuple[Axis, ...]
    replications: int
    seed: int
    milestone: str | None
    deadline_utc: datetime | None
    variants: tuple[VariantRow, ...]

    @property
    def failed(self) -> list[VariantRow]:
        """Rows of variants that did not run."""
        return [r for r in self.variants if r.error is not None]

    @property
    def rows(self) -> tuple[dict[str, Any], ...]:
        """The rows as in the JSON (``to_dict()["variants"]``), for scripts that read dicts."""
        return tuple(self._row_dicts())

    def _row_dicts(self) -> list[dict[str, Any]]:
        deadline = self.deadline_utc is not None
        return [r.to_dict(self.milestone, deadline) for r in self.variants]

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``lunarsim sweep --json``."""
        out: dict[str, Any] = {
            "scenario": self.scenario_id,
            "name": self.name,
            "replications": self.replications,
            "seed": self.seed,
            "vary": [a.to_dict() for a in self.axes],
        }
        if self.milestone is not None:
            out["milestone"] = self.milestone
        if self.deadline_utc is not None:
            out["deadline"] = format_utc(self.deadline_utc)
        out["variants"] = self._row_dicts()
        return out

    def csv_rows(self) -> list[dict[str, Any]]:
        """One flat row per variant: the keys, then the statistics (empty when the variant failed)."""
        out = []
        for v, r in zip(self.variants, self._row_dicts(), strict=True):
            row: dict[str, Any] = dict(v.values)
            row["success_probability"] = r["success_probability"]
            for q in PERCENTILES:
                row[f"duration_h_p{q}"] = (r["duration_h"] or {}).get(f"p{q}")
            for q in PERCENTILES:
                row[f"end_p{q}"] = (r["end"] or {}).get(f"p{q}")
            if self.milestone is not None:
                m = r["milestone"] or {}
                for q in PERCENTILES:
                    row[f"{self.milestone}_end_h_p{q}"] = (m.get("end_h") or {}).get(f"p{q}")
                for q in PERCENTILES:
                    row[f"{self.milestone}_end_p{q}"] = (m.get("end") or {}).get(f"p{q}")
                if self.deadline_utc is not None:
                    row[f"{self.milestone}_deadline_probability"] = m.get("deadline_probability")
            if self.deadline_utc is not None:
                row["deadline_probability"] = (r["deadline"] or {}).get("probability")
            row["error"] = r["error"]
            out.append(row)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SweepResult:
        """Read the JSON of ``lunarsim sweep --json`` back (hours to 3 decimals, UTC to the second).

        The axes' values come from the rows (the JSON header keeps their count only).
        """
        rows: Sequence[Mapping[str, Any]] = data["variants"]
        axes = []
        for k, a in enumerate(data["vary"]):
            inner = 1
            for later in data["vary"][k + 1 :]:
                inner *= int(later["count"])
            values = tuple(rows[i * inner]["values"][a["key"]] for i in range(int(a["count"])))
            axes.append(Axis(key=a["key"], spec=a["spec"], kind=a["kind"], values=values))
        deadline = data.get("deadline")
        return cls(
            scenario_id=data["scenario"],
            name=data["name"],
            axes=tuple(axes),
            replications=int(data["replications"]),
            seed=int(data["seed"]),
            milestone=data.get("milestone"),
            deadline_utc=parse_utc(deadline) if deadline else None,
            variants=tuple(VariantRow.from_dict(r) for r in rows),
        )
