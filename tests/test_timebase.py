"""The time base: duration parsing, UTC parsing and formatting, MET."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.timebase import (
    format_duration,
    format_met,
    format_utc,
    from_utc,
    parse_duration,
    parse_utc,
    to_utc,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("37min", 2220.0),
        ("112h", 403200.0),
        ("1.5h", 5400.0),
        ("4d 16h 28m", 4 * 86400 + 16 * 3600 + 28 * 60),
        ("90s", 90.0),
        ("P4DT16H", 4 * 86400 + 16 * 3600),
        ("PT37M", 2220.0),
        ("P1W", 7 * 86400),
        ("PT0.5S", 0.5),
        ("0s", 0.0),
        ("2 days 3 hours", 2 * 86400 + 3 * 3600),
        ("  12 h ", 43200.0),
    ],
)
def test_parse_duration_units(text: str, seconds: float) -> None:
    """Unit strings and ISO 8601 durations give seconds."""
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("112", "no unit"),
        ("-3h", "negative"),
        ("3 fortnights", "unknown unit"),
        ("P", "malformed ISO"),
        ("PT", "malformed ISO"),
        ("", "empty"),
        ("h", "cannot read"),
        ("4d16", "cannot read"),
    ],
)
def test_parse_duration_rejects(text: str, fragment: str) -> None:
    """Malformed durations raise ValueError saying what is wrong."""
    with pytest.raises(ValueError, match=fragment):
        parse_duration(text)


def test_parse_duration_rejects_bare_number_type() -> None:
    """A YAML number (no unit) is rejected with a hint to add one."""
    with pytest.raises(ValueError, match="no unit"):
        parse_duration(5)  # type: ignore[arg-type]


def test_parse_utc_accepts_z_offset_and_minutes() -> None:
    """UTC times parse with Z or an offset, with or without seconds."""
    assert parse_utc("2020-11-23T20:30:12Z") == datetime(2020, 11, 23, 20, 30, 12, tzinfo=UTC)
    assert parse_utc("2020-11-23T21:07Z") == datetime(2020, 11, 23, 21, 7, tzinfo=UTC)
    assert parse_utc("2020-11-24T04:30:12+08:00") == datetime(2020, 11, 23, 20, 30, 12, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2020-11-23T20:30:12", "2020-11-23 20:30"])
def test_parse_utc_rejects_naive(text: str) -> None:
    """A time without a zone is rejected and the fix (append Z) is named."""
    with pytest.raises(ValueError, match="append 'Z'"):
        parse_utc(text)


@pytest.mark.parametrize("text", ["2020-13-01T00:00Z", "yesterday", "2020-11-23", "2020-11-23T25:00Z"])
def test_parse_utc_rejects_malformed(text: str) -> None:
    """Malformed or impossible times are rejected."""
    with pytest.raises(ValueError):
        parse_utc(text)


def test_parse_utc_rejects_naive_datetime_object() -> None:
    """A naive datetime object is rejected too."""
    with pytest.raises(ValueError, match="no time zone"):
        parse_utc(datetime(2020, 1, 1))  # noqa: DTZ001


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_utc_round_trip(t_s: float) -> None:
    """Seconds -> UTC -> seconds is exact to the microsecond."""
    epoch = datetime(2020, 11, 23, 20, 30, 12, tzinfo=UTC)
    assert abs(from_utc(epoch, to_utc(epoch, t_s)) - t_s) < 1e-6


@given(st.integers(min_value=0, max_value=10**8))
def test_duration_format_round_trip(t_s: int) -> None:
    """format_duration output parses back to the same duration, to the minute above one minute."""
    text = format_duration(t_s)
    back = parse_duration(text)
    assert abs(back - t_s) <= (0 if t_s < 60 else 30)


def test_format_met_and_utc() -> None:
    """MET and UTC strings have the documented shapes."""
    assert format_met(4 * 86400 + 16 * 3600 + 28 * 60) == "T+4d16h28m"
    assert format_met(37 * 60) == "T+37m"
    assert format_met(-3600) == "T-1h0m"
    assert format_met(0) == "T+0m"
    epoch = datetime(2020, 11, 23, 20, 30, 12, 600_000, tzinfo=UTC)
    assert format_utc(epoch) == "2020-11-23T20:30:13Z"
    assert format_utc(epoch + timedelta(seconds=20), seconds=False) == "2020-11-23T20:31Z"


def test_format_utc_many_matches_format_utc() -> None:
    """The vectorized UTC formatting (CSV export) gives format_utc's text, half-seconds included."""
    import numpy as np

    from sim.timebase import format_utc_many

    epoch = datetime(2020, 11, 23, 20, 30, 12, tzinfo=UTC)
    t = np.random.default_rng(0).uniform(-1e6, 5e7, 20_000)
    t[:6] = [0.0, 0.5, 1.4999999, 2.5, -0.5, 59.5]
    assert format_utc_many(epoch, t) == [format_utc(to_utc(epoch, float(x))) for x in t]
