"""A status date: forecast the rest of a mission from what has flown by ``as_of``.

``apply_status(scenario, as_of)`` returns the scenario that the engines then simulate as usual
(no engine change). By the phases' ``actual`` blocks, at the status date each phase is:

- **done** (an actual end at or before ``as_of``): it keeps its flown times. Its ``after``
  links, window, contingency and resources are dropped (they are history), it starts at its
  actual start (``not_before``; without a published start, at the latest flown end + lag of its
  predecessors, which must all be done) and lasts exactly its flown duration.
- **in progress** (an actual start at or before ``as_of``, no actual end by then): it started at
  its actual start, and its remaining duration is drawn conditional on what has elapsed: the
  duration ``D`` is drawn from its distribution given ``D >= elapsed`` (a true conditional draw;
  when no value of the distribution is that long, it ends at the status date). The nominal run
  uses ``max(nominal, elapsed)``. Links, window, contingency and resources are dropped as for a
  done phase (it is under way).
- **not started**: nothing changes, except that it starts no earlier than ``as_of``
  (``not_before`` is raised to the status date).

Actual times after ``as_of`` are ignored (not yet known at the status date). A wait (``until``)
that is done or in progress keeps its event semantics only if not done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import numpy as np

from sim.scenario.distributions import Distribution, Fixed
from sim.scenario.durations import DurationSource
from sim.scenario.model import Phase, Scenario, Status
from sim.timebase import format_duration, from_utc, to_utc


@dataclass(frozen=True)
class AtLeast(Distribution):
    """``base`` conditioned on ``D >= floor_s`` (an in-progress phase's total duration)."""

    base: Distribution
    floor_s: float
    name: ClassVar[str] = "at_least"

    @property
    def nominal_s(self) -> float:
        return max(self.base.nominal_s, self.floor_s)

    @property
    def support_s(self) -> tuple[float | None, float | None]:
        lo, hi = self.base.support_s
        return (self.floor_s if lo is None else max(lo, self.floor_s)), hi

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.base.sample(rng, n)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Rejection from ``base``: values below the floor are redrawn."""
        out = self.base.sample(rng, n)
        bad = out < self.floor_s
        for _ in range(1000):
            k = int(bad.sum())
            if not k:
                return out
            out[bad] = self.base.sample(rng, k)
            bad = out < self.floor_s
        raise ValueError(f"{self.describe()}: the elapsed time is beyond almost every draw")

    def describe(self) -> str:
        return f"at_least({self.base.describe()}, {format_duration(self.floor_s)})"


def phase_states(scenario: Scenario, as_of: datetime) -> dict[str, str]:
    """``done``, ``in_progress`` or ``not_started`` per phase id at the status date."""
    out = {}
    for p in scenario.phases:
        a = p.actual
        if a is not None and a.end is not None and a.end <= as_of:
            out[p.id] = "done"
        elif a is not None and a.start is not None and a.start <= as_of:
            out[p.id] = "in_progress"
        else:
            out[p.id] = "not_started"
    return out


def apply_status(scenario: Scenario, as_of: datetime) -> Scenario:
    """The scenario as of ``as_of`` (see the module docstring).

    Raises:
        ValueError: a done phase has no published start and a predecessor that is not done.
    """
    states = phase_states(scenario, as_of)
    epoch = scenario.epoch
    flown_end: dict[str, float] = {}
    by_id = {p.id: p for p in scenario.phases}
    phases: list[Phase] = []
    for p in _in_dependency_order(scenario):
        state = states[p.id]
        update: dict[str, Any]
        if state == "not_started":
            nb = as_of if p.not_before is None else max(p.not_before, as_of)
            phases.append(p.model_copy(update={"not_before": nb}))
            continue
        a = p.actual
        assert a is not None
        if a.start is not None:
            start = from_utc(epoch, a.start)
        else:
            start = _start_from_predecessors(p, by_id, flown_end, states)
        history: dict[str, Any] = {
            "after": [],
            "until": None,
            "window": None,
            "failure": None,
            "resources": [],
            "not_before": None,
        }
        if state == "done":
            assert a.end is not None
            end = from_utc(epoch, a.end)
            flown_end[p.id] = end
            update = {**history, "duration": Fixed(max(end - start, 0.0))}
        else:
            elapsed = from_utc(epoch, as_of) - start
            update = {**history, "duration": _at_least(p.duration, elapsed)}
        update["not_before"] = to_utc(epoch, start)
        phases.append(p.model_copy(update=update))
    order = {p.id: i for i, p in enumerate(scenario.phases)}
    phases.sort(key=lambda q: order[q.id])
    status = scenario.status
    if status is None or status.as_of != as_of:
        status = Status(as_of=as_of, note="given on the command line (--as-of)")
    return scenario.model_copy(update={"phases": phases, "status": status})


def _at_least(d: Distribution | DurationSource, elapsed_s: float) -> Distribution | DurationSource:
    """``d`` given ``D >= elapsed``; a fixed ``elapsed`` when ``d`` cannot last that long. A physics
    source (a burn, an orbit stay) is kept as it is: its length follows from its inputs."""
    if elapsed_s <= 0 or isinstance(d, DurationSource):
        return d
    bounds = d.bounds_s()
    if d.is_fixed or (bounds is not None and bounds[1] <= elapsed_s):
        return Fixed(max(d.nominal_s, elapsed_s))
    return AtLeast(d, elapsed_s)


def _start_from_predecessors(
    p: Phase, by_id: dict[str, Phase], flown_end: dict[str, float], states: dict[str, str]
) -> float:
    """A done phase without a published start starts at its predecessors' latest flown end + lag."""
    best = None
    for dep in p.after:
        if dep.phase not in flown_end:
            raise ValueError(
                f"phase {p.id!r} has flown (actual end) but no actual start, and its predecessor "
                f"{dep.phase!r} is {states[dep.phase].replace('_', ' ')}: give {p.id!r} an actual start"
            )
        t = flown_end[dep.phase] + dep.lag
        best = t if best is None else max(best, t)
    if best is None:
        raise ValueError(f"phase {p.id!r} has flown but has neither an actual start nor predecessors; add its start")
    return best


def _in_dependency_order(scenario: Scenario) -> list[Phase]:
    from sim.scenario.model import topological_order

    return [scenario.phases[i] for i in topological_order(scenario)]


__all__ = ["AtLeast", "apply_status", "phase_states"]
