"""Sweeps: what-if studies over a grid of scenario variants, each variant a Monte Carlo run.

A study varies scenario values over ranges or lists (``--vary KEY=SPEC``; KEY is a ``--set``
path, ``sim.scenario.overrides``; SPEC and the grid of several keys: ``sim.study.vary``).

Every variant runs N replications with the *same* seed: the variants share their random numbers
(common random numbers), so the difference between two rows comes from the varied value, not
from sampling noise. The work of one variant, ``run_variant``, is a pure function of plain data
(the parsed scenario document, the override texts, N, seed, milestone, deadline): it ships
cheaply to a process pool or to a Dask cluster and gives the same numbers wherever it runs. Rows
are put back in grid order, so a study is identical whatever the executor and worker count.

A variant that fails at run time (a window that never opens, a combination of values that is
not a valid scenario) becomes a row with ``error`` set; the study goes on. Bad ``--vary`` syntax,
an unknown key or an invalid first variant is an ``InputError`` before any work starts.

    from sim.study.sweep import sweep
    result = sweep("scenarios/change7.yaml", ["epoch=2026-07-01T00:00Z..2026-12-31T00:00Z/7d"],
                   replications=2000, seed=1, milestone="landing", workers=2)
    result.variants[0].milestone.end.p50_utc    # typed rows: aware datetimes, seconds
    result.to_dict()            # the JSON of `lunarsim sweep --json` (a view of the rows)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.executors import DASK_MISSING, ExecutorSpec, Outcome, local_cluster, run_tasks
from sim.errors import InputError, RunError
from sim.fields import did_you_mean
from sim.results.statistics import deadline_probability
from sim.results.sweep_types import EndSpread, MilestoneStats, SweepResult, VariantRow
from sim.scenario.model import format_loc, read_document, scenario_from_document
from sim.scenario.overrides import apply_overrides
from sim.scenario.yamlsource import Loc, YamlDocument
from sim.study.vary import MAX_VARIANTS as MAX_VARIANTS  # re-exported: the --vary spec, for callers
from sim.study.vary import Axis, grid, parse_vary
from sim.study.vary import parse_spec as parse_spec
from sim.timebase import format_utc, from_utc, parse_utc

if TYPE_CHECKING:
    from sim.results.records import Ensemble
    from sim.scenario.model import Scenario

Progress = Callable[[int, int], None]
"""Called with (variants done, variants in the study)."""

__all__ = ["DASK_MISSING", "local_cluster"]  # re-exported: the CLI, the tests and the sweep benchmark use them


# --------------------------------------------------------------------------- the study


@dataclass(frozen=True)
class Study:
    """A checked study: the scenario document, the axes and the Monte Carlo settings of every variant."""

    document: YamlDocument
    source: str
    scenario_id: str
    name: str
    axes: tuple[Axis, ...]
    replications: int
    seed: int
    milestone: str | None = None
    deadline: datetime | None = None

    @property
    def size(self) -> int:
        """Number of variants."""
        return math.prod(len(a.values) for a in self.axes)

    @property
    def keys(self) -> tuple[str, ...]:
        """The varied keys, in ``--vary`` order."""
        return tuple(a.key for a in self.axes)

    def variants(self) -> list[dict[str, str]]:
        """The values of every variant, key -> text, in grid order."""
        return [dict(zip(self.keys, combo, strict=True)) for combo in grid(self.axes)]


def overrides(values: Mapping[str, str]) -> tuple[str, ...]:
    """The ``KEY=VALUE`` override texts of one variant."""
    return tuple(f"{k}={v}" for k, v in values.items())


def load_document(path: str | Path, sets: Sequence[str] = ()) -> YamlDocument:
    """Read a scenario file into a line-numbered document with ``--set`` overrides applied.

    Raises:
        InputError: the file cannot be read, is not YAML, or is a program file.
    """
    from sim.scenario.program import is_program_data

    p = Path(path)
    doc = read_document(p)
    if is_program_data(doc.data):
        raise InputError(
            f"{p}: a program file (include:); a sweep varies one mission scenario, sweep one of the files it includes"
        )
    data, _ = apply_overrides(doc.data, sets)
    return YamlDocument(data, doc.lines)


def prepare(
    document: YamlDocument,
    source: str,
    vary: Sequence[str | Axis],
    *,
    replications: int,
    seed: int,
    milestone: str | None = None,
    deadline: datetime | str | None = None,
) -> Study:
    """Parse the axes and check the study up front, on its first variant.

    Checks: every ``--vary`` parses, keys are distinct, the grid is not too large, the first
    variant is a valid scenario (so an unknown key or phase id fails here, before any work), and
    the milestone names a phase of it.

    Raises:
        InputError: one line per problem; nothing has run.
    """
    if replications < 1:
        raise InputError(f"-n {replications}: the number of replications must be >= 1")
    if not vary:
        raise InputError(
            "nothing to vary: give at least one --vary KEY=SPEC, e.g. --vary epoch=2026-08-01T00:00Z,2026-09-01T00:00Z"
        )
    axes = tuple(v if isinstance(v, Axis) else parse_vary(v) for v in vary)
    keys = [a.key for a in axes]
    for key in keys:
        if keys.count(key) > 1:
            raise InputError(f"--vary {key}=...: the key is varied twice; give all its values in one --vary")
    size = math.prod(len(a.values) for a in axes)
    if size > MAX_VARIANTS:
        raise InputError(
            f"the grid has {size:,} variants; a study holds at most {MAX_VARIANTS:,}, use coarser steps or fewer keys"
        )
    if isinstance(deadline, str):
        try:
            deadline = parse_utc(deadline)
        except ValueError as exc:
            raise InputError(f"--deadline {deadline}: {exc}") from None
    first = dict(zip(keys, (a.values[0] for a in axes), strict=True))
    scenario = load_variant(document, source, overrides(first))
    if milestone is not None:
        ids = [p.id for p in scenario.phases]
        if milestone not in ids:
            hint = did_you_mean(milestone, ids) or f"; phases: {', '.join(ids)}"
            raise InputError(f"--milestone {milestone}: no phase with this id in {source}{hint}")
    return Study(
        document=document,
        source=source,
        scenario_id=scenario.id,
        name=scenario.name,
        axes=axes,
        replications=replications,
        seed=seed,
        milestone=milestone,
        deadline=deadline,
    )


def load_variant(document: YamlDocument, source: str, sets: Sequence[str]) -> Scenario:
    """Apply one variant's overrides and validate it; problems name the ``--vary`` that caused them.

    Raises:
        InputError: the overrides or the resulting scenario are invalid.
    """
    try:
        data, origins = apply_overrides(document.data, sets)
    except InputError as exc:
        raise InputError([_as_vary(line) for line in exc.problems]) from None
    try:
        return scenario_from_document(YamlDocument(data, document.lines), source)
    except InputError as exc:
        raise InputError([_blame(line, origins) for line in exc.problems]) from None


def _as_vary(line: str) -> str:
    return "--vary " + line.removeprefix("--set ") if line.startswith("--set ") else line


def _blame(line: str, origins: Mapping[Loc, str]) -> str:
    """Append ``(from --vary KEY=VALUE)`` to a problem in a varied field."""
    field = line.split(": ", 2)[1] if line.count(": ") >= 2 else ""
    for loc, text in origins.items():
        f = format_loc(loc)
        if field == f or field.startswith((f + ".", f + "[")):
            return f"{line} (from --vary {text})"
    return line


# --------------------------------------------------------------------------- one variant (pure)


def run_variant(
    document: YamlDocument,
    source: str,
    sets: Sequence[str],
    replications: int,
    seed: int,
    milestone: str | None = None,
    deadline: str | None = None,
) -> VariantRow:
    """Run one variant and reduce it to its row (without ``values``): a pure function of its arguments.

    Every argument is plain data, so the call ships to another process or machine as is. A
    variant that is not a valid scenario or fails at run time returns a row with ``error`` set.

    Args:
        document: the parsed scenario (base ``--set`` overrides already applied).
        source: the scenario's name in messages (a path; it is not opened).
        sets: the variant's ``KEY=VALUE`` overrides.
        replications: N.
        seed: the root seed, the same for every variant.
        milestone: a phase id whose end is summarised too.
        deadline: UTC ISO time; the share of replications that succeed by then.
    """
    from sim.engine.montecarlo import monte_carlo

    try:
        scenario = load_variant(document, source, sets)
        if milestone is not None and milestone not in {p.id for p in scenario.phases}:
            raise InputError(f"this variant has no phase {milestone!r} (--milestone)")
        ens = monte_carlo(scenario, replications, seed, per_replication=milestone is not None)
    except InputError as exc:
        return failed_row("; ".join(exc.problems))
    except (RunError, ValueError) as exc:
        return failed_row(str(exc))
    return variant_stats(ens, milestone, parse_utc(deadline) if deadline else None)


def variant_stats(ens: Ensemble, milestone: str | None = None, deadline: datetime | None = None) -> VariantRow:
    """A variant's row (without ``values``): success probability, P10/P50/P80/P90 of the mission
    end (seconds after the variant's epoch and UTC), the same for the milestone, and the deadline
    probabilities."""
    ok = ens.success
    deadline_s = from_utc(ens.epoch, deadline) if deadline is not None else None
    block = None
    if milestone is not None:
        m_end = ens.phase_end_s[:, ens.phase_ids.index(milestone)].astype(np.float64)
        block = MilestoneStats(
            id=milestone,
            end=EndSpread.of(ens.epoch, m_end[ok]),
            deadline_probability=float(np.mean(ok & (m_end <= deadline_s))) if deadline_s is not None else None,
        )
    return VariantRow(
        epoch_utc=ens.epoch,
        success_probability=float(ok.mean()),
        end=EndSpread.of(ens.epoch, ens.end_s[ok].astype(np.float64)),
        milestone=block,
        deadline_probability=deadline_probability(ens, deadline_s) if deadline_s is not None else None,
    )


def failed_row(error: str) -> VariantRow:
    """The row of a variant that did not run: every statistic None, ``error`` the reason."""
    return VariantRow(error=error)


# --------------------------------------------------------------------------- executors


def run_study(
    study: Study,
    *,
    executor: ExecutorSpec = "local",
    workers: int = 1,
    scheduler: str | None = None,
    scheduler_file: str | None = None,
    progress: Progress | None = None,
) -> StudyResult:
    """Run every variant and return the rows in grid order.

    Args:
        study: from ``prepare``.
        executor: ``"local"`` (a process pool of ``workers`` on this machine; 1 runs in this
            process), ``"dask"`` (a ``distributed.Client`` at ``scheduler``, ``scheduler_file`` or
            ``$DASK_SCHEDULER_ADDRESS``, or a ``LocalCluster`` of ``workers`` single-threaded
            processes when none is given), or an existing ``concurrent.futures.Executor`` or
            ``distributed.Client`` (used as is, not closed). See ``sim.engine.executors``.
        workers: processes for ``"local"`` and for the ``LocalCluster`` of ``"dask"``.
        scheduler: a Dask scheduler address, e.g. ``tcp://10.0.0.5:8786``.
        scheduler_file: a Dask scheduler file (``dask scheduler --scheduler-file F``).
        progress: called with (variants done, variants in the study) as variants finish.

    Raises:
        InputError: Dask was asked for and is not installed.
        RunError: the Dask scheduler cannot be reached.
        KeyboardInterrupt: after cancelling the remaining work and stopping the workers.
    """
    variants = study.variants()
    deadline = format_utc(study.deadline) if study.deadline is not None else None
    args = [
        (study.source, overrides(values), study.replications, study.seed, study.milestone, deadline)
        for values in variants
    ]
    rows: list[VariantRow | None] = [None] * len(args)
    done = 0
    outcomes = run_tasks(
        run_variant,
        study.document,
        args,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        scheduler_file=scheduler_file,
        name="lunarsim-variant",
    )
    with closing(outcomes):
        for index, outcome in outcomes:
            rows[index] = replace(_row(outcome), values=variants[index])
            done += 1
            if progress is not None:
                progress(done, len(args))
    assert all(r is not None for r in rows)
    return StudyResult(
        scenario_id=study.scenario_id,
        name=study.name,
        axes=study.axes,
        replications=study.replications,
        seed=study.seed,
        milestone=study.milestone,
        deadline_utc=study.deadline,
        variants=tuple(r for r in rows if r is not None),
        study=study,
    )


def _row(outcome: Outcome) -> VariantRow:
    """A finished variant's row; an exception in the worker becomes the variant's error."""
    try:
        row = outcome.result()
    except Exception as exc:  # a worker that died, or a bug: report it in the row, keep the study
        return failed_row(f"unexpected failure ({type(exc).__name__}): {exc}")
    if not isinstance(row, VariantRow):
        return failed_row(f"unexpected failure: a variant returned {type(row).__name__}, not a VariantRow")
    return row


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class StudyResult(SweepResult):
    """A study's typed rows (``sim.results.sweep_types.SweepResult``) and the checked ``Study`` that made them."""

    study: Study | None = None


def sweep(
    scenario: str | Path,
    vary: Sequence[str | Axis],
    *,
    replications: int,
    seed: int,
    sets: Sequence[str] = (),
    milestone: str | None = None,
    deadline: datetime | str | None = None,
    executor: ExecutorSpec = "local",
    workers: int = 1,
    scheduler: str | None = None,
    scheduler_file: str | None = None,
    progress: Progress | None = None,
) -> StudyResult:
    """Read a scenario file, apply ``sets``, check the study and run it (see ``prepare``, ``run_study``)."""
    document = load_document(scenario, sets)
    study = prepare(
        document, str(scenario), vary, replications=replications, seed=seed, milestone=milestone, deadline=deadline
    )
    return run_study(
        study, executor=executor, workers=workers, scheduler=scheduler, scheduler_file=scheduler_file, progress=progress
    )
