"""``lunarsim windows``: every window a scenario declares, computed over a span."""

from __future__ import annotations

import argparse

from sim.cli.common import add_dpi_arg, add_set_arg, announce, check_dpi, check_plot_path, load_any, print_json
from sim.errors import InputError

HELP = "list a scenario's windows (launch, relay, ground stations, return, daylight) over a span"
EPILOG = """\
examples:
  lunarsim windows change5                              table over the scenario's horizon
  lunarsim windows change6 --from 2024-05-25T00:00Z --to 2024-06-30T00:00Z
  lunarsim windows change6 --json                       {"scenario", "from", "to", "windows": {...}}
  lunarsim windows change5 --out windows.png            timeline chart (png, svg, pdf)
  lunarsim windows change5 --set epoch=2021-03-01T00:00Z --json
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``windows`` subcommand."""
    p = sub.add_parser(
        "windows",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". Times are UTC; the default span is the epoch to the horizon.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file or bundled id")
    add_set_arg(p)
    p.add_argument("--from", dest="start", metavar="ISO", help="span start, UTC (default: the scenario's epoch)")
    p.add_argument("--to", dest="end", metavar="ISO", help="span end, UTC (default: epoch + horizon)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--out", metavar="PATH", help="also draw the windows as a timeline chart (.png, .svg, .pdf)")
    add_dpi_arg(p)
    p.set_defaults(func=run)


def _time(value: str, option: str) -> object:
    from sim.timebase import parse_utc

    try:
        return parse_utc(value)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    """Load, compute every window over the span, print or draw."""
    from datetime import datetime, timedelta

    if args.out:
        check_plot_path(args.out)
        check_dpi(args.dpi)
    scenario = load_any(args.scenario, args.set)
    start = _time(args.start, "--from") if args.start else scenario.epoch
    end = _time(args.end, "--to") if args.end else scenario.epoch + timedelta(seconds=scenario.horizon)
    assert isinstance(start, datetime) and isinstance(end, datetime)
    if end <= start:
        raise InputError(f"--to ({end:%Y-%m-%dT%H:%MZ}) must be after --from ({start:%Y-%m-%dT%H:%MZ})")
    if start.year < 1900 or end.year > 2052:
        raise InputError("--from/--to: the span must lie within 1900-2052 (the offline DE421 ephemeris)")
    if (end - start).days > 3660:
        raise InputError("--from/--to: the span is longer than 10 years; narrow it")
    from sim.engine.model import list_windows

    listing = list_windows(scenario, start, end)
    if args.out:
        from sim.cli._mpl_startup import import_pyplot

        import_pyplot()  # before sim.plots: without the artists' docstrings (~0.1 s)
        from sim.plots.figures import save_figure
        from sim.plots.windows import windows_chart

        ax = windows_chart(listing)
        save_figure(ax.figure, args.out, dpi=args.dpi)
        announce(args.out)
    if args.json:
        print_json(listing.to_json())
    else:
        from sim.report.windows import windows_table

        windows_table(listing)
    return 0
