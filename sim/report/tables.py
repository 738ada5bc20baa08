"""Terminal tables (rich) for results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.results.records import Timeline
from sim.timebase import HOUR_S, format_duration, format_met, format_utc

if TYPE_CHECKING:
    from rich.console import Console


def wide_console(console: Console | None = None) -> Console:
    """``console`` if given, else a new rich console: 200 columns wide when piped or redirected.

    A wide console does not squeeze the tables' columns into a pipe's default 80 columns.
    """
    from rich.console import Console

    if console is not None:
        return console
    console = Console()
    return console if console.is_terminal else Console(width=200)


def timeline_table(timeline: Timeline, console: Console | None = None) -> None:
    """Print the phase table of one run: phase, element, kind, start/end UTC, duration, MET."""
    from rich.table import Table

    console = wide_console(console)
    epoch = format_utc(timeline.epoch).replace("T", " ").replace("Z", " UTC")
    table = Table(
        title=f"{timeline.name} ({timeline.scenario_id}), T0 {epoch}",
        caption=(
            f"outcome {timeline.outcome}; ends {format_utc(timeline.utc(timeline.end_s))}, "
            f"{format_met(timeline.end_s)} ({timeline.duration_s / HOUR_S:.1f} h)"
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


def mc_tables(summary: dict[str, Any], names: dict[str, str], console: Console | None = None) -> None:
    """Print the Monte Carlo summary and the per-phase table of ``lunarsim mc``."""
    from rich.table import Table

    console = wide_console(console)
    head = Table(
        title=f"{summary['scenario']}: {summary['replications']:,} replications, seed {summary['seed']}, "
        f"{summary['engine']} engine",
        title_justify="left",
        show_header=False,
    )
    head.add_column("what")
    head.add_column("value")
    head.add_row("success probability", f"{summary['success_probability']:.2%}")
    d, e = summary["duration_h"], summary["end"]
    if d:
        head.add_row(
            "mission duration (h)",
            f"mean {d['mean']:.1f}, std {d['std']:.1f}; P10 {d['p10']:.1f}, "
            f"P50 {d['p50']:.1f}, P80 {d['p80']:.1f}, P90 {d['p90']:.1f}",
        )
        head.add_row("mission end (UTC)", f"P10 {e['p10']}  P50 {e['p50']}  P80 {e['p80']}  P90 {e['p90']}")
    if "deadline" in summary:
        dl = summary["deadline"]
        head.add_row("deadline", f"{dl['at']}: P(on time) = {dl['probability']:.2%}")
    console.print(head)
    table = Table(title="per phase (hours)", title_justify="left")
    for col in (
        "phase",
        "P10",
        "P50",
        "P90",
        "end P50",
        "critical",
        "sensitivity",
        "wait",
        "slip",
        "actual",
        "actual pct",
    ):
        table.add_column(col, justify="left" if col == "phase" else "right", no_wrap=col != "phase")
    for row in summary["phases"]:
        dur = row["duration_h"] or {}
        table.add_row(
            names.get(row["id"], row["id"]),
            f"{dur.get('p10', float('nan')):.2f}",
            f"{dur.get('p50', float('nan')):.2f}",
            f"{dur.get('p90', float('nan')):.2f}",
            f"{(row['end_h'] or {}).get('p50', float('nan')):.1f}",
            f"{row['criticality']:.0%}",
            f"{row['sensitivity']:+.2f}",
            f"{row['wait_h']['mean']:.2f}",
            f"{row['slip_h']['total']:+.2f}",
            f"{row['actual_h']:.2f}" if "actual_h" in row else "",
            f"{row['actual_percentile']:.0f}%" if "actual_percentile" in row else "",
        )
    console.print(table)
