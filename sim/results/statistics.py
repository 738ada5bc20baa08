"""Statistics of a Monte Carlo ensemble: percentiles, deadline probability, criticality,
sensitivity, slip attribution, and where a flown actual falls in the simulated distribution.

Pure numpy over ``Ensemble`` arrays; no plotting, no I/O. Percentiles use numpy's default
(linear interpolation between order statistics). ``monte_carlo_summary`` gathers them into the
typed ``MonteCarloSummary`` (``sim.results.mc_types``); ``summary`` is its JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

import numpy as np

from sim.results.mc_types import (
    DeadlineOdds,
    MonteCarloSummary,
    PhaseDeadlineOdds,
    PhaseStats,
    RiskEffect,
)
from sim.results.quantiles import median, sorted_percentiles
from sim.results.records import Ensemble, phase_rows
from sim.results.spread import PERCENTILES as PERCENTILES  # re-exported: the levels of the summary
from sim.results.spread import EndSpread
from sim.timebase import HOUR_S, to_utc

LONG_ROWS = 32
"""Rows (replications) per phase above which the per-phase statistics go one phase at a time
(1-D numpy calls are then as cheap as one 2-D call, and 1-D argsort is the faster); below it,
all phases at once (a 3,000-phase scenario keeps 1,000 replications: 3,000 calls per statistic
would cost more than the arithmetic). Both give the same numbers (tests/test_statistics_rows.py)."""
SENSITIVITY_SAMPLE = 100_000  # Spearman on the first replications: standard error ~ 1/sqrt(n) ~ 0.003


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties given their average rank (as Spearman's rho needs)."""
    order = np.argsort(x)  # ties are averaged below, so their order does not matter
    xs = x[order]
    starts = np.flatnonzero(np.concatenate(([True], xs[1:] != xs[:-1])))
    counts = np.diff(np.append(starts, xs.size))
    avg = starts + (counts + 1) / 2.0  # 1-based average rank of each run of equal values
    ranks = np.empty(x.size)
    ranks[order] = np.repeat(avg, counts)
    return ranks


RANK_CELLS = 1 << 18
"""Cells ``row_ranks`` works on at once (2 MiB per float64 temporary): its dozen temporaries stay
in the cache and in reused heap memory instead of fresh 24 MB mappings (a 3,000-phase summary
ranks 3,000 x 1,000 cells: 0.13-0.16 s instead of 0.17-0.57 s on the VM of benchmarks/RESULTS.md,
the high figures when the fresh mappings' huge pages had to be compacted first; see sim.memory).
Rows are independent: the same numbers."""


def row_ranks(x: np.ndarray) -> np.ndarray:
    """``average_ranks`` of every row of the 2-D ``x``, all rows at once (one argsort per group of
    rows; each position's run of equal values found with running maxima/minima of run starts).
    The same numbers, row by row: a run's average rank is ``start + (count + 1) / 2.0`` either way."""
    p, n = x.shape
    ranks = np.empty((p, n))
    if n == 0:
        return ranks
    step = max(1, RANK_CELLS // n)
    at = np.arange(n)
    for lo in range(0, p, step):
        _rank_rows(x[lo : lo + step], at, ranks[lo : lo + step])
    return ranks


def _rank_rows(x: np.ndarray, at: np.ndarray, ranks: np.ndarray) -> None:
    """``row_ranks`` of some rows, written into ``ranks`` (``at``: ``arange(n)``)."""
    p, n = x.shape
    order = np.argsort(x, axis=1)
    xs = np.take_along_axis(x, order, axis=1)
    new = np.ones((p, n), dtype=bool)  # a run of equal values starts here (NaN: a run of its own)
    np.not_equal(xs[:, 1:], xs[:, :-1], out=new[:, 1:])
    if new.all():  # no ties (the usual case for drawn durations): position k has rank k + 1,
        np.put_along_axis(ranks, order, np.broadcast_to(at + 1.0, (p, n)), axis=1)  # as below
        return
    starts = np.maximum.accumulate(np.where(new, at, 0), axis=1)
    following = np.full((p, n), n)  # where the next run starts, looking right
    following[:, :-1] = np.where(new[:, 1:], at[1:], n)
    ends = np.minimum.accumulate(following[:, ::-1], axis=1)[:, ::-1]
    np.put_along_axis(ranks, order, starts + (ends - starts + 1) / 2.0, axis=1)


def spearman(x: np.ndarray, y: np.ndarray, y_ranks: np.ndarray | None = None) -> float:
    """Spearman rank correlation; 0.0 when either side is constant."""
    if x.size == 0 or x.min() == x.max():
        return 0.0
    rx = average_ranks(x)
    ry = average_ranks(y) if y_ranks is None else y_ranks
    sx, sy = rx.std(), ry.std()
    if sx == 0 or sy == 0:
        return 0.0
    return float(((rx - rx.mean()) * (ry - ry.mean())).mean() / (sx * sy))


def spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``spearman(x[i], y)`` for every row ``i`` of the 2-D ``x``, all rows at once.

    Each row's arithmetic is ``spearman``'s (numpy reduces a contiguous row the way it reduces a
    1-D array, so means and standard deviations are the same numbers); ``tests/test_statistics.py``
    checks the two agree exactly."""
    p, n = x.shape
    out = np.zeros(p)
    if n == 0:
        return out
    ry = average_ranks(y)
    sy = ry.std()
    varying = np.flatnonzero(~(x.min(axis=1) == x.max(axis=1)))
    if sy == 0 or varying.size == 0:
        return out
    if n >= LONG_ROWS * varying.size:  # long rows: a call per row costs nothing extra, and
        out[varying] = [spearman(x[i], y, ry) for i in varying]  # numpy's 1-D argsort is the faster
        return out
    centred_y = ry - ry.mean()
    step = max(1, RANK_CELLS // n)  # a group of rows at a time: cache-sized temporaries (RANK_CELLS)
    for lo in range(0, varying.size, step):
        rows = varying[lo : lo + step]
        rx = row_ranks(np.ascontiguousarray(x[rows]))
        sx = rx.std(axis=1)
        cov = ((rx - rx.mean(axis=1)[:, None]) * centred_y).mean(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            rho = cov / (sx * sy)
        out[rows] = np.where(sx == 0, 0.0, rho)
    return out


def column_percentiles(a: np.ndarray, q: Any) -> np.ndarray:
    """``np.percentile(a, q, axis=0)`` of a 2-D ``a``: the same numbers, from sorted columns.

    numpy's percentile partitions each column (introselect, one column at a time); its sort is
    vectorised (SIMD), and a percentile reads only order statistics, which sorting does not
    change: sorting first and taking the percentiles of the sorted rows is 3-5x cheaper for the
    Monte Carlo summary's 100,000 x 30 matrices; and the percentiles of sorted rows need no
    partition at all (``sim.results.quantiles``)."""
    cols = np.array(a.T, order="C")  # a copy: sorted in place below
    cols.sort(axis=1)
    return sorted_percentiles(cols, q)


def _sensitivity_sample(ens: Ensemble) -> tuple[np.ndarray, np.ndarray]:
    """The replications the sensitivities use: the first ``SENSITIVITY_SAMPLE`` (at most
    ``phase_rows(P)``, a fixed prefix, so independent of the workers) that succeeded. Returns
    their run times as phase rows ``(P, k)`` and their mission durations ``(k,)``."""
    m = min(ens.replications, SENSITIVITY_SAMPLE, phase_rows(len(ens.phase_ids)))
    ok = ens.success[:m]
    return np.ascontiguousarray(ens.duration_s[:m][ok].T), ens.end_s[:m][ok]


def sensitivities(ens: Ensemble, sample: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Per phase: Spearman correlation of its duration with the mission duration.

    Computed on the first ``SENSITIVITY_SAMPLE`` successful replications, at most
    ``phase_rows(P)`` (a fixed prefix, so it does not depend on the workers); the
    mission-duration ranks are computed once.
    """
    runs, total = _sensitivity_sample(ens) if sample is None else sample  # the caller's, if it has it
    return spearman_rows(runs, total)


def end_swings_s(
    ens: Ensemble, deciles: np.ndarray | None = None, sample: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Per phase: the sensitivity in seconds, the P50 of the mission end in replications where the
    phase's run time is in its highest decile minus the P50 where it is in its lowest decile.

    Same replications as ``sensitivities`` (the first ``SENSITIVITY_SAMPLE``, successful ones);
    0 for a phase whose run time never varies (or whose deciles coincide). ``deciles`` (shape
    ``(2, P)``: P10 and P90 of each phase's run time over those replications) saves computing
    them again when the caller has them.

    All phases at once: the replications are put in order of mission duration, so the median of
    the mission durations picked by a phase's decile is the middle one (or the mean of the middle
    two, as ``np.median`` takes it) of its picks in that order.
    """
    runs, total = _sensitivity_sample(ens) if sample is None else sample  # as in ``sensitivities``
    p, k = runs.shape
    out = np.zeros(p)
    if k == 0:
        return out
    if deciles is None:
        deciles = column_percentiles(runs.T, (10, 90))
    lo, hi = deciles[0], deciles[1]
    swings = np.flatnonzero(lo != hi)
    if swings.size == 0:
        return out
    if k >= LONG_ROWS * swings.size:  # long rows: np.median per phase costs nothing extra
        for i in swings:
            out[i] = median(total[runs[i] >= hi[i]]) - median(total[runs[i] <= lo[i]])
        return out
    order = np.argsort(total, kind="stable")
    ranked = total[order]
    picked = runs[swings][:, order]  # (phases that swing, k), replications by mission duration
    high = _picked_medians(ranked, picked >= hi[swings, None])
    low = _picked_medians(ranked, picked <= lo[swings, None])
    out[swings] = high - low
    return out


def _picked_medians(ranked: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """Per row of the boolean ``picks`` (k columns, in the order of the sorted ``ranked``): the
    median of ``ranked[picks[i]]`` (NaN where nothing is picked), the same number ``np.median``
    gives: the middle pick, or the mean of the middle two."""
    rows, cols = np.nonzero(picks)  # row by row, each row's picks in rank order
    c = np.bincount(rows, minlength=picks.shape[0])
    first = np.concatenate(([0], np.cumsum(c)[:-1]))  # where each row's picks begin in ``cols``
    some = c > 0
    lower = np.zeros(c.size, dtype=np.intp)
    upper = np.zeros(c.size, dtype=np.intp)
    lower[some] = cols[first[some] + (c[some] + 1) // 2 - 1]  # the ((c + 1) // 2)-th pick
    upper[some] = cols[first[some] + c[some] // 2]  # the (c // 2 + 1)-th pick
    med = np.where(c % 2 == 1, ranked[lower], (ranked[lower] + ranked[upper]) / 2.0)
    return np.where(some, med, np.nan)


def end_swings_h(ens: Ensemble) -> np.ndarray:
    """``end_swings_s`` in hours (the tornado's bar lengths)."""
    return end_swings_s(ens) / HOUR_S


def deadline_probability(ens: Ensemble, deadline_s: float) -> float:
    """Share of replications that succeed and end by ``deadline_s``."""
    return float(np.mean(ens.success & (ens.end_s <= deadline_s)))


def phase_deadline_odds(ens: Ensemble, deadlines_s: Mapping[str, float]) -> list[PhaseDeadlineOdds]:
    """Per phase with a deadline: P(it ends by it) and margin percentiles, over the replications
    whose phase ends are kept (the first ``phase_rows(P)`` or all; an abort counts as a miss)."""
    out = []
    rows = ens.rows
    for i, pid in enumerate(ens.phase_ids):
        if pid not in deadlines_s:
            continue
        d = deadlines_s[pid]
        end = ens.phase_end_s[:, i].astype(np.float64)
        ok = ens.success[:rows] & ~np.isnan(end)
        margin = d - end[ok]
        m10 = m50 = m90 = None
        if margin.size:
            m10, m50, m90 = (float(np.percentile(margin, q)) for q in (10, 50, 90))
        out.append(
            PhaseDeadlineOdds(
                id=pid,
                deadline_utc=to_utc(ens.epoch, d),
                deadline_s=float(d),
                probability=float(np.mean(ok & (end <= d))) if rows else 0.0,
                margin_p10_s=m10,
                margin_p50_s=m50,
                margin_p90_s=m90,
                replications=rows,
            )
        )
    return out


def risk_effect_rows(ens: Ensemble) -> list[RiskEffect]:
    """The typed ``RiskEffect`` of every risk event of the scenario, in declaration order."""
    out: list[RiskEffect] = []
    if ens.risk_occurred is None:
        return out
    ok = ens.success
    ends = ens.end_s
    for k, rid in enumerate(ens.risk_ids):
        occ = ens.risk_occurred[:, k]
        hit, miss = ok & occ, ok & ~occ
        delay = float(ends[hit].mean() - ends[miss].mean()) if hit.any() and miss.any() else None
        out.append(RiskEffect(rid, float(occ.mean()), delay))
    return out


def percentile_of(samples: np.ndarray, value: float) -> float:
    """Where ``value`` falls among ``samples``: the mid-rank percentile, 0-100.

    ``100 * (#samples < value + #samples <= value) / (2 n)``: samples equal to the value count
    half, so a value equal to every sample (a fixed duration that flew exactly as modelled) sits
    at 50, one below every sample at 0 and one above every sample at 100. The one definition of
    "where the flown value falls in the simulated spread" (``lunarsim mc`` and ``lunarsim
    compare`` both use it).
    """
    x = np.asarray(samples)
    below = int(np.count_nonzero(x < value))
    at_or_below = int(np.count_nonzero(x <= value))
    return 100.0 * (below + at_or_below) / (2 * x.size)


def phase_end_spread(ens: Ensemble) -> dict[str, tuple[float, float]]:
    """P10 and P90 of each phase's end, seconds since the epoch, over the successful replications
    among the first ``PHASE_ROWS`` (the rows that keep per-phase ends); empty if none succeeded."""
    ends = ens.phase_end_s[ens.success[: ens.rows]].astype(np.float64)
    if ends.size == 0:
        return {}
    lo, hi = column_percentiles(ends, [10, 90])
    return {pid: (float(lo[i]), float(hi[i])) for i, pid in enumerate(ens.phase_ids)}


def monte_carlo_summary(
    ens: Ensemble,
    *,
    deadline: datetime | None = None,
    actual_durations_s: Mapping[str, float] | None = None,
    phase_deadlines_s: Mapping[str, float] | None = None,
    owners: Mapping[str, tuple[str, str]] | None = None,
) -> MonteCarloSummary:
    """The typed summary of ``lunarsim mc`` (its ``to_dict`` is the ``--json`` object).

    ``deadline`` (UTC) adds P(success and the mission ends by it). ``actual_durations_s`` maps
    phase ids to their flown durations (``flown_durations_s`` of ``sim.results.comparison``): each
    phase then carries it and its percentile among the simulated run times. ``phase_deadlines_s``
    maps phase ids to their ``deadline`` (seconds after the epoch): per such phase, the probability
    that it ends by its deadline (an aborted replication misses it) and percentiles of the margin.
    ``owners`` (a program's merged scenario: ``sim.engine.program.program_ids``) maps merged ids to
    ``(mission id, own id)``: the summary then lists the missions and every phase, risk and phase
    deadline carries its mission and own id (the numbers are the merged run's, unchanged).
    """
    n = ens.replications
    ok = ens.success
    ends = ens.end_s[ok]
    odds = None
    if deadline is not None:
        deadline_s = (deadline - ens.epoch).total_seconds()
        odds = DeadlineOdds(deadline, deadline_s, deadline_probability(ens, deadline_s))
    # Per-phase percentiles come from a fixed prefix of the replications (worker-independent):
    # exact for N <= phase_rows(P) (100,000 up to 30 phases, 1,000 at 3,000); above it their
    # Monte Carlo error is already far below the hours shown, and a million partitions per
    # phase would dominate the run time.
    m = min(n, phase_rows(len(ens.phase_ids)))
    typed = MonteCarloSummary(
        scenario_id=ens.scenario_id,
        replications=n,
        seed=ens.seed,
        engine=ens.engine,
        epoch=ens.epoch,
        success_probability=float(ok.mean()),
        end=EndSpread.of(ens.epoch, ends) if ends.size else None,
        duration_mean_s=float(ends.mean()) if ends.size else None,
        duration_std_s=float(ends.std()) if ends.size else None,
        phases=tuple(_phase_stats(ens, m, actual_durations_s or {})),
        deadline=odds,
        risks=tuple(risk_effect_rows(ens)) if ens.risk_ids else None,
        phase_deadlines=tuple(phase_deadline_odds(ens, phase_deadlines_s)) if phase_deadlines_s else None,
        phase_sample=int(ok[:m].sum()) if m < n else None,
    )
    return typed if owners is None else _keyed(typed, owners)


def _keyed(typed: MonteCarloSummary, owners: Mapping[str, tuple[str, str]]) -> MonteCarloSummary:
    """``typed`` with each row's mission and own id from ``owners`` (merged id -> (mission, own id));
    a row whose id is in no mission (a program's ``program_start``) keeps ``mission`` None."""
    missions = tuple(dict.fromkeys(mission for mission, _ in owners.values()))

    def owner(merged: str) -> tuple[str | None, str]:
        return owners.get(merged, (None, merged))

    risks = deadlines = None
    if typed.risks is not None:
        risks = tuple(replace(r, mission=owner(r.id)[0], risk_id=owner(r.id)[1]) for r in typed.risks)
    if typed.phase_deadlines is not None:
        deadlines = tuple(replace(d, mission=owner(d.id)[0], phase_id=owner(d.id)[1]) for d in typed.phase_deadlines)
    phases = tuple(replace(p, mission=owner(p.id)[0], phase_id=owner(p.id)[1]) for p in typed.phases)
    return replace(typed, missions=missions, phases=phases, risks=risks, phase_deadlines=deadlines)


def summary(
    ens: Ensemble,
    *,
    deadline: datetime | None = None,
    actual_durations_s: Mapping[str, float] | None = None,
    phase_deadlines_s: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The JSON object of ``lunarsim mc --json``: ``monte_carlo_summary(...).to_dict()``."""
    typed = monte_carlo_summary(
        ens, deadline=deadline, actual_durations_s=actual_durations_s, phase_deadlines_s=phase_deadlines_s
    )
    return typed.to_dict()


def _phase_stats(ens: Ensemble, m: int, actual_durations_s: Mapping[str, float]) -> list[PhaseStats]:
    """``PhaseStats`` of every phase; percentiles over the successful ones of the first ``m`` replications."""
    prefix_ok = ens.success[:m]
    rows = slice(0, m) if bool(prefix_ok.all()) else np.flatnonzero(prefix_ok)
    successes = ens.successes
    ok_n = max(successes, 1)
    durations, ends = ens.duration_s[rows], ens.phase_end_s[rows]  # float32, (rows, P)
    deciles = None
    if len(durations):  # every phase's percentiles at once (per column: the same numbers)
        dqa = column_percentiles(durations, (10, 50, 90))
        dq = dqa.T.tolist()
        eq = column_percentiles(ends, (10, 50, 90)).T.tolist()
        if m <= SENSITIVITY_SAMPLE:  # the same replications as the sensitivities': reuse P10 and P90
            deciles = dqa[[0, 2]]
    sample = _sensitivity_sample(ens)
    sens = sensitivities(ens, sample)
    swings = end_swings_s(ens, deciles, sample)
    out = []
    for i, pid in enumerate(ens.phase_ids):
        dur = durations[:, i]
        d10 = d50 = d90 = e10 = e50 = e90 = mean_s = None
        if dur.size:
            d10, d50, d90 = dq[i]
            e10, e50, e90 = eq[i]
            mean_s = float(ens.sums["duration_s"][i] / successes)  # over all successful replications
        mean = {k: float(v[i]) / ok_n for k, v in ens.sums.items()}
        actual = actual_durations_s.get(pid) if dur.size else None
        pct = None
        if actual is not None and dur.min() < dur.max():  # a percentile of a fixed duration says nothing
            pct = percentile_of(dur, actual)
        out.append(
            PhaseStats(
                id=pid,
                duration_mean_s=mean_s,
                duration_p10_s=d10,
                duration_p50_s=d50,
                duration_p90_s=d90,
                end_p10_s=e10,
                end_p50_s=e50,
                end_p90_s=e90,
                criticality=float(ens.critical_count[i]) / ok_n,
                sensitivity=float(sens[i]),
                end_swing_s=float(swings[i]),
                wait_window_s=mean["wait_window_s"],
                wait_resource_s=mean["wait_resource_s"],
                slip_overrun_s=mean["slip_overrun_s"],
                slip_failure_s=mean["slip_failure_s"],
                slip_window_s=mean["slip_window_s"],
                slip_resource_s=mean["slip_resource_s"],
                slip_upstream_s=mean["slip_upstream_s"],
                actual_s=None if actual is None else float(actual),
                actual_percentile=pct,
            )
        )
    return out
