"""A scenario's windows listed over a UTC span: what ``lunarsim windows`` prints, draws and writes.

``WindowListing`` holds, per declared window (in file order), its type and its openings as
``(k, 2)`` seconds since ``start``; ``to_json`` gives the documented shape::

    {"scenario": ID, "from": ISO, "to": ISO,
     "windows": {NAME: {"type": TYPE, "intervals": [{"open": ISO, "close": ISO}, ...],
                        "open_h": total hours open, "note": text or null}}}

with UTC times ending in ``Z`` (to the second).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from sim.results.records import hours
from sim.timebase import format_utc, format_utc_many


@dataclass(frozen=True)
class ListedWindow:
    """One window: name, type tag, note and openings (seconds since the listing's start)."""

    name: str
    type: str
    openings_s: np.ndarray
    note: str | None = None

    @property
    def open_s(self) -> float:
        """Total time open in the span, seconds."""
        return float(np.sum(self.openings_s[:, 1] - self.openings_s[:, 0])) if self.openings_s.size else 0.0


@dataclass(frozen=True)
class WindowListing:
    """Every window of a scenario over ``[start, end]`` (aware UTC)."""

    scenario_id: str
    scenario_name: str
    start: datetime
    end: datetime
    windows: list[ListedWindow] = field(default_factory=list)

    @property
    def span_s(self) -> float:
        """Length of the span, seconds."""
        return (self.end - self.start).total_seconds()

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape (see the module docstring)."""
        out: dict[str, Any] = {}
        for w in self.windows:
            opens = format_utc_many(self.start, w.openings_s[:, 0]) if w.openings_s.size else []
            closes = format_utc_many(self.start, w.openings_s[:, 1]) if w.openings_s.size else []
            out[w.name] = {
                "type": w.type,
                "intervals": [{"open": a, "close": b} for a, b in zip(opens, closes, strict=True)],
                "open_h": hours(w.open_s),
                "note": w.note,
            }
        return {
            "scenario": self.scenario_id,
            "from": format_utc(self.start),
            "to": format_utc(self.end),
            "windows": out,
        }
