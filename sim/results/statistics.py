"""Statistics of a Monte Carlo ensemble: percentiles, deadline probability, criticality,
sensitivity, slip attribution, and where a flown actual falls in the simulated distribution.

Pure numpy over ``Ensemble`` arrays; no plotting, no I/O. Percentiles use numpy's default
(linear interpolation between order statistics).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from sim.results.records import Ensemble, hours, phase_rows
from sim.timebase import HOUR_S, format_utc, to_utc

PERCENTILES = (10, 50, 80, 90)
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


def sensitivities(ens: Ensemble) -> np.ndarray:
    """Per phase: Spearman correlation of its duration with the mission duration.

    Computed on the first ``SENSITIVITY_SAMPLE`` successful replications, at most
    ``phase_rows(P)`` (a fixed prefix, so it does not depend on the workers); the
    mission-duration ranks are computed once.
    """
    m = min(ens.replications, SENSITIVITY_SAMPLE, phase_rows(len(ens.phase_ids)))
    ok = ens.success[:m]
    total = ens.end_s[:m][ok]
    total_ranks = average_ranks(total)
    return np.array([spearman(ens.duration_s[:m, i][ok], total, total_ranks) for i in range(len(ens.phase_ids))])


def end_swings_h(ens: Ensemble) -> np.ndarray:
    """Per phase: the sensitivity in hours, the P50 of the mission end in replications where the
    phase's run time is in its highest decile minus the P50 where it is in its lowest decile.

    Same replications as ``sensitivities`` (the first ``SENSITIVITY_SAMPLE``, successful ones);
    0 for a phase whose run time never varies (or whose deciles coincide).
    """
    m = min(ens.replications, SENSITIVITY_SAMPLE, phase_rows(len(ens.phase_ids)))
    ok = ens.success[:m]
    total = ens.end_s[:m][ok]
    out = np.zeros(len(ens.phase_ids))
    if total.size == 0:
        return out
    for i in range(len(ens.phase_ids)):
        d = ens.duration_s[:m, i][ok]
        lo, hi = np.percentile(d, (10, 90))
        if lo == hi:
            continue
        out[i] = (np.median(total[d >= hi]) - np.median(total[d <= lo])) / HOUR_S
    return out


def deadline_probability(ens: Ensemble, deadline_s: float) -> float:
    """Share of replications that succeed and end by ``deadline_s``."""
    return float(np.mean(ens.success & (ens.end_s <= deadline_s)))


def phase_deadline_odds(ens: Ensemble, deadlines_s: Mapping[str, float]) -> list[dict[str, Any]]:
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
        out.append(
            {
                "id": pid,
                "deadline": format_utc(to_utc(ens.epoch, d)),
                "probability": round(float(np.mean(ok & (end <= d))) if rows else 0.0, 6),
                "margin_h": {f"p{q}": hours(np.percentile(margin, q)) for q in (10, 50, 90)} if margin.size else None,
                "replications": rows,
            }
        )
    return out


@dataclass(frozen=True)
class RiskEffect:
    """One risk event over an ensemble: the share of replications in which it occurred and
    ``end_delay_s``, the mean mission end of the successful replications where it occurred minus
    the mean where it did not (None when either set is empty). Unrounded; ``to_dict`` rounds."""

    id: str
    occurred_fraction: float
    end_delay_s: float | None

    @property
    def expected_delay_s(self) -> float | None:
        """``occurred_fraction`` times ``end_delay_s``: the delay the event adds on average."""
        return None if self.end_delay_s is None else self.occurred_fraction * self.end_delay_s

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "occurred_fraction", "end_delay_h"}`` as in ``lunarsim mc --json``."""
        delay = hours(self.end_delay_s) if self.end_delay_s is not None else None
        return {"id": self.id, "occurred_fraction": round(self.occurred_fraction, 6), "end_delay_h": delay}


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


def risk_effects(ens: Ensemble) -> list[dict[str, Any]]:
    """The ``risks`` of ``lunarsim mc --json``: ``RiskEffect.to_dict`` of every risk event."""
    return [e.to_dict() for e in risk_effect_rows(ens)]


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
    lo, hi = np.percentile(ends, [10, 90], axis=0)
    return {pid: (float(lo[i]), float(hi[i])) for i, pid in enumerate(ens.phase_ids)}


def actual_percentile(simulated_s: np.ndarray, actual_s: float) -> float:
    """``percentile_of`` the actual among the simulated values, rounded to 0.01."""
    return round(percentile_of(simulated_s, actual_s), 2)


def summary(
    ens: Ensemble,
    *,
    deadline: datetime | None = None,
    actual_durations_s: Mapping[str, float] | None = None,
    phase_deadlines_s: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The JSON object of ``lunarsim mc --json`` (DESIGN.md "Outputs", extended).

    ``phase_deadlines_s`` maps phase ids to their ``deadline`` (seconds after the epoch): the
    summary then gives, per such phase, the probability that it ends by its deadline (an
    aborted replication misses it) and percentiles of the margin (deadline minus end, hours).
    """
    n = ens.replications
    ok = ens.success
    ends = ens.end_s[ok]
    out: dict[str, Any] = {
        "scenario": ens.scenario_id,
        "replications": n,
        "seed": ens.seed,
        "engine": ens.engine,
        "success_probability": round(float(ok.mean()), 6),
    }
    if ends.size:
        pct = np.percentile(ends, PERCENTILES)
        out["duration_h"] = {
            "mean": hours(ends.mean()),
            "std": hours(ends.std()),
            **{f"p{q}": hours(v) for q, v in zip(PERCENTILES, pct, strict=True)},
        }
        out["end"] = {f"p{q}": format_utc(to_utc(ens.epoch, v)) for q, v in zip(PERCENTILES, pct, strict=True)}
    else:
        out["duration_h"] = None
        out["end"] = None
    if deadline is not None:
        deadline_s = (deadline - ens.epoch).total_seconds()
        out["deadline"] = {
            "at": format_utc(deadline),
            "hours_after_epoch": hours(deadline_s),
            "probability": round(deadline_probability(ens, deadline_s), 6),
        }
    if ens.risk_ids:
        out["risks"] = risk_effects(ens)
    if phase_deadlines_s:
        out["phase_deadlines"] = phase_deadline_odds(ens, phase_deadlines_s)
    sens = sensitivities(ens)
    swings = end_swings_h(ens)
    actual_durations_s = actual_durations_s or {}
    # Per-phase percentiles come from a fixed prefix of the replications (worker-independent):
    # exact for N <= phase_rows(P) (100,000 up to 30 phases, 1,000 at 3,000); above it their
    # Monte Carlo error is already far below the hours shown, and a million partitions per
    # phase would dominate the run time.
    m = min(n, phase_rows(len(ens.phase_ids)))
    prefix_ok = ok[:m]
    rows = slice(0, m) if bool(prefix_ok.all()) else np.flatnonzero(prefix_ok)
    if m < n:
        out["phase_statistics"] = {
            "replications": int(prefix_ok.sum()),
            "note": "first successful replications; mission-level figures use all of them",
        }
    successes = ens.successes
    ok_n = max(successes, 1)
    phases = []
    for i, pid in enumerate(ens.phase_ids):
        dur = ens.duration_s[:, i][rows]  # float32 columns, contiguous
        end = ens.phase_end_s[:, i][rows]
        row: dict[str, Any] = {"id": pid}
        if dur.size:
            dq = np.percentile(dur, (10, 50, 90))
            eq = np.percentile(end, (10, 50, 90))
            mean_s = ens.sums["duration_s"][i] / successes  # over all successful replications
            row["duration_h"] = {"mean": hours(mean_s), "p10": hours(dq[0]), "p50": hours(dq[1]), "p90": hours(dq[2])}
            row["end_h"] = {"p10": hours(eq[0]), "p50": hours(eq[1]), "p90": hours(eq[2])}
        else:
            row["duration_h"] = row["end_h"] = None
        row["criticality"] = round(float(ens.critical_count[i]) / ok_n, 4)
        row["sensitivity"] = round(float(sens[i]), 4)
        row["end_swing_h"] = round(float(swings[i]), 3)
        mean = {k: float(v[i]) / ok_n for k, v in ens.sums.items()}
        row["wait_h"] = {
            "mean": hours(mean["wait_window_s"] + mean["wait_resource_s"]),
            "window": hours(mean["wait_window_s"]),
            "resource": hours(mean["wait_resource_s"]),
        }
        parts = {k: mean[f"slip_{k}_s"] for k in ("overrun", "failure", "window", "resource", "upstream")}
        row["slip_h"] = {**{k: hours(v) for k, v in parts.items()}, "total": hours(sum(parts.values()))}
        if pid in actual_durations_s and dur.size:
            row["actual_h"] = hours(actual_durations_s[pid])
            if dur.min() < dur.max():  # a percentile of a fixed duration says nothing
                row["actual_percentile"] = actual_percentile(dur, actual_durations_s[pid])
        phases.append(row)
    out["phases"] = phases
    return out
