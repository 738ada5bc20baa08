"""Cost per phase-replication of a whole Monte Carlo run, in process, at any scenario size.

Loads SCENARIO (the load is not timed: it is the loader's cost, not the engine's), then times
``monte_carlo`` (draws, engine, per-block reduction) plus ``summary`` (every statistic of
``lunarsim mc --json``) and prints one JSON line with ``run_s`` and ``ns_per_phase_rep``. With
``benchmarks/shared_dag.py --copies K`` (K copies of the shared 30-phase DAG in series) this
shows whether the cost grows linearly with the number of phases.

    python benchmarks/growth.py SCENARIO -n N [--engine vector|des] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("-n", type=int, required=True)
    ap.add_argument("--engine", choices=("vector", "des"), default="vector")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    from sim.engine.montecarlo import monte_carlo
    from sim.results.statistics import summary
    from sim.scenario.model import load_scenario

    t0 = time.perf_counter()
    scenario = load_scenario(a.scenario)
    t1 = time.perf_counter()
    c1 = time.process_time()
    ens = monte_carlo(scenario, a.n, a.seed, engine=a.engine)
    result = summary(ens)
    t2 = time.perf_counter()
    c2 = time.process_time()
    p = len(scenario.phases)
    out = {
        "phases": p,
        "n": a.n,
        "engine": a.engine,
        "load_s": round(t1 - t0, 4),
        "run_s": round(t2 - t1, 4),
        "run_cpu_s": round(c2 - c1, 4),
        "ns_per_phase_rep": round((c2 - c1) / (p * a.n) * 1e9, 2),
        "mean_end_h": result["duration_h"]["mean"],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
