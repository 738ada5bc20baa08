"""Analysis of results against the scenario: flown actuals, plan vs actual vs simulated.

Pure Python/numpy over ``Timeline`` records and the scenario's published facts; no plotting,
no I/O.
"""

from __future__ import annotations

from sim.scenario import Scenario
from sim.timebase import from_utc


def actual_times(scenario: Scenario) -> dict[str, tuple[float | None, float | None]]:
    """Flown ``(start_s, end_s)`` per phase id with an ``actual``, seconds since the epoch."""
    out: dict[str, tuple[float | None, float | None]] = {}
    for p in scenario.phases:
        a = p.actual
        if a is None or (a.start is None and a.end is None):
            continue
        start = from_utc(scenario.epoch, a.start) if a.start is not None else None
        end = from_utc(scenario.epoch, a.end) if a.end is not None else None
        out[p.id] = (start, end)
    return out
