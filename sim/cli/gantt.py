"""``lunarsim gantt``: draw the nominal timeline of a scenario (or a program of missions) as a Gantt chart."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from sim.cli.chart_options import (
    add_axis_arg,
    add_phases_arg,
    add_range_args,
    add_title_size_args,
    add_tz_arg,
    parse_phases,
    parse_size,
    parse_time,
    parse_zone,
)
from sim.cli.common import (
    add_as_of_arg,
    add_dpi_arg,
    add_set_arg,
    announce,
    check_dpi,
    check_plot_path,
    check_replications,
    load_file,
    resolve,
    with_status,
)
from sim.errors import InputError

if TYPE_CHECKING:
    from sim.engine.model import Model
    from sim.results.records import Timeline
    from sim.scenario.model import Scenario
    from sim.scenario.program import Program

HELP = "draw a scenario's nominal timeline as a Gantt chart (png, svg, pdf); several: a program chart"
EPILOG = """\
examples:
  lunarsim gantt scenarios/change5.yaml --out change5.png
  lunarsim gantt scenarios/change5.yaml --out change5.svg --axis met
  lunarsim gantt change5 --out change5.html                         (interactive: zoom, hover; one file)
  lunarsim gantt change6 --out landing.png --phases descent,landing,sampling --tz Asia/Shanghai
  lunarsim gantt change5 --out lunar.png --from 2020-11-28T00:00Z --to 2020-12-13T00:00Z --axis hours
  lunarsim gantt scenarios/ilrs.yaml --out ilrs.png                 (a program: one row per mission)
  lunarsim gantt scenarios/ilrs.yaml --out ilrs.png --detail        (every element lane)
  lunarsim gantt scenarios/change5.yaml scenarios/change6.yaml scenarios/change7.yaml \\
      scenarios/change8.yaml --out all.png                          (several missions, 2020-2030)
  lunarsim gantt scenarios/ilrs.yaml --set change7.epoch=2026-10-01T00:00:00Z --out ilrs.png
  lunarsim gantt change6 --mc 5000 --seed 1 --out change6_mc.png    (P10-P90 whiskers on each phase end)
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``gantt`` subcommand."""
    p = sub.add_parser(
        "gantt",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenarios",
        metavar="SCENARIO",
        nargs="+",
        help="scenario file or bundled id; a program file (ilrs.yaml) or several files draw a program chart",
    )
    add_set_arg(p)
    add_as_of_arg(p)
    p.add_argument(
        "--out", metavar="PATH", required=True, help="output file; format from the extension (.png, .svg, .pdf)"
    )
    add_axis_arg(p, "a single scenario")
    add_title_size_args(p)
    add_phases_arg(p)
    add_range_args(p)
    add_tz_arg(p)
    p.add_argument(
        "--detail",
        action="store_true",
        help="program chart: draw every element lane of every mission, not one row per mission",
    )
    p.add_argument(
        "--mc",
        type=int,
        metavar="N",
        default=None,
        help="single scenario: run N Monte Carlo replications and draw P10-P90 whiskers on every phase end"
        " (from the first 100,000 when N is larger)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the --mc replications (default 0)")
    add_dpi_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, simulate, draw, save atomically."""
    html = args.out.lower().endswith((".html", ".htm"))
    if html:
        from sim.cli.report import check_html_path

        check_html_path(args.out)
    else:
        check_plot_path(args.out)
    check_dpi(args.dpi)

    if args.mc is not None:
        check_replications(args.mc, args.seed, "--mc")
    from sim.scenario.model import Scenario

    single = len(args.scenarios) == 1
    loaded = load_file(args.scenarios[0], args.set, args.as_of) if single else None
    if not isinstance(loaded, Scenario):  # several files, or a program file
        if args.mc is not None:
            raise InputError("--mc draws whiskers on a single scenario's chart; name one scenario")
        if html:
            raise InputError(
                f"--out {args.out}: the interactive Gantt draws one scenario; for several use "
                "'lunarsim report ... --out x.html' or a .png/.svg/.pdf program chart"
            )
        return _program_chart(args, loaded)
    scenario = loaded
    from sim.cli._mpl_startup import import_pyplot
    from sim.engine.des import simulate
    from sim.engine.model import build_model

    if not html:
        import_pyplot()  # before sim.plots: without the artists' docstrings (~0.1 s)
    from sim.plots import gantt
    from sim.plots.figures import save_figure
    from sim.results.published import actual_precisions, actual_times
    from sim.timebase import from_utc

    if args.mc is None:
        timeline = simulate(scenario)  # window tables only as far as the run reaches
        spread = None
    else:
        model = build_model(scenario)  # window tables over the horizon, computed once for both runs
        timeline = simulate(scenario, model=model)
        spread = _end_spread(scenario, model, args.mc, args.seed)
    if html:
        return _html_chart(args.out, scenario, timeline, spread)
    ax = gantt(
        timeline,
        axis=args.axis or "utc",
        actuals=actual_times(scenario),
        precision=actual_precisions(scenario),
        lanes=list(scenario.element_ids),
        lane_names=scenario.lane_names(),
        end_spread=spread,
        spread_note=f"Monte Carlo, {args.mc:,} replications, seed {args.seed}" if args.mc else None,
        title=args.title,
        size=parse_size(args.size),
        phases=_phases(args.phases, scenario),
        time_range_s=(parse_time(args.start, "--from", scenario.epoch), parse_time(args.end, "--to", scenario.epoch)),
        tz=parse_zone(args.tz),
        status_s=None if scenario.status is None else from_utc(scenario.epoch, scenario.status.as_of),
    )
    save_figure(ax.figure, args.out, dpi=args.dpi)
    announce(args.out)
    return 0


def _program_chart(args: argparse.Namespace, program: Program | None) -> int:
    """A program file (``program``, loaded) or several scenarios: one row per mission on a UTC
    axis across years."""
    if args.axis in ("met", "hours"):
        raise InputError(
            f"--axis {args.axis}: a program chart has one UTC axis for all missions; drop --axis "
            "(or draw one scenario at a time)"
        )
    given = {"--phases": args.phases, "--from": args.start, "--to": args.end, "--tz": args.tz.upper() != "UTC" or None}
    for option, value in given.items():
        if value is not None:
            raise InputError(
                f"{option}: the program chart draws every mission whole on one UTC axis; drop {option} "
                "(or draw one scenario at a time; --title, --size and --detail apply)"
            )
    from sim.cli._mpl_startup import import_pyplot
    from sim.engine.des import simulate
    from sim.engine.program import simulate_program

    import_pyplot()  # before sim.plots: without the artists' docstrings (~0.1 s)
    from sim.plots import program_gantt
    from sim.plots.figures import save_figure
    from sim.scenario.program import load_missions

    title = None
    if program is not None:
        missions = program.missions
        timelines = simulate_program(program)  # one clock: the missions contend for shared resources
        title = f"{program.name}: nominal timelines"
    else:
        loaded = load_missions([resolve(a) for a in args.scenarios], args.set)
        missions = [with_status(m, args.as_of) for m in loaded]  # as for one file: --as-of or its own status
        timelines = [simulate(m) for m in missions]
    names = {m.id: m.lane_names() for m in missions}
    ax = program_gantt(
        timelines,
        detail=args.detail,
        title=args.title or title,
        lane_names=names,
        size=parse_size(args.size),
        status={m.id: m.status.as_of for m in missions if m.status is not None},
    )
    save_figure(ax.figure, args.out, dpi=args.dpi)
    announce(args.out)
    return 0


def _phases(text: str | None, scenario: Scenario) -> list[str] | None:
    """``--phases landing,descent`` -> the names, each a phase id or a kind of the scenario."""
    known = {p.id for p in scenario.phases} | {p.kind for p in scenario.phases}
    return parse_phases(text, known, scenario.id)


def _html_chart(
    path: str, scenario: Scenario, timeline: Timeline, spread: dict[str, tuple[float, float]] | None
) -> int:
    """The interactive Gantt alone, as one self-contained HTML page (plotly.js inlined)."""
    from sim.outputs import write_text
    from sim.plots.interactive import gantt_figure
    from sim.results.published import actual_precisions, actual_times

    fig = gantt_figure(
        timeline,
        actuals=actual_times(scenario),
        precision=actual_precisions(scenario),
        lanes=list(scenario.element_ids),
        lane_names=scenario.lane_names(),
        sources={p.id: s for p in scenario.phases if (s := (p.actual.source if p.actual else None) or p.source)},
        end_spread=spread,
    )
    write_text(path, fig.to_html(full_html=True, include_plotlyjs=True, include_mathjax=False))
    announce(path)
    return 0


def _end_spread(scenario: Scenario, model: Model, n: int, seed: int) -> dict[str, tuple[float, float]]:
    """P10 and P90 of each phase's end over ``n`` replications, seconds since the epoch."""
    from sim.engine.montecarlo import monte_carlo
    from sim.results.statistics import phase_end_spread

    return phase_end_spread(monte_carlo(scenario, n, seed, model=model))
