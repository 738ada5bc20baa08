"""Program chart: several missions on one UTC axis across years (Chang'e 5 in 2020 to Chang'e 8 ~2030).

Each mission is one row of a few blocks, its major phases grouped by kind family (cruise, lunar
orbit, surface and payload operations, return); ``detail=True`` adds a band per mission with one
row per element lane. On a ten-year axis a 23-day mission is a sliver, so every block is drawn at
least ``MIN_BLOCK_FRACTION`` of the axis wide. Blocks are laid end to end from the launch: each
mission's time is stretched piecewise (a block shorter than the minimum is widened, the others
keep their length), lanes are drawn through the same stretch so they stay aligned with their
mission row, and the exact launch and end dates are printed beside each row. The chart says so.

(A little over 500 lines: the block grouping and the stretch that the chart steps need stay in
this one module, which holds one concept, the program chart.)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from typing import TYPE_CHECKING, cast

from sim.plots import style
from sim.plots.gantt import STATUS_COLOUR
from sim.results.records import PhaseRecord, Timeline
from sim.timebase import DAY_S, HOUR_S

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

# Kind families, in drawing priority (highest first): where phases of several families overlap in
# time (the lander on the surface while the orbiter waits in orbit) the higher family names the
# block. "relay" is drawn on lanes only.
FAMILIES: dict[str, tuple[str, ...]] = {
    "surface & payload ops": (
        "descent",
        "landing",
        "surface_ops",
        "sampling",
        "rover_ops",
        "hopper_ops",
        "isru",
        "payload_ops",
    ),
    "return": (
        "ascent",
        "rendezvous",
        "docking",
        "sample_transfer",
        "tei",
        "earth_transfer",
        "reentry",
        "recovery",
    ),
    "cruise": ("launch", "transfer", "tcm", "loi"),
    "lunar orbit": ("lunar_orbit", "separation", "lunar_orbit_wait"),
    "relay": ("relay",),
}
FAMILY_COLOURS: dict[str, str] = {
    "cruise": "#2171b5",
    "lunar orbit": "#9e9ac8",
    "surface & payload ops": "#41ab5d",
    "return": "#a6611a",
    "relay": "#bdbdbd",
}
LEGEND_ORDER = ("cruise", "lunar orbit", "surface & payload ops", "return", "relay")
_PRIORITY = {fam: len(FAMILIES) - i for i, fam in enumerate(FAMILIES)}
_FAMILY_OF = {kind: fam for fam, kinds in FAMILIES.items() for kind in kinds}
# Kinds that run beside a mission's main line (payloads in cruise, the relay): left out of the
# mission row's blocks unless nothing else is there; they are drawn on their lanes.
SECONDARY_KINDS = frozenset({"payload_ops", "relay"})
MERGE_BELOW_S = 6 * HOUR_S  # blocks shorter than this are folded into a neighbour
MIN_BLOCK_FRACTION = 0.006  # of the axis span: the narrowest block drawn in a mission row
MIN_LANE_FRACTION = 0.003  # of the axis span: the narrowest block drawn in a lane
ROW_HEIGHT_IN = 0.42
LANE_HEIGHT_IN = 0.27

Block = tuple[str | None, float, float]  # (family or None for a gap, start_s, end_s)


def kind_family(kind: str) -> str:
    """The family of a phase kind (``"transfer"`` -> ``"cruise"``); unknown kinds count as surface.

    >>> kind_family("lunar_orbit_wait"), kind_family("tei"), kind_family("isru")
    ('lunar orbit', 'return', 'surface & payload ops')
    """
    return _FAMILY_OF.get(kind, "surface & payload ops")


def family_blocks(phases: Iterable[PhaseRecord], *, merge_below_s: float = MERGE_BELOW_S) -> list[Block]:
    """Group phases into consecutive blocks by kind family, on the run's time base (seconds).

    Time is cut at every phase start and end; each piece takes the highest-priority family of
    the phases running then (see ``FAMILIES``), or None where nothing runs. Zero-length phases
    (milestones) are ignored. Pieces shorter than ``merge_below_s`` are folded into a
    neighbour (a 31-minute ascender disposal inside a week of lunar-orbit waiting does not make a
    block of its own), then neighbours of the same family are joined.
    """
    ph = [p for p in phases if p.outcome == "done" and p.end_s > p.start_s]
    if not ph:
        return []
    cuts = sorted({t for p in ph for t in (p.start_s, p.end_s)})
    pieces: list[_Piece] = []
    for a, b in pairwise(cuts):
        active = [kind_family(p.colour_kind) for p in ph if p.start_s <= a and p.end_s >= b]
        fam = max(active, key=_PRIORITY.__getitem__) if active else None
        pieces.append(_Piece(fam, a, b))
    pieces = _join(pieces)
    while len(pieces) > 1:
        short = sorted((p.length, i) for i, p in enumerate(pieces) if p.length < merge_below_s)
        target = None
        for _, i in short:
            if i > 0 and pieces[i - 1].family is not None:
                target = (i, i - 1)
            elif i + 1 < len(pieces) and pieces[i + 1].family is not None:
                target = (i, i + 1)
            if target:
                break
        if target is None:
            break
        i, j = target
        pieces[j].start_s = min(pieces[j].start_s, pieces[i].start_s)
        pieces[j].end_s = max(pieces[j].end_s, pieces[i].end_s)
        del pieces[i]
        pieces = _join(pieces)
    return [(p.family, p.start_s, p.end_s) for p in pieces]


@dataclass
class _Piece:
    family: str | None
    start_s: float
    end_s: float

    @property
    def length(self) -> float:
        return self.end_s - self.start_s


def _join(pieces: list[_Piece]) -> list[_Piece]:
    """Join neighbours of the same family."""
    out: list[_Piece] = []
    for p in pieces:
        if out and out[-1].family == p.family:
            out[-1].end_s = p.end_s
        else:
            out.append(p)
    return out


def mission_blocks(timeline: Timeline) -> list[Block]:
    """The major-phase blocks of a mission row (``family_blocks`` without payload and relay phases)."""
    main = [p for p in timeline.phases if p.colour_kind not in SECONDARY_KINDS]
    return family_blocks(main) or family_blocks(timeline.phases)


@dataclass(frozen=True)
class _Stretch:
    """Piecewise-linear map from a mission's time (s) to drawn time (s): short blocks widened."""

    starts: tuple[float, ...]
    ends: tuple[float, ...]
    drawn: tuple[float, ...]
    scales: tuple[float, ...]

    @classmethod
    def build(cls, blocks: Sequence[Block], min_s: float) -> _Stretch:
        starts, ends, drawn, scales = [], [], [], []
        at = blocks[0][1] if blocks else 0.0
        for fam, a, b in blocks:
            length = b - a
            shown = max(length, min_s) if fam is not None else length
            starts.append(a)
            ends.append(b)
            drawn.append(at)
            scales.append(shown / length if length > 0 else 1.0)
            at += shown
        return cls(tuple(starts), tuple(ends), tuple(drawn), tuple(scales))

    def __call__(self, t_s: float) -> float:
        if not self.starts or t_s <= self.starts[0]:
            return t_s
        i = bisect_right(self.starts, t_s) - 1
        if t_s <= self.ends[i]:
            return self.drawn[i] + (t_s - self.starts[i]) * self.scales[i]
        last_end = self.drawn[i] + (self.ends[i] - self.starts[i]) * self.scales[i]
        return last_end + (t_s - self.ends[i])


@dataclass
class _Drawn:
    """What the rows step drew: tick rows, date labels to place, families for the legend."""

    families: set[str] = field(default_factory=set)
    labels: list[tuple[Text, float, float]] = field(default_factory=list)  # text, drawn start x, drawn end x
    yticks: list[float] = field(default_factory=list)
    ylabels: list[str] = field(default_factory=list)
    bold_rows: list[int] = field(default_factory=list)
    right_x: list[float] = field(default_factory=list)
    gap: bool = False
    y_end: float = 0.0
    status_dates: set[datetime] = field(default_factory=set)
    status_x: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class _Span:
    """The axis span over every mission (UTC) and the narrowest block and lane bar it allows."""

    lo: datetime
    hi: datetime

    @property
    def seconds(self) -> float:
        return max((self.hi - self.lo).total_seconds(), 30 * DAY_S)

    @property
    def min_block_s(self) -> float:
        return self.seconds * MIN_BLOCK_FRACTION

    @property
    def min_lane_s(self) -> float:
        return self.seconds * MIN_LANE_FRACTION


def program_gantt(
    timelines: Sequence[Timeline],
    *,
    ax: Axes | None = None,
    detail: bool = False,
    title: str | None = None,
    lane_names: Mapping[str, Mapping[str, str]] | None = None,
    size: tuple[float, float] | None = None,
    status: Mapping[str, datetime] | None = None,
) -> Axes:
    """Program chart: one row per mission on a UTC axis, major phases as family blocks.

    Args:
        timelines: one run per mission (any epochs); rows are ordered by launch.
        ax: where to draw; a new figure sized to the rows when omitted.
        detail: also draw every element lane of every mission (a band per mission).
        title: chart title; the mission names when omitted.
        lane_names: per mission id, the display name of each element lane
            (``Scenario.lane_names``); the id with spaces for underscores when omitted.
        size: figure size in inches when a new figure is made.
        status: per mission id, its status date (``Scenario.status.as_of``): a dashed line across
            the mission's rows where that date falls in its span (left of it has flown, right of it
            is forecast). Drawn through the mission's own stretch, so it sits at the right place
            among widened blocks.

    Returns:
        The Axes drawn on.

    Drawn in named steps: ``_layout`` (the figure and its margins), ``_draw_mission`` (the mission
    row, then its lanes with ``_draw_lanes``, then ``_draw_status``), ``_format_axes`` (years or
    months), ``_place_labels``
    (dates right of each row, or left when they would leave the axes) and ``_header`` (title,
    scale note and legend above the axes).
    """
    if not timelines:
        raise ValueError("program_gantt needs at least one timeline")
    runs = sorted(timelines, key=lambda t: t.utc(_start_s(t)))
    lanes_of = {id(t): list(dict.fromkeys(p.element for p in t.phases if p.outcome == "done")) for t in runs}
    names = lane_names or {}
    shown = {
        id(t): [names.get(t.scenario_id, {}).get(lane, lane.replace("_", " ")) for lane in lanes_of[id(t)]]
        for t in runs
    }
    own_figure = ax is None
    ax = _layout(ax, runs, shown, detail, size)
    span = _Span(min(t.utc(_start_s(t)) for t in runs), max(t.utc(t.end_s) for t in runs))
    d = _Drawn()
    y = 0.0
    for k, run in enumerate(runs):
        band_top = y
        y = _draw_mission(ax, run, y, span, d, detail)
        if detail:
            y = _draw_lanes(ax, run, lanes_of[id(run)], shown[id(run)], y - 0.15, span, d) + 0.35
            if k % 2 == 0:
                ax.axhspan(band_top - 0.5, y - 0.55, color=style.band(0.05), zorder=0, lw=0)
        else:
            y += 0.1
        if status and run.scenario_id in status:
            _draw_status(ax, run, status[run.scenario_id], (band_top - 0.45, y - 0.6), span, d)
    d.y_end = y
    _format_axes(ax, span, d, detail)
    _place_labels(ax, d.labels)
    _header(ax, runs, span, d, title)
    if own_figure:
        ax.set_zorder(1)
    return ax


def _layout(
    ax: Axes | None,
    runs: Sequence[Timeline],
    shown: Mapping[int, list[str]],
    detail: bool,
    size: tuple[float, float] | None,
) -> Axes:
    """The caller's axes, or a new figure sized to the rows, its left margin to the longest name
    (title, note and legend sit above the axes at fixed offsets, so the margins are set by hand)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    n_rows = len(runs) + (sum(len(v) for v in shown.values()) if detail else 0)
    per_row = LANE_HEIGHT_IN if detail else ROW_HEIGHT_IN
    width, height = size or (13, 1.9 + per_row * n_rows + (0.25 * len(runs) if detail else 0.3))
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_subplot()
    longest = max([len(t.name) * 1.15 for t in runs] + ([len(n) for v in shown.values() for n in v] if detail else []))
    left_in, top_in, bottom_in = 0.3 + 0.072 * longest, 1.05, 0.45
    fig.subplots_adjust(
        left=min(left_in / width, 0.5), right=0.985, top=1 - top_in / height, bottom=min(bottom_in / height, 0.3)
    )
    return ax


def _num(run: Timeline, t_s: float) -> float:
    """Matplotlib date number of a mission time."""
    import matplotlib.dates as mdates

    return float(mdates.date2num(run.utc(t_s)))


def _draw_mission(ax: Axes, run: Timeline, y: float, span: _Span, d: _Drawn, detail: bool) -> float:
    """The mission row: a span line, the family blocks (short ones widened), the launch marker and
    the dates label. Returns the y of the next row."""
    blocks = mission_blocks(run)
    stretch = _Stretch.build(blocks, span.min_block_s)
    start_s, end_s = _start_s(run), run.end_s
    x0, x1 = _num(run, stretch(start_s)), _num(run, stretch(end_s))
    ink = style.ink()
    ax.plot([x0, x1], [y, y], color=style.soft_ink(0.55), lw=0.8, zorder=1, solid_capstyle="butt")
    for fam, a, b in blocks:
        if fam is None:
            d.gap = True
            continue
        d.families.add(fam)
        left, right = _num(run, stretch(a)), _num(run, stretch(b))
        ax.barh(
            y,
            right - left,
            left=left,
            height=0.62 if detail else 0.52,
            color=FAMILY_COLOURS[fam],
            edgecolor=style.background(),
            linewidth=0.4,
            zorder=2,
        )
    ax.plot(x0, y + 0.4, marker="^", ms=5.5, color=ink, zorder=4, clip_on=False)
    text = ax.text(x1, y, _dates(run, start_s, end_s), va="center", ha="left", fontsize="small", color=ink, zorder=5)
    d.labels.append((text, x0, x1))
    d.right_x.append(x1)
    d.yticks.append(y)
    d.ylabels.append(run.name)
    d.bold_rows.append(len(d.yticks) - 1)
    return y + 1.0


def _draw_lanes(ax: Axes, run: Timeline, lanes: list[str], names: list[str], y: float, span: _Span, d: _Drawn) -> float:
    """A row per element lane under the mission row, through the mission's stretch (so the lanes
    line up with it); a lane of milestones only gets diamonds. Returns the y after the last lane."""
    stretch = _Stretch.build(mission_blocks(run), span.min_block_s)
    for lane, name in zip(lanes, names, strict=True):
        lane_phases = [p for p in run.phases if p.element == lane and p.outcome == "done"]
        at = -float("inf")
        for fam, a, b in family_blocks(lane_phases):
            if fam is None:
                continue
            d.families.add(fam)
            left = max(_num(run, stretch(a)), at)
            right = max(_num(run, stretch(b)), left + span.min_lane_s / DAY_S)
            ax.barh(
                y,
                right - left,
                left=left,
                height=0.5,
                color=FAMILY_COLOURS[fam],
                edgecolor=style.background(),
                linewidth=0.3,
                zorder=2,
            )
            at = right
        if not any(q.duration_s > 0 for q in lane_phases):
            for p in lane_phases:
                ax.plot(_num(run, stretch(p.start_s)), y, marker="D", ms=4, color=style.soft_ink(0.7), zorder=3)
        d.yticks.append(y)
        d.ylabels.append(name)
        y += 0.72
    return y


def _draw_status(ax: Axes, run: Timeline, as_of: datetime, rows: tuple[float, float], span: _Span, d: _Drawn) -> None:
    """The mission's status date as a dashed line over its rows (``rows``: top and bottom y),
    through the mission's stretch (before the first block and after the last one, the stretch only
    shifts, so a date outside the mission still lands at its place on the axis, or off it)."""
    t_s = (as_of - run.epoch).total_seconds()
    x = _num(run, _Stretch.build(mission_blocks(run), span.min_block_s)(t_s))
    ax.plot([x, x], rows, color=STATUS_COLOUR, lw=1.6, ls="--", zorder=5, solid_capstyle="butt")
    d.status_dates.add(as_of)
    d.status_x.append(x)


def _format_axes(ax: Axes, span: _Span, d: _Drawn, detail: bool) -> None:
    """Rows (mission names bold), limits with room for the launch marker and the dates, a year
    axis (quarter ticks) for three years or more, else months with the year(s) in the label."""
    import matplotlib.dates as mdates

    pad = span.seconds * 0.02 / DAY_S
    left_num = min([float(mdates.date2num(span.lo)), *d.status_x]) - pad  # a status line is always in view
    right_num = max(d.right_x + d.status_x) + pad
    ax.set_xlim(left_num, right_num)
    ax.set_ylim(d.y_end - (0.6 if detail else 0.45), -0.75)
    ax.set_yticks(d.yticks, d.ylabels, fontsize="small")
    for i, tick in enumerate(ax.get_yticklabels()):
        if i in d.bold_rows:
            tick.set_fontweight("bold")
            tick.set_fontsize("medium")
    ax.tick_params(axis="y", length=0)
    first, last = mdates.num2date(left_num, tz=UTC).year, mdates.num2date(right_num, tz=UTC).year
    if right_num - left_num >= 3 * 365.25:  # years, with quarter ticks between them
        ax.xaxis.set_major_locator(mdates.YearLocator(tz=UTC))
        ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10), tz=UTC))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y", tz=UTC))
        ax.set_xlabel("UTC")
    else:  # months (the year is in the axis label: concise ticks may not show it)
        locator = mdates.AutoDateLocator(tz=UTC, minticks=5, maxticks=12)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=UTC, show_offset=False))
        ax.set_xlabel(f"UTC, {first}" + (f" to {last}" if last != first else ""))
    ax.grid(axis="x", color=style.grid(), lw=0.6, zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _header(ax: Axes, runs: Sequence[Timeline], span: _Span, d: _Drawn, title: str | None) -> None:
    """Title, the note on widened blocks, and the legend in one line above the axes (fixed offsets
    in points, so they never meet the rows)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.transforms import ScaledTranslation

    names = ", ".join(t.name for t in runs)
    ax.set_title(title or f"{names}: nominal timelines", loc="left", fontsize=style.TITLE_SIZE, pad=44)
    days = span.min_block_s / DAY_S
    shortest = f"{days:.0f} days" if days >= 10 else f"{days:.1f} days"
    note = (
        f"Blocks shorter than {shortest} are drawn {shortest} wide and laid end to end, "
        "so short missions are not to scale; the printed dates are exact."
    )
    ax.annotate(
        note,
        xy=(0, 1),
        xycoords="axes fraction",
        xytext=(0, 27),
        textcoords="offset points",
        fontsize="x-small",
        color=style.soft_ink(0.7),
        va="bottom",
        ha="left",
        annotation_clip=False,
    )
    handles: list[Patch | Line2D] = [
        Patch(facecolor=FAMILY_COLOURS[f], label=f) for f in LEGEND_ORDER if f in d.families
    ]
    handles.append(Line2D([], [], marker="^", ls="", color=style.ink(), ms=5.5, label="launch"))
    if d.gap:
        handles.append(Line2D([], [], color=style.soft_ink(0.55), lw=0.8, label="no phase running"))
    if d.status_dates:
        when = f" {next(iter(d.status_dates)):%Y-%m-%d %H:%M}" if len(d.status_dates) == 1 else "s"
        label = f"status date{when} (forecast after)"
        handles.append(Line2D([], [], color=STATUS_COLOUR, ls="--", lw=1.6, label=label))
    offset = ScaledTranslation(0, 3 / 72, ax.figure.dpi_scale_trans)
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1),
        bbox_transform=ax.transAxes + offset,
        ncol=len(handles),
        fontsize="small",
        frameon=False,
        borderaxespad=0,
        handlelength=1.6,
        columnspacing=1.4,
    )


def _start_s(run: Timeline) -> float:
    done = [p.start_s for p in run.phases if p.outcome == "done"]
    return min(done) if done else 0.0


def _dates(run: Timeline, start_s: float, end_s: float) -> str:
    """``2020-11-23 → 2020-12-16 · 22.9 d`` (launch and end, UTC dates, and the length)."""
    days = (end_s - start_s) / DAY_S
    length = f"{days:.1f} d" if days < 100 else f"{days:.0f} d"
    a = run.utc(start_s).strftime("%Y-%m-%d")
    b = run.utc(end_s).strftime("%Y-%m-%d")
    return f"{a} \u2192 {b} \u00b7 {length}"


def _place_labels(ax: Axes, labels: list[tuple[Text, float, float]]) -> None:
    """Put each date label right of its row, or left of it when it would leave the axes.

    When a label fits on neither side, the x axis is widened on the right until it fits.
    """
    try:
        renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    except AttributeError:  # a canvas without a renderer: keep labels on the right
        return
    pad_pt = 4.0
    pad_px = pad_pt * ax.figure.dpi / 72
    for _ in range(4):
        box = ax.get_window_extent(renderer)
        overflow_px = 0.0
        for text, x0, x1 in labels:
            y = text.get_position()[1]
            width_px = text.get_window_extent(renderer).width
            right_edge = ax.transData.transform((x1, y))[0] + pad_px + width_px
            left_edge = ax.transData.transform((x0, y))[0] - 2 * pad_px - 5 - width_px
            if right_edge <= box.x1 or left_edge < box.x0:
                text.set_position((x1, y))
                text.set_horizontalalignment("left")
                _nudge(ax, text, pad_pt)
                overflow_px = max(overflow_px, right_edge - box.x1)
            else:
                text.set_position((x0, y))
                text.set_horizontalalignment("right")
                _nudge(ax, text, -pad_pt - 5)  # clear of the launch marker
        if overflow_px <= 0:
            return
        lo, hi = ax.get_xlim()
        ax.set_xlim(lo, hi + (hi - lo) * (overflow_px + pad_px) / max(box.width - overflow_px, 1.0))


def _nudge(ax: Axes, text: Text, dx_pt: float) -> None:
    from matplotlib.transforms import offset_copy

    fig = cast("Figure", ax.figure)
    text.set_transform(offset_copy(ax.transData, fig=fig, x=dx_pt, y=0, units="points"))
