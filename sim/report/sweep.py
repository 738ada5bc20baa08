"""The terminal table of a sweep: one row per variant, from the typed ``SweepResult``.

Times are the rows' aware UTC datetimes printed to the minute; hours are seconds after each
variant's epoch; nothing is parsed back from the JSON. Fitted to the terminal by
``sim.report.fit`` (the first key stays, the other columns wrap into parts).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sim.report.fit import Column, fit_tables
from sim.results.sweep_types import EndSpread, SweepResult
from sim.timebase import HOUR_S, format_utc

if TYPE_CHECKING:
    from rich.console import Console


def minute(t: datetime | None) -> str:
    """``2026-10-04T12:00:31Z`` -> ``2026-10-04 12:01`` (the header says UTC); ``-`` for None."""
    if t is None:
        return "-"
    # to the second first, as the JSON prints it, then to the minute: the table agrees with the JSON
    t = (t + timedelta(microseconds=500_000)).replace(microsecond=0)
    return format_utc(t, seconds=False).replace("T", " ").rstrip("Z")


def _hours(spread: EndSpread | None, q: int) -> str:
    # rounded to 3 decimals first, as the JSON is, so table and JSON never disagree in the last digit
    return f"{round(spread.s(q) / HOUR_S, 3):.1f}" if spread else "-"


def sweep_table(result: SweepResult, console: Console) -> None:
    """Print the study as a terminal table: one row per variant."""
    keys = [a.key for a in result.axes]
    milestone = result.milestone
    deadline = result.deadline_utc
    errors = any(r.error for r in result.variants)
    columns = [Column(k, "left") for k in keys[1:]]
    columns += [Column("success"), Column("end P50", "left"), Column("end P80", "left")]
    columns += [Column("P50 h"), Column("P80 h")]
    if milestone:
        columns += [Column(f"{milestone}\nP50", "left"), Column(f"{milestone}\nP80", "left")]
    if deadline:
        columns.append(Column(f"by\n{minute(deadline)}"))
    if errors:
        columns.append(Column("error", "left"))
    rows = []
    for r in result.variants:
        row = [r.values[k] for k in keys]
        ok = r.error is None and r.success_probability is not None
        row.append(f"{round(r.success_probability, 6):.1%}" if ok and r.success_probability is not None else "-")
        end = r.end
        row += [minute(end.p50_utc if end else None), minute(end.p80_utc if end else None)]
        row += [_hours(end, 50), _hours(end, 80)]
        if milestone:
            m_end = r.milestone.end if r.milestone else None
            row += [minute(m_end.p50_utc if m_end else None), minute(m_end.p80_utc if m_end else None)]
        if deadline:
            p = r.deadline_probability
            row.append(f"{round(p, 6):.1%}" if r.error is None and p is not None else "-")
        if errors:
            row.append(r.error or "")
        rows.append(row)
    title = f"{result.name} ({result.scenario_id}): {len(result.variants)} variants"
    caption = (
        f"{result.replications:,} replications per variant, seed {result.seed} for every variant "
        "(common random numbers); times UTC; hours after each variant's epoch"
    )
    for part in fit_tables(console, title, Column(keys[0], "left", shrink=False), columns, rows, caption):
        console.print(part)
