"""The scripting API: one-call helpers for scenario scripts and notebooks.

``sim.results.comparison`` never runs the engine (it compares runs it is given); this module chains
load -> simulate -> compare for the common case. It is exported from the package as
``sim.compare``::

    from sim import compare, load_scenario, simulate

    comparison = compare(["scenarios/change5.yaml", "scenarios/change6.yaml"])
    for row in comparison.by_kind:
        print(row.kind, row.simulated, row.actual)
    comparison.to_dict()              # the JSON of `lunarsim compare --json`

See ``scenarios/scripts/`` for runnable examples.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sim.engine.des import simulate
from sim.results.comparison import Comparison, Spreads
from sim.results.comparison import compare as compare_runs
from sim.scenario.model import Scenario, load_scenario


def compare_scenarios(
    scenarios: Scenario | str | Path | Iterable[Scenario | str | Path],
    *,
    spreads: Spreads | None = None,
) -> Comparison:
    """Compare planned, flown and nominally simulated durations of one or more missions.

    Args:
        scenarios: scenario objects or paths to scenario files (one, or several to line the
            missions up by phase kind); mission ids must be distinct.
        spreads: optional Monte Carlo spreads (see ``sim.results.comparison.compare``).

    Returns:
        The ``Comparison``: ``.phases``, ``.by_kind``, ``.summaries``, ``.to_dict()``.

    Raises:
        InputError: a scenario file is invalid.
        ValueError: two scenarios share an id.
    """
    if isinstance(scenarios, Scenario | str | Path):
        scenarios = [scenarios]
    loaded = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    return compare_runs(loaded, [simulate(s) for s in loaded], spreads=spreads)
