"""Pieces shared by the geometric window types (relay, ground_station, launch, earth_return).

``EarthSite`` is a point on the Earth (WGS84 geodetic latitude, east longitude, height): a ground
station, a launch pad, a capsule landing site. ``cached_openings`` computes a window's openings
through ``sim.sky.cache``, keyed by everything the geometry depends on, so runs that only move
the epoch (sweeps, what-ifs, Monte Carlo of launch scrubs) reuse them.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
from pydantic import Field

from sim.fields import StrictModel
from sim.sky import cache
from sim.sky.cache import Compute
from sim.sky.windows.base import WindowContext


class EarthSite(StrictModel):
    """A point on the Earth: WGS84 geodetic latitude and east longitude (degrees), height (m)."""

    name: str | None = None
    lat_deg: float = Field(ge=-90, le=90, description="geodetic latitude, degrees north")
    lon_deg: float = Field(ge=-360, le=360, description="longitude, degrees east")
    height_m: float = Field(default=0.0, ge=-500, le=10000, description="height above the WGS84 ellipsoid, m")


def cached_openings(
    ctx: WindowContext, key: Hashable, compute: Compute, end_s: float | None = None, start_s: float = 0.0
) -> np.ndarray:
    """``compute`` over ``[start_s, end_s]`` (default the whole horizon), per cached block of
    absolute time (``sim.sky.cache``). ``compute`` should call ``ctx.ephemeris()`` itself: when
    every block is in memory or on disk the ephemeris is never loaded."""
    end = ctx.horizon_s if end_s is None else end_s
    return cache.openings(ctx.ephemeris, ctx.kernel_identity(), key, compute, ctx.epoch, start_s, end)
