"""The ``low``/``mode``/``high`` keys shared by ``triangular`` and ``pert`` (not a distribution itself)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from sim.fields import seconds_text
from sim.scenario.distributions.base import DURATION_KEY, Distribution, spec_duration
from sim.timebase import format_duration


@dataclass(frozen=True)
class ThreePoint(Distribution):
    """A distribution on [low_s, high_s] with most likely value ``mode_s`` (the nominal)."""

    low_s: float
    mode_s: float
    high_s: float
    keys: ClassVar[dict[str, dict[str, Any]]] = {"low": DURATION_KEY, "mode": DURATION_KEY, "high": DURATION_KEY}
    required: ClassVar[frozenset[str]] = frozenset({"low", "mode", "high"})

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], min_s: float | None, max_s: float | None) -> Self:
        """``low <= mode <= high``."""
        low, mode, high = spec_duration(spec, "low"), spec_duration(spec, "mode"), spec_duration(spec, "high")
        if low > mode:
            raise ValueError(f"low: must be <= mode (got {spec['low']} > {spec['mode']})")
        if mode > high:
            raise ValueError(f"mode: must be <= high (got {spec['mode']} > {spec['high']})")
        return cls(low, mode, high, min_s=min_s, max_s=max_s)

    def params(self) -> dict[str, Any]:
        """``{low, mode, high}``."""
        return {"low": seconds_text(self.low_s), "mode": seconds_text(self.mode_s), "high": seconds_text(self.high_s)}

    @property
    def nominal_s(self) -> float:
        return self.mode_s

    @property
    def support_s(self) -> tuple[float | None, float | None]:
        return self.low_s, self.high_s

    def describe(self) -> str:
        points = ", ".join(format_duration(v) for v in (self.low_s, self.mode_s, self.high_s))
        return f"{self.name}({points})"
