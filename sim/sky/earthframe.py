"""The Earth's rotation for many times at once: ITRS <-> GCRS matrices, fast.

skyfield's ``itrs.rotation_at(t)`` is exact (IAU 2000A nutation) but costs ~0.5 ms per time, too
slow for scans of 10^5 samples. The rotation is split as ``R(t) = Rz(ERA(t)) C(t)``: the Earth
rotation angle ERA (a linear function of UT1, IERS 2010 eq. 5.15, via skyfield) carries the daily
turn, and ``C`` (precession, nutation, polar motion as skyfield models them) changes by well
under an arcsecond per day. ``C`` is computed exactly on a 6-hour grid and interpolated
linearly; the error is < 1 milliarcsecond (nutation's shortest large term has a 13.66 d
period), i.e. < 3 cm on the Earth's surface.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from sim.sky.search import FloatArray
from sim.timebase import HOUR_S

if TYPE_CHECKING:
    from sim.sky.ephemeris import Ephemeris

SLOW_GRID_S = 6.0 * HOUR_S


def _rz(angle_rad: FloatArray) -> FloatArray:
    """``(n, 3, 3)`` rotations of the axes by ``angle`` about z (``v' = Rz v``)."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    z, o = np.zeros_like(c), np.ones_like(c)
    return np.stack([np.stack([c, s, z], -1), np.stack([-s, c, z], -1), np.stack([z, z, o], -1)], -2)


def _era_rad(eph: Ephemeris, epoch: datetime, t_s: FloatArray) -> FloatArray:
    from skyfield.earthlib import earth_rotation_angle

    t = eph.times(epoch, t_s)
    return np.atleast_1d(2.0 * math.pi * earth_rotation_angle(t.whole, t.ut1_fraction))


def gcrs_to_itrs(eph: Ephemeris, epoch: datetime, t_s: FloatArray) -> FloatArray:
    """``(n, 3, 3)`` matrices ``R`` with ``r_itrs = R @ r_gcrs`` at ``epoch + t_s`` (1-D)."""
    from skyfield.framelib import itrs

    t_s = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
    lo = math.floor(float(t_s.min()) / SLOW_GRID_S) * SLOW_GRID_S
    hi = math.ceil(float(t_s.max()) / SLOW_GRID_S) * SLOW_GRID_S
    t_c = np.arange(lo, hi + 0.5 * SLOW_GRID_S, SLOW_GRID_S)
    if t_c.size < 2:
        t_c = np.array([lo, lo + SLOW_GRID_S])
    r_c = np.moveaxis(itrs.rotation_at(eph.times(epoch, t_c)), -1, 0)  # (m, 3, 3)
    slow_c = np.einsum("nji,njk->nik", _rz(_era_rad(eph, epoch, t_c)), r_c)  # Rz(-ERA) R
    pos = (t_s - t_c[0]) / SLOW_GRID_S
    k = np.clip(np.floor(pos).astype(int), 0, t_c.size - 2)
    w = (pos - k)[:, None, None]
    slow = (1.0 - w) * slow_c[k] + w * slow_c[k + 1]
    return np.einsum("nij,njk->nik", _rz(_era_rad(eph, epoch, t_s)), slow)


def itrs_unit(lat_deg: float, lon_deg: float, height_m: float = 0.0) -> tuple[FloatArray, FloatArray]:
    """ITRS position (km) of a WGS84 point and its outward ellipsoid normal (unit)."""
    from skyfield.api import wgs84

    pos = np.asarray(wgs84.latlon(lat_deg, lon_deg, elevation_m=height_m).itrs_xyz.km, dtype=np.float64)
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    normal = np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])
    return pos, normal


def to_gcrs(rot: FloatArray, v_itrs: FloatArray) -> FloatArray:
    """A fixed ITRS vector ``(3,)`` at every time of ``rot`` (``gcrs_to_itrs``): ``(n, 3)`` GCRS."""
    return np.einsum("nji,j->ni", rot, v_itrs)
