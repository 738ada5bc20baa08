"""Charts of results. Each function takes results (and plain data), draws on ``ax`` and returns it.

Nothing here runs a simulation, reads a scenario file or saves a figure: the CLI (or a
notebook) chains ``load -> simulate -> plot`` and saves. No ``pyplot`` state is touched
except to create a figure when no ``ax`` is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC
from typing import TYPE_CHECKING, Literal

from sim.results.records import Timeline
from sim.timebase import DAY_S, HOUR_S, format_duration, format_utc

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

# Colours by phase kind, in families: cruise blues, lunar-orbit purples, descent/landing
# oranges, surface greens, ascent/docking reds, return browns, relay and payloads greys/teals.
KIND_COLOURS: dict[str, str] = {
    "launch": "#08306b",
    "transfer": "#2171b5",
    "tcm": "#6baed6",
    "loi": "#54278f",
    "lunar_orbit": "#807dba",
    "separation": "#bcbddc",
    "descent": "#d94801",
    "landing": "#fd8d3c",
    "surface_ops": "#74c476",
    "sampling": "#238b45",
    "rover_ops": "#41ab5d",
    "hopper_ops": "#a1d99b",
    "isru": "#005a32",
    "payload_ops": "#17becf",
    "ascent": "#a50f15",
    "rendezvous": "#ef3b2c",
    "docking": "#cb181d",
    "sample_transfer": "#fc9272",
    "lunar_orbit_wait": "#9e9ac8",
    "tei": "#8c510a",
    "earth_transfer": "#bf812d",
    "reentry": "#dfc27d",
    "recovery": "#543005",
    "relay": "#969696",
}
ACTUAL_COLOUR = "black"
SPREAD_COLOUR = "#e6550d"
STATUS_COLOUR = "#6a3d9a"  # the status-date line
WAIT_STYLES = {"window": ("////", "#6a51a3"), "resource": ("xxxx", "#b15928")}  # hatch, edge colour
ROW_HEIGHT_IN = 0.3
MIN_BAR_FRACTION = 0.002  # bars shorter than this share of the span are drawn this wide

Axis = Literal["utc", "met"]
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
        handles.append(Line2D([], [], marker="D", ls="", color="#888888", mec="black", label=milestone))
    for cause in waits:
        hatch, edge = WAIT_STYLES[cause]
        handles.append(Patch(facecolor="white", edgecolor=edge, hatch=hatch, label=f"wait for {cause}"))
    return handles


def gantt(
    timeline: Timeline,
    *,
    ax: Axes | None = None,
    axis: Axis = "utc",
    actuals: Actuals | None = None,
    lanes: list[str] | None = None,
    title: str | None = None,
    end_spread: Mapping[str, tuple[float, float]] | None = None,
    status_s: float | None = None,
) -> Axes:
    """Gantt chart of one run: a band per element lane, a row per phase.

    Args:
        timeline: the run to draw.
        ax: where to draw; a new figure sized to the number of rows when omitted.
        axis: ``"utc"`` for a UTC date axis, ``"met"`` for mission elapsed days.
        actuals: flown ``(start_s, end_s)`` per phase id (either may be None), drawn as a black
            line under the bar with end ticks.
        lanes: element order (top to bottom); order of first appearance when omitted.
        title: figure title; mission name and launch epoch when omitted.
        end_spread: per phase id, a (low, high) range of its end time in seconds (e.g. the Monte
            Carlo P10-P90), drawn as a whisker through the end of the bar.
        status_s: the status date (seconds since the epoch), drawn as a vertical line: what lies
            left of it has flown, the rest is forecast.

    Returns:
        The Axes drawn on.
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    actuals = actuals or {}
    order = lanes or list(timeline.elements) or list(dict.fromkeys(p.element for p in timeline.phases))
    rows = [p for lane in order for p in timeline.phases if p.element == lane and p.outcome == "done"]
    n = len(rows)
    if ax is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(13, 1.9 + ROW_HEIGHT_IN * (n + len(order))))
        ax = fig.add_subplot()

    times = [t for p in rows for t in (p.start_s, p.end_s)]
    times += [t for a in actuals.values() for t in a if t is not None]
    if status_s is not None:
        times.append(status_s)
    t0, t1 = min([0.0, *times]), max([1.0, *times])
    span_s = t1 - t0
    min_w = span_s * MIN_BAR_FRACTION

    def x(t_s: float) -> float:
        if axis == "met":
            return t_s / DAY_S
        return float(mdates.date2num(timeline.utc(t_s)))

    def width(a_s: float, b_s: float) -> float:
        return x(b_s) - x(a_s)

    y = 0.0
    yticks: list[float] = []
    ylabels: list[str] = []
    kinds_seen: dict[str, None] = {}
    has_actual = has_milestone = has_spread = False
    waits_seen: dict[str, None] = {}
    lane_spans: list[tuple[str, float, float]] = []
    for lane in order:
        lane_rows = [p for p in rows if p.element == lane]
        if not lane_rows:
            continue
        top = y
        y += 0.6  # room for the lane header
        for p in lane_rows:
            colour = KIND_COLOURS.get(p.colour_kind, "#7f7f7f")
            kinds_seen[p.colour_kind] = None
            if p.duration_s <= 0:
                ax.plot(x(p.start_s), y, marker="D", ms=8, color=colour, mec="black", mew=0.6, zorder=3)
                has_milestone = True
                label_at, offset_pt = x(p.start_s), 8.0
                text = format_utc(timeline.utc(p.start_s), seconds=False).replace("T", " ").rstrip("Z")
            else:
                w = max(p.duration_s, min_w)
                ax.barh(
                    y,
                    width(p.start_s, p.start_s + w),
                    left=x(p.start_s),
                    height=0.62,
                    color=colour,
                    edgecolor="white",
                    linewidth=0.5,
                    zorder=2,
                )
                label_at, offset_pt = x(p.start_s + w), 4.0
                text = format_duration(p.duration_s)
            if p.wait_s > 0:
                for cause, a_s, b_s in p.wait_segments():
                    ax.barh(
                        y,
                        width(a_s, b_s),
                        left=x(a_s),
                        height=0.62,
                        facecolor="white",
                        edgecolor=WAIT_STYLES[cause][1],
                        hatch=WAIT_STYLES[cause][0],
                        linewidth=0.6,
                        zorder=2,
                    )
                    waits_seen[cause] = None
            if end_spread and p.id in end_spread:
                lo, hi = end_spread[p.id]
                if hi > lo:
                    ax.plot([x(lo), x(hi)], [y, y], color=SPREAD_COLOUR, lw=1.2, zorder=4)
                    ax.plot([x(lo), x(hi)], [y, y], ls="", marker="|", ms=9, color=SPREAD_COLOUR, zorder=4)
                    has_spread = True
                    if x(hi) > label_at:
                        label_at = x(hi)
            a_start, a_end = actuals.get(p.id, (None, None))
            if a_start is not None or a_end is not None:
                has_actual = True
                ys = y + 0.42
                if a_start is not None and a_end is not None:
                    ax.plot(
                        [x(a_start), x(a_end)], [ys, ys], color=ACTUAL_COLOUR, lw=1.4, zorder=4, solid_capstyle="butt"
                    )
                for t in (a_start, a_end):
                    if t is not None:
                        ax.plot(x(t), ys, marker="|", ms=7, mew=1.6, color=ACTUAL_COLOUR, zorder=4)
                flown = [x(t) for t in (a_start, a_end) if t is not None]
                if max(flown) > label_at:
                    label_at, offset_pt = max(flown), max(offset_pt, 5.0)
            ax.annotate(
                text,
                (label_at, y),
                xytext=(offset_pt, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=7.5,
                color="#333333",
                zorder=5,
            )
            yticks.append(y)
            ylabels.append(p.name)
            y += 1.0
        lane_spans.append((lane, top, y - 0.4))
        y += 0.3

    for i, (lane, top, bottom) in enumerate(lane_spans):
        if i % 2 == 0:
            ax.axhspan(top - 0.15, bottom + 0.15, color="#f2f2f2", zorder=0)
        ax.text(
            0.002,
            top + 0.18,
            lane.replace("_", " "),
            transform=ax.get_yaxis_transform(),
            fontsize=8.5,
            fontweight="bold",
            color="#444444",
            va="center",
            ha="left",
            zorder=5,
        )

    ax.set_yticks(yticks, ylabels, fontsize=8)
    ax.set_ylim(y - 0.1, -0.3)
    ax.tick_params(axis="y", length=0)
    pad = span_s * 0.09
    ax.set_xlim(x(t0 - span_s * 0.01), x(t1 + pad))
    if axis == "met":
        ax.set_xlabel("Mission elapsed time (days since launch epoch T0)")
    else:
        locator = mdates.AutoDateLocator(tz=UTC, minticks=6, maxticks=14)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=UTC))
        ax.set_xlabel("UTC")
    ax.grid(axis="x", color="#dddddd", lw=0.6, zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)

    epoch = format_utc(timeline.epoch).replace("T", " ").replace("Z", " UTC")
    ax.set_title(
        title
        or f"{timeline.name}: nominal timeline\nT0 (launch epoch) {epoch}, "
        f"mission {format_duration(timeline.duration_s)} ({timeline.duration_s / HOUR_S:.1f} h)",
        fontsize=11,
        loc="left",
    )

    handles = legend_handles(kinds_seen, waits_seen, "milestone (0 s), UTC time" if has_milestone else None)
    if status_s is not None:
        ax.axvline(x(status_s), color=STATUS_COLOUR, lw=1.6, ls="--", zorder=5)
        when = format_utc(timeline.utc(status_s), seconds=False).replace("T", " ")
        handles.append(
            Line2D([], [], color=STATUS_COLOUR, ls="--", lw=1.6, label=f"status date {when} (forecast after)")
        )
    if has_spread:
        handles.append(Line2D([], [], color=SPREAD_COLOUR, marker="|", ms=9, lw=1.2, label="end P10-P90 (Monte Carlo)"))
    if has_actual:
        handles.append(Line2D([], [], color=ACTUAL_COLOUR, marker="|", mew=1.6, lw=1.4, label="flown (actual)"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.9 / max(n, 8) - 0.04),
        ncol=min(6, len(handles)),
        fontsize=8,
        frameon=False,
    )
    return ax
