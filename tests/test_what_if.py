"""What-ifs: Chang'e 5 and 6 launched on other dates still land in the local morning.

Issue 5, "Scenarios and what-ifs": whatever the launch date a user sets, a CE-5 or CE-6 landing
falls in the local morning at its site (the spacecraft waits in lunar orbit for the next one
when it must), the surface stay ends before local sunset, and the output says which phases
waited, how long, and why. The scenarios get there with windows (change5.yaml, change6.yaml,
"windows"); these tests check the outcome from first principles, with the ephemeris itself:
the Sun's elevation at the site at the landing is above the horizon and rising, and the next
sunset comes after the ascender's liftoff.

Each epoch override goes through ``sim.scenario.overrides.apply_overrides``, as ``--set epoch=...`` does,
and the override is validated like the file. One model build (three lunar-daylight scans over
the 200 d horizon) and one run per case: well under a second each.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

import numpy as np
import pytest

from sim.engine.des import simulate
from sim.engine.model import build_model, window_table
from sim.results.records import Timeline
from sim.scenario.model import Scenario, scenario_from_document
from sim.scenario.overrides import apply_overrides
from sim.scenario.yamlsource import YamlDocument, parse_yaml, read_text
from sim.sky.ephemeris import default_ephemeris
from sim.timebase import format_utc, parse_utc
from tests.conftest import SCENARIOS, run_cli

DAY_S = 86400.0
ONE_MINUTE_S = 60.0
# seconds after the landing at which the Sun must stand higher than at the landing ("rising")
RISING_PROBE_S = 600.0

FLOWN_EPOCH = {"change5": "2020-11-23T20:30:12Z", "change6": "2024-05-03T09:27:29Z"}
FLOWN_LANDING = {"change5": "2020-12-01T15:11Z", "change6": "2024-06-01T22:23Z"}

# Launch shifts (days) tried on both missions: the flight, a few days either way, each week of a
# lunation, one lunation and a season later.
SHIFTS_D = (-7, 0, 3, 7, 14, 21, 30, 91)


@cache
def base_document(name: str) -> YamlDocument:
    """The parsed YAML of a bundled scenario (line marks kept for error messages)."""
    return parse_yaml(read_text(SCENARIOS / f"{name}.yaml"))


@cache
def moved(name: str, shift_d: int) -> Scenario:
    """Scenario ``name`` with its launch epoch moved by ``shift_d`` days (``--set epoch=...``)."""
    epoch = parse_utc(FLOWN_EPOCH[name]) + timedelta(days=shift_d)
    doc = base_document(name)
    data, _ = apply_overrides(doc.data, [f"epoch={format_utc(epoch)}"])
    return scenario_from_document(YamlDocument(data, doc.lines), str(SCENARIOS / f"{name}.yaml"))


@cache
def run(name: str, shift_d: int) -> Timeline:
    """The nominal run of the moved scenario."""
    s = moved(name, shift_d)
    return simulate(s, model=build_model(s))


@cache
def run_without_windows(name: str, shift_d: int) -> Timeline:
    """The same run with every phase's window removed: where the phases would be if nothing waited."""
    s = moved(name, shift_d)
    phases = [p.model_copy(update={"window": None}) for p in s.phases]
    return simulate(s.model_copy(update={"phases": phases}))


def sun_elevation_deg(s: Scenario, t_s: float | np.ndarray) -> np.ndarray:
    """Elevation of the Sun's centre at the scenario's site, seconds after its epoch."""
    assert s.site is not None
    return default_ephemeris().sun_elevation_deg(s.site.lat_deg, s.site.lon_deg, s.epoch, np.atleast_1d(t_s))


def next_sunset_s(s: Scenario, after_s: float) -> float:
    """The first local sunset (Sun's centre through 0 deg, setting) after ``after_s``."""
    assert s.site is not None
    events = default_ephemeris().sun_events(s.site.lat_deg, s.site.lon_deg, s.epoch, after_s, after_s + 20 * DAY_S)
    return next(t for t, kind in events if kind == "set")


def chain_to(s: Scenario, phase_id: str) -> list[str]:
    """``phase_id`` and its ancestors, back to the launch (every link here has one predecessor).

    A wait that follows an event (``until``, the surface hold: landing + 48 h) ends at that event
    whatever its ``after`` link did, so the chain goes on through the event: waits before the
    hold on the sampling lane are absorbed by it and do not move the liftoff.
    """
    out = [phase_id]
    while (ph := s.phase(out[-1])).dependencies:
        if ph.until is not None:
            out.append(ph.until.phase)
            continue
        deps = ph.dependencies
        assert len(deps) == 1, f"{out[-1]} joins several chains"
        out.append(deps[0].phase)
    return out


CASES = [pytest.param(name, shift, id=f"{name}{shift:+d}d") for name in FLOWN_EPOCH for shift in SHIFTS_D]


@pytest.mark.parametrize(("name", "shift_d"), CASES)
def test_landing_in_the_local_morning(name: str, shift_d: int) -> None:
    """The nominal landing has the Sun above the site's horizon and rising, whatever the launch date."""
    s, t = moved(name, shift_d), run(name, shift_d)
    assert t.outcome == "success"
    landing = t.phase("landing").start_s
    at, later = sun_elevation_deg(s, np.array([landing, landing + RISING_PROBE_S]))
    assert at > 0, f"landing {t.utc(landing)} with the Sun at {at:.2f} deg"
    assert later > at, f"landing {t.utc(landing)} in the afternoon (Sun {at:.3f} -> {later:.3f} deg)"
    # the landing waited at most one lunation beyond the arrival it would have had with no windows
    # once the launch went (the launch window may first hold it for days: a launch period)
    slip = landing - run_without_windows(name, shift_d).phase("landing").start_s - t.phase("launch").wait_s
    assert 0 <= slip < 30 * DAY_S


@pytest.mark.parametrize(("name", "shift_d"), CASES)
def test_surface_stay_ends_before_sunset(name: str, shift_d: int) -> None:
    """Landing -> ascender liftoff (and the liftoff itself) lies inside one lunar day."""
    s, t = moved(name, shift_d), run(name, shift_d)
    landing, ascent = t.phase("landing").start_s, t.phase("ascent")
    sunset = next_sunset_s(s, landing)
    assert ascent.end_s < sunset, f"liftoff {t.utc(ascent.start_s)} after sunset {t.utc(sunset)}"
    stay = np.linspace(landing, ascent.end_s, 200)
    assert (sun_elevation_deg(s, stay) > 0).all()


@pytest.mark.parametrize(("name", "shift_d"), CASES)
def test_waits_are_recorded_with_their_cause(name: str, shift_d: int) -> None:
    """Every wait is a window wait, and the waits on the way explain every shift of the landing and the end.

    Without windows the landing and the capsule touchdown would come at fixed times after the
    launch; with them, each lies later by exactly the sum of the waits recorded on its chain of
    phases (how long, and which phase waited).
    """
    s, t, free = moved(name, shift_d), run(name, shift_d), run_without_windows(name, shift_d)
    for p in t.phases:
        assert p.wait_s >= 0
        if p.wait_s > 0:
            assert p.wait_cause == "window", p.id
            assert p.wait_window_s == pytest.approx(p.wait_s, abs=1e-6) and p.wait_resource_s == 0
            assert s.phase(p.id).window is not None, p.id
        else:
            assert p.wait_cause is None and p.wait_window_s == 0
    for target in ("landing", "capsule_landing"):
        waits = sum(t.phase(pid).wait_s for pid in chain_to(s, target))
        shift = t.phase(target).start_s - free.phase(target).start_s
        assert shift == pytest.approx(waits, abs=1e-3), target


@pytest.mark.parametrize("name", FLOWN_EPOCH)
def test_flown_epoch_lands_at_the_flown_minute(name: str) -> None:
    """At the flown epoch the window-driven run lands at the flown time (within 3 min: the powered
    descent is a constant-thrust burn, 12.6 min against 14 min flown; tests/test_historical.py)."""
    t = run(name, 0)
    tol = 3 * ONE_MINUTE_S
    assert abs((t.utc(t.phase("landing").start_s) - parse_utc(FLOWN_LANDING[name])).total_seconds()) <= tol


# Hand-checked answers to "what if we launch later?" (Sun elevations from `lunarsim sun`):
# * CE-5 launched a day later separates on 11-30 21:48 with the Sun at ~32 deg, still inside
#   the separation window (20-33 deg), and after the 1 d 12 h of descent preparation (an
#   assumption, change5.yaml) lands 12-02 10:00 with the Sun at ~43 deg: the same lunar morning,
#   nothing waits before the landing (the flown epoch waits 5 h for the landing slot).
# * CE-5 launched a week later reaches the Moon on 12-05, after local noon at Mons Rümker
#   (12-04), so the stack waits for the next lunar morning: the Sun reaches 20 deg on 12-28
#   (separation) and 37.43 deg on 12-31 (powered descent), one lunation after the flight.
# * CE-6 launched a week later reaches the Moon on 05-15, still a fortnight before sunrise at
#   Apollo crater (05-28): it simply waits a week less in orbit and lands at the flown minute.
# * CE-6 launched a month later reaches the Moon on 06-07, after local noon (06-04): it waits
#   for the next lunar morning and lands on 07-01.
# * The launch itself now waits for the computed launch window (docs/windows.md): a launch
#   shifted by whole days keeps its time of day, which is outside that day's ~1 h window (each
#   day's window comes ~50 min later), so every shifted case but +1 d also waits at the launch.
EXPECTED_LANDING: list[tuple[str, int, str, list[str]]] = [
    ("change5", 1, "2020-12-02T10:0", ["tei1"]),
    ("change5", 7, "2020-12-31", ["launch", "stack_separation", "powered_descent", "tei1"]),
    ("change6", 7, "2024-06-01T22:2", ["launch", "stack_separation", "powered_descent", "tei"]),
    ("change6", 30, "2024-07-01", ["launch", "stack_separation", "powered_descent", "tei"]),
]


@pytest.mark.parametrize(("name", "shift_d", "when", "waited"), EXPECTED_LANDING)
def test_launch_later_answers(name: str, shift_d: int, when: str, waited: list[str]) -> None:
    """A later launch lands on the next suitable lunar morning, and the run names the phases that waited."""
    t = run(name, shift_d)
    assert format_utc(t.utc(t.phase("landing").start_s)).startswith(when)
    assert [p.id for p in t.phases if p.wait_s > 0] == waited


@pytest.mark.parametrize(("name", "shift_d"), CASES)
def test_mission_ends_with_the_capsule_touchdown(name: str, shift_d: int) -> None:
    """No lane filler outlives the mission when the launch date moves."""
    t = run(name, shift_d)
    assert t.end_s == t.phase("capsule_landing").end_s


def test_cli_run_shows_the_window_wait() -> None:
    """`lunarsim run change5 --set epoch=...` (launch a week later) exits 0 and its table shows the waits."""
    res = run_cli("run", "change5", "--set", "epoch=2020-12-01T20:30:12Z")
    assert res.returncode == 0, res.stderr

    def row(name: str) -> str:
        (line,) = [line for line in res.stdout.splitlines() if line.startswith(name + "  ")]
        return line

    separation = row("Lander+ascender separate from orbiter+returner")
    assert " window " in separation and "2020-12-28" in separation
    assert " window " in row("Powered descent (7500 N, hover ~100 m)")
    landing = row("Landing north of Mons Rümker")
    assert "2020-12-31" in landing and " window " not in landing


def test_cli_run_json_names_the_waits() -> None:
    """The same run as JSON: wait_h and wait_cause on the phases that waited."""
    import json

    res = run_cli("run", "change6", "--set", "epoch=2024-06-02T09:27:29Z", "--json")
    assert res.returncode == 0, res.stderr
    phases = {p["id"]: p for p in json.loads(res.stdout)["phases"]}
    assert phases["landing"]["start"].startswith("2024-07-01")
    waited = {pid: p for pid, p in phases.items() if p["wait_h"] > 0}
    assert {"stack_separation", "powered_descent", "tei"} <= set(waited)
    assert all(p["wait_cause"] == "window" for p in waited.values())
    # LOI 06-07 + ~3 d of orbit work, then the lunar afternoon and night: ~19 d until the Sun is at 20 deg
    assert 24 * 14 < waited["stack_separation"]["wait_h"] < 24 * 29.5


def test_epoch_override_moves_only_the_epoch() -> None:
    """The override moves the epoch; the computed windows (relay, TEI) stay put in UTC."""
    s, base = moved("change6", 30), moved("change6", 0)
    assert s.epoch == base.epoch + timedelta(days=30)
    assert s.windows == base.windows and s.phases == base.phases
    # the same UTC relay passes and return openings, each on its own run's time base
    for name in ("relay", "tei_window"):
        table, base_table = window_table(s, name, {}), window_table(base, name, {})
        starts = table.starts[1:6] + 30 * DAY_S  # [0] may be clipped at T0
        assert np.isclose(starts[:, None], base_table.starts[None, :], atol=1.0).any(axis=1).all(), name
