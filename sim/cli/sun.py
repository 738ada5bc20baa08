"""``lunarsim sun``: the Sun's elevation at a lunar site, its sunrises and sunsets, its days and nights."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sim.cli.common import print_result
from sim.errors import InputError, RunError

if TYPE_CHECKING:
    from sim.report.fit import Column
    from sim.sky.ephemeris import Ephemeris

HELP = "sun elevation, sunrise and sunset at a lunar site; its days and nights over a span"
EPILOG = """\
Sites are selenographic: latitude north-positive, longitude EAST-positive, in degrees
(51.9161 W is --lon -51.9161, or --lon 308.0839). Times are UTC ISO 8601 with a zone
('Z' or an offset). Sunrise and sunset are when the Sun's centre crosses --elevation (default
0 deg) on a spherical Moon: terrain and horizon masks are not modelled. Ephemeris: JPL DE421
(offline, via skyfield-data) and the IAU 2009 Moon orientation model.

examples:
  lunarsim sun --lat 0.6875 --lon 23.4333 --at 1969-07-20T20:17:39Z       Apollo 11 landing
  lunarsim sun --site change5 --at 2020-12-01T15:11Z --json               CE-5 landing, as JSON
  lunarsim sun --site change6 --at 2024-06-01T22:23Z --at 2024-06-03T23:38Z
  lunarsim sun --site change5 --from 2020-11-01T00:00Z --to 2021-01-01T00:00Z
  lunarsim sun --lat -88.8 --lon 123.4 --from 2026-01-01T00:00Z --to 2026-07-01T00:00Z --elevation 1
"""

MARGIN = timedelta(days=46)
"""Times must lie this far inside the ephemeris span: sunrise/sunset are searched 45 days around."""

TREND_STEP_S = 60.0
"""Half-width of the central difference that tells a rising Sun from a setting one."""

T = TypeVar("T")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sun`` subcommand."""
    p = sub.add_parser(
        "sun",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    site = p.add_argument_group("site (give --lat and --lon, or --site)")
    site.add_argument("--lat", metavar="DEG", type=float, help="selenographic latitude, deg, north-positive [-90, 90]")
    site.add_argument(
        "--lon",
        metavar="DEG",
        type=float,
        help="selenographic longitude, deg, EAST-positive [-360, 360] (west is negative)",
    )
    site.add_argument(
        "--site",
        metavar="ID",
        help="take the site from a scenario's site: field; a bundled id (change5, change6, ...) or a scenario file",
    )
    when = p.add_argument_group("times (give --at, or --from and --to)")
    when.add_argument(
        "--at",
        metavar="ISO",
        action="append",
        default=[],
        help="a UTC time, e.g. 2020-12-01T15:11Z (repeatable): elevation, previous sunrise, next sunset",
    )
    when.add_argument("--from", metavar="ISO", dest="start", help="span start (UTC): list the days and nights")
    when.add_argument("--to", metavar="ISO", dest="end", help="span end (UTC), after --from")
    p.add_argument(
        "--elevation",
        metavar="DEG",
        type=float,
        default=0.0,
        help="sunrise/sunset threshold: the Sun's centre at this elevation, deg (default 0)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate the options, compute, print."""
    lat_deg, lon_deg, site_name = _site(args)
    elevation_deg = _finite("--elevation", args.elevation)
    if not -90.0 <= elevation_deg <= 90.0:
        raise InputError(f"--elevation {args.elevation:g}: must be in [-90, 90] deg")
    span = args.start is not None or args.end is not None
    if args.at and span:
        raise InputError("lunarsim sun: give --at TIME, or --from TIME --to TIME, not both")
    if not args.at and not span:
        raise InputError("lunarsim sun: give --at TIME (repeatable), or --from TIME --to TIME")
    if span and (args.start is None or args.end is None):
        missing = "--to" if args.end is None else "--from"
        raise InputError(f"lunarsim sun: {missing} is missing; --from and --to go together")

    try:
        from sim.sky.ephemeris import default_ephemeris

        eph = default_ephemeris()
    except (FileNotFoundError, OSError) as exc:
        raise RunError(f"cannot open the ephemeris: {exc}") from None

    if args.at:
        times = [_time(eph, "--at", text) for text in args.at]
        report = _guard(lambda: eph.sun_report(lat_deg, lon_deg, times, elevation_deg=elevation_deg))
        if args.json:
            print_result(report)
        else:
            trend = _guard(lambda: _rising(eph, lat_deg, lon_deg, times))
            _times_table(report, trend, site_name, elevation_deg)
        return 0

    start = _time(eph, "--from", args.start)
    end = _time(eph, "--to", args.end)
    if end <= start:
        raise InputError(f"--from {args.start} is not before --to {args.end}; the span must run forwards")
    periods = _guard(lambda: eph.day_night_table(lat_deg, lon_deg, start, end, elevation_deg=elevation_deg))
    from sim.timebase import format_utc

    doc = {
        "site": {"lat_deg": lat_deg, "lon_deg": lon_deg},
        "from": format_utc(start),
        "to": format_utc(end),
        "periods": periods,
    }
    if args.json:
        print_result(doc)
    else:
        _periods_table(doc, site_name, elevation_deg)
    return 0


# -- validation ----------------------------------------------------------------------------------


def _finite(option: str, value: float) -> float:
    """``value`` if it is a finite number, else an ``InputError`` naming ``option``."""
    if not math.isfinite(value):
        raise InputError(f"{option} {value}: must be a finite number")
    return float(value)


def _site(args: argparse.Namespace) -> tuple[float, float, str | None]:
    """``(lat_deg, lon_deg, name)`` from ``--lat``/``--lon`` or from a scenario's ``site:``."""
    if args.site is not None:
        if args.lat is not None or args.lon is not None:
            raise InputError(f"--site {args.site}: give --site or --lat/--lon, not both")
        from sim.cli.common import bundled_scenarios, load, resolve

        if not resolve(args.site).exists():
            ids = ", ".join(p.stem for p in bundled_scenarios())
            raise InputError(f"--site {args.site}: no such bundled scenario or file; bundled ids: {ids}")
        try:
            scenario = load(args.site)
        except InputError as exc:
            more = len(exc.problems) - 1
            tail = f" (and {more} more; see 'lunarsim validate {args.site}')" if more else ""
            raise InputError(f"--site {args.site}: cannot read its site: {exc.problems[0]}{tail}") from None
        if scenario.site is None:
            raise InputError(f"--site {args.site}: the scenario has no site:; give --lat and --lon")
        return scenario.site.lat_deg, scenario.site.lon_deg, scenario.site.name or args.site
    if args.lat is None or args.lon is None:
        missing = " and ".join(o for o, v in (("--lat", args.lat), ("--lon", args.lon)) if v is None)
        raise InputError(f"lunarsim sun: {missing} missing; give --lat DEG --lon DEG, or --site ID")
    lat_deg = _finite("--lat", args.lat)
    lon_deg = _finite("--lon", args.lon)
    if not -90.0 <= lat_deg <= 90.0:
        raise InputError(f"--lat {args.lat:g}: latitude must be in [-90, 90] deg")
    if not -360.0 <= lon_deg <= 360.0:
        raise InputError(f"--lon {args.lon:g}: longitude must be in [-360, 360] deg (east-positive)")
    return lat_deg, lon_deg, None


def _time(eph: Ephemeris, option: str, text: str) -> datetime:
    """Parse a UTC time and check that it lies inside the ephemeris span (less the search margin)."""
    from sim.timebase import format_utc, parse_utc

    try:
        when = parse_utc(text)
    except ValueError as exc:
        raise InputError(f"{option} {text}: {exc}") from None
    lo, hi = _supported_span(eph)
    if not lo <= when <= hi:
        raise InputError(
            f"{option} {format_utc(when)}: outside the offline ephemeris (JPL DE421); "
            f"use times from {lo:%Y-%m-%d} to {hi:%Y-%m-%d} UTC"
        )
    return when


def _supported_span(eph: Ephemeris) -> tuple[datetime, datetime]:
    """The ephemeris span less the search margin, rounded inwards to whole years."""
    first, last = eph.coverage()
    lo, hi = first + MARGIN, last - MARGIN
    lo_year = datetime(lo.year, 1, 1, tzinfo=UTC)
    if lo_year < lo:
        lo_year = datetime(lo.year + 1, 1, 1, tzinfo=UTC)
    return lo_year, datetime(hi.year, 1, 1, tzinfo=UTC)


def _guard(compute: Callable[[], T]) -> T:
    """Run ``compute()``; a ``ValueError`` from the ephemeris (e.g. a date it lacks) exits 2, one line."""
    try:
        return compute()
    except ValueError as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"lunarsim sun: {message}") from None


def _rising(eph: Ephemeris, lat_deg: float, lon_deg: float, times: list[datetime]) -> list[bool]:
    """Whether the Sun's elevation is increasing at each time (central difference, 2 min)."""
    import numpy as np

    epoch = min(times)
    t_s = np.array([(when - epoch).total_seconds() for when in times])
    after = eph.sun_elevation_deg(lat_deg, lon_deg, epoch, t_s + TREND_STEP_S)
    before = eph.sun_elevation_deg(lat_deg, lon_deg, epoch, t_s - TREND_STEP_S)
    return [bool(x) for x in after > before]


# -- tables --------------------------------------------------------------------------------------


def _site_title(lat_deg: float, lon_deg: float, name: str | None) -> str:
    """``43.0576° N, 51.9161° W (name)``; longitude shown in (-180, 180]."""
    lon = (lon_deg + 180.0) % 360.0 - 180.0
    if lon == -180.0 and lon_deg > 0:
        lon = 180.0
    ns = "N" if lat_deg >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    text = f"{abs(lat_deg):.4f}° {ns}, {abs(lon):.4f}° {ew}"
    return f"{text} ({name})" if name else text


def _caption(elevation_deg: float) -> str:
    """What sunrise and sunset mean here."""
    return (
        f"Sunrise/sunset: the Sun's centre crosses {elevation_deg:g}° elevation; spherical Moon, "
        "terrain not modelled; JPL DE421 + IAU 2009 Moon frame"
    )


def _short(iso: str | None, missing: str) -> str:
    """``2020-12-01 15:11:00`` from ``2020-12-01T15:11:00Z`` (the header says UTC)."""
    return missing if iso is None else iso.replace("T", " ").removesuffix("Z")


def _times_table(report: dict[str, Any], rising: list[bool], name: str | None, elevation_deg: float) -> None:
    """Time, elevation, rising/setting, previous sunrise, next sunset."""
    from sim.report.fit import Column

    site = report["site"]
    columns = [
        Column("elevation"),
        Column("Sun", "left"),
        Column("previous sunrise\n(UTC)"),
        Column("next sunset\n(UTC)"),
    ]
    rows = []
    for row, up in zip(report["times"], rising, strict=True):
        elev = row["sun_elevation_deg"]
        day = elev >= elevation_deg
        trend = "↑ rising" if up else "↓ setting"
        rows.append(
            [
                _short(row["at"], "-"),
                f"{elev:.3f}°",
                f"[yellow]{trend}[/]" if day else f"[blue]{trend} (night)[/]",
                _short(row["previous_sunrise"], "none within 45 d"),
                _short(row["next_sunset"], "none within 45 d"),
            ]
        )
    title = f"Sun at {_site_title(site['lat_deg'], site['lon_deg'], name)}"
    _print(title, Column("time (UTC)", "left", shrink=False), columns, rows, _caption(elevation_deg))


def _periods_table(doc: dict[str, Any], name: str | None, elevation_deg: float) -> None:
    """One row per lunar day or night in the span."""
    from sim.report.fit import Column
    from sim.timebase import format_duration

    site = doc["site"]
    columns = [Column("start (UTC)", "left"), Column("end (UTC)", "left"), Column("duration")]
    rows = []
    for period in doc["periods"]:
        clipped = period["start"] is None or period["end"] is None
        duration = format_duration(period["duration_h"] * 3600.0)
        style = "yellow" if period["kind"] == "day" else "blue"
        rows.append(
            [
                f"[{style}]{period['kind']}[/]",
                _short(period["start"], "before span"),
                _short(period["end"], "after span"),
                f"≥ {duration}" if clipped else duration,
            ]
        )
    title = (
        f"Days and nights at {_site_title(site['lat_deg'], site['lon_deg'], name)}, "
        f"{_short(doc['from'], '')} to {_short(doc['to'], '')} UTC"
    )
    caption = _caption(elevation_deg) + "; ≥: the period runs past the span"
    _print(title, Column("", "left", shrink=False), columns, rows, caption)


def _print(title: str, name: Column, columns: list[Column], rows: list[list[str]], caption: str) -> None:
    """Title line, table (fitted to the terminal: split in parts if it must be), caption line."""
    from sim.report.fit import fit_tables
    from sim.report.tables import wide_console

    console = wide_console()
    for part in fit_tables(console, title, name, columns, rows, caption):
        console.print(part, highlight=False)
