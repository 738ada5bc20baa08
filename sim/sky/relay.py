"""A relay satellite on a Keplerian lunar orbit, and when a lunar site can use it.

*Orbit*: two-body Keplerian motion about the Moon (GM = 4902.800 km^3/s^2, the value the issue
and GRAIL's GL0660B give), no perturbations (the Earth's pull and the lunar mascons move a real
orbit's plane by degrees per month; a stated limit). Elements are given in the **Moon body-fixed
frame (IAU 2009) frozen at the element epoch**: the orbit plane is inertially fixed, its
ascending node is ``raan_deg`` east of the prime meridian *at the epoch*, and the Moon turns under
it at 13.18 deg/day. So ``arg_periapsis_deg = 90`` puts the periapsis over the northern
hemisphere and the apoapsis over the south (Queqiao-2's "apolune over the south pole").

Kepler's equation ``E - e sin E = M`` is solved by Newton's method from ``E = pi`` (converges for
every ``e < 1``); the perifocal position ``a (cos E - e), a sqrt(1 - e^2) sin E`` is rotated by
``R3(-raan) R1(-inc) R3(-argp)`` into the frozen frame, then into the ICRF with the IAU rotation
at the epoch and back into the body-fixed frame of each time.

*Visibility*: the relay is usable from a site when both hold:

- it is at least ``min_elevation_deg`` above the site's horizon, ``sin(el) = up . (r - R up) /
  |r - R up|`` (spherical Moon, R = 1737.4 km, no terrain);
- it sees the Earth: the segment relay -> Earth's centre misses the lunar sphere (the closest
  point of the line to the Moon's centre is farther than R, or lies behind the relay).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from sim.sky.earthframe import Tabulated
from sim.sky.ephemeris import J2000_TDB_JD, MOON_RADIUS_KM, icrf_to_moon_fixed
from sim.sky.search import FloatArray, intervals_where
from sim.timebase import HOUR_S

if TYPE_CHECKING:
    from sim.sky.ephemeris import Ephemeris

MOON_GM_KM3_S2 = 4902.800
"""Lunar GM, km^3/s^2 (GRAIL GL0660B: 4902.80)."""

RELAY_SCAN_STEP_S = 120.0
"""Visibility scan step: a pass near a 200 km periapsis lasts > 10 min, so 2 min misses none."""

_KEPLER_ITERATIONS = 30


@dataclass(frozen=True)
class KeplerOrbit:
    """Keplerian elements of a lunar orbit (frame: Moon body-fixed frozen at ``epoch``)."""

    a_km: float
    e: float
    inc_deg: float
    raan_deg: float
    argp_deg: float
    mean_anomaly_deg: float
    epoch: datetime

    def __post_init__(self) -> None:
        if not 0.0 <= self.e < 1.0:
            raise ValueError(f"eccentricity must be in [0, 1), got {self.e}")
        if not self.a_km * (1.0 - self.e) > MOON_RADIUS_KM:
            raise ValueError(f"periapsis radius {self.a_km * (1.0 - self.e):.1f} km is inside the Moon")

    @classmethod
    def from_altitudes(
        cls,
        periapsis_km: float,
        apoapsis_km: float,
        *,
        inc_deg: float,
        raan_deg: float,
        argp_deg: float,
        mean_anomaly_deg: float,
        epoch: datetime,
    ) -> KeplerOrbit:
        """From periapsis and apoapsis altitudes above the mean lunar radius."""
        rp = MOON_RADIUS_KM + periapsis_km
        ra = MOON_RADIUS_KM + apoapsis_km
        return cls(0.5 * (rp + ra), (ra - rp) / (ra + rp), inc_deg, raan_deg, argp_deg, mean_anomaly_deg, epoch)

    @property
    def period_s(self) -> float:
        """Orbital period ``2 pi sqrt(a^3 / GM)``, seconds."""
        return 2.0 * math.pi * math.sqrt(self.a_km**3 / MOON_GM_KM3_S2)

    def frozen_frame_km(self, tau_s: FloatArray) -> FloatArray:
        """Positions ``(n, 3)`` km in the frozen frame, ``tau_s`` seconds after the element epoch."""
        n_rad_s = 2.0 * math.pi / self.period_s
        m = np.mod(math.radians(self.mean_anomaly_deg) + n_rad_s * tau_s, 2.0 * math.pi)
        ecc = np.full_like(m, math.pi)
        for _ in range(_KEPLER_ITERATIONS):
            ecc = ecc - (ecc - self.e * np.sin(ecc) - m) / (1.0 - self.e * np.cos(ecc))
        x = self.a_km * (np.cos(ecc) - self.e)
        y = self.a_km * math.sqrt(1.0 - self.e**2) * np.sin(ecc)
        return np.column_stack([x, y, np.zeros_like(x)]) @ _perifocal_to_frame(self).T


def _perifocal_to_frame(orbit: KeplerOrbit) -> FloatArray:
    """``R3(-raan) R1(-inc) R3(-argp)``: perifocal (x to periapsis) -> orbit's reference frame."""
    o, i, w = (math.radians(v) for v in (orbit.raan_deg, orbit.inc_deg, orbit.argp_deg))
    co, so, ci, si, cw, sw = math.cos(o), math.sin(o), math.cos(i), math.sin(i), math.cos(w), math.sin(w)
    return np.array(
        [
            [co * cw - so * sw * ci, -co * sw - so * cw * ci, so * si],
            [so * cw + co * sw * ci, -so * sw + co * cw * ci, -co * si],
            [sw * si, cw * si, ci],
        ]
    )


def _tdb_days(eph: Ephemeris, epoch: datetime, t_s: FloatArray) -> FloatArray:
    t = eph.times(epoch, t_s)
    return np.atleast_1d((t.whole - J2000_TDB_JD) + t.tdb_fraction)


def relay_moon_fixed_km(eph: Ephemeris, orbit: KeplerOrbit, epoch: datetime, t_s: ArrayLike) -> FloatArray:
    """Relay positions ``(n, 3)`` km in the Moon body-fixed frame at ``epoch + t_s``."""
    t = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
    tau_s = t - (orbit.epoch - epoch).total_seconds()
    d0 = _tdb_days(eph, orbit.epoch, np.zeros(3))
    m0 = icrf_to_moon_fixed(np.eye(3), d0).T  # ICRF -> body-fixed at the element epoch
    r_icrf = orbit.frozen_frame_km(tau_s) @ m0  # row vectors: (m0.T @ r).T
    return icrf_to_moon_fixed(r_icrf, _tdb_days(eph, epoch, t))


def _body_matrices(eph: Ephemeris, epoch: datetime, t_s: FloatArray) -> FloatArray:
    """``(n, 3, 3)`` ICRF -> Moon body-fixed rotation matrices at ``epoch + t_s``."""
    d = _tdb_days(eph, epoch, t_s)
    cols = [icrf_to_moon_fixed(np.tile(e, (d.size, 1)), d) for e in np.eye(3)]
    return np.stack(cols, axis=-1)


def _site_up(lat_deg: float, lon_deg: float) -> FloatArray:
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    return np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])


def relay_elevation_deg(
    eph: Ephemeris, orbit: KeplerOrbit, lat_deg: float, lon_deg: float, epoch: datetime, t_s: ArrayLike
) -> FloatArray:
    """Elevation of the relay above a lunar site's horizon, degrees (1-D over ``t_s``)."""
    up = _site_up(lat_deg, lon_deg)
    los = relay_moon_fixed_km(eph, orbit, epoch, t_s) - MOON_RADIUS_KM * up
    return np.degrees(np.arcsin(np.clip(los @ up / np.linalg.norm(los, axis=1), -1.0, 1.0)))


def earth_clearance_km(r_km: FloatArray, earth_km: FloatArray) -> FloatArray:
    """How far the line of sight relay -> Earth passes above the lunar sphere, km (< 0: blocked).

    Both arguments ``(n, 3)`` from the Moon's centre. When the closest point of the line to the
    Moon's centre lies behind the relay (the relay faces away from the Moon), the clearance is the
    relay's own altitude.
    """
    u = earth_km - r_km
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    along = np.einsum("ij,ij->i", -r_km, u)  # distance along the line to the closest point
    r2 = np.einsum("ij,ij->i", r_km, r_km)
    closest = np.where(along > 0.0, np.sqrt(np.maximum(r2 - along**2, 0.0)), np.sqrt(r2))
    return closest - MOON_RADIUS_KM


def relay_openings(
    eph: Ephemeris,
    orbit: KeplerOrbit,
    lat_deg: float,
    lon_deg: float,
    epoch: datetime,
    start_s: float,
    end_s: float,
    *,
    min_elevation_deg: float,
    need_earth: bool = True,
) -> FloatArray:
    """When the relay is above the site's elevation mask (and sees the Earth): ``(k, 2)`` seconds."""
    up = _site_up(lat_deg, lon_deg)
    sin_mask = math.sin(math.radians(min_elevation_deg))
    # The IAU rotation ICRF -> Moon body-fixed turns 0.27 deg in 30 min: tabulated every 30 min and
    # interpolated linearly it errs by < 3e-6 rad (< 60 m at the relay's apoapsis).
    body = Tabulated.build(lambda t: _body_matrices(eph, epoch, t), start_s, end_s, 1800.0)
    d0 = _tdb_days(eph, orbit.epoch, np.zeros(3))
    m0 = icrf_to_moon_fixed(np.eye(3), d0).T
    tau0_s = (orbit.epoch - epoch).total_seconds()

    # The Earth moves slowly in the Moon-fixed frame (libration): tabulated hourly and interpolated
    # linearly (error < 1 km at 384,000 km, irrelevant to an occultation test).
    t_tab = np.arange(start_s - HOUR_S, end_s + 2.0 * HOUR_S, HOUR_S)
    earth_tab = eph.moon_fixed_km("earth", epoch, t_tab) if need_earth else np.empty((0, 3))

    def g(t: FloatArray) -> FloatArray:
        r_icrf = orbit.frozen_frame_km(t - tau0_s) @ m0
        r = np.einsum("nij,nj->ni", body(t), r_icrf)
        los = r - MOON_RADIUS_KM * up
        margin = los @ up / np.linalg.norm(los, axis=1) - sin_mask
        if need_earth:
            earth = np.column_stack([np.interp(t, t_tab, earth_tab[:, k]) for k in range(3)])
            clear = earth_clearance_km(r, earth)
            margin = np.minimum(margin, clear / MOON_RADIUS_KM)
        return margin

    return intervals_where(g, start_s, end_s, RELAY_SCAN_STEP_S)
