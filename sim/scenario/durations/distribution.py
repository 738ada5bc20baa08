"""Adapter: a fixed duration or a duration distribution as a duration source.

``duration: 37min`` and ``duration: {dist: triangular, ...}`` stay what they were (a
``Distribution`` on the phase); the compiled duration plan wraps them here so that the engine asks
every phase the same way. Drawing is unchanged: a fixed duration draws nothing, any other
distribution draws ``n`` values in file order, so seeds give the same numbers as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.scenario.distributions import Distribution
from sim.scenario.durations.base import DurationSource, Resolved


@dataclass(frozen=True)
class DistributionDuration(DurationSource):
    """A duration drawn from ``dist`` (seconds); the element's mass passes through unchanged."""

    dist: Distribution

    @classmethod
    def parse(cls, value: Any) -> DistributionDuration:  # pragma: no cover - built by as_source
        raise NotImplementedError("distributions are parsed by sim.scenario.distributions")

    @classmethod
    def json_schema(cls) -> dict[str, Any]:  # pragma: no cover - the duration schema covers it
        return {}

    def spec(self) -> Any:  # pragma: no cover - the phase keeps the Distribution itself
        return self.dist

    def draw(self, rng: np.random.Generator, n: int) -> Any:
        return self.dist.nominal_s if self.dist.is_fixed else self.dist.sample(rng, n)

    def nominal_inputs(self) -> Any:
        return self.dist.nominal_s

    def resolve(self, drawn: Any, mass_kg: np.ndarray) -> Resolved:
        return Resolved(np.broadcast_to(np.asarray(drawn, dtype=float), mass_kg.shape), mass_kg)

    def describe(self) -> str:
        return self.dist.describe()
