"""Orbit stay: a phase lasting N revolutions of a Keplerian lunar orbit.

The period of an orbit with periapsis and apoapsis altitudes hp and ha above a spherical Moon is

    T = 2 pi sqrt(a^3 / GM),   a = R + (hp + ha) / 2

with the mean lunar radius R = 1737.4 km (IAU WGCCRE) and GM = 4902.800 km^3/s^2 (JPL DE421's
lunar GM, 4902.800066). A stay of ``revolutions`` (which may be fractional, e.g. 0.5 from
periapsis to apoapsis) lasts ``revolutions * T``. Assumed: two-body motion; the perturbations of
the lunar gravity field, the Earth and the Sun change a period by well under a percent at these
altitudes and are left out. The orbit does not change the element's mass.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from sim.scenario.distributions import Distribution
from sim.scenario.durations.base import DurationSource, Resolved
from sim.scenario.durations.quantity import (
    QUANTITY_SCHEMA,
    describe_quantity,
    draw_quantity,
    parse_quantity,
    quantity_spec,
)
from sim.scenario.yamlsource import short_repr

MOON_RADIUS_KM = 1737.4  # mean radius (IAU WGCCRE, Archinal et al. 2011)
MOON_GM_KM3_S2 = 4902.800  # JPL DE421 (Folkner et al. 2008)

_KEYS = ("periapsis_km", "apoapsis_km", "revolutions")


def orbit_period_s(periapsis_km: Any, apoapsis_km: Any) -> Any:
    """Keplerian period, seconds, of a lunar orbit given its altitudes (km above R = 1737.4 km)."""
    a = MOON_RADIUS_KM + 0.5 * (np.asarray(periapsis_km, dtype=float) + np.asarray(apoapsis_km, dtype=float))
    return 2.0 * math.pi * np.sqrt(a**3 / MOON_GM_KM3_S2)


@dataclass(frozen=True)
class OrbitDuration(DurationSource):
    """``duration: {orbit: {periapsis_km: 200, apoapsis_km: 5700, revolutions: 3}}``."""

    periapsis_km: Distribution
    apoapsis_km: Distribution
    revolutions: Distribution
    key: ClassVar[str] = "orbit"
    docs: ClassVar[str] = (
        "`orbit:` the phase lasts `revolutions` periods of a lunar orbit with altitudes "
        "`periapsis_km` and `apoapsis_km`: `T = 2 pi sqrt(a^3 / GM)`, `a = R + (hp + ha) / 2`, "
        "R = 1737.4 km, GM = 4902.800 km^3/s^2 (two-body). Each may be a number or a distribution; "
        "`revolutions` may be fractional. The element's mass does not change."
    )

    @classmethod
    def parse(cls, value: Any) -> OrbitDuration:
        if not isinstance(value, Mapping):
            raise ValueError(f"orbit: expected a mapping with {', '.join(_KEYS)}; got {short_repr(value)}")
        extra = sorted(set(value) - set(_KEYS))
        if extra:
            raise ValueError(f"orbit.{extra[0]}: unknown key; allowed: {', '.join(_KEYS)}")
        missing = [k for k in _KEYS if k not in value]
        if missing:
            raise ValueError(f"orbit: needs '{missing[0]}' (an orbit stay needs {', '.join(_KEYS)})")
        src = cls(**{k: parse_quantity(value[k], f"orbit.{k}") for k in _KEYS})
        if src.apoapsis_km.nominal_s < src.periapsis_km.nominal_s:
            raise ValueError(
                f"orbit.apoapsis_km: must be >= periapsis_km (got {value['apoapsis_km']} < {value['periapsis_km']})"
            )
        return src

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "N revolutions of a Keplerian lunar orbit (see docs/scenario-format.md)",
            "properties": {
                "periapsis_km": {**QUANTITY_SCHEMA, "description": "periapsis altitude above 1737.4 km, km"},
                "apoapsis_km": {**QUANTITY_SCHEMA, "description": "apoapsis altitude above 1737.4 km, km"},
                "revolutions": {**QUANTITY_SCHEMA, "description": "number of revolutions (may be fractional)"},
            },
            "required": list(_KEYS),
            "additionalProperties": False,
        }

    def spec(self) -> Any:
        return {"orbit": {k: quantity_spec(getattr(self, k)) for k in _KEYS}}

    def draw(self, rng: np.random.Generator, n: int) -> Any:
        return tuple(draw_quantity(getattr(self, k), rng, n) for k in _KEYS)

    def nominal_inputs(self) -> Any:
        return tuple(getattr(self, k).nominal_s for k in _KEYS)

    def resolve(self, drawn: Any, mass_kg: np.ndarray) -> Resolved:
        hp, ha, revs = drawn
        duration = np.asarray(revs, dtype=float) * orbit_period_s(hp, np.maximum(ha, hp))
        return Resolved(np.broadcast_to(duration, mass_kg.shape).astype(float), mass_kg)

    def details(self, nominal_inputs: Any, resolved: Resolved, mass_kg: float) -> dict[str, Any] | None:
        hp, ha, revs = nominal_inputs
        return {
            "orbit": {
                "periapsis_km": float(hp),
                "apoapsis_km": float(ha),
                "period_s": round(float(orbit_period_s(hp, ha)), 3),
                "revolutions": float(revs),
            }
        }

    def describe(self) -> str:
        return (
            f"orbit({describe_quantity(self.revolutions, 'rev')} of "
            f"{describe_quantity(self.periapsis_km, 'km')} x {describe_quantity(self.apoapsis_km, 'km')})"
        )

    @property
    def is_fixed(self) -> bool:
        """Fixed when every input is (an orbit stay does not read the mass)."""
        return all(getattr(self, k).is_fixed for k in _KEYS)
