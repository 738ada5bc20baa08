"""Monte Carlo replications: seed streams, blocks, engines, workers.

Replications are cut into fixed blocks of ``BLOCK`` replications. Block ``k`` draws all its
durations, vectorized, from its own generator
``default_rng(SeedSequence(seed, spawn_key=(k,)))``, so a replication's numbers depend only on
the seed and its block, never on how many workers ran or in what order they finished. Blocks
run on the vectorized fast path (``engine="vector"``, any scenario without shared resources)
or on the SimPy engine (``engine="des"``); both give identical times on identical draws.
Each block is reduced at once to what the statistics need (mission end, criticality counts,
slip and duration sums) and blocks are combined in block order. Per-phase durations and ends
(float32) are kept for the first ``phase_rows(P)`` replications only, unless the caller asks for
every replication (``per_replication=True``, as ``lunarsim mc --csv`` does): a million
replications then stay in a few hundred MB.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, fields
from functools import partial
from itertools import pairwise
from typing import Literal

import numpy as np

from sim.engine import des
from sim.engine import vector as fastpath
from sim.engine.critical import critical_counts
from sim.engine.draws import BLOCK, Draws, compile_draws, draw_block, draw_columns, draw_durations
from sim.engine.executors import ExecutorSpec, run_tasks
from sim.engine.model import Model, PhaseGraph, SpanTooShort, run_lazily
from sim.engine.stream import run_streamed, streamable
from sim.results.records import Ensemble, phase_rows
from sim.scenario.model import Scenario
from sim.sky.intervals import WindowNeverOpens

__all__ = ["BLOCK", "blocks", "draw_block", "draw_failures", "monte_carlo"]
MAX_REPLICATIONS = 100_000_000  # mission-level arrays keep ~13 bytes per replication: ~1.3 GB at most
Engine = Literal["auto", "des", "vector"]
Progress = Callable[[int], None]


class EngineUnsupported(ValueError):
    """The engine asked for cannot run this scenario (``engine="vector"`` with shared resources)."""


def choose_engine(model: Model, engine: Engine = "auto") -> Literal["des", "vector"]:
    """The engine to use: the vector path unless the scenario shares resources (event loop needed).

    Raises:
        EngineUnsupported: ``vector`` was asked for a scenario with shared resources.
    """
    if engine == "vector" and model.graph.uses_resources:
        raise EngineUnsupported("engine 'vector' cannot model shared resources; use engine 'des' (or 'auto')")
    if engine != "auto":
        return engine
    return "des" if model.graph.uses_resources else "vector"


def blocks(n: int) -> list[tuple[int, int]]:
    """``(block index, size)`` for N replications."""
    return [(k, min(BLOCK, n - k * BLOCK)) for k in range((n + BLOCK - 1) // BLOCK)]


def draw_failures(graph: PhaseGraph, seed: int, block: int, size: int) -> np.ndarray | None:
    """Failure counts ``(size, P)`` of one block (failed attempts before a success), or None.

    They come from a stream of their own (``spawn_key=(block, 1)``), so adding or changing a
    failure spec never changes the duration draws (common random numbers across what-ifs).
    """
    failing = graph.failing
    if not failing:
        return None
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, 1)))
    f = np.zeros((size, graph.size), dtype=np.int64)
    for i in failing:
        spec = graph.failure[i]
        assert spec is not None
        if spec.probability >= 1.0:
            f[:, i] = spec.max_attempts
        else:
            f[:, i] = rng.geometric(1.0 - spec.probability, BLOCK)[:size] - 1  # full block: see draw_block
    return f


SUM_FIELDS = (
    "slip_overrun_s",
    "slip_failure_s",
    "slip_window_s",
    "slip_resource_s",
    "slip_upstream_s",
    "wait_window_s",
    "wait_resource_s",
    "duration_s",
)


@dataclass(frozen=True)
class BlockResult:
    """One block reduced to what the ensemble statistics need (sums over successful replications)."""

    block: int
    end_s: np.ndarray
    success: np.ndarray
    duration_s: np.ndarray
    phase_end_s: np.ndarray
    critical_count: np.ndarray
    sums: dict[str, np.ndarray]
    risk_occurred: np.ndarray | None = None  # (size, R) bool
    tail_reached: bool = False  # a window answer depended on the end of a table computed over a short span


@dataclass(frozen=True)
class _Job:
    model: Model
    draws: Draws
    seed: int
    engine: Literal["des", "vector"]
    nominal: des.RunArrays
    per_replication: bool = False  # keep per-phase rows of every block, not only of the first phase_rows(P)
    streamed: bool = False  # vector path over a ``streamable`` graph: every block runs whole, phase by phase


# Rows x phases an engine works on at once: 32 MiB - 8 KiB per float64 array, just under glibc's
# 32 MiB ceiling for its dynamic mmap threshold, so a chunk's freed arrays are reused by the next
# chunk (the minor page faults of a 3,000-phase block stay those of its draw matrix); at 1 << 22
# (32 MiB + header) every array was a fresh mapping whose pages faulted in again on each chunk,
# ~19 ns per cell on this machine (benchmarks/RESULTS.md, growth rows). As large as that allows:
# the vector path costs ~5-10 us of numpy calls per phase and chunk whatever the rows, which
# 699-row chunks (1 << 21 cells at 3,000 phases) paid ~12 times per block, 1,397-row ones 6 times.
CHUNK_CELLS = (32 << 20) // 8 - 1024


def _run_job(job: _Job, block: int, size: int) -> BlockResult:
    """Draw one block and run it: whole, phase by phase, on the vector path when the graph is
    ``streamable`` (``sim.engine.stream``); otherwise in row chunks of about ``CHUNK_CELLS`` cells.

    Up to 511 phases a block is one chunk. For longer scenarios the chunks keep the engines'
    working arrays (and the SimPy engine's Python lists) a fixed size, so that the cost per
    phase-replication and the memory do not grow with the number of phases. Chunks are reduced
    in row order and their sums added in a fixed order: the result does not depend on the
    executor (float summation order is fixed by the scenario's size alone).
    """
    try:
        res = _run_block_chunks(job, block, size)
    except WindowNeverOpens:
        if not job.model.tail_reached:
            raise
        return _tail_only(block)  # "never opens" within a short span: the caller computes longer tables
    if job.model.tail_reached:
        return _tail_only(block)
    return res


def _tail_only(block: int) -> BlockResult:
    """The report of a block that ran into the end of its short-span window tables: nothing else."""
    empty = np.empty(0)
    return BlockResult(block, empty, empty.astype(bool), empty, empty, empty.astype(np.int64), {}, tail_reached=True)


def _run_block_chunks(job: _Job, block: int, size: int) -> BlockResult:
    g = job.model.graph
    keep = size if job.per_replication else min(size, max(0, phase_rows(g.size) - block * BLOCK))
    if job.streamed:
        column = draw_columns(job.draws, job.seed, block, size)
        if column is not None:  # drawn phase by phase as the streamed path asks
            return _run_streamed(job, block, column, size, None, keep)
        d, occurred = draw_durations(job.draws, job.seed, block, size)
        return _run_streamed(job, block, lambda i: d[:, i], size, occurred, keep)
    d, occurred = draw_durations(job.draws, job.seed, block, size)
    fails = draw_failures(g, job.seed, block, size)
    step = max(1, CHUNK_CELLS // max(g.size, 1))
    if step >= size:
        return _run_chunk(job, block, d, fails, occurred, keep)
    parts = [
        _run_chunk(
            job,
            block,
            d[lo : lo + step],
            None if fails is None else fails[lo : lo + step],
            None if occurred is None else occurred[lo : lo + step],
            keep - lo,
        )
        for lo in range(0, size, step)
    ]
    return BlockResult(
        block=block,
        end_s=np.concatenate([r.end_s for r in parts]),
        success=np.concatenate([r.success for r in parts]),
        duration_s=np.concatenate([r.duration_s for r in parts]),
        phase_end_s=np.concatenate([r.phase_end_s for r in parts]),
        critical_count=sum((r.critical_count for r in parts), np.zeros(g.size, dtype=np.int64)),
        sums={k: sum((r.sums[k] for r in parts), np.zeros(g.size)) for k in SUM_FIELDS},
        risk_occurred=occurred,
    )


def _run_streamed(
    job: _Job, block: int, column: Callable[[int], np.ndarray], size: int, occurred: np.ndarray | None, keep: int
) -> BlockResult:
    """A block of ``size`` rows of a ``streamable`` graph, whole (``sim.engine.stream``; ``column(i)``:
    phase ``i``'s drawn durations): the numbers ``_run_chunk`` gives for the block as one chunk."""
    g = job.model.graph
    s = run_streamed(g, column, size, keep)
    sums = {k: np.zeros(g.size) for k in SUM_FIELDS}  # nothing waits or fails: zero but for these three
    sums["slip_overrun_s"] = s.duration_sum_s - size * g.nominal_s
    sums["slip_upstream_s"] = s.ready_sum_s - size * job.nominal.ready_s
    sums["duration_s"] = s.run_sum_s
    ok = np.ones(size, dtype=bool)
    return BlockResult(block, s.end_s, ok, s.kept_run_s, s.kept_end_s, s.critical_count, sums, occurred)


def _run_chunk(
    job: _Job, block: int, d: np.ndarray, fails: np.ndarray | None, occurred: np.ndarray | None, keep: int
) -> BlockResult:
    """One chunk of a block's rows run and reduced; its first ``keep`` rows keep per-phase values."""
    g = job.model.graph
    size = d.shape[0]
    keep = min(max(keep, 0), size)
    runner = fastpath.run_block if job.engine == "vector" else des.run_block
    a = runner(job.model, d, fails)
    nom = job.nominal
    end = a.end_s
    if fails is None:  # nothing can abort: every row succeeds, no NaN, no copies
        ok = np.ones(size, dtype=bool)
        rows: slice | np.ndarray = slice(None)
        last = g.ends_last  # only these can end last: the max over them is the max over all
        mission_end = end.max(axis=1) if last is None else end[:, list(last)].max(axis=1)
    else:
        ok = ~(a.status == des.ABORTED).any(axis=1)
        rows = ok
        mission_end = np.nanmax(end, axis=1)
    count = int(ok.sum())
    p = g.size

    def total(x: np.ndarray | None, nominal: np.ndarray | None = None) -> np.ndarray:
        if x is None:
            return np.zeros(p)
        acc = x[rows].sum(axis=0)
        return acc - count * nominal if nominal is not None else acc

    run_s = end - a.start_s  # each phase's run time (duration, retries, holds)
    waits_w = a.wait_window_s if g.windowed else None
    waits_r = a.wait_resource_s if g.uses_resources else None
    sums = {
        "slip_overrun_s": total(d, g.nominal_s),
        "slip_failure_s": total(a.failure_s if fails is not None else None),
        "slip_window_s": total(waits_w, nom.wait_window_s),
        "slip_resource_s": total(waits_r, nom.wait_resource_s),
        "slip_upstream_s": total(a.ready_s, nom.ready_s),
        "wait_window_s": total(waits_w),
        "wait_resource_s": total(waits_r),
        "duration_s": total(run_s),
    }
    return BlockResult(
        block=block,
        end_s=mission_end,
        success=ok,
        duration_s=run_s[:keep].astype(np.float32),
        phase_end_s=end[:keep].astype(np.float32),
        critical_count=critical_counts(a.driver[rows], end[rows], g, complete=fails is None),
        sums=sums,
        risk_occurred=occurred,
    )


def _run_blocks(job: _Job, first: int, sizes: tuple[int, ...]) -> list[BlockResult]:
    """Blocks ``first, first + 1, ...`` of the given sizes: one task of the executor."""
    return [_run_job(job, first + k, size) for k, size in enumerate(sizes)]


DASK_BLOCKS = 16


def _tasks(
    todo: list[tuple[int, int]], workers: int, executor: ExecutorSpec, engine: str = "vector"
) -> list[tuple[int, tuple[int, ...]]]:
    """Consecutive blocks grouped into tasks: about four tasks per local worker (one message per
    group instead of per block roughly halves a pool's overhead on the fast path); one block per
    task in this process. On Dask, whose scheduler spends about 1 ms per task, up to
    ``DASK_BLOCKS`` blocks per task on the vector path (a block is ~5-10 ms of work there) and
    one per task on the SimPy engine (~0.5 s a block), at least 16 tasks when there are enough
    blocks, so that the cluster's workers share the load."""
    per = 1
    if executor == "local" and workers > 1:
        per = max(1, len(todo) // (4 * workers))
    elif executor != "local" and engine == "vector":
        per = max(1, min(DASK_BLOCKS, len(todo) // 16))
    out: list[tuple[int, tuple[int, ...]]] = []
    for k, size in todo:
        if out and len(out[-1][1]) < per and out[-1][0] + len(out[-1][1]) == k:
            out[-1] = (out[-1][0], (*out[-1][1], size))
        else:
            out.append((k, (size,)))
    return out


def _results(
    job: _Job, todo: list[tuple[int, int]], workers: int, executor: ExecutorSpec, where: dict[str, str | None]
) -> Iterator[BlockResult]:
    tasks = _tasks(todo, workers, executor, job.engine)
    if executor == "local":
        workers = min(workers, len(tasks))
    outcomes = run_tasks(_run_blocks, job, tasks, executor=executor, workers=workers, name="lunarsim-mc", **where)
    with closing(outcomes):
        for _, outcome in outcomes:
            yield from outcome.result()


def monte_carlo(
    scenario: Scenario,
    n: int,
    seed: int,
    *,
    workers: int = 1,
    engine: Engine = "auto",
    progress: Progress | None = None,
    until_stable: bool = False,
    max_n: int = 2_000_000,
    per_replication: bool = False,
    model: Model | None = None,
    executor: ExecutorSpec = "local",
    scheduler: str | None = None,
    scheduler_file: str | None = None,
) -> Ensemble:
    """Run N replications (or, with ``until_stable``, at least N, until P80 settles).

    Args:
        scenario: a validated scenario.
        n: replications (with ``until_stable``: the first batch).
        seed: the root of every seed stream; same seed, same result, any worker count.
        workers: processes (of the local pool, or of the Dask ``LocalCluster``); 1 runs in this process.
        engine: "vector", "des" or "auto" (vector unless the scenario needs the event loop).
        progress: called with the number of replications done so far.
        until_stable: keep adding batches of N until the P80 of the mission duration changes by
            less than ``STABLE_REL`` over ``STABLE_BATCHES`` consecutive batches (or ``max_n``).
        max_n: the cap for ``until_stable``.
        per_replication: keep each phase's duration and end for every replication (for a
            per-replication export); by default only for the first ``phase_rows(P)``.
        model: the scenario's compiled model, if the caller has built it already.
        executor: ``"local"``, ``"dask"`` or a running executor / ``distributed.Client`` (see
            ``sim.engine.executors``); the result is identical on every executor.
        scheduler: Dask scheduler address (else ``$DASK_SCHEDULER_ADDRESS``, else a LocalCluster).
        scheduler_file: Dask scheduler file.

    Raises:
        InputError: Dask asked for and not installed. RunError: its scheduler cannot be reached.
    """
    if n < 1 or n > MAX_REPLICATIONS:
        raise ValueError(f"n must be between 1 and {MAX_REPLICATIONS:,}")
    if seed < 0:
        raise ValueError("seed must be >= 0")
    run = partial(
        _monte_carlo,
        scenario,
        n,
        seed,
        workers=workers,
        engine=engine,
        progress=progress,
        until_stable=until_stable,
        max_n=max_n,
        per_replication=per_replication,
        executor=executor,
        where={"scheduler": scheduler, "scheduler_file": scheduler_file},
    )
    if model is not None:
        return run(model)
    # window tables over a span a little longer than the nominal mission; if any replication's
    # window answer depended on the span's end, once more over the whole horizon: the same result
    return run_lazily(scenario, run, ensemble=True)


def _monte_carlo(
    scenario: Scenario,
    n: int,
    seed: int,
    model: Model,
    *,
    workers: int,
    engine: Engine,
    progress: Progress | None,
    until_stable: bool,
    max_n: int,
    per_replication: bool,
    executor: ExecutorSpec,
    where: dict[str, str | None],
) -> Ensemble:
    """``monte_carlo`` with its model; raises ``SpanTooShort`` as soon as a block reports that a
    window answer depended on the end of a table computed over a short span."""
    chosen = choose_engine(model, engine)
    streamed = chosen == "vector" and streamable(model.graph)
    job = _Job(
        model=model,
        draws=compile_draws(scenario, model.durations),
        seed=seed,
        engine=chosen,
        nominal=_nominal(model, streamed),
        per_replication=per_replication,
        streamed=streamed,
    )
    if model.tail_reached:  # the nominal run already
        raise SpanTooShort
    if executor == "local":
        workers = max(1, min(workers, os.cpu_count() or 1, (n + BLOCK - 1) // BLOCK))
    parts: dict[int, BlockResult] = {}  # block index -> result; a grown last block is rerun
    done = 0
    target = n
    p80_history: list[float] = []
    while True:
        tasks = [(k, size) for k, size in blocks(target) if k not in parts or _size(parts[k]) != size]
        for res in _results(job, tasks, workers, executor, where):
            if res.tail_reached:
                raise SpanTooShort
            done += _size(res) - (_size(parts[res.block]) if res.block in parts else 0)
            parts[res.block] = res
            if progress:
                progress(done)
        if not until_stable:
            break
        ends = np.concatenate([parts[k].end_s for k in sorted(parts)])
        p80_history.append(float(np.percentile(ends, 80)))
        if _stable(p80_history) or target >= max_n:
            break
        target = min(max_n, target + n)
    return _combine(scenario, seed, chosen, list(parts.values()))


def _nominal(model: Model, streamed: bool) -> des.RunArrays:
    """The nominal run the slips are measured against; for a ``streamable`` graph on the vector path
    (``streamed``), its run of one row (the SimPy engine's to the bit, without compiling an event
    loop for it)."""
    g = model.graph
    if not streamed:
        return des.run_once(model, g.nominal_s.tolist())
    a = fastpath.run_block(model, g.nominal_s[None, :])
    return des.RunArrays(**{f.name: np.asarray(getattr(a, f.name))[0] for f in fields(a)})


def _size(res: BlockResult) -> int:
    return int(res.end_s.shape[0])


STABLE_REL = 0.001
STABLE_BATCHES = 3


def _stable(history: list[float]) -> bool:
    """True when the last ``STABLE_BATCHES`` changes of P80 are all below ``STABLE_REL``."""
    if len(history) <= STABLE_BATCHES:
        return False
    recent = history[-(STABLE_BATCHES + 1) :]
    ref = abs(recent[-1]) or 1.0
    return all(abs(b - a) / ref < STABLE_REL for a, b in pairwise(recent))


def _combine(scenario: Scenario, seed: int, engine: str, parts: list[BlockResult]) -> Ensemble:
    parts = sorted(parts, key=lambda b: b.block)

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    def columns(name: str) -> np.ndarray:
        """The kept per-phase rows stacked into one ``(rows, P)`` array, written block by block
        in the blocks' own layout (phase-major: each phase's column contiguous, as the per-phase
        statistics read it). Blocks keep rows from the first on, so the rows are a prefix."""
        first = getattr(parts[0], name)
        rows = sum(getattr(p, name).shape[0] for p in parts)
        out = np.empty((rows, first.shape[1]), dtype=first.dtype, order="F")
        row = 0
        for p in parts:
            block = getattr(p, name)
            out[row : row + block.shape[0]] = block
            row += block.shape[0]
        return out

    def total(arrays: list[np.ndarray]) -> np.ndarray:
        acc = np.zeros_like(arrays[0])
        for a in arrays:
            acc = acc + a
        return acc

    return Ensemble(
        scenario_id=scenario.id,
        name=scenario.name,
        epoch=scenario.epoch,
        seed=seed,
        engine=engine,
        phase_ids=tuple(p.id for p in scenario.phases),
        end_s=cat("end_s"),
        success=cat("success"),
        duration_s=columns("duration_s"),
        phase_end_s=columns("phase_end_s"),
        critical_count=total([p.critical_count for p in parts]),
        sums={k: total([p.sums[k] for p in parts]) for k in SUM_FIELDS},
        block_ids=np.concatenate([np.full(p.end_s.shape[0], p.block, dtype=np.int32) for p in parts]),
        risk_ids=tuple(r.id for r in scenario.risks),
        risk_occurred=cat("risk_occurred") if scenario.risks else None,
    )
