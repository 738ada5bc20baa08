"""The Earth's rotation for many times at once: ITRS <-> GCRS matrices, fast.

skyfield's ``itrs.rotation_at(t)`` is exact (IAU 2000A nutation) but costs ~0.5 ms per time, too
slow for scans of 10^5 samples. The rotation is split as ``R(t) = Rz(ERA(t)) C(t)``: the Earth
rotation angle ERA (a linear function of UT1, IERS 2010 eq. 5.15, via skyfield) carries the daily
turn, and ``C`` (precession, nutation, polar motion as skyfield models them) changes by well
under an arcsecond per day. ``C`` is computed exactly on a daily grid and interpolated
linearly; the error is ~ (2 pi / 13.66)^2 / 8 of nutation's 0.1" fortnightly term, < 3
milliarcseconds, i.e. < 10 cm on the Earth's surface.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from sim.sky.lattice import lattice_table
from sim.sky.search import FloatArray
from sim.timebase import HOUR_S

if TYPE_CHECKING:
    from sim.sky.ephemeris import Ephemeris

SLOW_GRID_S = 24.0 * HOUR_S


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
    """ITRS position (km) of a WGS84 point and its outward ellipsoid normal (unit); read-only
    arrays, computed once per point (the scans ask for them at every step)."""
    return _itrs_unit(float(lat_deg).hex(), float(lon_deg).hex(), float(height_m).hex())


@functools.lru_cache(maxsize=256)
def _itrs_unit(lat_hex: str, lon_hex: str, height_hex: str) -> tuple[FloatArray, FloatArray]:
    """``itrs_unit`` keyed by the floats' exact bits (``-0.0`` is not ``0.0``)."""
    from skyfield.api import wgs84

    lat_deg, lon_deg, height_m = float.fromhex(lat_hex), float.fromhex(lon_hex), float.fromhex(height_hex)
    pos = np.asarray(wgs84.latlon(lat_deg, lon_deg, elevation_m=height_m).itrs_xyz.km, dtype=np.float64)
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    normal = np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])
    pos.flags.writeable = normal.flags.writeable = False
    return pos, normal


def to_gcrs(rot: FloatArray, v_itrs: FloatArray) -> FloatArray:
    """A fixed ITRS vector ``(3,)`` at every time of ``rot`` (``gcrs_to_itrs``): ``(n, 3)`` GCRS."""
    return np.einsum("nji,j->ni", rot, v_itrs)


class Tabulated:
    """A smooth vector function of time tabulated on a regular grid, interpolated linearly.

    Linear interpolation of the geocentric Moon on a 30 min grid errs by at most ~1 km
    (``r (w dt)^2 / 8`` with the Moon's 0.55 deg/h), 0.0002 deg: far below what a window edge
    can feel (an elevation changes ~0.2 deg/min).
    """

    __slots__ = ("step_s", "t0_s", "values")

    def __init__(self, t0_s: float, step_s: float, values: FloatArray) -> None:
        self.t0_s = t0_s
        self.step_s = step_s
        self.values = values

    @staticmethod
    def grid(start_s: float, end_s: float, step_s: float) -> tuple[float, int]:
        """First time and number of points of ``build``'s grid."""
        return start_s - step_s, max(2, math.ceil((end_s - start_s) / step_s) + 3)

    @classmethod
    def build(cls, f: Callable[[FloatArray], FloatArray], start_s: float, end_s: float, step_s: float) -> Tabulated:
        """Tabulate ``f`` (times -> ``(n, ...)``) over ``[start_s - step, end_s + step]``."""
        t0, n = cls.grid(start_s, end_s, step_s)
        return cls(t0, step_s, f(t0 + step_s * np.arange(n, dtype=np.float64)))

    def __call__(self, t_s: FloatArray) -> FloatArray:
        pos = (np.atleast_1d(np.asarray(t_s, dtype=np.float64)) - self.t0_s) / self.step_s
        k = np.clip(np.floor(pos).astype(int), 0, self.values.shape[0] - 2)
        w = (pos - k).reshape((-1,) + (1,) * (self.values.ndim - 1))
        return (1.0 - w) * self.values[k] + w * self.values[k + 1]


def moon_gcrs_table(eph: Ephemeris, epoch: datetime, start_s: float, end_s: float, step_s: float = 1800.0) -> Tabulated:
    """The Moon's geocentric apparent position (GCRS, km) over a span, every ``step_s`` (DE421).

    Tables of a month or more on the 30-minute lattice share their instants (``sim.sky.lattice``:
    the same bits as computing them here).
    """

    def f(t_s: FloatArray) -> FloatArray:
        return np.asarray(
            eph.body("earth").at(eph.times(epoch, t_s)).observe(eph.body("moon")).apparent().position.km.T,
            dtype=np.float64,
        )

    t0_s, n = Tabulated.grid(start_s, end_s, step_s)
    values = lattice_table(eph, epoch, t0_s, step_s, n, f)
    return Tabulated(t0_s, step_s, values) if values is not None else Tabulated.build(f, start_s, end_s, step_s)


class EarthRotation:
    """``gcrs_to_itrs`` over one span, with its slow part computed once (``SLOW_GRID_S`` grid)."""

    __slots__ = ("_eph", "_epoch", "_slow")

    def __init__(self, eph: Ephemeris, epoch: datetime, start_s: float, end_s: float) -> None:
        from skyfield.framelib import itrs

        self._eph = eph
        self._epoch = epoch

        def slow(t_s: FloatArray) -> FloatArray:
            r = np.moveaxis(itrs.rotation_at(eph.times(epoch, t_s)), -1, 0)
            return np.einsum("nji,njk->nik", _rz(_era_rad(eph, epoch, t_s)), r)  # Rz(-ERA) R

        self._slow = Tabulated.build(slow, start_s, end_s, SLOW_GRID_S)

    def matrices(self, t_s: FloatArray) -> FloatArray:
        """``(n, 3, 3)`` matrices ``R`` with ``r_itrs = R @ r_gcrs``."""
        t_s = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
        return np.einsum("nij,njk->nik", _rz(_era_rad(self._eph, self._epoch, t_s)), self._slow(t_s))


def true_of_date_table(eph: Ephemeris, epoch: datetime, start_s: float, end_s: float) -> Tabulated:
    """Skyfield's ICRS -> true equator and equinox of date matrices (``Time.M``), daily, interpolated.

    Precession and nutation move the equator by < 0.001 deg in a day; linear interpolation errs
    by far less.
    """
    return Tabulated.build(
        lambda t_s: np.moveaxis(np.asarray(eph.times(epoch, t_s).M, dtype=np.float64), -1, 0), start_s, end_s, 86400.0
    )
