"""Burn: a phase lasting as long as an engine takes to give its element a delta-v (rocket equation).

For a constant thrust F and specific impulse Isp, the mass flow is F / (g0 Isp), so a burn that
starts at mass m0 and gives the element delta-v dv lasts

    t = m0 g0 Isp / F * (1 - exp(-dv / (g0 Isp)))        and ends at   m1 = m0 exp(-dv / (g0 Isp))

(Tsiolkovsky; g0 = 9.80665 m/s^2, the standard gravity that defines Isp in seconds). The start
mass m0 is the element's mass when the phase runs, carried through the timeline by the scenario's
element masses (``elements:``): every earlier burn of the element has used propellant, every
separation has dropped parts. Assumed: constant thrust at the stated level for the whole burn
(no throttling), impulsive-burn delta-v (gravity and steering losses only where the scenario adds
them to ``delta_v_m_s``), one engine set per burn.
"""

from __future__ import annotations

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

G0_M_S2 = 9.80665  # standard gravity (CGPM 1901), the g0 of Isp in seconds

_KEYS = ("delta_v_m_s", "thrust_n", "isp_s")


def burn_time_s(mass_kg: Any, delta_v_m_s: Any, thrust_n: Any, isp_s: Any) -> Any:
    """Rocket-equation burn time in seconds (scalars or numpy arrays, broadcast)."""
    ve = G0_M_S2 * np.asarray(isp_s, dtype=float)
    return (
        np.asarray(mass_kg, dtype=float)
        * ve
        / np.asarray(thrust_n, dtype=float)
        * -np.expm1(-np.asarray(delta_v_m_s, dtype=float) / ve)
    )


def burn_end_mass_kg(mass_kg: Any, delta_v_m_s: Any, isp_s: Any) -> Any:
    """Mass after the burn, kg: m0 exp(-dv / (g0 Isp))."""
    return np.asarray(mass_kg, dtype=float) * np.exp(
        -np.asarray(delta_v_m_s, dtype=float) / (G0_M_S2 * np.asarray(isp_s, dtype=float))
    )


@dataclass(frozen=True)
class BurnDuration(DurationSource):
    """``duration: {burn: {delta_v_m_s: 420, thrust_n: 3000, isp_s: 310}}``."""

    delta_v_m_s: Distribution
    thrust_n: Distribution
    isp_s: Distribution
    key: ClassVar[str] = "burn"
    uses_mass: ClassVar[bool] = True
    docs: ClassVar[str] = (
        "`burn:` the phase lasts as long as the engine needs to give the element `delta_v_m_s`: "
        "`t = m0 g0 Isp / F (1 - exp(-dv / (g0 Isp)))`, g0 = 9.80665 m/s^2, with `thrust_n` (F), "
        "`isp_s` (Isp) and the element's mass m0 when the phase starts (see *Element masses*); the "
        "element leaves the burn at `m0 exp(-dv / (g0 Isp))`. Each of the three may be a number "
        "or a distribution over numbers. Constant thrust is assumed (no throttling)."
    )

    @classmethod
    def parse(cls, value: Any) -> BurnDuration:
        if not isinstance(value, Mapping):
            raise ValueError(f"burn: expected a mapping with {', '.join(_KEYS)}; got {short_repr(value)}")
        extra = sorted(set(value) - set(_KEYS))
        if extra:
            raise ValueError(f"burn.{extra[0]}: unknown key; allowed: {', '.join(_KEYS)}")
        missing = [k for k in _KEYS if k not in value]
        if missing:
            raise ValueError(f"burn: needs '{missing[0]}' (a burn needs {', '.join(_KEYS)})")
        return cls(**{k: parse_quantity(value[k], f"burn.{k}") for k in _KEYS})

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "rocket-equation burn of the phase's element (see docs/scenario-format.md)",
            "properties": {
                "delta_v_m_s": {**QUANTITY_SCHEMA, "description": "delta-v, m/s"},
                "thrust_n": {**QUANTITY_SCHEMA, "description": "thrust, N"},
                "isp_s": {**QUANTITY_SCHEMA, "description": "specific impulse, s"},
            },
            "required": list(_KEYS),
            "additionalProperties": False,
        }

    def spec(self) -> Any:
        return {"burn": {k: quantity_spec(getattr(self, k)) for k in _KEYS}}

    def draw(self, rng: np.random.Generator, n: int) -> Any:
        return tuple(draw_quantity(getattr(self, k), rng, n) for k in _KEYS)

    def nominal_inputs(self) -> Any:
        return tuple(getattr(self, k).nominal_s for k in _KEYS)

    def resolve(self, drawn: Any, mass_kg: np.ndarray) -> Resolved:
        dv, thrust, isp = drawn
        return Resolved(burn_time_s(mass_kg, dv, thrust, isp), burn_end_mass_kg(mass_kg, dv, isp))

    def details(self, nominal_inputs: Any, resolved: Resolved, mass_kg: float) -> dict[str, Any] | None:
        dv, thrust, isp = nominal_inputs
        return {
            "burn": {
                "delta_v_m_s": float(dv),
                "thrust_n": float(thrust),
                "isp_s": float(isp),
                "mass_start_kg": round(float(mass_kg), 3),
                "mass_end_kg": round(float(resolved.mass_end_kg[0]), 3),
            }
        }

    def describe(self) -> str:
        return (
            f"burn(dv {describe_quantity(self.delta_v_m_s, 'm/s')}, F {describe_quantity(self.thrust_n, 'N')}, "
            f"Isp {describe_quantity(self.isp_s, 's')})"
        )
