"""The one time base: float seconds since the scenario epoch, a timezone-aware UTC datetime.

Every time inside the simulator is a float ``*_s`` counted from the scenario's epoch (T0).
Conversions to and from calendar time, duration strings and mission elapsed time (MET) live
here and nowhere else.

>>> parse_duration("4d 16h 28m")
404880.0
>>> parse_duration("P4DT16H")
403200.0
>>> format_met(404880.0)
'T+4d16h28m'
>>> format_utc(parse_utc("2020-11-23T20:30:12Z"))
'2020-11-23T20:30:12Z'
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

import numpy as np

SECOND_S = 1.0
MINUTE_S = 60.0
HOUR_S = 3600.0
DAY_S = 86400.0
MAX_DURATION_S = 100 * 365.25 * DAY_S

_UNIT_S = {
    "s": SECOND_S,
    "sec": SECOND_S,
    "secs": SECOND_S,
    "second": SECOND_S,
    "seconds": SECOND_S,
    "m": MINUTE_S,
    "min": MINUTE_S,
    "mins": MINUTE_S,
    "minute": MINUTE_S,
    "minutes": MINUTE_S,
    "h": HOUR_S,
    "hr": HOUR_S,
    "hrs": HOUR_S,
    "hour": HOUR_S,
    "hours": HOUR_S,
    "d": DAY_S,
    "day": DAY_S,
    "days": DAY_S,
    "w": 7 * DAY_S,
    "week": 7 * DAY_S,
    "weeks": 7 * DAY_S,
}
_TERM = re.compile(r"\s*((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Z]+)\s*")
_ISO = re.compile(
    r"^P(?:(?P<w>\d+(?:\.\d+)?)W)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$")


def parse_duration(text: str) -> float:
    """Parse a duration string into seconds.

    Accepts unit terms (``37min``, ``112h``, ``1.5h``, ``90s``, ``4d 16h 28m``) and ISO 8601
    durations (``P4DT16H``, ``PT37M``). A bare number is rejected: durations carry units.

    Raises:
        ValueError: with a message that shows the accepted forms.
    """
    if isinstance(text, bool) or not isinstance(text, str):
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            raise ValueError(f"duration {text!r} has no unit; write e.g. '{text}h' or '{text}min'")
        raise ValueError(f"expected a duration string such as '37min' or '4d 16h', got {text!r}")
    s = text.strip()
    if not s:
        raise ValueError("empty duration; write e.g. '37min', '112h' or '4d 16h 28m'")
    if s.startswith("-"):
        raise ValueError(f"negative duration {text!r}; durations are >= 0")
    if s.upper().startswith("P"):
        m = _ISO.match(s.upper())
        if not m or s.upper() in ("P", "PT") or s.upper().endswith("T"):
            raise ValueError(f"malformed ISO 8601 duration {text!r}; write e.g. 'P4DT16H' or 'PT37M'")
        parts = {k: float(v) if v else 0.0 for k, v in m.groupdict().items()}
        total = parts["w"] * 7 * DAY_S + parts["d"] * DAY_S + parts["h"] * HOUR_S + parts["m"] * MINUTE_S + parts["s"]
        if not math.isfinite(total) or total > MAX_DURATION_S:
            raise ValueError(f"duration {text[:40]!r} is too long; durations are at most 100 years")
        return total
    if bare_number(s):
        raise ValueError(f"duration {text!r} has no unit; write e.g. '{s}h' or '{s}min'")
    pos = 0
    total = 0.0
    while pos < len(s):
        m = _TERM.match(s, pos)
        if not m:
            raise ValueError(f"cannot read duration {text!r}; write e.g. '37min', '1.5h', '4d 16h 28m' or 'P4DT16H'")
        unit = m.group(2).lower()
        if unit not in _UNIT_S:
            raise ValueError(f"unknown unit {m.group(2)!r} in duration {text!r}; use s, min, h, d or w")
        total += float(m.group(1)) * _UNIT_S[unit]
        pos = m.end()
    if not math.isfinite(total) or total > MAX_DURATION_S:
        raise ValueError(f"duration {text[:40]!r} is too long; durations are at most 100 years")
    return total


def parse_signed_duration(text: str) -> float:
    """``parse_duration`` that also accepts a leading minus (a lead: ``-30min``)."""
    if isinstance(text, str) and text.strip().startswith("-"):
        return -parse_duration(text.strip()[1:].strip())
    return parse_duration(text)


def bare_number(s: str) -> bool:
    """True if ``s`` is a plain number with no unit."""
    try:
        float(s)
    except ValueError:
        return False
    return True


def parse_utc(value: str | datetime) -> datetime:
    """Parse an ISO 8601 UTC time (``2020-11-23T20:30:12Z``, seconds optional) to an aware datetime.

    Naive times (no ``Z`` or offset) are rejected: every time in a scenario is UTC and says so.
    """
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        s = value.strip()
        if not _DATETIME.match(s):
            raise ValueError(f"malformed time {value!r}; write UTC ISO 8601 such as '2020-11-23T20:30:12Z'")
        try:
            dt = datetime.fromisoformat(s.replace(" ", "T", 1).replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError(f"invalid time {value!r}: {exc}") from None
    else:
        raise ValueError(f"expected a UTC time such as '2020-11-23T20:30:12Z', got {value!r}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"time {value!s} has no time zone; append 'Z' for UTC (e.g. '{value!s}Z')")
    return dt.astimezone(UTC)


def to_utc(epoch: datetime, t_s: float) -> datetime:
    """The UTC datetime ``t_s`` seconds after ``epoch``."""
    return epoch + timedelta(seconds=float(t_s))


def from_utc(epoch: datetime, when: datetime) -> float:
    """Seconds from ``epoch`` to ``when`` (negative if before)."""
    return (when - epoch).total_seconds()


def format_utc(dt: datetime, *, seconds: bool = True) -> str:
    """``2020-11-23T20:30:12Z``; rounds to the nearest second (or minute with ``seconds=False``)."""
    dt = dt.astimezone(UTC)
    if seconds:
        dt = (dt + timedelta(microseconds=500_000)).replace(microsecond=0)
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    dt = (dt + timedelta(seconds=30)).replace(second=0, microsecond=0)
    return dt.strftime("%Y-%m-%dT%H:%MZ")


def format_utc_many(epoch: datetime, t_s: np.ndarray) -> list[str]:
    """``format_utc(to_utc(epoch, t))`` for every ``t`` of an array, vectorized (to the second)."""
    base = np.datetime64(epoch.astimezone(UTC).replace(tzinfo=None), "us")
    micro = np.rint(np.asarray(t_s, dtype=np.float64) * 1e6).astype("timedelta64[us]")  # as timedelta() rounds
    seconds = (base + micro + np.timedelta64(500_000, "us")).astype("datetime64[s]")  # half up, as format_utc
    return [s + "Z" for s in np.datetime_as_string(seconds, unit="s").tolist()]


def format_duration(duration_s: float) -> str:
    """Compact human duration: ``4d 16h 28m``, ``37m``, ``12s``; rounds to the minute above 1 h."""
    if not math.isfinite(duration_s):
        return "-"
    total = round(abs(duration_s))
    sign = "-" if duration_s < 0 else ""
    if total < 60:
        return f"{sign}{total}s"
    minutes = round(total / 60)
    d, rem = divmod(minutes, 1440)
    h, m = divmod(rem, 60)
    parts = []
    if d:
        parts.append(f"{d}d")
    if h:
        parts.append(f"{h}h")
    if m or not parts:
        parts.append(f"{m}m")
    return sign + " ".join(parts)


def format_met(t_s: float) -> str:
    """Mission elapsed time, ``T+4d16h28m`` (to the minute; ``T-`` before the epoch)."""
    sign = "-" if t_s < 0 else "+"
    minutes = round(abs(t_s) / 60)
    d, rem = divmod(minutes, 1440)
    h, m = divmod(rem, 60)
    out = f"T{sign}"
    if d:
        out += f"{d}d"
    if d or h:
        out += f"{h}h"
    return out + f"{m}m"
