"""A spread of end times over a Monte Carlo ensemble: the percentile levels every summary
reports and ``EndSpread``, P10/P50/P80/P90 as seconds after the epoch and as aware UTC datetimes.

Shared by the Monte Carlo summary (``sim.results.mc_types``) and the sweep rows
(``sim.results.sweep_types``). Pure data over numpy; imports the kernel and ``records.hours`` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from sim.results.quantiles import sorted_percentiles
from sim.results.records import hours
from sim.timebase import HOUR_S, format_utc, parse_utc, to_utc

#: The percentile levels of the mission end in ``lunarsim mc`` and ``lunarsim sweep``.
PERCENTILES = (10, 50, 80, 90)


@dataclass(frozen=True)
class EndSpread:
    """P10/P50/P80/P90 of an end time over the successful replications of one variant.

    ``pQ_s`` is seconds after the variant's epoch, ``pQ_utc`` the same instant in UTC (aware).
    """

    p10_s: float
    p50_s: float
    p80_s: float
    p90_s: float
    p10_utc: datetime
    p50_utc: datetime
    p80_utc: datetime
    p90_utc: datetime

    @classmethod
    def of(cls, epoch: datetime, t_s: np.ndarray) -> EndSpread | None:
        """The spread of the finite values of ``t_s`` (seconds after ``epoch``); None when there are none."""
        t_s = np.sort(t_s[np.isfinite(t_s)])  # sorting is cheaper than np.percentile's partition
        if t_s.size == 0:
            return None
        p10, p50, p80, p90 = (float(v) for v in sorted_percentiles(t_s, PERCENTILES))
        return cls(
            p10_s=p10,
            p50_s=p50,
            p80_s=p80,
            p90_s=p90,
            p10_utc=to_utc(epoch, p10),
            p50_utc=to_utc(epoch, p50),
            p80_utc=to_utc(epoch, p80),
            p90_utc=to_utc(epoch, p90),
        )

    def s(self, q: int) -> float:
        """Percentile ``q`` (10, 50, 80 or 90) in seconds after the epoch."""
        return float(getattr(self, f"p{q}_s"))

    def utc(self, q: int) -> datetime:
        """Percentile ``q`` as an aware UTC datetime."""
        value: datetime = getattr(self, f"p{q}_utc")
        return value

    def hours_dict(self) -> dict[str, float]:
        """``{"p10": hours, ...}`` rounded to 3 decimals, as in the JSON."""
        return {f"p{q}": hours(self.s(q)) for q in PERCENTILES}

    def utc_dict(self) -> dict[str, str]:
        """``{"p10": "2026-10-04T12:00:31Z", ...}``, as in the JSON."""
        return {f"p{q}": format_utc(self.utc(q)) for q in PERCENTILES}

    @classmethod
    def from_dict(cls, hours: Mapping[str, float] | None, utc: Mapping[str, str] | None) -> EndSpread | None:
        """Read the JSON blocks back (hours to 3 decimals, UTC to the second)."""
        if not hours or not utc:
            return None
        return cls(
            p10_s=float(hours["p10"]) * HOUR_S,
            p50_s=float(hours["p50"]) * HOUR_S,
            p80_s=float(hours["p80"]) * HOUR_S,
            p90_s=float(hours["p90"]) * HOUR_S,
            p10_utc=parse_utc(utc["p10"]),
            p50_utc=parse_utc(utc["p50"]),
            p80_utc=parse_utc(utc["p80"]),
            p90_utc=parse_utc(utc["p90"]),
        )
