"""Interactive charts (plotly) for the one-file HTML report: zoomable Gantt with hover, S-curve, tornado.

plotly is an optional extra (``pip install 'lunar-timeline[html]'``); it is imported inside the
functions, so the rest of ``sim.plots`` works without it. Like the matplotlib charts, these take
results and plain data and return a figure; they never run a simulation or write a file.

Colours are those of the static charts (``sim.plots.gantt.KIND_COLOURS``), so a reader moving
between the PNG and the page sees the same families.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.plots.gantt import KIND_COLOURS, WAIT_STYLES, Actuals
from sim.results.published import PRECISION_WINDOW_S
from sim.results.records import Ensemble, Timeline
from sim.timebase import HOUR_S, format_duration, format_utc, to_utc

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

#: Pixels per phase row of the Gantt (plus a fixed margin for the title, axis and legend).
ROW_PX = 22
#: Bar thickness in rows (set on every bar trace: plotly would size a lone bar to the axis).
BAR_WIDTH = 0.7
#: Where the true time lies relative to a published one, by its precision (seconds: lo, hi);
#: its one definition is sim.results.published.PRECISION_WINDOW_S.
FLOWN_WINDOW_S = PRECISION_WINDOW_S
_PRECISION_TEXT = {"s": "to the second", "min": "to the minute", "h": "approximate hour", "date": "date only"}


def _require_plotly() -> Any:
    try:
        import plotly.graph_objects as go
    except ModuleNotFoundError:  # pragma: no cover - exercised only without the extra
        raise ModuleNotFoundError(
            "the HTML report needs plotly: pip install 'lunar-timeline[html]'", name="plotly"
        ) from None
    return go


def _utc(timeline: Timeline, t_s: float) -> datetime:
    return to_utc(timeline.epoch, t_s).replace(tzinfo=None)  # plotly reads naive datetimes as given (UTC here)


def _stamp(timeline: Timeline, t_s: float) -> str:
    return format_utc(timeline.utc(t_s), seconds=False).replace("T", " ").replace("Z", " UTC")


def row_labels(timeline: Timeline, rows: Sequence[Any]) -> list[str]:
    """One y label per phase row: its name, made unique with its id where two phases share a name."""
    names = [p.name for p in rows]
    return [f"{p.name} [{p.id}]" if names.count(p.name) > 1 else p.name for p in rows]


def gantt_figure(
    timeline: Timeline,
    *,
    actuals: Actuals | None = None,
    precision: Mapping[str, str] | None = None,
    lanes: Sequence[str] | None = None,
    lane_names: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
    end_spread: Mapping[str, tuple[float, float]] | None = None,
    title: str | None = None,
) -> Figure:
    """The nominal run as an interactive Gantt: a row per phase grouped by element lane, zoom and pan
    on a UTC axis, and a hover card per bar with start, end, duration, wait (and its cause), the
    flown times (with their precision) and the source.

    Args:
        timeline: the run.
        actuals: flown ``(start_s, end_s)`` per phase id; drawn as a black band as wide as the
            precision of the published time (``precision``: ``s``, ``min``, ``h`` or ``date``).
        lanes: element order; ``lane_names`` their display names (default: the ids).
        sources: per phase id, where its numbers come from (shown on hover).
        end_spread: per phase id, Monte Carlo (P10, P90) of its end, seconds since the epoch.
    """
    go = _require_plotly()
    actuals, precision, sources = actuals or {}, precision or {}, sources or {}
    lane_names = lane_names or {}
    order = list(lanes or timeline.elements or dict.fromkeys(p.element for p in timeline.phases))
    order += [e for e in dict.fromkeys(p.element for p in timeline.phases) if e not in order]
    rows = [p for lane in order for p in timeline.phases if p.element == lane and p.outcome == "done"]
    labels = row_labels(timeline, rows)
    ys, headers = _row_positions(rows, order)
    fig = go.Figure()
    for kind in dict.fromkeys(p.kind for p in rows):
        idx = [i for i, p in enumerate(rows) if p.kind == kind and p.duration_s > 0]
        marks = [i for i, p in enumerate(rows) if p.kind == kind and p.duration_s <= 0]
        if marks:  # milestones (0 s): a diamond at the instant
            fig.add_trace(
                go.Scatter(
                    x=[_utc(timeline, rows[i].start_s) for i in marks],
                    y=[ys[i] for i in marks],
                    mode="markers",
                    marker={
                        "symbol": "diamond",
                        "size": 10,
                        "color": KIND_COLOURS.get(kind, "#7f7f7f"),
                        "line": {"color": "black", "width": 0.6},
                    },
                    name=kind.replace("_", " "),
                    legendgroup=kind,
                    showlegend=not idx,
                    hovertext=[_hover(timeline, rows[i], actuals, precision, sources, lane_names) for i in marks],
                    hoverinfo="text",
                )
            )
        if not idx:
            continue
        hover = [_hover(timeline, rows[i], actuals, precision, sources, lane_names) for i in idx]
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[ys[i] for i in idx],
                base=[_utc(timeline, rows[i].start_s) for i in idx],
                x=[rows[i].duration_s * 1000.0 for i in idx],
                width=BAR_WIDTH,
                marker={"color": KIND_COLOURS.get(kind, "#7f7f7f"), "line": {"width": 0}},
                name=kind.replace("_", " "),
                legendgroup=kind,
                hovertext=hover,
                hoverinfo="text",
            )
        )
    for cause, (_, edge) in WAIT_STYLES.items():
        segs = [(ys[i], a, b) for i, p in enumerate(rows) for c, a, b in p.wait_segments() if c == cause]
        if segs:
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    y=[s[0] for s in segs],
                    base=[_utc(timeline, s[1]) for s in segs],
                    x=[(s[2] - s[1]) * 1000.0 for s in segs],
                    width=BAR_WIDTH,
                    marker={
                        "color": "rgba(255,255,255,0.6)",
                        "line": {"color": edge, "width": 1},
                        "pattern": {"shape": "/", "fgcolor": edge},
                    },
                    name=f"wait for {cause}",
                    hovertext=[f"waits for {cause}: {format_duration(s[2] - s[1])}" for s in segs],
                    hoverinfo="text",
                )
            )
    _flown_traces(fig, go, timeline, rows, ys, actuals, precision)
    if end_spread:
        xs: list[datetime | None] = []
        spread_y: list[float | None] = []
        for i, p in enumerate(rows):
            if p.id in end_spread and end_spread[p.id][1] > end_spread[p.id][0]:
                lo, hi = end_spread[p.id]
                xs += [_utc(timeline, lo), _utc(timeline, hi), None]
                spread_y += [ys[i], ys[i], None]
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=spread_y,
                    mode="lines+markers",
                    name="end P10-P90 (Monte Carlo)",
                    line={"color": "#e6550d", "width": 2},
                    marker={"symbol": "line-ns-open", "size": 10},
                    hoverinfo="skip",
                )
            )
    epoch = format_utc(timeline.epoch).replace("T", " ").replace("Z", " UTC")
    plot_rows = (max(ys) + 1.0) if ys else 1.0  # phase rows, lane headers and gaps, in rows
    fig.update_layout(
        title={
            "text": title or f"{timeline.name}: nominal timeline (T0 {epoch}, {format_duration(timeline.duration_s)})",
            "x": 0.01,
        },
        barmode="overlay",
        height=round(230 + ROW_PX * plot_rows),
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        legend={"orientation": "h", "y": -70 / (200 + ROW_PX * plot_rows), "yanchor": "top"},
        hoverlabel={"align": "left"},
        plot_bgcolor="white",
    )
    fig.update_yaxes(
        tickmode="array",
        tickvals=ys,
        ticktext=labels,
        range=[plot_rows - 0.4, -0.6],  # top to bottom
        showgrid=False,
        zeroline=False,
        automargin=True,
        tickfont={"size": 11},
    )
    fig.update_xaxes(
        type="date",
        title_text="UTC",
        showgrid=True,
        gridcolor="#e5e5e5",
        tickformat="%d %b\n%Y",
        hoverformat="%Y-%m-%d %H:%M",
    )
    for lane, y in headers:  # each lane's name on a row of its own, above its phases
        fig.add_annotation(
            x=0,
            xref="paper",
            y=y,
            yref="y",
            xanchor="left",
            yanchor="middle",
            text=f"<b>{lane_names.get(lane, lane)}</b>",
            showarrow=False,
            font={"size": 11},
        )
    return fig


def _row_positions(rows: Sequence[Any], order: Sequence[str]) -> tuple[list[float], list[tuple[str, float]]]:
    """The y of every phase row (top = 0, downwards), with a header row before each lane's phases
    and a small gap after them, and the (lane, y) of each header: a lane name never shares a row
    with a phase label."""
    ys: list[float] = [0.0] * len(rows)
    headers: list[tuple[str, float]] = []
    y = 0.0
    for lane in order:
        idx = [i for i, p in enumerate(rows) if p.element == lane]
        if not idx:
            continue
        headers.append((lane, y))
        y += 1.0
        for i in idx:
            ys[i] = y
            y += 1.0
        y += 0.3
    return ys, headers


def _hover(
    timeline: Timeline,
    p: Any,
    actuals: Actuals,
    precision: Mapping[str, str],
    sources: Mapping[str, str],
    lane_names: Mapping[str, str],
) -> str:
    """The hover card of a phase bar (plotly's HTML subset)."""
    lines = [
        f"<b>{p.name}</b> ({p.id}, {p.kind.replace('_', ' ')})",
        f"lane: {lane_names.get(p.element, p.element)}",
        f"start: {_stamp(timeline, p.start_s)}",
        f"end: {_stamp(timeline, p.end_s)}",
        f"duration: {format_duration(p.duration_s)} ({p.duration_s / HOUR_S:.2f} h)",
    ]
    if p.wait_s > 0:
        lines.append(f"waited before start: {format_duration(p.wait_s)} ({p.wait_cause or 'wait'})")
    a_start, a_end = actuals.get(p.id, (None, None))
    prec = _PRECISION_TEXT.get(precision.get(p.id, "min"), "")
    for what, t in (("flown start", a_start), ("flown end", a_end)):
        if t is not None:
            lines.append(f"{what}: {_stamp(timeline, t)} ({prec})")
    if p.id in sources:
        lines.append("source: " + _wrap(sources[p.id]))
    return "<br>".join(lines)


def _wrap(text: str, width: int = 70) -> str:
    import textwrap

    return "<br>  ".join(textwrap.wrap(text, width))


def _flown_traces(
    fig: Figure,
    go: Any,
    timeline: Timeline,
    rows: Sequence[Any],
    ys: Sequence[float],
    actuals: Actuals,
    precision: Mapping[str, str],
) -> None:
    """Flown times: a black line from flown start to flown end, and at each published time a band as
    wide as its precision (a date-only time covers its whole day)."""
    line_x: list[datetime | None] = []
    line_y: list[float | None] = []
    for i, p in enumerate(rows):
        a_start, a_end = actuals.get(p.id, (None, None))
        lo, hi = FLOWN_WINDOW_S[precision.get(p.id, "min")]
        for t in (a_start, a_end):
            if t is None:
                continue
            line_x += [_utc(timeline, t + lo), _utc(timeline, t + max(hi, lo + 120.0)), None]
            line_y += [ys[i], ys[i], None]
    if line_x:
        fig.add_trace(
            go.Scatter(
                x=line_x,
                y=line_y,
                mode="lines",
                name="flown (band = precision of the published time)",
                line={"color": "black", "width": 7},
                opacity=0.55,
                hoverinfo="skip",
            )
        )


def s_curve_figure(ens: Ensemble, *, deadline: datetime | None = None) -> Figure:
    """P(mission ends by date) over the successful replications, P50/P80 marked; hover gives the date."""
    go = _require_plotly()
    ends = np.sort(ens.end_s[ens.success])
    fig = go.Figure()
    if ends.size:
        step = max(1, ends.size // 2000)
        y = (np.arange(1, ends.size + 1) / ens.replications)[::step]
        x = [(ens.epoch + timedelta(seconds=float(t))).replace(tzinfo=None) for t in ends[::step]]
        fig.add_trace(
            go.Scatter(x=x, y=y, mode="lines", name="P(mission ends by date)", line={"color": "#2171b5", "width": 2})
        )
        for q, colour in ((50, "#238b45"), (80, "#d94801")):
            t = float(np.percentile(ends, q))
            fig.add_vline(
                x=(ens.epoch + timedelta(seconds=t)).replace(tzinfo=None).timestamp() * 1000,
                line={"color": colour, "dash": "dash", "width": 1},
                annotation_text=f"P{q} {format_utc(to_utc(ens.epoch, t), seconds=False)}",
                annotation_position="top left" if q == 50 else "bottom right",
            )
    if deadline is not None:
        fig.add_vline(
            x=deadline.replace(tzinfo=None).timestamp() * 1000, line={"color": "#a50f15"}, annotation_text="deadline"
        )
    fig.update_layout(
        title={
            "text": f"{ens.name}: mission end, Monte Carlo {ens.replications:,} replications (seed {ens.seed})",
            "x": 0.01,
        },
        yaxis={"title": "share of replications", "tickformat": ".0%", "range": [0, 1.02]},
        xaxis={"title": "UTC", "type": "date"},
        height=420,
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        plot_bgcolor="white",
        showlegend=False,
    )
    return fig


def tornado_figure(ens: Ensemble, sensitivity: np.ndarray, labels: Sequence[str], top: int = 12) -> Figure:
    """Spearman rank correlation of each phase's duration with the mission end, largest |rho| first."""
    go = _require_plotly()
    order = [i for i in np.argsort(-np.abs(sensitivity)) if np.isfinite(sensitivity[i])][:top][::-1]
    fig = go.Figure(
        go.Bar(
            orientation="h",
            x=[float(sensitivity[i]) for i in order],
            y=[labels[i] for i in order],
            marker={"color": ["#d94801" if sensitivity[i] > 0 else "#2171b5" for i in order]},
            hovertemplate="%{y}: %{x:+.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        title={
            "text": f"{ens.name}: what drives the mission end (Spearman rho, Monte Carlo {ens.replications:,})",
            "x": 0.01,
        },
        xaxis={"range": [-1.05, 1.05], "title": "rank correlation with the mission end", "zeroline": True},
        yaxis={"automargin": True},
        height=120 + 26 * len(order),
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        plot_bgcolor="white",
    )
    return fig
