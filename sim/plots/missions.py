"""Missions side by side: several runs lined up at launch on a days-since-launch axis.

``compare_missions`` draws one band of element lanes per mission ("CE-5 vs CE-6" in one
picture), in named steps: ``_bands`` (lanes and alignment per mission), ``_layout`` (the figure),
``_draw_lanes`` (bars, milestones, waits, flown times), ``_draw_marks`` (landing, docking and
touchdown days on a row of their own under each band, so no label covers a bar),
``_format_axes`` and ``_legend``. It draws on ``ax`` (a new figure when omitted) and returns it;
it never saves or shows. Ink, bands and font sizes follow the user's rcParams
(``sim.plots.style``); only the phase-kind colours are fixed.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.plots import style
from sim.plots.gantt import KIND_COLOURS, WAIT_STYLES, Actuals, legend_handles, select_rows
from sim.results.records import PhaseRecord, Timeline
from sim.timebase import DAY_S, format_duration

if TYPE_CHECKING:
    from matplotlib.axes import Axes

LANE_ROW_IN = 0.36  # figure height per lane, inches
BAR_H = 0.5  # bar height in lane rows (the rest is the gap that holds wait labels and flown lines)
HEADER_H = 1.25  # band header (mission name, launch date, length), in lane rows
MARKS_H = 0.75  # the row of milestone-day labels under each band (two levels), in lane rows
MIN_LANE_BAR_FRACTION = 0.0025  # lane bars shorter than this share of the span are drawn this wide
RIGHT_ROOM = 0.03  # share of the span left free right of the last mark

# (longest span in days, major tick step, minor tick step) for the mission-elapsed-days axis
DAY_TICKS: tuple[tuple[float, int, int], ...] = (
    (21, 1, 1),
    (70, 7, 1),
    (140, 14, 7),
    (400, 30, 10),
    (1500, 90, 30),
    (math.inf, 365, 90),
)

MARKED_KINDS: dict[str, str] = {"landing": "landing", "docking": "docking", "recovery": "touchdown"}
WAIT_LABEL_FRACTION = 0.06  # waits longer than this share of the span get a "waits 19d 16h" label


def launch_offset_s(timeline: Timeline) -> float:
    """Start of the first ``launch`` phase (the alignment point), else 0 (the epoch)."""
    starts = [p.start_s for p in timeline.phases if p.colour_kind == "launch" and p.outcome == "done"]
    return min(starts) if starts else 0.0


@dataclass(frozen=True)
class _Band:
    """One mission: its run, the lanes drawn (top to bottom) with their rows, and its launch."""

    timeline: Timeline
    lanes: list[tuple[str, list[PhaseRecord]]]
    offset_s: float

    def day(self, t_s: float) -> float:
        """Days since this mission's launch."""
        return (t_s - self.offset_s) / DAY_S


@dataclass
class _Drawn:
    """What the lanes step drew, for the axes and the legend."""

    kinds: dict[str, None] = field(default_factory=dict)
    waits: dict[str, None] = field(default_factory=dict)
    yticks: list[float] = field(default_factory=list)
    ylabels: list[str] = field(default_factory=list)
    milestone: bool = False
    actual: bool = False
    y_end: float = 0.0


def compare_missions(
    timelines: Sequence[Timeline],
    *,
    ax: Axes | None = None,
    actuals: Mapping[str, Actuals] | None = None,
    title: str | None = None,
    lane_names: Mapping[str, Mapping[str, str]] | None = None,
    phases: Collection[str] | None = None,
    days: tuple[float | None, float | None] | None = None,
    size: tuple[float, float] | None = None,
) -> Axes:
    """Several missions aligned at launch: one band of element lanes per mission, days since launch.

    Args:
        timelines: the runs to draw (top to bottom), e.g. nominal runs of change5 and change6.
        ax: where to draw; a new figure sized to the number of lanes when omitted.
        actuals: per mission id, flown ``(start_s, end_s)`` per phase id (seconds since that
            mission's epoch; ``sim.results.comparison.actual_times``), drawn as a line under the bars.
        title: figure title; a default naming the missions when omitted.
        lane_names: per mission id, the display name of each element lane (``Scenario.lane_names``);
            the id with spaces for underscores when omitted.
        phases: draw only these phases (ids or kinds).
        days: (from, to) days since launch to show (either may be None).
        size: figure size in inches when a new figure is made.

    Returns:
        The Axes drawn on.

    Landing, docking and capsule touchdown are marked with their day since launch on a row under
    each band, so the missions' key milestones can be read against each other. Waits (for a
    window or a shared resource) are drawn hatched in front of the phase that waited, as in the
    Gantt chart, and the long ones are labelled with their length above the hatch.
    """
    actuals = actuals or {}
    bands = _bands(timelines, phases, days)
    own = ax is None
    ax = _layout(ax, bands, size)
    ends = [b.day(p.end_s) for b in bands for _, rows in b.lanes for p in rows]
    ends += [
        b.day(v) for b in bands for a in actuals.get(b.timeline.scenario_id, {}).values() for v in a if v is not None
    ]
    span_d = max([1.0, *ends])
    lo, hi = days or (None, None)
    view = (lo if lo is not None else -span_d * 0.01, hi if hi is not None else span_d * (1 + RIGHT_ROOM))
    drawn = _Drawn()
    y = 0.0
    for i, b in enumerate(bands):
        top = y
        y = _draw_lanes(ax, b, y + HEADER_H, span_d, actuals.get(b.timeline.scenario_id, {}), lane_names or {}, drawn)
        _draw_marks(ax, b, top, y, view)
        y += MARKS_H
        ax.axhspan(top - 0.1, y - 0.1, color=style.band(0.035 if i % 2 == 0 else 0.07), zorder=0, lw=0)
        _band_header(ax, b, top)
        y += 0.3
    drawn.y_end = y
    _format_axes(ax, drawn, view)
    names = " vs ".join(t.name for t in timelines)
    ax.set_title(title or f"{names}: nominal timelines aligned at launch", fontsize=style.TITLE_SIZE, loc="left")
    _legend(ax, drawn, own)
    return ax


def _bands(
    timelines: Sequence[Timeline], phases: Collection[str] | None, days: tuple[float | None, float | None] | None
) -> list[_Band]:
    """Per mission: the lanes that ran a chosen phase within the days shown, in element order,
    and the launch time."""
    lo, hi = days or (None, None)
    out = []
    for t in timelines:
        off = launch_offset_s(t)
        window = (None if lo is None else off + lo * DAY_S, None if hi is None else off + hi * DAY_S)
        lanes = select_rows(t, None, phases, window)
        out.append(_Band(t, lanes, off))
    return out


def _layout(ax: Axes | None, bands: list[_Band], size: tuple[float, float] | None) -> Axes:
    """The caller's axes, or a new figure sized to the lanes (constrained layout, so the lane names
    at the left and the legend below are never clipped)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    n_lanes = sum(len(b.lanes) for b in bands)
    rows = n_lanes + (HEADER_H + MARKS_H + 0.3) * len(bands)
    fig = plt.figure(figsize=size or (13, 2.4 + LANE_ROW_IN * rows), layout="constrained")
    return fig.add_subplot()


def _draw_lanes(
    ax: Axes,
    band: _Band,
    y: float,
    span_d: float,
    flown: Actuals,
    lane_names: Mapping[str, Mapping[str, str]],
    d: _Drawn,
) -> float:
    """A row per lane: bars (or milestone diamonds), hatched waits with their length above the
    long ones, and flown times under the bars. Returns the y after the last lane."""
    names = lane_names.get(band.timeline.scenario_id, {})
    ink = style.ink()
    for lane, rows in band.lanes:
        for p in rows:
            colour = KIND_COLOURS.get(p.colour_kind, "#7f7f7f")
            d.kinds[p.colour_kind] = None
            _draw_waits(ax, band, p, y, span_d, d)
            x0, dur = band.day(p.start_s), p.duration_s / DAY_S
            if dur <= 0:
                ax.plot(x0, y, marker="D", ms=4.5, color=colour, mec=ink, mew=0.4, zorder=3)
                d.milestone = True
            else:
                ax.barh(
                    y,
                    max(dur, span_d * MIN_LANE_BAR_FRACTION),
                    left=x0,
                    height=BAR_H,
                    color=colour,
                    edgecolor=style.background(),
                    linewidth=0.4,
                    zorder=2,
                )
            _draw_flown(ax, band, y + BAR_H / 2 + 0.1, flown.get(p.id, (None, None)), d)
        d.yticks.append(y)
        d.ylabels.append(names.get(lane, lane.replace("_", " ")))
        y += 1.0
    return y


def _draw_waits(ax: Axes, band: _Band, p: PhaseRecord, y: float, span_d: float, d: _Drawn) -> None:
    """The hatched waits in front of ``p``; a wait longer than ``WAIT_LABEL_FRACTION`` of the span
    is labelled with its length in the gap above its hatch (never over a bar)."""
    if p.wait_s <= 0:
        return
    for cause, a_s, b_s in p.wait_segments():
        hatch, edge = WAIT_STYLES[cause]
        ax.barh(
            y,
            (b_s - a_s) / DAY_S,
            left=band.day(a_s),
            height=BAR_H,
            facecolor=style.background(),
            edgecolor=edge,
            hatch=hatch,
            linewidth=0.6,
            zorder=2,
        )
        d.waits[cause] = None
    if p.wait_s / DAY_S >= span_d * WAIT_LABEL_FRACTION:
        ax.text(
            band.day((p.ready_s + p.start_s) / 2),
            y - BAR_H / 2 - 0.04,
            f"waits {format_duration(p.wait_s)}",
            ha="center",
            va="bottom",
            fontsize=style.LABEL_SIZE,
            color=WAIT_STYLES[(p.wait_cause or "window").split("+")[0]][1],
            zorder=6,
        )


def _draw_flown(ax: Axes, band: _Band, y: float, flown: tuple[float | None, float | None], d: _Drawn) -> None:
    """The flown interval under a bar: a line from start to end with a tick at each known time."""
    a_start, a_end = flown
    ink = style.ink()
    if a_start is not None and a_end is not None and a_end > a_start:
        ax.plot([band.day(a_start), band.day(a_end)], [y, y], color=ink, lw=1.2, zorder=4, solid_capstyle="butt")
    for v in (a_start, a_end):
        if v is not None:
            ax.plot(band.day(v), y, marker="|", ms=4.5, mew=1.0, color=ink, zorder=4)
            d.actual = True


def _draw_marks(ax: Axes, band: _Band, top: float, y: float, view: tuple[float, float]) -> None:
    """Landing, docking and touchdown: a dotted line through the band and ``landing d29.5`` on the
    marks row under it. A label goes right of its line, or left of it near the right edge; one
    that would run into the label before it drops to the row's second level."""
    marks = sorted(
        (band.day(p.end_s), MARKED_KINDS[p.colour_kind])
        for _, rows in band.lanes
        for p in rows
        if p.colour_kind in MARKED_KINDS and view[0] <= band.day(p.end_s) <= view[1]
    )
    if not marks:
        return
    per_pt = _days_per_point(ax, view[1] - view[0])
    levels = (y - 0.4, y + 0.1)
    right_edge: list[float] = [-math.inf, -math.inf]  # per level, the right end of its last label
    for x, name in marks:
        text = f"{name} d{x:.1f}"
        width = _text_width_pt(text) * per_pt
        pad = 3 * per_pt
        ha = "right" if x + pad + width > view[1] else "left"
        left = x - pad - width if ha == "right" else x + pad
        level = 0 if left > right_edge[0] else 1
        right_edge[level] = left + width + pad
        ax.plot([x, x], [top - 0.1, levels[level] + 0.3], color=style.soft_ink(0.5), lw=0.6, ls=":", zorder=1)
        ax.text(
            x + (pad if ha == "left" else -pad),
            levels[level],
            text,
            ha=ha,
            va="top",
            fontsize=style.LABEL_SIZE,
            color=style.ink(),
            zorder=6,
        )


def _text_width_pt(text: str) -> float:
    """Width of ``text`` in points at the label font size (the font's real metrics)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    return float(TextPath((0, 0), text, prop=FontProperties(size=style.LABEL_SIZE)).get_extents().width)


def _days_per_point(ax: Axes, shown_d: float) -> float:
    """Days per typographic point along x for ``shown_d`` days across the axes (their current
    width; constrained layout may narrow them a little later, so the estimate is taken 15 % wide)."""
    width_pt = ax.bbox.width * 72.0 / ax.figure.dpi
    return 1.15 * shown_d / max(width_pt, 1.0)


def _band_header(ax: Axes, band: _Band, top: float) -> None:
    """The band's title row: mission, launch date and length."""
    t = band.timeline
    end_d = band.day(t.duration_s)
    ax.text(
        0.002,
        top + 0.35,
        f"{t.name} ({t.scenario_id}): launch {t.utc(band.offset_s):%Y-%m-%d}, {end_d:.1f} days to the end",
        transform=ax.get_yaxis_transform(),
        fontsize=style.LANE_SIZE,
        fontweight="bold",
        color=style.soft_ink(0.85),
        va="center",
        ha="left",
        zorder=5,
    )


def _format_axes(ax: Axes, d: _Drawn, view: tuple[float, float]) -> None:
    """Lane names, limits (room right of the last mark), day ticks, grid and spines."""
    ax.set_yticks(d.yticks, d.ylabels, fontsize=style.TICK_SIZE)
    ax.set_ylim(d.y_end - 0.3, -0.3)
    ax.tick_params(axis="y", length=0)
    x0, x1 = view
    step, minor = next((s, m) for limit, s, m in DAY_TICKS if x1 - x0 <= limit)
    ax.set_xticks([float(v) for v in range(math.ceil(max(x0, 0) / step) * step, int(x1) + 1, step)])
    ax.set_xticks([float(v) for v in range(math.ceil(max(x0, 0) / minor) * minor, int(x1) + 1, minor)], minor=True)
    ax.set_xlim(x0, x1)  # after the ticks, which would widen it
    ax.tick_params(axis="x", labelsize=style.TICK_SIZE)
    ax.set_xlabel("days since launch (missions aligned at their launch)")
    ax.grid(axis="x", which="major", color=style.grid(), lw=0.7, zorder=0)
    ax.grid(axis="x", which="minor", color=style.grid(), lw=0.3, alpha=0.5, zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _legend(ax: Axes, d: _Drawn, own: bool) -> None:
    """Kinds, milestone, waits and flown: under the chart in a figure of our own, beside the axes
    in a caller's subplot (never over a neighbouring one)."""
    from matplotlib.lines import Line2D

    handles = legend_handles(d.kinds, d.waits, "milestone (0 s)" if d.milestone else None)
    if d.actual:
        handles.append(Line2D([], [], color=style.ink(), marker="|", lw=1.2, label="flown (actual)"))
    style.place_legend(ax, handles, own, ncol=7)
