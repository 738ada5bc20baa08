"""Scenario files: the typed model of a mission and ``load_scenario(path)``.

A scenario is YAML validated strictly at the boundary (unknown keys are errors) into frozen
pydantic models. After loading, the rest of the simulator sees typed values only: epochs are
aware UTC datetimes, durations are ``Distribution`` objects in seconds. Every problem is
reported as one line ``file:line: field.path: what is wrong (how to fix)``; all problems of a
file are collected, not just the first.

See ``docs/scenario-format.md`` for the format with examples, and ``lunarsim schema`` for the
JSON Schema.
"""

from __future__ import annotations

import difflib
import re
import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from sim.errors import InputError
from sim.fields import Ident, SecondsDuration, StrictModel, UTCTime, did_you_mean, seconds_text
from sim.scenario.distributions import DURATION_JSON_SCHEMA, Distribution, distribution_spec, parse_distribution
from sim.scenario.yamlsource import Loc, YamlDocument, YamlProblem, parse_yaml, read_text, short_repr
from sim.sky.windows import CheckContext, Site, WindowSpec
from sim.sky.windows import CombinedWindow as CombinedWindow  # re-exported: the window types, for callers
from sim.sky.windows import DaylightWindow as DaylightWindow
from sim.sky.windows import ExplicitWindow as ExplicitWindow
from sim.sky.windows import PeriodicWindow as PeriodicWindow
from sim.sky.windows import WindowType as WindowType
from sim.timebase import format_utc, parse_signed_duration

Kind = Literal[
    "launch",
    "transfer",
    "tcm",
    "loi",
    "lunar_orbit",
    "separation",
    "descent",
    "landing",
    "surface_ops",
    "sampling",
    "ascent",
    "rendezvous",
    "docking",
    "sample_transfer",
    "lunar_orbit_wait",
    "tei",
    "earth_transfer",
    "reentry",
    "recovery",
    "relay",
    "payload_ops",
    "rover_ops",
    "hopper_ops",
    "isru",
]
KINDS: tuple[str, ...] = get_args(Kind)  # the shared phase-kind vocabulary, in this order

KindName = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^[a-z][a-z0-9_]*$",
            "description": "a built-in kind (" + ", ".join(KINDS) + ") or one declared under the scenario's kinds:",
            "examples": ["transfer", "landing"],
        }
    ),
]

Duration = Annotated[
    Distribution,
    PlainValidator(parse_distribution),
    PlainSerializer(distribution_spec),
    WithJsonSchema(DURATION_JSON_SCHEMA),
]


def _signed_text(value: float) -> str:
    return "-" + seconds_text(-value) if value < 0 else seconds_text(value)


LagDuration = Annotated[
    float,
    PlainValidator(parse_signed_duration),
    PlainSerializer(_signed_text),
    WithJsonSchema(
        {"type": "string", "description": "lag with units, e.g. '1h'; negative is a lead", "examples": ["1h", "-30min"]}
    ),
]


LinkType = Literal["FS", "SS", "FF", "SF"]


class Dependency(StrictModel):
    """A link to ``phase``: finish-to-start by default, with an optional lag (``lag: 1h``).

    ``type``: FS (start no earlier than its end + lag), SS (start no earlier than its start +
    lag), FF (finish no earlier than its end + lag), SF (finish no earlier than its start +
    lag). A negative lag is a lead.
    """

    phase: Ident
    type: LinkType = Field(default="FS", description="FS (default), SS, FF or SF")
    lag: LagDuration = 0.0


def _dependency(value: Any) -> Any:
    """``after`` entries may be a bare phase id: ``landing`` means ``{phase: landing}``."""
    return {"phase": value} if isinstance(value, str) else value


AfterEntry = Annotated[
    Dependency,
    BeforeValidator(_dependency),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "description": "phase id (finish-to-start, no lag)"},
                {
                    "type": "object",
                    "properties": {
                        "phase": {"type": "string"},
                        "type": {
                            "enum": ["FS", "SS", "FF", "SF"],
                            "default": "FS",
                            "description": "FS: start >= its end + lag; SS: start >= its start + lag; "
                            "FF: finish >= its end + lag; SF: finish >= its start + lag",
                        },
                        "lag": {"type": "string", "examples": ["1h", "-30min"], "description": "negative: a lead"},
                    },
                    "required": ["phase"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


class Until(StrictModel):
    """The event a wait phase ends at: ``phase``'s ``start`` or ``end`` (default) plus ``lag``."""

    phase: Ident
    at: Literal["start", "end"] = "end"
    lag: LagDuration = 0.0


def _until(value: Any) -> Any:
    """``until: docking`` means ``until: {phase: docking, at: end}``."""
    return {"phase": value} if isinstance(value, str) else value


UntilEntry = Annotated[
    Until,
    BeforeValidator(_until),
    WithJsonSchema(
        {
            "description": "instead of a duration: the phase ends at this event (never before its own start)",
            "anyOf": [
                {"type": "string", "description": "phase id: ends when that phase ends"},
                {
                    "type": "object",
                    "properties": {
                        "phase": {"type": "string"},
                        "at": {"enum": ["start", "end"], "default": "end"},
                        "lag": {"type": "string", "examples": ["30min", "-1h"]},
                    },
                    "required": ["phase"],
                    "additionalProperties": False,
                },
            ],
        }
    ),
]


class WindowRef(StrictModel):
    """A phase's window: it starts only inside an opening; with ``must_fit`` it must also end in it."""

    name: Ident
    must_fit: bool = False


def _window_ref(value: Any) -> Any:
    """``window: daylight`` means ``window: {name: daylight}``."""
    return {"name": value} if isinstance(value, str) else value


WindowEntry = Annotated[
    WindowRef,
    BeforeValidator(_window_ref),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "description": "window name"},
                {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "must_fit": {"type": "boolean"}},
                    "required": ["name"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


class ResourceSpec(StrictModel):
    """A shared resource (relay, ground network): at most ``capacity`` phases hold it at once."""

    capacity: int = Field(default=1, ge=1)
    note: str | None = None


class Failure(StrictModel):
    """A contingency: after a run, with ``probability`` the phase fails and ``on_fail`` decides."""

    probability: float = Field(ge=0, le=1)
    on_fail: Literal["retry", "hold", "abort", "skip"]
    delay: SecondsDuration = 0.0
    max_attempts: int = Field(default=3, ge=1, description="retry: attempts before the mission aborts")
    note: str | None = None


class Actual(StrictModel):
    """What flew: UTC start and/or end of a phase, with the precision of the source."""

    start: UTCTime | None = None
    end: UTCTime | None = None
    precision: Literal["s", "min", "h", "date"] = Field(
        default="min", description="precision of the published times: s, min, h (approximate hour) or date"
    )
    source: str | None = None
    note: str | None = None


class Phase(StrictModel):
    """One phase of the mission timeline."""

    id: Ident
    name: str | None = None
    kind: KindName
    element: Ident
    after: list[AfterEntry] = Field(
        default_factory=list, description="predecessor links (FS by default; SS, FF, SF with lags)"
    )
    duration: Duration
    until: UntilEntry | None = Field(
        default=None, description="instead of duration: end at another phase's start or end (a wait)"
    )
    not_before: UTCTime | None = Field(default=None, description="start no earlier than this UTC time")
    deadline: UTCTime | None = Field(
        default=None, description="finish no later than this UTC time: run flags a miss, mc gives the odds"
    )
    planned: Duration | None = Field(default=None, description="the published plan for this phase")
    actual: Actual | None = None
    window: WindowEntry | None = None
    resources: list[Ident] = Field(default_factory=list, description="shared resources held while running")
    failure: Failure | None = None
    source: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _wait_has_no_duration(cls, data: Any) -> Any:
        """A phase with ``until`` takes its duration from the event: it gives no ``duration``."""
        if isinstance(data, dict) and data.get("until") is not None:
            if "duration" in data:
                raise ValueError("give either 'duration' or 'until', not both (a wait ends at its event)")
            return {**data, "duration": "0s"}
        return data

    @property
    def label(self) -> str:
        """Display name: ``name`` or the id."""
        return self.name or self.id

    @property
    def dependencies(self) -> list[Dependency]:
        """The links of ``after`` (FS, SS, FF or SF)."""
        return self.after

    @property
    def predecessor_ids(self) -> list[str]:
        """Every phase this one waits for: its ``after`` links and its ``until`` event."""
        ids = [d.phase for d in self.after]
        if self.until is not None:
            ids.append(self.until.phase)
        return ids


class Correlation(StrictModel):
    """A rank correlation ``rho`` imposed between the durations of ``phases`` (a shared cause)."""

    phases: list[Ident] = Field(min_length=2, description="phases whose durations share a cause")
    rho: float = Field(ge=-1, le=1, description="Spearman rank correlation between every pair of them")
    source: str | None = None
    note: str | None = None


class Risk(StrictModel):
    """A risk event: with ``probability`` per replication it occurs and adds one drawn ``impact``
    to the duration of every phase in ``phases``."""

    id: Ident
    name: str | None = None
    probability: float = Field(ge=0, le=1, description="chance that it occurs in a replication")
    impact: Duration
    phases: list[Ident] = Field(min_length=1, description="phases whose durations it lengthens")
    source: str | None = Field(default=None, description="where the probability and impact come from")
    note: str | None = Field(default=None, description="or: why they are assumed (flag an assumption here)")

    @property
    def label(self) -> str:
        """Display name: ``name`` or the id."""
        return self.name or self.id


class Status(StrictModel):
    """A status date: phases flown by ``as_of`` keep their actual times; the rest is forecast."""

    as_of: UTCTime = Field(description="the status date (UTC): what has flown by then is history")
    source: str | None = None
    note: str | None = Field(default=None, description="what is confirmed at that date and what is not")


class MissionFacts(StrictModel):
    """Mission-level published plan or outcome (for comparisons)."""

    duration: Duration | None = None
    sample_mass_g: float | None = Field(default=None, ge=0)
    source: str | None = None
    note: str | None = None


class Scenario(StrictModel):
    """A mission scenario: epoch, elements and phases."""

    id: Ident
    name: str
    description: str | None = None
    epoch: UTCTime = Field(description="T0 of the simulation (UTC); sim time is seconds after it")
    site: Site | None = None
    elements: list[Ident] = Field(min_length=1, description="spacecraft elements; one Gantt lane each")
    planned: MissionFacts | None = None
    actual: MissionFacts | None = None
    horizon: SecondsDuration = Field(
        default=400 * 86400.0, description="how far after the epoch windows are computed (default 400d)"
    )
    windows: dict[Ident, WindowSpec] = Field(default_factory=dict)
    resources: dict[Ident, ResourceSpec] = Field(default_factory=dict)
    phases: list[Phase] = Field(min_length=1)
    correlations: list[Correlation] = Field(
        default_factory=list, description="rank correlations between phase durations (Iman-Conover)"
    )
    risks: list[Risk] = Field(default_factory=list, description="risk events that lengthen phases when they occur")
    status: Status | None = Field(default=None, description="forecast from a status date (see apply_status)")
    kinds: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)], Kind] = Field(
        default_factory=dict,
        description="the scenario's own phase kinds, each mapped onto the built-in kind whose colour "
        "and comparisons it shares (tli: transfer)",
    )
    sources: list[str] = Field(default_factory=list)

    def family(self, kind: str) -> str:
        """The built-in kind a phase kind stands for: itself, or its mapping under ``kinds``."""
        return self.kinds.get(kind, kind)

    def phase(self, phase_id: str) -> Phase:
        """The phase with this id (KeyError if none)."""
        for p in self.phases:
            if p.id == phase_id:
                return p
        raise KeyError(phase_id)


# --------------------------------------------------------------------------- loading


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Raises:
        InputError: with one ``file:line: field: message`` line per problem.
    """
    p = Path(path)
    return scenario_from_document(read_document(p), str(p))


def read_document(path: str | Path) -> YamlDocument:
    """Read and parse a YAML file into a line-numbered document.

    Raises:
        InputError: ``file:line: message`` when the file cannot be read or is not YAML.
    """
    p = Path(path)
    try:
        return parse_yaml(read_text(p))
    except YamlProblem as exc:
        raise InputError(_line(str(p), exc.line, None, exc.message)) from None


def load_scenario_text(text: str, source: str = "<scenario>") -> Scenario:
    """Validate scenario YAML text; ``source`` names it in error messages."""
    try:
        doc = parse_yaml(text)
    except YamlProblem as exc:
        raise InputError(_line(source, exc.line, None, exc.message)) from None
    return scenario_from_document(doc, source)


def scenario_from_document(doc: YamlDocument, source: str) -> Scenario:
    """Validate parsed YAML (with its line map) into a ``Scenario``."""
    if not isinstance(doc.data, dict):
        raise InputError(
            _line(source, doc.line_of(()), None, f"expected a mapping of scenario fields, got {_type_name(doc.data)}")
        )
    try:
        scenario = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        from sim.scenario.partial import cross_problems

        found = _pydantic_problems(exc, doc, source)
        for loc, msg in cross_problems(doc.data, exc):  # cross-references of the valid rest too
            line = _line(source, doc.line_of(loc), loc, msg)
            if line not in found:
                found.append(line)
        raise InputError(by_line(found)) from None
    problems = [_line(source, doc.line_of(loc), loc, msg) for loc, msg in check_scenario(scenario)]
    if problems:
        raise InputError(by_line(problems))
    return scenario


_LINE_NUMBER = re.compile(r"^.*?:(\d+): ")


def by_line(problems: list[str]) -> list[str]:
    """Problem lines sorted by their file line (stable; lines without a number last)."""

    def key(text: str) -> int:
        m = _LINE_NUMBER.match(text)
        return int(m.group(1)) if m else 1 << 30

    return sorted(problems, key=key)


def check_windows_and_resources(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Windows and resources named by phases exist and are well formed."""
    problems: list[tuple[Loc, str]] = []
    names = set(scenario.windows)
    ctx = CheckContext(window_names=names, site=scenario.site)
    for name, w in scenario.windows.items():
        problems += [(("windows", name, *loc), msg) for loc, msg in w.check(ctx)]
    cycle = _window_cycle(scenario)
    if cycle:
        problems.append((("windows", cycle[0]), "windows refer to each other in a cycle: " + " -> ".join(cycle)))
    for i, ph in enumerate(scenario.phases):
        if ph.window is not None and ph.window.name not in names:
            problems.append(
                (
                    ("phases", i, "window"),
                    f"unknown window {ph.window.name!r}{_suggest(ph.window.name, names)}; declare it under 'windows:'",
                )
            )
        for k, res in enumerate(ph.resources):
            if res not in scenario.resources:
                problems.append(
                    (
                        ("phases", i, "resources", k),
                        f"unknown resource {res!r}{_suggest(res, scenario.resources)}; declare it under 'resources:'",
                    )
                )
    return problems


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
    elements = set(scenario.elements)
    seen_el: set[str] = set()
    for i, el in enumerate(scenario.elements):
        if el in seen_el:
            problems.append((("elements", i), f"element {el!r} listed twice; keep one"))
        seen_el.add(el)
    for name in scenario.kinds:
        if name in KINDS:
            problems.append((("kinds", name), f"{name!r} is a built-in kind; remove it from 'kinds'"))
    known_kinds = (*KINDS, *scenario.kinds)
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
            hint = _suggest(ph.element, elements)
            problems.append(
                (("phases", i, "element"), f"unknown element {ph.element!r}{hint}; declare it in 'elements'")
            )
        for j, dep in enumerate(ph.dependencies):
            loc: Loc = ("phases", i, "after", j)
            if dep.phase not in ids:
                problems.append(
                    (loc, f"unknown phase {dep.phase!r}{_suggest(dep.phase, ids)}; 'after' names phase ids")
                )
            elif dep.phase == ph.id and not duplicated:
                problems.append((loc, f"phase {ph.id!r} depends on itself; remove it from its own 'after'"))
        if ph.until is not None:
            loc = ("phases", i, "until")
            if ph.until.phase not in ids:
                hint = _suggest(ph.until.phase, ids)
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
    return problems


KIND_HINT_CUTOFF = 0.8  # "did you mean" only for spelling slips: 'landng' -> 'landing', not 'tli' -> 'tei'


def check_risks_and_correlations(scenario: Scenario, ids: dict[str, int]) -> list[tuple[Loc, str]]:
    """Risks and correlation groups name existing phases that have a duration of their own."""
    problems: list[tuple[Loc, str]] = []
    waits = {p.id for p in scenario.phases if p.until is not None}

    def check_phase(loc: Loc, pid: str, what: str) -> bool:
        if pid not in ids:
            problems.append((loc, f"unknown phase {pid!r}{_suggest(pid, ids)}; {what} names phase ids"))
            return False
        if pid in waits:
            problems.append(
                (loc, f"phase {pid!r} is a wait ('until') without a duration of its own; name the phase it waits for")
            )
            return False
        return True

    grouped: dict[str, int] = {}
    for g, corr in enumerate(scenario.correlations):
        seen: set[str] = set()
        for k, pid in enumerate(corr.phases):
            loc: Loc = ("correlations", g, "phases", k)
            if not check_phase(loc, pid, "correlations"):
                continue
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


def find_cycle(scenario: Scenario) -> list[str] | None:
    """A dependency cycle as ``[a, b, c, a]`` (a after c after b after a), or None.

    A phase listed in its own ``after`` is not a cycle here (``check_scenario`` reports it).
    """
    preds = {p.id: p.predecessor_ids for p in scenario.phases}
    state: dict[str, int] = {}  # 1 = on stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in preds.get(node, []):
            if nxt not in preds or nxt == node:
                continue
            if state.get(nxt) == 1:
                cyc = [*stack[stack.index(nxt) :], nxt]
                return list(reversed(cyc))
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for pid in preds:
        if pid not in state:
            found = visit(pid)
            if found:
                return found
    return None


def topological_order(scenario: Scenario) -> list[int]:
    """Phase indices so that every phase comes after its predecessors (file order on ties)."""
    index = {p.id: i for i, p in enumerate(scenario.phases)}
    indeg = [len(p.predecessor_ids) for p in scenario.phases]
    succ: list[list[int]] = [[] for _ in scenario.phases]
    for i, p in enumerate(scenario.phases):
        for d in p.predecessor_ids:
            succ[index[d]].append(i)
    ready = [i for i, n in enumerate(indeg) if n == 0]
    order: list[int] = []
    import heapq

    heapq.heapify(ready)
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for j in succ[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                heapq.heappush(ready, j)
    if len(order) != len(scenario.phases):
        raise ValueError("dependency cycle")
    return order


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (for editors and other tools)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "lunar-timeline scenario"
    return schema


# --------------------------------------------------------------------------- messages

_DIST_SUBKEY = re.compile(r"^([a-z_0-9]+(?:\[\d+\])?): (.*)$", re.S)


def _pydantic_problems(exc: ValidationError, doc: YamlDocument, source: str) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for err in exc.errors(include_url=False):
        loc: Loc = _clean_loc(err["loc"], doc.data)
        msg = _message(err)
        if err["type"] == "extra_forbidden" and loc:
            model = _model_at(err["loc"][:-1])
            allowed = sorted(model.model_fields) if model is not None else []
            key = str(loc[-1])
            msg = f"unknown key {short_repr(key)}{_suggest(key, allowed)}; allowed here: {', '.join(allowed)}"
        elif (
            len(loc) >= 2
            and loc[-2] == "after"
            and isinstance(loc[-1], int)
            and err["type"]
            in (
                "model_type",
                "string_type",
            )
        ):
            got = _type_name(err.get("input"))
            msg = f"expected a phase id or a mapping {{phase: ID, lag: DURATION}}, got {got}"
        msg = _shorten(msg)
        m = _DIST_SUBKEY.match(msg)
        if err["type"] == "value_error" and m:
            key = m.group(1)
            base = key.split("[")[0]
            sub: Loc = (*loc, base)
            if "[" in key:
                sub = (*sub, int(key.split("[")[1].rstrip("]")))
            loc, msg = sub, m.group(2)
        shown = tuple(p if isinstance(p, int) or len(p) <= 40 else p[:30] + "..." for p in loc)
        line = _line(source, doc.line_of(loc), shown, msg)
        if line not in seen:
            seen.add(line)
            out.append(line)
    return out


_LONG_QUOTED = re.compile(r"'([^'\n]{60,})'|\"([^\"\n]{60,})\"")
_LONG_WORD = re.compile(r"\S{80,}")


def _shorten(msg: str) -> str:
    """One line; in a long one, overlong quoted values and words are cut short (inputs may be huge)."""
    msg = " ".join(msg.split())
    if len(msg) <= 200:
        return msg
    msg = _LONG_QUOTED.sub(lambda m: short_repr(m.group(1) if m.group(1) is not None else m.group(2)), msg)
    return _LONG_WORD.sub(lambda m: m.group(0)[:50] + "...", msg)


def _union_members(tp: Any) -> list[Any]:
    """``A | B | None`` -> ``[A, B]``, looking through ``Annotated``."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _union_members(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return [m for arg in get_args(tp) for m in _union_members(arg)]
    return [] if tp is type(None) else [tp]


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model that validated the mapping at pydantic location ``loc`` (for listing its keys)."""
    candidates: list[Any] = [Scenario]
    for part in loc:
        following: list[Any] = []
        for tp in candidates:
            if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
                if part in tp.model_fields:
                    following += _union_members(tp.model_fields[part].annotation)
                elif part == tp.__name__:  # a union branch label
                    following.append(tp)
            elif get_origin(tp) is list and isinstance(part, int):
                following += _union_members(get_args(tp)[0])
            elif isinstance(part, str) and getattr(tp, "__name__", None) == part:
                following.append(tp)
        candidates = following
    models = [tp for tp in candidates if isinstance(tp, type) and issubclass(tp, BaseModel)]
    return models[0] if models else None


def _clean_loc(loc: tuple[Any, ...], data: Any) -> Loc:
    """Drop pydantic's union-branch labels (``str``, ``Dependency``) from an error location."""
    out: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and node.get("type") == part:
            continue  # the label of a tagged union branch (windows: periodic, explicit, ...)
        elif (
            isinstance(node, (dict, list))
            # a field that is missing, or a union label: keep real field names only
            and isinstance(part, str)
            and not part[:1].isupper()
            and part not in ("str", "function-plain")
        ):
            out.append(part)
            node = None
        # else: a union label below a scalar; drop it
    return tuple(out)


_BOUNDS = {
    "greater_than_equal": ("ge", ">="),
    "less_than_equal": ("le", "<="),
    "greater_than": ("gt", ">"),
    "less_than": ("lt", "<"),
}


def _message(err: Any) -> str:
    typ = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if msg.startswith("Input should be "):
        msg = "must be " + msg[len("Input should be ") :]
    if typ == "extra_forbidden":
        return "unknown key; check the spelling (see 'lunarsim schema' for the allowed keys)"
    if typ == "missing":
        return "required field is missing; add it"
    if typ == "literal_error":
        if "'launch'" in str(ctx.get("expected", "")):
            hint = _suggest(str(got), KINDS)
            return f"unknown kind {short_repr(got)}{hint}; use one of: {', '.join(KINDS)}"
        return f"{msg} (got {short_repr(got)})"
    if typ == "string_pattern_mismatch":
        return f"{short_repr(got)} is not a valid identifier; use a letter, then letters, digits, '_' or '-'"
    if typ == "string_too_long":
        return f"{short_repr(got)} is too long; use at most {ctx.get('max_length')} characters"
    if typ in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value), got {_type_name(got)}"
    if typ == "list_type":
        return f"expected a list, got {_type_name(got)}"
    if typ in ("string_type",):
        return f"expected text, got {_type_name(got)}"
    if typ in ("float_type", "float_parsing", "int_type", "int_parsing", "finite_number"):
        shown = _type_name(got) if isinstance(got, (dict, list)) else short_repr(got)
        return f"expected a number, got {shown}"
    if typ == "too_short":
        return "must not be empty; list at least one entry"
    if typ in _BOUNDS:
        key, op = _BOUNDS[typ]
        return f"must be {op} {ctx.get(key)} (got {short_repr(got)})"
    if typ == "value_error":
        return msg  # the validators' own words; _shorten cuts any huge input they quote
    if "input" in err and not isinstance(got, (dict, list)):
        return f"{msg} (got {short_repr(got)})"
    return msg


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({short_repr(value)})"
    return f"text ({short_repr(value)})"


def _suggest(name: str, choices: Any) -> str:
    return did_you_mean(name, choices)


def format_loc(loc: Loc) -> str:
    """``("phases", 3, "duration")`` -> ``phases[3].duration``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _line(source: str, line: int | None, loc: Loc | None, message: str) -> str:
    where = f"{source}:{line}" if line else source
    field = format_loc(loc) if loc else ""
    return f"{where}: {field}: {message}" if field else f"{where}: {message}"
