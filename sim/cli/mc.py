"""``lunarsim mc``: Monte Carlo schedule risk of a scenario."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, NamedTuple

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
    ProgressBar,
    add_as_of_arg,
    add_executor_args,
    add_scenario_arg,
    add_set_arg,
    announce,
    check_plot_path,
    check_replications,
    check_table_path,
    emit_csv_rows,
    executor_args,
    load_merged,
    print_result,
    provenance,
)
from sim.errors import InputError

if TYPE_CHECKING:
    from sim.results.mc_types import MonteCarloSummary

HELP = "Monte Carlo schedule risk: percentiles, S-curve, criticality, sensitivity, deadline odds"
EPILOG = """\
examples:
  lunarsim mc scenarios/change5.yaml -n 10000 --seed 42
  lunarsim mc change6 -n 100000 --seed 1 --workers 2 --deadline 2024-06-26T00:00Z --json
  lunarsim mc change5 -n 20000 --out s_curve.png --tornado tornado.png --criticality crit.png
  lunarsim mc change5 -n 5000 --out s.png --tz Asia/Shanghai --title "CE-5 end, Beijing time"
  lunarsim mc change5 -n 5000 --out s.png --axis hours --from 500h --to 600h --size 9x5
  lunarsim mc change5 -n 5000 --tornado t.png --phases sampling,descent   (rank only these)
  lunarsim mc change5 -n 10000 --until-stable          (add batches of N until P80 settles)
  lunarsim mc change5 -n 5000 --csv runs.csv           (one row per replication)
  lunarsim mc change7 -n 20000 --risks risks.png       (risk events ranked by the delay they cause)
  lunarsim mc change5 -n 1000000 --parquet runs.parquet (the same rows, typed and compressed;
                                                         needs pip install 'lunar-timeline[parquet]')
  lunarsim mc - -n 1000 < my_mission.yaml              (the scenario from standard input)
  lunarsim mc scenarios/ilrs.yaml -n 2000              (a program: missions on one clock, shared relay)
  lunarsim mc change5 -n 10000000 --executor dask --scheduler tcp://10.0.0.5:8786 --json
  lunarsim mc change5 -n 1000000 --executor dask --workers 2   (a LocalCluster of 2 processes)

The same seed gives the same result for any --executor and --workers. Replications are drawn
in fixed blocks of 8,192 from SeedSequence(seed) streams. See docs/scaling.md.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``mc`` subcommand."""
    p = sub.add_parser(
        "mc",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scenario_arg(p)
    add_set_arg(p)
    add_as_of_arg(p)
    p.add_argument("-n", "--replications", type=int, default=10_000, metavar="N", help="replications (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="root seed of all random streams (default 0)")
    add_executor_args(
        p,
        1,
        "worker processes of the local pool or of the Dask LocalCluster (default 1: runs in this process)",
    )
    p.add_argument(
        "--engine",
        choices=("auto", "des", "vector"),
        default="auto",
        help="des = SimPy event loop, vector = numpy fast path, auto = vector unless needed",
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument("--deadline", metavar="ISO", help="UTC deadline for the mission end, e.g. 2020-12-17T00:00Z")
    group.add_argument("--deadline-h", type=float, metavar="H", help="deadline in hours after the epoch")
    p.add_argument(
        "--until-stable",
        action="store_true",
        help="keep adding batches of N until P80 of the duration changes < 0.1%% over 3 batches",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--csv",
        metavar="PATH",
        help="write one row per replication: seed stream, outcome, UTC end, hours, each phase's end in hours"
        " (empty where an abort left it unrun); '-' for stdout",
    )
    p.add_argument(
        "--parquet",
        metavar="PATH",
        help="write the --csv rows as a Parquet file (.parquet): UTC timestamps, unrounded hours, null where"
        " unrun, the provenance in its metadata; needs the 'parquet' extra (pyarrow)",
    )
    p.add_argument("--out", metavar="PATH", help="S-curve of the mission end (.png, .svg, .pdf)")
    p.add_argument("--tornado", metavar="PATH", help="tornado chart of sensitivities")
    p.add_argument("--criticality", metavar="PATH", help="criticality index bars")
    p.add_argument("--histogram", metavar="PATH", help="histogram of the mission duration")
    p.add_argument("--risks", metavar="PATH", help="risk events ranked by the mission-end delay they cause")
    chart = p.add_argument_group(
        "chart options",
        "--size applies to every chart; --title, --axis, --tz, --from/--to to the --out S-curve; "
        "--phases to --tornado and --criticality",
    )
    add_title_size_args(chart, "the --out S-curve")
    add_phases_arg(chart, "--tornado and --criticality: rank only these phases (in a program: mission.phase too)")
    add_range_args(chart)
    add_tz_arg(chart)
    add_axis_arg(chart, "the --out S-curve")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, replicate, summarise, print and write."""
    check_replications(args.replications, args.seed)
    run_on = executor_args(args)
    plots = {k: getattr(args, k) for k in ("out", "tornado", "criticality", "histogram", "risks") if getattr(args, k)}
    for path in plots.values():
        check_plot_path(path)
    if args.csv:
        check_table_path("--csv", args.csv)
    if args.parquet:
        check_table_path("--parquet", args.parquet)
    scenario, owners = load_merged(args.scenario, args.set, args.as_of)
    deadline = _deadline(args, scenario.epoch)
    chart = _chart_options(args, scenario, plots, owners)

    from sim.engine.montecarlo import EngineUnsupported, monte_carlo
    from sim.results.published import flown_durations_s, phase_deadlines_s
    from sim.results.statistics import monte_carlo_summary

    with ProgressBar(args, "replications", args.replications) as progress:
        try:
            ens = monte_carlo(
                scenario,
                args.replications,
                args.seed,
                engine=args.engine,
                progress=progress,
                until_stable=args.until_stable,
                per_replication=bool(args.csv or args.parquet),  # only these need every replication's phase ends
                **run_on,
            )
        except EngineUnsupported:  # the engine speaks of its argument; the user typed a flag
            raise InputError("--engine vector cannot model shared resources; use --engine des (or auto)") from None
    result = monte_carlo_summary(
        ens,
        deadline=deadline,
        actual_durations_s=flown_durations_s(scenario),
        phase_deadlines_s=phase_deadlines_s(scenario),
        owners=owners,  # a program: each row keeps its mission and own id
    )
    if args.csv:
        emit_csv_rows(args.csv, ens.replication_rows())
    if args.parquet:
        import json

        from sim.outputs import write_parquet
        from sim.results.records import OUTCOMES

        origin = {"lunar_timeline": json.dumps(provenance(args.seed))}
        write_parquet(args.parquet, ens.replication_columns(), metadata=origin, categories={"outcome": OUTCOMES})
        announce(args.parquet)
    if plots:
        _draw(ens, result, scenario, plots, deadline, chart)
    if args.json:
        print_result(result.to_dict(), seed=args.seed)
    elif args.csv != "-":
        from sim.report.tables import mc_tables

        names = {p.id: p.label for p in scenario.phases} | {r.id: r.label for r in scenario.risks}
        mc_tables(result, names)
        if args.until_stable:
            print(f"until-stable: used N = {ens.replications:,}")
    return 0


MAX_DEADLINE_H = 876_600


def _deadline(args: argparse.Namespace, epoch: Any) -> Any:
    from datetime import timedelta

    from sim.timebase import parse_utc

    if args.deadline:
        try:
            return parse_utc(args.deadline)
        except ValueError as exc:
            raise InputError(f"--deadline {args.deadline}: {exc}") from None
    if args.deadline_h is not None:
        h = args.deadline_h
        if not abs(h) <= MAX_DEADLINE_H:  # also catches nan and inf (1e400 reads as inf)
            raise InputError(f"--deadline-h {h}: must be a number of hours within +-{MAX_DEADLINE_H:,} (100 years)")
        return epoch + timedelta(hours=h)
    return None


class ChartOptions(NamedTuple):
    """The chart options of ``mc`` (see ``sim.cli.chart_options``), read and checked."""

    title: str | None = None
    size: tuple[float, float] | None = None
    phases: list[str] | None = None
    time_range_s: tuple[float | None, float | None] = (None, None)
    tz: Any = None
    axis: str = "utc"


#: option -> (argparse dest, the charts it shapes)
_CHART_OPTIONS = {
    "--title": ("title", ("out",)),
    "--size": ("size", ("out", "tornado", "criticality", "histogram", "risks")),
    "--phases": ("phases", ("tornado", "criticality")),
    "--from": ("start", ("out",)),
    "--to": ("end", ("out",)),
    "--axis": ("axis", ("out",)),
}


def _chart_options(
    args: argparse.Namespace, scenario: Any, plots: dict[str, str], owners: dict[str, tuple[str, str]] | None = None
) -> ChartOptions:
    """Read the chart options; one that shapes none of the charts asked for is an input error.
    ``owners`` (a program): ``--phases`` also takes ``mission.phase``."""
    for option, (dest, charts) in _CHART_OPTIONS.items():
        if getattr(args, dest) is not None and not any(c in plots for c in charts):
            need = " or ".join("--" + c for c in charts)
            raise InputError(
                f"{option} shapes the {need} chart: add {need.split(' or ')[0]} FILE.png (or drop {option})"
            )
    if args.tz.upper() not in ("UTC", "Z") and "out" not in plots:
        raise InputError("--tz shapes the --out S-curve: add --out FILE.png (or drop --tz)")
    known = {p.id for p in scenario.phases} | {p.kind for p in scenario.phases}
    aliases = {f"{m}.{own}": merged for merged, (m, own) in (owners or {}).items() if m is not None}  # a program
    return ChartOptions(
        title=args.title,
        size=parse_size(args.size),
        phases=parse_phases(args.phases, known, scenario.id, aliases),
        time_range_s=(parse_time(args.start, "--from", scenario.epoch), parse_time(args.end, "--to", scenario.epoch)),
        tz=parse_zone(args.tz),
        axis=args.axis or "utc",
    )


def _draw(
    ens: Any, result: MonteCarloSummary, scenario: Any, plots: dict[str, str], deadline: Any, chart: ChartOptions
) -> None:
    """Draw the charts asked for; the tornado and the risk ranking take their numbers from the
    typed summary (full precision, not the rounded JSON, and not computed a second time)."""
    import numpy as np

    from sim.cli._mpl_startup import import_pyplot

    import_pyplot()  # before sim.plots: without the artists' docstrings (~0.1 s)
    from sim.plots import risk
    from sim.plots.figures import save_figure
    from sim.timebase import HOUR_S

    names = _chart_names(result, scenario)
    labels = [names[p.id] for p in scenario.phases]
    only = None
    if chart.phases is not None:
        only = risk.select_phases(ens, chart.phases, {p.id: p.kind for p in scenario.phases})
    size = chart.size
    for kind, path in plots.items():
        if kind == "out":
            ax = risk.s_curve(
                ens,
                deadline=deadline,
                axis=chart.axis,
                tz=chart.tz,
                time_range_s=chart.time_range_s,
                title=chart.title,
                size=size,
            )
        elif kind == "tornado":
            sens = np.array([p.sensitivity for p in result.phases])
            swings_h = np.array([p.end_swing_s for p in result.phases]) / HOUR_S
            ax = risk.tornado(ens, sens, labels=labels, swings_h=swings_h, only=only, size=size)
        elif kind == "criticality":
            ax = risk.criticality(ens, labels=labels, only=only, size=size)
        elif kind == "risks":
            ax = risk.risk_ranking(ens, list(result.risks or ()), labels=names, size=size)
        else:
            ax = risk.histogram(ens, size=size)
        save_figure(ax.figure, path)
        announce(path)


def _chart_names(result: MonteCarloSummary, scenario: Any) -> dict[str, str]:
    """The chart label of every phase and risk by id: its name, and in a program its mission
    (``change7: Landing near the south pole``), since two missions may name a phase alike."""
    names = {p.id: p.label for p in scenario.phases} | {r.id: r.label for r in scenario.risks}
    owned = [(p.id, p.mission) for p in result.phases] + [(r.id, r.mission) for r in result.risks or ()]
    for row_id, mission in owned:
        if mission is not None:
            names[row_id] = f"{mission}: {names[row_id]}"
    return names
