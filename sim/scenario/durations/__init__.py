"""Duration sources: the ways a scenario says how long a phase lasts.

A phase's ``duration:`` is a duration with units (``17min``), a distribution (``{dist: ...}``,
see ``sim.scenario.distributions``) or a physics source written as a one-key mapping:

* ``burn:`` (``burn.py``) - the rocket equation with the element's mass at the phase's start;
* ``orbit:`` (``orbit.py``) - N revolutions of a Keplerian lunar orbit.

``SOURCES`` is the registry (one file per source; add a class there to add a source).
``plan.py`` compiles a scenario's sources and element masses into the ``DurationPlan`` that
both engines draw from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.scenario.distributions import DIST_NAMES, DURATION_JSON_SCHEMA, Distribution, parse_distribution
from sim.scenario.durations.base import DurationSource, Resolved
from sim.scenario.durations.burn import G0_M_S2, BurnDuration, burn_end_mass_kg, burn_time_s
from sim.scenario.durations.distribution import DistributionDuration
from sim.scenario.durations.orbit import MOON_GM_KM3_S2, MOON_RADIUS_KM, OrbitDuration, orbit_period_s
from sim.scenario.durations.plan import DurationPlan, ElementMass, as_source

SOURCES: dict[str, type[DurationSource]] = {cls.key: cls for cls in (BurnDuration, OrbitDuration)}

__all__ = [
    "G0_M_S2",
    "MOON_GM_KM3_S2",
    "MOON_RADIUS_KM",
    "SOURCES",
    "BurnDuration",
    "DistributionDuration",
    "DurationPlan",
    "DurationSource",
    "ElementMass",
    "OrbitDuration",
    "Resolved",
    "as_source",
    "burn_end_mass_kg",
    "burn_time_s",
    "duration_json_schema",
    "duration_spec",
    "orbit_period_s",
    "parse_duration_value",
    "sources_docs",
]


def parse_duration_value(value: Any) -> Distribution | DurationSource:
    """A phase's ``duration:`` value: a ``Distribution`` or a registered duration source.

    Raises:
        ValueError: naming the offending key and how to fix it.
    """
    if isinstance(value, (Distribution, DurationSource)):
        return value
    if isinstance(value, Mapping) and "dist" not in value:
        keys = [k for k in value if k in SOURCES]
        if keys:
            if len(value) != 1:
                other = sorted(k for k in value if k != keys[0])[0]
                raise ValueError(
                    f"{other}: a '{keys[0]}:' duration is a mapping with that one key; move or drop {other!r}"
                )
            return SOURCES[keys[0]].parse(value[keys[0]])
        raise ValueError(
            f"distribution mapping needs 'dist:' (one of {', '.join(DIST_NAMES)}), or use a duration source "
            f"({', '.join(k + ':' for k in SOURCES)})"
        )
    return parse_distribution(value)


def duration_spec(value: Distribution | DurationSource, dist_spec: Any) -> Any:
    """The scenario value of a phase duration (``dist_spec`` dumps distributions)."""
    return value.spec() if isinstance(value, DurationSource) else dist_spec(value)


def duration_json_schema() -> dict[str, Any]:
    """JSON Schema of ``duration:``: a duration, a distribution or one of the sources."""
    sources = [
        {
            "type": "object",
            "properties": {key: cls.json_schema()},
            "required": [key],
            "additionalProperties": False,
        }
        for key, cls in SOURCES.items()
    ]
    return {
        "description": DURATION_JSON_SCHEMA["description"]
        + " Or a duration source: "
        + ", ".join(f"'{k}:'" for k in SOURCES)
        + " (see docs/scenario-format.md).",
        "anyOf": [*DURATION_JSON_SCHEMA["anyOf"], *sources],
    }


def sources_docs() -> str:
    """Markdown list of the registered sources (for docs/scenario-format.md)."""
    return "\n".join(f"- {cls.docs}" for cls in SOURCES.values())
