"""What a scenario publishes about its phases, converted once to the run's time base: the flown
times (``actual`` blocks) with their precision, the flown durations, and the phase deadlines, in
seconds since the scenario epoch.

The one place these are read from the scenario: the comparison (``sim.results.comparison``),
the Monte Carlo summary (``lunarsim mc``, ``lunarsim report``) and the charts (flown marks and
their precision bands in ``lunarsim gantt`` and the HTML report) all take them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.model import Scenario
from sim.timebase import DAY_S, from_utc

#: What a published time of each ``precision`` means (the comparison's rules, and the charts'
#: flown marks and bands, read these):
PRECISION_POINT_S: dict[str, float] = {
    # where the point estimate sits relative to the published time: a date-only time is read as
    # noon of that day (the middle of its window); the others as published
    "s": 0.0,
    "min": 0.0,
    "h": 0.0,
    "date": DAY_S / 2,
}
PRECISION_WINDOW_S: dict[str, tuple[float, float]] = {
    # offset of the true time from the published one: [lo, hi]
    "s": (0.0, 1.0),
    "min": (0.0, 60.0),
    "h": (-1800.0, 1800.0),
    "date": (0.0, DAY_S),
}


@dataclass(frozen=True)
class FlownTime:
    """A phase's published (flown) start and end, seconds since the epoch (either may be None),
    and their ``precision`` (``s``, ``min``, ``h`` or ``date``; ``PRECISION_WINDOW_S`` says what
    each means)."""

    start_s: float | None
    end_s: float | None
    precision: str


def flown_times(scenario: Scenario) -> dict[str, FlownTime]:
    """``FlownTime`` of every phase with an ``actual`` block, in file order (times may both be None:
    the block may give only its precision or its source)."""
    epoch = scenario.epoch
    out: dict[str, FlownTime] = {}
    for p in scenario.phases:
        a = p.actual
        if a is None:
            continue
        start = from_utc(epoch, a.start) if a.start is not None else None
        end = from_utc(epoch, a.end) if a.end is not None else None
        out[p.id] = FlownTime(start, end, a.precision)
    return out


def actual_times(scenario: Scenario) -> dict[str, tuple[float | None, float | None]]:
    """Flown ``(start_s, end_s)`` per phase id whose ``actual`` gives a time, seconds since the epoch."""
    return {
        pid: (f.start_s, f.end_s)
        for pid, f in flown_times(scenario).items()
        if f.start_s is not None or f.end_s is not None
    }


def actual_precisions(scenario: Scenario) -> dict[str, str]:
    """The ``precision`` of each phase's published times (every phase with an ``actual`` block)."""
    return {pid: f.precision for pid, f in flown_times(scenario).items()}


def flown_durations_s(scenario: Scenario) -> dict[str, float]:
    """Flown duration (end - start) of each phase whose ``actual`` gives both, seconds.

    The Monte Carlo summary places these in the simulated spread; the comparison's ``actual_h``
    also derives a start from the predecessors' flown ends (``sim.results.comparison``).
    """
    return {
        pid: f.end_s - f.start_s
        for pid, f in flown_times(scenario).items()
        if f.start_s is not None and f.end_s is not None
    }


def phase_deadlines_s(scenario: Scenario) -> dict[str, float]:
    """Each phase's ``deadline`` (finish no later than), seconds since the epoch."""
    return {p.id: from_utc(scenario.epoch, p.deadline) for p in scenario.phases if p.deadline is not None}
