"""Simulating a program: its missions on one clock, contending for the resources they share.

The missions of a program are merged into one composite scenario whose epoch is the earliest
mission epoch. Phase, window and local resource names get the mission id as a prefix
(``change7__landing``); a resource the program declares (``queqiao2``) keeps its name, so
every mission that uses it holds the same resource. Each mission's root phases start
after a lag equal to its epoch's offset from the composite epoch, and its windows are anchored
on its own epoch, so a mission run inside the program has exactly the times it has alone, except
for waits on the shared resources. Results are split back per mission on each mission's own
time base.

``merged_id`` (a mission id and an own id to the merged id) and ``program_ids`` (every merged id
to its mission id and own id) are the one place that joins or splits on ``SEP``: the merge, the
split of a run's timeline and the per-mission keys of a program's Monte Carlo summary
(``sim.results.statistics.monte_carlo_summary(owners=...)``) all use them. The map is built by
joining, never by cutting a string at ``__``, so an own id that holds ``__`` maps back exactly.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from sim.results.records import Timeline
from sim.scenario.distributions import Fixed
from sim.scenario.model import Dependency, Element, Phase, ResourceSpec, Scenario, WindowRef
from sim.scenario.program import Program
from sim.timebase import from_utc

SEP = "__"
START = "program_start"


def merged_id(mission: str, own: str) -> str:
    """The id in the merged scenario of the phase, element, window, risk or local resource ``own``
    of mission ``mission``: ``merged_id("change7", "landing") == "change7__landing"``."""
    return f"{mission}{SEP}{own}"


def program_ids(program: Program) -> dict[str, tuple[str, str]]:
    """Every merged id of ``program`` mapped to ``(mission id, own id)``: phases, elements, windows,
    risks and the resources a mission keeps to itself (the program's shared resources and the
    ``program_start`` phase keep their names and are not in the map), in mission order."""
    shared = set(program.resources)
    out: dict[str, tuple[str, str]] = {}
    for m in program.missions:
        own = [
            *(p.id for p in m.phases),
            *(e.id for e in m.elements),
            *m.windows,
            *(r.id for r in m.risks),
            *(r for r in m.resources if r not in shared),
        ]
        out.update({merged_id(m.id, i): (m.id, i) for i in own})
    return out


def merge_program(program: Program) -> Scenario:
    """One scenario holding every mission of ``program`` (see the module docstring)."""
    epoch = min(m.epoch for m in program.missions)
    shared = set(program.resources)
    resources: dict[str, ResourceSpec] = {k: ResourceSpec(capacity=v.capacity) for k, v in program.resources.items()}
    windows: dict[str, Any] = {}
    phases: list[Phase] = [
        Phase.model_construct(
            id=START,
            name="Program start (earliest mission epoch)",
            kind="launch",
            element=START,
            after=[],
            duration=Fixed(0.0),
            planned=None,
            actual=None,
            window=None,
            resources=[],
            failure=None,
            source=None,
            note=None,
        )
    ]
    elements = [Element.model_construct(id=START, mass_kg=None, from_=None, source=None, note=None)]
    element_names: dict[str, str] = {}
    horizon = 0.0
    correlations: list[Any] = []
    risks: list[Any] = []
    for m in program.missions:
        for c in m.correlations:
            correlations.append(c.model_copy(update={"phases": [merged_id(m.id, pid) for pid in c.phases]}))
        for risk in m.risks:
            update = {"id": merged_id(m.id, risk.id), "phases": [merged_id(m.id, pid) for pid in risk.phases]}
            risks.append(risk.model_copy(update=update))
        offset = from_utc(epoch, m.epoch)
        horizon = max(horizon, offset + m.horizon)
        elements += [
            e.model_copy(
                update={"id": merged_id(m.id, e.id), "from_": None if e.from_ is None else merged_id(m.id, e.from_)}
            )
            for e in m.elements
        ]
        element_names.update({merged_id(m.id, e): f"{m.name}: {n}" for e, n in m.lane_names().items()})
        for r, res in m.resources.items():
            if r not in shared:
                resources[merged_id(m.id, r)] = res
        for w, spec in m.windows.items():
            # anchored on the mission's own epoch, at its site, its references prefixed
            windows[merged_id(m.id, w)] = spec.standalone(m.epoch, m.site, partial(merged_id, m.id))
        for p in m.phases:
            after = [
                Dependency.model_construct(phase=merged_id(m.id, d.phase), type=d.type, lag=d.lag)
                for d in p.dependencies
            ]
            if not after:
                after = [Dependency.model_construct(phase=START, lag=offset)]
            phases.append(
                p.model_copy(
                    update={
                        "id": merged_id(m.id, p.id),
                        "element": merged_id(m.id, p.element),
                        "after": after,
                        "window": None
                        if p.window is None
                        else WindowRef.model_construct(name=merged_id(m.id, p.window.name), must_fit=p.window.must_fit),
                        "resources": [r if r in shared else merged_id(m.id, r) for r in p.resources],
                        "until": None
                        if p.until is None
                        else p.until.model_copy(update={"phase": merged_id(m.id, p.until.phase)}),
                        "not_before": p.not_before,
                    }
                )
            )
    return Scenario.model_construct(
        id=program.id,
        name=program.name,
        description=program.description,
        epoch=epoch,
        site=None,
        elements=elements,
        element_names=element_names,
        planned=None,
        actual=None,
        horizon=horizon,
        windows=windows,
        resources=resources,
        phases=phases,
        correlations=correlations,
        risks=risks,
        kinds={k: v for m in program.missions for k, v in m.kinds.items()},
        sources=list(program.sources),
    )


def _shifted(t_s: float | None, shift_s: float) -> float | None:
    """A time on the merged clock moved to a mission's own (None stays None)."""
    return None if t_s is None else t_s - shift_s


def split_timeline(program: Program, merged: Timeline) -> list[Timeline]:
    """Per-mission timelines from a run of the merged scenario, on each mission's own epoch."""
    owners = program_ids(program)
    out = []
    for m in program.missions:
        shift = from_utc(merged.epoch, m.epoch)
        records = []
        for p in merged.phases:
            owner = owners.get(p.id)
            if owner is None or owner[0] != m.id:  # another mission's phase, or program_start
                continue
            records.append(
                replace(
                    p,
                    id=owner[1],
                    element=owners[p.element][1],
                    ready_s=p.ready_s - shift,
                    start_s=p.start_s - shift,
                    end_s=p.end_s - shift,
                    deadline_s=_shifted(p.deadline_s, shift),
                    # float of the merged run counts to the program's end, not the mission's: none
                    late_start_s=None,
                    late_finish_s=None,
                    total_float_s=None,
                    free_float_s=None,
                )
            )
        aborted = any(r.outcome == "aborted" for r in records)
        out.append(
            Timeline(
                scenario_id=m.id,
                name=m.name,
                epoch=m.epoch,
                phases=tuple(records),
                outcome="aborted" if aborted else "success",
                elements=tuple(m.element_ids),
            )
        )
    return out


def simulate_program(program: Program) -> list[Timeline]:
    """Nominal run of every mission of a program on one clock (shared resources contended)."""
    from sim.engine.des import simulate

    return split_timeline(program, simulate(merge_program(program)))
