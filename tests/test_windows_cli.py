"""`lunarsim windows`, and what-ifs over launch dates with the computed windows (issue 13).

- `lunarsim windows` works for every bundled scenario: table (80 columns), `--json` of the
  documented shape, `--out` chart; bad spans are one-line input errors (exit 2).
- What-ifs: CE-5 and CE-6 launched on other dates over the next months snap the launch into a
  real launch window (the arc from skyfield's exact pad position is inside the band at liftoff)
  and depart in a real return opportunity: 0-3 days before a southern declination extreme found
  independently (brute-force scan), one opportunity per tropical month.
- Sweeps reuse the cached window blocks instead of recomputing them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from skyfield.api import wgs84

from sim.engine.des import simulate
from sim.engine.model import build_model
from sim.results.records import Timeline
from sim.scenario.model import Scenario, scenario_from_document
from sim.scenario.overrides import apply_overrides
from sim.scenario.yamlsource import parse_yaml, read_text
from sim.sky import cache as window_cache
from sim.sky.ephemeris import default_ephemeris
from sim.timebase import DAY_S, format_utc, parse_utc
from tests.conftest import SCENARIOS, run_cli

BUNDLED = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
FLOWN_EPOCH = {"change5": "2020-11-23T20:30:12Z", "change6": "2024-05-03T09:27:29Z"}
DEPARTURE = {"change5": "tei2", "change6": "tei"}  # the escape burn
SHIFTS_D = (5, 19, 33, 47, 61, 75, 89, 103, 117, 131)  # launch dates over the next four months


@pytest.mark.parametrize("name", BUNDLED)
def test_windows_json_has_the_documented_shape_for_every_bundled_scenario(name: str) -> None:
    res = run_cli("windows", name, "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) >= {"scenario", "from", "to", "windows"}
    assert ISO_Z.match(out["from"]) and ISO_Z.match(out["to"])
    assert out["windows"], "every bundled scenario declares windows"
    for w in out["windows"].values():
        assert isinstance(w["type"], str)
        opens = [iv["open"] for iv in w["intervals"]]
        closes = [iv["close"] for iv in w["intervals"]]
        assert all(ISO_Z.match(t) for t in opens + closes)
        assert all(a < b for a, b in zip(opens, closes, strict=True))
        assert opens == sorted(opens)


def test_windows_json_change6_lists_the_computed_types_over_a_span() -> None:
    res = run_cli("windows", "change6", "--from", "2024-05-02T00:00Z", "--to", "2024-06-30T00:00Z", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert (out["scenario"], out["from"], out["to"]) == ("change6", "2024-05-02T00:00:00Z", "2024-06-30T00:00:00Z")
    w = out["windows"]
    assert {w[n]["type"] for n in ("relay", "tei_window", "deep_space", "launch_window")} == {
        "relay",
        "earth_return",
        "ground_station",
        "launch",
    }
    launch = w["launch_window"]["intervals"]
    assert any(iv["open"] <= "2024-05-03T09:27:29Z" <= iv["close"] for iv in launch)  # the flown liftoff
    may, june = w["tei_window"]["intervals"]  # one a month: the 3 d before the 05-26 and 06-22 extremes
    assert may["close"].startswith("2024-05-2") and may["open"] < may["close"]
    assert june["open"].startswith("2024-06-19T0") and june["close"].startswith("2024-06-22T0")
    assert 0.74 < w["relay"]["open_h"] / (59 * 24) < 0.80  # ~77 % coverage of Apollo basin


def test_windows_table_fits_80_columns_and_chart_is_written(tmp_path: Path) -> None:
    png = tmp_path / "windows.png"
    res = run_cli("windows", "change5", "--to", "2021-01-15T00:00Z", "--out", str(png))
    assert res.returncode == 0, res.stderr
    assert max(len(line) for line in res.stdout.splitlines()) <= 80
    assert "tei_window" in res.stdout and "(earth_return)" in res.stdout
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2021-01-01T00:00Z", "--to", "2020-12-01T00:00Z"], "must be after"),
        (["--from", "yesterday"], "--from"),
        (["--to", "2060-01-01T00:00Z"], "1900-2052"),
    ],
)
def test_windows_bad_span_is_one_line_input_error(args: list[str], message: str) -> None:
    res = run_cli("windows", "change5", *args)
    assert res.returncode == 2
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


# ---------------------------------------------------------------------------- what-ifs


@cache
def moved(name: str, shift_d: int) -> Scenario:
    doc = parse_yaml(read_text(SCENARIOS / f"{name}.yaml"))
    epoch = parse_utc(FLOWN_EPOCH[name]) + timedelta(days=shift_d)
    data, _ = apply_overrides(doc.data, [f"epoch={format_utc(epoch)}"])
    return scenario_from_document(type(doc)(data, doc.lines), str(SCENARIOS / f"{name}.yaml"))


@cache
def run(name: str, shift_d: int) -> Timeline:
    s = moved(name, shift_d)
    return simulate(s, model=build_model(s))


def southern_extremes_brute_force(start: datetime, days: int) -> list[datetime]:
    """Independent: local minima of skyfield's declination of date on a 10-minute grid."""
    eph = default_ephemeris()
    t = eph.times(start, np.arange(0.0, days * DAY_S, 600.0))
    _, dec, _ = eph.body("earth").at(t).observe(eph.body("moon")).apparent().radec(epoch="date")
    d = dec.degrees
    k = np.flatnonzero((d[1:-1] < d[:-2]) & (d[1:-1] <= d[2:])) + 1
    return [start + timedelta(seconds=600.0 * int(i)) for i in k]


@pytest.mark.parametrize("name", FLOWN_EPOCH)
def test_what_ifs_depart_before_a_southern_extreme_one_opportunity_per_month(name: str) -> None:
    extremes = southern_extremes_brute_force(
        datetime(2020, 11, 1, tzinfo=UTC) if name == "change5" else datetime(2024, 4, 25, tzinfo=UTC), 330
    )
    departures = []
    for shift in SHIFTS_D:
        t = run(name, shift)
        dep = t.utc(t.phase(DEPARTURE[name]).start_s)
        lead_d = min((x - dep).total_seconds() / DAY_S for x in extremes if x >= dep - timedelta(hours=1))
        assert -0.05 <= lead_d <= 3.05, f"{name} +{shift} d departs {format_utc(dep)}, {lead_d:.2f} d before"
        departures.append(dep)
    distinct = sorted(set(d.replace(second=0, microsecond=0) for d in departures))
    gaps_d = np.diff([d.timestamp() for d in distinct]) / DAY_S
    # a later launch departs in the same opportunity or a whole number of tropical months later
    months = gaps_d / 27.32
    assert np.all(np.abs(months - np.round(months)) < 0.15), gaps_d


@pytest.mark.parametrize("name", FLOWN_EPOCH)
@pytest.mark.parametrize("shift_d", [5, 47, 103])
def test_what_if_launch_snaps_to_a_real_launch_window(name: str, shift_d: int) -> None:
    """The launch starts inside the computed window; the arc from skyfield's exact pad position at
    liftoff is inside the 105-120 deg band (independent of sim.sky.earthframe)."""
    s = moved(name, shift_d)
    t = run(name, shift_d)
    liftoff = t.utc(t.phase("launch").start_s)
    assert t.phase("launch").start_s >= 0.0
    spec = s.windows["launch_window"]
    eph = default_ephemeris()
    pad = wgs84.latlon(spec.pad.lat_deg, spec.pad.lon_deg).at(eph.times(liftoff, [0.0])).position.km[:, 0]
    moon = eph.body("earth").at(eph.times(liftoff, [spec.transfer])).observe(eph.body("moon")).apparent()
    d = -moon.position.km[:, 0]
    arc = np.degrees(np.arccos(pad @ d / np.linalg.norm(pad) / np.linalg.norm(d)))
    assert 105.0 - 0.02 <= arc <= 120.0 + 0.02
    # launch periods of ~12-14 consecutive days a month (the azimuth band), daily windows inside
    assert t.phase("launch").wait_s < 18 * DAY_S


def test_sweep_of_launch_dates_reuses_cached_window_blocks() -> None:
    window_cache.clear()
    build_model(moved("change6", 5))
    first = dict(window_cache.stats)
    build_model(moved("change6", 6))  # a day later: the same 32-day blocks but at most one more
    again = dict(window_cache.stats)
    assert again["reused"] > first["reused"]
    new_blocks = again["computed"] - first["computed"]
    assert new_blocks <= 4, new_blocks  # at most the one block at the end of the horizon, per window
