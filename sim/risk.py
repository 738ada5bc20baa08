"""Statistics of a Monte Carlo ensemble: percentiles, deadline probability, criticality,
sensitivity, slip attribution, and where a flown actual falls in the simulated distribution.

Pure numpy over ``Ensemble`` arrays; no plotting, no I/O. Percentiles use numpy's default
(linear interpolation between order statistics).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np

from sim.results import Ensemble
from sim.timebase import HOUR_S, format_utc, to_utc

PERCENTILES = (10, 50, 80, 90)
SENSITIVITY_SAMPLE = 200_000  # Spearman on the first replications: error ~ 1/sqrt(n) ~ 0.002


def _h(x: float) -> float:
    return round(float(x) / HOUR_S, 3)


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties given their average rank (as Spearman's rho needs)."""
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    avg = upper - (counts - 1) / 2.0
    return avg[inverse]


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rank correlation; 0.0 when either side is constant."""
    rx, ry = average_ranks(x), average_ranks(y)
    sx, sy = rx.std(), ry.std()
    if sx == 0 or sy == 0:
        return 0.0
    return float(((rx - rx.mean()) * (ry - ry.mean())).mean() / (sx * sy))


def sensitivities(ens: Ensemble) -> np.ndarray:
    """Per phase: Spearman correlation of its duration with the mission duration."""
    m = min(ens.replications, SENSITIVITY_SAMPLE)
    ok = ens.success[:m]
    total = ens.end_s[:m][ok]
    return np.array([spearman(ens.duration_s[:m, i][ok], total) for i in range(len(ens.phase_ids))])


def deadline_probability(ens: Ensemble, deadline_s: float) -> float:
    """Share of replications that succeed and end by ``deadline_s``."""
    return float(np.mean(ens.success & (ens.end_s <= deadline_s)))


def actual_percentile(simulated_s: np.ndarray, actual_s: float) -> float:
    """Percent of simulated values <= the actual (0-100)."""
    return round(100.0 * float(np.mean(simulated_s <= actual_s)), 2)


def summary(
    ens: Ensemble,
    *,
    deadline: datetime | None = None,
    actual_durations_s: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The JSON object of ``lunarsim mc --json`` (DESIGN.md "Outputs", extended)."""
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
        out["duration_h"] = {"mean": _h(ends.mean()), "std": _h(ends.std()),
                             **{f"p{q}": _h(v) for q, v in zip(PERCENTILES, pct, strict=True)}}
        out["end"] = {f"p{q}": format_utc(to_utc(ens.epoch, v)) for q, v in zip(PERCENTILES, pct, strict=True)}
    else:
        out["duration_h"] = None
        out["end"] = None
    if deadline is not None:
        deadline_s = (deadline - ens.epoch).total_seconds()
        out["deadline"] = {"at": format_utc(deadline), "hours_after_epoch": _h(deadline_s),
                           "probability": round(deadline_probability(ens, deadline_s), 6)}
    sens = sensitivities(ens)
    actual_durations_s = actual_durations_s or {}
    phases = []
    for i, pid in enumerate(ens.phase_ids):
        dur = ens.duration_s[:, i][ok].astype(np.float64)
        end = ens.phase_end_s[:, i][ok].astype(np.float64)
        row: dict[str, Any] = {"id": pid}
        if dur.size:
            dq = np.percentile(dur, (10, 50, 90))
            eq = np.percentile(end, (10, 50, 90))
            row["duration_h"] = {"mean": _h(dur.mean()), "p10": _h(dq[0]), "p50": _h(dq[1]), "p90": _h(dq[2])}
            row["end_h"] = {"p10": _h(eq[0]), "p50": _h(eq[1]), "p90": _h(eq[2])}
        else:
            row["duration_h"] = row["end_h"] = None
        ok_n = max(ens.successes, 1)
        row["criticality"] = round(float(ens.critical_count[i]) / ok_n, 4)
        row["sensitivity"] = round(float(sens[i]), 4)
        mean = {k: float(v[i]) / ok_n for k, v in ens.sums.items()}
        row["wait_h"] = {"mean": _h(mean["wait_window_s"] + mean["wait_resource_s"]),
                         "window": _h(mean["wait_window_s"]), "resource": _h(mean["wait_resource_s"])}
        parts = {k: mean[f"slip_{k}_s"] for k in ("overrun", "failure", "window", "resource", "upstream")}
        row["slip_h"] = {**{k: _h(v) for k, v in parts.items()}, "total": _h(sum(parts.values()))}
        if pid in actual_durations_s and dur.size:
            row["actual_h"] = _h(actual_durations_s[pid])
            if dur.min() < dur.max():  # a percentile of a fixed duration says nothing
                row["actual_percentile"] = actual_percentile(dur, actual_durations_s[pid])
        phases.append(row)
    out["phases"] = phases
    return out
