"""lunar-timeline: scenario-driven SimPy simulation of Chang'e lunar mission timelines.

The pipeline for scripts and notebooks::

    from sim import load_scenario, simulate
    scenario = load_scenario("scenarios/change5.yaml")
    timeline = simulate(scenario)          # nominal run -> Timeline
    timeline.to_dict()                     # the JSON of `lunarsim run --json`
"""

from sim.engine import simulate
from sim.errors import InputError, RunError
from sim.results import PhaseRecord, Timeline
from sim.scenario import Scenario, load_scenario

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "PhaseRecord",
    "RunError",
    "Scenario",
    "Timeline",
    "__version__",
    "load_scenario",
    "simulate",
]
