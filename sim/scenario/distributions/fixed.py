"""``dist: fixed`` (or a bare duration text): always the same value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np

from sim.fields import seconds_text
from sim.scenario.distributions.base import DURATION_KEY, Distribution, spec_duration
from sim.timebase import format_duration


@dataclass(frozen=True)
class Fixed(Distribution):
    """Always ``value_s``."""

    value_s: float
    name: ClassVar[str] = "fixed"
    keys: ClassVar[dict[str, dict[str, Any]]] = {"value": DURATION_KEY}
    required: ClassVar[frozenset[str]] = frozenset({"value"})
    docs: ClassVar[str] = "| `fixed` | `value` | always `value` | `value` |"
    example: ClassVar[str] = "{dist: fixed, value: 3d 14h}"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], min_s: float | None, max_s: float | None) -> Self:
        """``value``."""
        return cls(spec_duration(spec, "value"), min_s=min_s, max_s=max_s)

    def params(self) -> dict[str, Any]:
        """``{value}``."""
        return {"value": seconds_text(self.value_s)}

    @property
    def nominal_s(self) -> float:
        return self.value_s

    @property
    def support_s(self) -> tuple[float | None, float | None]:
        return self.value_s, self.value_s

    @property
    def is_fixed(self) -> bool:
        return True

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value_s)

    def describe(self) -> str:
        return format_duration(self.value_s)
