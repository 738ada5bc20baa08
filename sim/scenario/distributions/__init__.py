"""Duration distributions: one class per file, registered here; a scenario duration is one of these.

All values are seconds. The **nominal** value is the most likely one: the mode (triangular,
PERT), the median (lognormal), the midpoint (uniform), the value (fixed) and the median of the
listed values (empirical). ``sample(rng, n)`` draws ``n`` values at once from a numpy
``Generator`` owned by the caller; no distribution holds any random state.

In a scenario file a duration is either a string with units (``37min``, ``4d 16h``) or a
mapping with ``dist:`` (``parse_distribution``; ``distribution_spec`` is its inverse; see
``docs/scenario-format.md``). The JSON Schema of a duration (``DURATION_JSON_SCHEMA``) is built
from the registered classes.

To add a distribution: write ``sim/scenario/distributions/NAME.py`` with a ``Distribution``
subclass (a frozen dataclass: ``name``, ``keys``, ``required``, ``docs``, ``example``,
``from_spec``, ``params``, ``nominal_s``, ``support_s``, ``_draw``, ``describe``; see
``base.py``), add it to ``DISTRIBUTIONS`` below, paste its ``docs`` row into the table in
docs/scenario-format.md, and add a test. ``tests/test_distribution_types.py`` fails if a
registered distribution lacks a part. The order of ``DISTRIBUTIONS`` is the order of the names
in messages and in the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.fields import seconds_text
from sim.scenario.distributions.base import Distribution, spec_duration
from sim.scenario.distributions.discrete import Discrete
from sim.scenario.distributions.empirical import Empirical
from sim.scenario.distributions.fixed import Fixed
from sim.scenario.distributions.lognormal import Z90, Lognormal
from sim.scenario.distributions.normal import Normal
from sim.scenario.distributions.pert import PERT_LAMBDA, Pert
from sim.scenario.distributions.triangular import Triangular
from sim.scenario.distributions.uniform import Uniform
from sim.timebase import parse_duration

DISTRIBUTIONS: tuple[type[Distribution], ...] = (
    Fixed,
    Uniform,
    Triangular,
    Pert,
    Lognormal,
    Normal,
    Empirical,
    Discrete,
)
BY_NAME: dict[str, type[Distribution]] = {cls.name: cls for cls in DISTRIBUTIONS}
DIST_NAMES = tuple(BY_NAME)
BOUND_KEYS = ("min", "max")  # truncation, taken by every distribution


def parse_distribution(value: Any) -> Distribution:
    """Build a distribution from a scenario value: a duration string or a ``dist:`` mapping.

    Raises:
        ValueError: naming the offending key and how to fix it.
    """
    if isinstance(value, Distribution):
        return value
    if isinstance(value, (str, int, float)):
        return Fixed(parse_duration(value))  # type: ignore[arg-type]
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a duration string ('37min') or a mapping with 'dist:', got {type(value).__name__}")
    kind = value.get("dist")
    if kind is None:
        raise ValueError(f"distribution mapping needs 'dist:' (one of {', '.join(DIST_NAMES)})")
    if not isinstance(kind, str) or kind not in BY_NAME:
        raise ValueError(f"dist: unknown distribution {kind!r}; use one of {', '.join(DIST_NAMES)}")
    cls = BY_NAME[kind]
    allowed = {*cls.keys, "dist", *BOUND_KEYS}
    extra = sorted(set(value) - allowed)
    if extra:
        raise ValueError(f"{extra[0]}: unknown key for dist {kind}; allowed: {', '.join(sorted(allowed))}")
    missing = sorted(cls.required - set(value))
    if missing:
        raise ValueError(f"dist {kind} needs '{missing[0]}'")
    min_s = spec_duration(value, "min") if "min" in value else None
    max_s = spec_duration(value, "max") if "max" in value else None
    if min_s is not None and max_s is not None and min_s > max_s:
        raise ValueError(f"min: must be <= max (got {value['min']} > {value['max']})")
    return cls.from_spec(value, min_s, max_s)


def distribution_spec(d: Distribution) -> Any:
    """Inverse of ``parse_distribution``, for dumping a scenario back to YAML/JSON."""
    if isinstance(d, Fixed) and d.min_s is None and d.max_s is None:
        return seconds_text(d.value_s)  # a bare duration text
    spec: dict[str, Any] = {"dist": d.name, **d.params()}
    if d.min_s is not None:
        spec["min"] = seconds_text(d.min_s)
    if d.max_s is not None:
        spec["max"] = seconds_text(d.max_s)
    return spec


def _key_schemas() -> dict[str, dict[str, Any]]:
    """Every distribution's keys, merged: a new key goes right after the key it follows in its class."""
    merged: dict[str, dict[str, Any]] = {}
    for cls in DISTRIBUTIONS:
        previous: str | None = None
        for key, schema in cls.keys.items():
            if key not in merged:
                items = list(merged.items())
                at = len(items) if previous is None else [k for k, _ in items].index(previous) + 1
                items.insert(at, (key, schema))
                merged = dict(items)
            previous = key
    return merged


DURATION_JSON_SCHEMA: dict[str, Any] = {
    "description": (
        "A duration with units ('37min', '112h', '4d 16h 28m', 'P4DT16H') or a distribution "
        f"mapping with 'dist:' ({', '.join(DIST_NAMES)}) and "
        "optional truncation 'min'/'max'."
    ),
    "anyOf": [
        {"type": "string", "examples": ["37min", "112h", "4d 16h 28m", "P4DT16H"]},
        {
            "type": "object",
            "properties": {
                "dist": {"enum": list(DIST_NAMES)},
                **_key_schemas(),
                **{key: {"type": "string"} for key in BOUND_KEYS},
            },
            "required": ["dist"],
            "additionalProperties": False,
        },
    ],
}

__all__ = [
    "BY_NAME",
    "DISTRIBUTIONS",
    "DIST_NAMES",
    "DURATION_JSON_SCHEMA",
    "PERT_LAMBDA",
    "Z90",
    "Discrete",
    "Distribution",
    "Empirical",
    "Fixed",
    "Lognormal",
    "Normal",
    "Pert",
    "Triangular",
    "Uniform",
    "distribution_spec",
    "parse_distribution",
]
