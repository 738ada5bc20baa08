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
(``sim.study.compare.compare_scenarios``); ``sim.results.comparison.compare`` compares runs you already have.
Example scripts: ``scenarios/scripts/``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.engine.des import simulate
    from sim.errors import InputError, RunError
    from sim.results.comparison import Comparison
    from sim.results.records import PhaseRecord, Timeline
    from sim.scenario.model import Scenario, load_scenario
    from sim.study.compare import compare_scenarios as compare

# Exported names load their module on first use (PEP 562), so that `import sim.engine.des` or the
# lunarsim command does not pay for the analysis and comparison modules it does not use.
_EXPORTS = {
    "Comparison": ("sim.results.comparison", "Comparison"),
    "compare": ("sim.study.compare", "compare_scenarios"),
    "simulate": ("sim.engine.des", "simulate"),
    "InputError": ("sim.errors", "InputError"),
    "RunError": ("sim.errors", "RunError"),
    "PhaseRecord": ("sim.results.records", "PhaseRecord"),
    "Timeline": ("sim.results.records", "Timeline"),
    "Scenario": ("sim.scenario.model", "Scenario"),
    "load_scenario": ("sim.scenario.model", "load_scenario"),
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
