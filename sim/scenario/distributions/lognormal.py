"""``dist: lognormal``: a long right tail, given by its median and its 90th percentile or log-space sigma."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np

from sim.fields import seconds_text
from sim.scenario.distributions.base import DURATION_KEY, Distribution, spec_duration
from sim.timebase import format_duration

Z90 = 1.2815515655446004  # standard normal quantile at 0.90


@dataclass(frozen=True)
class Lognormal(Distribution):
    """Lognormal with median ``median_s`` and log-space standard deviation ``sigma``."""

    median_s: float
    sigma: float
    name: ClassVar[str] = "lognormal"
    keys: ClassVar[dict[str, dict[str, Any]]] = {
        "median": DURATION_KEY,
        "p90": DURATION_KEY,
        "sigma": {"type": "number", "minimum": 0},
    }
    required: ClassVar[frozenset[str]] = frozenset({"median"})
    docs: ClassVar[str] = (
        "| `lognormal` | `median` and one of `p90` or `sigma` | lognormal with that median; `p90` sets the "
        "90th percentile, `sigma` the log-space standard deviation (a number >= 0) | `median` |"
    )
    example: ClassVar[str] = "{dist: lognormal, median: 19h, p90: 30h, max: 48h}"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], min_s: float | None, max_s: float | None) -> Self:
        """``median > 0`` and exactly one of ``p90 > median`` or ``sigma >= 0``."""
        median = spec_duration(spec, "median")
        if median <= 0:
            raise ValueError("median: must be > 0 for a lognormal")
        if ("p90" in spec) == ("sigma" in spec):
            raise ValueError("lognormal needs exactly one of 'p90' or 'sigma' beside 'median'")
        if "p90" in spec:
            p90 = spec_duration(spec, "p90")
            if p90 <= median:
                raise ValueError(f"p90: must be > median (got {spec['p90']} <= {spec['median']})")
            sigma = math.log(p90 / median) / Z90
        else:
            sigma = spec["sigma"]
            if isinstance(sigma, bool) or not isinstance(sigma, (int, float)) or not 0 <= sigma < math.inf:
                raise ValueError(f"sigma: must be a number >= 0 (log-space), got {sigma!r}")
        return cls(median, float(sigma), min_s=min_s, max_s=max_s)

    def params(self) -> dict[str, Any]:
        """``{median, sigma}`` (a ``p90`` is kept as the sigma it implies)."""
        return {"median": seconds_text(self.median_s), "sigma": self.sigma}

    @property
    def nominal_s(self) -> float:
        return self.median_s

    @property
    def support_s(self) -> tuple[float | None, float | None]:
        return None, None

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.lognormal(math.log(self.median_s), self.sigma, n)

    def describe(self) -> str:
        return f"lognormal(median {format_duration(self.median_s)}, sigma {self.sigma:.3g})"
