"""Physical inputs of duration sources (delta-v, thrust, Isp, altitudes): a number or a distribution.

A quantity is written as a plain number in the unit its key names (``thrust_n: 3000``) or as a
distribution mapping over numbers (``isp_s: {dist: triangular, low: 300, mode: 310, high: 315}``),
with the same ``dist:`` names and nominal values as durations. Internally the distribution classes
are reused (they are numeric; their ``_s`` field names are only the duration convention).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from sim.scenario.distributions import DIST_NAMES, Distribution, Fixed, parse_distribution
from sim.scenario.yamlsource import short_repr

_UNIT = re.compile(r"(\d[\d.e+-]*)s\b")
_NUMERIC_KEYS = ("value", "low", "mode", "high", "median", "p90", "min", "max")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def parse_quantity(value: Any, key: str, *, positive: bool = True) -> Distribution:
    """A number or a ``dist:`` mapping of numbers as a distribution of values.

    Raises:
        ValueError: ``key: message`` (or ``key.sub: message``) saying what to write instead.
    """
    if _is_number(value):
        if positive and value <= 0:
            raise ValueError(f"{key}: must be > 0 (got {short_repr(value)})")
        return Fixed(float(value))
    if not isinstance(value, Mapping):
        raise ValueError(
            f"{key}: expected a number or a mapping with 'dist:' over numbers, e.g. "
            f"{{dist: triangular, low: 300, mode: 310, high: 315}}; got {short_repr(value)}"
        )
    as_durations: dict[str, Any] = {}
    for k, v in value.items():
        if k in _NUMERIC_KEYS:
            if not _is_number(v):
                raise ValueError(f"{key}.{k}: expected a number, got {short_repr(v)}")
            if v < 0 or (positive and v == 0 and k != "min"):
                raise ValueError(f"{key}.{k}: must be > 0 (got {short_repr(v)})")
            as_durations[k] = f"{v}s"
        elif k == "values":
            if not isinstance(v, list) or not all(_is_number(x) and x > 0 for x in v):
                raise ValueError(f"{key}.values: expected a list of numbers > 0")
            as_durations[k] = [f"{x}s" for x in v]
        else:
            as_durations[k] = v
    try:
        dist = parse_distribution(as_durations)
    except ValueError as exc:
        text = _UNIT.sub(r"\1", str(exc))  # the numbers went in as seconds; show them bare
        sub = text.split(":", 1)[0]
        raise ValueError(f"{key}.{text}" if sub in value else f"{key}: {text}") from None
    return dist


def quantity_spec(d: Distribution) -> Any:
    """The scenario value of a quantity (inverse of ``parse_quantity``)."""
    if isinstance(d, Fixed) and d.min_s is None and d.max_s is None:
        return _num(d.value_s)
    out: dict[str, Any] = {"dist": d.name}
    for name, attr in (
        ("value", "value_s"),
        ("low", "low_s"),
        ("mode", "mode_s"),
        ("high", "high_s"),
        ("median", "median_s"),
        ("sigma", "sigma"),
    ):
        if hasattr(d, attr):
            out[name] = _num(getattr(d, attr))
    if hasattr(d, "values_s"):
        out["values"] = [_num(v) for v in d.values_s]
    if d.min_s is not None:
        out["min"] = _num(d.min_s)
    if d.max_s is not None:
        out["max"] = _num(d.max_s)
    return out


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def describe_quantity(d: Distribution, unit: str) -> str:
    """``3000 N`` or ``triangular(300, 310, 315) s``."""
    spec = quantity_spec(d)
    if not isinstance(spec, dict):
        return f"{spec:g} {unit}"
    args = ", ".join(f"{spec[k]:g}" for k in ("low", "mode", "high", "median", "value") if k in spec)
    return f"{spec['dist']}({args}) {unit}"


def draw_quantity(d: Distribution, rng: Any, n: int) -> Any:
    """``n`` values (a float when the quantity is fixed: nothing is drawn from ``rng``)."""
    return d.nominal_s if d.is_fixed else d.sample(rng, n)


QUANTITY_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0},
        {
            "type": "object",
            "description": "a distribution over numbers (same 'dist:' names as durations)",
            "properties": {
                "dist": {"enum": list(DIST_NAMES)},
                **{k: {"type": "number"} for k in _NUMERIC_KEYS},
                "sigma": {"type": "number", "minimum": 0},
                "values": {"type": "array", "items": {"type": "number"}},
            },
            "required": ["dist"],
            "additionalProperties": False,
        },
    ]
}
