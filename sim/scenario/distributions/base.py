"""What every duration distribution is: a frozen dataclass that parses, checks, documents and samples itself.

All values are seconds. A distribution is one class in one file of this package, registered in
``__init__.py``. The class carries everything about its kind:

- ``name`` (the ``dist:`` value), ``keys`` (its keys besides ``dist``/``min``/``max``, each
  with its JSON Schema, in order) and ``required`` (the keys that must be given);
- ``from_spec(spec, min_s, max_s)``: validation and construction from a scenario mapping
  (``ValueError("key: what is wrong")`` names the key), and ``params()``, its inverse;
- ``nominal_s`` (the most likely value, used by single nominal runs), ``_draw(rng, n)``
  (vectorized, from a numpy ``Generator`` owned by the caller; no distribution holds random
  state), ``support_s`` (the untruncated range, ``None`` where unbounded) and ``describe()``;
- ``docs``: its row of the table in docs/scenario-format.md, and ``example``: a ``dist:``
  mapping in scenario syntax (tests check the page carries the row and the example parses).

The base class adds truncation to ``[min_s, max_s]`` (a true conditional draw) and the checks
every distribution shares.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np

from sim.timebase import parse_duration

_MAX_REJECTION_ROUNDS = 1000
DURATION_KEY: dict[str, Any] = {"type": "string"}  # JSON Schema of a key holding a duration text


def spec_duration(spec: Mapping[str, Any], key: str) -> float:
    """``spec[key]`` as seconds; a ``ValueError`` names the key."""
    try:
        return parse_duration(spec[key])
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None


@dataclass(frozen=True)
class Distribution:
    """Base class: a non-negative duration distribution in seconds, optionally truncated."""

    min_s: float | None = field(default=None, kw_only=True)
    max_s: float | None = field(default=None, kw_only=True)
    name: ClassVar[str] = "distribution"
    keys: ClassVar[dict[str, dict[str, Any]]] = {}  # key -> its JSON Schema, in documentation order
    required: ClassVar[frozenset[str]] = frozenset()
    docs: ClassVar[str] = ""  # its row of the table in docs/scenario-format.md, verbatim
    example: ClassVar[str] = ""  # a scenario mapping, e.g. "{dist: uniform, low: 6d, high: 7d}"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], min_s: float | None, max_s: float | None) -> Self:
        """Build from a checked ``dist:`` mapping (keys known, required keys present, bounds parsed).

        Raises:
            ValueError: ``"key: what is wrong (got ...)"``.
        """
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        """The ``dist:`` mapping's own keys, as scenario values (the inverse of ``from_spec``)."""
        raise NotImplementedError

    @property
    def nominal_s(self) -> float:
        """The most likely value, in seconds (used by single nominal runs)."""
        raise NotImplementedError

    @property
    def support_s(self) -> tuple[float | None, float | None]:
        """The (low, high) range of untruncated draws in seconds; None where unbounded."""
        raise NotImplementedError

    @property
    def is_fixed(self) -> bool:
        """True when every draw equals the nominal value."""
        return False

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` durations in seconds (float64), honouring ``min_s``/``max_s`` truncation.

        Truncation is a true conditional draw: values outside the bounds are redrawn.
        """
        out = np.maximum(self._draw(rng, n), 0.0)
        if self.min_s is None and self.max_s is None:
            return out
        lo = -math.inf if self.min_s is None else self.min_s
        hi = math.inf if self.max_s is None else self.max_s
        bad = (out < lo) | (out > hi)
        for _ in range(_MAX_REJECTION_ROUNDS):
            k = int(bad.sum())
            if not k:
                return out
            out[bad] = np.maximum(self._draw(rng, k), 0.0)
            bad = (out < lo) | (out > hi)
        raise ValueError(f"truncation bounds of {self.describe()} hold almost no probability")

    def bounds_s(self) -> tuple[float, float] | None:
        """The (low, high) range of draws in seconds, truncation included; None when unbounded."""
        lo, hi = self.support_s
        if self.min_s is not None:
            lo = self.min_s if lo is None else max(lo, self.min_s)
        if self.max_s is not None:
            hi = self.max_s if hi is None else min(hi, self.max_s)
        if lo is None or hi is None:
            return None
        return lo, hi

    def describe(self) -> str:
        """Short text for tables, e.g. ``triangular(108h, 112h, 116h)``."""
        return self.name
