"""Terminal tables (rich) for results."""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

from sim.errors import printable_lines
from sim.report.fit import SECTION, Column, fit_tables
from sim.report.plain import plain_tables, plain_width
from sim.results.records import PhaseRecord, Timeline, hours
from sim.timebase import HOUR_S, format_duration, format_met, format_utc

if TYPE_CHECKING:  # the Monte Carlo types only for mc tables (not imported by `run`)
    from rich.console import Console

    from sim.results.mc_types import MonteCarloSummary, PhaseStats


def wide_console(console: Console | None = None) -> Console:
    """``console`` if given, else a new rich console: the terminal's width, or when piped or redirected
    ``$COLUMNS`` if set, else 200 columns.

    A wide console does not squeeze the tables' columns into a pipe's default 80 columns.
    """
    import os

    if console is not None:
        return console
    console = _SafeConsole()
    if console.is_terminal:
        return console
    columns = os.environ.get("COLUMNS", "")
    return _SafeConsole(width=int(columns) if columns.isdigit() and int(columns) > 0 else 200)


@functools.cache
def _safe_console_class() -> type[Console]:
    from rich.console import Console
    from rich.errors import MarkupError

    class SafeConsole(Console):
        """A console that prints user text safely: a cell whose text is not valid rich markup (a
        phase named ``[/x]``) is printed as plain text instead of failing, and control characters
        (an escaped ``\\e`` in a YAML string) are shown escaped, never sent to the terminal."""

        def render_str(self, text: str, **kwargs: Any) -> Any:
            text = printable_lines(text)
            try:
                return super().render_str(text, **kwargs)
            except MarkupError:
                kwargs["markup"] = False
                return super().render_str(text, **kwargs)

    return SafeConsole


def _SafeConsole(**kwargs: Any) -> Console:
    return _safe_console_class()(**kwargs)


def timeline_table(timeline: Timeline, console: Console | None = None, order: str = "time") -> None:
    """Print the phase table of one run: phase, start/end UTC, duration, wait, MET, kind, element.

    ``order`` is ``time`` (by start, then end: the order things happen) or ``file`` (the scenario's
    order). The table fits the console (see ``sim.report.fit``): at 80 columns the kind and element
    columns give way first, and the phase name is shortened with an ellipsis only if it must be.
    """
    width = plain_width() if console is None else None  # None: print with rich
    phases = ordered(timeline.phases, order)
    years = {timeline.utc(t).year for p in phases for t in (p.start_s, p.end_s)}
    year = f"UTC {years.pop()}" if len(years) == 1 else "UTC"  # one year: in the header, not on every row
    stamp = _utc_short if year != "UTC" else _utc
    waits = any(p.wait_s > 0 for p in phases)
    columns = [Column(f"start\n{year}"), Column(f"end\n{year}"), Column("duration")]
    if waits:
        columns.append(Column("wait"))
    floats = any(p.total_float_s is not None for p in phases)
    if floats:
        columns.append(Column("total\nfloat"))
    columns += [Column("MET\nstart", optional=True), Column("kind", "left", True), Column("element", "left", True)]
    rows = []
    for p in phases:
        row = [p.name, stamp(timeline, p.start_s), stamp(timeline, p.end_s), format_duration(p.duration_s)]
        if waits:
            row.append(f"{format_duration(p.wait_s)} {p.wait_cause or ''}".strip() if p.wait_s > 0 else "")
        if floats:
            row.append(_float_text(p))
        row += [format_met(p.start_s), p.kind, p.element]
        rows.append(row)
    epoch = format_utc(timeline.epoch).replace("T", " ").replace("Z", " UTC")
    caption = (
        f"outcome {timeline.outcome}; ends {format_utc(timeline.utc(timeline.end_s))}, "
        f"{format_met(timeline.end_s)} ({timeline.duration_s / HOUR_S:.1f} h); rows in {order} order"
    )
    for p in timeline.missed_deadlines():
        assert p.deadline_s is not None
        margin = p.deadline_margin_s
        late = "never ran" if margin is None else f"late by {format_duration(-margin)}"
        caption += f"\nDEADLINE MISSED: {p.name} (deadline {_utc(timeline, p.deadline_s)} UTC), {late}"
    title = f"{timeline.name} ({timeline.scenario_id}), T0 {epoch}"
    if width is not None:  # a pipe or a file: the same text without rich when the table is simple
        text = plain_tables(width, title, Column("phase", "left"), columns, rows, caption)
        if text is not None:
            sys.stdout.write(text)
            return
    console = wide_console(console)
    for table in fit_tables(console, title, Column("phase", "left"), columns, rows, caption):
        console.print(table)


ORDERS = ("time", "file")


def ordered(phases: Sequence[PhaseRecord], order: str) -> list[PhaseRecord]:
    """``phases`` in ``time`` order (start, then end; ties keep the file order) or in ``file`` order."""
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    return sorted(phases, key=lambda p: (p.start_s, p.end_s)) if order == "time" else list(phases)


def _float_text(p: PhaseRecord) -> str:
    """Total float: ``critical`` on a zero-float chain, else the slack (``3h20m``)."""
    if p.total_float_s is None:
        return ""
    return "critical" if p.critical else format_duration(p.total_float_s)


def _utc(timeline: Timeline, t_s: float) -> str:
    """``2020-11-23 20:30`` (the column header says UTC)."""
    return format_utc(timeline.utc(t_s), seconds=False).replace("T", " ").rstrip("Z")


def _utc_short(timeline: Timeline, t_s: float) -> str:
    """``11-23 20:30`` (the column header says UTC and the year)."""
    return _utc(timeline, t_s)[5:]


def _number(value: float | None, spec: str) -> str:
    """A statistic as text; one that does not exist (no successful replication ran the phase) is
    shown as ``not run``, never as ``nan``."""
    if value is None or value != value:
        return "not run"
    return format(value, spec)


def mc_tables(summary: MonteCarloSummary, names: dict[str, str], console: Console | None = None) -> None:
    """Print the Monte Carlo summary and the per-phase table of ``lunarsim mc``.

    The numbers are those of ``summary.to_dict()`` (``lunarsim mc --json``): hours rounded as the
    JSON rounds them (``_h``), then formatted, so the table and the JSON never disagree. ``names``
    maps ids to the names shown. A program's table (``summary.missions``) shows each mission as a
    section headed by its id, and under it the phases by their own ids; its risk table has a
    mission column.
    """
    from rich.table import Table

    console = wide_console(console)
    head = Table(
        title=f"{summary.scenario_id}: {summary.replications:,} replications, seed {summary.seed}, "
        f"{summary.engine} engine",
        title_justify="left",
        show_header=False,
    )
    head.add_column("what")
    head.add_column("value")
    head.add_row("success probability", f"{round(summary.success_probability, 6):.2%}")
    e = summary.end
    if e is not None:
        d = {q: _h(e.s(q)) for q in (10, 50, 80, 90)}
        head.add_row(
            "mission duration (h)",
            f"mean {_h(summary.duration_mean_s):.1f}, std {_h(summary.duration_std_s):.1f}; P10 {d[10]:.1f}, "
            f"P50 {d[50]:.1f}, P80 {d[80]:.1f}, P90 {d[90]:.1f}",
        )
        u = e.utc_dict()
        head.add_row("mission end (UTC)", f"P10 {u['p10']}  P50 {u['p50']}  P80 {u['p80']}  P90 {u['p90']}")
    if summary.deadline is not None:
        dl = summary.deadline
        head.add_row("deadline", f"{format_utc(dl.at_utc)}: P(on time) = {round(dl.probability, 6):.2%}")
    for pd in summary.phase_deadlines or ():
        spread = ""
        if pd.margin_p10_s is not None:
            m = [_h(v) for v in (pd.margin_p10_s, pd.margin_p50_s, pd.margin_p90_s)]
            spread = f"; margin (h) P10 {m[0]:+.1f}, P50 {m[1]:+.1f}, P90 {m[2]:+.1f}"
        what = names.get(pd.id, pd.id) if pd.mission is None else f"{pd.mission} {pd.phase_id}"
        head.add_row(
            f"deadline of {what}",
            f"{format_utc(pd.deadline_utc)}: P(on time) = {round(pd.probability, 6):.2%}{spread}",
        )
    console.print(head)
    columns = [
        Column("P10\nhours"),
        Column("P50\nhours"),
        Column("P90\nhours"),
        Column("end P50\nhours"),
        Column("criti-\ncal"),
        Column("sensi-\ntivity"),
        Column("wait\nhours"),
        Column("slip\nhours"),
        Column("flown\nhours"),
        Column("flown\npct"),
    ]
    rows: list[list[str]] = []
    for heading, phases in _sections(summary):
        if heading is not None:
            rows += [SECTION, [f"[bold]{heading}[/bold]", *[""] * len(columns)]]
        rows += [_phase_row(p, names.get(p.id, p.id) if summary.missions is None else _own(p)) for p in phases]
    caption = "duration percentiles; end P50 since T0; wait and slip: mean hours; flown: actual and its percentile"
    if summary.missions is not None:
        caption += "; a program's phases by their own ids, under their mission"
    if any(not p.ran for p in summary.phases):
        caption += "; not run: in no successful replication"
    for table in fit_tables(console, "per phase", Column("phase", "left"), columns, rows, caption):
        console.print(table)
    if summary.risks:
        keyed = summary.missions is not None
        risks = Table(title="risk events", title_justify="left")
        for col in ("mission",) * keyed + ("risk", "occurred", "end delay when it occurs (h)"):
            risks.add_column(col, justify="left" if col in ("mission", "risk") else "right")
        for r in summary.risks:
            risks.add_row(
                *(r.mission or "",) * keyed,
                names.get(r.id, r.id),
                f"{round(r.occurred_fraction, 6):.1%}",
                "n/a" if r.end_delay_s is None else f"{_h(r.end_delay_s):+.2f}",
            )
        console.print(risks)


def _phase_row(p: PhaseStats, name: str) -> list[str]:
    """One phase's row of the per-phase table of ``lunarsim mc``."""
    return [
        name,
        _number(_h(p.duration_p10_s), ".2f"),
        _number(_h(p.duration_p50_s), ".2f"),
        _number(_h(p.duration_p90_s), ".2f"),
        _number(_h(p.end_p50_s), ".1f"),
        f"{round(p.criticality, 4):.0%}",
        f"{round(p.sensitivity, 4):+.2f}",
        f"{_h(p.wait_s):.2f}",
        f"{_h(p.slip_total_s):+.2f}",
        f"{_h(p.actual_s):.2f}" if p.actual_s is not None else "",
        flown_percentile_text(p),
    ]


def _sections(summary: MonteCarloSummary) -> list[tuple[str | None, list[PhaseStats]]]:
    """The phases in table order under their headings: a single scenario's all under none; a
    program's ``program_start`` under none, then each mission's phases under its id."""
    if summary.missions is None:
        return [(None, list(summary.phases))]
    out: list[tuple[str | None, list[PhaseStats]]] = [(None, [p for p in summary.phases if p.mission is None])]
    return out + [(m, [p for p in summary.phases if p.mission == m]) for m in summary.missions]


def _own(p: PhaseStats) -> str:
    """A program's phase under its mission's heading: its own id, indented."""
    return p.phase_id if p.mission is None else f"  {p.phase_id}"


def flown_percentile_text(p: PhaseStats) -> str:
    """``37%``: where the flown duration falls among the simulated run times (as rounded in the
    JSON, then to the whole percent); empty when there is none."""
    if p.actual_percentile is None:
        return ""
    from sim.results.mc_types import PERCENTILE_DECIMALS

    return f"{round(p.actual_percentile, PERCENTILE_DECIMALS):.0f}%"


@overload
def _h(t_s: float) -> float: ...
@overload
def _h(t_s: None) -> None: ...
def _h(t_s: float | None) -> float | None:
    """Seconds to hours rounded as the JSON rounds them (``sim.results.records.hours``); None stays None."""
    return None if t_s is None else hours(t_s)
