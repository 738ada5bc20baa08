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

from sim.analysis import Comparison
from sim.api import compare_scenarios as compare
from sim.engine import simulate
from sim.errors import InputError, RunError
from sim.results import PhaseRecord, Timeline
from sim.scenario import Scenario, load_scenario

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
