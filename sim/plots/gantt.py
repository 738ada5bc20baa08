"""Charts of results. Each function takes results (and plain data), draws on ``ax`` and returns it.

Nothing here runs a simulation, reads a scenario file or saves a figure: the CLI (or a
notebook) chains ``load -> simulate -> plot`` and saves. No ``pyplot`` state is touched
except to create a figure when no ``ax`` is given. Ink, grid and font sizes follow the user's
rcParams (``sim.plots.style``); only the phase-kind colours are fixed.

``gantt`` draws in named steps: ``select_rows`` (rows per lane), ``_Scale`` (the time axis: UTC in a
time zone, mission elapsed days, or hours), ``_layout`` (the figure), ``_draw_rows`` (bars,
milestones, waits, flown times, spreads), ``_draw_labels`` (duration labels and lane headers),
``_format_axes`` and ``_legend``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING, Literal

from sim.plots import style
from sim.results.published import PRECISION_WINDOW_S
from sim.results.records import PhaseRecord, Timeline
from sim.timebase import DAY_S, HOUR_S, format_duration, format_utc

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

# Colours by phase kind, in families: cruise blues, lunar-orbit purples (separation a magenta
# milestone), descent/landing oranges, surface greens, ascent/docking reds, return browns, relay
# grey, payloads teal. Every pair differs by at least 20 in CIE L*a*b* (delta E 1976; tested), so
# neighbouring families stay apart on screen and in print.
KIND_COLOURS: dict[str, str] = {
    "launch": "#08306b",
    "transfer": "#2171b5",
    "tcm": "#6baed6",
    "loi": "#3f007d",
    "lunar_orbit": "#8a6fc0",
    "separation": "#e7298a",
    "descent": "#d94801",
    "landing": "#feb24c",
    "surface_ops": "#a1d99b",
    "sampling": "#238b45",
    "rover_ops": "#66bd63",
    "hopper_ops": "#d9ef8b",
    "isru": "#00441b",
    "payload_ops": "#17becf",
    "ascent": "#a50f15",
    "rendezvous": "#fb6a4a",
    "docking": "#5c0010",
    "sample_transfer": "#fcbba1",
    "lunar_orbit_wait": "#dcd3f0",
    "tei": "#6b3d04",
    "earth_transfer": "#b8862b",
    "reentry": "#f6e8c3",
    "recovery": "#3d2300",
    "relay": "#969696",
}
ACTUAL_COLOUR = "black"  # kept for callers; charts draw flown times in style.ink()
SPREAD_COLOUR = "#e6550d"
STATUS_COLOUR = "#6a3d9a"  # the status-date line
WAIT_STYLES = {"window": ("////", "#6a51a3"), "resource": ("xxxx", "#b15928")}  # hatch, edge colour
ROW_HEIGHT_IN = 0.3
MIN_BAR_FRACTION = 0.002  # bars shorter than this share of the span are drawn this wide
#: Where the true time lies relative to a published one, by its precision (seconds: lo, hi): its one
#: definition is sim.results.published.PRECISION_WINDOW_S. A window of an hour or more is drawn as a
#: band (a date-only time covers its whole day); a finer one as a tick.
FLOWN_WINDOW_S = PRECISION_WINDOW_S
BAND_MIN_S = 3600.0

Axis = Literal["utc", "met", "hours"]
AXES: tuple[str, ...] = ("utc", "met", "hours")
Actuals = Mapping[str, tuple[float | None, float | None]]


def legend_handles(kinds: Iterable[str], waits: Iterable[str], milestone: str | None) -> list[Patch | Line2D]:
    """Legend entries the timeline charts share: a patch per phase kind drawn, the milestone
    marker (labelled ``milestone``; none when None) and a hatched patch per wait cause drawn."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Patch | Line2D] = [
        Patch(facecolor=KIND_COLOURS.get(k, "#7f7f7f"), label=k.replace("_", " ")) for k in kinds
    ]
    if milestone is not None:
        handles.append(Line2D([], [], marker="D", ls="", color="#888888", mec=style.ink(), label=milestone))
    for cause in waits:
        hatch, edge = WAIT_STYLES[cause]
        handles.append(Patch(facecolor=style.background(), edgecolor=edge, hatch=hatch, label=f"wait for {cause}"))
    return handles


@dataclass(frozen=True)
class _Scale:
    """The time axis: seconds since the epoch -> x, for ``utc`` (dates in ``tz``), ``met`` (days
    since T0) or ``hours`` (hours since T0, the ground elapsed time)."""

    timeline: Timeline
    axis: str
    tz: tzinfo = UTC

    def x(self, t_s: float) -> float:
        import matplotlib.dates as mdates

        if self.axis == "met":
            return t_s / DAY_S
        if self.axis == "hours":
            return t_s / HOUR_S
        return float(mdates.date2num(self.timeline.utc(t_s)))

    def width(self, a_s: float, b_s: float) -> float:
        return self.x(b_s) - self.x(a_s)

    def stamp(self, t_s: float) -> str:
        """A milestone's label: its time on this axis."""
        if self.axis == "utc":
            when = self.timeline.utc(t_s).astimezone(self.tz)
            return when.strftime("%d %b %H:%M")
        return f"T+{t_s / HOUR_S:.1f} h" if self.axis == "hours" else f"T+{t_s / DAY_S:.2f} d"


@dataclass
class _Drawn:
    """What the rows step drew, for the labels and the legend."""

    kinds: dict[str, None] = field(default_factory=dict)
    waits: dict[str, None] = field(default_factory=dict)
    labels: list[tuple[float, float, float, str]] = field(default_factory=list)  # x, y, offset pt, text
    lanes: list[tuple[str, float, float]] = field(default_factory=list)  # name, top y, bottom y
    yticks: list[float] = field(default_factory=list)
    ylabels: list[str] = field(default_factory=list)
    milestone: bool = False
    actual: bool = False
    band: bool = False
    spread: bool = False
    y_end: float = 0.0
    extent: list[float] = field(default_factory=list)  # x of every start and flown time drawn


def gantt(
    timeline: Timeline,
    *,
    ax: Axes | None = None,
    axis: Axis = "utc",
    actuals: Actuals | None = None,
    precision: Mapping[str, str] | None = None,
    lanes: list[str] | None = None,
    lane_names: Mapping[str, str] | None = None,
    title: str | None = None,
    end_spread: Mapping[str, tuple[float, float]] | None = None,
    spread_note: str | None = None,
    status_s: float | None = None,
    phases: Collection[str] | None = None,
    time_range_s: tuple[float | None, float | None] | None = None,
    tz: tzinfo = UTC,
    size: tuple[float, float] | None = None,
) -> Axes:
    """Gantt chart of one run: a band per element lane, a row per phase.

    Args:
        timeline: the run to draw.
        ax: where to draw (the legend then goes beside the axes, so it never covers a neighbouring
            subplot); a new figure sized to the number of rows when omitted.
        axis: ``"utc"`` for a date axis (in ``tz``), ``"met"`` for mission elapsed days,
            ``"hours"`` for hours since T0.
        actuals: flown ``(start_s, end_s)`` per phase id (either may be None), drawn under the bar:
            as a band as wide as the published time's ``precision`` (``date``: the whole day,
            ``h``: +-30 min) or as a tick for times to the minute or second.
        lanes: element order (top to bottom); order of first appearance when omitted.
        lane_names: display name per element id (default: the id).
        title: figure title; says what is drawn (nominal, or with a Monte Carlo spread) when omitted.
        end_spread: per phase id, a (low, high) range of its end time in seconds (e.g. the Monte
            Carlo P10-P90), drawn as a whisker through the end of the bar; ``spread_note`` (e.g.
            ``"Monte Carlo, 5,000 replications"``) goes into the title and legend.
        status_s: the status date (seconds since the epoch), a vertical line: left of it has
            flown, the rest is forecast.
        phases: draw only these phases (ids or kinds).
        time_range_s: (from, to) in seconds since the epoch to show (either may be None).
        tz: time zone of a ``utc`` axis (e.g. ``ZoneInfo("Asia/Shanghai")``).
        size: figure size in inches when a new figure is made.

    Returns:
        The Axes drawn on.
    """
    if axis not in AXES:
        raise ValueError(f"axis must be one of {AXES}, not {axis!r}")
    scale = _Scale(timeline, axis, tz)
    lane_rows = select_rows(timeline, lanes, phases, time_range_s)
    own = ax is None
    ax = _layout(ax, lane_rows, size)
    drawn = _draw_rows(ax, scale, lane_rows, actuals or {}, precision or {}, end_spread or {}, lane_names or {})
    end_s = (time_range_s or (None, None))[1]
    _draw_labels(ax, drawn, None if end_s is None else scale.x(end_s))
    _format_axes(ax, scale, drawn, actuals or {}, status_s, time_range_s)
    ax.set_title(
        title or _title(timeline, spread_note if drawn.spread else None),
        fontsize=style.TITLE_SIZE,
        loc="left",
        y=style.title_y() if own else None,
    )
    _legend(ax, scale, drawn, status_s, spread_note, own)
    return ax


def select_rows(
    timeline: Timeline,
    lanes: list[str] | None,
    phases: Collection[str] | None,
    time_range_s: tuple[float | None, float | None] | None = None,
) -> list[tuple[str, list[PhaseRecord]]]:
    """The rows to draw, grouped by lane in lane order: phases that ran, filtered by id or kind and
    to those that overlap the time range (if any; seconds on the timeline's clock). Shared with the
    launch-aligned comparison (``sim.plots.missions``)."""
    lo, hi = time_range_s or (None, None)
    order = list(lanes or timeline.elements or dict.fromkeys(p.element for p in timeline.phases))
    order += [e for e in dict.fromkeys(p.element for p in timeline.phases) if e not in order]
    wanted = set(phases) if phases else None
    out = []
    for lane in order:
        rows = [
            p
            for p in timeline.phases
            if p.element == lane
            and p.outcome == "done"
            and (wanted is None or p.id in wanted or p.kind in wanted or p.colour_kind in wanted)
            and (lo is None or p.end_s >= lo)
            and (hi is None or p.start_s <= hi)
        ]
        if rows:
            out.append((lane, rows))
    return out


def _layout(ax: Axes | None, lane_rows: list[tuple[str, list[PhaseRecord]]], size: tuple[float, float] | None) -> Axes:
    """The axes to draw on: the caller's, or a new figure sized to the rows (constrained layout,
    so long phase names and the legend below are never clipped)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    n = sum(len(rows) for _, rows in lane_rows)
    fig = plt.figure(figsize=size or (13, 2.6 + ROW_HEIGHT_IN * (n + len(lane_rows))), layout="constrained")
    return fig.add_subplot()


def _draw_rows(
    ax: Axes,
    scale: _Scale,
    lane_rows: list[tuple[str, list[PhaseRecord]]],
    actuals: Actuals,
    precision: Mapping[str, str],
    end_spread: Mapping[str, tuple[float, float]],
    lane_names: Mapping[str, str],
) -> _Drawn:
    """Bars (or milestone diamonds), wait hatches, spread whiskers and flown times, row by row."""
    times = [t for _, rows in lane_rows for p in rows for t in (p.start_s, p.end_s)]
    times += [t for a in actuals.values() for t in a if t is not None]
    span_s = max([1.0, *times]) - min([0.0, *times])
    min_w = span_s * MIN_BAR_FRACTION
    ink = style.ink()
    d = _Drawn()
    y = 0.0
    for lane, rows in lane_rows:
        top = y
        y += 0.6  # room for the lane header
        for p in rows:
            colour = KIND_COLOURS.get(p.colour_kind, "#7f7f7f")
            d.kinds[p.colour_kind] = None
            if p.duration_s <= 0:
                ax.plot(scale.x(p.start_s), y, marker="D", ms=8, color=colour, mec=ink, mew=0.6, zorder=3)
                d.milestone = True
                label_at, offset_pt, text = scale.x(p.start_s), 8.0, scale.stamp(p.start_s)
            else:
                w = max(p.duration_s, min_w)
                ax.barh(
                    y,
                    scale.width(p.start_s, p.start_s + w),
                    left=scale.x(p.start_s),
                    height=0.62,
                    color=colour,
                    edgecolor=style.background(),
                    linewidth=0.5,
                    zorder=2,
                )
                label_at, offset_pt, text = scale.x(p.start_s + w), 4.0, format_duration(p.duration_s)
            for cause, a_s, b_s in p.wait_segments():
                ax.barh(
                    y,
                    scale.width(a_s, b_s),
                    left=scale.x(a_s),
                    height=0.62,
                    facecolor=style.background(),
                    edgecolor=WAIT_STYLES[cause][1],
                    hatch=WAIT_STYLES[cause][0],
                    linewidth=0.6,
                    zorder=2,
                )
                d.waits[cause] = None
            if p.id in end_spread and end_spread[p.id][1] > end_spread[p.id][0]:
                lo, hi = (scale.x(t) for t in end_spread[p.id])
                ax.plot([lo, hi], [y, y], color=SPREAD_COLOUR, lw=1.2, zorder=4)
                ax.plot([lo, hi], [y, y], ls="", marker="|", ms=9, color=SPREAD_COLOUR, zorder=4)
                d.spread = True
                label_at = max(label_at, hi)
            flown_right = _draw_flown(ax, scale, y + 0.42, actuals.get(p.id, (None, None)), precision.get(p.id), d)
            if flown_right is not None and flown_right > label_at:
                label_at, offset_pt = flown_right, max(offset_pt, 5.0)
            d.labels.append((label_at, y, offset_pt, text))
            d.extent += [scale.x(p.start_s)] + [scale.x(t) for t in actuals.get(p.id, (None, None)) if t is not None]
            d.yticks.append(y)
            d.ylabels.append(p.name)
            y += 1.0
        d.lanes.append((lane_names.get(lane, lane), top, y - 0.4))
        y += 0.3
    d.y_end = y
    return d


def _draw_flown(
    ax: Axes, scale: _Scale, y: float, flown: tuple[float | None, float | None], precision: str | None, d: _Drawn
) -> float | None:
    """A flown interval under its bar: a line from start to end, and at each published time a band
    as wide as its precision (a day for a date-only time) or a tick. Returns the rightmost x drawn."""
    from matplotlib.patches import Rectangle

    a_start, a_end = flown
    if a_start is None and a_end is None:
        return None
    d.actual = True
    ink = style.ink()
    lo, hi = FLOWN_WINDOW_S.get(precision or "min", FLOWN_WINDOW_S["min"])
    xs = [scale.x(t) for t in (a_start, a_end) if t is not None]
    if a_start is not None and a_end is not None:
        ax.plot(xs, [y, y], color=ink, lw=1.4, zorder=4, solid_capstyle="butt")
    right = max(xs)
    for t in (a_start, a_end):
        if t is None:
            continue
        if hi - lo >= BAND_MIN_S:
            left, width = scale.x(t + lo), scale.width(t + lo, t + hi)
            ax.add_patch(
                Rectangle(
                    (left, y - 0.13), width, 0.26, facecolor=ink, alpha=0.35, edgecolor=ink, linewidth=0.8, zorder=4
                )
            )
            d.band = True
            right = max(right, left + width)
        else:
            ax.plot(scale.x(t), y, marker="|", ms=7, mew=1.6, color=ink, zorder=4)
    return right


def _draw_labels(ax: Axes, d: _Drawn, x_max: float | None = None) -> None:
    """Duration (or milestone time) labels right of each row's marks, and a header per lane. With
    a right limit ``x_max`` (``--to``), a label whose row runs past it goes inside, at the edge."""
    from sim.plots.labels import PointLabel

    for x, y, offset_pt, text in d.labels:
        inside = x_max is not None and x + 1e-9 >= x_max
        PointLabel(  # as ax.annotate(text, xy, xytext=(offset, 0), textcoords="offset points"), cheaper
            ax,
            (x_max if inside and x_max is not None else x, y),
            text,
            -3.0 if inside else offset_pt,
            va="center",
            ha="right" if inside else "left",
            fontsize=style.LABEL_SIZE,
            color=style.soft_ink(),
            zorder=5,
        )
    for i, (name, top, bottom) in enumerate(d.lanes):
        if i % 2 == 0:
            ax.axhspan(top - 0.15, bottom + 0.15, color=style.band(), zorder=0, lw=0)
        ax.text(
            0.002,
            top + 0.18,
            name,
            transform=ax.get_yaxis_transform(),
            fontsize=style.LANE_SIZE,
            fontweight="bold",
            color=style.soft_ink(0.85),
            va="center",
            ha="left",
            zorder=5,
        )


def _format_axes(
    ax: Axes,
    scale: _Scale,
    d: _Drawn,
    actuals: Actuals,
    status_s: float | None,
    time_range_s: tuple[float | None, float | None] | None,
) -> None:
    """Ticks, limits (room on the right for the labels), time axis, grid, spines, status line."""
    ax.set_yticks(d.yticks, d.ylabels, fontsize=style.TICK_SIZE)
    ax.set_ylim(d.y_end - 0.1, -0.3)
    ax.tick_params(axis="y", length=0)
    xs = [*d.extent, *(lbl[0] for lbl in d.labels)]  # starts, flown times and right ends of the rows drawn
    if status_s is not None:
        xs.append(scale.x(status_s))
    lo_x, hi_x = (min(xs), max(xs)) if xs else (scale.x(0.0), scale.x(1.0))
    start, end = time_range_s or (None, None)
    lo_x = scale.x(start) if start is not None else lo_x
    hi_x = scale.x(end) if end is not None else hi_x
    span = hi_x - lo_x
    ax.set_xlim(lo_x - (0.01 * span if start is None else 0), hi_x + (0.09 * span if end is None else 0))
    if scale.axis == "met":
        ax.set_xlabel("mission elapsed time (days since the launch epoch T0)")
    elif scale.axis == "hours":
        ax.set_xlabel("hours since the launch epoch T0 (ground elapsed time)")
    else:
        style.date_axis(ax.xaxis, scale.tz, minticks=6, maxticks=14)
        ax.set_xlabel(style.zone_label(scale.tz, scale.timeline.epoch))
    ax.grid(axis="x", color=style.grid(), lw=0.6, zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if status_s is not None:
        ax.axvline(scale.x(status_s), color=STATUS_COLOUR, lw=1.6, ls="--", zorder=5)


def _title(timeline: Timeline, spread_note: str | None) -> str:
    """What is drawn: the nominal run (every duration at its nominal value), and the spread if any."""
    epoch = format_utc(timeline.epoch).replace("T", " ").replace("Z", " UTC")
    what = "nominal timeline" + (f" with P10-P90 of each phase end ({spread_note})" if spread_note else "")
    return (
        f"{timeline.name}: {what}\nT0 (launch epoch) {epoch}, "
        f"mission {format_duration(timeline.duration_s)} ({timeline.duration_s / HOUR_S:.1f} h)"
    )


def _legend(ax: Axes, scale: _Scale, d: _Drawn, status_s: float | None, spread_note: str | None, own: bool) -> None:
    """Kinds, milestone, waits, status date, spread and flown entries: under the chart in a figure
    of our own (constrained layout keeps room for it), beside the axes in a caller's subplot."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ink = style.ink()
    handles = legend_handles(d.kinds, d.waits, "milestone (0 s), its time" if d.milestone else None)
    if status_s is not None:
        when = format_utc(scale.timeline.utc(status_s), seconds=False).replace("T", " ")
        handles.append(
            Line2D([], [], color=STATUS_COLOUR, ls="--", lw=1.6, label=f"status date {when} (forecast after)")
        )
    if d.spread:
        label = "end P10-P90" + (f" ({spread_note})" if spread_note else " (Monte Carlo)")
        handles.append(Line2D([], [], color=SPREAD_COLOUR, marker="|", ms=9, lw=1.2, label=label))
    if d.actual:
        handles.append(Line2D([], [], color=ink, marker="|", mew=1.6, lw=1.4, label="flown (actual)"))
    if d.band:
        handles.append(Patch(facecolor=ink, alpha=0.35, edgecolor=ink, label="flown time known to the day / hour"))
    style.place_legend(ax, handles, own, ncol=6)
