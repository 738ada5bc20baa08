"""Terminal tables (rich) for ``lunarsim compare``: plan vs actual vs simulated.

All durations are hours. A delta cell reads ``+0.46 (+0.4%)``: the second value minus the
first, and the same as a percentage of the first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.analysis import Comparison, PhaseComparison, percent_delta

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

NONE = "-"
UNCERTAINTY_SHOWN_H = 0.5  # show "±x" on a flown value when its precision window is at least this wide

CAPTION = (
    "hours; deltas are second minus first (h, and % of the first). "
    "flown ±x: the published times are date-only or approximate, so the flown duration is only "
    "known to ±x h. (… from P): no flown start for the phase; the flown interval from the start "
    "of its predecessor P, not used in the deltas."
)


def _console(console: Console | None) -> Console:
    from rich.console import Console

    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=200)  # piped or redirected: do not squeeze the columns
    return console


def fmt_h(value: float | None) -> str:
    """Hours with two decimals, ``-`` when unknown.

    >>> fmt_h(549.48), fmt_h(None)
    ('549.48', '-')
    """
    return NONE if value is None else f"{value:.2f}"


def fmt_delta(a: float | None, b: float | None) -> str:
    """``b - a`` in hours with its percentage of ``a``.

    >>> fmt_delta(552.0, 549.48)
    '-2.52 (-0.5%)'
    >>> fmt_delta(0.0, 0.0)
    '+0.00'
    """
    if a is None or b is None:
        return ""
    pct = percent_delta(a, b)
    text = f"{b - a:+.2f}"
    return text if pct is None else f"{text} ({pct:+.1f}%)"


def _planned_cell(p: PhaseComparison) -> str:
    text = fmt_h(p.planned_h)
    if p.planned_low_h is not None and p.planned_high_h is not None and p.planned_high_h > p.planned_low_h:
        text += f" ({p.planned_low_h:.4g}-{p.planned_high_h:.4g})"
    return text


def _actual_cell(p: PhaseComparison) -> str:
    if p.actual_h is not None:
        text = fmt_h(p.actual_h)
        if p.actual_low_h is not None and p.actual_high_h is not None:
            half = (p.actual_high_h - p.actual_low_h) / 2
            if half >= UNCERTAINTY_SHOWN_H:
                text += f" ±{half:.3g}"
        return text
    if p.actual_span is not None:
        return f"[dim]({p.actual_span.hours:.2f} from {p.actual_span.from_id})[/dim]"
    return NONE


def phase_table(comparison: Comparison, mission: str, *, summary: bool = True) -> Table:
    """Per-phase table of one mission, with the mission summary as its last row."""
    from rich.table import Table

    s = comparison.summary(mission)
    table = Table(
        title=f"{s.name} ({mission}): planned vs flown vs simulated (nominal)",
        caption=_mass_caption(comparison, mission) + CAPTION,
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("phase", min_width=14)
    table.add_column("kind", no_wrap=True)
    table.add_column("planned", justify="right", no_wrap=True)
    table.add_column("flown", justify="right", no_wrap=True)
    table.add_column("simulated", justify="right", no_wrap=True)
    table.add_column("flown - planned", justify="right", no_wrap=True)
    table.add_column("sim - planned", justify="right", no_wrap=True)
    table.add_column("sim - flown", justify="right", no_wrap=True)
    for p in comparison.mission_phases(mission):
        table.add_row(
            p.name,
            p.kind,
            _planned_cell(p),
            _actual_cell(p),
            fmt_h(p.simulated_h),
            fmt_delta(p.planned_h, p.actual_h),
            fmt_delta(p.planned_h, p.simulated_h),
            fmt_delta(p.actual_h, p.simulated_h),
        )
    if summary:
        table.add_section()
        table.add_row(
            "[bold]Mission: launch epoch to end[/bold]",
            "",
            fmt_h(s.planned_h),
            fmt_h(s.actual_h),
            fmt_h(s.simulated_h),
            fmt_delta(s.planned_h, s.actual_h),
            fmt_delta(s.planned_h, s.simulated_h),
            fmt_delta(s.actual_h, s.simulated_h),
        )
    return table


def _mass_caption(comparison: Comparison, mission: str) -> str:
    s = comparison.summary(mission)
    if s.planned_sample_mass_g is None and s.actual_sample_mass_g is None:
        return ""
    text = f"sample mass: planned {_g(s.planned_sample_mass_g)}, returned {_g(s.actual_sample_mass_g)}"
    d = s.delta_sample_mass_g
    if d is not None:
        pct = percent_delta(s.planned_sample_mass_g, s.actual_sample_mass_g)
        text += f" ({d:+g} g" + (f", {pct:+.1f}%" if pct is not None else "") + ")"
    return text + ".\n"


def _g(value: float | None) -> str:
    return NONE if value is None else f"{value:g} g"


def kind_table(comparison: Comparison) -> Table:
    """Hours per phase kind per mission: simulated (nominal) and flown."""
    from rich.table import Table

    table = Table(
        title="Hours per phase kind: " + " vs ".join(comparison.names[m] for m in comparison.missions),
        caption=(
            "sums of phase durations of each kind (parallel lanes add up); flown only where every "
            "phase of the kind has a flown duration; - where unknown or the mission has no such phase."
        ),
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("kind", no_wrap=True)
    for m in comparison.missions:
        table.add_column(f"{m}\nsimulated", justify="right", no_wrap=True)
        table.add_column(f"{m}\nflown", justify="right", no_wrap=True)
    for k in comparison.by_kind:
        cells = [k.kind]
        for m in comparison.missions:
            cells += [fmt_h(k.simulated[m]), fmt_h(k.actual[m])]
        table.add_row(*cells)
    return table


def summary_table(comparison: Comparison) -> Table:
    """One row per mission: duration planned / flown / simulated and sample mass."""
    from rich.table import Table

    table = Table(title="Missions", caption=CAPTION.split(";")[0] + ".", title_justify="left",
                  caption_justify="left")
    table.add_column("mission", no_wrap=True)
    table.add_column("planned", justify="right", no_wrap=True)
    table.add_column("flown", justify="right", no_wrap=True)
    table.add_column("simulated", justify="right", no_wrap=True)
    table.add_column("flown - planned", justify="right", no_wrap=True)
    table.add_column("sim - flown", justify="right", no_wrap=True)
    table.add_column("sample planned", justify="right", no_wrap=True)
    table.add_column("sample returned", justify="right", no_wrap=True)
    for s in comparison.summaries:
        table.add_row(
            f"{s.name} ({s.mission})",
            fmt_h(s.planned_h),
            fmt_h(s.actual_h),
            fmt_h(s.simulated_h),
            fmt_delta(s.planned_h, s.actual_h),
            fmt_delta(s.actual_h, s.simulated_h),
            _g(s.planned_sample_mass_g),
            _g(s.actual_sample_mass_g),
        )
    return table


def print_comparison(comparison: Comparison, console: Console | None = None) -> None:
    """One mission: its phase table. Several: by-kind table, mission table, then phase tables."""
    console = _console(console)
    if len(comparison.missions) > 1:
        console.print(kind_table(comparison))
        console.print(summary_table(comparison))
    for m in comparison.missions:
        console.print(phase_table(comparison, m))
