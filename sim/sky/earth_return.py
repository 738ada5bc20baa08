"""Earth-return opportunities from lunar orbit: the Moon's declination and its extremes.

The rule (docs/windows.md, "Earth return"): a return trajectory from the Moon falls almost
radially to the Earth, so its perigee, and with it the entry point, lies roughly opposite the
Moon's direction. A landing site in the northern hemisphere (Siziwang Banner, ~42 N) therefore
needs the Moon SOUTH of the equator during the 3-4 day fall, and the best opportunity of each
tropical month (27.32 d) is the few days before the Moon reaches its southern declination
extreme; a southern site mirrors this with the northern extreme. The evidence is every Chang'e
return to Siziwang Banner: CE-5 TEI-2 2020-12-13 (extreme 12-15, -24.9 deg), CE-6 TEI
2024-06-20/21 (extreme 06-22, -28.4 deg), CE5-T1 lunar flyby 2014-10-27 (extreme 10-28,
-18.5 deg): all left 0-3 days before the extreme.

The declination is the Moon's geocentric apparent declination of date (true equator and
equinox), JPL DE421 via skyfield, vectorized; extremes are refined to 1 s.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from sim.sky.earthframe import moon_gcrs_table, true_of_date_table
from sim.sky.search import FloatArray, extrema
from sim.timebase import DAY_S, HOUR_S

if TYPE_CHECKING:
    from sim.sky.ephemeris import Ephemeris

EXTREME_SCAN_STEP_S = 6.0 * HOUR_S
"""Declination scan step: the declination turns every ~13.7 d, so 6 h brackets each extreme."""

TROPICAL_MONTH_S = 27.321582 * DAY_S
"""Mean tropical month (equinox to equinox), the period of the Moon's declination cycle."""


def moon_declination_deg(eph: Ephemeris, epoch: datetime, t_s: ArrayLike) -> FloatArray:
    """Geocentric apparent declination of the Moon (true equator of date), degrees, shape of ``t_s``."""
    t_arr = np.asarray(t_s, dtype=np.float64)
    t = eph.times(epoch, t_arr.ravel())
    _, dec, _ = eph.body("earth").at(t).observe(eph.body("moon")).apparent().radec(epoch="date")
    return np.asarray(dec.degrees, dtype=np.float64).reshape(t_arr.shape)


def declination_extremes(
    eph: Ephemeris, epoch: datetime, start_s: float, end_s: float, *, south: bool
) -> tuple[FloatArray, FloatArray]:
    """Times (seconds since ``epoch``) and declinations of the Moon's southern (or northern) extremes.

    Returns:
        ``(t_s, dec_deg)`` arrays of the extremes strictly inside ``[start_s, end_s]``, sorted.
    """
    # The scan and refinement use the geocentric apparent Moon tabulated every 30 min and the
    # true-of-date matrices tabulated daily (sim.sky.earthframe): < 0.001 deg from the exact
    # declination, < 1 min on an extreme's time; the reported declinations are exact.
    moon = moon_gcrs_table(eph, epoch, start_s, end_s, step_s=HOUR_S)
    true_of_date = true_of_date_table(eph, epoch, start_s, end_s)

    def dec_deg(t: FloatArray) -> FloatArray:
        v = np.einsum("nij,nj->ni", true_of_date(t), moon(t))
        return np.asarray(np.degrees(np.arcsin(v[:, 2] / np.linalg.norm(v, axis=1))), dtype=np.float64)

    t_ext = extrema(dec_deg, start_s, end_s, EXTREME_SCAN_STEP_S, minima=south)
    dec = moon_declination_deg(eph, epoch, t_ext) if t_ext.size else np.empty(0)
    return t_ext, dec


def return_openings(
    eph: Ephemeris,
    epoch: datetime,
    start_s: float,
    end_s: float,
    *,
    site_lat_deg: float,
    open_before_s: float,
    close_before_s: float,
    lead_s: float = 0.0,
) -> FloatArray:
    """Departure openings over ``[start_s, end_s]``: one per tropical month, before each extreme.

    Args:
        eph: the ephemeris.
        epoch: time origin, aware UTC.
        start_s: span start, seconds since ``epoch``.
        end_s: span end.
        site_lat_deg: geodetic latitude of the Earth landing site; >= 0 uses the Moon's southern
            extremes, < 0 its northern ones.
        open_before_s: the escape burn may start this long before the extreme ...
        close_before_s: ... until this long before it (``close_before_s < open_before_s``).
        lead_s: time from the gated phase to the escape burn (e.g. CE-5's TEI-1 came 24 h before
            its escape burn TEI-2): the opening moves this much earlier.

    Returns:
        ``(k, 2)`` openings ``[extreme - open_before - lead, extreme - close_before - lead]``,
        sorted; they may reach outside the span (the caller clips).
    """
    if not close_before_s < open_before_s:
        raise ValueError(f"close_before ({close_before_s} s) must be less than open_before ({open_before_s} s)")
    # the extremes whose openings can meet the span, with a day's margin for the scan's edges
    t_ext, _ = declination_extremes(
        eph,
        epoch,
        start_s + close_before_s + lead_s - DAY_S,
        end_s + open_before_s + lead_s + DAY_S,
        south=site_lat_deg >= 0.0,
    )
    iv = np.column_stack([t_ext - open_before_s - lead_s, t_ext - close_before_s - lead_s])
    keep = (iv[:, 1] > start_s) & (iv[:, 0] < end_s)
    return iv[keep].reshape(-1, 2)
