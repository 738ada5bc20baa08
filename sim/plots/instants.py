"""Instant deltas: when each phase started and ended in the model versus when it flew.

``instant_deltas`` draws, per phase with a published flown start or end, the simulated instant
minus the flown one in hours (``start_delta_h``, ``end_delta_h`` of ``sim.results.comparison``):
a hollow triangle for the start, a dot for the end, on a symmetric-log axis so that a two-minute
and a two-day miss both read. A shaded band around zero is the flown time's own precision (a
time published to the day is known to +-12 h around its noon: a dot inside the band agrees with
the record). Several missions are drawn one below the other. It draws on ``ax`` (a new figure
when omitted) and returns it; it never saves or shows. Named steps: ``_rows`` (which phases),
``_layout``, ``_draw_row``, ``_format_axes``, ``_legend``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.plots import style
from sim.plots.compare import HOUR_TICKS
from sim.results.comparison import PRECISION_POINT_S, PRECISION_WINDOW_S, Comparison, PhaseComparison
from sim.timebase import HOUR_S

if TYPE_CHECKING:
    from matplotlib.axes import Axes

START_COLOUR = "#5b9bd5"
END_COLOUR = "#b5412a"
ROW_IN = 0.32  # figure height per row, inches
LINEAR_H = 1.0  # the symlog axis is linear within +-1 h
_STEPS = tuple(t for t in HOUR_TICKS if 1 <= t[0] <= 1344)  # 1 h .. 8 wk, as the comparison bars
TICKS_H: tuple[tuple[float, str], ...] = (
    *((-h, "−" + label) for h, label in reversed(_STEPS)),
    (0.0, "0"),
    *((h, "+" + label) for h, label in _STEPS),
)


@dataclass(frozen=True)
class Row:
    """One phase's row: its label, deltas (hours) and the flown precision window about zero."""

    label: str
    start_h: float | None
    end_h: float | None
    band_h: tuple[float, float]


def instant_deltas(
    comparison: Comparison,
    *,
    missions: Sequence[str] | None = None,
    phases: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    size: tuple[float, float] | None = None,
) -> Axes:
    """Simulated minus flown start and end of every phase with a published instant.

    Args:
        comparison: from ``sim.results.comparison.compare`` (or ``sim.compare``).
        missions: mission ids to draw, top to bottom (default: all, in the comparison's order).
        phases: phase ids or kinds to keep (default: every phase with a flown instant).
        ax: where to draw; a new figure sized to the rows when omitted.
        title: the title; a default saying what is drawn when omitted.
        size: figure size in inches when a new figure is made.

    Returns:
        The Axes drawn on.

    Raises:
        ValueError: no phase of the chosen missions has a published flown start or end.
    """
    rows = _rows(comparison, missions or comparison.missions, phases)
    if not rows:
        raise ValueError("no phase has a published flown start or end to compare with")
    ax = _layout(ax, len(rows), size)
    for i, row in enumerate(rows):
        _draw_row(ax, i, row)
    _format_axes(ax, rows)
    names = ", ".join(comparison.names.get(m, m) for m in (missions or comparison.missions))
    ax.set_title(
        title or f"{names}: simulated minus flown instants (nominal run), per phase",
        fontsize=style.TITLE_SIZE,
        loc="left",
    )
    _legend(ax)
    return ax


def _rows(comparison: Comparison, missions: Sequence[str], phases: Sequence[str] | None) -> list[Row]:
    """The phases with a start or end delta, in file order, mission by mission."""
    several = len(missions) > 1
    keep = set(phases) if phases else None
    rows = []
    for m in missions:
        for p in comparison.mission_phases(m):
            if p.start_delta_h is None and p.end_delta_h is None:
                continue
            if keep is not None and p.id not in keep and p.kind not in keep:
                continue
            label = f"{comparison.names.get(m, m)} · {p.name}" if several else p.name
            rows.append(Row(_short(label), p.start_delta_h, p.end_delta_h, _band(p)))
    return rows


def _band(p: PhaseComparison) -> tuple[float, float]:
    """Where the true flown time may lie relative to the point the deltas are measured from."""
    prec = p.actual_precision or "min"
    lo, hi = PRECISION_WINDOW_S.get(prec, (0.0, 0.0))
    point = PRECISION_POINT_S.get(prec, 0.0)
    return ((lo - point) / HOUR_S, (hi - point) / HOUR_S)


def _short(text: str, limit: int = 58) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _layout(ax: Axes | None, n: int, size: tuple[float, float] | None) -> Axes:
    """The caller's axes, or a new figure sized to the rows (constrained layout: labels fit)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=size or (10, 1.6 + ROW_IN * max(n, 3)), layout="constrained")
    return fig.add_subplot()


def _draw_row(ax: Axes, y: int, row: Row) -> None:
    """The precision band, then the start triangle and the end dot."""
    lo, hi = row.band_h
    if hi - lo >= 0.05:  # visible only when the record is coarser than a few minutes
        ax.fill_betweenx([y - 0.35, y + 0.35], lo, hi, color=style.band(0.18), lw=0)
    if row.start_h is not None:
        ax.plot(row.start_h, y, marker="<", ms=7, mfc="none", mec=START_COLOUR, mew=1.4, ls="none")
    if row.end_h is not None:
        ax.plot(row.end_h, y, marker="o", ms=6, color=END_COLOUR, ls="none")


def _format_axes(ax: Axes, rows: list[Row]) -> None:
    """Row labels top to bottom, a symlog hours axis symmetric about zero, a zero line."""
    ax.set_yticks(range(len(rows)), [r.label for r in rows], fontsize=style.TICK_SIZE)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    values = [abs(v) for r in rows for v in (r.start_h, r.end_h, *r.band_h) if v is not None]
    widest = max([*values, LINEAR_H])
    reach = next((h for h, _ in _STEPS if h >= widest * 1.15), widest * 1.15)  # room to the next tick
    ax.set_xscale("symlog", linthresh=LINEAR_H)
    ax.set_xlim(-reach, reach)
    ax.axvline(0.0, color=style.ink(), lw=0.8)
    ticks = [t for t in TICKS_H if abs(t[0]) <= reach and abs(t[0]) in _spaced(reach)]
    ax.set_xticks([t for t, _ in ticks], [label for _, label in ticks])
    ax.set_xlabel(
        "simulated minus flown (symmetric log axis, linear within ±1 h)\n"
        "← model earlier than flown  |  model later than flown →"
    )
    from matplotlib.ticker import NullLocator

    ax.xaxis.set_minor_locator(NullLocator())  # symlog minor ticks would grid the plot densely
    ax.grid(axis="x", color=style.grid(), lw=0.5)
    ax.tick_params(axis="x", labelsize=style.TICK_SIZE)


def _spaced(reach: float) -> set[float]:
    """Tick steps at least half a decade apart on the log part of the axis (their labels never
    touch), always with 0 and the outermost step."""
    kept = [0.0, _STEPS[0][0]]
    for h, _ in _STEPS[1:]:
        if h <= reach and math.log10(h / kept[-1]) >= 0.5:
            kept.append(h)
    outer = max((h for h, _ in _STEPS if h <= reach), default=_STEPS[0][0])
    if outer not in kept and math.log10(outer / kept[-1]) < 0.5:
        kept[-1] = outer  # the edge tick wins over the one just inside it
    elif outer not in kept:
        kept.append(outer)
    return {float(h) for h in kept}


def _legend(ax: Axes) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Line2D([], [], marker="<", ms=7, mfc="none", mec=START_COLOUR, mew=1.4, ls="none", label="start"),
        Line2D([], [], marker="o", ms=6, color=END_COLOUR, ls="none", label="end"),
        Patch(color=style.band(0.18), label="flown time's precision \n(a date: ±12 h)"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=style.LABEL_SIZE)
