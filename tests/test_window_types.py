"""Every registered window type carries all its parts, and the scenario model is built from the registry.

A window type is one class in ``sim/sky/windows/`` (see its ``__init__``). These tests fail when a
registered type lacks a part: a ``type`` tag, a JSON Schema with a description, a ``docs``
section that docs/scenario-format.md carries verbatim and whose YAML examples validate as that
type, a ``check`` and an ``openings`` that compute.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from sim.engine.model import build_model
from sim.scenario.model import Scenario, load_scenario_text, scenario_json_schema
from sim.scenario.yamlsource import parse_yaml
from sim.sky.ephemeris import default_ephemeris
from sim.sky.intervals import WindowTable, periodic
from sim.sky.windows import (
    WINDOW_TYPES,
    CheckContext,
    CombinedWindow,
    PeriodicWindow,
    Site,
    WindowContext,
    WindowSpec,
    WindowType,
    window_type,
)

FORMAT_DOC = Path(__file__).resolve().parent.parent / "docs" / "scenario-format.md"
EPOCH = datetime(2024, 5, 1, tzinfo=UTC)
HORIZON_S = 40 * 86400.0
CHANGE6_SITE = Site(name="Apollo basin", lat_deg=-41.6385, lon_deg=-153.9852)
IDS = [cls.__name__ for cls in WINDOW_TYPES]


def doc_examples(cls: type[WindowType]) -> dict[str, Any]:
    """The windows in the YAML examples of a type's ``docs`` (name -> mapping)."""
    out: dict[str, Any] = {}
    for block in re.findall(r"```yaml\n(.*?)```", cls.docs, re.S):
        data = parse_yaml(block).data
        assert isinstance(data, dict)
        out.update(data)
    return out


def missing_parts(cls: type[WindowType]) -> list[str]:
    """The parts a window type lacks (empty for a complete one)."""
    missing = []
    if not cls.type_names() or not all(isinstance(t, str) for t in cls.type_names()):
        missing.append("a 'type' Literal field")
    if not (cls.__doc__ or "").strip() or not cls.model_json_schema().get("description"):
        missing.append("a docstring (the JSON Schema description)")
    docs = getattr(cls, "docs", "")
    if not docs.startswith("### `type: ") or not doc_examples(cls):
        missing.append("docs: a '### `type: NAME`' section with a ```yaml example")
    for method in ("check", "openings"):
        if getattr(getattr(cls, method), "__isabstractmethod__", False):
            missing.append(method)
    return missing


def test_registry_is_the_scenario_union() -> None:
    """The scenario's ``windows:`` union and the JSON Schema hold exactly the registered classes, in order."""
    union = Scenario.model_fields["windows"].annotation
    members = get_args(get_args(get_args(union)[1])[0])
    assert members == WINDOW_TYPES
    (entry,) = scenario_json_schema()["properties"]["windows"]["patternProperties"].values()
    branches = entry["oneOf"]
    assert [b["$ref"].rsplit("/", 1)[1] for b in branches] == IDS
    tags = [t for cls in WINDOW_TYPES for t in cls.type_names()]
    assert tags == [
        "periodic",
        "explicit",
        "lunar_daylight",
        "all_of",
        "any_of",
        "earth_return",
        "relay",
        "ground_station",
        "launch",
    ]
    assert len(set(tags)) == len(tags)
    assert window_type("any_of") is CombinedWindow and window_type("periodic") is PeriodicWindow
    with pytest.raises(KeyError):
        window_type("nope")


@pytest.mark.parametrize("cls", WINDOW_TYPES, ids=IDS)
def test_window_type_has_every_part(cls: type[WindowType]) -> None:
    """Type tag, schema description, docs section with examples, check and openings."""
    assert missing_parts(cls) == []


@pytest.mark.parametrize("cls", WINDOW_TYPES, ids=IDS)
def test_docs_section_is_on_the_format_page(cls: type[WindowType]) -> None:
    """docs/scenario-format.md carries the type's ``docs`` verbatim (edit the class, then paste)."""
    assert cls.docs in FORMAT_DOC.read_text(encoding="utf-8"), f"paste {cls.__name__}.docs into {FORMAT_DOC.name}"


@pytest.mark.parametrize("cls", WINDOW_TYPES, ids=IDS)
def test_docs_examples_validate_check_and_compute(cls: type[WindowType]) -> None:
    """Each example of the docs validates as this type, passes its checks and computes openings.

    Every example's openings are a ``(k, 2)`` array; at least one example of each type opens
    within 40 days of 2024-05-01 (the polar ``pole_sun`` example, Sun above 0.5 deg at 88.8 S,
    may not: terrain-free polar light comes and goes with the season).
    """
    opened = 0
    adapter: TypeAdapter[Any] = TypeAdapter(WindowSpec)
    examples = doc_examples(cls)
    ephemeris = default_ephemeris()
    for name, data in examples.items():
        window = adapter.validate_python(data)
        assert type(window) is cls and window.kind == data["type"]
        names = {*examples, *window.refs()}
        assert window.check(CheckContext(window_names=names, site=CHANGE6_SITE)) == []
        tables = {
            ref: periodic(ref, 86400.0, 43200.0 + 3600.0 * k, 0.0, HORIZON_S) for k, ref in enumerate(window.refs())
        }
        ctx = WindowContext(
            name=name, epoch=EPOCH, horizon_s=HORIZON_S, site=CHANGE6_SITE, ephemeris=lambda: ephemeris, tables=tables
        )
        iv = np.asarray(window.openings(ctx), dtype=float)
        assert iv.ndim == 2 and iv.shape[1] == 2
        opened += len(WindowTable.from_intervals(name, iv, HORIZON_S).starts)
    assert opened > 0, f"no example of {cls.__name__} opens within {HORIZON_S / 86400:.0f} d of {EPOCH}"


def test_combined_openings_are_intersection_and_union() -> None:
    """all_of opens where both are open (12 h and 13 h of each day from 0 h: 12 h), any_of where either is."""
    tables = {
        "a": periodic("a", 86400.0, 43200.0, 0.0, HORIZON_S),
        "b": periodic("b", 86400.0, 46800.0, 3600.0, HORIZON_S),
    }
    ctx = WindowContext(
        name="w", epoch=EPOCH, horizon_s=HORIZON_S, site=None, ephemeris=default_ephemeris, tables=tables
    )
    both = CombinedWindow(type="all_of", windows=["a", "b"]).openings(ctx)
    either = CombinedWindow(type="any_of", windows=["a", "b"]).openings(ctx)
    t_both = WindowTable.from_intervals("w", both, HORIZON_S)
    t_either = WindowTable.from_intervals("w", either, HORIZON_S)
    assert (t_both.starts[0], t_both.ends[0]) == (3600.0, 43200.0)
    assert (t_either.starts[0], t_either.ends[0]) == (0.0, 50400.0)


def test_a_type_missing_a_part_is_caught() -> None:
    """An incomplete type cannot be instantiated, and ``missing_parts`` names what it lacks."""

    class Half(WindowType):
        type: Literal["half"]

        def check(self, ctx: CheckContext) -> list[Any]:
            return []

    assert missing_parts(Half) == [
        "a docstring (the JSON Schema description)",
        "docs: a '### `type: NAME`' section with a ```yaml example",
        "openings",
    ]
    with pytest.raises(TypeError, match="openings"):
        Half(type="half")


def test_standalone_needs_nothing_from_the_scenario() -> None:
    """A program re-homes windows: an offset becomes an anchor, the site is filled in, references renamed."""
    text = """\
id: t
name: t
epoch: 2024-05-03T09:27:29Z
site: {lat_deg: -41.6385, lon_deg: -153.9852}
elements: [l]
windows:
  relay: {type: periodic, period: 12h, open: 8h, offset: 1h}
  light: {type: lunar_daylight}
  both: {type: all_of, windows: [relay, light]}
phases:
  - {id: a, kind: landing, element: l, duration: 1h, window: both}
"""
    s = load_scenario_text(text)
    moved = {n: w.standalone(s.epoch, s.site, lambda r: "m__" + r) for n, w in s.windows.items()}
    assert moved["relay"].model_dump(mode="json")["anchor"] == "2024-05-03T10:27:29Z"
    assert moved["relay"].model_dump()["offset"] is None
    assert moved["light"].model_dump()["site"]["lat_deg"] == -41.6385
    assert moved["both"].refs() == ("m__relay", "m__light")
    # the re-homed relay window, on a scenario without offset, opens at the same instants
    rehomed = s.model_copy(update={"windows": {**s.windows, "relay": moved["relay"]}})
    a, b = build_model(s).windows[0], build_model(rehomed).windows[0]
    assert np.array_equal(a.starts, b.starts) and np.array_equal(a.ends, b.ends)


def test_unknown_type_lists_the_registered_tags() -> None:
    """pydantic's message for a bad tag names every registered type, in registry order."""
    with pytest.raises(ValidationError, match="'periodic', 'explicit', 'lunar_daylight', 'all_of', 'any_of'"):
        TypeAdapter(WindowSpec).validate_python({"type": "periodik"})
