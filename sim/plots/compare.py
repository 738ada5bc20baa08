"""Comparison chart: plan vs flown vs simulated for one mission (missions side by side: ``sim.plots.missions``).

``compare_bars`` draws one mission's phases as grouped horizontal bars on a logarithmic hours
axis, so that a 6-minute descent and a 14-day lunar-orbit wait both read. It draws on ``ax`` (a
new figure when omitted) and returns it; it never saves or shows. Named steps: ``_groups`` (which
phases, in which order), ``_x_range`` (the log axis), ``_layout`` (the figure), ``_draw_group``
(per group: whiskers, bars with their value labels, the flown-vs-plan note), ``_format_axes`` and
``_legend``. Ink, bands and font sizes follow the user's rcParams (``sim.plots.style``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.plots import style
from sim.plots.gantt import WAIT_STYLES
from sim.plots.missions import compare_missions, launch_offset_s
from sim.results.comparison import Comparison, MissionSummary, PhaseComparison
from sim.timebase import HOUR_S, format_duration

if TYPE_CHECKING:
    from matplotlib.axes import Axes

PLANNED_COLOUR = "#f4a261"
FLOWN_COLOUR = "#3a3a3a"  # on a dark style the flown bars take the style's ink (style.ink)
SIMULATED_COLOUR = "#5b9bd5"
BAR_H = 0.26  # height of one bar of a group (a group is 1.0 tall)
GROUP_ROW_IN = 0.42  # figure height per phase group, inches
WHISKER_MIN_H = 0.5  # flown precision windows narrower than this (hours) get no whisker
OFF_PLAN_COLOUR = "#b5412a"  # a flown value 10 % or more off its plan
OFF_PLAN_PCT = 10.0

# log-axis ticks: hours -> label
HOUR_TICKS: tuple[tuple[float, str], ...] = (
    (1 / 60, "1 min"),
    (0.1, "6 min"),
    (0.25, "15 min"),
    (0.5, "30 min"),
    (1, "1 h"),
    (3, "3 h"),
    (6, "6 h"),
    (12, "12 h"),
    (24, "1 d"),
    (48, "2 d"),
    (96, "4 d"),
    (168, "1 wk"),
    (336, "2 wk"),
    (672, "4 wk"),
    (1344, "8 wk"),
    (2688, "16 wk"),
    (4383, "6 mo"),
    (8766, "1 yr"),
    (17532, "2 yr"),
    (43830, "5 yr"),
)


def _positive(*values: float | None) -> list[float]:
    return [v for v in values if v is not None and v > 0]


def _released(p: PhaseComparison) -> bool:
    """The phase released a phase that waited: its bars show run + wait (elapsed)."""
    return bool(p.simulated_wait_h)


def _flown(p: PhaseComparison) -> float | None:
    """The flown value compared with the plan: elapsed for a phase that released a wait."""
    return p.actual_elapsed_h if _released(p) else p.actual_h


def _phase_values(p: PhaseComparison) -> list[float]:
    span = p.actual_span.hours if p.actual_span is not None else None
    return _positive(p.planned_h, p.actual_h, span, p.simulated_h, p.simulated_elapsed_h, _flown(p))


def _compared(p: PhaseComparison) -> bool:
    """A phase worth a bar group: a positive plan or flown value to compare with."""
    span = p.actual_span.hours if p.actual_span is not None else None
    return bool(_positive(p.planned_h, p.actual_h, span, _flown(p)))


__all__ = ["compare_bars", "compare_missions", "launch_offset_s"]  # compare_missions: sim.plots.missions

Group = tuple[str, PhaseComparison | None]  # (label, phase); None is the whole-mission group


@dataclass
class _Drawn:
    """What the groups step drew, for the legend."""

    span: bool = False  # a dashed flown bar (interval from the predecessor's start)
    range: bool = False  # a whisker (published range or flown precision)
    unsplit: bool = False  # a flown run + wait whose split was not published
    waits: dict[str, None] = field(default_factory=dict)


def compare_bars(
    comparison: Comparison,
    mission: str,
    *,
    ax: Axes | None = None,
    phases: Sequence[str] | None = None,
    title: str | None = None,
    size: tuple[float, float] | None = None,
) -> Axes:
    """Grouped horizontal bars per phase: planned, flown and simulated hours (log axis).

    Args:
        comparison: from ``sim.results.comparison.compare``.
        mission: the mission id to draw.
        ax: where to draw (the legend then goes beside the axes); a new figure sized to the
            number of groups when omitted.
        phases: phase ids or kinds to draw, top to bottom (a kind: its phases in file order); by
            default every phase with a positive planned or flown duration (milestones and lane
            fillers are left out), after a first group for the whole mission.
        title: figure title; a default naming the mission when omitted.
        size: figure size in inches when a new figure is made.

    Returns:
        The Axes drawn on.

    Whiskers show the published range of a plan (e.g. "six to seven days") and the precision
    window of a flown value (a date-only time is known to a day). A dashed, unfilled flown bar
    is a flown interval that starts at the predecessor's flown start (the phase's own start was
    not published). The text at the right gives flown vs planned in percent.

    A phase that released a phase after a wait (window, resource) is drawn with its elapsed
    time, run + wait (``sim.results.comparison``): the simulated bar is solid for the run and hatched for
    the wait; the flown bar runs from the phase's flown start to the released phase's flown
    start, hatched where the split between work and wait was not published. Its plan is
    compared with that elapsed time.
    """
    groups, s = _groups(comparison, mission, phases)
    x_min, x_max, hi = _x_range(groups, s)
    own = ax is None
    ax = _layout(ax, len(groups), size)
    ax.set_xscale("log")
    drawn = _Drawn()
    for i, (_, p) in enumerate(groups):
        _draw_group(ax, float(i), p, s, x_min, drawn)
    _format_axes(ax, groups, x_min, x_max, hi)
    ax.set_title(
        title or f"{s.name}: planned vs flown vs simulated (nominal), per phase", fontsize=style.TITLE_SIZE, loc="left"
    )
    _legend(ax, drawn, own)
    return ax


def _groups(comparison: Comparison, mission: str, phases: Sequence[str] | None) -> tuple[list[Group], MissionSummary]:
    """The bar groups top to bottom: the whole mission (unless phases are chosen), then each phase."""
    rows = comparison.mission_phases(mission)
    if phases is not None:
        by_id = {p.id: p for p in rows}
        chosen = []
        for pid in phases:
            of_kind = [p for p in rows if p.kind == pid] if pid not in by_id else [by_id[pid]]
            if not of_kind:
                raise KeyError(f"{mission}: no phase {pid!r}")
            chosen += [p for p in of_kind if p not in chosen]
    else:
        chosen = [p for p in rows if _compared(p)]
    s = comparison.summary(mission)
    groups: list[Group] = []
    if phases is None and _positive(s.planned_h, s.actual_h, s.simulated_h):
        groups.append(("Whole mission (launch to end)", None))
    groups += [(_group_label(p), p) for p in chosen]
    return groups, s


def _x_range(groups: list[Group], s: MissionSummary) -> tuple[float, float, float]:
    """``(x_min, x_max, largest value)`` of the log axis: a decade below the shortest value, and
    room right of the longest for its label and the flown-vs-plan note."""
    values: list[float] = []
    for _, p in groups:
        if p is None:
            values += _positive(s.planned_h, s.actual_h, s.simulated_h)
        else:
            values += _phase_values(p) + _positive(p.planned_low_h, p.planned_high_h, *_flown_range(p))
    lo = min(values, default=0.1)
    hi = max(values, default=10.0)
    return 10 ** math.floor(math.log10(lo * 0.8)), hi * 6.0, hi


def _layout(ax: Axes | None, n: int, size: tuple[float, float] | None) -> Axes:
    """The caller's axes, or a new figure sized to the groups (constrained layout, so the long
    group labels at the left and the legend below are never clipped)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=size or (12, 1.9 + GROUP_ROW_IN * max(n, 2)), layout="constrained")
    return fig.add_subplot()


def _draw_group(ax: Axes, y0: float, p: PhaseComparison | None, s: MissionSummary, x_min: float, d: _Drawn) -> None:
    """One group: planned, flown and simulated bars (whiskers first, so the value labels go past
    them), and the flown-vs-plan note at the right."""
    y_plan, y_flown, y_sim = y0 - BAR_H, y0, y0 + BAR_H
    label_at: dict[float, float] = {}  # bar y -> x past its whisker, where the value label goes
    if p is None:
        plan, flown, sim = s.planned_h, s.actual_h, s.simulated_h
        ax.axhspan(y0 - 0.5, y0 + 0.5, color=style.band(0.1), zorder=0, lw=0)
    else:
        plan, flown, sim = p.planned_h, _flown(p), p.simulated_h
        if int(y0) % 2 == 0:
            ax.axhspan(y0 - 0.5, y0 + 0.5, color=style.band(), zorder=0, lw=0)
        _whisker(ax, y_plan, p.planned_low_h, p.planned_high_h, x_min, label_at)
        lo_h, hi_h = _flown_range(p)
        if lo_h is not None and hi_h is not None and hi_h - lo_h >= WHISKER_MIN_H:
            _whisker(ax, y_flown, lo_h, hi_h, x_min, label_at)
            d.range = True
        d.range = d.range or (p.planned_low_h != p.planned_high_h and p.planned_low_h is not None)
    flown_colour = _flown_colour()
    _bar(ax, y_plan, plan, PLANNED_COLOUR, x_min, label_at)
    if p is not None and _released(p):
        cause = p.wait_cause or "window"
        for c in cause.split("+"):
            d.waits[c] = None
        _bar(ax, y_flown, flown, flown_colour, x_min, label_at, run=p.actual_h, cause=cause)
        d.unsplit = d.unsplit or (flown is not None and p.actual_h is None)
        elapsed = p.simulated_elapsed_h
        assert sim is not None and elapsed is not None and p.simulated_wait_h is not None
        text = f"{_short(elapsed)} = {_short(sim)} + {_short(p.simulated_wait_h)} wait"
        _bar(ax, y_sim, elapsed, SIMULATED_COLOUR, x_min, label_at, run=sim, cause=cause, text=text)
    elif flown is None and p is not None and p.actual_span is not None:
        _bar(ax, y_flown, p.actual_span.hours, flown_colour, x_min, label_at, dashed=True)
        d.span = True
        _bar(ax, y_sim, sim, SIMULATED_COLOUR, x_min, label_at)
    else:
        _bar(ax, y_flown, flown, flown_colour, x_min, label_at)
        _bar(ax, y_sim, sim, SIMULATED_COLOUR, x_min, label_at)
    if plan and flown is not None:
        _plan_note(ax, y0, p, plan, flown)


def _flown_colour() -> str:
    """Flown bars: dark grey on a light style, the style's ink on a dark one (so they never vanish)."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(style.background())
    return FLOWN_COLOUR if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else style.ink()


def _whisker(
    ax: Axes, y: float, low: float | None, high: float | None, x_min: float, label_at: dict[float, float]
) -> None:
    """A range from ``low`` to ``high`` hours with end ticks; the bar's label moves past it."""
    if low is None or high is None or high <= low:
        return
    label_at[y] = high
    ink = style.ink()
    ax.plot([max(low, x_min), high], [y, y], color=ink, lw=0.9, zorder=4)
    for v in (low, high):
        if v >= x_min:
            ax.plot(v, y, marker="|", ms=5, mew=0.9, color=ink, zorder=4)


def _bar(
    ax: Axes,
    y: float,
    value: float | None,
    colour: str,
    x_min: float,
    label_at: dict[float, float],
    *,
    dashed: bool = False,
    run: float | None = None,
    cause: str | None = None,
    text: str | None = None,
) -> None:
    """A bar to ``value`` hours with its value label; with ``run`` < ``value``, solid to ``run``
    and hatched after it (a wait). ``run`` None with a ``cause``: the whole bar is hatched (run
    and wait not split). A zero value is a tick at the axis start."""
    if value is None or value <= 0:
        if value == 0:
            ax.plot(x_min, y, marker="|", ms=6, color=colour, zorder=3)
        return
    hatch, edge = WAIT_STYLES.get((cause or "window").split("+")[0], WAIT_STYLES["window"])
    h = BAR_H * 0.9
    if dashed:
        ax.barh(
            y, value - x_min, left=x_min, height=h, facecolor="none", edgecolor=colour, linestyle="--", lw=1.0, zorder=2
        )
    elif cause is not None and run is None:
        ax.barh(
            y,
            value - x_min,
            left=x_min,
            height=h,
            color=colour,
            alpha=0.55,
            hatch=hatch,
            edgecolor=style.background(),
            linewidth=0.0,
            zorder=2,
        )
    elif cause is not None and run is not None and run < value:
        if run > x_min:
            ax.barh(y, run - x_min, left=x_min, height=h, color=colour, zorder=2)
        left = max(run, x_min)
        ax.barh(
            y,
            value - left,
            left=left,
            height=h,
            facecolor=style.background(),
            edgecolor=edge,
            hatch=hatch,
            linewidth=0.6,
            zorder=2,
        )
    else:
        ax.barh(y, value - x_min, left=x_min, height=h, color=colour, zorder=2)
    ax.annotate(
        text or _short(value),
        (max(value, label_at.get(y, 0.0)), y),
        xytext=(3, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        fontsize=style.LABEL_SIZE,
        color=style.soft_ink(0.85),
        zorder=5,
    )


def _plan_note(ax: Axes, y0: float, p: PhaseComparison | None, plan: float, flown: float) -> None:
    """``flown -64% vs plan`` at the right edge: red when 10 % or more off, grey when within the
    flown value's precision."""
    pct = 100.0 * (flown - plan) / plan
    text = f"flown {pct:+.{0 if abs(pct) >= OFF_PLAN_PCT else 1}f}%\nvs plan"
    colour = OFF_PLAN_COLOUR if abs(pct) >= OFF_PLAN_PCT else style.soft_ink(0.85)
    lo_h, hi_h = _flown_range(p) if p is not None else (None, None)
    if lo_h is not None and hi_h is not None:
        half = (hi_h - lo_h) / 2
        if half >= WHISKER_MIN_H and abs(flown - plan) <= half:
            text += f" (±{half:.3g} h)"
            colour = style.soft_ink(0.55)
    ax.annotate(
        text,
        (1.0, y0),
        xycoords=("axes fraction", "data"),
        xytext=(-4, 0),
        textcoords="offset points",
        ha="right",
        va="center",
        fontsize=style.LABEL_SIZE,
        color=colour,
        zorder=5,
    )


def _format_axes(ax: Axes, groups: list[Group], x_min: float, x_max: float, hi: float) -> None:
    """Group labels, limits, the duration ticks of the log axis, grid and spines."""
    ax.set_yticks([float(i) for i in range(len(groups))], [g[0] for g in groups], fontsize=style.TICK_SIZE)
    ax.set_ylim(len(groups) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(x_min, x_max)
    ticks = [(v, t) for v, t in HOUR_TICKS if x_min <= v <= hi * 1.5]
    ax.set_xticks([v for v, _ in ticks], [t for _, t in ticks], fontsize=style.TICK_SIZE)
    ax.minorticks_off()
    ax.set_xlabel("duration (log scale)")
    ax.grid(axis="x", color=style.grid(), lw=0.6, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _legend(ax: Axes, d: _Drawn, own: bool) -> None:
    """Planned, flown, simulated and what else was drawn: under the chart in a figure of our own,
    beside the axes in a caller's subplot (never over a neighbouring one)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    flown = _flown_colour()
    handles: list[Patch | Line2D] = [
        Patch(color=PLANNED_COLOUR, label="planned (published)"),
        Patch(color=flown, label="flown (actual)"),
        Patch(color=SIMULATED_COLOUR, label="simulated (nominal run)"),
    ]
    if d.span:
        handles.append(
            Patch(facecolor="none", edgecolor=flown, linestyle="--", label="flown, from the predecessor's start")
        )
    if d.range:
        handles.append(Line2D([], [], color=style.ink(), marker="|", lw=0.9, label="published range / precision"))
    for cause in d.waits:
        hatch, edge = WAIT_STYLES.get(cause, WAIT_STYLES["window"])
        label = f"then waits ({cause}) for the phase it released"
        handles.append(Patch(facecolor=style.background(), edgecolor=edge, hatch=hatch, label=label))
    if d.unsplit:
        label = "flown run + wait (split not published)"
        handles.append(Patch(facecolor=flown, alpha=0.55, hatch="////", edgecolor=style.background(), label=label))
    style.place_legend(ax, handles, own, ncol=4, fontsize="small")


def _group_label(p: PhaseComparison) -> str:
    """``name\n(kind)``; a phase that released a wait adds ``+ wait to start <id>``."""
    text = f"{p.name}\n({p.kind.replace('_', ' ')})"
    if _released(p):
        text = f"{p.name}\n({p.kind.replace('_', ' ')}) + wait to start {', '.join(p.wait_for)}"
    return text


def _flown_range(p: PhaseComparison) -> tuple[float | None, float | None]:
    """Precision bounds of the flown value that ``_flown`` returns."""
    if _released(p):
        return p.actual_elapsed_low_h, p.actual_elapsed_high_h
    return p.actual_low_h, p.actual_high_h


def _short(hours: float) -> str:
    """Compact duration label for a bar: ``37m``, ``5h 42m``, ``5d 21h``."""
    text = format_duration(hours * HOUR_S)
    parts = text.split()
    return " ".join(parts[:2])
