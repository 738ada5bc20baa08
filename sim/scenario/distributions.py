"""Duration distributions: a nominal value for single runs and vectorized sampling for Monte Carlo.

All values are seconds. The **nominal** value is the most likely one: the mode (triangular,
PERT), the median (lognormal), the midpoint (uniform), the value (fixed) and the median of the
listed values (empirical). ``sample(rng, n)`` draws ``n`` values at once from a numpy
``Generator`` owned by the caller; no distribution holds any random state.

In a scenario file a duration is either a string with units (``37min``, ``4d 16h``) or a
mapping with ``dist:`` (see ``parse_distribution`` and ``docs/scenario-format.md``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from sim.timebase import format_duration, parse_duration

Z90 = 1.2815515655446004  # standard normal quantile at 0.90
PERT_LAMBDA = 4.0
_MAX_REJECTION_ROUNDS = 1000


@dataclass(frozen=True)
class Distribution:
    """Base class: a non-negative duration distribution in seconds, optionally truncated."""

    min_s: float | None = field(default=None, kw_only=True)
    max_s: float | None = field(default=None, kw_only=True)
    name: ClassVar[str] = "distribution"

    @property
    def nominal_s(self) -> float:
        """The most likely value, in seconds (used by single nominal runs)."""
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

    def describe(self) -> str:
        """Short text for tables, e.g. ``triangular(108h, 112h, 116h)``."""
        return self.name


@dataclass(frozen=True)
class Fixed(Distribution):
    """Always ``value_s``."""

    value_s: float
    name: ClassVar[str] = "fixed"

    @property
    def nominal_s(self) -> float:
        return self.value_s

    @property
    def is_fixed(self) -> bool:
        return True

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value_s)

    def describe(self) -> str:
        return format_duration(self.value_s)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [low_s, high_s]; nominal is the midpoint."""

    low_s: float
    high_s: float
    name: ClassVar[str] = "uniform"

    @property
    def nominal_s(self) -> float:
        return 0.5 * (self.low_s + self.high_s)

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low_s, self.high_s, n)

    def describe(self) -> str:
        return f"uniform({format_duration(self.low_s)}, {format_duration(self.high_s)})"


@dataclass(frozen=True)
class Triangular(Distribution):
    """Triangular with ``low_s <= mode_s <= high_s``; nominal is the mode."""

    low_s: float
    mode_s: float
    high_s: float
    name: ClassVar[str] = "triangular"

    @property
    def nominal_s(self) -> float:
        return self.mode_s

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.high_s == self.low_s:
            return np.full(n, self.low_s)
        return rng.triangular(self.low_s, self.mode_s, self.high_s, n)

    def describe(self) -> str:
        return (
            f"triangular({format_duration(self.low_s)}, {format_duration(self.mode_s)}, {format_duration(self.high_s)})"
        )


@dataclass(frozen=True)
class Pert(Distribution):
    """Beta-PERT (lambda = 4) on [low_s, high_s] with mode ``mode_s``; nominal is the mode."""

    low_s: float
    mode_s: float
    high_s: float
    name: ClassVar[str] = "pert"

    @property
    def nominal_s(self) -> float:
        return self.mode_s

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

    def describe(self) -> str:
        return f"pert({format_duration(self.low_s)}, {format_duration(self.mode_s)}, {format_duration(self.high_s)})"


@dataclass(frozen=True)
class Lognormal(Distribution):
    """Lognormal with median ``median_s`` and log-space standard deviation ``sigma``."""

    median_s: float
    sigma: float
    name: ClassVar[str] = "lognormal"

    @property
    def nominal_s(self) -> float:
        return self.median_s

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.lognormal(math.log(self.median_s), self.sigma, n)

    def describe(self) -> str:
        return f"lognormal(median {format_duration(self.median_s)}, sigma {self.sigma:.3g})"


@dataclass(frozen=True)
class Empirical(Distribution):
    """Resamples the listed values with equal weight; nominal is their median."""

    values_s: tuple[float, ...]
    name: ClassVar[str] = "empirical"

    @property
    def nominal_s(self) -> float:
        return float(np.median(self.values_s))

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values_s, dtype=float), n)

    def describe(self) -> str:
        return f"empirical({len(self.values_s)} values)"


# --------------------------------------------------------------------------- parsing

_KEYS: dict[str, tuple[set[str], set[str]]] = {
    # dist: (required keys, optional keys) besides "dist", "min", "max"
    "fixed": ({"value"}, set()),
    "uniform": ({"low", "high"}, set()),
    "triangular": ({"low", "mode", "high"}, set()),
    "pert": ({"low", "mode", "high"}, set()),
    "lognormal": ({"median"}, {"p90", "sigma"}),
    "empirical": ({"values"}, set()),
}
DIST_NAMES = tuple(_KEYS)


def _dur(spec: Mapping[str, Any], key: str) -> float:
    try:
        return parse_duration(spec[key])
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None


def parse_distribution(value: Any) -> Distribution:
    """Build a distribution from a scenario value: a duration string or a ``dist:`` mapping.

    Raises:
        ValueError: naming the offending key and how to fix it.
    """
    if isinstance(value, Distribution):
        return value
    if isinstance(value, (str, int, float)):
        return Fixed(parse_duration(value))  # type: ignore[arg-type]
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a duration string ('37min') or a mapping with 'dist:', got {type(value).__name__}")
    kind = value.get("dist")
    if kind is None:
        raise ValueError(f"distribution mapping needs 'dist:' (one of {', '.join(DIST_NAMES)})")
    if not isinstance(kind, str) or kind not in _KEYS:
        raise ValueError(f"dist: unknown distribution {kind!r}; use one of {', '.join(DIST_NAMES)}")
    required, optional = _KEYS[kind]
    allowed = required | optional | {"dist", "min", "max"}
    extra = sorted(set(value) - allowed)
    if extra:
        raise ValueError(f"{extra[0]}: unknown key for dist {kind}; allowed: {', '.join(sorted(allowed))}")
    missing = sorted(required - set(value))
    if missing:
        raise ValueError(f"dist {kind} needs '{missing[0]}'")
    bounds = {
        "min_s": _dur(value, "min") if "min" in value else None,
        "max_s": _dur(value, "max") if "max" in value else None,
    }
    if bounds["min_s"] is not None and bounds["max_s"] is not None and bounds["min_s"] > bounds["max_s"]:
        raise ValueError(f"min: must be <= max (got {value['min']} > {value['max']})")
    dist: Distribution
    if kind == "fixed":
        dist = Fixed(_dur(value, "value"), **bounds)
    elif kind == "uniform":
        low, high = _dur(value, "low"), _dur(value, "high")
        if low > high:
            raise ValueError(f"low: must be <= high (got {value['low']} > {value['high']})")
        dist = Uniform(low, high, **bounds)
    elif kind in ("triangular", "pert"):
        low, mode, high = _dur(value, "low"), _dur(value, "mode"), _dur(value, "high")
        if low > mode:
            raise ValueError(f"low: must be <= mode (got {value['low']} > {value['mode']})")
        if mode > high:
            raise ValueError(f"mode: must be <= high (got {value['mode']} > {value['high']})")
        cls = Triangular if kind == "triangular" else Pert
        dist = cls(low, mode, high, **bounds)
    elif kind == "lognormal":
        median = _dur(value, "median")
        if median <= 0:
            raise ValueError("median: must be > 0 for a lognormal")
        if ("p90" in value) == ("sigma" in value):
            raise ValueError("lognormal needs exactly one of 'p90' or 'sigma' beside 'median'")
        if "p90" in value:
            p90 = _dur(value, "p90")
            if p90 <= median:
                raise ValueError(f"p90: must be > median (got {value['p90']} <= {value['median']})")
            sigma = math.log(p90 / median) / Z90
        else:
            sigma = value["sigma"]
            if isinstance(sigma, bool) or not isinstance(sigma, (int, float)) or not 0 <= sigma < math.inf:
                raise ValueError(f"sigma: must be a number >= 0 (log-space), got {sigma!r}")
        dist = Lognormal(median, float(sigma), **bounds)
    else:
        values = value["values"]
        if not isinstance(values, list) or not values:
            raise ValueError("values: must be a non-empty list of durations")
        parsed = []
        for i, v in enumerate(values):
            try:
                parsed.append(parse_duration(v))
            except ValueError as exc:
                raise ValueError(f"values[{i}]: {exc}") from None
        dist = Empirical(tuple(parsed), **bounds)
    return dist


DURATION_JSON_SCHEMA: dict[str, Any] = {
    "description": (
        "A duration with units ('37min', '112h', '4d 16h 28m', 'P4DT16H') or a distribution "
        "mapping with 'dist:' (fixed, uniform, triangular, pert, lognormal, empirical) and "
        "optional truncation 'min'/'max'."
    ),
    "anyOf": [
        {"type": "string", "examples": ["37min", "112h", "4d 16h 28m", "P4DT16H"]},
        {
            "type": "object",
            "properties": {
                "dist": {"enum": list(DIST_NAMES)},
                "value": {"type": "string"},
                "low": {"type": "string"},
                "mode": {"type": "string"},
                "high": {"type": "string"},
                "median": {"type": "string"},
                "p90": {"type": "string"},
                "sigma": {"type": "number", "minimum": 0},
                "values": {"type": "array", "items": {"type": "string"}},
                "min": {"type": "string"},
                "max": {"type": "string"},
            },
            "required": ["dist"],
            "additionalProperties": False,
        },
    ],
}
