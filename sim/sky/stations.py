"""Ground-station visibility of the Moon, and the Earth seen from a lunar site.

*Moon from a station*: the elevation of the Moon's centre above the station's geodetic horizon
(WGS84 ellipsoid, no refraction), ``sin(el) = u . (r_moon - r_station) / |r_moon - r_station|``
with ``u`` the station's outward ellipsoid normal, all in the GCRS. Positions come from JPL DE421
via skyfield (the Moon apparent from the geocentre, the station from ``wgs84.latlon``), for
whole arrays of times at once; the ITRS -> GCRS rotation is ``sim.sky.earthframe`` (skyfield's,
interpolated: < 3 cm).

*Earth from a lunar site*: ``sin(el) = up . (r_earth - R up) / |r_earth - R up|`` in the Moon
body-fixed frame (IAU 2009; ``Ephemeris.moon_fixed_km``), spherical Moon ``R = 1737.4`` km, no
terrain. On the near side the Earth never sets (libration moves it by ~8 deg); on the far side
it never rises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from sim.sky.earthframe import EarthRotation, gcrs_to_itrs, itrs_unit, moon_gcrs_table, to_gcrs
from sim.sky.ephemeris import MOON_RADIUS_KM
from sim.sky.search import FloatArray, intervals_where

if TYPE_CHECKING:
    from sim.sky.ephemeris import Ephemeris

STATION_SCAN_STEP_S = 600.0
"""Scan step for station passes: a pass of the Moon lasts hours, so 10 min misses none."""


@dataclass(frozen=True)
class Station:
    """An Earth ground station: geodetic latitude, east longitude (degrees), height (m)."""

    name: str
    lat_deg: float
    lon_deg: float
    height_m: float = 0.0


def _unit(v: FloatArray) -> FloatArray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _elevations_deg(moon_gcrs: FloatArray, rot: FloatArray, stations: list[Station]) -> FloatArray:
    out = np.empty((len(stations), moon_gcrs.shape[0]))
    for k, st in enumerate(stations):
        pos, normal = itrs_unit(st.lat_deg, st.lon_deg, st.height_m)
        los = _unit(moon_gcrs - to_gcrs(rot, pos))
        up = to_gcrs(rot, normal)
        out[k] = np.degrees(np.arcsin(np.clip(np.einsum("ij,ij->i", los, up), -1.0, 1.0)))
    return out


def moon_elevations_deg(eph: Ephemeris, stations: list[Station], epoch: datetime, t_s: ArrayLike) -> FloatArray:
    """Elevation of the Moon's centre above each station's geodetic horizon: ``(len(stations), n)`` deg."""
    t_arr = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
    t = eph.times(epoch, t_arr)
    moon_gcrs = eph.body("earth").at(t).observe(eph.body("moon")).apparent().position.km.T
    return _elevations_deg(moon_gcrs, gcrs_to_itrs(eph, epoch, t_arr), stations)


def moon_elevation_deg(eph: Ephemeris, station: Station, epoch: datetime, t_s: ArrayLike) -> FloatArray:
    """Elevation of the Moon's centre above one station's geodetic horizon, degrees, shape of ``t_s``."""
    t_arr = np.asarray(t_s, dtype=np.float64)
    return moon_elevations_deg(eph, [station], epoch, t_arr.ravel())[0].reshape(t_arr.shape)


def station_openings(
    eph: Ephemeris,
    stations: list[Station],
    epoch: datetime,
    start_s: float,
    end_s: float,
    *,
    min_elevation_deg: float,
) -> FloatArray:
    """When the Moon is at least ``min_elevation_deg`` high from ANY of ``stations``: ``(k, 2)``."""
    if not stations:
        return np.empty((0, 2))
    moon = moon_gcrs_table(eph, epoch, start_s, end_s)
    rotation = EarthRotation(eph, epoch, start_s, end_s)
    return intervals_where(
        lambda t: _elevations_deg(moon(t), rotation.matrices(t), stations).max(axis=0) - min_elevation_deg,
        start_s,
        end_s,
        STATION_SCAN_STEP_S,
    )


def earth_elevation_deg(eph: Ephemeris, lat_deg: float, lon_deg: float, epoch: datetime, t_s: ArrayLike) -> FloatArray:
    """Elevation of the Earth's centre above the horizon of a lunar site (spherical Moon), degrees."""
    t_arr = np.asarray(t_s, dtype=np.float64)
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    los = _unit(eph.moon_fixed_km("earth", epoch, t_arr.ravel()) - MOON_RADIUS_KM * up)
    el = np.degrees(np.arcsin(np.clip(los @ up, -1.0, 1.0)))
    return el.reshape(t_arr.shape)


def earth_visible_openings(
    eph: Ephemeris,
    lat_deg: float,
    lon_deg: float,
    epoch: datetime,
    start_s: float,
    end_s: float,
    *,
    min_elevation_deg: float,
) -> FloatArray:
    """When the Earth's centre is at least ``min_elevation_deg`` above a lunar site's horizon."""
    return intervals_where(
        lambda t: earth_elevation_deg(eph, lat_deg, lon_deg, epoch, t) - min_elevation_deg,
        start_s,
        end_s,
        STATION_SCAN_STEP_S * 6,  # libration moves the Earth by < 0.1 deg/h
    )
