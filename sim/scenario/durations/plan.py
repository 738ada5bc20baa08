"""The duration plan: every phase's duration source plus the element masses, resolved in order.

Element masses (``elements:`` entries with ``mass_kg`` and ``from``) are carried through the
timeline in the topological order of the phases (file order on ties):

* an element without ``from`` starts with its ``mass_kg`` (unknown if not given);
* when the first phase of an element split ``from`` a parent runs, the parent splits into all its
  children at once: each child with ``mass_kg`` leaves with that mass (it is dropped from the
  parent); the one child without ``mass_kg``, if any, carries on with what is left of the parent
  (the parent's own mass is then spent: a later burn of the parent is an error); with no such
  child the parent keeps the rest and may burn on;
* every phase's source turns the element's mass at the phase's start into the mass at its end
  (a burn uses propellant; other sources leave it unchanged);
* a phase's mass event (``mass:``) applies when the phase has run: ``join`` docks its element
  with another, and until a ``release`` of that element the two form one stack: a burn of
  either starts at the SUM of their masses and takes its propellant from the burning element;
  ``take_kg``/``from`` moves mass from another element to the phase's (a sample container).

Mass does not depend on timing, so the durations of N replications are resolved once, when the
duration matrix is drawn, and both engines play the same matrix. Draws happen in file order (a
fixed input draws nothing), then resolution in topological order: a scenario without burns draws
exactly the numbers it drew before duration sources existed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import memory
from sim.scenario.distributions import Distribution
from sim.scenario.durations.base import DurationSource, Resolved
from sim.scenario.durations.distribution import DistributionDuration


@dataclass(frozen=True)
class ElementMass:
    """An element's declared mass (kg, None if not given) and the element it splits from."""

    id: str
    mass_kg: float | None = None
    parent: str | None = None


@dataclass(frozen=True)
class MassChange:
    """A phase's mass event, applied once the phase has run: dock with ``join``, undock
    ``release``, move ``take_kg`` from element ``take_from`` to the phase's element."""

    join: str | None = None
    release: str | None = None
    take_kg: float | None = None
    take_from: str | None = None


@dataclass(frozen=True)
class Flow:
    """Resolved durations ``(n, P)`` and per-phase start and end masses ``(n, P)`` (NaN: untracked;
    a phase of a docked stack starts at the stack's summed mass), and the mass events that do not
    make sense (``(phase index, message)``: a release of an element that is not docked, ...)."""

    duration_s: np.ndarray
    mass_start_kg: np.ndarray
    mass_end_kg: np.ndarray
    issues: tuple[tuple[int, str], ...] = ()


def as_source(value: Distribution | DurationSource) -> DurationSource:
    """Every phase duration as a source (distributions through the adapter)."""
    return value if isinstance(value, DurationSource) else DistributionDuration(value)


@dataclass(frozen=True)
class DurationPlan:
    """Sources in file order, each phase's element, the topological order and the element masses."""

    sources: tuple[DurationSource, ...]
    element: tuple[str, ...] = ()
    order: tuple[int, ...] = ()
    elements: tuple[ElementMass, ...] = ()
    changes: tuple[MassChange | None, ...] = ()

    @classmethod
    def of(cls, durations: Sequence[Distribution | DurationSource]) -> DurationPlan:
        """A plan without masses over phases in file order (what a tuple of distributions was)."""
        n = len(durations)
        return cls(tuple(as_source(d) for d in durations), ("",) * n, tuple(range(n)), (ElementMass(""),))

    @classmethod
    def from_scenario(cls, scenario: Any, order: Sequence[int]) -> DurationPlan:
        """The plan of a validated scenario, given its topological phase order."""
        return cls(
            sources=tuple(as_source(p.duration) for p in scenario.phases),
            element=tuple(p.element for p in scenario.phases),
            order=tuple(order),
            elements=tuple(ElementMass(e.id, e.mass_kg, e.from_) for e in scenario.elements),
            changes=tuple(_mass_change(p) for p in scenario.phases),
        )

    @property
    def size(self) -> int:
        """Number of phases."""
        return len(self.sources)

    def flow(self, drawn: Sequence[Any], n: int) -> Flow:
        """Resolve drawn inputs (one entry per phase, file order) for ``n`` replications."""
        p = self.size
        out = np.empty((n, p), order="F")  # phase-major, as the engines read it
        m_start = np.full((n, p), np.nan)
        m_end = np.full((n, p), np.nan)
        by_id = {e.id: e for e in self.elements}
        children: dict[str, list[ElementMass]] = {}
        for e in self.elements:
            if e.parent is not None:
                children.setdefault(e.parent, []).append(e)
        mass: dict[str, np.ndarray] = {}
        split: set[str] = set()

        def activate(eid: str) -> None:
            if eid in mass:
                return
            el = by_id.get(eid, ElementMass(eid))
            if el.parent is None or el.parent not in by_id:
                mass[eid] = np.full(n, np.nan if el.mass_kg is None else float(el.mass_kg))
                return
            activate(el.parent)
            if el.parent not in split:
                split.add(el.parent)
                rest = mass[el.parent]
                remainder = None
                for c in children[el.parent]:
                    if c.mass_kg is None:
                        remainder = c
                    else:
                        mass[c.id] = np.full(n, float(c.mass_kg))
                        rest = rest - float(c.mass_kg)
                if remainder is not None:
                    mass[remainder.id] = rest
                    mass[el.parent] = np.full(n, np.nan)
                else:
                    mass[el.parent] = rest

        docked: dict[str, frozenset[str]] = {}  # element -> its stack (itself included) while docked
        issues: list[tuple[int, str]] = []
        for i in self.order:
            eid = self.element[i]
            activate(eid)
            partners = sorted(docked.get(eid, frozenset()) - {eid})
            own = mass[eid]
            m0 = own + sum(mass[p] for p in partners) if partners else own
            res = self.sources[i].resolve(drawn[i], m0)
            end = np.asarray(res.mass_end_kg, dtype=float)
            out[:, i] = res.duration_s
            m_start[:, i] = m0
            m_end[:, i] = end
            # docked: the burning element pays the propellant; the others keep their masses
            mass[eid] = own - (m0 - end) if partners else end
            change = self.changes[i] if self.changes else None
            if change is not None:
                issues += _apply(change, i, eid, mass, docked, activate)
        return Flow(out, m_start, m_end, tuple(issues))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """The ``(n, P)`` duration matrix of ``n`` replications, seconds."""
        if not any(s.uses_mass for s in self.sources):  # no burn: nothing depends on mass
            out = memory.empty((self.size, n))  # phase-major: each column contiguous (see the engine);
            # ordinary pages when large (sim.memory: huge-page advice made the first touch cost more)
            for i, s in enumerate(self.sources):  # written as drawn: one column alive at a time
                out[i] = s.draw(rng, n)
            return out.T
        return self.flow([s.draw(rng, n) for s in self.sources], n).duration_s

    def nominal(self) -> tuple[np.ndarray, tuple[dict[str, Any] | None, ...]]:
        """Nominal durations (seconds, file order) and each phase's details for ``run --json``."""
        inputs = [s.nominal_inputs() for s in self.sources]
        flow = self.flow(inputs, 1)
        details = []
        for i, s in enumerate(self.sources):
            res = Resolved(flow.duration_s[:, i], flow.mass_end_kg[:, i])
            details.append(s.details(inputs[i], res, float(flow.mass_start_kg[0, i])))
        return flow.duration_s[0].copy(), tuple(details)

    def mass_problems(self) -> list[tuple[int, str]]:
        """Mass events that do not make sense in a nominal run: ``(phase index, message)``."""
        if not any(self.changes):
            return []
        return list(self.flow([s.nominal_inputs() for s in self.sources], 1).issues)

    def problems(self) -> list[tuple[int | None, str]]:
        """Mass problems of a nominal run: ``(phase index or None for elements, message)``."""
        out: list[tuple[int | None, str]] = []
        flow = self.flow([s.nominal_inputs() for s in self.sources], 1)
        for i, s in enumerate(self.sources):
            m0 = flow.mass_start_kg[0, i]
            if s.uses_mass and not np.isfinite(m0):
                out.append(
                    (
                        i,
                        f"{s.key} of element {self.element[i]!r} needs its mass: give the element 'mass_kg' "
                        "under 'elements' (or 'from:' a parent whose mass is known)",
                    )
                )
            elif s.uses_mass and m0 <= 0:
                out.append(
                    (
                        i,
                        f"element {self.element[i]!r} has {m0:.1f} kg left when this {s.key} starts: the parts "
                        "split from it weigh more than it does; check 'mass_kg' under 'elements'",
                    )
                )
        return out


def _mass_change(phase: Any) -> MassChange | None:
    """A validated phase's ``mass:`` event as the plan's ``MassChange`` (None without one)."""
    ev = getattr(phase, "mass", None)
    if ev is None:
        return None
    return MassChange(ev.join, ev.release, ev.take_kg, ev.from_)


def _apply(
    change: MassChange,
    i: int,
    eid: str,
    mass: dict[str, np.ndarray],
    docked: dict[str, frozenset[str]],
    activate: Callable[[str], None],
) -> list[tuple[int, str]]:
    """Apply phase ``i``'s mass event (its element ``eid``); return what does not make sense."""
    issues: list[tuple[int, str]] = []
    if change.take_kg is not None and change.take_from is not None:
        src = change.take_from
        activate(src)
        if float(np.nanmin(mass[src], initial=np.inf)) < change.take_kg:
            issues.append((i, f"element {src!r} has less than the {change.take_kg:g} kg to take from it here"))
        mass[src] = mass[src] - change.take_kg
        mass[eid] = mass[eid] + change.take_kg
    if change.join is not None:
        other = change.join
        activate(other)
        stack = docked.get(eid, frozenset({eid})) | docked.get(other, frozenset({other}))
        for member in stack:
            docked[member] = stack
    if change.release is not None:
        other = change.release
        stack = docked.get(eid, frozenset({eid}))
        if other not in stack or other == eid:
            issues.append((i, f"element {other!r} is not docked with {eid!r} here: 'release' needs an earlier 'join'"))
        else:
            rest = stack - {other}
            for member in rest:
                docked[member] = rest
            docked[other] = frozenset({other})
    return issues
