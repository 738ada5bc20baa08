"""Chart options shared by the commands that draw (``gantt``, ``compare``, ``mc``).

``--title``, ``--size``, ``--phases``, ``--from``/``--to``, ``--tz`` and ``--axis`` mean the same
in every command; each command adds the ones that make sense for its charts (``add_*``) and reads
them with the parsers here, which turn a bad value into one readable ``InputError`` line.
Standard library only at import time (``lunarsim --help`` stays light).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo

from sim.errors import InputError

AXES = ("utc", "met", "hours")


def add_title_size_args(parser: argparse._ActionsContainer, what: str = "the chart") -> None:
    """``--title TEXT`` and ``--size WxH``."""
    parser.add_argument("--title", metavar="TEXT", help=f"title of {what} (default: says what is drawn)")
    parser.add_argument("--size", metavar="WxH", help="figure size in inches, e.g. 12x8 (default: from the rows)")


def add_phases_arg(parser: argparse._ActionsContainer, what: str = "draw only these phases") -> None:
    """``--phases LIST`` (comma-separated phase ids or kinds)."""
    parser.add_argument("--phases", metavar="LIST", help=f"{what}: comma-separated ids or kinds")


def add_range_args(parser: argparse._ActionsContainer, unit: str = "utc") -> None:
    """``--from``/``--to``: UTC times (or, with ``unit="launch"``, durations since each launch)."""
    if unit == "launch":
        parser.add_argument(
            "--from", dest="start", metavar="DURATION", help="show from this time after each launch, e.g. 25d"
        )
        parser.add_argument("--to", dest="end", metavar="DURATION", help="show up to this time after each launch")
        return
    parser.add_argument(
        "--from",
        dest="start",
        metavar="TIME",
        help="show from this time: ISO UTC (2020-11-28T00:00Z) or a duration after T0 (5d, 36h)",
    )
    parser.add_argument("--to", dest="end", metavar="TIME", help="show up to this time (ISO UTC or after T0)")


def add_tz_arg(parser: argparse._ActionsContainer) -> None:
    """``--tz ZONE`` (an IANA name; UTC by default)."""
    parser.add_argument(
        "--tz", metavar="ZONE", default="UTC", help="time zone of the date axis, e.g. Asia/Shanghai (default UTC)"
    )


def add_axis_arg(parser: argparse._ActionsContainer, what: str) -> None:
    """``--axis utc|met|hours``."""
    parser.add_argument(
        "--axis",
        choices=AXES,
        default=None,
        help=f"time axis of {what}: dates (default; see --tz), mission elapsed days, or hours since T0",
    )


def parse_size(text: str | None) -> tuple[float, float] | None:
    """``12x8`` -> (12.0, 8.0) inches."""
    if text is None:
        return None
    try:
        w, h = (float(v) for v in text.lower().replace(",", "x").split("x"))
    except ValueError:
        raise InputError(f"--size {text}: give width x height in inches, e.g. 12x8") from None
    if not (1 <= w <= 100 and 1 <= h <= 100):
        raise InputError(f"--size {text}: each side must be between 1 and 100 inches")
    return w, h


def parse_phases(
    text: str | None, known: Iterable[str], where: str, aliases: Mapping[str, str] | None = None
) -> list[str] | None:
    """``--phases landing,descent`` -> the names, each one of ``known`` (phase ids and kinds of
    ``where``, e.g. ``change5``) or of ``aliases`` (another name for one of them: in a program,
    ``change7.landing`` for the merged id ``change7__landing``), aliases replaced."""
    if text is None:
        return None
    from sim.fields import did_you_mean

    aliases = aliases or {}
    known = set(known) | set(aliases)
    names = [n.strip() for n in text.split(",") if n.strip()]
    for n in names:
        if n not in known:
            what = "is not a phase (mission.phase), phase id or kind" if aliases else "is neither a phase id nor a kind"
            raise InputError(f"--phases {text}: {n!r} {what} of {where}{did_you_mean(n, known)}")
    if not names:
        raise InputError("--phases: name at least one phase id or kind")
    return [aliases.get(n, n) for n in names]


def parse_time(text: str | None, option: str, epoch: datetime) -> float | None:
    """``--from/--to``: ISO UTC, or a duration after T0 (``5d``), -> seconds since ``epoch``."""
    if text is None:
        return None
    from sim.timebase import from_utc, parse_duration, parse_utc

    try:
        return from_utc(epoch, parse_utc(text))
    except ValueError as exc:
        try:
            return parse_duration(text)
        except ValueError:
            raise InputError(f"{option} {text}: {exc}; or give a duration after T0 such as 5d or 36h") from None


def parse_after_launch(text: str | None, option: str) -> float | None:
    """``--from/--to`` on a chart aligned at launch: a duration after launch (``25d``), seconds."""
    if text is None:
        return None
    from sim.timebase import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise InputError(
            f"{option} {text}: the missions are aligned at their launch, so give a time after launch "
            f"such as 25d ({exc})"
        ) from None


def parse_zone(name: str) -> tzinfo:
    """``--tz Asia/Shanghai`` -> a tzinfo (UTC for "UTC")."""
    from datetime import UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"--tz {name}: unknown time zone; use an IANA name such as Asia/Shanghai or UTC") from None
