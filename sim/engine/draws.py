"""What one Monte Carlo block draws: durations, their rank correlations, and risk events.

Block ``k`` draws from seed streams of its own (``SeedSequence(seed, spawn_key=(k, s))``), one
per kind of draw, so adding a correlation group or a risk never changes the other draws
(common random numbers across what-ifs) and a replication's numbers depend only on the seed,
its block and its row, never on the number of workers:

- ``s`` absent: the durations, column by column (``draw_block``);
- ``s = 1``: failure counts (``sim.engine.montecarlo.draw_failures``);
- ``s = 2``: the normal scores of the correlation groups (Iman-Conover);
- ``s = 3, r``: risk ``r``'s occurrences and impacts (one stream per risk).

Correlation (Iman & Conover 1982, "A distribution-free approach to inducing rank correlation
among input variables"): each group's columns are reordered within the block to follow the
ranks of correlated normal scores. A reordering keeps every marginal exactly (the same values,
in another order). Normal scores with Pearson correlation ``2 sin(pi rho / 6)`` have Spearman
rank correlation ``rho`` (Pearson 1907 / Kruskal 1958 for the bivariate normal), so the group
gets the asked rank correlation up to sampling error (about ``1/sqrt(8192)`` per block).

A risk event occurs in a replication with its probability and then adds one drawn impact to
the duration of every phase it lists (the same impact for all of them: one event).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.scenario.distributions import Distribution
from sim.scenario.durations import DurationPlan, DurationSource
from sim.scenario.model import Scenario, topological_order

BLOCK = 8192  # replications per block (``sim.engine.montecarlo`` uses the same value)


@dataclass(frozen=True)
class RiskSpec:
    """A risk event, compiled: its probability, impact distribution and phase columns."""

    id: str
    probability: float
    impact: Distribution
    columns: tuple[int, ...]


@dataclass(frozen=True)
class Draws:
    """Everything a block draws: the duration plan (per-phase sources and element masses, so burns
    are resolved with each replication's mass), correlation groups (phase columns and the normal
    scores' Pearson correlation) and risk events. Correlation reorders resolved columns, so
    validation keeps burns out of correlation groups (a reordered burn would no longer match the
    mass its element carries; ``sim.scenario.checks``)."""

    dists: DurationPlan
    groups: tuple[tuple[tuple[int, ...], float], ...] = ()
    risks: tuple[RiskSpec, ...] = ()


def pearson_of_spearman(rho: float) -> float:
    """The Pearson correlation of bivariate normal scores whose rank correlation is ``rho``."""
    return 2.0 * math.sin(math.pi * rho / 6.0)


def compile_draws(scenario: Scenario, plan: DurationPlan | None = None) -> Draws:
    """The draws of a validated scenario (phase columns in file order); ``plan``: its duration
    plan, if the caller has it already (``Model.durations``)."""
    where = {p.id: i for i, p in enumerate(scenario.phases)}
    return Draws(
        dists=DurationPlan.from_scenario(scenario, topological_order(scenario)) if plan is None else plan,
        groups=tuple(
            (tuple(where[pid] for pid in c.phases), pearson_of_spearman(c.rho)) for c in scenario.correlations
        ),
        risks=tuple(
            RiskSpec(r.id, r.probability, r.impact, tuple(where[pid] for pid in r.phases)) for r in scenario.risks
        ),
    )


def draw_block(
    dists: DurationPlan | Sequence[Distribution | DurationSource], seed: int, block: int, size: int
) -> np.ndarray:
    """The independent ``(size, P)`` duration matrix of one block, seconds, from its own stream.

    A block always draws its full ``BLOCK`` rows (column by column) and keeps the first ``size``,
    so a replication's draws depend only on the seed, its block and its row: a short last block
    is a prefix of the same block in a longer run.
    """
    return _independent(dists, seed, block)[:size]


def _independent(dists: DurationPlan | Sequence[Distribution | DurationSource], seed: int, block: int) -> np.ndarray:
    """The block's ``(BLOCK, P)`` matrix, phase-major in memory (Fortran order: each phase's
    column contiguous), which is how the draws are written and how the vector path and the
    column operations below read them; a replication-major layout walked column by column
    costs ~5x (shared/PERFORMANCE.md). Drawn column by column in file order (a fixed duration
    draws nothing), then burns resolved with each replication's element masses
    (``DurationPlan``); a plain sequence carries no masses."""
    plan = dists if isinstance(dists, DurationPlan) else DurationPlan.of(dists)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    return plan.sample(rng, BLOCK)


def draw_columns(draws: Draws, seed: int, block: int, size: int) -> Callable[[int], np.ndarray] | None:
    """Phase ``i``'s ``size`` durations of one block, drawn when first asked for: ``column(i)``
    gives ``draw_durations(...)[0][:, i]``, the same numbers from the same stream (each source
    draws its full ``BLOCK`` in file order; a phase asked for early draws the phases before it
    in the file first and keeps them until asked). The block's ``(BLOCK, P)`` matrix is never
    allocated (196 MB at 3,000 phases, memory touched for the first time in every block). None
    when the durations need the whole block at once: element masses (burns), correlation groups
    or risk events. Each phase may be asked for once."""
    plan = draws.dists
    if draws.groups or draws.risks or any(s.uses_mass for s in plan.sources):
        return None
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    drawn: dict[int, np.ndarray] = {}
    sources = iter(enumerate(plan.sources))

    def column(i: int) -> np.ndarray:
        while i not in drawn:
            k, source = next(sources)
            col = np.empty(BLOCK)
            col[...] = source.draw(rng, BLOCK)  # as DurationPlan.sample writes it (a fixed one: a number)
            drawn[k] = col[:size]
        return drawn.pop(i)

    return column


def draw_durations(draws: Draws, seed: int, block: int, size: int) -> tuple[np.ndarray, np.ndarray | None]:
    """The ``(size, P)`` durations of one block with correlations and risk impacts applied, and
    which risks occurred (``(size, R)`` bool; None without risks). Everything is drawn for the
    full block first, so a short last block is a prefix of the full one."""
    out = _independent(draws.dists, seed, block)
    if draws.groups:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, 2)))
        for columns, r in draws.groups:
            impose_rank_correlation(out, columns, r, rng)
    occurred = None
    if draws.risks:
        occurred = np.empty((BLOCK, len(draws.risks)), dtype=bool)
        for k, risk in enumerate(draws.risks):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, 3, k)))
            occ = rng.random(BLOCK) < risk.probability
            impact = risk.impact.sample(rng, BLOCK)
            added = np.where(occ, impact, 0.0)
            for c in risk.columns:
                out[:, c] += added
            occurred[:, k] = occ
        occurred = occurred[:size]
    return out[:size], occurred


def impose_rank_correlation(x: np.ndarray, columns: tuple[int, ...], pearson: float, rng: np.random.Generator) -> None:
    """Reorder ``x[:, columns]`` in place so that the columns follow the ranks of normal scores
    with pairwise Pearson correlation ``pearson`` (Iman-Conover; each column keeps its values)."""
    k = len(columns)
    target = np.full((k, k), pearson)
    np.fill_diagonal(target, 1.0)
    w, v = np.linalg.eigh(target)  # a square root that also works at rho = 1 (singular)
    root = v * np.sqrt(np.clip(w, 0.0, None))
    scores = rng.standard_normal((x.shape[0], k)) @ root.T
    for j, c in enumerate(columns):
        ranks = np.argsort(np.argsort(scores[:, j], kind="stable"), kind="stable")
        x[:, c] = np.sort(x[:, c])[ranks]
