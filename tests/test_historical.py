"""Historical scenarios: the nominal run of change5/change6 reproduces the flown timelines.

Sources and derivations are in the YAML comments (scenarios/change5.yaml, change6.yaml) and in
the reference compilation ``change_missions.md``. Minute-precise rows such as "21:07" mean
21:07:00 UTC; the tolerance for them is ONE_MINUTE_S.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from sim.engine.des import simulate
from sim.engine.model import build_model
from sim.scenario.model import CombinedWindow, DaylightWindow, PeriodicWindow, Scenario, WindowSpec, load_scenario
from sim.sky.intervals import WindowTable
from sim.sky.windows import EarthReturnWindow, ExplicitWindow, GroundStationWindow, LaunchWindow, RelayWindow
from sim.timebase import from_utc, parse_utc

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
HISTORICAL = ("change5", "change6")
ONE_MINUTE_S = 60.0
ONE_HOUR_S = 3600.0

# Durations from physics (issue 13: burns by the rocket equation, orbit stays as revolutions) move
# some flown times by more than a minute. Tolerance (seconds) per (scenario, phase), and why:
_LOI2 = 75 * 60.0  # 3 revolutions of the "~8 h" capture ellipse (rounded published period) are 24.0 h
# against 23 h 25 min between the flown burn starts, plus the 15 min LOI-2 burn: ~+68 min
_DESCENT = 3 * 60.0  # the powered descent is a constant-thrust 7500 N burn of 12.6 min; the flown one
# throttled for the hover and obstacle avoidance (14 min): the landing and what follows it until the
# return window come ~2 min early (CE-5 and CE-6 alike)
_RETURN = 10 * 60.0  # TEI-1 lasts 5 min (a 0 s milestone before) and 3 revolutions of the assumed
# 8.0 h departure ellipse take 24.0 h against 23 h 57 min flown: TEI-1 to TEI-2 is ~8 min longer
# than flown. The return window's `lead` is derived from these durations (change5.yaml), so TEI-2
# and what follows keep the return's shift and TEI-1 starts ~8 min earlier than that shift
_SURFACE_RULE = 80 * 60.0  # the surface hold is a rule (issue 14: no hand-computed waits): liftoff
# 48 h after the landing, the planned surface stay, calibrated on CE-5 (47 h 59 m flown). CE-6
# stayed 49 h 15 m, so its liftoff and everything up to the return window come 1 h 17 min early
# (change6.yaml `surface_wait`); a checked prediction, not fitted to CE-6
PHYSICS_TOLERANCE_S: dict[tuple[str, str], float] = {
    **{
        ("change5", p): _LOI2
        for p in ("elliptical_orbit", "loi2", "circular_orbit", "stack_separation", "la_orbit_phasing")
    },
    **{
        ("change5", p): _DESCENT
        for p in (
            "powered_descent",
            "landing",
            "drill_sampling",
            "scoop_and_seal",
            "surface_wait",
            "ascent",
            "rendezvous",
            "docking",
            "sample_transfer",
            "docked_combo",
            "ascender_separation",
            "tei_preparation",
        )
    },
    **{
        ("change6", p): _DESCENT
        for p in (
            "powered_descent",
            "landing",
            "surface_checkout",
            "surface_wait",
            "ascent",
            "rendezvous",
            "docking",
            "sample_transfer",
            "docked_combo",
        )
    },
    **{
        ("change6", p): _SURFACE_RULE
        for p in ("surface_wait", "ascent", "rendezvous", "docking", "sample_transfer", "docked_combo")
    },
    **{
        ("change5", p): _RETURN
        for p in ("tei1", "tei_elliptical_orbit", "tei2", "tcm1_return", "tcm2_return", "reentry", "capsule_landing")
    },
}


# Date-only facts whose source names two days ("20 or 21 June"): the nominal may fall on the
# recorded date or the next one. Every other date-only fact must fall on its own UTC date.
DATE_SLACK_DAYS: dict[tuple[str, str, str], int] = {
    ("change6", "tei", "start"): 1,
    ("change6", "tei", "end"): 1,
}

# The return is predicted, not replayed (issue 13): the TEI waits for the computed Earth-return
# window (docs/windows.md, "Earth return"), which gives the DAYS of the opportunity from the
# Moon's declination but not the hour (entry time of day and the lunar orbit plane are not
# modelled), and the nominal run departs at its opening. So every phase from the TEI on is
# shifted by the same amount from the flight: CE-5's escape burn TEI-2 starts at the rule's
# opening (3 d before the extreme, 12-12 22:25), 3 h 26 min before the flown 01:51, and TEI-1
# ~3 h 34 min before the flown 01:54 (its `lead` is the physics 24 h 5 min, see _RETURN above);
# CE-6's TEI at the opening, 06-19 02:38, 0.9-2.9 d before its flown date (date only, "20 or 21
# June"); CE-6's return cruise is CE-5's transfer time (a rule, change6.yaml), 3 d 15 h, inside
# the 3.2-5.2 d the flown dates allow, so its reentry and touchdown come ~2.5 d (59.6 h) before
# the flown ones. Those phases are checked against the flown times within RETURN_TOLERANCE_S
# (CE-6: 2.75 d against the 2.48 d measured; a departure one opportunity off, 13.7 or 27.3 d,
# fails), and the shift must be the same for all of them (within a minute, or the physics
# tolerance): the cruise and reentry keep their own lengths, only the departure moves.
RETURN_PHASE = {"change5": "tei1", "change6": "tei"}
RETURN_TOLERANCE_S = {"change5": 3.75 * 3600.0, "change6": 2.75 * 86400.0}
RETURN_SHIFT_S = {"change5": -(3 * 3600.0 + 26 * 60.0)}  # CE-5: flown TEI-2 start is minute-precise


def return_chain(name: str) -> set[str]:
    """The TEI phase of scenario ``name`` and every phase that depends on it, transitively."""
    s = scenario(name)
    chain = {RETURN_PHASE[name]}
    grew = True
    while grew:
        grew = False
        for ph in s.phases:
            if ph.id not in chain and any(d.phase in chain for d in ph.dependencies):
                chain.add(ph.id)
                grew = True
    return chain


def physics_tolerance_s(name: str, phase_id: str) -> float:
    """One minute, or the physics tolerance stated above."""
    return max(ONE_MINUTE_S, PHYSICS_TOLERANCE_S.get((name, phase_id), 0.0))


def tolerance_s(name: str, phase_id: str, default_s: float) -> float:
    """The tolerance for a flown time: ``default_s`` or its physics tolerance, or the return's
    when the TEI window moved it."""
    base_s = max(default_s, PHYSICS_TOLERANCE_S.get((name, phase_id), 0.0))
    return max(base_s, RETURN_TOLERANCE_S[name]) if phase_id in return_chain(name) else base_s


def check_shift(name: str, phase_id: str, got: datetime, flown: datetime) -> None:
    """A return-chain phase is off by the same shift as the TEI (CE-5) or the reentry (CE-6)."""
    if phase_id not in return_chain(name):
        return
    if name in RETURN_SHIFT_S:
        shift_s = RETURN_SHIFT_S[name]
    else:  # CE-6: the TEI time is unknown; the reentry sequence (05:22) gives the shift
        shift_s = (nominal_at(name, "reentry_sequence", "start") - parse_utc("2024-06-25T05:22Z")).total_seconds()
    assert abs((got - flown).total_seconds() - shift_s) <= physics_tolerance_s(name, phase_id), (
        f"{phase_id}: nominal {got} vs flown {flown} is not the return's shift {shift_s / 3600:.2f} h"
    )


# Hard-coded key milestones (scenario, phase id, "start"/"end", flown UTC), independent of the
# YAML's `actual` blocks, so that dropping or editing an `actual` cannot weaken the check.
KEY_MILESTONES: list[tuple[str, str, str, str]] = [
    ("change5", "launch", "start", "2020-11-23T20:30:12Z"),
    ("change5", "loi1", "start", "2020-11-28T12:58Z"),
    ("change5", "landing", "end", "2020-12-01T15:11Z"),
    ("change5", "ascent", "start", "2020-12-03T15:10Z"),
    ("change5", "docking", "end", "2020-12-05T21:42Z"),
    ("change5", "capsule_landing", "end", "2020-12-16T17:59Z"),
    ("change6", "launch", "start", "2024-05-03T09:27:29Z"),
    ("change6", "loi", "start", "2024-05-08T02:12Z"),
    ("change6", "powered_descent", "start", "2024-06-01T22:09Z"),
    ("change6", "landing", "end", "2024-06-01T22:23Z"),
    ("change6", "ascent", "start", "2024-06-03T23:38Z"),
    ("change6", "docking", "end", "2024-06-06T06:48Z"),
    ("change6", "sample_transfer", "end", "2024-06-06T07:24Z"),
    ("change6", "reentry_sequence", "start", "2024-06-25T05:22Z"),
    ("change6", "reentry", "start", "2024-06-25T05:41Z"),
    ("change6", "capsule_landing", "end", "2024-06-25T06:07Z"),
]


@cache
def scenario(name: str) -> Scenario:
    """The bundled historical scenario ``name`` (loaded once)."""
    return load_scenario(SCENARIOS / f"{name}.yaml")


@cache
def nominal(name: str) -> dict[str, tuple[datetime, datetime]]:
    """Nominal (start, end) UTC of every phase of scenario ``name``, from one engine run."""
    s = scenario(name)
    timeline = simulate(s)
    return {
        p.id: (s.epoch + timedelta(seconds=p.start_s), s.epoch + timedelta(seconds=p.end_s)) for p in timeline.phases
    }


def nominal_at(name: str, phase_id: str, which: str) -> datetime:
    """Nominal UTC start or end (``which``) of one phase."""
    start, end = nominal(name)[phase_id]
    return start if which == "start" else end


def actual_cases(precisions: tuple[str, ...]) -> list[pytest.param]:
    """(scenario, phase, which, flown UTC) for every actual start/end with one of ``precisions``."""
    cases = []
    for name in HISTORICAL:
        for ph in scenario(name).phases:
            if ph.actual is None or ph.actual.precision not in precisions:
                continue
            for which in ("start", "end"):
                flown = getattr(ph.actual, which)
                if flown is not None:
                    cases.append(pytest.param(name, ph.id, which, flown, id=f"{name}-{ph.id}-{which}"))
    return cases


@pytest.mark.parametrize(("name", "phase_id", "which", "flown"), actual_cases(("s", "min")))
def test_minute_precise_actuals_reproduced(name: str, phase_id: str, which: str, flown: datetime) -> None:
    """Every s/min-precise actual start/end is reproduced within one minute (or its physics tolerance)."""
    got = nominal_at(name, phase_id, which)
    assert abs((got - flown).total_seconds()) <= tolerance_s(name, phase_id, ONE_MINUTE_S), f"nominal {got} vs {flown}"
    check_shift(name, phase_id, got, flown)


@pytest.mark.parametrize(("name", "phase_id", "which", "flown"), actual_cases(("h",)))
def test_hour_precise_actuals_reproduced(name: str, phase_id: str, which: str, flown: datetime) -> None:
    """Every approximate-hour actual start/end is reproduced by the nominal run within one hour."""
    got = nominal_at(name, phase_id, which)
    assert abs((got - flown).total_seconds()) <= tolerance_s(name, phase_id, ONE_HOUR_S), f"nominal {got} vs ~{flown}"


@pytest.mark.parametrize(("name", "phase_id", "which", "flown"), actual_cases(("date",)))
def test_date_only_actuals_on_their_date(name: str, phase_id: str, which: str, flown: datetime) -> None:
    """Every date-only actual falls, in the nominal run, on its UTC date (or the next, if two are named)."""
    got = nominal_at(name, phase_id, which)
    slack = DATE_SLACK_DAYS.get((name, phase_id, which), 0)
    early = math.ceil(RETURN_TOLERANCE_S[name] / 86400.0) if phase_id in return_chain(name) else 0
    assert -early <= (got.date() - flown.date()).days <= slack, f"nominal {got} vs flown date {flown.date()}"


def test_date_slack_entries_exist() -> None:
    """Every DATE_SLACK_DAYS entry names a real date-only actual (no stale exemptions)."""
    for name, phase_id, which in DATE_SLACK_DAYS:
        actual = scenario(name).phase(phase_id).actual
        assert actual is not None and actual.precision == "date"
        assert getattr(actual, which) is not None


@pytest.mark.parametrize(
    ("name", "phase_id", "which", "flown"),
    [pytest.param(*m, id=f"{m[0]}-{m[1]}-{m[2]}") for m in KEY_MILESTONES],
)
def test_key_milestones(name: str, phase_id: str, which: str, flown: str) -> None:
    """The hard-coded key milestones are reproduced within one minute (or the physics tolerance above)."""
    got = nominal_at(name, phase_id, which)
    limit_s = tolerance_s(name, phase_id, ONE_MINUTE_S)
    assert abs((got - parse_utc(flown)).total_seconds()) <= limit_s, f"nominal {got} vs flown {flown}"
    check_shift(name, phase_id, got, parse_utc(flown))


@pytest.mark.parametrize(
    ("name", "phase_id", "which", "flown"),
    [pytest.param(*m, id=f"{m[0]}-{m[1]}-{m[2]}") for m in KEY_MILESTONES],
)
def test_key_milestones_documented(name: str, phase_id: str, which: str, flown: str) -> None:
    """Each key milestone keeps a minute-precise `actual` in the YAML that agrees with the hard-coded time."""
    actual = scenario(name).phase(phase_id).actual
    assert actual is not None and actual.precision in ("s", "min")
    recorded = getattr(actual, which)
    assert recorded is not None
    assert abs((recorded - parse_utc(flown)).total_seconds()) <= ONE_MINUTE_S


@pytest.mark.parametrize(
    ("name", "end_utc", "duration"),
    [
        # 2020-11-23 20:30:12 -> 2020-12-16 17:59:00 = 22 d 21 h 28 m 48 s = 549.48 h ("~549.5 h").
        ("change5", "2020-12-16T17:59Z", timedelta(days=22, hours=21, minutes=29)),
        # 2024-05-03 09:27:29 -> 2024-06-25 06:07:00 = 52 d 20 h 39 m 31 s (reference: 52 d 20 h 40 m).
        ("change6", "2024-06-25T06:07Z", timedelta(days=52, hours=20, minutes=40)),
    ],
)
def test_mission_total(name: str, end_utc: str, duration: timedelta) -> None:
    """The nominal mission ends at the flown capsule touchdown and lasts the flown total, within the
    return's tolerance (the touchdown is in the return chain: the TEI window moves it)."""
    s = scenario(name)
    timeline = simulate(s)
    assert timeline.epoch == s.epoch
    end_s = max(p.end_s for p in timeline.phases)
    end = s.epoch + timedelta(seconds=end_s)
    limit_s = tolerance_s(name, "capsule_landing", ONE_MINUTE_S)
    assert abs((end - parse_utc(end_utc)).total_seconds()) <= limit_s
    check_shift(name, "capsule_landing", end, parse_utc(end_utc))
    assert abs(end_s - duration.total_seconds()) <= limit_s
    assert s.actual is not None and s.actual.duration is not None
    assert abs(s.actual.duration.nominal_s - end_s) <= limit_s


def test_change5_total_hours() -> None:
    """Chang'e 5 nominal launch-to-touchdown is the flown ~549.5 h less the TEI-1 shift (3 h 26 min)."""
    end_s = max(p.end_s for p in simulate(scenario("change5")).phases)
    assert round((end_s - RETURN_SHIFT_S["change5"]) / ONE_HOUR_S, 1) == 549.5


# --------------------------------------------------------------------------- the flown timeline and the windows
#
# The scenarios declare the constraints the missions flew under (reference §5): landing in the
# local morning, surface work inside the lunar day, CE-6's far-side work with Queqiao-2 in view,
# the return burn in its window. The FLOWN times must satisfy them: a window that excludes what
# actually flew is wrong, whatever the nominal run does.

# (scenario, phase) pairs whose flown times must be checked against their window; the test
# below also finds every other phase with a window and an actual, so this list only guards
# against the check silently losing the phases that matter most.
WINDOWED_FLOWN: list[tuple[str, str]] = [
    ("change5", "stack_separation"),
    ("change5", "powered_descent"),
    ("change5", "scoop_and_seal"),
    ("change5", "ascent"),  # surface_wait is a wait (`until`): no window of its own
    ("change5", "tei1"),
    ("change6", "stack_separation"),
    ("change6", "powered_descent"),
    ("change6", "ascent"),
    ("change6", "tei"),
]


@cache
def window_tables(name: str) -> dict[str, WindowTable]:
    """The opening tables of every window the phases of scenario ``name`` use, by window name."""
    model = build_model(scenario(name))
    return dict(zip(model.graph.window_names, model.windows, strict=True))


def windowed_flown() -> list[tuple[str, str]]:
    """(scenario, phase) for every phase that has both a window and a flown start or end."""
    return [
        (name, ph.id)
        for name in HISTORICAL
        for ph in scenario(name).phases
        if ph.window is not None and ph.actual is not None and (ph.actual.start or ph.actual.end) is not None
    ]


def test_windowed_flown_cases_cover_the_key_phases() -> None:
    """The parametrized check below reaches the separation, descent, surface, ascent and TEI phases."""
    missing = set(WINDOWED_FLOWN) - set(windowed_flown())
    assert not missing


@pytest.mark.parametrize(("name", "phase_id"), [pytest.param(*c, id="-".join(c)) for c in windowed_flown()])
def test_flown_timeline_satisfies_windows(name: str, phase_id: str) -> None:
    """The flown start lies inside an opening of the phase's window; with must_fit, start..end does.

    A missing flown start or end is the other one -/+ the nominal duration. Date-only times
    give no instant: then an opening must meet the published day (with must_fit, an opening
    that still holds the nominal duration from within that day).
    """
    s = scenario(name)
    ph = s.phase(phase_id)
    assert ph.window is not None and ph.actual is not None
    table = window_tables(name)[ph.window.name]
    nominal_s = float(build_model(s).graph.nominal_s[s.phases.index(ph)])
    duration = timedelta(seconds=nominal_s)
    if ph.actual.start is not None:
        start = ph.actual.start
        end = ph.actual.end if ph.actual.end is not None else start + duration
    else:
        assert ph.actual.end is not None
        end = ph.actual.end
        start = end - duration
    if ph.actual.precision == "date":
        day = datetime(start.year, start.month, start.day, tzinfo=start.tzinfo)
        lo, hi = from_utc(s.epoch, day), from_utc(s.epoch, day + timedelta(days=1))
        meets = (table.starts < hi) & (table.ends > lo)
        if ph.window.must_fit:
            meets &= table.ends - table.starts.clip(min=lo) >= nominal_s
        assert meets.any(), f"{ph.window.name} has no opening on {day.date()}"
        return
    t0 = from_utc(s.epoch, start)
    assert table.contains(t0), f"flown start {start} is outside every opening of {ph.window.name!r}"
    if ph.window.must_fit:
        span = from_utc(s.epoch, end) - t0
        assert table.contains(t0, span), f"flown {start} -> {end} does not fit in one opening of {ph.window.name!r}"


def _leaf_windows(s: Scenario, name: str) -> list[str]:
    """The non-combined windows a (possibly all_of/any_of) window is built from."""
    spec = s.windows[name]
    if not isinstance(spec, CombinedWindow):
        return [name]
    return [leaf for child in spec.windows for leaf in _leaf_windows(s, child)]


@pytest.mark.parametrize("name", HISTORICAL)
def test_declared_constraints(name: str) -> None:
    """Each flown mission declares the §5 constraints it flew under, on the phases they govern."""
    s = scenario(name)

    def leaves(phase_id: str) -> list[WindowSpec]:
        ref = s.phase(phase_id).window
        assert ref is not None, f"{phase_id} has no window"
        return [s.windows[w] for w in _leaf_windows(s, ref.name)]

    # landing in the local morning, the whole descent inside the window
    descent = s.phase("powered_descent")
    assert descent.window is not None and descent.window.must_fit
    light = [w for w in leaves("powered_descent") if isinstance(w, DaylightWindow)]
    assert len(light) == 1 and light[0].part == "morning" and light[0].min_sun_elevation_deg > 0
    assert light[0].max_sun_elevation_deg is not None
    # surface work inside the lunar day: every surface phase and the liftoff must fit in daylight
    surface = [p for p in s.phases if p.element == "lander_ascender" and p.kind in ("sampling", "surface_ops")]
    assert surface
    # a wait that follows an event (`until`: the surface hold, landing + 48 h) has no window of
    # its own: it ends where the ascent starts, and the ascent must fit in the lunar day
    assert all(s.phase(p.until.phase).kind == "landing" for p in surface if p.until is not None)
    for p in [*(p for p in surface if p.until is None), s.phase("ascent")]:
        day = [w for w in leaves(p.id) if isinstance(w, DaylightWindow)]
        assert day and all(w.part == "any" and w.min_sun_elevation_deg == 0 for w in day), p.id
        # CE-6's sampling only has to START in daylight with the relay in view (it may outlast
        # one 20 h relay pass); the hold after it must fit in the lunar day
        must_fit = p.window is not None and p.window.must_fit
        assert must_fit or (name, p.id) == ("change6", "sampling"), f"{p.id} must fit in the lunar day"
    # the return burn in its COMPUTED window (issue 13: no window anchored at a flown event), with
    # a ground-station pass; the launch in a computed launch window
    tei = "tei1" if name == "change5" else "tei"
    assert any(isinstance(w, EarthReturnWindow) for w in leaves(tei))
    assert any(isinstance(w, GroundStationWindow) for w in leaves(tei))
    assert any(isinstance(w, LaunchWindow) for w in leaves("launch"))
    assert not any(isinstance(w, PeriodicWindow | ExplicitWindow) for w in s.windows.values())
    # far-side work with the relay in view (CE-6): the descent and the untracked liftoff, from
    # Queqiao-2's published 24 h orbit
    if name == "change6":
        for pid in ("powered_descent", "sampling", "ascent"):
            relay = [w for w in leaves(pid) if isinstance(w, RelayWindow)]
            assert relay and 24.0 < relay[0].orbit.orbit().period_s / 3600.0 < 24.5, pid
