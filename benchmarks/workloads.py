"""Child processes that exercise the project's own code, one workload per invocation.

    python benchmarks/workloads.py WORKLOAD [SCENARIO] -n N --seed S [--workers W]

Workloads:

* ``startup``: import the simulator, load the scenario, build the phase graph; no replications.
  The fixed cost every other whole-process figure includes.
* ``engine``: the SimPy engine (``sim.engine.des.run_block``) on durations pre-drawn per block of
  ``sim.engine.montecarlo.BLOCK`` with the project's own ``draw_block``; full recording (ready, start,
  end, driver and, where the code has them, waits by cause) kept for every replication. It gets
  the scenario's whole model (windows, resources) when ``sim.engine.model.build_model`` exists.
* ``engine_mc``: ``sim.engine.montecarlo.monte_carlo(engine="des")``: the engine plus the per-block
  reduction (criticality, slips), no summary.
* ``vector_mc``: ``monte_carlo(engine="vector")``: the numpy fast path plus the same reduction.
* ``vector_kernel``: ``sim.engine.vector.run_block`` on the very matrices ``bare_numpy.py`` draws
  (same seed, same chunks), so the two longest paths can be compared directly; ``end_sum`` must
  equal the baseline's to the bit.
* ``mc``: the Python equivalent of ``lunarsim mc ... --json`` (honours ``--workers`` and
  ``--engine``): ``monte_carlo`` + ``sim.results.statistics.summary`` + ``json.dumps`` (used when the CLI is
  not available).

Each prints one JSON line with its own timings (``setup_s``, ``run_s`` and more).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from dag import REFERENCE, use_project

WORKLOADS = ("startup", "engine", "engine_mc", "vector_mc", "vector_kernel", "mc")


def main() -> None:
    t0 = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workload", choices=WORKLOADS)
    ap.add_argument("scenario", nargs="?", default=str(REFERENCE))
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--engine", choices=("auto", "des", "vector"), default="auto", help="for mc")
    args = ap.parse_args()
    use_project()
    from sim.engine.model import build_graph
    from sim.scenario.model import load_scenario

    scenario = load_scenario(args.scenario)
    graph = build_graph(scenario)
    out: dict = {"workload": args.workload, "n": args.n}
    w = args.workload
    if w == "startup":
        import sim.engine.des
        import sim.engine.montecarlo
        import sim.engine.vector
        import sim.results.statistics  # noqa: F401

        out["n"] = 0
        t1 = time.perf_counter()
    elif w == "engine":
        from sim.engine import des as engine
        from sim.engine import model as graph_module
        from sim.engine.montecarlo import blocks, draw_block

        dists = tuple(p.duration for p in scenario.phases)
        # with windows and resources (once the code has them) the engine takes the whole model
        model = graph_module.build_model(scenario) if hasattr(graph_module, "build_model") else graph
        t1 = time.perf_counter()
        kept = []
        draw_s = 0.0
        for k, size in blocks(args.n):
            a = time.perf_counter()
            d = draw_block(dists, args.seed, k, size)
            draw_s += time.perf_counter() - a
            kept.append(engine.run_block(model, d))  # full recording: ready, start, end, driver, waits
        out["draw_s"] = draw_s
        out["mean_end_h"] = float(np.concatenate([r.end_s.max(axis=1) for r in kept]).mean()) / 3600.0
    elif w in ("engine_mc", "vector_mc"):
        from sim.engine.montecarlo import monte_carlo

        t1 = time.perf_counter()
        engine_name = "des" if w == "engine_mc" else "vector"
        ens = monte_carlo(scenario, args.n, args.seed, workers=args.workers, engine=engine_name)
        out["mean_end_h"] = float(ens.end_s.mean()) / 3600.0
    elif w == "vector_kernel":
        from bare_numpy import chunks, draw_matrix
        from dag import load_dag

        from sim.engine import vector as fastpath

        dag = load_dag(args.scenario)
        rng = np.random.default_rng(args.seed)
        t1 = time.perf_counter()
        kernel_s = draw_s = end_sum = 0.0
        for size in chunks(args.n):
            a = time.perf_counter()
            d = draw_matrix(dag, rng, size)
            b = time.perf_counter()
            end_sum += float(fastpath.run_block(graph, d).end_s.max(axis=1).sum())
            kernel_s += time.perf_counter() - b
            draw_s += b - a
        out.update(draw_s=draw_s, kernel_s=kernel_s, end_sum=end_sum, mean_end_h=end_sum / args.n / 3600.0)
    else:  # mc
        from sim.engine.montecarlo import monte_carlo
        from sim.results.statistics import summary

        t1 = time.perf_counter()
        ens = monte_carlo(scenario, args.n, args.seed, workers=args.workers, engine=args.engine)
        result = summary(ens)
        text = json.dumps(result)
        out["mean_end_h"] = result["duration_h"]["mean"]
        out["json_chars"] = len(text)
    out["setup_s"] = t1 - t0
    out["run_s"] = time.perf_counter() - t1
    print(json.dumps(out))


if __name__ == "__main__":
    main()
