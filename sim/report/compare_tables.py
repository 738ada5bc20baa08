"""Terminal tables (rich) for ``lunarsim compare``: plan vs actual vs simulated.

All durations are hours. A delta cell reads ``+0.46 (+0.4%)``: the second value minus the
first, and the same as a percentage of the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sim.report.fit import SECTION, Column, fit_tables
from sim.report.tables import wide_console
from sim.results.baseline import BaselineComparison
from sim.results.comparison import Comparison, PhaseComparison, Wait, percent_delta
from sim.timebase import HOUR_S

if TYPE_CHECKING:
    from rich.console import Console, Group

NONE = "-"
UNCERTAINTY_SHOWN_H = 0.5  # show "±x" on a flown value when its precision window is at least this wide

CAPTION = (
    "hours; deltas are second minus first (h, and % of the first). "
    "flown ±x: the published times are date-only or approximate, so the flown duration is only "
    "known to ±x h. (… from P): no flown start for the phase; the flown interval from the start "
    "of its predecessor P, not used in the deltas. start/end sim-flown: the simulated instant "
    "minus the published one (h), where durations can agree while the phase is late."
)
WAIT_CAPTION = (
    "Waits: a wait in front of a phase (window, resource) counts to the phase that released it "
    "(its latest predecessor), as time spent in that phase's state. ↳ rows give that wait; "
    "= rows the elapsed time, run + wait (flown: from the phase's start to the released phase's "
    "flown start); a plan for such a phase is compared there."
)


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


def _elapsed_cell(p: PhaseComparison) -> str:
    if p.actual_elapsed_h is None:
        return NONE
    text = fmt_h(p.actual_elapsed_h)
    if p.actual_elapsed_low_h is not None and p.actual_elapsed_high_h is not None:
        half = (p.actual_elapsed_high_h - p.actual_elapsed_low_h) / 2
        if half >= UNCERTAINTY_SHOWN_H:
            text += f" ±{half:.3g}"
    return text


def _waited_note(comparison: Comparison, p: PhaseComparison) -> str:
    """``waited 93.32 h (window tei_window), counted to tei_preparation`` for a phase that waited."""
    if not p.simulated_wait_before_h or p.released_by is None:
        return ""
    w = next((w for w in comparison.summary(p.mission).waits if w.phase == p.id), None)
    why = _why(w) if w else ""
    to = "its own row" if p.released_by == p.id else p.released_by
    return f"\n[dim]waited {p.simulated_wait_before_h:.2f} h ({why}), counted to {to}[/dim]"


def _why(w: Wait) -> str:
    """``window tei_window``, ``resource``."""
    return (w.cause or "") + (f" {w.window}" if w.window else "")


def phase_table(comparison: Comparison, mission: str, console: Console | None = None) -> Group:
    """Per-phase table of one mission, with the mission summary as its last row, fitted to ``console``
    (split in parts at 80 columns; see ``sim.report.fit``).

    A phase that released a phase after a wait gets two sub-rows: ``↳`` the wait (simulated,
    and the flown gap when known) and ``=`` its elapsed time (run + wait), where its plan is
    compared (see ``sim.results.comparison``).
    """
    s = comparison.summary(mission)
    phases = comparison.mission_phases(mission)
    has_waits = any(p.simulated_wait_h or p.simulated_wait_before_h for p in phases)
    columns = [
        Column("planned"),
        Column("flown"),
        Column("simulated"),
        Column("flown -\nplanned"),
        Column("sim -\nplanned"),
        Column("sim -\nflown"),
        Column("start\nsim-flown", optional=True),
        Column("end\nsim-flown", optional=True),
        Column("kind", "left", optional=True),
    ]
    # the instant columns only when some simulated instant is off the flown one (>= 0.005 h)
    off = any(abs(v) >= 0.005 for p in phases for v in (p.start_delta_h, p.end_delta_h) if v is not None)

    def instant(v: float | None) -> str:
        return "" if v is None else f"{v:+.2f}"

    rows: list[list[str]] = []
    for p in phases:
        released = bool(p.simulated_wait_h)
        rows.append(
            [
                p.name + _waited_note(comparison, p),
                "" if released and p.planned_h is not None else _planned_cell(p),
                _actual_cell(p),
                fmt_h(p.simulated_h),
                "" if released else fmt_delta(p.planned_h, p.actual_h),
                "" if released else fmt_delta(p.planned_h, p.simulated_h),
                fmt_delta(p.actual_h, p.simulated_h),
                instant(p.start_delta_h),
                instant(p.end_delta_h),
                p.kind,
            ]
        )
        if not released:
            continue
        target = ", ".join(p.wait_for)
        why = ", ".join(_why(w) for w in s.waits if w.phase in p.wait_for) or (p.wait_cause or "")
        rows.append(
            [
                f"[dim]  ↳ then waits to start {target}: {why}[/dim]",
                "",
                f"[dim]{fmt_h(p.actual_wait_h)}[/dim]",
                f"[dim]+{fmt_h(p.simulated_wait_h)}[/dim]",
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        )
        rows.append(
            [
                f"  = elapsed until {target} starts",
                _planned_cell(p),
                _elapsed_cell(p),
                fmt_h(p.simulated_elapsed_h),
                fmt_delta(p.planned_h, p.actual_elapsed_h),
                fmt_delta(p.planned_h, p.simulated_elapsed_h),
                fmt_delta(p.actual_elapsed_h, p.simulated_elapsed_h),
                "",
                "",
                p.kind,
            ]
        )
    rows.append(SECTION)
    rows.append(
        [
            "[bold]Mission: launch epoch to end[/bold]",
            fmt_h(s.planned_h),
            fmt_h(s.actual_h),
            fmt_h(s.simulated_h),
            fmt_delta(s.planned_h, s.actual_h),
            fmt_delta(s.planned_h, s.simulated_h),
            fmt_delta(s.actual_h, s.simulated_h),
            "",
            "",
            "",
        ]
    )
    if not off:
        columns = columns[:6] + columns[8:]
        rows = [row if row is SECTION else row[:7] + row[9:] for row in rows]
    return _group(
        console,
        f"{s.name} ({mission}): planned vs flown vs simulated (nominal)",
        Column("phase", "left"),
        columns,
        rows,
        _mass_caption(comparison, mission) + CAPTION + ("\n" + WAIT_CAPTION if has_waits else ""),
    )


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


def kind_table(comparison: Comparison, console: Console | None = None) -> Group:
    """Hours per phase kind per mission: simulated (nominal) and flown, fitted to ``console``."""
    columns = []
    for m in comparison.missions:
        columns += [Column(f"{m}\nsimulated"), Column(f"{m}\nflown")]
    rows = []
    for k in comparison.by_kind:
        cells = [k.kind]
        for m in comparison.missions:
            sim = fmt_h(k.simulated[m])
            wait = k.wait.get(m)
            if wait:
                sim += f" [dim]({wait:.2f} wait)[/dim]"
            cells += [sim, fmt_h(k.actual[m])]
        rows.append(cells)
    return _group(
        console,
        "Hours per phase kind: " + " vs ".join(comparison.names[m] for m in comparison.missions),
        Column("kind", "left"),
        columns,
        rows,
        "sums over the phases of each kind (parallel lanes add up) of their elapsed time: the run "
        "plus the wait that followed it, since a wait in front of a phase (for a window or a "
        "resource) counts to the phase that released it (its latest predecessor); (… wait): the "
        "part of the simulated hours spent waiting. flown: the same intervals from the published "
        "times, only where every phase of the kind has one; - where unknown or the mission has no "
        "such phase.",
    )


def summary_table(comparison: Comparison, console: Console | None = None) -> Group:
    """One row per mission: duration planned / flown / simulated, sample mass and waits."""
    columns = [
        Column("planned"),
        Column("flown"),
        Column("simulated"),
        Column("flown -\nplanned"),
        Column("sim -\nflown"),
        Column("sample\nplanned"),
        Column("sample\nreturned"),
        Column("waits (simulated)", "left"),
    ]
    rows = [
        [
            f"{s.name} ({s.mission})",
            fmt_h(s.planned_h),
            fmt_h(s.actual_h),
            fmt_h(s.simulated_h),
            fmt_delta(s.planned_h, s.actual_h),
            fmt_delta(s.actual_h, s.simulated_h),
            _g(s.planned_sample_mass_g),
            _g(s.actual_sample_mass_g),
            waits_text(s.waits),
        ]
        for s in comparison.summaries
    ]
    return _group(console, "Missions", Column("mission", "left"), columns, rows, CAPTION.split(";")[0] + ".")


def waits_text(waits: Sequence[Wait]) -> str:
    """``tei1 93.32 (window tei_window)``, one wait a line; ``-`` for none.

    >>> waits_text([Wait("tei1", "tei_preparation", 93.3167, "window", "tei_window")])
    'tei1 93.32 (window tei_window)'
    """
    if not waits:
        return NONE
    return "\n".join(f"{w.phase} {w.hours:.2f} ({_why(w)})" for w in waits)


def _group(console: Console | None, *args: Any) -> Group:
    """``fit_tables`` for ``console`` (default: ``wide_console()``) as one printable group."""
    from rich.console import Group

    return Group(*fit_tables(wide_console(console), *args))


def print_comparison(comparison: Comparison, console: Console | None = None) -> None:
    """One mission: its phase table. Several: by-kind table, mission table, then phase tables."""
    console = wide_console(console)
    tables = []
    if len(comparison.missions) > 1:
        tables += [kind_table(comparison, console), summary_table(comparison, console)]
    tables += [phase_table(comparison, m, console) for m in comparison.missions]
    for table in tables:
        console.print(table)


def print_baseline(comparison: BaselineComparison, console: Console | None = None) -> None:
    """Baseline vs revision of one mission: per phase the revision's start and end and the start,
    end and duration variances (revision minus baseline, hours); the mission end in the caption."""
    console = wide_console(console)
    columns = [
        Column("revision\nstart UTC"),
        Column("revision\nend UTC"),
        Column("start\nvar h"),
        Column("end\nvar h"),
        Column("duration\nvar h"),
        Column("baseline\nend UTC", optional=True),
    ]

    def cell(v: float | None) -> str:
        return "" if v is None else f"{v / HOUR_S:+.2f}"

    def utc(side: dict[str, Any] | None, key: str) -> str:
        return "" if side is None else str(side[key])[:16].replace("T", " ")

    rows = []
    for r in comparison.rows:
        d = r.to_dict()
        name = r.name if r.status == "both" else f"{r.name} ({r.status})"
        rows.append(
            [
                name,
                utc(d["revision"], "start"),
                utc(d["revision"], "end"),
                cell(r.start_variance_s),
                cell(r.end_variance_s),
                cell(r.duration_variance_s),
                utc(d["baseline"], "end"),
            ]
        )
    end = comparison.to_dict()["mission_end"]
    caption = (
        f"mission end: baseline {end['baseline']}, revision {end['revision']} ({end['variance_h']:+.2f} h); "
        "variance = revision minus baseline"
    )
    title = f"{comparison.mission}: {comparison.revision_label} vs baseline {comparison.baseline_label}"
    for table in fit_tables(console, title, Column("phase", "left"), columns, rows, caption):
        console.print(table)
