"""Scenario files: the typed model of a mission and ``load_scenario(path)``.

A scenario is YAML validated strictly at the boundary (unknown keys are errors) into frozen
pydantic models. After loading, the rest of the simulator sees typed values only: epochs are
aware UTC datetimes, durations are ``Distribution`` objects in seconds. Every problem is
reported as one line ``file:line: field.path: what is wrong (how to fix)``; all problems of a
file are collected, not just the first.

See ``docs/scenario-format.md`` for the format with examples, and ``lunarsim schema`` for the
JSON Schema.

Length (~580 lines): the pydantic types of a scenario file (phase, links, waits, failure,
actuals, elements, risks, correlations, status, the scenario itself) and the loading entry
points. The types refer to each other, so they stay together; everything else that once lived
here has its own module: the cross-field checks (``sim.scenario.checks``), the phase graph
(``sim.scenario.graph``), distributions, duration sources, window types, status, messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from sim.errors import InputError
from sim.fields import Ident, SecondsDuration, StrictModel, UTCTime, empty_list, seconds_text
from sim.scenario.distributions import DURATION_JSON_SCHEMA, Distribution, distribution_spec, parse_distribution
from sim.scenario.durations import (
    DurationSource,
    duration_json_schema,
    duration_spec,
    parse_duration_value,
)
from sim.scenario.graph import find_cycle as find_cycle  # re-exported for callers
from sim.scenario.graph import topological_order as topological_order
from sim.scenario.kinds import KINDS as KINDS  # re-exported: the phase-kind vocabulary
from sim.scenario.kinds import Kind as Kind
from sim.scenario.masses import MassEvent
from sim.scenario.messages import format_loc as format_loc  # re-exported for callers
from sim.scenario.messages import problem_line, pydantic_problems, type_name
from sim.scenario.yamlsource import YamlDocument, YamlProblem, parse_yaml, read_text
from sim.sky.windows import CombinedWindow as CombinedWindow  # re-exported: the window types, for callers
from sim.sky.windows import DaylightWindow as DaylightWindow
from sim.sky.windows import ExplicitWindow as ExplicitWindow
from sim.sky.windows import PeriodicWindow as PeriodicWindow
from sim.sky.windows import Site, WindowSpec
from sim.sky.windows import WindowType as WindowType
from sim.timebase import parse_signed_duration

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
PhaseDuration = Annotated[
    Distribution | DurationSource,
    PlainValidator(parse_duration_value),
    PlainSerializer(lambda d: duration_spec(d, distribution_spec)),
    WithJsonSchema(duration_json_schema()),
]
"""A phase's duration: a ``Distribution`` or a duration source (burn, orbit; ``sim.scenario.durations``)."""


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


MAX_ATTEMPTS = 1000  # a bound, not physics: keeps retry counts (and their int64 sums) far from overflow


class Failure(StrictModel):
    """A contingency: after a run, with ``probability`` the phase fails and ``on_fail`` decides."""

    probability: float = Field(ge=0, le=1)
    on_fail: Literal["retry", "hold", "abort", "skip"]
    delay: SecondsDuration = 0.0
    max_attempts: int = Field(
        default=3,
        ge=1,
        le=MAX_ATTEMPTS,
        description=f"retry: attempts before the mission aborts (at most {MAX_ATTEMPTS})",
    )
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


def _duration_or_until(schema: dict[str, Any]) -> None:
    """JSON Schema of a phase: exactly one of ``duration`` and ``until`` (the validator below fills a
    wait's duration, so the model alone would mark ``duration`` required)."""
    schema["required"] = [key for key in schema.get("required", []) if key != "duration"]
    schema["oneOf"] = [{"required": ["duration"]}, {"required": ["until"]}]


class Phase(StrictModel):
    """One phase of the mission timeline."""

    model_config = ConfigDict(json_schema_extra=_duration_or_until)

    id: Ident
    name: str | None = None
    kind: KindName
    element: Ident
    after: list[AfterEntry] = Field(
        default_factory=empty_list, description="predecessor links (FS by default; SS, FF, SF with lags)"
    )
    duration: PhaseDuration
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
    resources: list[Ident] = Field(default_factory=empty_list, description="shared resources held while running")
    failure: Failure | None = None
    mass: MassEvent | None = Field(
        default=None, description="when the phase has run: dock ('join'), undock ('release'), move mass ('take_kg')"
    )
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


class Element(StrictModel):
    """A spacecraft element (one Gantt lane), optionally with its mass for burns (kg).

    ``from`` names the element it splits from; see ``sim.scenario.durations.plan`` for how masses
    flow through the timeline.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Ident
    mass_kg: float | None = Field(
        default=None,
        gt=0,
        description="mass when the element first acts, kg (a child of 'from': the mass it takes from it)",
    )
    from_: Ident | None = Field(
        default=None,
        alias="from",
        description="the element this one splits from (without mass_kg: it carries on with the rest)",
    )
    source: str | None = None
    note: str | None = None


def _element(value: Any) -> Any:
    """``elements: [stack]`` means ``[{id: stack}]``."""
    return {"id": value} if isinstance(value, str) else value


ElementEntry = Annotated[
    Element,
    BeforeValidator(_element),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "description": "element id"},
                {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "mass_kg": {"type": "number", "exclusiveMinimum": 0},
                        "from": {"type": "string"},
                        "source": {"type": "string"},
                        "note": {"type": "string"},
                    },
                    "required": ["id"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


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
    elements: list[ElementEntry] = Field(
        min_length=1, description="spacecraft elements (ids, or mappings with mass_kg/from); one Gantt lane each"
    )
    element_names: dict[Ident, str] = Field(
        default_factory=dict,
        description="display name of an element's Gantt lane, e.g. icube_q: ICUBE-Q (default: its id)",
    )
    planned: MissionFacts | None = None
    actual: MissionFacts | None = None
    horizon: SecondsDuration = Field(
        default=400 * 86400.0, description="how far after the epoch windows are computed (default 400d)"
    )
    windows: dict[Ident, WindowSpec] = Field(default_factory=dict)
    resources: dict[Ident, ResourceSpec] = Field(default_factory=dict)
    phases: list[Phase] = Field(min_length=1)
    correlations: list[Correlation] = Field(
        default_factory=empty_list, description="rank correlations between phase durations (Iman-Conover)"
    )
    risks: list[Risk] = Field(
        default_factory=empty_list, description="risk events that lengthen phases when they occur"
    )
    status: Status | None = Field(default=None, description="forecast from a status date (see apply_status)")
    kinds: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)], Kind] = Field(
        default_factory=dict,
        description="the scenario's own phase kinds, each mapped onto the built-in kind whose colour "
        "and comparisons it shares (tli: transfer)",
    )
    sources: list[str] = Field(default_factory=empty_list)

    def family(self, kind: str) -> str:
        """The built-in kind a phase kind stands for: itself, or its mapping under ``kinds``."""
        return self.kinds.get(kind, kind)

    @property
    def element_ids(self) -> list[str]:
        """The element ids, in file order (one Gantt lane each)."""
        return [e.id for e in self.elements]

    def phase(self, phase_id: str) -> Phase:
        """The phase with this id (KeyError if none)."""
        for p in self.phases:
            if p.id == phase_id:
                return p
        raise KeyError(phase_id)

    def lane_names(self) -> dict[str, str]:
        """Display name of every element lane, in lane order: its ``element_names`` entry, else its id."""
        names = self.element_names or {}
        return {e: names.get(e, e) for e in self.element_ids}


# --------------------------------------------------------------------------- loading


def load_scenario(path: str | Path, sets: Mapping[str, Any] | Sequence[str] | None = None) -> Scenario:
    """Read and validate a scenario file, or a bundled scenario by id (``"change5"``).

    ``sets`` overrides values before validation, like the command line's ``--set``: a mapping
    ``{"epoch": "2020-12-10T20:30:12Z", "phases.landing.duration": "20min"}`` or a list of
    ``"KEY=VALUE"`` strings. Problems in overridden fields name the override.

    >>> load_scenario("change5", sets={"epoch": "2020-12-10T20:30:12Z"}).epoch.isoformat()
    '2020-12-10T20:30:12+00:00'

    Raises:
        InputError: with one ``file:line: field: message`` line per problem.
    """
    from sim.scenario.bundled import resolve
    from sim.scenario.overrides import apply_overrides, mark_problems

    p = resolve(path)
    doc = read_document(p)
    if not sets:
        return scenario_from_document(doc, str(p))
    items = [f"{k}={_set_text(v)}" for k, v in sets.items()] if isinstance(sets, Mapping) else list(sets)
    data, origins = apply_overrides(doc.data, items)
    try:
        return scenario_from_document(YamlDocument(data, doc.lines), str(p))
    except InputError as exc:
        raise InputError(mark_problems(exc.problems, origins)) from None


def _set_text(value: Any) -> str:
    """An override value as ``--set`` text: datetimes as ISO 8601 UTC, the rest as YAML reads it."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_document(path: str | Path) -> YamlDocument:
    """Read and parse a YAML file into a line-numbered document.

    Raises:
        InputError: ``file:line: message`` when the file cannot be read or is not YAML.
    """
    p = Path(path)
    try:
        return parse_yaml(read_text(p))
    except YamlProblem as exc:
        raise InputError(problem_line(str(p), exc.line, None, exc.message)) from None


def load_scenario_text(text: str, source: str = "<scenario>") -> Scenario:
    """Validate scenario YAML text; ``source`` names it in error messages."""
    try:
        doc = parse_yaml(text)
    except YamlProblem as exc:
        raise InputError(problem_line(source, exc.line, None, exc.message)) from None
    return scenario_from_document(doc, source)


def scenario_from_document(doc: YamlDocument, source: str) -> Scenario:
    """Validate parsed YAML (with its line map) into a ``Scenario``."""
    if not isinstance(doc.data, dict):
        raise InputError(
            problem_line(
                source, doc.line_of(()), None, f"expected a mapping of scenario fields, got {type_name(doc.data)}"
            )
        )
    try:
        scenario = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        from sim.scenario.partial import cross_problems

        found = pydantic_problems(exc, doc, source, Scenario)
        for loc, msg in cross_problems(doc.data, exc):  # cross-references of the valid rest too
            line = problem_line(source, doc.line_of(loc), loc, msg)
            if line not in found:
                found.append(line)
        raise InputError(by_line(found)) from None
    from sim.scenario.checks import check_scenario

    problems = [problem_line(source, doc.line_of(loc), loc, msg) for loc, msg in check_scenario(scenario)]
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


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (for editors and other tools)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "lunar-timeline scenario"
    return schema
