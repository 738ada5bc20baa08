"""The peer: ``pmcontrols.pert`` (PyPI; PERT-beta Monte Carlo over a CPM network) on the shared DAG.

The same 30 activities, predecessors and (low, mode, high) hours as
``shared/bench/mission_dag.py``, PERT-beta durations, ``n_sim`` replications, with its
per-activity criticality indices (what ``pmcontrols`` computes by default). Compare with
``lunarsim mc benchmarks/shared_dag_pert.yaml -n N --json``; both print the mean and P50/P80 of
the mission end in hours, which agree within Monte Carlo error.

pmcontrols is a benchmark-only dependency (``pip install pmcontrols``; it pulls pandas and
scipy), never a dependency of lunar-timeline.

    python benchmarks/pmcontrols_peer.py N [--seed S]
"""

from __future__ import annotations

import argparse
import json
import time

from shared_dag import mission_dag_module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    t0 = time.perf_counter()
    import pmcontrols

    dag = mission_dag_module()
    activities = [
        {
            "id": name,
            "predecessors": [dag.NAMES[q] for q in dag.PREDS[i]],
            "a": float(dag.LOW[i]),
            "m": float(dag.MODE[i]),
            "b": float(dag.HIGH[i]),
        }
        for i, name in enumerate(dag.NAMES)
    ]
    t1 = time.perf_counter()
    res = pmcontrols.pert(activities, n_sim=a.n, seed=a.seed)
    t2 = time.perf_counter()
    s = res.stats
    out = {"n": a.n, "mean_h": s["mc_mean"], "p50_h": s["mc_p50"], "p80_h": s["mc_p80"], "setup_s": t1 - t0}
    out["run_s"] = t2 - t1
    print(json.dumps(out))


if __name__ == "__main__":
    main()
