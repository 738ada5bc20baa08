"""Charts of a Monte Carlo ensemble: S-curve, tornado, criticality bars, duration histogram,
risk-event ranking."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

import numpy as np

from sim.plots import style
from sim.plots.figures import axes_or_new
from sim.results.records import Ensemble
from sim.results.statistics import RiskEffect, deadline_probability, risk_effect_rows
from sim.timebase import DAY_S, HOUR_S, to_utc

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _title(ens: Ensemble, what: str) -> str:
    return f"{ens.name}: {what}\n{ens.replications:,} replications, seed {ens.seed}, {ens.engine} engine"


def s_curve(
    ens: Ensemble,
    *,
    ax: Axes | None = None,
    deadline: datetime | None = None,
    axis: str = "utc",
    tz: tzinfo = UTC,
    time_range_s: tuple[float | None, float | None] | None = None,
    title: str | None = None,
    size: tuple[float, float] | None = None,
) -> Axes:
    """CDF of the mission end with P50 and P80 marked, and the deadline if given.

    ``axis``: ``"utc"`` dates (in ``tz``), ``"met"`` days since T0 or ``"hours"`` since T0;
    ``time_range_s``: (from, to) seconds since the epoch to show; ``size``: inches of a new figure.
    """
    ax = axes_or_new(ax, size or (10, 5.5))
    ends = np.sort(ens.end_s[ens.success])
    if ends.size == 0:
        ax.text(0.5, 0.5, "no replication succeeded", ha="center", transform=ax.transAxes)
        return ax
    x_of = _time_axis(ens, axis)
    share = ens.success.mean()
    y = np.arange(1, ends.size + 1) / ens.replications
    step = max(1, ends.size // 4000)  # a few thousand points draw the same curve
    x = np.array([x_of(float(t)) for t in ends[::step]])
    ax.plot(x, y[::step], color="#2171b5", lw=2, label="P(mission ends by date)")
    for q, colour in ((50, "#238b45"), (80, "#d94801")):
        t = float(np.percentile(ends, q))
        xv = x_of(t)
        yv = q / 100 * share
        ax.plot([xv, xv], [0, yv], color=colour, ls="--", lw=1)
        ax.plot([x[0], xv], [yv, yv], color=colour, ls="--", lw=1)
        ax.annotate(
            f"P{q} {_when(ens, t, axis, tz)}",
            (xv, yv),
            xytext=(6, -12),
            textcoords="offset points",
            color=colour,
            fontsize=style.TICK_SIZE,
        )
    if deadline is not None:
        d_s = (deadline - ens.epoch).total_seconds()
        dx = x_of(d_s)
        p = deadline_probability(ens, d_s)
        ax.axvline(dx, color="#a50f15", lw=1.5)
        ax.annotate(
            f"deadline {_when(ens, d_s, axis, tz)}\nP(on time) = {p:.1%}",
            (dx, 0.05),
            xytext=(6, 0),
            textcoords="offset points",
            color="#a50f15",
            fontsize=style.TICK_SIZE,
        )
    lo, hi = time_range_s or (None, None)
    if lo is not None or hi is not None:
        ax.set_xlim(None if lo is None else x_of(lo), None if hi is None else x_of(hi))
    if axis == "utc":
        style.date_axis(ax.xaxis, tz)
        ax.set_xlabel(f"mission end ({style.zone_label(tz, ens.epoch)})")
    else:
        ax.set_xlabel("mission end, " + ("days since T0" if axis == "met" else "hours since T0"))
    ax.set_ylabel("cumulative probability")
    ax.set_ylim(0, 1.02)
    ax.grid(color=style.grid(), lw=0.6)
    if share < 1:
        ax.axhline(share, color=style.soft_ink(), lw=1, ls=":", label=f"success probability {share:.1%}")
    ax.legend(loc="upper left", frameon=False)
    ax.set_title(title or _title(ens, "S-curve of the mission end"), loc="left", fontsize=style.TITLE_SIZE)
    return ax


def _time_axis(ens: Ensemble, axis: str) -> Callable[[float], float]:
    """Seconds since the epoch -> x on a ``utc`` (date numbers), ``met`` (days) or ``hours`` axis."""
    import matplotlib.dates as mdates

    if axis == "met":
        return lambda t: t / DAY_S
    if axis == "hours":
        return lambda t: t / HOUR_S
    if axis != "utc":
        raise ValueError(f"axis must be utc, met or hours, not {axis!r}")
    return lambda t: float(mdates.date2num(to_utc(ens.epoch, t)))


def _when(ens: Ensemble, t_s: float, axis: str, tz: tzinfo) -> str:
    """A marked time as the axis reads it: ``2020-12-16 17:59Z``, ``2020-12-17 01:59 UTC+08`` (in
    ``tz``), ``T+22.84 d`` or ``T+548.1 h``."""
    if axis == "met":
        return f"T+{t_s / DAY_S:.2f} d"
    if axis == "hours":
        return f"T+{t_s / HOUR_S:.1f} h"
    when = to_utc(ens.epoch, t_s).astimezone(tz)
    return when.strftime("%Y-%m-%d %H:%M") + ("Z" if tz is UTC else " UTC" + when.strftime("%z")[:3])


def select_phases(ens: Ensemble, phases: Collection[str] | None, kinds: Mapping[str, str] | None = None) -> np.ndarray:
    """Indexes (into ``ens.phase_ids``) of the phases named by id, or by kind via ``kinds``
    (phase id -> kind); every phase when ``phases`` is None."""
    if not phases:
        return np.arange(len(ens.phase_ids))
    wanted = set(phases)
    kinds = kinds or {}
    return np.array([i for i, pid in enumerate(ens.phase_ids) if pid in wanted or kinds.get(pid) in wanted], dtype=int)


def _top(values: np.ndarray, labels: Sequence[str], k: int) -> tuple[np.ndarray, list[str]]:
    order = np.argsort(-np.abs(values), kind="stable")[:k][::-1]
    return values[order], [labels[i] for i in order]


def tornado(
    ens: Ensemble,
    sensitivity: np.ndarray,
    *,
    ax: Axes | None = None,
    labels: Sequence[str] | None = None,
    top: int = 15,
    swings_h: np.ndarray | None = None,
    only: np.ndarray | None = None,
    size: tuple[float, float] | None = None,
) -> Axes:
    """Horizontal bars of each phase's sensitivity (Spearman rho with the mission duration),
    each labelled with its swing in hours when ``swings_h`` is given (P50 of the mission end
    with the phase in its highest vs lowest decile, ``statistics.end_swings_h``)."""
    labels = list(labels or ens.phase_ids)
    sens = np.asarray(sensitivity, dtype=float)
    varying = np.flatnonzero(sens != 0.0)  # fixed durations have exactly 0: leave them out
    if only is not None:  # the phases asked for (``select_phases``)
        varying = np.intersect1d(varying, only)
    order = np.argsort(-np.abs(sens[varying]), kind="stable")[:top][::-1]
    picked = varying[order]
    vals, names = sens[picked], [labels[i] for i in picked]
    swing = None if swings_h is None else np.asarray(swings_h, dtype=float)[picked]
    ax = axes_or_new(ax, size or (10, 1.5 + 0.32 * max(len(vals), 3)))
    colours = ["#d94801" if v > 0 else "#2171b5" for v in vals]
    ax.barh(range(len(vals)), vals, color=colours)
    ax.set_yticks(range(len(vals)), names, fontsize=style.LABEL_SIZE)
    ax.axvline(0, color=style.ink(), lw=0.8)
    ax.set_xlim(-1.3, 1.3)  # room for the "+1.00" labels inside the panel
    for i, v in enumerate(vals):
        text = f"{v:+.2f}" if swing is None else f"{v:+.2f}  (end P50 {swing[i]:+.0f} h)"
        ax.annotate(
            text,
            (v, i),
            xytext=(4 if v >= 0 else -4, 0),
            textcoords="offset points",
            ha="left" if v >= 0 else "right",
            va="center",
            fontsize=style.LABEL_SIZE,
        )
    ax.set_xlabel(
        "Spearman rank correlation of phase duration with mission duration"
        + ("" if swing is None else "\n(in brackets: P50 of the end, phase in its top vs bottom decile)")
    )
    ax.grid(axis="x", color=style.grid(), lw=0.6)
    ax.set_title(
        _title(ens, f"sensitivity of the {len(vals)} most influential uncertain phases"),
        loc="left",
        fontsize=style.TITLE_SIZE,
    )
    return ax


def criticality(
    ens: Ensemble,
    *,
    ax: Axes | None = None,
    labels: Sequence[str] | None = None,
    top: int = 20,
    only: np.ndarray | None = None,
    size: tuple[float, float] | None = None,
) -> Axes:
    """Bars of each phase's criticality index (share of runs in which it set the mission end);
    ``only``: indexes of the phases to consider (``select_phases``)."""
    labels = list(labels or ens.phase_ids)
    index = ens.critical_count / max(ens.successes, 1)
    if only is not None:
        index, labels = index[only], [labels[i] for i in only]
    vals, names = _top(index, labels, top)
    ax = axes_or_new(ax, size or (10, 1.5 + 0.32 * max(len(vals), 1)))
    ax.barh(range(len(vals)), vals, color="#a50f15")
    ax.set_yticks(range(len(vals)), names, fontsize=style.LABEL_SIZE)
    ax.set_xlim(0, 1.1)
    for i, v in enumerate(vals):
        ax.annotate(
            f"{v:.0%}", (v, i), xytext=(4, 0), textcoords="offset points", va="center", fontsize=style.LABEL_SIZE
        )
    ax.set_xlabel(
        "criticality index (share of replications on the chain that set the mission end),\n"
        "walked back from the last end; it stops at a window wait or a date\n"
        "(earlier phases did not set the end)"
    )
    ax.grid(axis="x", color=style.grid(), lw=0.6)
    ax.set_title(_title(ens, f"criticality (top {len(vals)})"), loc="left", fontsize=style.TITLE_SIZE)
    return ax


def histogram(
    ens: Ensemble, *, ax: Axes | None = None, bins: int = 60, size: tuple[float, float] | None = None
) -> Axes:
    """Histogram of the mission duration in days with P10/P50/P90 marked."""
    ax = axes_or_new(ax, size or (10, 5))
    days = ens.end_s[ens.success] / DAY_S
    if days.size == 0:
        return ax
    ax.hist(days, bins=bins, color="#6baed6", edgecolor=style.background())
    # one text line per percentile, stacked: a long tail (a launch scrub that costs a lunar month)
    # squeezes P10..P90 into a few pixels, and labels on one line would overlap
    for i, q in enumerate((10, 50, 90)):
        v = float(np.percentile(days, q))
        ax.axvline(v, color=style.ink(), ls="--", lw=1)
        ax.annotate(
            f"P{q} {v:.2f} d",
            (v, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -12 - 11 * i),
            textcoords="offset points",
            fontsize=style.LABEL_SIZE,
            color=style.ink(),
        )
    ax.set_xlabel("mission duration (days from T0)")
    ax.set_ylabel("replications")
    ax.set_title(_title(ens, "mission duration"), loc="left", fontsize=style.TITLE_SIZE)
    return ax


def risk_ranking(
    ens: Ensemble,
    effects: Sequence[RiskEffect] | None = None,
    *,
    ax: Axes | None = None,
    labels: Mapping[str, str] | None = None,
    size: tuple[float, float] | None = None,
) -> Axes:
    """Risk events ranked by their expected delay of the mission end (occurred share times the
    end delay when it occurs); each bar is the delay when it occurs, annotated with both.

    ``effects`` defaults to ``risk_effect_rows(ens)`` (typed, unrounded)."""
    labels = labels or {}
    if effects is None:
        effects = risk_effect_rows(ens)
    rows = [e for e in effects if e.end_delay_s is not None]
    rows.sort(key=lambda e: e.expected_delay_s or 0.0)
    ax = axes_or_new(ax, size or (10, 1.6 + 0.45 * max(len(rows), 2)))  # two-line labels
    if not rows:
        ax.text(0.5, 0.5, "no risk event both occurred and did not", ha="center", transform=ax.transAxes)
        return ax
    delays = np.array([e.end_delay_s for e in rows], dtype=float) / HOUR_S
    ax.barh(range(len(rows)), delays, color=["#d94801" if v > 0 else "#2171b5" for v in delays])
    ax.set_yticks(range(len(rows)), [labels.get(e.id, e.id) for e in rows], fontsize=style.LABEL_SIZE)
    ax.axvline(0, color=style.ink(), lw=0.8)
    span = max(float(np.abs(delays).max()), 1e-9)
    ax.set_xlim(min(0.0, float(delays.min())) - 0.05 * span, max(0.0, float(delays.max())) + 1.15 * span)
    for i, e in enumerate(rows):
        expected_h = e.occurred_fraction * float(delays[i])
        ax.annotate(
            f"{delays[i]:+.1f} h when it occurs ({e.occurred_fraction:.1%})\nexpected {expected_h:+.1f} h",
            (max(float(delays[i]), 0.0), i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=style.LABEL_SIZE,
        )
    ax.set_xlabel("mean mission-end delay when the event occurs vs when it does not (hours)")
    ax.grid(axis="x", color=style.grid(), lw=0.6)
    ax.set_title(_title(ens, "risk events ranked by expected delay"), loc="left", fontsize=style.TITLE_SIZE)
    return ax
