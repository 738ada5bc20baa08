"""The benchmark DAG as plain Python data, for the yardstick and the bare numpy baseline.

The structure and the triangular parameters are read from a scenario file through
``sim.scenario.model.load_scenario`` (structure only: nothing of the engine is used). The relay and
window phases of the yardstick are named here; reference_dag_relay.yaml declares the same ones
for the engine (and reference_dag.yaml marks them in comments).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REFERENCE = HERE / "reference_dag.yaml"
REFERENCE_40 = HERE / "reference_dag_40.yaml"
REFERENCE_RELAY = HERE / "reference_dag_relay.yaml"

# The constraints of reference_dag_relay.yaml, for the yardstick:
RELAY_PHASES = ("drill_sampling", "surface_payload_ops", "orbiter_phasing_burns")  # capacity-1 relay
WINDOW_PHASE = "tei1"  # may start only at a multiple of WINDOW_PERIOD_S after the epoch
WINDOW_PERIOD_S = 24 * 3600.0


def use_project() -> None:
    """Make ``import sim`` work when a benchmark script is run as ``python benchmarks/X.py``.

    A ``sim`` already importable (``PYTHONPATH``, as ``run.py --code DIR`` sets it) is kept.
    """
    if importlib.util.find_spec("sim") is None and str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Dag:
    """Phases in file order: predecessors, a topological order, triangular (low, mode, high) in s."""

    ids: tuple[str, ...]
    preds: tuple[tuple[int, ...], ...]
    order: tuple[int, ...]
    tri: tuple[tuple[float, float, float], ...]
    relay: tuple[int, ...]  # phases that hold the capacity-1 relay
    window: int  # the phase behind the 24 h periodic window

    @property
    def size(self) -> int:
        return len(self.ids)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``low``, ``mode``, ``high`` as float arrays of shape ``(P,)``."""
        a = np.array(self.tri, dtype=float)
        return a[:, 0], a[:, 1], a[:, 2]


def load_dag(path: str | Path = REFERENCE) -> Dag:
    """Read a scenario file into a ``Dag``: triangular or fixed durations, no lags.

    The relay and window phases are the ones the scenario declares (``resources``/``window``,
    where the code has them), else ``RELAY_PHASES`` and ``WINDOW_PHASE``.
    """
    use_project()
    from sim.scenario.distributions import Fixed, Triangular
    from sim.scenario.model import load_scenario, topological_order

    scenario = load_scenario(path)
    where = {p.id: i for i, p in enumerate(scenario.phases)}
    preds = []
    tri = []
    for p in scenario.phases:
        if any(d.lag for d in p.dependencies):
            raise ValueError(f"{path}: phase {p.id!r} has a lag; the benchmark models support none")
        preds.append(tuple(where[d.phase] for d in p.dependencies))
        dist = p.duration
        if isinstance(dist, Triangular) and dist.min_s is None and dist.max_s is None:
            tri.append((dist.low_s, dist.mode_s, dist.high_s))
        elif isinstance(dist, Fixed) and dist.min_s is None and dist.max_s is None:
            tri.append((dist.value_s, dist.value_s, dist.value_s))
        else:
            raise ValueError(f"{path}: phase {p.id!r}: the benchmark models take triangular or fixed only")
    relay = tuple(i for i, p in enumerate(scenario.phases) if getattr(p, "resources", None))
    windowed = [i for i, p in enumerate(scenario.phases) if getattr(p, "window", None)]
    names = {r for p in scenario.phases for r in (getattr(p, "resources", None) or [])}
    if len(windowed) > 1 or len(names) > 1:
        raise ValueError(f"{path}: the yardstick models one relay and one windowed phase at most")
    return Dag(
        ids=tuple(where),
        preds=tuple(preds),
        order=tuple(topological_order(scenario)),
        tri=tuple(tri),
        relay=relay or tuple(where[p] for p in RELAY_PHASES if p in where),
        window=windowed[0] if windowed else where.get(WINDOW_PHASE, -1),
    )
