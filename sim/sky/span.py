"""The dates the offline ephemeris covers, without loading it (validation uses these).

DE421 (``skyfield-data``) gives the Sun and the Moon from 1899-07-28T23:59:17Z to
2053-10-08T23:58:50Z (``Ephemeris.coverage()``; a test checks these constants against it).
``START`` and ``END`` are the whole UTC days inside that span. A scenario whose windows need
the Sun's position must keep ``epoch - MARGIN_S`` to ``epoch + horizon + MARGIN_S`` inside
them: daylight scans step an hour past either end of their span, so one day of margin is ample.
"""

from __future__ import annotations

from datetime import UTC, datetime

EPHEMERIS = "DE421"
START = datetime(1899, 7, 29, tzinfo=UTC)
END = datetime(2053, 10, 8, tzinfo=UTC)
MARGIN_S = 86400.0


def describe() -> str:
    """``DE421 covers 1899-07-29 to 2053-10-08``."""
    return f"the {EPHEMERIS} ephemeris covers {START:%Y-%m-%d} to {END:%Y-%m-%d}"
