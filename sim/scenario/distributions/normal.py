"""``dist: normal``: a symmetric spread around ``mean``, truncated at ``min`` (required, >= 0) and ``max``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np

from sim.fields import seconds_text
from sim.scenario.distributions.base import DURATION_KEY, Distribution, spec_duration
from sim.timebase import format_duration

_MAX_ROUNDS = 1000


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal(mean_s, sd_s) conditioned on [min_s, max_s] (a true truncated normal).

    A duration cannot be negative, so ``min`` is required and must be >= 0: the truncation is
    then explicit in the file rather than a hidden clamp at zero. Draws outside the bounds are
    redrawn from the normal itself (not clamped), so the density inside is the normal's, scaled.
    The nominal value is the mode: ``mean`` clipped to the bounds.
    """

    mean_s: float
    sd_s: float
    name: ClassVar[str] = "normal"
    keys: ClassVar[dict[str, dict[str, Any]]] = {"mean": DURATION_KEY, "sd": DURATION_KEY}
    required: ClassVar[frozenset[str]] = frozenset({"mean", "sd"})  # and min, checked in from_spec
    docs: ClassVar[str] = (
        "| `normal` | `mean`, `sd` and `min` (>= 0; `max` optional) | normal with that mean and standard "
        "deviation, truncated to [min, max] (out-of-range draws are redrawn) | `mean`, clipped to [min, max] |"
    )
    example: ClassVar[str] = "{dist: normal, mean: 12h, sd: 2h, min: 6h}"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], min_s: float | None, max_s: float | None) -> Self:
        """``sd > 0``; ``min >= 0`` (given); the bounds must hold some probability."""
        mean, sd = spec_duration(spec, "mean"), spec_duration(spec, "sd")
        if sd <= 0:
            raise ValueError("sd: must be > 0 (a zero spread is a fixed duration)")
        if min_s is None:
            raise ValueError("min: a normal needs 'min' (>= 0): say where it is cut, a duration is never negative")
        if min_s < 0:
            raise ValueError("min: must be >= 0 (a duration cannot be negative)")
        lo, hi = (min_s - mean) / sd, (math.inf if max_s is None else (max_s - mean) / sd)
        if _phi(hi) - _phi(lo) < 1e-6:
            raise ValueError(f"min: the bounds hold almost no probability of normal({spec['mean']}, {spec['sd']})")
        return cls(mean, sd, min_s=min_s, max_s=max_s)

    def params(self) -> dict[str, Any]:
        """``{mean, sd}`` (``min``/``max`` are written by the caller)."""
        return {"mean": seconds_text(self.mean_s), "sd": seconds_text(self.sd_s)}

    @property
    def nominal_s(self) -> float:
        lo = self.min_s if self.min_s is not None else 0.0
        hi = self.max_s if self.max_s is not None else math.inf
        return min(max(self.mean_s, lo), hi)

    @property
    def support_s(self) -> tuple[float | None, float | None]:
        return None, None

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.normal(self.mean_s, self.sd_s, n)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """A true truncated normal: draws outside [min, max] are redrawn (no clamp at 0 first)."""
        lo = 0.0 if self.min_s is None else self.min_s
        hi = math.inf if self.max_s is None else self.max_s
        out = self._draw(rng, n)
        bad = (out < lo) | (out > hi)
        for _ in range(_MAX_ROUNDS):
            k = int(bad.sum())
            if not k:
                return out
            out[bad] = self._draw(rng, k)
            bad = (out < lo) | (out > hi)
        raise ValueError(f"truncation bounds of {self.describe()} hold almost no probability")

    def describe(self) -> str:
        return f"normal({format_duration(self.mean_s)}, sd {format_duration(self.sd_s)})"


def _phi(z: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0))) if math.isfinite(z) else (1.0 if z > 0 else 0.0)
