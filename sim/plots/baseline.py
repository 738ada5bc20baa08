"""Baseline vs revision chart: each phase's end variance (revision minus baseline), hours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.plots import style
from sim.plots.figures import axes_or_new
from sim.results.baseline import BaselineComparison
from sim.timebase import HOUR_S

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def baseline_chart(
    comparison: BaselineComparison,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    size: tuple[float, float] | None = None,
) -> Axes:
    """Horizontal bars, one per phase in both versions: how much later (right, orange) or earlier
    (left, blue) the revision ends it than the baseline; the mission end variance in the title
    (``title`` replaces it). ``size``: inches of a new figure (default: from the rows)."""
    rows = [r for r in comparison.rows if r.end_variance_s is not None]
    ax = axes_or_new(ax, size or (10, 1.8 + 0.3 * max(len(rows), 3)))
    values = [r.end_variance_s / HOUR_S for r in rows if r.end_variance_s is not None][::-1]
    names = [r.name for r in rows][::-1]
    ax.barh(range(len(values)), values, color=["#d94801" if v > 0 else "#2171b5" for v in values])
    ax.set_yticks(range(len(values)), names, fontsize=style.LABEL_SIZE)
    ax.axvline(0, color=style.ink(), lw=0.8)
    span = max([abs(v) for v in values] + [1.0])
    ax.set_xlim(-1.3 * span, 1.3 * span)
    for i, v in enumerate(values):
        if v != 0:
            ax.annotate(
                f"{v:+.1f} h",
                (v, i),
                xytext=(4 if v > 0 else -4, 0),
                textcoords="offset points",
                ha="left" if v > 0 else "right",
                va="center",
                fontsize=style.LABEL_SIZE,
            )
    ax.set_xlabel("end variance: revision minus baseline (hours; right = later)")
    ax.grid(axis="x", color=style.grid(), lw=0.6)
    end_h = comparison.end_variance_s / HOUR_S
    ax.set_title(
        title
        or f"{comparison.mission}: {comparison.revision_label} vs {comparison.baseline_label}\n"
        f"mission end {end_h:+.1f} h",
        loc="left",
        fontsize=style.TITLE_SIZE,
    )
    return ax
