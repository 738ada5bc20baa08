"""``dist: empirical``: resample listed past outcomes with equal weight."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np

from sim.fields import seconds_text
from sim.scenario.distributions.base import Distribution
from sim.timebase import parse_duration


@dataclass(frozen=True)
class Empirical(Distribution):
    """Resamples the listed values with equal weight; nominal is their median."""

    values_s: tuple[float, ...]
    name: ClassVar[str] = "empirical"
    keys: ClassVar[dict[str, dict[str, Any]]] = {"values": {"type": "array", "items": {"type": "string"}}}
    required: ClassVar[frozenset[str]] = frozenset({"values"})
    docs: ClassVar[str] = (
        "| `empirical` | `values` (a list of durations) | one of the listed values, equal weights | "
        "the median of the values |"
    )
    example: ClassVar[str] = "{dist: empirical, values: [5d, 6d, 6d, 7d]}"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], min_s: float | None, max_s: float | None) -> Self:
        """A non-empty list of durations."""
        return cls(parse_values(spec["values"]), min_s=min_s, max_s=max_s)

    def params(self) -> dict[str, Any]:
        """``{values}``."""
        return {"values": [seconds_text(v) for v in self.values_s]}

    @property
    def nominal_s(self) -> float:
        return float(np.median(self.values_s))

    @property
    def support_s(self) -> tuple[float | None, float | None]:
        return min(self.values_s), max(self.values_s)

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values_s, dtype=float), n)

    def describe(self) -> str:
        return f"empirical({len(self.values_s)} values)"


def parse_values(values: Any) -> tuple[float, ...]:
    """A ``values:`` list of durations in seconds (``empirical``, ``discrete``); ValueError names the item."""
    if not isinstance(values, list) or not values:
        raise ValueError("values: must be a non-empty list of durations")
    parsed = []
    for i, v in enumerate(values):
        try:
            parsed.append(parse_duration(v))
        except ValueError as exc:
            raise ValueError(f"values[{i}]: {exc}") from None
    return tuple(parsed)
