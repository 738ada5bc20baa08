"""``dist: triangular``: the triangle on [low, high] peaking at ``mode``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.scenario.distributions.threepoint import ThreePoint


@dataclass(frozen=True)
class Triangular(ThreePoint):
    """Triangular with ``low_s <= mode_s <= high_s``; nominal is the mode."""

    name: ClassVar[str] = "triangular"
    docs: ClassVar[str] = "| `triangular` | `low`, `mode`, `high` | triangular | `mode` |"
    example: ClassVar[str] = "{dist: triangular, low: 108h, mode: 112h, high: 116h}"

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.high_s == self.low_s:
            return np.full(n, self.low_s)
        return rng.triangular(self.low_s, self.mode_s, self.high_s, n)
