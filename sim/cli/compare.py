"""``lunarsim compare``: planned vs flown vs simulated durations, per phase and across missions."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from sim.cli.chart_options import (
    add_phases_arg,
    add_range_args,
    add_title_size_args,
    parse_after_launch,
    parse_phases,
    parse_size,
)
from sim.cli.common import (
    add_as_of_arg,
    add_dpi_arg,
    add_set_arg,
    announce,
    check_dpi,
    check_plot_path,
    emit_csv,
    load_file,
    print_result,
    resolve,
)

if TYPE_CHECKING:
    from sim.results.comparison import Comparison
    from sim.results.records import Timeline
    from sim.scenario.model import Scenario

HELP = "compare planned, flown and simulated phase durations of one or more missions"
EPILOG = """\
one mission: a table per phase (planned, flown, simulated, deltas in h and %; in --json
also start_delta_h and end_delta_h, simulated minus flown instants) and a mission summary
row. several missions: hours per phase kind per mission, a mission table, then each
mission's phase table. two versions of one mission (same id): baseline vs revision.

examples:
  lunarsim compare scenarios/change5.yaml
  lunarsim compare scenarios/ilrs.yaml               (a program: its missions side by side)
  lunarsim compare change5 change6                 (bundled scenarios by id)
  lunarsim compare change5 change6 --json > ce5_vs_ce6.json
  lunarsim compare change6 --csv ce6.csv           (--csv - for stdout)
  lunarsim compare change5 --out ce5_bars.png      (grouped bars: planned / flown / simulated)
  lunarsim compare change5 change6 --out ce5_vs_ce6.png   (missions aligned at launch)
  lunarsim compare change5 change6 --out end.png --from 20d --phases landing,docking,recovery \
      --title "Landing to touchdown" --size 12x5   (chart options: see below)
  lunarsim compare change5 --out surface.png --phases sampling,descent   (bar groups by id or kind)
  lunarsim compare change5 change6 --out when.png --chart instants   (simulated minus flown
                                                   start and end of each phase, hours)
  lunarsim compare v1.yaml v2.yaml --out var.png   (same mission id: baseline vs revision,
                                                   start/end/duration variances per phase)
  lunarsim compare change7 --as-of 2026-12-06T00:00Z   (forecast from a status date)

how flown durations are read (see sim/results/comparison.py):
  start and end published -> end - start; only the end published -> the start is the
  predecessor's flown end (plus lag), else unknown. A date-only time counts as noon of that
  day, and its +-12 h shows as the uncertainty. Simulated values are the nominal run.

how waits are counted (windows, shared resources):
  a wait in front of a phase is time the spacecraft spent in the state of the phase that
  released it (its driving predecessor: the one whose end + lag is latest), so it counts to
  that phase's row and kind, not to the phase that waited. Per phase: simulated = the run;
  simulated_wait_h = the wait that followed it (wait_for, wait_cause say for whom and why);
  simulated_elapsed_h = run + that wait = the time until the phase it released started.
  The flown counterpart (actual_elapsed_h) is the released phase's published start minus
  this phase's flown start. A plan for such a phase is compared with the elapsed time.
  By kind: hours = sum of elapsed times (runs + the waits that count to the kind).
  E.g. CE-5 tei_preparation: 48 h run + 93.3 h waiting for the TEI window = 141.3 h in
  lunar orbit, flown 2020-12-06 04:35 -> TEI-1 12-12 01:54 = 141.3 h.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``compare`` subcommand."""
    p = sub.add_parser(
        "compare",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenarios",
        metavar="SCENARIO",
        nargs="+",
        help="scenario files, or ids of bundled ones (see 'lunarsim list'); one or more",
    )
    add_set_arg(p)
    add_as_of_arg(p)
    p.add_argument("--json", action="store_true", help="print the comparison as one JSON object instead of tables")
    p.add_argument(
        "--csv", metavar="PATH", help="also write tidy CSV rows (record = phase, mission or kind) ('-' for stdout)"
    )
    p.add_argument(
        "--out",
        metavar="PATH",
        help="also draw a chart (.png, .svg, .pdf): grouped bars for one mission, "
        "the missions aligned at launch for several",
    )
    p.add_argument(
        "--chart",
        choices=("auto", "instants"),
        default="auto",
        help="what --out draws: auto (grouped bars for one mission, the missions aligned at launch for "
        "several) or instants (simulated minus flown start and end of every phase with a published "
        "time, hours, with the flown time's precision as a band)",
    )
    add_title_size_args(p, "the --out chart")
    add_phases_arg(p, "--out chart: draw only these phases (one mission: bar groups; several: lane bars)")
    add_range_args(p, unit="launch")
    add_dpi_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load each scenario, simulate it nominally, compare, print and write."""
    from sim.errors import InputError

    if args.out:
        check_plot_path(args.out)
        check_dpi(args.dpi)
    else:
        given = [o for o, v in CHART_OPTIONS.items() if getattr(args, v) is not None]
        if given:
            raise InputError(f"{given[0]} shapes the chart: add --out FILE.png (or drop {given[0]})")
    size = parse_size(args.size)
    days = (parse_after_launch(args.start, "--from"), parse_after_launch(args.end, "--to"))
    from sim.engine.des import simulate
    from sim.engine.program import simulate_program
    from sim.scenario.program import Program

    scenarios: list[Scenario] = []
    timelines: list[Timeline] = []
    labels: list[str] = []
    for arg in args.scenarios:
        loaded = load_file(arg, args.set, args.as_of)
        if isinstance(loaded, Program):  # a program: its missions, on one clock (--set MISSION.KEY=VALUE)
            scenarios += loaded.missions
            timelines += simulate_program(loaded)
            labels += [f"{arg} ({m.id})" for m in loaded.missions]
        else:
            scenario = loaded
            scenarios.append(scenario)
            timelines.append(simulate(scenario))
            labels.append(arg)
    two_versions = len(args.scenarios) == 2 and len(scenarios) == 2 and scenarios[0].id == scenarios[1].id
    if two_versions and resolve(args.scenarios[0]).resolve() != resolve(args.scenarios[1]).resolve():
        for option, dest in CHART_OPTIONS.items():
            if dest not in ("title", "size") and getattr(args, dest) is not None:
                raise InputError(f"{option}: the baseline chart draws every phase of both versions; drop {option}")
        return _baseline(args, labels, timelines)  # one mission, two files: baseline vs revision
    seen: dict[str, str] = {}
    for arg, s in zip(labels, scenarios, strict=True):
        if s.id in seen:
            raise InputError(
                f"{arg}: mission id {s.id!r} is also the id of {seen[s.id]}; compare distinct missions "
                "(or exactly two versions of one mission: a baseline and a revision)"
            )
        seen[s.id] = arg

    from sim.results.comparison import compare

    comparison = compare(scenarios, timelines)
    if args.csv:
        emit_csv(args.csv, comparison.csv_rows())
    if args.out:
        known = {p.id for s in scenarios for p in s.phases} | {p.kind for s in scenarios for p in s.phases}
        phases = parse_phases(args.phases, known, ", ".join(s.id for s in scenarios))
        if (len(scenarios) == 1 or args.chart == "instants") and days != (None, None):
            option = "--from" if days[0] is not None else "--to"
            raise InputError(
                f"{option}: this chart has no time axis (only the missions aligned at launch do); drop {option}"
            )
        chart = ChartOptions(args.title, size, phases, days)
        if args.chart == "instants":
            _draw_instants(args.out, args.dpi, comparison, chart)
        else:
            _draw(args.out, args.dpi, comparison, scenarios, timelines, chart)
    if args.json:
        print_result(comparison.to_dict())
    elif args.csv != "-":
        from sim.report.compare_tables import print_comparison

        print_comparison(comparison)
    return 0


class ChartOptions(NamedTuple):
    """--title, --size, --phases and --from/--to (seconds after launch) of the --out chart."""

    title: str | None
    size: tuple[float, float] | None
    phases: list[str] | None
    after_launch_s: tuple[float | None, float | None]


#: chart options -> their argparse dest (each needs --out)
CHART_OPTIONS = {"--title": "title", "--size": "size", "--phases": "phases", "--from": "start", "--to": "end"}


def _draw(
    path: str,
    dpi: int,
    comparison: Comparison,
    scenarios: Sequence[Scenario],
    timelines: Sequence[Timeline],
    chart: ChartOptions,
) -> None:
    """One mission: grouped bars; several: the missions aligned at launch."""
    from sim.cli._mpl_startup import import_pyplot

    import_pyplot()  # before sim.plots: without the artists' docstrings (~0.1 s)
    from sim.plots.compare import compare_bars, compare_missions
    from sim.plots.figures import save_figure
    from sim.results.comparison import actual_times
    from sim.timebase import DAY_S

    if len(scenarios) == 1:
        ax = compare_bars(comparison, scenarios[0].id, phases=chart.phases, title=chart.title, size=chart.size)
    else:
        lo, hi = chart.after_launch_s
        ax = compare_missions(
            timelines,
            actuals={s.id: actual_times(s) for s in scenarios},
            lane_names={s.id: s.lane_names() for s in scenarios},
            title=chart.title,
            size=chart.size,
            phases=chart.phases,
            days=(None if lo is None else lo / DAY_S, None if hi is None else hi / DAY_S),
        )
    save_figure(ax.figure, path, dpi=dpi)
    announce(path)


def _draw_instants(path: str, dpi: int, comparison: Comparison, chart: ChartOptions) -> None:
    """Simulated minus flown instants, every mission one below the other."""
    from sim.cli._mpl_startup import import_pyplot
    from sim.errors import InputError

    import_pyplot()  # before sim.plots: without the artists' docstrings (~0.1 s)
    from sim.plots.figures import save_figure
    from sim.plots.instants import instant_deltas

    try:
        ax = instant_deltas(comparison, phases=chart.phases, title=chart.title, size=chart.size)
    except ValueError as exc:
        raise InputError(f"--chart instants: {exc}") from None
    save_figure(ax.figure, path, dpi=dpi)
    announce(path)


def _baseline(args: argparse.Namespace, labels: list[str], timelines: list[Timeline]) -> int:
    """Two versions of one mission: per-phase start, end and duration variances, and the end."""
    from sim.results.baseline import baseline_compare

    comparison = baseline_compare(timelines[0], timelines[1], labels[0], labels[1])
    if args.csv:
        emit_csv(args.csv, [{"mission": comparison.mission, **_flat(r.to_dict())} for r in comparison.rows])
    if args.out:
        from sim.cli._mpl_startup import import_pyplot

        import_pyplot()  # before sim.plots: without the artists' docstrings (~0.1 s)
        from sim.plots.baseline import baseline_chart
        from sim.plots.figures import save_figure

        ax = baseline_chart(comparison, title=args.title, size=parse_size(args.size))
        save_figure(ax.figure, args.out, dpi=args.dpi)
        announce(args.out)
    if args.json:
        print_result(comparison.to_dict())
    elif args.csv != "-":
        from sim.report.compare_tables import print_baseline

        print_baseline(comparison)
    return 0


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A baseline row's nested sides as flat CSV columns."""
    out = {k: v for k, v in row.items() if k not in ("baseline", "revision")}
    for side in ("baseline", "revision"):
        for key in ("start", "end", "duration_h"):
            out[f"{side}_{key}"] = (row[side] or {}).get(key, "")
    return out
