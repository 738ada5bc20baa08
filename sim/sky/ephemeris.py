"""Sun elevation at a lunar site, and lunar sunrise/sunset search, from an offline ephemeris.

The Sun is JPL DE421 (shipped by ``skyfield-data``; valid 1900-2050) observed from the Moon's
centre with light time and aberration (skyfield's ``observe().apparent()``), in the ICRF. It is
rotated into the Moon's body-fixed frame by the IAU/WGCCRE 2009 Moon rotation model (Archinal et
al. 2011, Celest. Mech. Dyn. Astr. 109:101, Table 2: ``alpha0``, ``delta0``, ``W`` with the
E1..E13 terms), which stays within about 0.01 deg of the mean-Earth/polar-axis frame that
SPICE (``MOON_ME``) and NASA's published selenographic coordinates use. Nothing is downloaded:
the ephemeris is read from the ``skyfield-data`` package folder and the timescale is skyfield's
built-in one.

A site is a point on a spherical Moon (R = 1737.4 km) given by selenographic latitude and east
longitude in degrees. The Sun's elevation is 90 deg minus the angle between the local vertical
and the site-to-Sun vector, so the (tiny, < 0.001 deg) parallax of the site is included. Terrain
and horizon masks are not modelled: near the poles the real horizon can hide a Sun that is
geometrically up.

Times follow the project's time base (``sim.timebase``): float seconds ``*_s`` since a
timezone-aware UTC ``epoch``, where ``epoch + timedelta(seconds=t_s)`` is the UTC calendar time.

"Daylight" means the Sun's centre is at or above an elevation threshold (default 0 deg).
Crossings are found by a coarse vectorized scan (1 h steps) plus vectorized bisection to 0.01 s;
the elevation's local extrema (local noon and midnight) are refined by golden-section search and
added to the scan, so a Sun that grazes the threshold between two scan points (near the poles)
is not missed.

Example:
    >>> from datetime import UTC, datetime
    >>> eph = Ephemeris.offline()
    >>> epoch = datetime(2020, 12, 1, tzinfo=UTC)
    >>> float(eph.sun_elevation_deg(43.0576, -51.9161, epoch, np.array([0.0]))[0]) > 0
    True

Length (~750 lines): one concept, the Sun as seen from a lunar site, in three tightly coupled
parts that share the cached ephemeris and time scale: the IAU 2009 Moon frame, the ``Ephemeris``
class (elevation, sunrise/sunset search, daylight intervals) and its vectorized scan (with the
crossings of several elevation levels bisected together: one ephemeris call per step). The window
types built on it (relay, Earth return, launch, ground stations) have modules of their own.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import threading
import warnings
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.errors import RunError
from sim.sky import span
from sim.sky.search import Steps, golden_steps, run_together
from sim.timebase import DAY_S, HOUR_S, format_utc, to_utc

if TYPE_CHECKING:  # skyfield is imported when an ephemeris is opened (~0.06 s): not to load a scenario
    from skyfield.timelib import Time, Timescale

__all__ = [
    "DE421_FILENAME",
    "MOON_RADIUS_KM",
    "SCAN_STEP_S",
    "Ephemeris",
    "Part",
    "default_ephemeris",
    "moon_orientation_deg",
    "skyfield_data_dir",
]

MOON_RADIUS_KM = 1737.4
"""Mean lunar radius of the spherical site model (IAU), km."""

DE421_FILENAME = "de421.bsp"
SCAN_STEP_S = HOUR_S
"""Default coarse-scan step: the Sun moves ~0.5 deg/h in hour angle on the Moon."""

TIME_TOL_S = 0.01
"""Bisection and extremum refinement stop when the bracket is shorter than this."""

REPORT_SEARCH_S = 45.0 * DAY_S
"""How far ``sun_report`` looks back for a sunrise and forward for a sunset."""

SCAN_CACHE_SIZE = 16
"""Coarse scans an ``Ephemeris`` keeps (oldest dropped first): a scenario's daylight windows at
one site share a scan, whatever their elevation bounds or part of the day."""

J2000_TDB_JD = 2451545.0
_DAYS_PER_CENTURY = 36525.0
_EXPIRED_WARNING = r"The file .* (has expired|would expire)"

Part = Literal["any", "morning", "afternoon"]
FloatArray = NDArray[np.float64]

# IAU/WGCCRE 2009 Moon model (Archinal et al. 2011, Table 2; unchanged since the 2000 report).
# Arguments E_i = E0 + rate * d, d in TDB days since J2000.
_E0_DEG = np.array(
    [125.045, 250.089, 260.008, 176.625, 357.529, 311.589, 134.963,
     276.617, 34.226, 15.134, 119.743, 239.961, 25.053]
)  # fmt: skip
_E_RATE_DEG_PER_DAY = np.array(
    [-0.0529921, -0.1059842, 13.0120009, 13.3407154, 0.9856003, 26.4057084, 13.0649930,
     0.3287146, 1.7484877, -0.1589763, 0.0036096, 0.1643573, 12.9590088]
)  # fmt: skip
_RA_SIN_DEG = np.array([-3.8787, -0.1204, 0.0700, -0.0172, 0.0, 0.0072, 0.0, 0.0, 0.0, -0.0052, 0.0, 0.0, 0.0043])
_DEC_COS_DEG = np.array([1.5419, 0.0239, -0.0278, 0.0068, 0.0, -0.0029, 0.0009, 0.0, 0.0, 0.0008, 0.0, 0.0, -0.0009])
_W_SIN_DEG = np.array(
    [3.5610, 0.1208, -0.0642, 0.0158, 0.0252, -0.0066, -0.0047,
     -0.0046, 0.0028, 0.0052, 0.0040, 0.0019, -0.0044]
)  # fmt: skip


def moon_orientation_deg(d_tdb_days: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """IAU 2009 orientation of the Moon: pole right ascension, declination and prime meridian.

    Args:
        d_tdb_days: TDB days since J2000.0 (JD 2451545.0 TDB); any shape.

    Returns:
        ``(alpha0_deg, delta0_deg, w_deg)`` in the ICRF, each the shape of ``d_tdb_days``;
        ``w_deg`` is not reduced modulo 360.
    """
    d = np.asarray(d_tdb_days, dtype=np.float64)
    t_cy = d / _DAYS_PER_CENTURY
    e_rad = np.radians(_E0_DEG + np.multiply.outer(d, _E_RATE_DEG_PER_DAY))
    sin_e = np.sin(e_rad)
    cos_e = np.cos(e_rad)
    alpha0_deg = 269.9949 + 0.0031 * t_cy + sin_e @ _RA_SIN_DEG
    delta0_deg = 66.5392 + 0.0130 * t_cy + cos_e @ _DEC_COS_DEG
    w_deg = 38.3213 + 13.17635815 * d - 1.4e-12 * d * d + sin_e @ _W_SIN_DEG
    return alpha0_deg, delta0_deg, w_deg


def icrf_to_moon_fixed(vec_icrf: FloatArray, d_tdb_days: FloatArray) -> FloatArray:
    """Rotate ICRF vectors ``(n, 3)`` into the Moon body-fixed frame, ``R3(W) R1(90-dec) R3(90+ra)``."""
    alpha0_deg, delta0_deg, w_deg = moon_orientation_deg(d_tdb_days)
    a = np.radians(alpha0_deg)
    dec = np.radians(delta0_deg)
    w = np.radians(np.mod(w_deg, 360.0))
    pole = np.stack([np.cos(dec) * np.cos(a), np.cos(dec) * np.sin(a), np.sin(dec)], axis=-1)
    node = np.stack([-np.sin(a), np.cos(a), np.zeros_like(a)], axis=-1)  # body equator ascending node
    q = np.cross(pole, node)  # 90 deg east of the node, in the body equator
    x_axis = np.cos(w)[:, None] * node + np.sin(w)[:, None] * q
    y_axis = -np.sin(w)[:, None] * node + np.cos(w)[:, None] * q
    return np.stack(
        [
            np.einsum("ij,ij->i", vec_icrf, x_axis),
            np.einsum("ij,ij->i", vec_icrf, y_axis),
            np.einsum("ij,ij->i", vec_icrf, pole),
        ],
        axis=-1,
    )


def _unit_site(lat_deg: float, lon_deg: float) -> FloatArray:
    """Unit vector of a selenographic site (east longitude) in the Moon body-fixed frame."""
    lat = math.radians(lat_deg)
    lon = math.radians(lon_deg)
    return np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])


def _check_site(lat_deg: float, lon_deg: float) -> None:
    """Raise ``ValueError`` unless the site coordinates are finite and the latitude is in range."""
    if not (math.isfinite(lat_deg) and math.isfinite(lon_deg)):
        raise ValueError(f"site coordinates must be finite numbers, got lat={lat_deg}, lon={lon_deg}")
    if not -90.0 <= lat_deg <= 90.0:
        raise ValueError(f"site latitude {lat_deg} deg is outside [-90, 90]")


def _check_aware(when: datetime, name: str) -> None:
    """Raise ``ValueError`` unless ``when`` is a timezone-aware datetime."""
    if not isinstance(when, datetime) or when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware UTC datetime, got {when!r}")


def _format_or_none(epoch: datetime, t_s: float | None) -> str | None:
    """``format_utc`` of ``epoch + t_s``, or ``None``."""
    if t_s is None:
        return None
    return format_utc(to_utc(epoch, t_s))


def _kernel_identity(kernel: Any) -> str | None:
    path = getattr(kernel, "path", None)
    return _file_identity(path) if path else None


def _file_identity(path: str | Path) -> str | None:
    """``"de421.bsp:16788480"``: a kernel file's name and size (None if it cannot be read)."""
    try:
        return f"{Path(path).name}:{os.path.getsize(path)}"
    except OSError:
        return None


def skyfield_data_dir() -> Path:
    """The folder of the ``skyfield-data`` package that holds ``de421.bsp``.

    skyfield-data warns that its bundled ``finals2000A.all`` "has expired"; that file is not used
    here (the timescale is skyfield's built-in one), so the warning is silenced locally.
    """
    import skyfield_data

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_EXPIRED_WARNING, category=RuntimeWarning)
        return Path(skyfield_data.get_skyfield_data_path())


class Ephemeris:
    """Sun elevation at selenographic sites, sunrise/sunset and daylight intervals.

    Read-only once built, apart from a small bounded cache of coarse elevation scans (at most
    ``SCAN_CACHE_SIZE``, guarded by a lock); the caller owns it (the CLI builds one per run). Use
    :meth:`offline` to build it from the bundled data, or :func:`default_ephemeris` for a shared
    cached instance.
    """

    __slots__ = ("__weakref__", "_close_kernel", "_kernel", "_moon", "_scan_lock", "_scans", "_sun", "_ts", "identity")

    def __init__(self, timescale: Timescale, kernel: Any) -> None:
        """Wrap a skyfield timescale and a loaded SPK kernel that holds the Sun and the Moon.

        Args:
            timescale: a skyfield ``Timescale``.
            kernel: a skyfield ``SpiceKernel`` (e.g. DE421) with segments reaching 10 and 301.
        """
        self._ts = timescale
        self._kernel = kernel
        self._sun = kernel["sun"]
        self._moon = kernel["moon"]
        self._scans: dict[tuple[Any, ...], _Scan] = {}
        self._scan_lock = threading.Lock()
        # Close the ephemeris file when this object is collected (or at exit) so that it never
        # leaks as an unclosed-file ResourceWarning; ``close()`` does it at once.
        self._close_kernel = weakref.finalize(self, kernel.close)
        # The kernel file's name and size ("de421.bsp:16788480"): tables stored on disk
        # (sim.sky.store) are keyed by it; None for a kernel not read from a file.
        self.identity: str | None = _kernel_identity(kernel)

    @classmethod
    def offline(cls, data_dir: str | Path | None = None) -> Ephemeris:
        """Build from ``skyfield-data``'s DE421 and skyfield's built-in timescale; never downloads.

        Args:
            data_dir: folder holding ``de421.bsp``; defaults to the skyfield-data package folder.

        Raises:
            FileNotFoundError: ``de421.bsp`` is not in ``data_dir`` (it is never fetched).
        """
        folder = Path(data_dir) if data_dir is not None else skyfield_data_dir()
        if not (folder / DE421_FILENAME).is_file():
            raise FileNotFoundError(
                f"{folder / DE421_FILENAME} not found; install the 'skyfield-data' package "
                "(nothing is downloaded at run time)"
            )
        from skyfield.api import Loader

        load = Loader(str(folder), verbose=False, expire=False)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_EXPIRED_WARNING, category=RuntimeWarning)
            timescale = load.timescale(builtin=True)
            kernel = load(DE421_FILENAME)  # the file exists, so the Loader only opens it
        return cls(timescale, kernel)

    def close(self) -> None:
        """Close the ephemeris file now (otherwise it is closed when the object is collected)."""
        self._close_kernel()

    def coverage(self) -> tuple[datetime, datetime]:
        """The UTC span in which the kernel gives the Sun and the Moon (DE421: 1899-07-29 to 2053-10-09).

        Times outside it make skyfield raise ``EphemerisRangeError`` (a ``ValueError``). Searches
        look a little beyond the times they are given (``sun_report`` 45 days, scans two steps),
        so callers should keep a margin inside this span.
        """
        segments = [s.spk_segment for s in self._kernel.segments if s.target in (3, 10, 301)]
        start_jd = max(seg.start_jd for seg in segments)
        end_jd = min(seg.end_jd for seg in segments)
        return (
            self._ts.tdb_jd(start_jd).utc_datetime().astimezone(UTC),
            self._ts.tdb_jd(end_jd).utc_datetime().astimezone(UTC),
        )

    # -- vectors -------------------------------------------------------------------------------

    def _times(self, epoch: datetime, t_s: FloatArray) -> Time:
        """Skyfield ``Time`` array for ``epoch + t_s`` (UTC calendar seconds, leap seconds honoured)."""
        _check_aware(epoch, "epoch")
        e = epoch.astimezone(UTC)
        second_of_day_s = e.hour * HOUR_S + e.minute * 60.0 + e.second + e.microsecond * 1e-6
        total_s = second_of_day_s + t_s
        day_offset = np.floor(total_s / DAY_S)
        return self._ts.utc(e.year, e.month, e.day + day_offset, 0, 0, total_s - day_offset * DAY_S)

    def _moon_fixed_km(self, target: Literal["sun", "earth"], epoch: datetime, t_s: FloatArray) -> FloatArray:
        """Apparent position of ``target`` from the Moon's centre, Moon body-fixed frame, ``(n, 3)`` km."""
        from skyfield.errors import EphemerisRangeError

        t = self._times(epoch, t_s)
        body = self._sun if target == "sun" else self._kernel["earth"]
        # The Sun does not deflect its own light (skyfield zeroes it); Jupiter/Saturn add < 1e-8 deg.
        try:
            pos_icrf_km = self._moon.at(t).observe(body).apparent(deflectors=()).xyz.km
        except EphemerisRangeError:
            first, last = format_utc(to_utc(epoch, float(np.min(t_s)))), format_utc(to_utc(epoch, float(np.max(t_s))))
            raise RunError(
                f"the Sun's position is needed from {first} to {last} but {span.describe()}; "
                "move the epoch or shorten the horizon"
            ) from None
        d_tdb_days = (t.whole - J2000_TDB_JD) + t.tdb_fraction
        return icrf_to_moon_fixed(np.atleast_2d(pos_icrf_km.T), np.atleast_1d(d_tdb_days))

    def times(self, epoch: datetime, t_s: ArrayLike) -> Time:
        """Skyfield ``Time`` array for ``epoch + t_s`` (1-D; UTC seconds, leap seconds honoured)."""
        return self._times(epoch, np.atleast_1d(np.asarray(t_s, dtype=np.float64)))

    def body(self, name: str) -> Any:
        """A body of the kernel (``"earth"``, ``"moon"``, ``"sun"``) as a skyfield vector function."""
        return self._kernel[name]

    def moon_fixed_km(self, target: Literal["sun", "earth"], epoch: datetime, t_s: ArrayLike) -> FloatArray:
        """Apparent position of ``target`` from the Moon's centre in the Moon body-fixed frame, ``(n, 3)`` km."""
        return self._moon_fixed_km(target, epoch, np.atleast_1d(np.asarray(t_s, dtype=np.float64)))

    def sub_point_deg(
        self, body: Literal["sun", "earth"], epoch: datetime, t_s: ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """Selenographic latitude and east longitude (-180, 180] where ``body`` is at the zenith.

        For ``"sun"`` this is the sub-solar point; for ``"earth"`` the sub-Earth point (the total
        geocentric libration), both as seen from the Moon's centre.

        Args:
            body: ``"sun"`` or ``"earth"``.
            epoch: time origin, timezone-aware.
            t_s: seconds since ``epoch``; any shape.

        Returns:
            ``(lat_deg, lon_deg)`` arrays of the shape of ``t_s``.
        """
        if body not in ("sun", "earth"):
            raise ValueError(f"body must be 'sun' or 'earth', got {body!r}")
        t = np.asarray(t_s, dtype=np.float64)
        v = self._moon_fixed_km(body, epoch, t.ravel())
        lat_deg = np.degrees(np.arctan2(v[:, 2], np.hypot(v[:, 0], v[:, 1])))
        lon_deg = np.degrees(np.arctan2(v[:, 1], v[:, 0]))
        return lat_deg.reshape(t.shape), lon_deg.reshape(t.shape)

    def sun_elevation_deg(self, lat_deg: float, lon_deg: float, epoch: datetime, t_s: ArrayLike) -> FloatArray:
        """Elevation of the Sun's centre above the local horizon of a lunar site.

        Args:
            lat_deg: selenographic latitude, deg (north positive).
            lon_deg: selenographic longitude, deg (east positive).
            epoch: time origin, timezone-aware UTC.
            t_s: seconds since ``epoch``; any shape (vectorized).

        Returns:
            Elevation in degrees, array of the shape of ``t_s``; negative when the Sun is down.
        """
        _check_site(lat_deg, lon_deg)
        t = np.asarray(t_s, dtype=np.float64)
        up = _unit_site(lat_deg, lon_deg)
        site_to_sun_km = self._moon_fixed_km("sun", epoch, t.ravel()) - MOON_RADIUS_KM * up
        sin_elev: FloatArray = (site_to_sun_km @ up) / np.linalg.norm(site_to_sun_km, axis=1)
        elevation_deg: FloatArray = np.degrees(np.arcsin(np.clip(sin_elev, -1.0, 1.0)))
        return elevation_deg.reshape(t.shape)

    # -- search --------------------------------------------------------------------------------

    def _elevation_fn(self, lat_deg: float, lon_deg: float, epoch: datetime) -> Callable[[FloatArray], FloatArray]:
        """``t_s -> elevation_deg`` for one site (validated once)."""
        _check_site(lat_deg, lon_deg)
        _check_aware(epoch, "epoch")

        def elevation(t_s: FloatArray) -> FloatArray:
            return self.sun_elevation_deg(lat_deg, lon_deg, epoch, t_s)

        return elevation

    def _scan(
        self,
        f: Callable[[FloatArray], FloatArray],
        lat_deg: float,
        lon_deg: float,
        epoch: datetime,
        start_s: float,
        end_s: float,
        step_s: float,
        levels_deg: Sequence[float] = (),
    ) -> _Scan:
        """``_Scan.run(f, start_s, end_s, step_s, levels_deg)`` for ``f = self._elevation_fn(lat_deg,
        lon_deg, epoch)``, reused from the cache when the same site, epoch, span and step were
        scanned before (``levels_deg`` only speeds up a new scan: see ``_Scan.run``).

        The scan does not depend on elevation levels, so every window and event search over one
        site and span shares it. The key holds the UTC epoch (``_times`` reads nothing else of
        it) and the exact bits of the floats (``-0.0`` is not ``0.0``).
        """
        key = (
            epoch.astimezone(UTC),
            float(lat_deg).hex(),
            float(lon_deg).hex(),
            float(start_s).hex(),
            float(end_s).hex(),
            step_s,
        )
        with self._scan_lock:
            scan = self._scans.get(key)
        if scan is None:
            scan = _Scan.run(f, start_s, end_s, step_s, levels_deg)
            with self._scan_lock:
                while len(self._scans) >= SCAN_CACHE_SIZE:
                    del self._scans[next(iter(self._scans))]
                self._scans[key] = scan
        return scan

    def sun_events(
        self,
        lat_deg: float,
        lon_deg: float,
        epoch: datetime,
        start_s: float,
        end_s: float,
        *,
        elevation_deg: float = 0.0,
        step_s: float = SCAN_STEP_S,
    ) -> list[tuple[float, str]]:
        """Times in ``[start_s, end_s]`` when the Sun's centre crosses ``elevation_deg``.

        Args:
            lat_deg: selenographic latitude, deg.
            lon_deg: selenographic east longitude, deg.
            epoch: time origin, timezone-aware UTC.
            start_s: span start, seconds since ``epoch``.
            end_s: span end, seconds since ``epoch``.
            elevation_deg: threshold (0 = the Sun's centre on the horizon).
            step_s: coarse-scan step.

        Returns:
            Sorted ``(t_s, "rise" | "set")`` pairs, to better than 0.01 s; rises and sets
            alternate. Empty if the Sun never crosses (polar day or night).
        """
        f = self._elevation_fn(lat_deg, lon_deg, epoch)
        scan = self._scan(f, lat_deg, lon_deg, epoch, float(start_s), float(end_s), step_s)
        times_s, rising = scan.crossings(f, elevation_deg)
        return [(float(t), "rise" if r else "set") for t, r in zip(times_s, rising, strict=True)]

    def daylight_intervals(
        self,
        lat_deg: float,
        lon_deg: float,
        epoch: datetime,
        start_s: float,
        end_s: float,
        *,
        min_elevation_deg: float = 0.0,
        max_elevation_deg: float | None = None,
        part: Part = "any",
        step_s: float = SCAN_STEP_S,
    ) -> FloatArray:
        """Intervals in ``[start_s, end_s]`` when ``min <= elevation <= max`` (and rising/setting).

        Args:
            lat_deg: selenographic latitude, deg.
            lon_deg: selenographic east longitude, deg.
            epoch: time origin, timezone-aware UTC.
            start_s: span start, seconds since ``epoch``.
            end_s: span end, seconds since ``epoch``.
            min_elevation_deg: lower elevation bound (inclusive).
            max_elevation_deg: upper elevation bound (inclusive), or ``None`` for none.
            part: ``"any"``; ``"morning"`` keeps only times when the Sun is rising (sunrise to
                local noon, the elevation maximum of that lunar day); ``"afternoon"`` only
                times when it is setting.
            step_s: coarse-scan step.

        Returns:
            Array ``(k, 2)`` of ``[open_s, close_s]`` rows: sorted, non-overlapping, clipped to
            the span. A window check is then ``np.searchsorted`` on the columns.
        """
        if part not in ("any", "morning", "afternoon"):
            raise ValueError(f"part must be 'any', 'morning' or 'afternoon', got {part!r}")
        if max_elevation_deg is not None and max_elevation_deg < min_elevation_deg:
            raise ValueError(f"max_elevation_deg {max_elevation_deg} is below min_elevation_deg {min_elevation_deg}")
        start_s, end_s = float(start_s), float(end_s)
        f = self._elevation_fn(lat_deg, lon_deg, epoch)
        scan = self._scan(f, lat_deg, lon_deg, epoch, start_s, end_s, step_s)
        scan.cross(f, [min_elevation_deg] if max_elevation_deg is None else [min_elevation_deg, max_elevation_deg])
        cuts = [np.array([start_s, end_s]), scan.crossings(f, min_elevation_deg)[0]]
        if max_elevation_deg is not None:
            cuts.append(scan.crossings(f, max_elevation_deg)[0])
        cuts.append(scan.ext_t[(scan.ext_t > start_s) & (scan.ext_t < end_s)])
        edges = np.sort(np.concatenate(cuts))
        edges = edges[np.concatenate([[True], edges[1:] != edges[:-1]])]  # np.unique without numpy.ma
        if edges.size < 2:
            return np.empty((0, 2))
        lo, hi = edges[:-1], edges[1:]
        mid = 0.5 * (lo + hi)
        elev_mid = f(mid)
        keep = elev_mid >= min_elevation_deg
        if max_elevation_deg is not None:
            keep &= elev_mid <= max_elevation_deg
        if part != "any":
            rising = scan.rising_at(mid)
            keep &= rising if part == "morning" else ~rising
        return _merge(lo[keep], hi[keep])

    def prepare_daylight(
        self,
        lat_deg: float,
        lon_deg: float,
        epoch: datetime,
        start_s: float,
        end_s: float,
        levels_deg: Sequence[float],
        step_s: float = SCAN_STEP_S,
    ) -> None:
        """Scan the site over the span and find the crossings of every level in ``levels_deg`` in
        one bisection (``_Scan.cross``), so that the ``daylight_intervals`` calls of several
        windows at one site that follow reuse them. Same results, fewer ephemeris calls."""
        f = self._elevation_fn(lat_deg, lon_deg, epoch)
        self._scan(f, lat_deg, lon_deg, epoch, float(start_s), float(end_s), step_s, levels_deg).cross(f, levels_deg)

    # -- reports -------------------------------------------------------------------------------

    def sun_report(
        self, lat_deg: float, lon_deg: float, times: Sequence[datetime], *, elevation_deg: float = 0.0
    ) -> dict[str, Any]:
        """Sun elevation, previous sunrise and next sunset at a site for a list of UTC times.

        Args:
            lat_deg: selenographic latitude, deg.
            lon_deg: selenographic east longitude, deg.
            times: timezone-aware datetimes.
            elevation_deg: the sunrise/sunset threshold (0 = the Sun's centre on the horizon).

        Returns:
            ``{"site": {"lat_deg", "lon_deg"}, "times": [{"at", "sun_elevation_deg",
            "previous_sunrise", "next_sunset"}]}``; times as ``YYYY-MM-DDTHH:MM:SSZ``; the
            elevation rounded to 3 decimals; a sunrise (sunset) more than 45 days before (after)
            the time, e.g. in polar day or night, is ``None``.
        """
        _check_site(lat_deg, lon_deg)
        site = {"lat_deg": float(lat_deg), "lon_deg": float(lon_deg)}
        if not times:
            return {"site": site, "times": []}
        for i, when in enumerate(times):
            _check_aware(when, f"times[{i}]")
        epoch = min(times).astimezone(UTC)
        t_s = np.array([(when - epoch).total_seconds() for when in times])
        elevation = self.sun_elevation_deg(lat_deg, lon_deg, epoch, t_s)
        events = self.sun_events(
            lat_deg,
            lon_deg,
            epoch,
            float(t_s.min()) - REPORT_SEARCH_S,
            float(t_s.max()) + REPORT_SEARCH_S,
            elevation_deg=elevation_deg,
        )
        rises = np.array([t for t, kind in events if kind == "rise"])
        sets = np.array([t for t, kind in events if kind == "set"])
        rows = []
        for when, t, elev in zip(times, t_s, elevation, strict=True):
            i = int(np.searchsorted(rises, t, side="right")) - 1
            previous = float(rises[i]) if i >= 0 and rises[i] >= t - REPORT_SEARCH_S else None
            j = int(np.searchsorted(sets, t, side="left"))
            following = float(sets[j]) if j < sets.size and sets[j] <= t + REPORT_SEARCH_S else None
            rows.append(
                {
                    "at": format_utc(when),
                    "sun_elevation_deg": round(float(elev), 3),
                    "previous_sunrise": _format_or_none(epoch, previous),
                    "next_sunset": _format_or_none(epoch, following),
                }
            )
        return {"site": site, "times": rows}

    def day_night_table(
        self,
        lat_deg: float,
        lon_deg: float,
        start: datetime,
        end: datetime,
        *,
        elevation_deg: float = 0.0,
    ) -> list[dict[str, Any]]:
        """The lunar days and nights at a site between two UTC times.

        Args:
            lat_deg: selenographic latitude, deg.
            lon_deg: selenographic east longitude, deg.
            start: span start, timezone-aware.
            end: span end, timezone-aware, after ``start``.
            elevation_deg: the sunrise/sunset threshold.

        Returns:
            One ``{"kind": "day" | "night", "start", "end", "duration_h"}`` per lunar day or
            night overlapping the span, in order. ``start`` (``end``) is ``None`` when the day or
            night began before (ends after) the span; ``duration_h`` is the part inside the span,
            rounded to 3 decimals.
        """
        _check_aware(start, "start")
        _check_aware(end, "end")
        if end <= start:
            raise ValueError(f"end {format_utc(end)} is not after start {format_utc(start)}")
        epoch = start.astimezone(UTC)
        end_s = (end - start).total_seconds()
        events = self.sun_events(lat_deg, lon_deg, epoch, 0.0, end_s, elevation_deg=elevation_deg)
        if events:
            first_kind = "night" if events[0][1] == "rise" else "day"
        else:
            up = self.sun_elevation_deg(lat_deg, lon_deg, epoch, np.array([0.5 * end_s]))[0] >= elevation_deg
            first_kind = "day" if up else "night"
        bounds: list[float | None] = [None, *(t for t, _ in events), None]
        rows = []
        kind = first_kind
        for a, b in itertools.pairwise(bounds):
            a_s = 0.0 if a is None else a
            b_s = end_s if b is None else b
            if b_s <= a_s:  # an event exactly at the span start
                kind = "day" if kind == "night" else "night"
                continue
            rows.append(
                {
                    "kind": kind,
                    "start": _format_or_none(epoch, a),
                    "end": _format_or_none(epoch, b),
                    "duration_h": round((b_s - a_s) / HOUR_S, 3),
                }
            )
            kind = "day" if kind == "night" else "night"
        return rows


class _Scan:
    """A coarse elevation scan over a span, with the local extrema refined and merged in.

    Between consecutive points of ``(t, e)`` the elevation is monotonic (up to wiggles shorter
    than the scan step, which the Sun's motion does not have), so each level crossing lies in a
    bracket where ``e - level`` changes sign. Its arrays are read-only: an ``Ephemeris`` caches
    and shares scans.
    """

    __slots__ = ("_crossed", "e", "end_s", "ext_t", "start_s", "t")

    def __init__(self, start_s: float, end_s: float, t: FloatArray, e: FloatArray, ext_t: FloatArray) -> None:
        self.start_s = start_s
        self.end_s = end_s
        self.t = t
        self.e = e
        self.ext_t = ext_t
        for a in (t, e, ext_t):
            a.flags.writeable = False
        self._crossed: dict[float, tuple[FloatArray, NDArray[np.bool_]]] = {}

    @classmethod
    def run(
        cls,
        f: Callable[[FloatArray], FloatArray],
        start_s: float,
        end_s: float,
        step_s: float,
        levels_deg: Sequence[float] = (),
    ) -> _Scan:
        """Scan ``f`` over ``[start_s, end_s]`` (padded by two steps) and refine its extrema.

        The crossings of ``levels_deg`` that the extrema cannot touch (the level is below the
        three samples around every maximum and above those around every minimum, so the refined
        extremum adds no crossing) are bisected during the refinement, one call of ``f`` for both
        (``run_together``): the same brackets, midpoints and results as ``cross`` after it, which
        checks that the brackets are indeed the same and redoes any level whose are not.
        """
        if not (math.isfinite(start_s) and math.isfinite(end_s)) or end_s < start_s:
            raise ValueError(f"invalid span [{start_s}, {end_s}] s")
        if not step_s > 0:
            raise ValueError(f"scan step must be > 0 s, got {step_s}")
        n = max(1, math.ceil((end_s - start_s) / step_s))
        grid = np.concatenate(
            [
                start_s + step_s * np.array([-2.0, -1.0]),
                np.linspace(start_s, end_s, n + 1),
                end_s + step_s * np.array([1.0, 2.0]),
            ]
        )
        e = f(grid)
        slope = np.sign(np.diff(e))
        turn = np.flatnonzero(slope[:-1] * slope[1:] < 0) + 1  # e[turn] is a sampled extremum
        is_max = slope[turn - 1] > 0
        around = np.stack([e[turn - 1], e[turn], e[turn + 1]])
        early = [
            _Brackets.of(level, grid, e)
            for level in dict.fromkeys(float(v) for v in levels_deg)
            if np.all(np.where(is_max, around.min(axis=0) >= level, around.max(axis=0) < level))
        ]
        found = [_Brackets(g.level, g.rising, g.lo.copy(), g.hi.copy()) for g in early]
        (ext_t, ext_e), _ = run_together(
            f, _golden_extremum_steps(grid[turn - 1], grid[turn + 1], is_max), _bisect_steps(found)
        )
        order = np.argsort(np.concatenate([grid, ext_t]), kind="stable")
        t_all = np.concatenate([grid, ext_t])[order]
        e_all = np.concatenate([e, ext_e])[order]
        scan = cls(start_s, end_s, t_all, e_all, ext_t)
        for before, after in zip(early, found, strict=True):
            again = _Brackets.of(before.level, t_all, e_all)
            if all(np.array_equal(x, y) for x, y in zip(again.arrays(), before.arrays(), strict=True)):
                scan._keep(after)
        return scan

    def crossings(
        self, f: Callable[[FloatArray], FloatArray], level_deg: float
    ) -> tuple[FloatArray, NDArray[np.bool_]]:
        """Times of the crossings of ``level_deg`` inside the unpadded span, and whether rising
        (read-only arrays, computed once per level: ``cross``)."""
        level = float(level_deg)
        if level not in self._crossed:
            self.cross(f, (level,))
        return self._crossed[level]

    def cross(self, f: Callable[[FloatArray], FloatArray], levels_deg: Sequence[float]) -> None:
        """Find the crossings of several levels at once and keep them for ``crossings``.

        Each level's brackets are bisected exactly as alone (its own stopping test, the same
        midpoints), but every step evaluates ``f`` once for all the levels still going: the cost
        of a scan is mostly per call of ``f`` (the ephemeris), not per time, so the five levels
        of change5's three daylight windows take ~19 calls instead of ~95.
        """
        groups = [
            _Brackets.of(level, self.t, self.e)
            for level in dict.fromkeys(float(v) for v in levels_deg)
            if level not in self._crossed
        ]
        run_together(f, _bisect_steps(groups))
        for g in groups:
            self._keep(g)

    def _keep(self, g: _Brackets) -> None:
        """Keep a level's bisected crossings (those inside the unpadded span) for ``crossings``."""
        times_s = 0.5 * (g.lo + g.hi)
        inside = (times_s >= self.start_s) & (times_s <= self.end_s)
        found = (times_s[inside], g.rising[inside])
        for a in found:
            a.flags.writeable = False
        self._crossed[g.level] = found

    def rising_at(self, t_s: FloatArray) -> NDArray[np.bool_]:
        """Whether the elevation is increasing at each ``t_s`` (which must not be an extremum)."""
        i = np.searchsorted(self.t, t_s)
        i = np.clip(i, 1, self.t.size - 1)
        return self.e[i] > self.e[i - 1]


@dataclass(slots=True)
class _Brackets:
    """One level's crossings being bisected: ``[lo, hi]`` per crossing, rising or setting."""

    level: float
    rising: NDArray[np.bool_]
    lo: FloatArray
    hi: FloatArray

    @classmethod
    def of(cls, level: float, t: FloatArray, e: FloatArray) -> _Brackets:
        """The brackets of ``level``'s crossings between consecutive samples ``(t, e)``."""
        above = e >= level
        k = np.flatnonzero(above[:-1] != above[1:])
        return cls(level, above[k + 1], t[k].copy(), t[k + 1].copy())

    def arrays(self) -> tuple[NDArray[np.bool_], FloatArray, FloatArray]:
        return self.rising, self.lo, self.hi


def _bisect_steps(groups: list[_Brackets]) -> Steps:
    """Bisect every group's brackets to ``TIME_TOL_S``, each level with its own stopping test and
    all the levels still going in one request per step (``run_together``)."""
    while live := [g for g in groups if g.lo.size and np.max(g.hi - g.lo) > TIME_TOL_S]:
        mids = [0.5 * (g.lo + g.hi) for g in live]
        values = yield np.concatenate(mids)
        at = 0
        for g, mid in zip(live, mids, strict=True):
            mid_above = values[at : at + mid.size] >= g.level
            at += mid.size
            go_right = mid_above != g.rising  # still on the pre-crossing side at mid
            g.lo = np.where(go_right, mid, g.lo)
            g.hi = np.where(go_right, g.hi, mid)


def _golden_extremum_steps(a: FloatArray, b: FloatArray, is_max: NDArray[np.bool_]) -> Steps:
    """Vectorized golden-section search for the maximum (or minimum) of ``f`` in each ``[a, b]``,
    then ``f`` there: ``(t, f(t))``."""
    if a.size == 0:
        return np.empty(0), np.empty(0)
    t = yield from golden_steps(a, b, np.where(is_max, 1.0, -1.0), TIME_TOL_S)
    return t, (yield t)


def _merge(lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Merge sorted touching intervals into an ``(k, 2)`` array."""
    if lo.size == 0:
        return np.empty((0, 2))
    starts = np.concatenate([[True], lo[1:] > hi[:-1]])
    ends = np.concatenate([lo[1:] > hi[:-1], [True]])
    return np.column_stack([lo[starts], hi[ends]])


@functools.cache
def default_ephemeris() -> Ephemeris:
    """A shared :meth:`Ephemeris.offline` instance (read-only data, built on first use)."""
    return Ephemeris.offline()


@functools.cache
def default_identity() -> str | None:
    """``default_ephemeris().identity`` without loading the ephemeris (nor importing skyfield):
    a run whose window tables are all stored on disk (``sim.sky.store``) never needs it."""
    return _file_identity(skyfield_data_dir() / DE421_FILENAME)
