"""Cross-field checks of a loaded scenario: what one field cannot say alone.

Named windows and resources exist and are well formed; dates lie inside the ephemeris; window
references form no cycle; element masses and separations add up; correlation groups and risk
events name real phases and can be honoured. Each check returns ``(field path, message)`` pairs;
``sim.scenario.model.scenario_from_document`` turns them into ``file:line`` problems. Split from
``sim.scenario.model`` (the types and loading) so that each stays one concept.
"""

from __future__ import annotations

import difflib
from datetime import UTC, datetime, timedelta

from sim.fields import did_you_mean
from sim.scenario.durations import DurationPlan, DurationSource
from sim.scenario.graph import find_cycle, topological_order
from sim.scenario.kinds import KINDS
from sim.scenario.masses import MassEvent
from sim.scenario.model import Scenario
from sim.scenario.yamlsource import Loc, short_repr
from sim.sky import span
from sim.sky.windows import CheckContext, DaylightWindow
from sim.timebase import format_utc


def check_windows_and_resources(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Windows and resources named by phases exist and are well formed."""
    problems: list[tuple[Loc, str]] = []
    names = set(scenario.windows)
    ctx = CheckContext(window_names=names, site=scenario.site)
    for name, w in scenario.windows.items():
        problems += [(("windows", name, *loc), msg) for loc, msg in w.check(ctx)]
    problems += _ephemeris_span_problems(scenario)
    cycle = _window_cycle(scenario)
    if cycle:
        problems.append((("windows", cycle[0]), "windows refer to each other in a cycle: " + " -> ".join(cycle)))
    for i, ph in enumerate(scenario.phases):
        if ph.window is not None and ph.window.name not in names:
            problems.append(
                (
                    ("phases", i, "window"),
                    f"unknown window {ph.window.name!r}{did_you_mean(ph.window.name, names)}; "
                    "declare it under 'windows:'",
                )
            )
        for k, res in enumerate(ph.resources):
            if res in ph.resources[:k]:
                problems.append(
                    (
                        ("phases", i, "resources", k),
                        f"resource {res!r} listed twice; a phase holds each resource once (remove one)",
                    )
                )
            elif res not in scenario.resources:
                problems.append(
                    (
                        ("phases", i, "resources", k),
                        f"unknown resource {res!r}{did_you_mean(res, scenario.resources)}; "
                        "declare it under 'resources:'",
                    )
                )
    return problems


def _ephemeris_span_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Windows computed from the ephemeris (lunar daylight) need ``epoch`` to ``epoch + horizon``
    inside its span (checked here from constants, without loading the ephemeris)."""
    # a window type may declare ``uses_ephemeris``; lunar daylight does
    if not any(getattr(w, "uses_ephemeris", isinstance(w, DaylightWindow)) for w in scenario.windows.values()):
        return []
    try:
        first = scenario.epoch - timedelta(seconds=span.MARGIN_S)
    except OverflowError:  # year 1
        first = datetime.min.replace(tzinfo=UTC)
    try:
        last = scenario.epoch + timedelta(seconds=scenario.horizon + span.MARGIN_S)
    except OverflowError:  # year 9999
        last = datetime.max.replace(tzinfo=UTC)
    if first >= span.START and last <= span.END:
        return []
    needed = f"the windows need the ephemeris from {format_utc(scenario.epoch)} to "
    if not first >= span.START or scenario.epoch > span.END - timedelta(seconds=span.MARGIN_S):
        return [(("epoch",), f"{needed[:-4]}, but {span.describe()}; choose an epoch inside it")]
    end = format_utc(last - timedelta(seconds=span.MARGIN_S))
    return [(("horizon",), f"{needed}{end} (epoch + horizon), but {span.describe()}; shorten the horizon")]


def _window_cycle(scenario: Scenario) -> list[str] | None:
    refs = {n: list(w.refs()) for n, w in scenario.windows.items()}
    for start in refs:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in refs.get(node, []):
                if nxt == start:
                    return [*path, start]
                if nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    return None


def check_scenario(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Cross-field checks pydantic cannot express; returns (field path, message) pairs."""
    problems: list[tuple[Loc, str]] = check_windows_and_resources(scenario)
    ids: dict[str, int] = {}
    duplicated = False
    for i, ph in enumerate(scenario.phases):
        if ph.id in ids:
            duplicated = True
            first = ids[ph.id]
            msg = f"duplicate phase id {ph.id!r} (first used by phases[{first}]); rename one"
            problems.append((("phases", i, "id"), msg))
        else:
            ids[ph.id] = i
    elements = set(scenario.element_ids)
    seen_el: set[str] = set()
    for i, el in enumerate(scenario.element_ids):
        if el in seen_el:
            problems.append((("elements", i), f"element {el!r} listed twice; keep one"))
        seen_el.add(el)
    problems += _element_problems(scenario)
    for name in scenario.kinds:
        if name in KINDS:
            problems.append((("kinds", name), f"{name!r} is a built-in kind; remove it from 'kinds'"))
    known_kinds = (*KINDS, *scenario.kinds)
    for el in scenario.element_names:
        if el not in elements:
            hint = did_you_mean(el, elements)
            problems.append(
                (("element_names", el), f"unknown element {el!r}{hint}; name only elements listed in 'elements'")
            )
    for i, ph in enumerate(scenario.phases):
        if ph.kind not in known_kinds:
            close = difflib.get_close_matches(ph.kind, known_kinds, n=1, cutoff=KIND_HINT_CUTOFF)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                (
                    ("phases", i, "kind"),
                    f"unknown kind {short_repr(ph.kind)}{hint}; use one of: {', '.join(KINDS)}, "
                    "or map your own under 'kinds:' (e.g. kinds: {tli: transfer})",
                )
            )
        if ph.element not in elements:
            hint = did_you_mean(ph.element, elements)
            problems.append(
                (("phases", i, "element"), f"unknown element {ph.element!r}{hint}; declare it in 'elements'")
            )
        for j, dep in enumerate(ph.dependencies):
            loc: Loc = ("phases", i, "after", j)
            if dep.phase not in ids:
                problems.append(
                    (loc, f"unknown phase {dep.phase!r}{did_you_mean(dep.phase, ids)}; 'after' names phase ids")
                )
            elif dep.phase == ph.id and not duplicated:
                problems.append((loc, f"phase {ph.id!r} depends on itself; remove it from its own 'after'"))
        if ph.mass is not None:
            problems += _mass_event_problems(i, ph.element, ph.mass, elements)
        if ph.until is not None:
            loc = ("phases", i, "until")
            if ph.until.phase not in ids:
                hint = did_you_mean(ph.until.phase, ids)
                problems.append((loc, f"unknown phase {ph.until.phase!r}{hint}; 'until' names a phase id"))
            elif ph.until.phase == ph.id and not duplicated:
                problems.append((loc, f"phase {ph.id!r} waits for itself; name another phase in 'until'"))
            for key in ("window", "failure"):
                if getattr(ph, key) is not None:
                    problems.append(
                        (("phases", i, key), f"a wait ('until') cannot have a {key}; put it on the phase it waits for")
                    )
            if ph.resources:
                problems.append((("phases", i, "resources"), "a wait ('until') cannot hold resources; remove them"))
        act = ph.actual
        if act is not None and act.start is not None and act.end is not None and act.end < act.start:
            problems.append(
                (
                    ("phases", i, "actual", "end"),
                    f"actual end {format_utc(act.end)} is before actual start "
                    f"{format_utc(act.start)}; swap or correct them",
                )
            )
    problems += check_risks_and_correlations(scenario, ids)
    # with duplicate ids the graph is ambiguous: fix the ids first
    cycle = None if duplicated else find_cycle(scenario)
    if cycle:
        first = ids[cycle[0]]
        problems.append(
            (
                ("phases", first, "after"),
                "remove one 'after' entry to break the dependency cycle: " + " -> ".join(cycle),
            )
        )
    if not problems:
        plan = DurationPlan.from_scenario(scenario, topological_order(scenario))
        for at, msg in plan.problems():
            problems.append((("phases", at, "duration") if at is not None else ("elements",), msg))
        for at, msg in plan.mass_problems():
            problems.append((("phases", at, "mass"), msg))
    return problems


def _mass_event_problems(i: int, element: str, ev: MassEvent, elements: set[str]) -> list[tuple[Loc, str]]:
    """A phase's ``mass:`` names declared elements other than the phase's own."""
    out: list[tuple[Loc, str]] = []
    for key, other in (("join", ev.join), ("release", ev.release), ("from", ev.from_)):
        if other is None:
            continue
        if other not in elements:
            hint = did_you_mean(other, elements)
            out.append((("phases", i, "mass", key), f"unknown element {other!r}{hint}; declare it in 'elements'"))
        elif other == element:
            out.append((("phases", i, "mass", key), f"names the phase's own element {other!r}; name the other one"))
    return out


def _element_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """``from:`` names a declared element, without cycles; at most one child carries on a parent."""
    problems: list[tuple[Loc, str]] = []
    ids = scenario.element_ids
    parent = {e.id: e.from_ for e in scenario.elements}
    carriers: dict[str, str] = {}
    for i, e in enumerate(scenario.elements):
        if e.from_ is None:
            continue
        if e.from_ not in parent:
            problems.append(
                (
                    ("elements", i, "from"),
                    f"unknown element {e.from_!r}{did_you_mean(e.from_, ids)}; 'from' names an element",
                )
            )
            continue
        seen = {e.id}
        node: str | None = e.from_
        while node is not None and node in parent:
            if node in seen:
                problems.append(
                    (("elements", i, "from"), f"elements split from each other in a cycle through {e.id!r}")
                )
                break
            seen.add(node)
            node = parent[node]
        if e.mass_kg is None:
            if e.from_ in carriers:
                problems.append(
                    (
                        ("elements", i, "mass_kg"),
                        f"{carriers[e.from_]!r} already carries on {e.from_!r}; give {e.id!r} a mass_kg "
                        "(only one child may take the rest)",
                    )
                )
            carriers[e.from_] = e.id
    return problems


KIND_HINT_CUTOFF = 0.8  # "did you mean" only for spelling slips: 'landng' -> 'landing', not 'tli' -> 'tei'


def check_risks_and_correlations(scenario: Scenario, ids: dict[str, int]) -> list[tuple[Loc, str]]:
    """Risks and correlation groups name existing phases that have a duration of their own."""
    problems: list[tuple[Loc, str]] = []
    waits = {p.id for p in scenario.phases if p.until is not None}

    def check_phase(loc: Loc, pid: str, what: str) -> bool:
        if pid not in ids:
            problems.append((loc, f"unknown phase {pid!r}{did_you_mean(pid, ids)}; {what} names phase ids"))
            return False
        if pid in waits:
            problems.append(
                (loc, f"phase {pid!r} is a wait ('until') without a duration of its own; name the phase it waits for")
            )
            return False
        return True

    grouped: dict[str, int] = {}
    burns = {p.id for p in scenario.phases if isinstance(p.duration, DurationSource) and p.duration.uses_mass}
    for g, corr in enumerate(scenario.correlations):
        seen: set[str] = set()
        for k, pid in enumerate(corr.phases):
            loc: Loc = ("correlations", g, "phases", k)
            if not check_phase(loc, pid, "correlations"):
                continue
            if pid in burns:
                problems.append(
                    (
                        loc,
                        f"phase {pid!r} is a burn: its length follows from its element's mass, which a reordering "
                        "would break; remove it from the group (correlating a burn's inputs is not supported)",
                    )
                )
            if pid in seen:
                problems.append((loc, f"phase {pid!r} is listed twice; keep one"))
            elif pid in grouped:
                problems.append(
                    (loc, f"phase {pid!r} is already in correlations[{grouped[pid]}]; put it in one group only")
                )
            seen.add(pid)
            grouped.setdefault(pid, g)
        n = len(corr.phases)
        if n > 2 and corr.rho < equicorrelation_floor(n):
            problems.append(
                (
                    ("correlations", g, "rho"),
                    f"{n} phases cannot all be correlated {corr.rho:g} with each other; "
                    f"use rho >= {equicorrelation_floor(n):.3f} or fewer phases",
                )
            )
    risk_ids: dict[str, int] = {}
    for r, risk in enumerate(scenario.risks):
        if risk.id in risk_ids:
            problems.append((("risks", r, "id"), f"duplicate risk id {risk.id!r}; rename one"))
        risk_ids.setdefault(risk.id, r)
        if risk.source is None and risk.note is None:
            problems.append(
                (
                    ("risks", r),
                    "say where the probability comes from: add 'source', or a 'note' that flags it as an assumption",
                )
            )
        for k, pid in enumerate(risk.phases):
            check_phase(("risks", r, "phases", k), pid, "risks")
    return problems


def equicorrelation_floor(n: int) -> float:
    """The lowest rank correlation ``n`` variables can share pairwise (the Gaussian copula's
    Pearson correlation ``2 sin(pi rho / 6)`` must be >= -1 / (n - 1))."""
    import math

    return 6.0 / math.pi * math.asin(-0.5 / (n - 1))
