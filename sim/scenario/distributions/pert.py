"""``dist: pert``: beta-PERT (lambda = 4) on [low, high] with mode ``mode``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.scenario.distributions.threepoint import ThreePoint

PERT_LAMBDA = 4.0  # the classic PERT weight of the mode (Malcolm et al. 1959; Vose, Risk Analysis)


@dataclass(frozen=True)
class Pert(ThreePoint):
    """Beta-PERT (lambda = 4) on [low_s, high_s] with mode ``mode_s``; nominal is the mode."""

    name: ClassVar[str] = "pert"
    docs: ClassVar[str] = "| `pert` | `low`, `mode`, `high` | beta-PERT (λ = 4) on [low, high] | `mode` |"
    example: ClassVar[str] = "{dist: pert, low: 15h, mode: 19h, high: 40h}"

    @property
    def alpha_beta(self) -> tuple[float, float]:
        """The beta shape parameters (alpha, beta)."""
        span = self.high_s - self.low_s
        a = 1.0 + PERT_LAMBDA * (self.mode_s - self.low_s) / span
        b = 1.0 + PERT_LAMBDA * (self.high_s - self.mode_s) / span
        return a, b

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.high_s == self.low_s:
            return np.full(n, self.low_s)
        a, b = self.alpha_beta
        return self.low_s + (self.high_s - self.low_s) * rng.beta(a, b, n)
