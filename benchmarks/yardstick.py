"""The yardstick: a plain, idiomatic SimPy model of the reference DAG.

This is how one would write the model in SimPy without any tuning:

* one process per phase;
* a phase waits with ``env.all_of`` on its predecessors' processes;
* it draws its duration inside the process with a scalar ``rng.triangular``;
* a new ``Environment`` for every replication.

It records the start and end of every phase. ``simulate_relay`` is the same model with a
capacity-1 ``simpy.Resource`` held by the three relay phases and a 24 h periodic window wait
``ceil(t/T)*T - t`` before one phase: the ones reference_dag_relay.yaml declares (or
``dag.RELAY_PHASES``/``dag.WINDOW_PHASE``). The engine can so be compared like with like on that
scenario.

The DAG structure is read from the scenario file through ``sim.scenario.model``; the model itself
uses only SimPy and numpy.

    python benchmarks/yardstick.py [SCENARIO] -n 10000 --seed 1 [--relay]

prints one JSON line (timings and the mean mission end) for ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
import simpy
from dag import REFERENCE, WINDOW_PERIOD_S, Dag, load_dag


def replicate(dag: Dag, rng: np.random.Generator) -> tuple[list[float], list[float]]:
    """One replication on a new Environment; returns per-phase start and end, seconds."""
    env = simpy.Environment()
    n = dag.size
    start = [0.0] * n
    end = [0.0] * n
    procs: list[simpy.Process] = [None] * n  # type: ignore[list-item]

    def phase(i: int):  # a SimPy process
        preds = dag.preds[i]
        if preds:
            yield env.all_of([procs[j] for j in preds])
        start[i] = env.now
        low, mode, high = dag.tri[i]
        duration = rng.triangular(low, mode, high) if high > low else low
        yield env.timeout(duration)
        end[i] = env.now

    for i in dag.order:
        procs[i] = env.process(phase(i))
    env.run()
    return start, end


def replicate_relay(
    dag: Dag,
    rng: np.random.Generator,
    relay_phases: frozenset[int],
    window_phase: int,
    period_s: float = WINDOW_PERIOD_S,
) -> tuple[list[float], list[float]]:
    """One replication with a capacity-1 relay and a periodic window; start and end per phase."""
    env = simpy.Environment()
    relay = simpy.Resource(env, capacity=1)
    n = dag.size
    start = [0.0] * n
    end = [0.0] * n
    procs: list[simpy.Process] = [None] * n  # type: ignore[list-item]

    def phase(i: int):  # a SimPy process
        preds = dag.preds[i]
        if preds:
            yield env.all_of([procs[j] for j in preds])
        if i == window_phase:
            wait = math.ceil(env.now / period_s) * period_s - env.now
            if wait > 0:
                yield env.timeout(wait)
        low, mode, high = dag.tri[i]
        duration = rng.triangular(low, mode, high) if high > low else low
        if i in relay_phases:
            with relay.request() as req:
                yield req
                start[i] = env.now
                yield env.timeout(duration)
                end[i] = env.now
        else:
            start[i] = env.now
            yield env.timeout(duration)
            end[i] = env.now

    for i in dag.order:
        procs[i] = env.process(phase(i))
    env.run()
    return start, end


def simulate(dag: Dag, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` replications of the plain model: ``(start, end)``, each ``(n, P)`` seconds."""
    rng = np.random.default_rng(seed)
    starts, ends = [], []
    for _ in range(n):
        s, e = replicate(dag, rng)
        starts.append(s)
        ends.append(e)
    return np.array(starts), np.array(ends)


def simulate_relay(dag: Dag, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` replications with the capacity-1 relay and the 24 h window: ``(start, end)``."""
    rng = np.random.default_rng(seed)
    relay = frozenset(dag.relay)
    window = dag.window
    starts, ends = [], []
    for _ in range(n):
        s, e = replicate_relay(dag, rng, relay, window)
        starts.append(s)
        ends.append(e)
    return np.array(starts), np.array(ends)


def main() -> None:
    t0 = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(REFERENCE))
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--relay", action="store_true", help="with the capacity-1 relay and the 24 h window")
    args = ap.parse_args()
    dag = load_dag(args.scenario)
    t1 = time.perf_counter()
    _, end = (simulate_relay if args.relay else simulate)(dag, args.n, args.seed)
    t2 = time.perf_counter()
    print(
        json.dumps(
            {
                "workload": "yardstick_relay" if args.relay else "yardstick",
                "n": args.n,
                "mean_end_h": float(end.max(axis=1).mean()) / 3600.0,
                "setup_s": t1 - t0,
                "run_s": t2 - t1,
            }
        )
    )


if __name__ == "__main__":
    main()
