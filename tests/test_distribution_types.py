"""Every registered distribution carries all its parts, and parsing, dumping and the schema come from the registry.

A distribution is one class in ``sim/scenario/distributions/`` (see its ``__init__``). These tests
fail when a registered distribution lacks a part: a name, keys with a JSON Schema, a docs row
that docs/scenario-format.md carries verbatim, an example that parses to it and dumps back, a
nominal value, a support, vectorized draws inside that support, and a description.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from sim.scenario.distributions import (
    DIST_NAMES,
    DISTRIBUTIONS,
    DURATION_JSON_SCHEMA,
    Distribution,
    Fixed,
    Lognormal,
    distribution_spec,
    parse_distribution,
)
from sim.scenario.model import scenario_json_schema
from sim.scenario.yamlsource import parse_yaml

FORMAT_DOC = Path(__file__).resolve().parent.parent / "docs" / "scenario-format.md"
IDS = [cls.name for cls in DISTRIBUTIONS]
HOOKS = ("from_spec", "params", "nominal_s", "support_s", "_draw", "describe")


def example(cls: type[Distribution]) -> Any:
    """The class's ``example``, read as scenario YAML."""
    return parse_yaml(f"duration: {cls.example}\n").data["duration"]


def missing_parts(cls: type[Distribution]) -> list[str]:
    """The parts a distribution lacks (empty for a complete one)."""
    missing = [hook for hook in HOOKS if next(k for k in cls.__mro__ if hook in vars(k)) is Distribution]
    if cls.name == Distribution.name or not cls.name:
        missing.append("name")
    if not cls.keys or not cls.required <= set(cls.keys):
        missing.append("keys (required keys among them)")
    if not cls.docs.startswith(f"| `{cls.name}` |"):
        missing.append("docs: its row of the table, '| `NAME` | ...'")
    if not cls.example.startswith(f"{{dist: {cls.name},"):
        missing.append("example: '{dist: NAME, ...}'")
    return missing


def test_registry_order_and_names() -> None:
    """Names are unique; ``DIST_NAMES`` and the schema's ``dist`` enum follow the registry."""
    assert DIST_NAMES == ("fixed", "uniform", "triangular", "pert", "lognormal", "normal", "empirical", "discrete")
    assert DURATION_JSON_SCHEMA["anyOf"][1]["properties"]["dist"]["enum"] == list(DIST_NAMES)
    assert len(set(DIST_NAMES)) == len(DISTRIBUTIONS)


@pytest.mark.parametrize("cls", DISTRIBUTIONS, ids=IDS)
def test_distribution_has_every_part(cls: type[Distribution]) -> None:
    """Name, keys, docs row, example and every hook overridden."""
    assert missing_parts(cls) == []


@pytest.mark.parametrize("cls", DISTRIBUTIONS, ids=IDS)
def test_docs_row_is_on_the_format_page(cls: type[Distribution]) -> None:
    """docs/scenario-format.md carries the distribution's ``docs`` row verbatim."""
    assert cls.docs in FORMAT_DOC.read_text(encoding="utf-8"), f"paste {cls.__name__}.docs into {FORMAT_DOC.name}"


@pytest.mark.parametrize("cls", DISTRIBUTIONS, ids=IDS)
def test_keys_are_in_the_schema(cls: type[Distribution]) -> None:
    """Every key of every distribution has its JSON Schema in the scenario schema's duration mapping."""
    props = scenario_json_schema()["$defs"]["Phase"]["properties"]["duration"]["anyOf"][1]["properties"]
    for key, schema in cls.keys.items():
        assert props[key] == schema


@pytest.mark.parametrize("cls", DISTRIBUTIONS, ids=IDS)
def test_example_parses_samples_and_dumps_back(cls: type[Distribution]) -> None:
    """The example parses to this class; draws lie in its bounds; dumping and re-parsing gives it back."""
    spec = example(cls)
    d = parse_distribution(spec)
    assert type(d) is cls
    assert d.describe().startswith(cls.name) or cls is Fixed
    draws = d.sample(np.random.default_rng(7), 5000)
    assert draws.shape == (5000,) and draws.dtype == np.float64
    bounds = d.bounds_s()
    lo, hi = bounds if bounds is not None else (0.0, d.max_s if d.max_s is not None else np.inf)
    assert lo <= d.nominal_s <= hi
    assert draws.min() >= lo and draws.max() <= hi
    assert parse_distribution(distribution_spec(d)) == d


def test_example_values() -> None:
    """The nominal value is the documented one: mode, midpoint, median, value, median of values."""
    h = 3600.0
    nominal = {cls.name: parse_distribution(example(cls)).nominal_s / h for cls in DISTRIBUTIONS}
    assert nominal == {
        "fixed": 86.0,  # 3d 14h
        "uniform": 156.0,  # midpoint of 6 d and 7 d
        "triangular": 112.0,
        "pert": 19.0,
        "lognormal": 19.0,
        "normal": 12.0,  # the mean, inside [min, max]
        "empirical": 144.0,  # median of 5, 6, 6, 7 days
        "discrete": 0.0,  # the value with the largest weight
    }
    lognormal = parse_distribution(example(Lognormal))
    assert lognormal.bounds_s() is None  # no finite (low, high) support: the comparison draws no range for it


def test_a_distribution_missing_a_part_is_caught() -> None:
    """``missing_parts`` names what an incomplete class lacks (so the parametrized test can fail)."""

    @dataclass(frozen=True)
    class Half(Distribution):
        value_s: float
        name: ClassVar[str] = "half"

        @property
        def nominal_s(self) -> float:
            return self.value_s

    assert missing_parts(Half) == [
        "from_spec",
        "params",
        "support_s",
        "_draw",
        "describe",
        "keys (required keys among them)",
        "docs: its row of the table, '| `NAME` | ...'",
        "example: '{dist: NAME, ...}'",
    ]
