"""Window geometry (sim.sky: earth_return, relay, stations, launch, earthframe, cache).

Each computed window is checked against an INDEPENDENT implementation on the same DE421
ephemeris: skyfield's own topocentric ``altaz`` (exact IAU 2000A Earth rotation) for station
passes and the launch geometry, a dense brute-force declination scan for the extremes, and an
RK4 integration of the two-body problem with an explicitly built IAU rotation for the relay.
Agreement is asked to within minutes of motion (the tolerances below say how much).

Flown facts (../shared/reference/change_missions.md): CE-5 liftoff 2020-11-23T20:30:12Z, CE-6
2024-05-03T09:27:29Z (window 17:00-18:00 BJT); CE-5 TEI-2 2020-12-13 01:51, CE-6 TEI "20 or 21
June" 2024. Issue 13 gives the Moon's southern extremes (2020-12-15 -24.9 deg, 2024-06-22 -28.4,
2014-10-28 -18.5) and a Keplerian Queqiao-2's coverage (Apollo basin ~77 %, gaps to ~8.7 h;
polar ~90 %, gaps < ~2.5 h).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from skyfield.api import wgs84

from sim.sky import cache, earth_return, earthframe, launch, relay, stations
from sim.sky.ephemeris import MOON_RADIUS_KM, default_ephemeris, moon_orientation_deg
from sim.sky.search import intervals_where
from sim.timebase import DAY_S, HOUR_S

MINUTE_S = 60.0
WENCHANG = launch.LaunchSite("Wenchang", 19.614, 110.951)
CE5_LIFTOFF = datetime(2020, 11, 23, 20, 30, 12, tzinfo=UTC)
CE6_LIFTOFF = datetime(2024, 5, 3, 9, 27, 29, tzinfo=UTC)
ARC_DEG = (105.0, 120.0)
AZIMUTH_DEG = (90.0, 120.0)
APOLLO = (-41.6385, -153.9852)
QUEQIAO2_EPOCH = datetime(2024, 4, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def eph():  # type: ignore[no-untyped-def]
    return default_ephemeris()


def _queqiao2() -> relay.KeplerOrbit:
    return relay.KeplerOrbit.from_altitudes(
        200, 16000, inc_deg=62.4, raan_deg=0.0, argp_deg=90.0, mean_anomaly_deg=0.0, epoch=QUEQIAO2_EPOCH
    )


# ---------------------------------------------------------------------------- Earth rotation


def test_fast_earth_rotation_matches_skyfield_to_a_decimetre(eph) -> None:  # type: ignore[no-untyped-def]
    epoch = datetime(2024, 6, 1, tzinfo=UTC)
    t_s = np.linspace(0.0, 40 * DAY_S, 97)
    rot = earthframe.gcrs_to_itrs(eph, epoch, t_s)
    pos, _ = earthframe.itrs_unit(46.5, 130.8)
    exact = wgs84.latlon(46.5, 130.8).at(eph.times(epoch, t_s)).position.km.T
    assert np.abs(earthframe.to_gcrs(rot, pos) - exact).max() < 1e-4  # km: 10 cm


# ---------------------------------------------------------------------------- declination extremes


@pytest.mark.parametrize(
    ("month_start", "expect_day", "expect_dec_deg"),
    [
        (datetime(2020, 12, 5, tzinfo=UTC), datetime(2020, 12, 15, tzinfo=UTC), -24.9),
        (datetime(2024, 6, 10, tzinfo=UTC), datetime(2024, 6, 22, tzinfo=UTC), -28.4),
        (datetime(2014, 10, 15, tzinfo=UTC), datetime(2014, 10, 28, tzinfo=UTC), -18.5),
    ],
)
def test_southern_extremes_match_brute_force_scan(eph, month_start, expect_day, expect_dec_deg) -> None:  # type: ignore[no-untyped-def]
    t_ext, dec = earth_return.declination_extremes(eph, month_start, 0.0, 20 * DAY_S, south=True)
    assert t_ext.size == 1
    when = month_start + timedelta(seconds=float(t_ext[0]))
    assert when.date() == expect_day.date()
    assert dec[0] == pytest.approx(expect_dec_deg, abs=0.05)
    # independent: skyfield radec of date on a 1-minute grid around the refined time
    t = eph.times(month_start, t_ext[0] + np.arange(-180.0, 181.0) * MINUTE_S)
    _, d, _ = eph.body("earth").at(t).observe(eph.body("moon")).apparent().radec(epoch="date")
    brute_s = float(t_ext[0]) + (int(np.argmin(d.degrees)) - 180) * MINUTE_S
    # the declination is flat at its extreme (1 arcsec over +-30 min): agree to 10 minutes
    assert abs(brute_s - float(t_ext[0])) <= 10 * MINUTE_S


def test_return_openings_one_per_tropical_month_before_the_southern_extreme(eph) -> None:  # type: ignore[no-untyped-def]
    epoch = datetime(2020, 11, 23, 20, 30, 12, tzinfo=UTC)
    iv = earth_return.return_openings(
        eph, epoch, 0.0, 200 * DAY_S, site_lat_deg=42.0, open_before_s=3 * DAY_S, close_before_s=0.0
    )
    assert 7 <= len(iv) <= 8
    spacing_d = np.diff(iv[:, 0]) / DAY_S
    assert np.all(np.abs(spacing_d - 27.32) < 1.0)  # one per tropical month, not two
    # each closes at a southern extreme: the declination there is its minimum, below -18 deg
    dec_close = earth_return.moon_declination_deg(eph, epoch, iv[:, 1])
    dec_before = earth_return.moon_declination_deg(eph, epoch, iv[:, 1] - 2 * HOUR_S)
    assert np.all(dec_close < -18.0) and np.all(dec_close <= dec_before)
    # CE-5's escape burn TEI-2 (2020-12-13 01:51) is inside the first one after docking
    tei2 = (datetime(2020, 12, 13, 1, 51, tzinfo=UTC) - epoch).total_seconds()
    assert np.any((iv[:, 0] <= tei2) & (tei2 <= iv[:, 1]))


def test_return_openings_for_a_southern_site_use_northern_extremes(eph) -> None:  # type: ignore[no-untyped-def]
    epoch = datetime(2024, 6, 1, tzinfo=UTC)
    iv = earth_return.return_openings(
        eph, epoch, 0.0, 60 * DAY_S, site_lat_deg=-35.0, open_before_s=3 * DAY_S, close_before_s=0.0
    )
    assert np.all(earth_return.moon_declination_deg(eph, epoch, iv[:, 1]) > 25.0)


# ---------------------------------------------------------------------------- ground stations

KASHI = stations.Station("Kashi", 39.5, 76.0)
JIAMUSI = stations.Station("Jiamusi", 46.5, 130.8)
NEUQUEN = stations.Station("Neuquen", -38.2, -70.1)


def _skyfield_elevation_deg(eph, station, epoch, t_s):  # type: ignore[no-untyped-def]
    topos = eph.body("earth") + wgs84.latlon(station.lat_deg, station.lon_deg)
    alt, _, _ = topos.at(eph.times(epoch, t_s)).observe(eph.body("moon")).apparent().altaz()
    return alt.degrees


def test_station_passes_agree_with_skyfield_altaz_to_a_minute(eph) -> None:  # type: ignore[no-untyped-def]
    epoch = datetime(2020, 12, 1, tzinfo=UTC)
    mask = 10.0
    iv = stations.station_openings(eph, [KASHI], epoch, 0.0, 10 * DAY_S, min_elevation_deg=mask)
    assert 9 <= len(iv) <= 11
    edges = iv.ravel()[1:-1] if iv[0, 0] == 0.0 else iv.ravel()
    alt = _skyfield_elevation_deg(eph, KASHI, epoch, edges)
    # the Moon climbs <= 0.25 deg/min near 10 deg: 0.01 deg is a few seconds
    assert np.abs(alt - mask).max() < 0.01
    mid = _skyfield_elevation_deg(eph, KASHI, epoch, iv.mean(axis=1))
    assert np.all(mid > mask)


def test_three_station_network_union_covers_most_of_each_day(eph) -> None:  # type: ignore[no-untyped-def]
    epoch = datetime(2024, 6, 20, tzinfo=UTC)
    net = [KASHI, JIAMUSI, NEUQUEN]
    iv = stations.station_openings(eph, net, epoch, 0.0, 10 * DAY_S, min_elevation_deg=10.0)
    one = stations.station_openings(eph, [KASHI], epoch, 0.0, 10 * DAY_S, min_elevation_deg=10.0)
    cover = float(np.sum(iv[:, 1] - iv[:, 0])) / (10 * DAY_S)
    assert cover > float(np.sum(one[:, 1] - one[:, 0])) / (10 * DAY_S) + 0.2
    # at every instant inside, at least one station sees the Moon above the mask (skyfield)
    probe = np.concatenate([np.linspace(a + 60, b - 60, 5) for a, b in iv if b - a > 200])
    best = np.max([_skyfield_elevation_deg(eph, st, epoch, probe) for st in net], axis=0)
    assert np.all(best > 10.0 - 1e-6)


def test_earth_from_near_and_far_side_sites(eph) -> None:  # type: ignore[no-untyped-def]
    epoch = datetime(2024, 6, 1, tzinfo=UTC)
    near = stations.earth_visible_openings(eph, 43.0576, -51.9161, epoch, 0.0, 30 * DAY_S, min_elevation_deg=0.0)
    far = stations.earth_visible_openings(eph, *APOLLO, epoch, 0.0, 30 * DAY_S, min_elevation_deg=0.0)
    assert near.tolist() == [[0.0, 30 * DAY_S]]
    assert far.size == 0
    # the Earth's elevation at CE-5's site: 90 deg minus its angular distance from the sub-Earth point
    el = stations.earth_elevation_deg(eph, 43.0576, -51.9161, epoch, np.array([0.0]))[0]
    lat, lon = eph.sub_point_deg("earth", epoch, np.array([0.0]))
    cos_c = math.sin(math.radians(43.0576)) * math.sin(math.radians(lat[0])) + math.cos(
        math.radians(43.0576)
    ) * math.cos(math.radians(lat[0])) * math.cos(math.radians(lon[0] + 51.9161))
    assert el == pytest.approx(90.0 - math.degrees(math.acos(cos_c)), abs=0.3)  # topocentric parallax <= 0.26


# ---------------------------------------------------------------------------- launch window


@pytest.mark.parametrize(("liftoff", "transfer_h"), [(CE5_LIFTOFF, 112.0), (CE6_LIFTOFF, 113.0)])
def test_flown_liftoffs_fall_inside_computed_windows_of_tens_of_minutes(eph, liftoff, transfer_h) -> None:  # type: ignore[no-untyped-def]
    epoch = liftoff.replace(hour=0, minute=0, second=0) - timedelta(days=1)
    iv = launch.launch_openings(
        eph, WENCHANG, epoch, 0.0, 3 * DAY_S, transfer_s=transfer_h * HOUR_S, arc_deg=ARC_DEG, azimuth_deg=AZIMUTH_DEG
    )
    assert len(iv) == 3  # one a day
    length_min = (iv[:, 1] - iv[:, 0]) / MINUTE_S
    assert np.all((length_min > 30) & (length_min < 90))
    t = (liftoff - epoch).total_seconds()
    assert np.any((iv[:, 0] <= t) & (t <= iv[:, 1]))


def test_launch_window_edges_agree_with_skyfield_topocentric_geometry(eph) -> None:  # type: ignore[no-untyped-def]
    """Independent arc: the angle between skyfield's exact pad position and the anti-Moon at arrival."""
    epoch = datetime(2024, 5, 2, tzinfo=UTC)
    transfer_s = 113.0 * HOUR_S
    iv = launch.launch_openings(
        eph, WENCHANG, epoch, 0.0, 2 * DAY_S, transfer_s=transfer_s, arc_deg=ARC_DEG, azimuth_deg=AZIMUTH_DEG
    )
    edges = iv.ravel()
    pad = wgs84.latlon(WENCHANG.lat_deg, WENCHANG.lon_deg).at(eph.times(epoch, edges)).position.km.T
    moon = eph.body("earth").at(eph.times(epoch, edges + transfer_s)).observe(eph.body("moon")).apparent()
    d = -moon.position.km.T
    cos_arc = np.einsum("ij,ij->i", pad, d) / np.linalg.norm(pad, axis=1) / np.linalg.norm(d, axis=1)
    arc = np.degrees(np.arccos(cos_arc))
    # the arc sweeps 0.225 deg/min: 0.02 deg is ~5 s
    assert np.abs(np.minimum(np.abs(arc - ARC_DEG[0]), np.abs(arc - ARC_DEG[1]))).max() < 0.02


# ---------------------------------------------------------------------------- relay


def test_relay_period_and_coverage_of_the_apollo_basin_and_the_pole(eph) -> None:  # type: ignore[no-untyped-def]
    orbit = _queqiao2()
    assert orbit.period_s / HOUR_S == pytest.approx(24.32, abs=0.01)  # 200 x 16,000 km: "24 h"
    epoch = datetime(2024, 5, 3, tzinfo=UTC)
    span = 120 * DAY_S
    for (lat, lon), cover, gap_h in [(APOLLO, 0.77, 8.7), ((-89.5, 0.0), 0.90, 2.5)]:
        iv = relay.relay_openings(eph, orbit, lat, lon, epoch, 0.0, span, min_elevation_deg=5.0)
        assert float(np.sum(iv[:, 1] - iv[:, 0])) / span == pytest.approx(cover, abs=0.02)
        assert float(np.max(iv[1:, 0] - iv[:-1, 1])) / HOUR_S == pytest.approx(gap_h, abs=0.3)


def _rk4_relay_fixed_km(eph, orbit, epoch, t_s):  # type: ignore[no-untyped-def]
    """Independent relay position: state vector from the elements, RK4 two-body integration, then the
    IAU rotation built as an explicit matrix product R3(W) R1(90 - dec0) R3(90 + ra0)."""
    gm = relay.MOON_GM_KM3_S2
    a, e = orbit.a_km, orbit.e
    m0 = math.radians(orbit.mean_anomaly_deg)
    big_e = m0
    for _ in range(50):
        big_e = m0 + e * math.sin(big_e)
    nu = 2 * math.atan2(math.sqrt(1 + e) * math.sin(big_e / 2), math.sqrt(1 - e) * math.cos(big_e / 2))
    p = a * (1 - e * e)
    r = p / (1 + e * math.cos(nu))
    r_pf = np.array([r * math.cos(nu), r * math.sin(nu), 0.0])
    v_pf = math.sqrt(gm / p) * np.array([-math.sin(nu), e + math.cos(nu), 0.0])

    def rz(x):  # type: ignore[no-untyped-def]
        c, s = math.cos(x), math.sin(x)
        return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])

    def rx(x):  # type: ignore[no-untyped-def]
        c, s = math.cos(x), math.sin(x)
        return np.array([[1.0, 0, 0], [0, c, -s], [0, s, c]])

    q = rz(math.radians(orbit.raan_deg)) @ rx(math.radians(orbit.inc_deg)) @ rz(math.radians(orbit.argp_deg))
    y = np.concatenate([q @ r_pf, q @ v_pf])

    def body_from_icrf(when_s):  # type: ignore[no-untyped-def]
        t = eph.times(orbit.epoch, np.array([when_s]))
        d = (t.whole - 2451545.0) + t.tdb_fraction
        ra, dec, w = (float(np.atleast_1d(x)[0]) for x in moon_orientation_deg(d))
        # rotation matrices that turn ICRF components into body components
        return rz(-math.radians(w)) @ rx(-math.radians(90 - dec)) @ rz(-math.radians(90 + ra))

    m_epoch = body_from_icrf(0.0)
    y = np.concatenate([m_epoch.T @ y[:3], m_epoch.T @ y[3:]])  # frozen frame -> ICRF

    def f(s):  # type: ignore[no-untyped-def]
        rr = s[:3]
        return np.concatenate([s[3:], -gm * rr / np.linalg.norm(rr) ** 3])

    out = []
    now = 0.0
    step = 20.0
    offset = (epoch - orbit.epoch).total_seconds()
    for target in offset + np.asarray(t_s):
        while now < target - 1e-9:
            h = min(step, target - now)
            k1 = f(y)
            k2 = f(y + h / 2 * k1)
            k3 = f(y + h / 2 * k2)
            k4 = f(y + h * k3)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            now += h
        out.append(body_from_icrf(now) @ y[:3])
    return np.array(out)


def test_relay_positions_and_pass_edges_agree_with_an_rk4_integration(eph) -> None:  # type: ignore[no-untyped-def]
    orbit = _queqiao2()
    epoch = QUEQIAO2_EPOCH + timedelta(days=1)
    iv = relay.relay_openings(eph, orbit, *APOLLO, epoch, 0.0, 1.5 * DAY_S, min_elevation_deg=5.0)
    edges = iv.ravel()
    edges = edges[(edges > 0.0) & (edges < 1.5 * DAY_S)]
    assert edges.size >= 2
    indep = _rk4_relay_fixed_km(eph, orbit, epoch, edges)
    mine = relay.relay_moon_fixed_km(eph, orbit, epoch, edges)
    assert np.abs(indep - mine).max() < 1.0  # km, after ~2 days of flight
    lat, lon = (math.radians(x) for x in APOLLO)
    up = np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])
    los = indep - MOON_RADIUS_KM * up
    el = np.degrees(np.arcsin(los @ up / np.linalg.norm(los, axis=1)))
    earth = eph.moon_fixed_km("earth", epoch, edges)
    clear = relay.earth_clearance_km(indep, earth)
    # each edge is where the elevation crosses the 5 deg mask or the Earth goes behind the limb
    at_mask = np.abs(el - 5.0) < 0.05  # the relay's elevation changes > 0.05 deg/min here
    at_limb = np.abs(clear) < 5.0  # km; the line of sight sweeps the limb at > 5 km/min
    assert np.all(at_mask | at_limb)


# ---------------------------------------------------------------------------- search and cache


def test_intervals_where_finds_edges_to_the_tolerance() -> None:
    iv = intervals_where(lambda t: np.sin(2 * np.pi * t / 1000.0), 0.0, 3000.0, 37.0)
    assert iv.shape == (3, 2)
    np.testing.assert_allclose(iv, [[0, 500], [1000, 1500], [2000, 2500]], atol=0.5)


def test_cache_reuses_blocks_across_epochs_and_returns_the_same_openings(eph) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    calls = []

    def compute(ref, lo, hi):  # type: ignore[no-untyped-def]
        calls.append((lo, hi))
        return stations.station_openings(eph, [KASHI], ref, lo, hi, min_elevation_deg=10.0)

    e1 = datetime(2020, 12, 1, tzinfo=UTC)
    a = cache.openings(lambda: eph, eph.identity, ("kashi", 10.0), compute, e1, 0.0, 20 * DAY_S)
    n = len(calls)
    b = cache.openings(lambda: eph, eph.identity, ("kashi", 10.0), compute, e1 + timedelta(days=2), 0.0, 10 * DAY_S)
    assert len(calls) == n  # inside the blocks already computed
    shift = 2 * DAY_S
    keep = (a[:, 1] - shift > 0) & (a[:, 0] - shift < 10 * DAY_S)
    np.testing.assert_allclose(b, np.clip(a - shift, 0.0, 10 * DAY_S)[keep])
    direct = stations.station_openings(eph, [KASHI], e1, 0.0, 20 * DAY_S, min_elevation_deg=10.0)
    np.testing.assert_allclose(a, direct, atol=1.0)
