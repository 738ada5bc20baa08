"""Program files: several mission scenarios played together, each on its own epoch.

A program (``scenarios/ilrs.yaml``: Chang'e 7 + Chang'e 8, the ILRS "basic model") is a YAML
file with ``id``, ``name``, ``description``, ``include`` (scenario files, or other program
files, with paths relative to the including file), ``resources`` (what the missions share, such
as the Queqiao-2 relay and the ground network, each with a ``capacity`` >= 1) and ``sources``.
It is validated as strictly as a scenario: unknown keys are errors, and every problem is one
line ``file:line: field: message``. A problem inside an included file names that file; a
missing include, an include cycle or a mission id used twice names the including file and the
line of the ``include`` entry.

``--set`` on a program addresses a mission by its id: ``change7.epoch=2026-10-01T00:00:00Z``
sets ``epoch`` in the mission whose ``id`` is ``change7``; the rest of the key is what
``--set`` takes on a scenario (see ``sim.scenario.overrides``). Keys that start with a program field
(``resources.queqiao2.capacity=2``) change the program file itself.

The declared resources are shared: ``sim.engine.program`` merges the missions onto one clock so
that every phase of any mission that uses, say, ``queqiao2`` contends for the same resource.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from sim.errors import InputError
from sim.fields import Ident, StrictModel, did_you_mean, empty_list
from sim.scenario.messages import clean_loc, message_for, problem_line
from sim.scenario.model import ResourceSpec, Scenario, read_document, scenario_from_document
from sim.scenario.overrides import apply_overrides, mark_problems
from sim.scenario.yamlsource import Loc, YamlDocument, YamlProblem, parse_yaml, read_text, short_repr


class SharedResource(ResourceSpec):
    """A resource the missions of a program share (a relay satellite, a ground network).

    As a scenario's ``ResourceSpec``, but ``capacity`` must be a whole number (``yes`` or ``1.5``
    are errors, not 1).
    """

    capacity: int = Field(default=1, ge=1, strict=True, description="phases that may hold it at once (>= 1)")


class ProgramFile(StrictModel):
    """The fields of a program file, as written."""

    id: Ident
    name: str
    description: str | None = None
    include: list[str] = Field(min_length=1, description="scenario or program files, relative to this file")
    resources: dict[Ident, SharedResource] = Field(default_factory=dict, description="shared resources")
    sources: list[str] = Field(default_factory=empty_list)


PROGRAM_KEYS = frozenset(ProgramFile.model_fields)


def program_json_schema() -> dict[str, Any]:
    """The JSON Schema of program files (for editors and other tools)."""
    schema = ProgramFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "lunar-timeline program"
    return schema


@dataclass(frozen=True)
class Program:
    """A loaded program: its missions (validated scenarios, each with its own epoch) and resources."""

    id: str
    name: str
    description: str | None
    missions: list[Scenario]
    resources: dict[str, SharedResource] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    mission_paths: list[Path] = field(default_factory=list)

    def mission(self, mission_id: str) -> Scenario:
        """The mission with this id (KeyError if none)."""
        for m in self.missions:
            if m.id == mission_id:
                return m
        raise KeyError(mission_id)


# --------------------------------------------------------------------------- public functions


def is_program_data(data: Any) -> bool:
    """True for the top-level data of a program file: a mapping with ``include`` and no ``phases``.

    A mapping with ``phases`` is a scenario (whatever else it holds), so that a scenario with a
    stray ``include`` key is reported by the scenario loader.
    """
    return isinstance(data, dict) and "include" in data and "phases" not in data


def is_program_file(path: str | Path) -> bool:
    """True if ``path`` holds a program file; False for scenarios and for unreadable files."""
    try:
        doc = parse_yaml(read_text(Path(path)))
    except YamlProblem:
        return False
    return is_program_data(doc.data)


def load_program(path: str | Path, sets: Sequence[str] = (), *, doc: YamlDocument | None = None) -> Program:
    """Read and validate a program file and every file it includes.

    Args:
        path: the program file.
        sets: ``--set`` items; ``MISSION.KEY=VALUE`` for a mission, ``KEY=VALUE`` for a program field.
        doc: the file already parsed (by a caller that looked at it first), to not read it twice.

    Raises:
        InputError: one ``file:line: field: message`` line per problem, from all files.
    """
    p = Path(path)
    routed = _route_sets(sets)
    doc = doc or _read(p, None)
    if not is_program_data(doc.data):
        raise InputError(
            f"{p}:{doc.line_of(()) or 1}: not a program file (a program has a top-level 'include' list "
            "and no 'phases'); load it as a scenario"
        )
    loader = _Loader(routed.missions)
    top = loader.program(p, doc, ((_identity(p), str(p)),), routed.program)
    loader.check_sets()
    loader.raise_problems()
    assert top is not None  # no problems means the top file validated
    return Program(
        id=top.id,
        name=top.name,
        description=top.description,
        missions=[m for m, _ in loader.missions],
        resources=loader.resources,
        sources=list(top.sources),
        mission_paths=[mp for _, mp in loader.missions],
    )


def load_missions(paths: Sequence[str | Path], sets: Sequence[str] = ()) -> list[Scenario]:
    """Load several scenario and/or program files as one list of missions (programs are flattened).

    ``sets`` are ``MISSION.KEY=VALUE`` items, as for a program. Mission ids must be unique.

    Raises:
        InputError: one line per problem, naming the file where each one is.
    """
    routed = _route_sets(sets, program_fields=False)
    loader = _Loader(routed.missions)
    for arg in paths:
        p = Path(arg)
        try:
            doc = _read(p, None)
        except InputError as exc:
            loader.problems += exc.problems
            continue
        if is_program_data(doc.data):
            loader.program(p, doc, ((_identity(p), str(p)),), [])
        else:
            loader.mission(p, doc, None)
    loader.check_sets()
    loader.raise_problems()
    return [m for m, _ in loader.missions]


# --------------------------------------------------------------------------- loading


@dataclass
class _Routed:
    program: list[str] = field(default_factory=list)  # items for the program file itself
    missions: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # id -> [(rest, item)]


def _route_sets(sets: Sequence[str], *, program_fields: bool = True) -> _Routed:
    """Split ``--set`` items into program-level items and per-mission items (prefix stripped).

    Without ``program_fields`` (several files on the command line) every key needs a mission id.
    """
    out = _Routed()
    for item in sets:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"--set {item}: expected KEY=VALUE, e.g. change7.epoch=2026-10-01T00:00:00Z")
        head, dot, rest = key.partition(".")
        if program_fields and head in PROGRAM_KEYS:
            out.program.append(item)
        elif not dot or not rest:
            names = ", ".join(sorted(PROGRAM_KEYS))
            fields = f" or names a program field ({names})" if program_fields else ""
            raise InputError(
                f"--set {item}: with several missions, a key starts with the id of a mission "
                f"(e.g. change7.{key}={value}){fields}"
            )
        else:
            out.missions.setdefault(head, []).append((f"{rest}={value}", item))
    return out


def _identity(path: Path) -> Path:
    """What makes two paths the same file (for include cycles)."""
    try:
        return path.resolve()
    except OSError:  # pragma: no cover - unresolvable path; compare as written
        return Path(os.path.abspath(path))


def _read(path: Path, including: tuple[str, str] | None) -> YamlDocument:
    """Parse a YAML file; ``including`` = (``file:line``, field) of the include entry that named it.

    A file that does not exist (or is a folder) is reported at the include entry; problems inside
    an existing file are reported in that file.
    """
    if including is not None and (not path.exists() or not path.is_file()):
        where, fld = including
        fix = "check the path"
        if path.is_dir():
            what = "is a folder, not a file"
        elif path.exists():  # a device, a FIFO, a socket: never opened (it may never end)
            what, fix = "is not a regular file", "name a scenario .yaml file"
        else:
            what = "no such file"
        raise InputError(
            f"{where}: {fld}: {what}: {str(path)!r} (include paths are relative to the including file); {fix}"
        )
    return read_document(path)


class _Loader:
    """Walks includes depth first, collecting missions, resources and problems."""

    def __init__(self, mission_sets: dict[str, list[tuple[str, str]]]) -> None:
        self.sets = mission_sets
        self.used: set[str] = set()
        self.missions: list[tuple[Scenario, Path]] = []
        self.first_use: dict[str, str] = {}  # mission id -> where it was first included
        self.resources: dict[str, SharedResource] = {}
        self.resource_origin: dict[str, str] = {}
        self.problems: list[str] = []

    def raise_problems(self) -> None:
        if self.problems:
            raise InputError(list(dict.fromkeys(self.problems)))

    def check_sets(self) -> None:
        """Every mission prefix of ``--set`` must name a mission that was loaded."""
        known = [m.id for m, _ in self.missions]
        for head, items in self.sets.items():
            if head in self.used:
                continue
            hint = did_you_mean(head, known)
            for _, item in items:
                self.problems.append(
                    f"--set {item}: no mission {head!r}{hint}; missions here: {', '.join(known) or 'none'} "
                    "(a key starts with a mission id, e.g. change7.epoch=...)"
                )

    def program(
        self, path: Path, doc: YamlDocument, stack: tuple[tuple[Path, str], ...], own_sets: Sequence[str]
    ) -> ProgramFile | None:
        """Validate a program document and load what it includes.

        ``stack`` holds (identity, display name) of the program files being included, outermost
        first, to detect include cycles.
        """
        data: Any = doc.data
        origins: dict[Loc, str] = {}
        if own_sets:
            data, origins = apply_overrides(doc.data, own_sets)
        try:
            pf = ProgramFile.model_validate(data)
        except ValidationError as exc:
            self.problems += mark_problems(_program_problems(exc, YamlDocument(data, doc.lines), str(path)), origins)
            return None
        for name, spec in pf.resources.items():
            if name in self.resources and self.resources[name] != spec:
                line = doc.line_of(("resources", name))
                self.problems.append(
                    problem_line(
                        str(path),
                        line,
                        ("resources", name),
                        f"resource {name!r} is declared differently in {self.resource_origin[name]}; "
                        "declare a shared resource the same way everywhere",
                    )
                )
            elif name not in self.resources:
                self.resources[name] = spec
                self.resource_origin[name] = str(path)
        idents = [ident for ident, _ in stack]
        for i, inc in enumerate(pf.include):
            line = doc.line_of(("include", i))
            target = Path(inc) if Path(inc).is_absolute() else Path(os.path.normpath(path.parent / inc))
            where = f"{path}:{line}" if line else str(path)
            fld = f"include[{i}]"
            ident = _identity(target)
            if ident in idents:
                cycle = [name for _, name in stack[idents.index(ident) :]] + [str(target)]
                self.problems.append(
                    f"{where}: {fld}: include cycle: {' -> '.join(cycle)}; remove one of these includes"
                )
                continue
            try:
                sub = _read(target, (where, fld))
            except InputError as exc:
                self.problems += exc.problems
                continue
            if is_program_data(sub.data):
                self.program(target, sub, (*stack, (ident, str(target))), [])
            else:
                self.mission(target, sub, (where, fld))
        return pf

    def mission(self, path: Path, doc: YamlDocument, included_at: tuple[str, str] | None) -> None:
        """Validate a scenario document (with its ``--set`` items) and record the mission."""
        data = doc.data
        mid = data.get("id") if isinstance(data, dict) else None
        origins: dict[Loc, str] = {}
        if isinstance(mid, str) and mid in self.sets:
            self.used.add(mid)
            for rest, item in self.sets[mid]:
                try:
                    data, got = apply_overrides(data, [rest])
                except InputError as exc:
                    self.problems += [p.replace(f"--set {rest}", f"--set {item}", 1) for p in exc.problems]
                    return
                origins.update({loc: item for loc in got})
        try:
            scenario = scenario_from_document(YamlDocument(data, doc.lines), str(path))
        except InputError as exc:
            self.problems += mark_problems(exc.problems, origins)
            return
        if scenario.id in self.first_use:
            first = self.first_use[scenario.id]
            if included_at is not None:
                where, fld = included_at
                self.problems.append(
                    f"{where}: {fld}: mission id {scenario.id!r} ({path}) is already used by {first}; "
                    "mission ids must be unique in a program (include each mission once, or rename one)"
                )
            else:
                self.problems.append(
                    problem_line(
                        str(path),
                        doc.line_of(("id",)),
                        ("id",),
                        f"mission id {scenario.id!r} is already used by {first}; "
                        "mission ids must be unique (give each file once, or rename one)",
                    )
                )
            return
        self.first_use[scenario.id] = str(path)
        self.missions.append((scenario, path))


def _program_problems(exc: ValidationError, doc: YamlDocument, source: str) -> list[str]:
    """One line per pydantic error in a program file."""
    out: list[str] = []
    for err in exc.errors(include_url=False):
        raw = tuple(part for part in err["loc"] if part != "[key]")
        loc = clean_loc(raw, doc.data)
        if err["type"] == "extra_forbidden" and loc:
            model: type[StrictModel] = SharedResource if len(loc) == 3 and loc[0] == "resources" else ProgramFile
            key = str(loc[-1])
            allowed = sorted(model.model_fields)
            msg = f"unknown key {short_repr(key)}{did_you_mean(key, allowed)}; allowed here: {', '.join(allowed)}"
        elif loc[-1:] == ("capacity",) and err["type"] == "int_type":
            msg = f"expected a whole number >= 1, got {short_repr(err.get('input'))}"
        else:
            msg = " ".join(message_for(err).split())
        out.append(problem_line(source, doc.line_of(loc), loc, msg))
    return list(dict.fromkeys(out))
