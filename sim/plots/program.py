"""Program chart: several missions on one UTC axis across years (Chang'e 5 in 2020 to Chang'e 8 ~2030).

Each mission is one row of a few blocks, its major phases grouped by kind family (cruise, lunar
orbit, surface and payload operations, return); ``detail=True`` adds a band per mission with one
row per element lane. On a ten-year axis a 23-day mission is a sliver, so every block is drawn at
least ``MIN_BLOCK_FRACTION`` of the axis wide. Blocks are laid end to end from the launch: each
mission's time is stretched piecewise (a block shorter than the minimum is widened, the others
keep their length), lanes are drawn through the same stretch so they stay aligned with their
mission row, and the exact launch and end dates are printed beside each row. The chart says so.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from itertools import pairwise
from typing import TYPE_CHECKING, cast

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


def program_gantt(
    timelines: Sequence[Timeline],
    *,
    ax: Axes | None = None,
    detail: bool = False,
    title: str | None = None,
) -> Axes:
    """Program chart: one row per mission on a UTC axis, major phases as family blocks.

    Args:
        timelines: one run per mission (any epochs); rows are ordered by launch.
        ax: where to draw; a new figure sized to the rows when omitted.
        detail: also draw every element lane of every mission (a band per mission).
        title: chart title; the mission names when omitted.

    Returns:
        The Axes drawn on.
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.transforms import ScaledTranslation

    if not timelines:
        raise ValueError("program_gantt needs at least one timeline")
    runs = sorted(timelines, key=lambda t: t.utc(_start_s(t)))
    lanes_of = {id(t): list(dict.fromkeys(p.element for p in t.phases if p.outcome == "done")) for t in runs}
    n_rows = len(runs) + (sum(len(v) for v in lanes_of.values()) if detail else 0)
    own_figure = ax is None
    if ax is None:
        import matplotlib.pyplot as plt

        per_row = LANE_HEIGHT_IN if detail else ROW_HEIGHT_IN
        height = 1.9 + per_row * n_rows + (0.25 * len(runs) if detail else 0.3)
        fig = plt.figure(figsize=(13, height))
        ax = fig.add_subplot()
        longest = max(
            [len(t.name) * 1.15 for t in runs]
            + ([len(lane) for v in lanes_of.values() for lane in v] if detail else [])
        )
        left_in, top_in, bottom_in = 0.3 + 0.072 * longest, 1.05, 0.45
        fig.subplots_adjust(left=left_in / 13, right=0.985, top=1 - top_in / height, bottom=bottom_in / height)

    # the axis span, before stretching, sets the minimum block width
    t_lo = min(t.utc(_start_s(t)) for t in runs)
    t_hi = max(t.utc(t.end_s) for t in runs)
    span_s = max((t_hi - t_lo).total_seconds(), 30 * DAY_S)
    min_block_s = span_s * MIN_BLOCK_FRACTION
    min_lane_s = span_s * MIN_LANE_FRACTION

    def num(run: Timeline, t_s: float) -> float:
        return float(mdates.date2num(run.utc(t_s)))

    families_seen: set[str] = set()
    labels: list[tuple[Text, float, float]] = []  # (text, drawn start x, drawn end x) for placement
    yticks: list[float] = []
    ylabels: list[str] = []
    bold_rows: list[int] = []
    drawn_hi = []
    has_gap = False
    y = 0.0
    for k, run in enumerate(runs):
        blocks = mission_blocks(run)
        stretch = _Stretch.build(blocks, min_block_s)
        start_s, end_s = _start_s(run), run.end_s
        x0 = num(run, stretch(start_s))
        x1 = num(run, stretch(end_s))
        band_top = y
        # mission row: span line, blocks, launch marker
        ax.plot([x0, x1], [y, y], color="#777777", lw=0.8, zorder=1, solid_capstyle="butt")
        for fam, a, b in blocks:
            if fam is None:
                has_gap = True
                continue
            families_seen.add(fam)
            left, right = num(run, stretch(a)), num(run, stretch(b))
            ax.barh(
                y,
                right - left,
                left=left,
                height=0.62 if detail else 0.52,
                color=FAMILY_COLOURS[fam],
                edgecolor="white",
                linewidth=0.4,
                zorder=2,
            )
        ax.plot(x0, y + 0.4, marker="^", ms=5.5, color="black", zorder=4, clip_on=False)
        text = ax.text(
            x1, y, _dates(run, start_s, end_s), va="center", ha="left", fontsize=8, color="#222222", zorder=5
        )
        labels.append((text, x0, x1))
        drawn_hi.append(x1)
        yticks.append(y)
        ylabels.append(run.name)
        bold_rows.append(len(yticks) - 1)
        y += 1.0
        if detail:
            y -= 0.15
            for lane in lanes_of[id(run)]:
                lane_phases = [p for p in run.phases if p.element == lane and p.outcome == "done"]
                at = -float("inf")
                for fam, a, b in family_blocks(lane_phases):
                    if fam is None:
                        continue
                    families_seen.add(fam)
                    left = max(num(run, stretch(a)), at)
                    right = max(num(run, stretch(b)), left + min_lane_s / DAY_S)
                    ax.barh(
                        y,
                        right - left,
                        left=left,
                        height=0.5,
                        color=FAMILY_COLOURS[fam],
                        edgecolor="white",
                        linewidth=0.3,
                        zorder=2,
                    )
                    at = right
                for p in lane_phases:
                    if p.duration_s <= 0 and not any(q.duration_s > 0 for q in lane_phases):
                        ax.plot(num(run, stretch(p.start_s)), y, marker="D", ms=4, color="#555555", zorder=3)
                yticks.append(y)
                ylabels.append(lane.replace("_", " "))
                y += 0.72
            y += 0.35
            if k % 2 == 0:
                ax.axhspan(band_top - 0.5, y - 0.55, color="#f3f3f3", zorder=0, lw=0)
        else:
            y += 0.1

    # axes: years, room on both sides for the launch marker and the date labels
    left_num = float(mdates.date2num(t_lo)) - span_s * 0.02 / DAY_S
    right_num = max(drawn_hi) + span_s * 0.02 / DAY_S
    ax.set_xlim(left_num, right_num)
    ax.set_ylim(y - (0.6 if detail else 0.45), -0.75)
    ax.set_yticks(yticks, ylabels, fontsize=8)
    for i, tick in enumerate(ax.get_yticklabels()):
        if i in bold_rows:
            tick.set_fontweight("bold")
            tick.set_fontsize(9.5)
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
    ax.grid(axis="x", color="#dddddd", lw=0.6, zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)

    _place_labels(ax, labels)

    # title, note and legend above the axes, at fixed offsets in points
    names = ", ".join(t.name for t in runs)
    ax.set_title(title or f"{names}: nominal timelines", loc="left", fontsize=11, pad=44)
    days = min_block_s / DAY_S
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
        fontsize=7.5,
        color="#555555",
        va="bottom",
        ha="left",
        annotation_clip=False,
    )
    handles: list[Patch | Line2D] = [
        Patch(facecolor=FAMILY_COLOURS[f], label=f) for f in LEGEND_ORDER if f in families_seen
    ]
    handles.append(Line2D([], [], marker="^", ls="", color="black", ms=5.5, label="launch"))
    if has_gap:
        handles.append(Line2D([], [], color="#777777", lw=0.8, label="no phase running"))
    offset = ScaledTranslation(0, 3 / 72, ax.figure.dpi_scale_trans)
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1),
        bbox_transform=ax.transAxes + offset,
        ncol=len(handles),
        fontsize=8,
        frameon=False,
        borderaxespad=0,
        handlelength=1.6,
        columnspacing=1.4,
    )
    if own_figure:
        ax.set_zorder(1)
    return ax


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
