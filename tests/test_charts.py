"""Chart defects a test can see: overlapping or clipped text, unreadable dates, flown precision,
honest titles, lane names, colour families, the user's style (issue 15, part 2).

Every chart type is drawn and, after a full draw, the window extent of every visible text
(titles, tick labels, annotations, legend entries, lane headers) is checked: none leaves the
figure and no two overlap.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim import load_scenario, simulate
from sim.plots.gantt import KIND_COLOURS, gantt
from sim.results.comparison import actual_times

TOLERANCE_PX = 1.0


def visible_texts(fig: Figure) -> list[tuple[Text, Any]]:
    """Every drawn, non-empty text of ``fig`` with its window extent (after a full draw): titles,
    axis labels, annotations, legend entries, and the tick labels of ticks inside the view."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ticks: set[int] = set()
    shown: list[Text] = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update(id(t) for t in (tick.label1, tick.label2))
                if lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    shown += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    others = [t for t in fig.findobj(Text) if id(t) not in ticks]
    out = []
    for t in [*shown, *others]:
        if not t.get_visible() or not t.get_text().strip():
            continue
        box = t.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            out.append((t, box))
    return out


def text_problems(fig: Figure) -> list[str]:
    """Texts that leave the figure, and pairs of texts that overlap."""
    fw, fh = fig.bbox.width, fig.bbox.height
    problems = []
    texts = visible_texts(fig)
    for t, b in texts:
        panel = t.axes.bbox if t.axes is not None and t in t.axes.texts else None
        if panel is not None and (b.x0 < panel.x0 - TOLERANCE_PX or b.x1 > panel.x1 + TOLERANCE_PX):
            problems.append(f"leaves its panel: {t.get_text()!r}")
        if b.x0 < -TOLERANCE_PX or b.y0 < -TOLERANCE_PX or b.x1 > fw + TOLERANCE_PX or b.y1 > fh + TOLERANCE_PX:
            problems.append(f"clipped: {t.get_text()!r} at {b.bounds}")
    for (t1, b1), (t2, b2) in itertools.combinations(texts, 2):
        w = min(b1.x1, b2.x1) - max(b1.x0, b2.x0)
        h = min(b1.y1, b2.y1) - max(b1.y0, b2.y0)
        if w > TOLERANCE_PX and h > TOLERANCE_PX:
            problems.append(f"overlap: {t1.get_text()!r} and {t2.get_text()!r}")
    return problems


@pytest.fixture(scope="module")
def runs() -> dict[str, Any]:
    """Nominal runs, a small Monte Carlo and a comparison, shared by the chart tests."""
    from sim.engine.montecarlo import monte_carlo
    from sim.results.comparison import compare

    out: dict[str, Any] = {}
    for sid in ("change5", "change6", "change7"):
        sc = load_scenario(sid)
        out[sid] = (sc, simulate(sc))
    out["ens"] = monte_carlo(out["change6"][0], 400, 1)
    out["cmp"] = compare([out[s][0] for s in ("change5", "change6")], [out[s][1] for s in ("change5", "change6")])
    return out


@pytest.fixture(scope="module")
def studies() -> dict[str, Any]:
    """Small sweeps of CE-7's launch date: one key (the line chart) and two (the heatmap)."""
    from sim.study.sweep import sweep

    line = sweep(
        "scenarios/change7.yaml",
        ["epoch=2026-07-01T00:00Z..2026-12-31T00:00Z/30d"],
        replications=20,
        seed=1,
        milestone="landing",
    )
    heat = sweep(
        "scenarios/change7.yaml",
        ["epoch=2026-07-01T00:00Z..2026-08-30T00:00Z/30d", "phases.landing.duration=1h,2h"],
        replications=10,
        seed=1,
        milestone="landing",
    )
    return {"line": line, "heatmap": heat}


def _gantt(runs: dict[str, Any], sid: str = "change6", **kw: Any) -> Any:
    sc, t = runs[sid]
    prec = {p.id: p.actual.precision for p in sc.phases if p.actual is not None}
    return gantt(t, actuals=actual_times(sc), precision=prec, lanes=list(sc.elements), lane_names=sc.lane_names(), **kw)


def _charts() -> dict[str, Callable[[dict[str, Any]], Any]]:
    from sim.plots import risk
    from sim.plots.compare import compare_bars, compare_missions
    from sim.plots.instants import instant_deltas

    def subplot(runs: dict[str, Any]) -> Any:
        _, (a, b) = plt.subplots(2, 1, figsize=(16, 22), layout="constrained")
        _gantt(runs, "change5", ax=a)
        b.plot([0, 1], [0, 1])
        b.set_title("the user's next subplot")
        return a

    def tornado(runs: dict[str, Any]) -> Any:
        from sim.results.statistics import sensitivities

        ens = runs["ens"]
        return risk.tornado(ens, sensitivities(ens), labels=[p.label for p in runs["change6"][0].phases])

    def risk_ranking(runs: dict[str, Any]) -> Any:
        from sim.engine.montecarlo import monte_carlo
        from sim.results.statistics import risk_effect_rows

        sc = runs["change7"][0]
        ens = monte_carlo(sc, 300, 1)
        return risk.risk_ranking(ens, risk_effect_rows(ens), labels={r.id: r.label for r in sc.risks})

    def mc_gantt(runs: dict[str, Any]) -> Any:
        t = runs["change6"][1]
        spread = {p.id: (p.end_s - 3600.0, p.end_s + 7200.0) for p in t.phases}
        return _gantt(runs, end_spread=spread, spread_note="Monte Carlo, 400 replications")

    def program(runs: dict[str, Any], detail: bool, status: bool = False) -> Any:
        from sim.plots.program import program_gantt

        ids = ("change5", "change6", "change7")
        names = {s: runs[s][0].lane_names() for s in ids}
        when = {s: runs[s][1].utc(runs[s][1].end_s / 2) for s in ids} if status else None
        return program_gantt([runs[s][1] for s in ids], detail=detail, lane_names=names, status=when)

    def windows(runs: dict[str, Any]) -> Any:
        from datetime import timedelta

        from sim.engine.model import list_windows
        from sim.plots.windows import windows_chart

        sc = runs["change6"][0]
        return windows_chart(list_windows(sc, sc.epoch, sc.epoch + timedelta(days=60)))

    def baseline(runs: dict[str, Any]) -> Any:
        from sim.plots.baseline import baseline_chart
        from sim.results.baseline import baseline_compare

        revised = simulate(load_scenario("change5", sets={"phases.drill_sampling.duration": "12h"}))
        return baseline_chart(baseline_compare(runs["change5"][1], revised, "v1", "v2"))

    def sweep_chart(studies: dict[str, Any], which: str) -> Any:
        from sim.plots.sweep import sweep_chart

        return sweep_chart(studies[which])

    return {
        "gantt utc": lambda r: _gantt(r),
        "gantt monte carlo": mc_gantt,
        "gantt met": lambda r: _gantt(r, "change5", axis="met"),
        "gantt hours": lambda r: _gantt(r, "change5", axis="hours"),
        "gantt in a subplot": subplot,
        "compare bars": lambda r: compare_bars(r["cmp"], "change5"),
        "instant deltas": lambda r: instant_deltas(r["cmp"]),
        "compare missions": lambda r: compare_missions(
            [r["change5"][1], r["change6"][1]],
            actuals={s: actual_times(r[s][0]) for s in ("change5", "change6")},
            lane_names={s: r[s][0].lane_names() for s in ("change5", "change6")},
        ),
        "s-curve": lambda r: risk.s_curve(r["ens"]),
        "tornado": tornado,
        "criticality": lambda r: risk.criticality(r["ens"], labels=[p.label for p in r["change6"][0].phases]),
        "histogram": lambda r: risk.histogram(r["ens"]),
        "risk ranking": risk_ranking,
        "program": lambda r: program(r, False),
        "program detail": lambda r: program(r, True),
        "program status": lambda r: program(r, True, status=True),
        "windows": windows,
        "baseline": baseline,
        "sweep line": lambda r: sweep_chart(r["studies"], "line"),
        "sweep heatmap": lambda r: sweep_chart(r["studies"], "heatmap"),
    }


@pytest.mark.parametrize("name", list(_charts()))
def test_no_text_overlaps_or_leaves_the_figure(name: str, runs: dict[str, Any], studies: dict[str, Any]) -> None:
    """Every chart type: no two texts overlap, none is clipped by the figure's edge."""
    ax = _charts()[name]({**runs, "studies": studies})
    try:
        assert text_problems(ax.figure) == []
    finally:
        plt.close(ax.figure)


#: texts drawn inside coloured marks on purpose (bar values, heatmap cells), not on the background
ON_MARKS = ("sweep heatmap",)


@pytest.mark.parametrize("name", [n for n in _charts() if n not in ON_MARKS])
def test_every_text_reads_on_a_dark_style(name: str, runs: dict[str, Any], studies: dict[str, Any]) -> None:
    """Every chart type under plt.style.use('dark_background'): each visible text differs clearly from
    the background (luminance contrast >= 3:1), so a user's dark style sheet never hides a label."""
    from matplotlib.colors import to_rgba

    def luminance(c: Any) -> float:
        r, g, b, _ = to_rgba(c)
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    with plt.style.context("dark_background"):
        ax = _charts()[name]({**runs, "studies": studies})
        try:
            ax.figure.canvas.draw()
            bg = luminance(plt.rcParams["axes.facecolor"])
            dim = []
            for t in ax.figure.findobj(matplotlib.text.Text):
                if not t.get_visible() or not t.get_text().strip():
                    continue
                fg = luminance(t.get_color())
                if (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05) < 3.0:
                    dim.append(t.get_text()[:40])
            assert dim == [], f"texts that vanish on a dark style: {dim[:8]}"
        finally:
            plt.close(ax.figure)


def test_overlap_check_can_fail() -> None:
    """The check sees an overlap and a clipped label when there is one."""
    fig = plt.figure(figsize=(4, 3))
    fig.text(0.5, 0.5, "one label")
    fig.text(0.52, 0.5, "another label")
    fig.text(0.98, 0.5, "runs off the edge")
    problems = text_problems(fig)
    plt.close(fig)
    assert any(p.startswith("overlap") for p in problems) and any(p.startswith("clipped") for p in problems)


def _xtick_texts(ax: Any) -> str:
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    return " ".join(ticks) + " | " + ax.xaxis.get_major_formatter().get_offset()


def test_date_axis_names_every_month_and_the_year(runs: dict[str, Any]) -> None:
    """CE-6 runs 3 May - 25 Jun 2024: May and Jun both appear on the ticks, and 2024 beside them."""
    ax = _gantt(runs)
    text = _xtick_texts(ax)
    plt.close(ax.figure)
    assert "May" in text and "Jun" in text and "2024" in text


def test_date_axis_spanning_years() -> None:
    """Ticks from Dec 2026 to Jan 2027 say both years."""
    from datetime import UTC, datetime

    import matplotlib.dates as mdates

    from sim.plots.style import date_axis

    fig, ax = plt.subplots()
    ax.plot(mdates.date2num([datetime(2026, 12, 10, tzinfo=UTC), datetime(2027, 1, 20, tzinfo=UTC)]), [0, 1])
    date_axis(ax.xaxis)
    text = _xtick_texts(ax)
    plt.close(fig)
    assert "Dec" in text and "Jan" in text and "2026-2027" in text


def test_flown_date_only_times_are_drawn_as_days(runs: dict[str, Any]) -> None:
    """CE-6's date-only actuals are bands one day wide, not ticks at 00:00."""
    from matplotlib.patches import Rectangle

    sc = runs["change6"][0]
    days = sum(
        (p.actual.start is not None) + (p.actual.end is not None)
        for p in sc.phases
        if p.actual is not None and p.actual.precision == "date"
    )
    assert days > 0
    ax = _gantt(runs)
    bands = [r for r in ax.patches if isinstance(r, Rectangle) and math.isclose(r.get_width(), 1.0, rel_tol=1e-6)]
    plt.close(ax.figure)
    assert len(bands) >= days


def test_titles_say_what_is_drawn(runs: dict[str, Any]) -> None:
    """Nominal says nominal; with a Monte Carlo spread the title names it."""
    t = runs["change6"][1]
    ax = _gantt(runs)
    assert "nominal timeline" in ax.get_title(loc="left") and "P10-P90" not in ax.get_title(loc="left")
    plt.close(ax.figure)
    spread = {p.id: (p.end_s - 3600.0, p.end_s + 3600.0) for p in t.phases}
    ax = _gantt(runs, end_spread=spread, spread_note="Monte Carlo, 5,000 replications")
    assert "P10-P90 of each phase end (Monte Carlo, 5,000 replications)" in ax.get_title(loc="left")
    plt.close(ax.figure)


def test_lane_names_come_from_the_scenario(runs: dict[str, Any]) -> None:
    """Lane headers are the scenario's element names (ICUBE-Q, not 'icube q')."""
    sc, _ = runs["change6"]
    ax = _gantt(runs)
    lanes = {t.get_text() for t in ax.texts}
    plt.close(ax.figure)
    assert set(sc.lane_names().values()) <= lanes
    assert "ICUBE-Q (Pakistan)" in lanes and not {"icube q", "icube_q", "lander_ascender"} & lanes
    from sim.plots.program import program_gantt

    ax = program_gantt([runs["change6"][1]], detail=True, lane_names={sc.id: sc.lane_names()})
    rows = {t.get_text() for t in ax.get_yticklabels()}
    plt.close(ax.figure)
    assert "ICUBE-Q (Pakistan)" in rows and not {"icube q", "lander ascender"} & rows


def test_program_chart_draws_each_missions_status_line(runs: dict[str, Any]) -> None:
    """The program chart stretches short blocks, so a status date must go through each mission's
    own stretch: a status date at the start of one of CE-5's later blocks lands on the left edge of
    that drawn block, days right of where the plain date would be; the legend names the date; a
    status date outside every mission still gets the axis to show it."""
    import matplotlib.dates as mdates
    from matplotlib.patches import Rectangle

    from sim.plots.gantt import STATUS_COLOUR
    from sim.plots.program import mission_blocks, program_gantt

    c5, c7 = runs["change5"][1], runs["change7"][1]
    blocks = [b for b in mission_blocks(c5) if b[0] is not None]
    assert len(blocks) >= 4
    as_of = c5.utc(blocks[-1][1])  # the start of CE-5's last block (after three widened ones)
    ax = program_gantt([c5, c7], status={"change5": as_of})
    lines = [ln for ln in ax.get_lines() if matplotlib.colors.same_color(ln.get_color(), STATUS_COLOUR)]
    assert len(lines) == 1
    x = float(lines[0].get_xdata()[0])
    row_y = 0.0  # CE-5 launches first: its row is the top one
    edges = [
        r.get_x() for r in ax.patches if isinstance(r, Rectangle) and abs(r.get_y() + r.get_height() / 2 - row_y) < 1e-9
    ]
    assert len(edges) == len(blocks)
    assert min(abs(e - x) for e in edges) < 1e-6
    assert x - float(mdates.date2num(as_of)) > 1.0  # widened blocks before it: the plain date is days off
    y0, y1 = lines[0].get_ydata()
    assert y0 < row_y < y1
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"status date {as_of:%Y-%m-%d %H:%M} (forecast after)" in legend
    plt.close(ax.figure)

    early = c7.utc(-200 * 86400.0)  # long before either mission: the axis still shows it
    ax = program_gantt([c5, c7], status={"change7": early})
    assert ax.get_xlim()[0] < float(mdates.date2num(early))
    plt.close(ax.figure)


def _lab(colour: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    def lin(c: float) -> float:
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (lin(c) for c in to_rgb(colour))
    x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047
    y = r * 0.2126 + g * 0.7152 + b * 0.0722
    z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_kind_colours_are_distinct() -> None:
    """Every two phase kinds differ by at least 20 in CIE L*a*b* (lunar orbit, its wait and separation too)."""
    worst = min(
        (math.dist(_lab(KIND_COLOURS[a]), _lab(KIND_COLOURS[b])), a, b)
        for a, b in itertools.combinations(KIND_COLOURS, 2)
    )
    assert worst[0] >= 20, worst


def test_user_style_applies(runs: dict[str, Any]) -> None:
    """On a dark style the flown marks and labels take the style's ink (white), not black."""
    from matplotlib.colors import to_rgba

    with plt.style.context("dark_background"):
        ax = _gantt(runs)
        ink = to_rgba(plt.rcParams["text.color"])
        flown = [line for line in ax.lines if line.get_marker() == "|" and line.get_color() != "#e6550d"]
        labels = [t for t in ax.texts if t.get_text().endswith(("m", "h", "d"))]
        assert flown and all(to_rgba(line.get_color()) == ink for line in flown)
        assert labels and all(to_rgba(t.get_color())[:3] == ink[:3] for t in labels)
        plt.close(ax.figure)
    assert np.allclose(to_rgba(plt.rcParams["text.color"])[:3], (0, 0, 0))


def test_sweep_chart_shows_its_year(studies: dict[str, Any]) -> None:
    """A launch-date sweep over Jul-Dec 2026 says 2026 beside both date axes and names the launch date."""
    from sim.plots.sweep import sweep_chart

    ax = sweep_chart(studies["line"])
    ax.figure.canvas.draw()
    x_year = ax.xaxis.get_major_formatter().get_offset()
    y_year = ax.yaxis.get_major_formatter().get_offset()
    title, xlabel = ax.get_title(loc="left"), ax.get_xlabel()
    plt.close(ax.figure)
    assert x_year.startswith("2026") and y_year.startswith("2026")
    assert "vs launch date (T0)" in title and xlabel.startswith("launch date (T0)") and "epoch" not in xlabel
