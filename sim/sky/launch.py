"""Daily launch windows for a lunar transfer from an Earth launch site.

The rule (docs/windows.md, "Launch window"): the trans-lunar injection (TLI) happens at the
perigee of the transfer ellipse, and the spacecraft reaches the Moon near apogee, ~180 deg
later; so the TLI point lies in the direction ``d = -r_moon(t_launch + transfer)``, opposite the
Moon's position at arrival. The launch plane contains the pad at liftoff and, rotating with the
Earth, must also contain ``d``; the rocket then flies along that great circle from the pad to
``d``. Two numbers describe the flight, and the window is the set of liftoff times for which
both are inside the vehicle's limits:

- the **launch azimuth** (from north through east) of the great circle at the pad, limited by the
  range-safety corridor (plane inclination ``cos i = cos(lat) sin(az)``);
- the **injection arc**: the angle along that great circle from the pad to ``d``, i.e. how far
  downrange the TLI perigee lies, set by the ascent and the coast before TLI.

As the Earth turns (~14 deg/h at Wenchang) the arc sweeps through its limits, so a band of arcs
``Delta`` deg wide gives a daily window of roughly ``Delta / 0.225`` minutes; the azimuth changes
slowly and decides which days have one. Both crossings of the pad's plane are considered (the
short way to ``d`` and the long way round, arc ``360 - arc`` and the opposite azimuth).

Positions: the Moon geocentric apparent (JPL DE421, skyfield), the pad from ``wgs84.latlon`` in
the GCRS with its local north and east (geodetic), rotated by ``sim.sky.earthframe``; vectorized.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from sim.sky.earthframe import EarthRotation, gcrs_to_itrs, itrs_unit, moon_gcrs_table, to_gcrs
from sim.sky.search import Condition, FloatArray, intervals_where, union_intervals

if TYPE_CHECKING:
    from sim.sky.ephemeris import Ephemeris

LAUNCH_SCAN_STEP_S = 300.0
"""Scan step: windows last tens of minutes (the arc moves ~0.23 deg/min); edges are bisected."""


@dataclass(frozen=True)
class LaunchSite:
    """A launch pad: geodetic latitude and east longitude, degrees."""

    name: str
    lat_deg: float
    lon_deg: float


def _unit(v: FloatArray) -> FloatArray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _wrap360(x: FloatArray) -> FloatArray:
    return np.mod(x, 360.0)


def _geometry(moon_gcrs_arrival: FloatArray, rot: FloatArray, site: LaunchSite) -> tuple[FloatArray, FloatArray]:
    """Arc and azimuth from the Moon at arrival (GCRS, ``(n, 3)``) and the Earth rotation at liftoff."""
    d = -_unit(moon_gcrs_arrival)
    pos_itrs, _ = itrs_unit(site.lat_deg, site.lon_deg)
    lat, lon = math.radians(site.lat_deg), math.radians(site.lon_deg)
    east = to_gcrs(rot, np.array([-math.sin(lon), math.cos(lon), 0.0]))
    north = to_gcrs(rot, np.array([-math.sin(lat) * math.cos(lon), -math.sin(lat) * math.sin(lon), math.cos(lat)]))
    s = _unit(to_gcrs(rot, pos_itrs))
    cos_arc = np.clip(np.einsum("ij,ij->i", s, d), -1.0, 1.0)
    toward = d - cos_arc[:, None] * s  # the component of d across the pad's position: the heading
    az = np.degrees(np.arctan2(np.einsum("ij,ij->i", toward, east), np.einsum("ij,ij->i", toward, north)))
    return np.degrees(np.arccos(cos_arc)), _wrap360(az)


def launch_geometry(
    eph: Ephemeris, site: LaunchSite, epoch: datetime, t_s: ArrayLike, transfer_s: float
) -> tuple[FloatArray, FloatArray]:
    """Injection arc and launch azimuth (degrees) of the short way from the pad to the TLI point.

    Args:
        eph: the ephemeris.
        site: the launch pad.
        epoch: time origin, aware UTC.
        t_s: liftoff times, seconds since ``epoch``.
        transfer_s: liftoff to arrival at the Moon, seconds.

    Returns:
        ``(arc_deg, az_deg)`` 1-D arrays: arc in [0, 180], azimuth in [0, 360). The long way round
        has arc ``360 - arc`` and azimuth ``az + 180``.
    """
    t_arr = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
    moon = eph.body("earth").at(eph.times(epoch, t_arr + transfer_s)).observe(eph.body("moon")).apparent()
    return _geometry(moon.position.km.T, gcrs_to_itrs(eph, epoch, t_arr), site)


def _in_band(x: FloatArray, lo: float, hi: float) -> FloatArray:
    """Positive inside ``[lo, hi]`` (angles in degrees, ``lo <= hi``), negative outside."""
    return np.minimum(x - lo, hi - x)


def launch_openings(
    eph: Ephemeris,
    site: LaunchSite,
    epoch: datetime,
    start_s: float,
    end_s: float,
    *,
    transfer_s: float,
    arc_deg: tuple[float, float],
    azimuth_deg: tuple[float, float],
) -> FloatArray:
    """Liftoff times whose injection arc and azimuth are inside the limits: ``(k, 2)`` seconds.

    ``arc_deg`` is ``(min, max)`` in [0, 360); ``azimuth_deg`` is ``(min, max)`` in [0, 360], not
    wrapping through north.
    """
    arc_lo, arc_hi = arc_deg
    az_lo, az_hi = azimuth_deg

    moon = moon_gcrs_table(eph, epoch, start_s + transfer_s, end_s + transfer_s)
    rotation = EarthRotation(eph, epoch, start_s, end_s)

    def branch(long_way: bool) -> Condition:
        def g(t: FloatArray) -> FloatArray:
            arc, az = _geometry(moon(t + transfer_s), rotation.matrices(t), site)
            if long_way:
                arc, az = 360.0 - arc, _wrap360(az + 180.0)
            return np.minimum(_in_band(arc, arc_lo, arc_hi), _in_band(az, az_lo, az_hi))

        return g

    parts = [intervals_where(branch(False), start_s, end_s, LAUNCH_SCAN_STEP_S)]
    if arc_hi > 180.0:
        parts.append(intervals_where(branch(True), start_s, end_s, LAUNCH_SCAN_STEP_S))
    return union_intervals(parts)


def check_limits(arc_deg: tuple[float, float], azimuth_deg: tuple[float, float]) -> list[str]:
    """Messages for limits that cannot describe a window (empty when fine)."""
    problems = []
    if not 0.0 <= arc_deg[0] < arc_deg[1] < 360.0:
        problems.append("injection arc limits must satisfy 0 <= min < max < 360 degrees")
    if not 0.0 <= azimuth_deg[0] < azimuth_deg[1] <= 360.0:
        problems.append("azimuth limits must satisfy 0 <= min < max <= 360 degrees")
    if math.isclose(arc_deg[0], arc_deg[1]):
        problems.append("the injection arc band is empty")
    return problems
