"""Terminal table of a scenario's windows and their openings (``lunarsim windows``), 80 columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.report.tables import wide_console
from sim.results.windows import WindowListing
from sim.timebase import HOUR_S, format_utc_many

if TYPE_CHECKING:
    from rich.console import Console


def _short(iso: list[str]) -> list[str]:
    """``2020-11-23T20:30:12Z`` -> ``2020-11-23 20:30:12``."""
    return [s.replace("T", " ").rstrip("Z") for s in iso]


def windows_table(listing: WindowListing, console: Console | None = None) -> None:
    """One row per opening, grouped by window (its name, then its type on the next row)."""
    from rich.table import Table

    console = wide_console(console)
    table = Table(
        title=f"{listing.scenario_name} ({listing.scenario_id}): windows, UTC",
        caption=f"span {_short([listing.start.isoformat()])[0][:19]} to {_short([listing.end.isoformat()])[0][:19]}",
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("window", max_width=18, overflow="fold")
    table.add_column("open", no_wrap=True)
    table.add_column("close", no_wrap=True)
    table.add_column("hours", justify="right", no_wrap=True)
    for w in listing.windows:
        iv = w.openings_s
        rows = [["no opening", "", ""]]
        if iv.size:
            opens = _short(format_utc_many(listing.start, iv[:, 0]))
            closes = _short(format_utc_many(listing.start, iv[:, 1]))
            hours = [f"{h:.2f}" for h in (iv[:, 1] - iv[:, 0]) / HOUR_S]
            rows = [list(r) for r in zip(opens, closes, hours, strict=True)]
        if len(rows) == 1:
            rows.append(["", "", ""])
        labels = [w.name, f"({w.type})"]
        for k, row in enumerate(rows):
            table.add_row(labels[k] if k < 2 else "", *row, end_section=k == len(rows) - 1)
    console.print(table)
