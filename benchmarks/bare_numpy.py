"""The bare numpy baseline: longest path over an ``(N, P)`` duration matrix.

The floor for the vector path: durations drawn as one matrix per chunk (one
``rng.triangular`` call with per-phase parameters), then, in topological order,
``finish = max(pred finish) + d``. Nothing is recorded beyond the finish times; the mission
end is the maximum over phases. Chunks of ``CHUNK`` replications keep memory flat.

    python benchmarks/bare_numpy.py [SCENARIO] -n 1000000 --seed 1

prints one JSON line (timings split into drawing and longest path, the mean mission end, and
``end_sum``, the exact sum of all mission ends, used to check that ``sim.engine.vector`` gives the
same floats on the same matrix).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator

import numpy as np
from dag import REFERENCE, Dag, load_dag

CHUNK = 65_536


def chunks(n: int, size: int = CHUNK) -> Iterator[int]:
    """Sizes of the chunks that make up ``n`` replications."""
    for k in range(0, n, size):
        yield min(size, n - k)


def draw_matrix(dag: Dag, rng: np.random.Generator, n: int) -> np.ndarray:
    """An ``(n, P)`` matrix of triangular durations in seconds, drawn in one call."""
    low, mode, high = dag.arrays()
    spread = high > low
    d = np.empty((n, dag.size))
    if spread.all():
        d[:] = rng.triangular(low, mode, high, size=(n, dag.size))
    else:
        d[:, spread] = rng.triangular(low[spread], mode[spread], high[spread], size=(n, int(spread.sum())))
        d[:, ~spread] = low[~spread]
    return d


def longest_path(dag: Dag, d: np.ndarray) -> np.ndarray:
    """Finish times ``(n, P)``: ``finish = max(pred finish) + d`` in topological order."""
    finish = np.empty_like(d)
    for i in dag.order:
        preds = dag.preds[i]
        if preds:
            start = finish[:, preds[0]]
            for j in preds[1:]:
                start = np.maximum(start, finish[:, j])
            finish[:, i] = start + d[:, i]
        else:
            finish[:, i] = 0.0 + d[:, i]  # the same float as the engine's ready (0.0) + duration
    return finish


def main() -> None:
    t0 = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(REFERENCE))
    ap.add_argument("-n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    dag = load_dag(args.scenario)
    rng = np.random.default_rng(args.seed)
    t1 = time.perf_counter()
    draw_s = path_s = 0.0
    end_sum = 0.0
    for size in chunks(args.n):
        a = time.perf_counter()
        d = draw_matrix(dag, rng, size)
        b = time.perf_counter()
        end_sum += float(longest_path(dag, d).max(axis=1).sum())
        path_s += time.perf_counter() - b
        draw_s += b - a
    print(
        json.dumps(
            {
                "workload": "bare_numpy",
                "n": args.n,
                "mean_end_h": end_sum / args.n / 3600.0,
                "end_sum": end_sum,
                "setup_s": t1 - t0,
                "draw_s": draw_s,
                "kernel_s": path_s,
                "run_s": time.perf_counter() - t1,
            }
        )
    )


if __name__ == "__main__":
    main()
