"""The one-file HTML report of ``lunarsim report``: everything inlined, opens offline.

One page per call: for each mission the interactive Gantt (``sim.plots.interactive``), the windows
its phases waited for, the plan vs flown vs simulated table and, when a Monte Carlo ensemble is
given, the S-curve, the tornado and the per-phase risk table. plotly.js is inlined once (about
4.7 MB), styles are inline, and nothing is fetched when the page opens (no CDN, no fonts, no
MathJax), so the file can be mailed or put on a USB stick.

The page is assembled from results; this module runs nothing (the CLI does).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sim.report.tables import flown_percentile_text
from sim.results.html import escape
from sim.results.html import table as html_table
from sim.results.mc_types import MonteCarloSummary
from sim.results.records import hours
from sim.timebase import HOUR_S, format_duration, format_utc, to_utc

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

    from sim.results.comparison import Comparison
    from sim.results.records import Ensemble, Timeline
    from sim.scenario.model import Scenario
    from sim.sky.intervals import WindowTable

#: At most this many openings of a window are listed (those around the run: from the last one
#: before the epoch to the mission end).
WINDOW_ROWS = 12

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem auto;
       max-width: 1400px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
h3 { margin-top: 1.6rem; } .meta { color: #555; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0 1rem; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #e3e3e3; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; position: sticky; top: 0; }
td.name, th.name, td.text { text-align: left; white-space: normal; }
td.text { min-width: 30ch; }
.note { color: #555; font-size: .85rem; max-width: 90ch; }
"""


@dataclass
class MissionReport:
    """What the report shows of one mission: its scenario and nominal run, and optionally a Monte
    Carlo ensemble with its typed summary (``lunarsim mc --json`` is its ``to_dict``), the
    sensitivities the tornado draws and each phase's end spread (P10, P90; seconds)."""

    scenario: Scenario
    timeline: Timeline
    windows: Sequence[WindowTable] = ()
    ensemble: Ensemble | None = None
    mc_summary: MonteCarloSummary | None = None
    sensitivity: Any = None
    end_spread: dict[str, tuple[float, float]] = field(default_factory=dict)


def report_html(missions: Sequence[MissionReport], comparison: Comparison, *, title: str | None = None) -> str:
    """The whole page as one string."""
    names = ", ".join(m.timeline.name for m in missions)
    title = title or f"{names}: mission timeline report"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">Made by lunar-timeline {_version()} on {format_utc(datetime.now().astimezone())}. '
        "Times are UTC. Simulated times are the nominal run of each scenario (every duration at its "
        "nominal value); flown times come from the scenario's <code>actual</code> blocks and their "
        "sources. Hover a bar for details; drag to zoom, double-click to reset.</p>",
    ]
    figures: list[Figure] = []
    if len(missions) > 1:
        parts.append(_missions_table(comparison))
    for m in missions:
        parts.append(f'<h2 id="{_e(m.scenario.id)}">{_e(m.timeline.name)} ({_e(m.scenario.id)})</h2>')
        parts.append(_mission_meta(m))
        parts.append(_figure_slot(figures, _gantt(m)))
        parts.append(_windows_table(m))
        parts.append(_phase_table(comparison, m.scenario.id))
        if m.ensemble is not None and m.mc_summary is not None:
            parts.append(_risk(m, figures))
    parts.append("</body></html>")
    page = "\n".join(parts)
    return _fill_figures(page, figures)


# ----------------------------------------------------------------------------------------- figures


def _figure_slot(figures: list[Figure], fig: Figure) -> str:
    figures.append(fig)
    return f"<!--figure {len(figures) - 1}-->"


def _fill_figures(page: str, figures: Sequence[Figure]) -> str:
    """Replace each figure slot by the figure's div; plotly.js is inlined with the first one only."""
    for i, fig in enumerate(figures):
        div = fig.to_html(
            full_html=False,
            include_plotlyjs=i == 0,  # True: the whole library inline, no CDN
            include_mathjax=False,
            div_id=f"figure-{i}",
            config={"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png"}},
        )
        page = page.replace(f"<!--figure {i}-->", div, 1)
    return page


def _gantt(m: MissionReport) -> Figure:
    from sim.plots.interactive import gantt_figure
    from sim.results.published import actual_precisions, actual_times

    sc = m.scenario
    sources = {p.id: src for p in sc.phases if (src := (p.actual.source if p.actual else None) or p.source)}
    return gantt_figure(
        m.timeline,
        actuals=actual_times(sc),
        precision=actual_precisions(sc),
        lanes=list(sc.element_ids),
        lane_names=sc.lane_names(),
        sources=sources,
        end_spread=m.end_spread or None,
    )


def _risk(m: MissionReport, figures: list[Figure]) -> str:
    from sim.plots.interactive import s_curve_figure, tornado_figure

    assert m.ensemble is not None and m.mc_summary is not None
    s = m.mc_summary
    parts = [f"<h3>Schedule risk: Monte Carlo, {s.replications:,} replications, seed {s.seed}</h3>"]
    line = f"Success probability {round(s.success_probability, 6):.2%}."
    if s.end is not None:
        e = s.end.utc_dict()
        line += (
            f" Mission duration P10 {hours(s.end.s(10)):.1f} h, P50 {hours(s.end.s(50)):.1f} h, "
            f"P90 {hours(s.end.s(90)):.1f} h; mission end P50 {_e(e['p50'])}, P80 {_e(e['p80'])}."
        )
    parts.append(f'<p class="note">{line}</p>')
    parts.append(_figure_slot(figures, s_curve_figure(m.ensemble)))
    if m.sensitivity is not None:
        labels = [p.label for p in m.scenario.phases]
        parts.append(_figure_slot(figures, tornado_figure(m.ensemble, m.sensitivity, labels)))
    names = {p.id: p.label for p in m.scenario.phases}
    rows = []
    for row in s.phases:
        rows.append(
            [
                names.get(row.id, row.id),
                _num(_h(row.duration_p10_s)),
                _num(_h(row.duration_p50_s)),
                _num(_h(row.duration_p90_s)),
                _num(_h(row.end_p50_s), 1),
                f"{round(row.criticality, 4):.0%}",
                f"{round(row.sensitivity, 4):+.2f}",
                _num(_h(row.actual_s)),
                flown_percentile_text(row),
            ]
        )
    head = ["phase", "P10 h", "P50 h", "P90 h", "end P50 h", "critical", "sensitivity", "flown h", "flown pct"]
    parts.append(_table(head, rows))
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------ tables


def _mission_meta(m: MissionReport) -> str:
    t = m.timeline
    epoch = format_utc(t.epoch).replace("T", " ").replace("Z", " UTC")
    end = format_utc(t.utc(t.end_s)).replace("T", " ").replace("Z", " UTC")
    return (
        f'<p class="meta">Launch epoch T0 {epoch}; nominal end {end} '
        f"({format_duration(t.duration_s)}, {t.duration_s / HOUR_S:.1f} h); outcome {t.outcome}; "
        f"{len(t.phases)} phases on {len(t.elements) or len({p.element for p in t.phases})} element lanes.</p>"
    )


def _windows_table(m: MissionReport) -> str:
    """The openings of every window a phase of this mission waits for, around the run."""
    if not m.windows:
        return ""
    t = m.timeline
    users: dict[str, list[str]] = {}
    for p in m.scenario.phases:
        if p.window is not None:
            users.setdefault(p.window.name, []).append(p.label)
    rows = []
    for table in m.windows:
        starts, ends = table.starts, table.ends
        shown = [k for k in range(len(starts)) if ends[k] >= 0 and starts[k] <= t.end_s][:WINDOW_ROWS]
        for n, k in enumerate(shown):
            rows.append(
                [
                    table.name if n == 0 else "",
                    _utc(t.epoch, float(starts[k])),
                    _utc(t.epoch, float(ends[k])),
                    format_duration(float(ends[k] - starts[k])),
                    "; ".join(users.get(table.name, [])) if n == 0 else "",
                ]
            )
    note = (
        f'<p class="note">Openings of each window from T0 to the nominal end (at most {WINDOW_ROWS} each); a '
        "phase that uses a window starts only inside an opening.</p>"
    )
    return (
        "<h3>Windows</h3>"
        + _table(["window", "opens (UTC)", "closes (UTC)", "open for", "used by"], rows, text_cols={4})
        + note
    )


def _phase_table(comparison: Comparison, mission: str) -> str:
    from sim.report.compare_tables import fmt_delta, fmt_h

    rows = []
    for p in comparison.mission_phases(mission):
        rows.append(
            [
                p.name,
                fmt_h(p.planned_h),
                fmt_h(p.actual_h)
                + (f" ({p.actual_precision})" if p.actual_precision and p.actual_h is not None else ""),
                fmt_h(p.simulated_h),
                fmt_delta(p.planned_h, p.actual_h),
                fmt_delta(p.actual_h, p.simulated_h),
            ]
        )
    s = comparison.summary(mission)
    rows.append(
        [
            "Mission: launch epoch to end",
            fmt_h(s.planned_h),
            fmt_h(s.actual_h),
            fmt_h(s.simulated_h),
            fmt_delta(s.planned_h, s.actual_h),
            fmt_delta(s.actual_h, s.simulated_h),
        ]
    )
    head = ["phase", "planned h", "flown h (precision)", "simulated h", "flown - planned", "sim - flown"]
    note = (
        '<p class="note">Hours. Deltas are second minus first (h, and % of the first). "-": not '
        "published or not modelled.</p>"
    )
    return "<h3>Planned vs flown vs simulated</h3>" + _table(head, rows) + note


def _missions_table(comparison: Comparison) -> str:
    from sim.report.compare_tables import fmt_delta, fmt_h

    rows = [
        [
            f'<a href="#{_e(s.mission)}">{_e(s.name)}</a>',
            fmt_h(s.planned_h),
            fmt_h(s.actual_h),
            fmt_h(s.simulated_h),
            fmt_delta(s.actual_h, s.simulated_h),
        ]
        for s in comparison.summaries
    ]
    head = ["mission", "planned h", "flown h", "simulated h", "sim - flown"]
    return "<h2>Missions</h2>" + _table(head, rows, raw_first=True)


def _table(
    head: Sequence[str], rows: Sequence[Sequence[str]], *, raw_first: bool = False, text_cols: Collection[int] = ()
) -> str:
    """A table with the report's classes (``sim.results.html.table``: one alignment per column)."""
    return html_table(head, rows, raw_first=raw_first, text_cols=text_cols)


def _e(text: object) -> str:
    return escape(text)


def _h(t_s: float | None) -> float | None:
    """Seconds to hours rounded as ``lunarsim mc --json`` rounds them; None stays None."""
    return None if t_s is None else hours(t_s)


def _num(value: float | None, decimals: int = 2) -> str:
    return "-" if value is None else f"{value:.{decimals}f}"


def _utc(epoch: datetime, t_s: float) -> str:
    return format_utc(to_utc(epoch, t_s), seconds=False).replace("T", " ").rstrip("Z")


def _version() -> str:
    from sim import __version__

    return __version__
