"""Small HTML tables of results: what a notebook shows for a ``Timeline``, an ``Ensemble`` or a
``Comparison`` (their ``_repr_html_``), and the table markup the one-file report
(``sim.report.html``) builds its tables with.

They live with the results, not in ``sim.report``, because the records show themselves and the
results room may not import the rooms above it. Standard library and numpy only; every text is
escaped; times are UTC, durations ``4d 16h 28m`` (and hours where they are compared).
"""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from sim.timebase import DAY_S, HOUR_S, format_duration, format_utc, to_utc

if TYPE_CHECKING:
    from sim.results.comparison_types import Comparison
    from sim.results.records import Ensemble, Timeline

#: Inline style of the notebook tables (notebooks strip <style> blocks in some viewers).
_CELL = "padding:2px 8px;text-align:{align};white-space:nowrap"
#: Most phases an ensemble's table lists (the most critical first).
TOP_PHASES = 10


def escape(text: object) -> str:
    """``text`` as HTML text (quotes too)."""
    return html.escape(str(text), quote=True)


def table(
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    raw_first: bool = False,
    text_cols: Collection[int] = (),
    inline: bool = False,
) -> str:
    """An HTML table: the first column is a name (left), ``text_cols`` are text (left, wrapping;
    their header too), the rest numbers and times (right), whatever their length, so each column
    is aligned one way from top to bottom. ``raw_first``: the first cells are HTML already (links).
    ``inline``: styles on the cells (for notebooks) instead of classes (the report's stylesheet)."""

    def cell(tag: str, i: int, content: str) -> str:
        left = i == 0 or i in text_cols
        if inline:
            return f'<{tag} style="{_CELL.format(align="left" if left else "right")}">{content}</{tag}>'
        cls = ' class="name"' if i == 0 or (tag == "th" and left) else ' class="text"' if left else ""
        return f"<{tag}{cls}>{content}</{tag}>"

    out = ["<table><thead><tr>", *(cell("th", i, escape(h)) for i, h in enumerate(head)), "</tr></thead><tbody>"]
    for row in rows:
        cells = [cell("td", i, c if (raw_first and i == 0) else escape(c)) for i, c in enumerate(row)]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _stamp(epoch: datetime, t_s: float) -> str:
    return format_utc(to_utc(epoch, t_s), seconds=False).replace("T", " ").rstrip("Z")


def _caption(text: str) -> str:
    return f"<p><b>{escape(text)}</b></p>"


def timeline_html(timeline: Timeline) -> str:
    """A run: mission line (epoch, end, duration, outcome) and a row per phase that ran, in time order."""
    t = timeline
    head = f"{t.name} ({t.scenario_id}): T0 {_stamp(t.epoch, 0.0)} UTC, end {_stamp(t.epoch, t.end_s)} UTC"
    head += f", {format_duration(t.duration_s)} ({t.duration_s / HOUR_S:.1f} h), {t.outcome}"
    ran = sorted((p for p in t.phases if p.outcome != "not_run"), key=lambda p: (p.start_s, p.end_s))
    rows = [
        [
            p.name,
            p.kind.replace("_", " "),
            _stamp(t.epoch, p.start_s),
            _stamp(t.epoch, p.end_s),
            format_duration(p.duration_s),
            f"{format_duration(p.wait_s)} ({p.wait_cause})" if p.wait_s > 0 else "",
        ]
        for p in ran
    ]
    cols = ["phase", "kind", "start (UTC)", "end (UTC)", "duration", "waited before"]
    return "<div>" + _caption(head) + table(cols, rows, text_cols={1, 5}, inline=True) + "</div>"


def ensemble_html(ensemble: Ensemble) -> str:
    """A Monte Carlo run: the mission end's P10/P50/P90 (UTC and days) and success share, then
    the ``TOP_PHASES`` most critical phases with their duration percentiles."""
    e = ensemble
    ok = e.end_s[e.success]
    head = f"{e.name} ({e.scenario_id}): {e.replications:,} replications, seed {e.seed}, {e.engine} engine"
    parts = ["<div>", _caption(head)]
    if ok.size:
        q = np.percentile(ok, (10, 50, 90))
        rows = [
            ["mission end (UTC)", *(_stamp(e.epoch, float(v)) for v in q)],
            ["days from T0", *(f"{v / DAY_S:.2f}" for v in q)],
        ]
        parts.append(table(["", "P10", "P50", "P90"], rows, inline=True))
    parts.append(f"<p>success: {e.successes:,} of {e.replications:,} ({e.successes / max(e.replications, 1):.1%})</p>")
    crit = e.critical_count / max(e.successes, 1)
    order = np.argsort(-crit, kind="stable")[:TOP_PHASES]
    keep = e.success[: e.rows]
    rows = []
    for k in order:
        d = e.duration_s[: e.rows][keep, k].astype(np.float64) / HOUR_S
        p10, p50, p90 = np.percentile(d, (10, 50, 90)) if d.size else (np.nan,) * 3
        rows.append([e.phase_ids[k], f"{crit[k]:.0%}", f"{p10:.2f}", f"{p50:.2f}", f"{p90:.2f}"])
    parts.append(table(["phase (most critical first)", "critical", "P10 h", "P50 h", "P90 h"], rows, inline=True))
    parts.append("</div>")
    return "".join(parts)


def comparison_html(comparison: Comparison) -> str:
    """Planned vs flown vs simulated: one row per mission, and per mission its phases with a
    plan or a flown value (milestones and unpublished phases left out), hours."""

    def h(v: float | None) -> str:
        return "-" if v is None else f"{v:.2f}"

    def delta(a: float | None, b: float | None) -> str:
        if a is None or b is None:
            return ""
        return f"{b - a:+.2f}" + (f" ({100 * (b - a) / a:+.1f}%)" if a else "")

    rows = [
        [s.name, h(s.planned_h), h(s.actual_h), h(s.simulated_h), delta(s.actual_h, s.simulated_h)]
        for s in comparison.summaries
    ]
    cols = ["mission", "planned h", "flown h", "simulated h", "sim - flown"]
    parts = ["<div>", _caption("Planned vs flown vs simulated (nominal run), hours"), table(cols, rows, inline=True)]
    for m in comparison.missions:
        phases = [p for p in comparison.mission_phases(m) if p.planned_h or p.actual_h]
        rows = [
            [p.name, h(p.planned_h), h(p.actual_h), h(p.simulated_h), delta(p.actual_h, p.simulated_h)] for p in phases
        ]
        parts += [_caption(comparison.names.get(m, m)), table(["phase", *cols[1:]], rows, inline=True)]
    parts.append("</div>")
    return "".join(parts)
