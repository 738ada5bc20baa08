"""Comparison charts: plan vs flown vs simulated for one mission, and missions side by side.

``compare_bars`` draws one mission's phases as grouped horizontal bars on a logarithmic hours
axis, so that a 6-minute descent and a 14-day lunar-orbit wait both read. ``compare_missions``
lines several runs up at launch on a mission-elapsed-days axis, one band of element lanes per
mission ("CE-5 vs CE-6" in one picture). Both draw on ``ax`` (a new figure when omitted) and
return it; neither saves nor shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from sim.plots.gantt import ACTUAL_COLOUR, KIND_COLOURS, WAIT_STYLES, Actuals, legend_handles
from sim.results.comparison import Comparison, PhaseComparison
from sim.results.records import Timeline
from sim.timebase import DAY_S, HOUR_S, format_duration

if TYPE_CHECKING:
    from matplotlib.axes import Axes

PLANNED_COLOUR = "#f4a261"
FLOWN_COLOUR = "#3a3a3a"
SIMULATED_COLOUR = "#5b9bd5"
BAR_H = 0.26  # height of one bar of a group (a group is 1.0 tall)
GROUP_ROW_IN = 0.42  # figure height per phase group, inches
LANE_ROW_IN = 0.3  # figure height per lane in compare_missions, inches
WHISKER_MIN_H = 0.5  # flown precision windows narrower than this (hours) get no whisker
MIN_LANE_BAR_FRACTION = 0.0025  # lane bars shorter than this share of the span are drawn this wide

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


def compare_bars(
    comparison: Comparison,
    mission: str,
    *,
    ax: Axes | None = None,
    phases: Sequence[str] | None = None,
    title: str | None = None,
) -> Axes:
    """Grouped horizontal bars per phase: planned, flown and simulated hours (log axis).

    Args:
        comparison: from ``sim.results.comparison.compare``.
        mission: the mission id to draw.
        ax: where to draw; a new figure sized to the number of groups when omitted.
        phases: phase ids to draw, top to bottom; by default every phase with a positive
            planned or flown duration (milestones and lane fillers are left out), after a
            first group for the whole mission.
        title: figure title; a default naming the mission when omitted.

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
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rows = comparison.mission_phases(mission)
    if phases is not None:
        by_id = {p.id: p for p in rows}
        missing = [pid for pid in phases if pid not in by_id]
        if missing:
            raise KeyError(f"{mission}: no phase {missing[0]!r}")
        chosen = [by_id[pid] for pid in phases]
    else:
        chosen = [p for p in rows if _compared(p)]
    s = comparison.summary(mission)

    # groups: (label, planned, planned range, flown, flown range, span, simulated)
    groups: list[tuple[str, PhaseComparison | None]] = []
    if phases is None and _positive(s.planned_h, s.actual_h, s.simulated_h):
        groups.append(("Whole mission (launch to end)", None))
    groups += [(_group_label(p), p) for p in chosen]

    n = len(groups)
    if ax is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(12, 1.6 + GROUP_ROW_IN * max(n, 2)))
        ax = fig.add_subplot()

    values = [v for _, p in groups if p is not None for v in _phase_values(p)]
    values += _positive(s.planned_h, s.actual_h, s.simulated_h) if groups and groups[0][1] is None else []
    for _, p in groups:
        if p is None:
            continue
        values += _positive(p.planned_low_h, p.planned_high_h, *_flown_range(p))
    lo = min(values, default=0.1)
    hi = max(values, default=10.0)
    x_min = 10 ** math.floor(math.log10(lo * 0.8))
    x_max = hi * 4.0  # room for the labels at the right
    ax.set_xscale("log")

    def bar(
        y: float,
        value: float | None,
        colour: str,
        *,
        dashed: bool = False,
        run: float | None = None,
        cause: str | None = None,
        text: str | None = None,
    ) -> None:
        """A bar to ``value``; with ``run`` < ``value``, solid to ``run`` and hatched after it (a wait).

        ``run`` None with a ``cause``: the whole bar is hatched (run and wait not split).
        """
        if value is None or value <= 0:
            if value == 0:
                ax.plot(x_min, y, marker="|", ms=6, color=colour, zorder=3)
            return
        hatch, edge = WAIT_STYLES.get((cause or "window").split("+")[0], WAIT_STYLES["window"])
        if dashed:
            ax.barh(
                y,
                value - x_min,
                left=x_min,
                height=BAR_H * 0.9,
                facecolor="none",
                edgecolor=colour,
                linestyle="--",
                linewidth=1.0,
                zorder=2,
            )
        elif cause is not None and run is None:
            ax.barh(
                y,
                value - x_min,
                left=x_min,
                height=BAR_H * 0.9,
                color=colour,
                alpha=0.55,
                hatch=hatch,
                edgecolor="white",
                linewidth=0.0,
                zorder=2,
            )
        elif cause is not None and run is not None and run < value:
            if run > x_min:
                ax.barh(y, run - x_min, left=x_min, height=BAR_H * 0.9, color=colour, zorder=2)
            left = max(run, x_min)
            ax.barh(
                y,
                value - left,
                left=left,
                height=BAR_H * 0.9,
                facecolor="white",
                edgecolor=edge,
                hatch=hatch,
                linewidth=0.6,
                zorder=2,
            )
        else:
            ax.barh(y, value - x_min, left=x_min, height=BAR_H * 0.9, color=colour, zorder=2)
        ax.annotate(
            text or _short(value),
            (max(value, label_at.get(y, 0.0)), y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=6.5,
            color="#333333",
            zorder=5,
        )

    label_at: dict[float, float] = {}  # bar y -> x past its whisker, where the value label goes

    def whisker(y: float, low: float | None, high: float | None) -> None:
        if low is None or high is None or high <= low:
            return
        label_at[y] = high
        ax.plot([max(low, x_min), high], [y, y], color="black", lw=0.9, zorder=4)
        for v in (low, high):
            if v >= x_min:
                ax.plot(v, y, marker="|", ms=5, mew=0.9, color="black", zorder=4)

    has_span = has_range = False
    wait_causes: dict[str, None] = {}
    has_unsplit = False
    yticks: list[float] = []
    for i, (_, p) in enumerate(groups):
        y0 = float(i)
        y_plan, y_flown, y_sim = y0 - BAR_H, y0, y0 + BAR_H
        if p is None:
            plan, flown, sim = s.planned_h, s.actual_h, s.simulated_h
            ax.axhspan(y0 - 0.5, y0 + 0.5, color="#eef3f8", zorder=0)
        else:
            plan, flown, sim = p.planned_h, _flown(p), p.simulated_h
            if i % 2 == 0:
                ax.axhspan(y0 - 0.5, y0 + 0.5, color="#f5f5f5", zorder=0)
        if p is not None:
            whisker(y_plan, p.planned_low_h, p.planned_high_h)
            lo_h, hi_h = _flown_range(p)
            if lo_h is not None and hi_h is not None and hi_h - lo_h >= WHISKER_MIN_H:
                whisker(y_flown, lo_h, hi_h)
                has_range = True
            has_range = has_range or (p.planned_low_h != p.planned_high_h and p.planned_low_h is not None)
        bar(y_plan, plan, PLANNED_COLOUR)
        if p is not None and _released(p):
            cause = p.wait_cause or "window"
            for c in cause.split("+"):
                wait_causes[c] = None
            bar(y_flown, flown, FLOWN_COLOUR, run=p.actual_h, cause=cause)
            has_unsplit = has_unsplit or (flown is not None and p.actual_h is None)
            elapsed = p.simulated_elapsed_h
            assert sim is not None and elapsed is not None and p.simulated_wait_h is not None
            bar(
                y_sim,
                elapsed,
                SIMULATED_COLOUR,
                run=sim,
                cause=cause,
                text=f"{_short(elapsed)} = {_short(sim)} + {_short(p.simulated_wait_h)} wait",
            )
        elif flown is None and p is not None and p.actual_span is not None:
            bar(y_flown, p.actual_span.hours, FLOWN_COLOUR, dashed=True)
            has_span = True
            bar(y_sim, sim, SIMULATED_COLOUR)
        else:
            bar(y_flown, flown, FLOWN_COLOUR)
            bar(y_sim, sim, SIMULATED_COLOUR)
        if plan and flown is not None:
            pct = 100.0 * (flown - plan) / plan
            text = f"flown {pct:+.{0 if abs(pct) >= 10 else 1}f}%\nvs plan"
            colour = "#b5412a" if abs(pct) >= 10 else "#333333"
            lo_h, hi_h = _flown_range(p) if p is not None else (None, None)
            if lo_h is not None and hi_h is not None:
                half = (hi_h - lo_h) / 2
                if half >= WHISKER_MIN_H and abs(flown - plan) <= half:
                    text += f" (±{half:.3g} h)"
                    colour = "#888888"
            ax.annotate(
                text,
                (1.0, y0),
                xycoords=("axes fraction", "data"),
                xytext=(-4, 0),
                textcoords="offset points",
                ha="right",
                va="center",
                fontsize=7.5,
                color=colour,
                zorder=5,
            )
        yticks.append(y0)

    ax.set_yticks(yticks, [g[0] for g in groups], fontsize=8)
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(x_min, x_max)
    ticks = [(v, t) for v, t in HOUR_TICKS if x_min <= v <= hi * 1.5]
    ax.set_xticks([v for v, _ in ticks], [t for _, t in ticks], fontsize=8)
    ax.minorticks_off()
    ax.set_xlabel("duration (log scale)")
    ax.grid(axis="x", color="#dddddd", lw=0.6, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(title or f"{s.name}: planned vs flown vs simulated (nominal), per phase", fontsize=11, loc="left")

    handles: list[Patch | Line2D] = [
        Patch(color=PLANNED_COLOUR, label="planned (published)"),
        Patch(color=FLOWN_COLOUR, label="flown (actual)"),
        Patch(color=SIMULATED_COLOUR, label="simulated (nominal run)"),
    ]
    if has_span:
        handles.append(
            Patch(facecolor="none", edgecolor=FLOWN_COLOUR, linestyle="--", label="flown, from the predecessor's start")
        )
    if has_range:
        handles.append(Line2D([], [], color="black", marker="|", lw=0.9, label="published range / precision"))
    for cause in wait_causes:
        hatch, edge = WAIT_STYLES.get(cause, WAIT_STYLES["window"])
        handles.append(
            Patch(
                facecolor="white", edgecolor=edge, hatch=hatch, label=f"then waits ({cause}) for the phase it released"
            )
        )
    if has_unsplit:
        handles.append(
            Patch(
                facecolor=FLOWN_COLOUR,
                alpha=0.55,
                hatch="////",
                edgecolor="white",
                label="flown run + wait (split not published)",
            )
        )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.35 / max(n, 3) - 0.06),
        ncol=min(len(handles), 4),
        fontsize=8,
        frameon=False,
    )
    return ax


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


def launch_offset_s(timeline: Timeline) -> float:
    """Start of the first ``launch`` phase (the alignment point), else 0 (the epoch)."""
    starts = [p.start_s for p in timeline.phases if p.colour_kind == "launch" and p.outcome == "done"]
    return min(starts) if starts else 0.0


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


def compare_missions(
    timelines: Sequence[Timeline],
    *,
    ax: Axes | None = None,
    actuals: Mapping[str, Actuals] | None = None,
    title: str | None = None,
) -> Axes:
    """Several missions aligned at launch: one band of element lanes per mission, days since launch.

    Args:
        timelines: the runs to draw (top to bottom), e.g. nominal runs of change5 and change6.
        ax: where to draw; a new figure sized to the number of lanes when omitted.
        actuals: per mission id, flown ``(start_s, end_s)`` per phase id (seconds since that
            mission's epoch; ``sim.results.comparison.actual_times``), drawn as a black line under the bars.
        title: figure title; a default naming the missions when omitted.

    Returns:
        The Axes drawn on.

    Landing, docking and capsule touchdown are marked with their day since launch, so the
    missions' key milestones can be read against each other. Waits (for a window or a shared
    resource) are drawn hatched in front of the phase that waited, as in the Gantt chart, and
    the long ones are labelled with their length.
    """
    from matplotlib.lines import Line2D

    actuals = actuals or {}
    bands: list[tuple[Timeline, list[str], float]] = []
    for t in timelines:
        order = list(t.elements)
        order = order or list(dict.fromkeys(p.element for p in t.phases))
        used = {p.element for p in t.phases if p.outcome == "done"}
        bands.append((t, [lane for lane in order if lane in used], launch_offset_s(t)))
    n_lanes = sum(len(b[1]) for b in bands)
    if ax is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(13, 1.9 + LANE_ROW_IN * n_lanes + 0.55 * len(bands)))
        ax = fig.add_subplot()

    ends = [(p.end_s - off) / DAY_S for t, _, off in bands for p in t.phases if p.outcome == "done"]
    ends += [
        (v - off) / DAY_S
        for t, _, off in bands
        for a in actuals.get(t.scenario_id, {}).values()
        for v in a
        if v is not None
    ]
    span_d = max([1.0, *ends])
    min_w = span_d * MIN_LANE_BAR_FRACTION

    y = 0.0
    yticks: list[float] = []
    ylabels: list[str] = []
    kinds_seen: dict[str, None] = {}
    waits_seen: dict[str, None] = {}
    has_actual = has_milestone = False
    for b, (t, order, off) in enumerate(bands):
        top = y
        y += 0.9  # band header
        flown = actuals.get(t.scenario_id, {})
        marks: list[tuple[float, float, str]] = []
        for lane in order:
            for p in t.phases:
                if p.element != lane or p.outcome != "done":
                    continue
                colour = KIND_COLOURS.get(p.colour_kind, "#7f7f7f")
                kinds_seen[p.colour_kind] = None
                x0 = (p.start_s - off) / DAY_S
                dur = p.duration_s / DAY_S
                if p.wait_s > 0:
                    for cause, a_s, b_s in p.wait_segments():
                        hatch, edge = WAIT_STYLES[cause]
                        ax.barh(
                            y,
                            (b_s - a_s) / DAY_S,
                            left=(a_s - off) / DAY_S,
                            height=0.6,
                            facecolor="white",
                            edgecolor=edge,
                            hatch=hatch,
                            linewidth=0.6,
                            zorder=2,
                        )
                        waits_seen[cause] = None
                    if p.wait_s / DAY_S >= span_d * WAIT_LABEL_FRACTION:
                        ax.annotate(
                            f"waits {format_duration(p.wait_s)}",
                            ((p.ready_s + p.start_s) / 2 / DAY_S - off / DAY_S, y),
                            ha="center",
                            va="center",
                            fontsize=6.5,
                            color="#3f007d",
                            zorder=6,
                            bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85},
                        )
                if dur <= 0:
                    ax.plot(x0, y, marker="D", ms=4.5, color=colour, mec="black", mew=0.4, zorder=3)
                    has_milestone = True
                else:
                    ax.barh(
                        y,
                        max(dur, min_w),
                        left=x0,
                        height=0.6,
                        color=colour,
                        edgecolor="white",
                        linewidth=0.4,
                        zorder=2,
                    )
                if p.colour_kind in MARKED_KINDS:
                    marks.append((x0 + max(dur, 0.0), y, MARKED_KINDS[p.colour_kind]))
                a_start, a_end = flown.get(p.id, (None, None))
                ys = y + 0.38
                if a_start is not None and a_end is not None and a_end > a_start:
                    ax.plot(
                        [(a_start - off) / DAY_S, (a_end - off) / DAY_S],
                        [ys, ys],
                        color=ACTUAL_COLOUR,
                        lw=1.2,
                        zorder=4,
                        solid_capstyle="butt",
                    )
                    has_actual = True
                for v in (a_start, a_end):
                    if v is not None:
                        ax.plot((v - off) / DAY_S, ys, marker="|", ms=4.5, mew=1.0, color=ACTUAL_COLOUR, zorder=4)
                        has_actual = True
            yticks.append(y)
            ylabels.append(lane.replace("_", " "))
            y += 1.0
        bottom = y - 0.4
        ax.axhspan(top - 0.1, bottom + 0.2, color="#f2f2f2" if b % 2 == 0 else "#e8eef6", zorder=0)
        end_d = t.duration_s / DAY_S - off / DAY_S
        ax.text(
            0.002,
            top + 0.3,
            f"{t.name} ({t.scenario_id}): launch {t.utc(off):%Y-%m-%d}, {end_d:.1f} days to the end",
            transform=ax.get_yaxis_transform(),
            fontsize=9,
            fontweight="bold",
            color="#333333",
            va="center",
            ha="left",
            zorder=5,
        )
        for x_mark, y_mark, text in marks:
            ax.plot([x_mark, x_mark], [top - 0.1, bottom + 0.2], color="#888888", lw=0.6, ls=":", zorder=1)
            ax.annotate(
                f"{text} d{x_mark:.1f}",
                (x_mark, y_mark),
                xytext=(4, -7),
                textcoords="offset points",
                fontsize=7,
                color="#222222",
                ha="left",
                va="center",
                zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
        y += 0.4

    ax.set_yticks(yticks, ylabels, fontsize=8)
    ax.set_ylim(y - 0.3, -0.3)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(-span_d * 0.01, span_d * 1.03)
    step, minor = next((s, m) for limit, s, m in DAY_TICKS if span_d <= limit)
    ax.set_xticks([float(d) for d in range(0, int(span_d) + step, step)])
    ax.set_xticks([float(d) for d in range(0, int(span_d) + minor, minor)], minor=True)
    ax.set_xlabel("days since launch (missions aligned at their launch)")
    ax.grid(axis="x", which="major", color="#d0d0d0", lw=0.7, zorder=0)
    ax.grid(axis="x", which="minor", color="#eeeeee", lw=0.5, zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    names = " vs ".join(t.name for t in timelines)
    ax.set_title(title or f"{names}: nominal timelines aligned at launch", fontsize=11, loc="left")

    handles = legend_handles(kinds_seen, waits_seen, "milestone (0 s)" if has_milestone else None)
    if has_actual:
        handles.append(Line2D([], [], color=ACTUAL_COLOUR, marker="|", lw=1.2, label="flown (actual)"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.9 / max(n_lanes, 8) - 0.05),
        ncol=min(7, len(handles)),
        fontsize=8,
        frameon=False,
    )
    return ax
