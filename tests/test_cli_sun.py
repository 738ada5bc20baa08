"""The lunarsim sun command: JSON contract, published values, day/night spans, errors."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta

import pytest

from sim.cli import main
from tests.conftest import run_cli

APOLLO11_LANDING = "1969-07-20T20:17:39Z"
APOLLO11_LAT_DEG = 0.6875
APOLLO11_LON_DEG = 23.4333
APOLLO11_SUN_DEG = 10.65  # Apollo Lunar Surface Journal, Sun altitude at the landing
APOLLO11_TOL_DEG = 0.1
CE5_LANDING = "2020-12-01T15:11Z"
SYNODIC_HALF_H = 29.530589 * 24 / 2  # a lunar day or night lasts about half a synodic month
HALF_TOL_H = 12.0  # day and night lengths vary by a few hours with latitude and orbit eccentricity


def sun(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``lunarsim sun ARGS`` in-process; usage errors (SystemExit) count as exit codes."""
    try:
        code = main(["sun", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_at_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    """--at ... --json prints exactly {site: {lat_deg, lon_deg}, times: [{at, elevation, rise, set}]}."""
    code, out, _ = sun(
        capsys,
        "--lat",
        "10",
        "--lon",
        "-20",
        "--at",
        "2020-12-01T15:11Z",
        "--at",
        "2021-03-01T00:00:00+08:00",
        "--json",
    )
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["site", "times", "provenance"]
    assert doc["site"] == {"lat_deg": 10.0, "lon_deg": -20.0}
    assert [row["at"] for row in doc["times"]] == ["2020-12-01T15:11:00Z", "2021-02-28T16:00:00Z"]
    for row in doc["times"]:
        assert list(row) == ["at", "sun_elevation_deg", "previous_sunrise", "next_sunset"]
        assert isinstance(row["sun_elevation_deg"], float)
        assert row["previous_sunrise"].endswith("Z") and row["next_sunset"].endswith("Z")
        assert row["previous_sunrise"] < row["at"] < row["next_sunset"] or row["sun_elevation_deg"] < 0


def test_apollo11_sun_elevation(capsys: pytest.CaptureFixture[str]) -> None:
    """At the Apollo 11 landing the Sun stood 10.65 deg high (ALSJ), within 0.1 deg, and rising."""
    code, out, _ = sun(
        capsys, "--lat", str(APOLLO11_LAT_DEG), "--lon", str(APOLLO11_LON_DEG), "--at", APOLLO11_LANDING, "--json"
    )
    assert code == 0
    row = json.loads(out)["times"][0]
    assert row["sun_elevation_deg"] == pytest.approx(APOLLO11_SUN_DEG, abs=APOLLO11_TOL_DEG)
    # about 21 h after local sunrise (10.65 deg at ~0.51 deg/h), sunset two weeks later
    sunrise = datetime.fromisoformat(row["previous_sunrise"].replace("Z", "+00:00"))
    landing = datetime.fromisoformat(APOLLO11_LANDING.replace("Z", "+00:00"))
    assert timedelta(hours=18) < landing - sunrise < timedelta(hours=24)
    assert row["next_sunset"].startswith("1969-08-03")


def test_change5_site_sunrise_and_sunset(capsys: pytest.CaptureFixture[str]) -> None:
    """--site change5 at the CE-5 landing: change5.yaml's site, sunrise 26/27 Nov, sunset 11 Dec 2020."""
    code, out, _ = sun(capsys, "--site", "change5", "--at", CE5_LANDING, "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["site"] == {"lat_deg": 43.0576, "lon_deg": -51.9161}
    row = doc["times"][0]
    assert row["sun_elevation_deg"] > 0  # CE-5 landed in the local morning
    assert row["previous_sunrise"][:10] in ("2020-11-26", "2020-11-27")
    assert row["next_sunset"][:10] == "2020-12-11"  # published local sunset at the CE-5 site


def test_change6_site_and_east_longitude_equivalence(capsys: pytest.CaptureFixture[str]) -> None:
    """--site change6 reads change6.yaml's site; a west longitude equals its east-positive 360 complement."""
    code, out, _ = sun(capsys, "--site", "change6", "--at", "2024-06-02T00:00Z", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["site"] == {"lat_deg": -41.6385, "lon_deg": -153.9852}
    code, out2, _ = sun(
        capsys, "--lat", "-41.6385", "--lon", str(360 - 153.9852), "--at", "2024-06-02T00:00Z", "--json"
    )
    assert code == 0
    assert json.loads(out2)["times"] == doc["times"]


def test_elevation_threshold_moves_sunrise_later(capsys: pytest.CaptureFixture[str]) -> None:
    """--elevation 5 gives a later sunrise and an earlier sunset than the default 0 deg."""
    base = ["--site", "change5", "--at", CE5_LANDING, "--json"]
    _, out0, _ = sun(capsys, *base)
    code, out5, _ = sun(capsys, *base, "--elevation", "5")
    assert code == 0
    r0, r5 = json.loads(out0)["times"][0], json.loads(out5)["times"][0]
    assert r5["previous_sunrise"] > r0["previous_sunrise"] and r5["next_sunset"] < r0["next_sunset"]
    assert r5["sun_elevation_deg"] == r0["sun_elevation_deg"]


def test_from_to_lists_alternating_days_and_nights(capsys: pytest.CaptureFixture[str]) -> None:
    """--from/--to --json lists days and nights that alternate, abut, and last about half a month each."""
    code, out, _ = sun(
        capsys, "--site", "change5", "--from", "2020-11-01T00:00Z", "--to", "2021-03-01T00:00Z", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["site", "from", "to", "periods", "provenance"]
    assert doc["from"] == "2020-11-01T00:00:00Z" and doc["to"] == "2021-03-01T00:00:00Z"
    periods = doc["periods"]
    assert len(periods) >= 8
    kinds = [p["kind"] for p in periods]
    assert set(kinds) == {"day", "night"}
    assert all(a != b for a, b in itertools.pairwise(kinds))
    assert periods[0]["start"] is None and periods[-1]["end"] is None  # clipped at the span edges
    assert all(a["end"] == b["start"] for a, b in itertools.pairwise(periods))
    for p in periods[1:-1]:
        assert p["duration_h"] == pytest.approx(SYNODIC_HALF_H, abs=HALF_TOL_H)
    assert sum(p["duration_h"] for p in periods) == pytest.approx(120 * 24, abs=0.01)  # 120 days
    day = next(p for p in periods if p["kind"] == "day" and p["start"] and p["start"] > "2020-11-20")
    assert day["start"][:10] in ("2020-11-26", "2020-11-27") and day["end"][:10] == "2020-12-11"


def test_table_output_subprocess() -> None:
    """The table (subprocess) shows UTC time, elevation, a rising/setting marker, sunrise and sunset."""
    res = run_cli("sun", "--site", "change5", "--at", CE5_LANDING, "--at", "2020-12-10T00:00Z")
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    for text in (
        "time (UTC)",
        "elevation",
        "previous sunrise",
        "next sunset",
        "2020-12-01 15:11:00",
        "↑ rising",
        "↓ setting",
        "2020-12-11 ",
        "43.0576° N, 51.9161° W",
    ):
        assert text in res.stdout
    span = run_cli("sun", "--lat", "0", "--lon", "0", "--from", "2020-11-01T00:00Z", "--to", "2020-12-01T00:00Z")
    assert span.returncode == 0, span.stderr
    assert "day" in span.stdout and "night" in span.stdout and "before span" in span.stdout


def test_help_says_east_positive(capsys: pytest.CaptureFixture[str]) -> None:
    """sun --help says that longitude is east-positive and shows examples."""
    code, out, _ = sun(capsys, "--help")
    assert code == 0
    assert "EAST-positive" in out and "examples:" in out and "--site change5" in out


AT = "2020-12-01T00:00Z"
ERROR_CASES = {
    "lat above 90": ["--lat", "95", "--lon", "0", "--at", AT],
    "lat below -90": ["--lat", "-90.5", "--lon", "0", "--at", AT],
    "lon above 360": ["--lat", "0", "--lon", "400", "--at", AT],
    "lon below -360": ["--lat", "0", "--lon", "-361", "--at", AT],
    "lat nan": ["--lat", "nan", "--lon", "0", "--at", AT],
    "lat not a number": ["--lat", "north", "--lon", "0", "--at", AT],
    "lon missing": ["--lat", "0", "--at", AT],
    "no site": ["--at", AT],
    "site and lat": ["--site", "change5", "--lat", "0", "--at", AT],
    "unknown site": ["--site", "nosuch", "--at", AT],
    "naive time": ["--lat", "0", "--lon", "0", "--at", "2020-12-01T00:00"],
    "malformed time": ["--lat", "0", "--lon", "0", "--at", "yesterday"],
    "impossible date": ["--lat", "0", "--lon", "0", "--at", "2020-13-01T00:00Z"],
    "second --at bad": ["--lat", "0", "--lon", "0", "--at", AT, "--at", "2020-12-01"],
    "after ephemeris": ["--lat", "0", "--lon", "0", "--at", "2060-01-01T00:00Z"],
    "before ephemeris": ["--lat", "0", "--lon", "0", "--at", "1850-01-01T00:00Z"],
    "span outside ephemeris": ["--lat", "0", "--lon", "0", "--from", "1890-01-01T00:00Z", "--to", AT],
    "from after to": ["--lat", "0", "--lon", "0", "--from", "2021-01-01T00:00Z", "--to", AT],
    "from equals to": ["--lat", "0", "--lon", "0", "--from", AT, "--to", AT],
    "from without to": ["--lat", "0", "--lon", "0", "--from", AT],
    "naive from": ["--lat", "0", "--lon", "0", "--from", "2020-11-01", "--to", AT],
    "at and from": ["--lat", "0", "--lon", "0", "--at", AT, "--from", AT, "--to", "2020-12-02T00:00Z"],
    "no times": ["--lat", "0", "--lon", "0"],
    "elevation above 90": ["--lat", "0", "--lon", "0", "--at", AT, "--elevation", "91"],
    "elevation inf": ["--lat", "0", "--lon", "0", "--at", AT, "--elevation", "inf"],
}


@pytest.mark.parametrize("args", list(ERROR_CASES.values()), ids=list(ERROR_CASES))
def test_errors_exit_2_with_one_line(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Every bad option exits 2 with exactly one line on stderr and nothing on stdout."""
    code, out, err = sun(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_out_of_range_message_names_the_span(capsys: pytest.CaptureFixture[str]) -> None:
    """A time past the ephemeris says which ephemeris and which years work."""
    _, _, err = sun(capsys, "--lat", "0", "--lon", "0", "--at", "2060-01-01T00:00Z")
    assert "DE421" in err and "1900-01-01" in err and "--at 2060-01-01T00:00:00Z" in err
