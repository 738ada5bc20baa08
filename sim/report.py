"""Terminal tables (rich) for results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.results import Timeline
from sim.timebase import format_duration, format_met, format_utc

if TYPE_CHECKING:
    from rich.console import Console


def timeline_table(timeline: Timeline, console: Console | None = None) -> None:
    """Print the phase table of one run: phase, element, kind, start/end UTC, duration, MET."""
    from rich.console import Console
    from rich.table import Table

    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=200)  # piped or redirected: do not squeeze the columns
    epoch = format_utc(timeline.epoch).replace("T", " ").replace("Z", " UTC")
    table = Table(
        title=f"{timeline.name} ({timeline.scenario_id}), T0 {epoch}",
        caption=(
            f"outcome {timeline.outcome}; ends {format_utc(timeline.utc(timeline.end_s))}, "
            f"{format_met(timeline.end_s)} ({timeline.duration_s / 3600:.1f} h)"
        ),
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("phase", min_width=12)
    table.add_column("element", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("start (UTC)", no_wrap=True)
    table.add_column("end (UTC)", no_wrap=True)
    table.add_column("duration", justify="right", no_wrap=True)
    table.add_column("MET start", justify="right", no_wrap=True)
    waits = any(p.wait_s > 0 for p in timeline.phases)
    if waits:
        table.add_column("wait", justify="right")
    for p in timeline.phases:
        row = [
            p.name,
            p.element,
            p.kind,
            _utc(timeline, p.start_s),
            _utc(timeline, p.end_s),
            format_duration(p.duration_s),
            format_met(p.start_s),
        ]
        if waits:
            row.append(f"{format_duration(p.wait_s)} {p.wait_cause or ''}".strip() if p.wait_s > 0 else "")
        table.add_row(*row)
    console.print(table)


def _utc(timeline: Timeline, t_s: float) -> str:
    """``2020-11-23 20:30`` (the column header says UTC)."""
    return format_utc(timeline.utc(t_s), seconds=False).replace("T", " ").rstrip("Z")
