"""Sweep scale-out benchmark (issue 7): 100 variants x 2,000 replications, local pool vs Dask.

Two studies of 100 variants x 2,000 replications (the launch epoch varied over 100 days, the
same seed for every variant):

- ``light``: ``benchmarks/reference_dag.yaml`` (30 phases, no windows): a few ms of compute per
  variant, so the executors' own per-variant cost shows;
- ``ce5``: ``scenarios/change5.yaml`` with whatever windows it has (lunar daylight at the
  site): every launch date recomputes its window tables from the ephemeris, as a real
  launch-window study does.

Each study runs

- ``serial``: in this process, one variant after the other: the compute reference;
- ``local`` cold: ``run_study(executor="local", workers=2)``: a spawn process pool started for
  the study and shut down after it (what ``lunarsim sweep --workers 2`` does);
- ``local`` warm: the same on a pool already started and warmed up (imports done);
- ``dask`` cold: ``run_study(executor="dask", workers=2)``: a 2-worker ``LocalCluster``
  (processes, one thread each) started for the study and closed after it;
- ``dask`` warm: the same on a running ``LocalCluster`` (``executor=client``), as on a cluster
  that serves many studies.

Per-variant overhead is worker time lost per variant: ``(W * wall - serial) / V``, with W = 2
workers and V = 100 variants; for a cold run it includes the start and stop of the workers.
The runs are interleaved over rounds (round 1 each once, round 2 each once again, ...) and the
median is reported. Every run's JSON must equal the serial one (else the script exits 1).

    python benchmarks/sweep_bench.py                         full run (~5 min on 2 cores), writes RESULTS-sweep.md
    python benchmarks/sweep_bench.py --rounds 1 --no-write   a smoke run
    python benchmarks/sweep_bench.py --only light

Needs Dask (``pip install -e '.[dask]'``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.study.sweep import Study, load_document, local_cluster, prepare, run_study  # noqa: E402

RESULTS = HERE / "RESULTS-sweep.md"
WORKERS = 2
WORKLOADS = {
    # name: (scenario, --vary, what it shows)
    "light": (
        HERE / "reference_dag.yaml",
        "epoch=2030-11-01T00:00Z..2031-02-08T00:00Z/1d",
        "30 phases, no windows: mostly executor overhead",
    ),
    "ce5": (
        ROOT / "scenarios" / "change5.yaml",
        "epoch=2020-11-01T00:00Z..2021-02-08T00:00Z/1d",
        "Chang'e 5 with its windows: window tables recomputed per launch date",
    ),
}
RUNS = ("serial", "local_cold", "local_warm", "dask_cold", "dask_warm")
STARTS = ("local_start", "dask_start")


def warm_up(_: object = None) -> int:
    """Run by every worker before timing: the imports a variant needs."""
    import sim.engine.montecarlo
    import sim.study.sweep  # noqa: F401

    return os.getpid()


def cpu_s() -> float:
    """CPU seconds (user + system) of this process and of every child it has reaped."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class Sample:
    """One run: wall seconds, and CPU seconds of every process involved (workers included)."""

    wall_s: float
    cpu_s: float


def measure(fn: Callable[[], Any]) -> tuple[Sample, Any]:
    """Wall and CPU of ``fn()`` (workers count once they are reaped, so ``fn`` must stop them)."""
    c0, t0 = cpu_s(), time.perf_counter()
    out = fn()
    return Sample(time.perf_counter() - t0, cpu_s() - c0), out


class LocalPool:
    """A spawn pool of WORKERS processes, warmed up; ``close`` stops and reaps them."""

    def __init__(self) -> None:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self.executor = ProcessPoolExecutor(max_workers=WORKERS, mp_context=get_context("spawn"))
        list(self.executor.map(warm_up, range(WORKERS * 4)))

    def close(self) -> None:
        self.executor.shutdown(wait=True)


class DaskCluster:
    """A running LocalCluster of WORKERS single-threaded processes, warmed up; ``close`` stops it."""

    def __init__(self) -> None:
        from distributed import Client

        self.cluster = local_cluster(WORKERS)  # the cluster run_study starts itself
        self.executor = Client(self.cluster)
        self.executor.run(warm_up)

    def close(self) -> None:
        self.executor.close()
        self.cluster.close()


def one_round(study: Study, samples: dict[str, list[Sample]], check: Callable[[str, Any], None]) -> None:
    """Each run once, in a fixed order."""
    sample, res = measure(lambda: run_study(study))
    samples["serial"].append(sample)
    check("serial", res)
    for kind, executor_cls in (("local", LocalPool), ("dask", DaskCluster)):
        sample, res = measure(lambda kind=kind: run_study(study, executor=kind, workers=WORKERS))
        samples[f"{kind}_cold"].append(sample)
        check(f"{kind} cold", res)

        # warm: time the study on running workers; CPU = (start + study + stop) - (start + stop alone)
        c0 = cpu_s()
        t0 = time.perf_counter()
        running = executor_cls()
        start_wall = time.perf_counter() - t0
        sample, res = measure(lambda running=running: run_study(study, executor=running.executor))
        running.close()
        with_study = cpu_s() - c0
        idle, _ = measure(lambda executor_cls=executor_cls: executor_cls().close())
        samples[f"{kind}_warm"].append(Sample(sample.wall_s, max(0.0, with_study - idle.cpu_s)))
        samples[f"{kind}_start"].append(Sample(start_wall, idle.cpu_s))
        check(f"{kind} warm", res)


def main(argv: list[str] | None = None) -> int:
    """Run the rounds, print the tables, write RESULTS-sweep.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3); the median is kept")
    parser.add_argument("-n", "--replications", type=int, default=2_000)
    parser.add_argument("--only", help=f"comma-separated workloads ({', '.join(WORKLOADS)})")
    parser.add_argument("--no-write", action="store_true", help="print only, leave RESULTS-sweep.md alone")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(WORKLOADS)

    studies: dict[str, Study] = {}
    references: dict[str, dict[str, Any]] = {}
    for name in names:
        scenario, vary, _ = WORKLOADS[name]
        studies[name] = prepare(
            load_document(scenario), str(scenario.relative_to(ROOT)), [vary], replications=args.replications, seed=1
        )
        references[name] = run_study(studies[name]).to_dict()  # also warms this process's imports and caches
    samples: dict[str, dict[str, list[Sample]]] = {name: {k: [] for k in RUNS + STARTS} for name in names}
    bad: list[str] = []
    for r in range(args.rounds):
        for name in names:

            def check(run: str, result: Any, name: str = name) -> None:
                if result.to_dict() != references[name]:
                    bad.append(f"{name} {run}")

            one_round(studies[name], samples[name], check)
            print(
                f"round {r + 1}/{args.rounds} {name}: "
                + ", ".join(
                    f"{k} {v[-1].wall_s:.2f} s wall / {v[-1].cpu_s:.2f} s CPU" for k, v in samples[name].items()
                ),
                flush=True,
            )
    report = render(studies, samples, args.rounds)
    print(report)
    if bad:
        print(f"RESULTS DIFFER from the serial run: {', '.join(bad)}", file=sys.stderr)
        return 1
    if not args.no_write:
        RESULTS.write_text(report, encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


def render(studies: dict[str, Study], samples: dict[str, dict[str, list[Sample]]], rounds: int) -> str:
    """RESULTS-sweep.md."""
    import dask
    import numpy

    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=False
        ).stdout.strip()
        or "?"
    )
    lines = [
        "# Sweep benchmark (issue 7): local process pool vs Dask LocalCluster",
        "",
        f"Recorded {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')} by `python benchmarks/sweep_bench.py` "
        f"(commit {commit} plus the working tree); {rounds} interleaved rounds.",
        f"Machine: {os.cpu_count()} CPUs ({platform.machine()}), Python {platform.python_version()}, "
        f"numpy {numpy.__version__}, dask/distributed {dask.__version__}; 1-min load average at the end "
        f"{os.getloadavg()[0]:.1f}. Other sessions share these 2 CPUs, so wall times are noisy (see the best "
        "and median columns); the CPU columns are not affected by waiting for a CPU.",
        "",
        f"Every study: 100 launch dates (`--vary epoch=...` over 100 days, step 1 d) x "
        f"{next(iter(studies.values())).replications:,} replications, seed 1 for every variant, "
        f"{WORKERS} workers. Every run's JSON equals the serial run's (checked).",
        "",
    ]
    for name, study in studies.items():
        med = {k: statistics.median(x.wall_s for x in v) for k, v in samples[name].items()}
        best = {k: min(x.wall_s for x in v) for k, v in samples[name].items()}
        cpu = {k: statistics.median(x.cpu_s for x in v) for k, v in samples[name].items()}
        v = study.size
        lines += [
            f"## `{name}`: `{study.source}`, {WORKLOADS[name][2]}",
            "",
            f"`--vary {study.axes[0].key}={study.axes[0].spec}`; serial compute "
            f"{1000.0 * cpu['serial'] / v:.1f} ms CPU ({1000.0 * best['serial'] / v:.1f} ms wall, best) per variant.",
            "",
            "| run | wall best (s) | wall median (s) | speed-up (best) | CPU (s) | overhead per variant (ms CPU) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for label, key in (
            ("serial, in this process", "serial"),
            ("local pool, cold: started, study, stopped", "local_cold"),
            ("local pool, warm: study only", "local_warm"),
            ("Dask LocalCluster, cold: started, study, closed", "dask_cold"),
            ("Dask LocalCluster, warm: study only", "dask_warm"),
        ):
            over = "-" if key == "serial" else f"{1000.0 * (cpu[key] - cpu['serial']) / v:.1f}"
            lines.append(
                f"| {label} | {best[key]:.2f} | {med[key]:.2f} | {best['serial'] / best[key]:.2f}x | "
                f"{cpu[key]:.2f} | {over} |"
            )
        lines += [
            "",
            f"Starting and stopping the {WORKERS} warmed-up workers alone: local pool {best['local_start']:.2f} s wall "
            f"(start; best), {cpu['local_start']:.2f} s CPU (start + stop); Dask LocalCluster "
            f"{best['dask_start']:.2f} s wall, {cpu['dask_start']:.2f} s CPU.",
            "",
            "All rounds, wall / CPU (s): "
            + "; ".join(
                f"{k} " + ", ".join(f"{x.wall_s:.2f}/{x.cpu_s:.2f}" for x in xs) for k, xs in samples[name].items()
            ),
            "",
        ]
    lines += [
        "Overhead per variant = (CPU of the run - CPU of the serial run) / 100, over every process involved",
        "(this one, the pool's or the cluster's workers, Dask's scheduler and nannies): the CPU spent on",
        "anything but the variants' own compute. For cold runs it includes starting and stopping the workers",
        "(interpreter start and imports in each worker, the cluster's scheduler and nannies); for warm runs",
        "it is what each variant costs on running workers: submitting the task, pickling the scenario",
        "document (local pool: once per variant; Dask: scattered once per worker) and the row, scheduling,",
        "and a worker's first-use costs (e.g. loading the ephemeris). The parallel speed-up is bounded by",
        "the 2 CPUs being shared with other sessions while this ran.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
