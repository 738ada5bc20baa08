"""``dist: uniform``: any value between ``low`` and ``high`` equally likely."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np

from sim.fields import seconds_text
from sim.scenario.distributions.base import DURATION_KEY, Distribution, spec_duration
from sim.timebase import format_duration


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [low_s, high_s]; nominal is the midpoint."""

    low_s: float
    high_s: float
    name: ClassVar[str] = "uniform"
    keys: ClassVar[dict[str, dict[str, Any]]] = {"low": DURATION_KEY, "high": DURATION_KEY}
    required: ClassVar[frozenset[str]] = frozenset({"low", "high"})
    docs: ClassVar[str] = "| `uniform` | `low`, `high` | uniform on [low, high] | the midpoint |"
    example: ClassVar[str] = "{dist: uniform, low: 6d, high: 7d}"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], min_s: float | None, max_s: float | None) -> Self:
        """``low <= high``."""
        low, high = spec_duration(spec, "low"), spec_duration(spec, "high")
        if low > high:
            raise ValueError(f"low: must be <= high (got {spec['low']} > {spec['high']})")
        return cls(low, high, min_s=min_s, max_s=max_s)

    def params(self) -> dict[str, Any]:
        """``{low, high}``."""
        return {"low": seconds_text(self.low_s), "high": seconds_text(self.high_s)}

    @property
    def nominal_s(self) -> float:
        return 0.5 * (self.low_s + self.high_s)

    @property
    def support_s(self) -> tuple[float | None, float | None]:
        return self.low_s, self.high_s

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low_s, self.high_s, n)

    def describe(self) -> str:
        return f"uniform({format_duration(self.low_s)}, {format_duration(self.high_s)})"
