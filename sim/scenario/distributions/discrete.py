"""``dist: discrete``: one of listed ``values`` with given ``weights`` (scenarios of a known set)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np

from sim.fields import seconds_text
from sim.scenario.distributions.base import Distribution
from sim.scenario.distributions.empirical import parse_values


@dataclass(frozen=True)
class Discrete(Distribution):
    """``values_s[k]`` with probability ``weights[k] / sum(weights)``; nominal is the most likely
    value (the first of equally likely ones)."""

    values_s: tuple[float, ...]
    weights: tuple[float, ...]
    name: ClassVar[str] = "discrete"
    keys: ClassVar[dict[str, dict[str, Any]]] = {
        "values": {"type": "array", "items": {"type": "string"}},
        "weights": {"type": "array", "items": {"type": "number", "exclusiveMinimum": 0}, "minItems": 1},
    }
    required: ClassVar[frozenset[str]] = frozenset({"values", "weights"})
    docs: ClassVar[str] = (
        "| `discrete` | `values` (durations) and `weights` (numbers > 0, one per value) | one of the values, "
        "with probability weight / sum of weights | the value with the largest weight |"
    )
    example: ClassVar[str] = "{dist: discrete, values: [0s, 1d, 29d], weights: [80, 15, 5]}"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], min_s: float | None, max_s: float | None) -> Self:
        """Non-empty ``values`` and as many positive finite ``weights``."""
        values, weights = spec["values"], spec["weights"]
        if isinstance(values, list) and values and (not isinstance(weights, list) or len(weights) != len(values)):
            raise ValueError(f"weights: give one weight per value ({len(values)} numbers)")
        parsed = parse_values(values)
        for i, w in enumerate(weights):
            if isinstance(w, bool) or not isinstance(w, (int, float)) or not 0 < w < math.inf:
                raise ValueError(f"weights[{i}]: must be a number > 0, got {w!r}")
        return cls(parsed, tuple(float(w) for w in weights), min_s=min_s, max_s=max_s)

    def params(self) -> dict[str, Any]:
        """``{values, weights}``."""
        return {"values": [seconds_text(v) for v in self.values_s], "weights": list(self.weights)}

    @property
    def nominal_s(self) -> float:
        return self.values_s[int(np.argmax(self.weights))]

    @property
    def support_s(self) -> tuple[float | None, float | None]:
        return min(self.values_s), max(self.values_s)

    @property
    def is_fixed(self) -> bool:
        return len(set(self.values_s)) == 1 and self.min_s is None and self.max_s is None

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        p = np.asarray(self.weights) / sum(self.weights)
        return np.asarray(self.values_s, dtype=float)[rng.choice(len(self.values_s), n, p=p)]

    def describe(self) -> str:
        return f"discrete({len(self.values_s)} values)"
