"""lunar-timeline: scenario-driven SimPy simulation of Chang'e lunar mission timelines.

The pipeline for scripts and notebooks::

    from sim import compare, load_scenario, simulate
    scenario = load_scenario("scenarios/change5.yaml")
    timeline = simulate(scenario)          # nominal run -> Timeline
    timeline.to_dict()                     # the JSON of `lunarsim run --json`

    comparison = compare(["scenarios/change5.yaml", "scenarios/change6.yaml"])
    comparison.by_kind                     # hours per phase kind per mission
    comparison.to_dict()                   # the JSON of `lunarsim compare --json`

``compare`` takes scenario objects or paths and runs the nominal simulations itself
(``sim.api.compare_scenarios``); ``sim.analysis.compare`` compares runs you already have.
Example scripts: ``scenarios/scripts/``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.analysis import Comparison
    from sim.api import compare_scenarios as compare
    from sim.engine import simulate
    from sim.errors import InputError, RunError
    from sim.results import PhaseRecord, Timeline
    from sim.scenario import Scenario, load_scenario

# Exported names load their module on first use (PEP 562), so that `import sim.engine` or the
# lunarsim command does not pay for the analysis and comparison modules it does not use.
_EXPORTS = {
    "Comparison": ("sim.analysis", "Comparison"),
    "compare": ("sim.api", "compare_scenarios"),
    "simulate": ("sim.engine", "simulate"),
    "InputError": ("sim.errors", "InputError"),
    "RunError": ("sim.errors", "RunError"),
    "PhaseRecord": ("sim.results", "PhaseRecord"),
    "Timeline": ("sim.results", "Timeline"),
    "Scenario": ("sim.scenario", "Scenario"),
    "load_scenario": ("sim.scenario", "load_scenario"),
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, attr = _EXPORTS[name]
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


__version__ = "0.1.0"

__all__ = [
    "Comparison",
    "InputError",
    "PhaseRecord",
    "RunError",
    "Scenario",
    "Timeline",
    "__version__",
    "compare",
    "load_scenario",
    "simulate",
]
