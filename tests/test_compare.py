"""Plan vs actual vs simulated: ``sim.results.comparison.compare``, ``lunarsim compare``, the compare charts.

Hand-computed values come from ../shared/reference/change_missions.md (flown UTC rows, "Derived
intervals" and "Planned vs actual"); each test spells out its arithmetic. Minute-precise rows
such as "12:58" mean 12:58:00 UTC. Values are compared in hours with ONE_SECOND_H.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from sim import compare as compare_files
from sim.cli import main
from sim.cli.common import load
from sim.engine.des import simulate
from sim.results.comparison import Comparison, SimulatedSpread, compare, spread_from_samples
from sim.scenario.durations import burn_time_s
from sim.scenario.model import Scenario, load_scenario
from tests.conftest import SCENARIOS, run_cli

ONE_SECOND_H = 1 / 3600
ONE_MINUTE_H = 1 / 60
# Durations from physics (issue 13): the powered descent is a constant-thrust burn (12.6 min vs 14
# flown), so CE-5 lands 2 min 1 s early (15:08:59) and the O/R-ascender separation comes 2 min 7 s
# early (12-06 04:32:53). TEI-1's computed window opens 3 d + `lead` before the Moon's southern
# extreme (12-15 22:24:54); `lead` is the physics TEI-1 burn + 3 revolutions of the departure
# ellipse, 24 h 5 min (was the flown 23 h 57 min), so it opens at 12-11 22:19:54, 8 min earlier.
# The wait after the 48 h of work is then 3 d 17 h 47 m 1 s = 89.784 h (was 89.882 h); the liftoff
# by the 48 h surface-stay rule (landing 15:08:59 + 48 h, change5.yaml `surface_wait`; the typed
# hold it replaced lifted off at 15:07:59) starts the chain 1 min later: 3 d 17 h 46 m 1 s = 89.767 h.
CE5_TEI_WAIT_H = 89.767
CE5_TEI_ELAPSED_H = 48 + CE5_TEI_WAIT_H  # 137.767 h: 3 h 33 min less than the flown 141.317 h
CE5_LANDING_WAIT_H = 5.139  # the descent waits for landing_light after the assumed 1.5 d of work
# CE-6's LOI is now an 18 min burn of the 8,350 kg stack (change6.yaml): the orbit work starts that
# much later and the wait for the separation window is that much shorter. Its descent and ascent
# burns move docking and the wait for the TEI window by under 3 min (PHYSICS_H).
CE6_LOI_H = float(burn_time_s(8350.0, 419.0, 3000.0, 310.0)) / 3600
PHYSICS_H = 3 / 60


def hm(days: int = 0, hours: int = 0, minutes: int = 0, seconds: int = 0) -> float:
    """A duration in hours."""
    return days * 24 + hours + minutes / 60 + seconds / 3600


@cache
def scenario(name: str) -> Scenario:
    """A bundled scenario, loaded once."""
    return load_scenario(SCENARIOS / f"{name}.yaml")


@cache
def ce5_ce6() -> Comparison:
    """The comparison of the two flown missions with their nominal runs."""
    ss = [scenario("change5"), scenario("change6")]
    return compare(ss, [simulate(s) for s in ss])


# --------------------------------------------------------------------------- against the reference


def test_ce5_transfer_plan_counts_from_liftoff() -> None:
    """CE-5 transfer: plan 112 h vs flown launch 20:30:12 -> LOI-1 12:58 = 4 d 16 h 27 m 48 s."""
    row = ce5_ce6().phase("change5", "earth_moon_transfer")
    assert row.planned_h == 112.0
    # the phase starts at separation, which has no flown time: no flown duration of its own ...
    assert row.actual_h is None and row.delta_actual_vs_planned_h is None
    # ... but the flown span from the launch's start, which is what the 112 h plan counts
    assert row.actual_span is not None and row.actual_span.from_id == "launch"
    assert row.actual_span.hours == pytest.approx(hm(4, 16, 27, 48), abs=ONE_SECOND_H)
    assert row.actual_span.hours - row.planned_h == pytest.approx(0.4633, abs=1e-4)
    # the nominal run reproduces the flown span
    assert row.actual_span.simulated_h == pytest.approx(row.actual_span.hours, abs=ONE_MINUTE_H)


def test_ce5_surface_work_and_stay() -> None:
    """CE-5 surface: drill 15:11 -> 20:53, sealed 14:00 (plan 48 h), landing -> liftoff 47 h 59 m."""
    c = ce5_ce6()
    drill = c.phase("change5", "drill_sampling")
    # only the end is published; the start is the landing's flown end (15:11)
    assert drill.actual_start_from == "landing"
    assert drill.actual_h == pytest.approx(hm(0, 5, 42), abs=ONE_SECOND_H)
    seal = c.phase("change5", "scoop_and_seal")
    assert seal.planned_h == 48.0
    assert seal.actual_h == pytest.approx(hm(0, 17, 7), abs=ONE_SECOND_H)  # 20:53 -> 14:00
    assert seal.delta_actual_vs_planned_h == pytest.approx(hm(0, 17, 7) - 48, abs=ONE_SECOND_H)
    assert seal.delta_actual_vs_planned_pct == pytest.approx(100 * (hm(0, 17, 7) - 48) / 48)  # -64.3 %
    # by kind: sampling (drill + scoop) = 22 h 49 m, "about 19 hours" of work, and the hold
    sampling, hold = c.kind("sampling"), c.kind("surface_ops")
    assert sampling.actual["change5"] == pytest.approx(hm(0, 22, 49), abs=ONE_SECOND_H)
    assert sampling.simulated["change5"] == pytest.approx(hm(0, 22, 49), abs=ONE_SECOND_H)
    # landing 12-01 15:11 -> liftoff 12-03 15:10 = 47 h 59 m (the reference's "Landing -> ascent")
    stay = sampling.actual["change5"] + hold.actual["change5"]
    assert stay == pytest.approx(hm(0, 47, 59), abs=ONE_SECOND_H)


# The plans that the reference gives for the lunar-orbit stays after docking ("Planned vs
# actual" tables of change_missions.md). The scenarios carry them on tei_preparation (compared
# with its elapsed time); --set re-attaching the same values must change nothing.
CE5_RETURN_PLAN = "phases.tei_preparation.planned={dist: uniform, low: 6d, high: 7d}"  # "about six to seven days"
CE6_RETURN_PLAN = "phases.tei_preparation.planned=14d"  # "~14 days"


def with_plan(name: str, *sets: str) -> Scenario:
    """A bundled scenario with ``--set`` overrides applied (as ``lunarsim compare --set``)."""
    return load(name, sets)


def test_ce5_lunar_orbit_wait_after_docking() -> None:
    """CE-5 return wait: 48 h of work + the wait for TEI-1's COMPUTED window.

    change5.yaml: tei_preparation (mode 2 d) starts at the O/R-ascender separation, 12-06 04:35,
    and ends 12-08 04:35 (physics: 04:32:53, see CE5_TEI_WAIT_H); tei1 then waits for tei_slot:
    the Earth-return window opens 3 d before the Moon's southern declination extreme (DE421:
    2020-12-15 22:24:54) less the physics 24 h 5 min to TEI-2, i.e. 12-11 22:19:54 (a
    Kashi/Jiamusi pass is on). Wait = 3 d 17 h 46 m 1 s; elapsed 5 d 17 h 46 m against the flown
    5 d 21 h 19 m (separation 12-06 04:35 -> TEI-1 12-12 01:54): the rule gives the opening
    3 h 34 min before the flown TEI-1 (docs/windows.md).
    """
    c = ce5_ce6()
    row = c.phase("change5", "tei_preparation")
    assert row.planned_h == 156.0  # "about six to seven days": uniform 6-7 d, nominal 6.5 d
    assert row.simulated_h == pytest.approx(48.0, abs=ONE_SECOND_H)
    wait = CE5_TEI_WAIT_H
    assert row.simulated_wait_h == pytest.approx(wait, abs=2 * ONE_MINUTE_H)
    assert (row.wait_cause, row.wait_for) == ("window", ("tei1",))
    flown = hm(5, 21, 19)
    assert row.simulated_elapsed_h == pytest.approx(CE5_TEI_ELAPSED_H, abs=ONE_MINUTE_H)
    assert row.actual_h is None and row.actual_wait_h is None  # the end of the work was not published
    assert row.actual_elapsed_h == pytest.approx(flown, abs=ONE_SECOND_H)
    assert row.delta_simulated_elapsed_vs_actual_elapsed_h == pytest.approx(CE5_TEI_ELAPSED_H - flown, abs=ONE_MINUTE_H)
    tei1 = c.phase("change5", "tei1")  # the wait is on tei_preparation's row, not on TEI-1's
    assert tei1.simulated_wait_h == 0.0  # its elapsed time is its own ~5 min burn (rocket equation)
    assert tei1.simulated_elapsed_h == pytest.approx(0.0822, abs=1e-3)
    assert tei1.simulated_wait_before_h == pytest.approx(wait, abs=2 * ONE_MINUTE_H)
    assert tei1.released_by == "tei_preparation"
    kind = c.kind("lunar_orbit_wait")
    assert kind.simulated["change5"] == pytest.approx(CE5_TEI_ELAPSED_H, abs=ONE_MINUTE_H)
    assert kind.actual["change5"] == pytest.approx(flown, abs=ONE_SECOND_H)
    assert kind.run["change5"] == 48.0 and kind.wait["change5"] == pytest.approx(wait, abs=2 * ONE_MINUTE_H)


def test_ce5_return_wait_against_its_plan() -> None:
    """With the plan attached, "six to seven days" (uniform 6-7 d, nominal 156 h) is compared with
    the flown elapsed 141.317 h: -14.683 h (-9.41 %) and the simulated 137.767 h (the computed
    return window opens 3 h 34 min before the flown TEI-1): -18.233 h; the run-based delta
    compares 48 h (-108 h)."""
    s = with_plan("change5", CE5_RETURN_PLAN)
    row = compare([s], [simulate(s)]).phase("change5", "tei_preparation")
    assert (row.planned_h, row.planned_low_h, row.planned_high_h) == (156.0, 144.0, 168.0)
    flown = hm(5, 21, 19)
    assert row.delta_actual_elapsed_vs_planned_h == pytest.approx(flown - 156, abs=ONE_SECOND_H)  # -14.68 h
    assert row.to_dict()["delta_actual_elapsed_vs_planned_pct"] == round(100 * (flown - 156) / 156, 2) == -9.41
    assert row.delta_simulated_elapsed_vs_planned_h == pytest.approx(CE5_TEI_ELAPSED_H - 156, abs=ONE_MINUTE_H)
    assert row.delta_simulated_vs_planned_h == pytest.approx(48 - 156)  # the run alone, as before
    assert row.delta_actual_vs_planned_h is None  # no flown run


def test_ce5_mission_summary() -> None:
    """CE-5: planned "about 23 days" = 552 h vs 20:30:12 -> 12-16 17:59 = 549.48 h; 2 kg vs 1,731 g.
    Simulated: 3 h 26 min less (the return departs at the computed window's opening)."""
    s = ce5_ce6().summary("change5")
    assert s.planned_h == 552.0
    assert s.actual_source == "mission"
    assert s.actual_h == pytest.approx(549.48, abs=ONE_SECOND_H)  # 22 d 21 h 28 m 48 s
    assert s.actual_h == pytest.approx(hm(22, 21, 29), abs=ONE_MINUTE_H)  # the reference's rounding
    assert s.delta_actual_vs_planned_h == pytest.approx(-2.52, abs=ONE_SECOND_H)
    assert s.simulated_h == pytest.approx(549.48 - hm(0, 3, 26, 7), abs=2 * ONE_MINUTE_H)
    assert (s.planned_sample_mass_g, s.actual_sample_mass_g, s.delta_sample_mass_g) == (2000, 1731, -269)
    d = s.to_dict()
    assert d["delta_actual_vs_planned_pct"] == round(100 * -2.52 / 552, 2) == -0.46
    assert d["delta_sample_mass_pct"] == -13.45


def test_ce6_lunar_orbit_wait_date_only() -> None:
    """CE-6 return wait: plan ~14 d; flown 06-06 -> 06-20 (dates only) = 14 d +- 1 d; simulated 12 d 10 h 56 m.

    change6.yaml: the nominal run descends at 22:08:38, 22 s before the published 22:09 (the
    landing_light comment), so the chain after it runs 22 s early: sample transfer 07:23:38,
    docked_combo (uniform 0 - 16 h 36 m, midpoint 8 h 18 m) -> separation 06-06 15:41:38;
    tei_preparation (mode 5 d) -> 06-11 15:41:38; tei waits for tei_slot: the computed return
    window opens 3 d before the Moon's southern extreme (06-22 ~02:38) at 06-19 02:37:48, a
    ground pass is on: 7 d 10 h 56 m 10 s. Elapsed = 5 d + that = 12 d 10 h 56 m 10 s. The liftoff
    by the 48 h surface-stay rule (landing + 48 h = 06-03 22:21:14, change6.yaml `surface_wait`)
    comes 1 h 15 min before the typed hold's: the chain is ready at 06-11 14:25:07 and the wait
    is 7 d 12 h 12 m 41 s, elapsed 12 d 12 h 12 m 41 s (the opening does not move), a day
    and a half short of the flown ~14 d ("13 days", Xinhua): the rule gives the days of the
    opportunity, not where in it the O/R left (docs/windows.md). Flown: ascender separation
    06-06 (date) -> TEI 06-20 (date), read noon to noon = 14 d, known to [13 d, 15 d].
    """
    c = ce5_ce6()
    row = c.phase("change6", "tei_preparation")
    assert row.planned_h == 14 * 24  # "~14 days"
    assert row.actual_precision == "date" and row.actual_h is None
    assert row.actual_elapsed_h == pytest.approx(14 * 24)  # noon to noon
    assert (row.actual_elapsed_low_h, row.actual_elapsed_high_h) == pytest.approx((13 * 24, 15 * 24))
    assert row.actual_elapsed_low_h <= 13 * 24 <= row.actual_elapsed_high_h  # "spent 13 days in lunar orbit"
    assert row.simulated_h == 120.0
    assert row.simulated_wait_h == pytest.approx(hm(7, 12, 12, 41), abs=ONE_MINUTE_H)
    assert row.simulated_elapsed_h == pytest.approx(hm(12, 12, 12, 41), abs=ONE_MINUTE_H)
    assert c.kind("lunar_orbit_wait").actual["change6"] == pytest.approx(336.0)
    # with the reference's ~14 d plan attached: elapsed vs plan
    s = with_plan("change6", CE6_RETURN_PLAN)
    planned = compare([s], [simulate(s)]).phase("change6", "tei_preparation")
    assert planned.planned_h == 14 * 24
    assert planned.delta_actual_elapsed_vs_planned_h == pytest.approx(0.0)
    assert planned.delta_simulated_elapsed_vs_planned_h == pytest.approx(hm(12, 12, 12, 41) - 336, abs=ONE_MINUTE_H)


def test_ce6_three_weeks_in_lunar_orbit_before_landing() -> None:
    """CE-6 waited ~3 weeks in lunar orbit for the morning at its site: the waits count to lunar_orbit.

    change6.yaml: LOI 05-08 02:12; lunar_orbit_adjust (mode 3 d) ends 05-11 02:12; the separation
    waits for approach_light, which opens 05-30 18:06:59 (the windows comment): 19 d 15 h 54 m
    59 s, counted to lunar_orbit_adjust; elapsed 22 d 15 h 54 m 59 s. la_orbit_phasing (mode
    1 d 18 h 17 m) ends 06-01 12:23:59; the descent waits for landing_slot, 22:08:38: 9 h 44 m
    39 s; elapsed 2 d 04 h 01 m 39 s. Together LOI -> descent start = 24 d 19 h 56 m 38 s, vs
    flown 05-08 02:12 -> 06-01 22:09 = 24 d 19 h 57 m (CE6#3, CE6#7). Flown elapsed: 05-08 ->
    05-30 (dates, CE6#5/#6) = 22 d (+-1 d: "~3 weeks"); 05-30 (noon) -> 06-01 22:09 = 2 d 10 h
    9 m, in [05-31 00:00 -> 22:09, 05-30 00:00 -> 22:10] = [1 d 22 h 9 m, 2 d 22 h 10 m].
    """
    c = ce5_ce6()
    adjust, phasing = c.phase("change6", "lunar_orbit_adjust"), c.phase("change6", "la_orbit_phasing")
    assert adjust.simulated_h == 72.0 and adjust.wait_for == ("stack_separation",)
    assert adjust.simulated_wait_h == pytest.approx(hm(19, 15, 54, 59) - CE6_LOI_H, abs=ONE_SECOND_H)
    assert adjust.simulated_elapsed_h == pytest.approx(hm(22, 15, 54, 59) - CE6_LOI_H, abs=ONE_SECOND_H)
    assert adjust.actual_elapsed_h == pytest.approx(22 * 24)
    assert (adjust.actual_elapsed_low_h, adjust.actual_elapsed_high_h) == pytest.approx((21 * 24, 23 * 24))
    assert phasing.simulated_h == pytest.approx(hm(1, 18, 17), abs=ONE_SECOND_H)
    assert phasing.simulated_wait_h == pytest.approx(hm(0, 9, 44, 39), abs=ONE_SECOND_H)
    assert phasing.wait_for == ("powered_descent",) and phasing.wait_cause == "window"
    assert phasing.actual_elapsed_h == pytest.approx(hm(2, 10, 9), abs=ONE_SECOND_H)
    assert (phasing.actual_elapsed_low_h, phasing.actual_elapsed_high_h) == pytest.approx(
        (hm(1, 22, 9), hm(2, 22, 10)), abs=ONE_SECOND_H
    )
    before_landing = adjust.simulated_elapsed_h + phasing.simulated_elapsed_h
    assert before_landing == pytest.approx(hm(24, 19, 56, 38) - CE6_LOI_H, abs=ONE_SECOND_H)
    assert before_landing + CE6_LOI_H == pytest.approx(hm(24, 19, 57), abs=ONE_MINUTE_H)  # flown LOI -> descent
    # by kind: the waits are lunar-orbit hours; plus docked_combo 8 h 18 m and the O/R's wait
    # for the ascender (`until: ascent start`): 05-30 18:06:59 -> liftoff 06-03 22:21:14 (landing
    # + 48 h, the surface-stay rule; the flown liftoff was 23:38) = 4 d 4 h 14 m 15 s
    orbit = c.kind("lunar_orbit")
    assert orbit.wait["change6"] == pytest.approx(hm(19, 15, 54, 59) - CE6_LOI_H + hm(0, 9, 44, 39), abs=ONE_SECOND_H)
    assert orbit.simulated["change6"] == pytest.approx(
        hm(24, 19, 56, 38) - CE6_LOI_H + hm(0, 8, 18) + hm(4, 4, 14, 15), abs=PHYSICS_H
    )
    assert orbit.simulated["change6"] == pytest.approx(orbit.run["change6"] + orbit.wait["change6"])
    assert orbit.actual["change6"] is None  # docked_combo and the lane filler have no flown end


def test_ce6_surface_stay_and_transfer() -> None:
    """CE-6: landing 06-01 22:23 -> liftoff 06-03 23:38 = 49 h 15 m flown; simulated 48 h by the
    surface-stay rule (change6.yaml `surface_wait`: landing + 48 h, calibrated on CE-5's 47 h 59 m,
    so CE-6's liftoff comes 1 h 17 min early); launch -> LOI = 4 d 16 h 44 m 31 s."""
    c = ce5_ce6()
    surface = c.kind("surface_ops").simulated["change6"] + c.kind("sampling").simulated["change6"]
    assert surface == pytest.approx(48.0, abs=ONE_SECOND_H)
    span = c.phase("change6", "earth_moon_transfer").actual_span
    assert span is not None and span.from_id == "launch"
    assert span.hours == pytest.approx(hm(4, 16, 44, 31), abs=ONE_SECOND_H)  # 09:27:29 -> 05-08 02:12
    # a date-only sampling window (06-02 -> 06-03) is known to +-24 h only
    sampling = c.phase("change6", "sampling")
    assert (sampling.planned_h, sampling.actual_h) == (14.0, pytest.approx(24.0))
    assert (sampling.actual_low_h, sampling.actual_high_h) == pytest.approx((0.0, 48.0))


def test_ce6_mission_summary() -> None:
    """CE-6: 53 d = 1272 h planned vs 09:27:29 -> 06-25 06:07 = 52 d 20 h 39 m 31 s; 1,935.3 g.
    Simulated: the return departs at the computed window's opening, 06-19 02:37:48, and its cruise
    is CE-5's transfer time (3 d 15 h 1 m to the reentry sequence, a rule: change6.yaml), so the
    capsule lands 06-22 18:33:42, 2 d 11 h 33 m 18 s before the flown touchdown."""
    s = ce5_ce6().summary("change6")
    assert s.planned_h == 53 * 24
    assert s.actual_h == pytest.approx(hm(52, 20, 39, 31), abs=ONE_SECOND_H)
    assert s.simulated_h == pytest.approx(s.actual_h - hm(2, 11, 33, 18), abs=2 * ONE_MINUTE_H)
    assert s.actual_sample_mass_g == 1935.3
    assert s.delta_sample_mass_g == pytest.approx(-64.7)


def test_milestones_are_exactly_zero() -> None:
    """A milestone published as one instant lasted 0 s, even when only its date is known."""
    c = ce5_ce6()
    for mission, pid in [("change5", "landing"), ("change6", "tei"), ("change6", "stack_separation")]:
        row = c.phase(mission, pid)
        assert (row.actual_h, row.actual_low_h, row.actual_high_h) == (0.0, 0.0, 0.0), pid


# --------------------------------------------------------------------------- rules, on small scenarios

RULES = """\
id: rules
name: Rules mission
epoch: 2030-01-01T00:00:00Z
elements: [a, b]
planned: {duration: 10d, sample_mass_g: 500}
phases:
  - id: launch
    kind: launch
    element: a
    duration: 1h
    actual: {start: 2030-01-01T00:00:00Z}
  - id: cruise
    kind: transfer
    element: a
    after: [launch]
    duration: 100h
    planned: 98h
    actual: {end: 2030-01-05T06:00Z}
  - id: orbit
    kind: lunar_orbit
    element: a
    after: [cruise]
    duration: {dist: triangular, low: 10h, mode: 20h, high: 40h}
    planned: {dist: uniform, low: 18h, high: 30h}
    actual: {end: 2030-01-06T04:00Z}
  - id: side
    kind: lunar_orbit
    element: b
    after: [{phase: cruise, lag: 2h}]
    duration: 5h
    actual: {end: 2030-01-05T12:00Z}
  - id: join
    kind: landing
    element: a
    after: [orbit, {phase: side, lag: 1h}]
    duration: 0s
  - id: surface
    kind: surface_ops
    element: a
    after: [join]
    duration: 2d
    planned: 0s
    actual: {start: 2030-01-06T00:00Z, end: 2030-01-08T00:00Z, precision: date}
"""


@pytest.fixture
def rules(write_scenario: Callable[..., Path]) -> Scenario:
    """A scenario exercising each rule of the flown-duration derivation."""
    return load_scenario(write_scenario(RULES))


def test_only_end_start_from_predecessor_with_lag(rules: Scenario) -> None:
    """Only an end: the start is the predecessors' latest flown end plus lag, else unknown."""
    c = compare([rules], [simulate(rules)])
    # launch has no flown end: cruise has no flown duration, but a span from the launch's start
    cruise = c.phase("rules", "cruise")
    assert cruise.actual_h is None and cruise.actual_start_from is None
    assert cruise.actual_span is not None and cruise.actual_span.hours == 4 * 24 + 6
    assert cruise.actual_span.simulated_h == 101.0  # launch 1 h + cruise 100 h
    # orbit: start = cruise's flown end (01-05 06:00) -> 01-06 04:00 = 22 h
    orbit = c.phase("rules", "orbit")
    assert (orbit.actual_h, orbit.actual_start_from) == (22.0, "cruise")
    assert (orbit.planned_h, orbit.planned_low_h, orbit.planned_high_h) == (24.0, 18.0, 30.0)
    assert orbit.delta_actual_vs_planned_h == -2.0
    assert orbit.simulated_h == 20.0 and orbit.delta_simulated_vs_actual_h == -2.0
    # side: cruise end + 2 h lag = 08:00 -> 12:00 = 4 h
    side = c.phase("rules", "side")
    assert (side.actual_h, side.actual_start_from) == (4.0, "cruise")
    # join has no actual at all
    join = c.phase("rules", "join")
    assert join.actual_h is None and join.actual_span is None and join.actual_precision is None


def test_date_precision_bounds_and_zero_plan(rules: Scenario) -> None:
    """Date-only times count as noon, bounded by their day; a percentage of a 0 h plan is null."""
    row = compare([rules]).phase("rules", "surface")
    assert (row.actual_h, row.actual_low_h, row.actual_high_h) == (48.0, 24.0, 72.0)
    assert row.simulated_h is None  # no timelines given
    assert row.delta_actual_vs_planned_h == 48.0 and row.delta_actual_vs_planned_pct is None


def test_by_kind_sums_and_nulls(rules: Scenario, write_scenario: Callable[..., Path]) -> None:
    """Kinds sum phase hours; flown only if every phase of the kind flew; absent kinds are null."""
    other = load_scenario(
        write_scenario(
            RULES.replace("id: rules", "id: other").replace("    kind: surface_ops", "    kind: sampling"), "other.yaml"
        )
    )
    c = compare([rules, other], [simulate(rules), simulate(other)])
    orbit = c.kind("lunar_orbit")
    assert orbit.simulated == {"rules": 25.0, "other": 25.0}  # 20 h + 5 h on two lanes
    assert orbit.actual == {"rules": 26.0, "other": 26.0}  # 22 h + 4 h
    assert orbit.count == {"rules": 2, "other": 2}
    transfer = c.kind("transfer")
    assert transfer.actual["rules"] is None and transfer.planned["rules"] == 98.0
    assert c.kind("surface_ops").simulated == {"rules": 48.0, "other": None}
    assert c.kind("sampling").simulated == {"rules": None, "other": 48.0}
    assert [k.kind for k in c.by_kind] == [
        "launch",
        "transfer",
        "lunar_orbit",
        "landing",
        "surface_ops",
        "sampling",
    ]  # the shared vocabulary's order


def test_mission_actual_from_last_end(rules: Scenario) -> None:
    """Without a mission actual duration, the flown duration is the last flown end minus the epoch."""
    s = compare([rules], [simulate(rules)]).summary("rules")
    assert (s.actual_h, s.actual_source) == (7 * 24, "last_actual_end")  # 01-08 00:00
    assert s.planned_h == 240.0 and s.planned_sample_mass_g == 500 and s.actual_sample_mass_g is None
    assert s.simulated_h == pytest.approx(1 + 100 + 20 + 48)


WAITS = """\
id: waits
name: Waits mission
epoch: 2030-01-01T00:00:00Z
elements: [a, b]
windows:
  slot:
    type: explicit
    intervals: [[2030-01-01T02:00:00Z, 2030-01-01T03:00:00Z], [2030-01-02T00:00:00Z, 2030-01-03T00:00:00Z]]
phases:
  - id: launch
    kind: launch
    element: a
    duration: 1h
    window: slot
    actual: {start: 2030-01-01T02:00:00Z, end: 2030-01-01T03:00:00Z}
  - id: work
    kind: lunar_orbit
    element: a
    after: [launch]
    duration: 10h
    planned: 30h
    actual: {start: 2030-01-01T03:00:00Z, end: 2030-01-01T14:00:00Z}
  - id: side
    kind: lunar_orbit
    element: b
    after: [{phase: launch, lag: 1h}]
    duration: 2h
    actual: {start: 2030-01-01T04:00:00Z, end: 2030-01-01T06:00:00Z}
  - id: burn
    kind: tei
    element: a
    after: [{phase: work, lag: 2h}, side]
    duration: 0s
    window: slot
    actual: {start: 2030-01-02T01:00:00Z, end: 2030-01-02T01:00:00Z}
  - id: late
    kind: tei
    element: b
    after: [side]
    duration: 1h
    window: slot
    actual: {end: 2030-01-02T02:00:00Z}
  - id: later
    kind: tei
    element: b
    after: [{phase: side, lag: 3h}]
    duration: 0s
    window: slot
"""


def test_waits_count_to_the_releasing_phase(write_scenario: Callable[..., Path]) -> None:
    """Each wait counts to the predecessor whose end + lag is latest; elapsed = run + wait, lags aside.

    Slot openings: 01-01 02:00-03:00 and 01-02 00:00 - 01-03 00:00.
    launch: a root, ready at the epoch 00:00, waits 2 h for 02:00 (counts to itself), runs to 03:00.
    work 03:00 -> 13:00. side: 03:00 + 1 h lag = 04:00 -> 06:00.
    burn: ready max(13:00 + 2 h, 06:00) = 15:00, released by work; waits to 01-02 00:00 = 9 h.
    work elapsed = 10 h + 9 h = 19 h (the 2 h lag is not a wait). Flown: work 03:00 -> burn's
    flown start 01-02 01:00 less the lag = 20 h; flown run 11 h, so the flown wait is 9 h.
    late: ready 06:00 (side), waits to 01-02 00:00 = 18 h; later: 06:00 + 3 h = 09:00, waits 15 h.
    side released both: the longest, 18 h, counts (parallel waits are the same hours): 2 + 18 = 20 h.
    """
    s = load_scenario(write_scenario(WAITS))
    c = compare([s], [simulate(s)])
    launch, work, side = c.phase("waits", "launch"), c.phase("waits", "work"), c.phase("waits", "side")
    assert (launch.simulated_wait_h, launch.simulated_elapsed_h, launch.released_by) == (2.0, 3.0, "launch")
    assert launch.actual_elapsed_h is None  # no flown counterpart of a wait on the pad
    assert (work.simulated_h, work.simulated_wait_h, work.simulated_elapsed_h) == (10.0, 9.0, 19.0)
    assert (work.wait_for, work.wait_cause) == (("burn",), "window")
    assert (work.actual_h, work.actual_elapsed_h, work.actual_wait_h) == (11.0, 20.0, 9.0)
    # plan 30 h: elapsed vs plan, and the run-based delta as before
    assert (work.delta_actual_elapsed_vs_planned_h, work.delta_simulated_elapsed_vs_planned_h) == (-10.0, -11.0)
    assert work.delta_simulated_vs_planned_h == -20.0
    assert (side.simulated_wait_h, side.simulated_elapsed_h, side.wait_for) == (18.0, 20.0, ("late", "later"))
    assert side.actual_h == 2.0 and side.actual_elapsed_h is None  # late's start was not published
    burn = c.phase("waits", "burn")
    assert (burn.simulated_wait_before_h, burn.released_by, burn.simulated_wait_h) == (9.0, "work", 0.0)
    # late waited, so its start is not derived from side's flown end (that would hide the wait)
    late = c.phase("waits", "late")
    assert late.actual_h is None and late.actual_start_from is None and late.released_by == "side"
    # by kind: runs + the waits counted to the kind
    orbit = c.kind("lunar_orbit")
    assert (orbit.run["waits"], orbit.wait["waits"], orbit.simulated["waits"]) == (12.0, 27.0, 39.0)
    assert orbit.actual_run["waits"] == 13.0 and orbit.actual["waits"] is None
    assert c.kind("launch").simulated["waits"] == 3.0 and c.kind("tei").simulated["waits"] == 1.0
    summary = c.summary("waits")
    assert [(w.phase, w.released_by, w.hours) for w in summary.waits] == [
        ("launch", "launch", 2.0),
        ("burn", "work", 9.0),
        ("late", "side", 18.0),
        ("later", "side", 15.0),
    ]
    assert summary.simulated_wait_h == 44.0
    # without runs there are no waits: simulated values are None, flown elapsed = flown run
    plain = compare([s]).phase("waits", "work")
    assert (plain.simulated_wait_h, plain.simulated_elapsed_h, plain.actual_elapsed_h) == (None, None, 11.0)


def test_compare_rejects_duplicates_and_mismatched_runs(rules: Scenario) -> None:
    """Two missions with one id, or runs of other scenarios, are errors."""
    with pytest.raises(ValueError, match="more than once"):
        compare([rules, rules])
    with pytest.raises(ValueError, match="expected 1 timelines"):
        compare([rules], [])
    with pytest.raises(ValueError, match="timeline of 'change5' given for scenario 'rules'"):
        compare([rules], [simulate(scenario("change5"))])


def test_spreads_extend_rows(rules: Scenario) -> None:
    """Monte Carlo spreads add P10/P50/P90 and the actual's percentile without changing other keys."""
    plain = compare([rules], [simulate(rules)]).to_dict()
    spread = spread_from_samples(np.array([18.0, 20.0, 22.0, 24.0, 26.0]) * 3600, actual_s=22 * 3600)
    assert spread.actual_percentile == 50.0
    extended = compare(
        [rules],
        [simulate(rules)],
        spreads={"rules": {"orbit": spread, "mission": SimulatedSpread(160, 170, 180, None)}},
    ).to_dict()
    row = next(p for p in extended["phases"] if p["id"] == "orbit")
    assert row["simulated_p50_h"] == 22.0 and row["actual_percentile"] == 50.0
    base = next(p for p in plain["phases"] if p["id"] == "orbit")
    assert {k: row[k] for k in base} == base
    assert extended["summary"][0]["simulated_p90_h"] == 180


def test_api_compare_takes_paths(write_scenario: Callable[..., Path]) -> None:
    """``from sim import compare`` loads paths and runs the nominal simulations itself."""
    c = compare_files([write_scenario(RULES)])
    assert c.missions == ("rules",) and c.phase("rules", "orbit").simulated_h == 20.0
    assert compare_files(write_scenario(RULES)).missions == ("rules",)


# --------------------------------------------------------------------------- JSON, CSV, CLI


def test_json_shape() -> None:
    """to_dict() has the issue's shape (missions, by_kind with hours, phases with the four values)."""
    d = json.loads(json.dumps(ce5_ce6().to_dict(), allow_nan=False))
    assert d["missions"] == ["change5", "change6"]
    assert d["names"] == {"change5": "Chang'e 5", "change6": "Chang'e 6"}
    wait = next(k for k in d["by_kind"] if k["kind"] == "lunar_orbit_wait")
    assert set(wait["hours"]) == {"change5", "change6"}
    # runs + the waits counted to the kind: CE-5 48 h + 89.767 h (test_ce5_lunar_orbit_wait_after_docking)
    assert wait["hours"]["change5"] == pytest.approx(CE5_TEI_ELAPSED_H, abs=1e-3)
    assert wait["run_hours"]["change5"] == 48.0
    assert wait["wait_hours"]["change5"] == pytest.approx(CE5_TEI_WAIT_H, abs=1e-3)
    assert wait["actual_hours"]["change6"] == 336.0 and wait["actual_run_hours"]["change6"] is None
    tcm = next(k for k in d["by_kind"] if k["kind"] == "tcm")
    assert tcm["hours"]["change6"] is None  # CE-6 TCMs were not published
    first = d["phases"][0]
    assert list(first)[:9] == [
        "mission",
        "id",
        "name",
        "kind",
        "element",
        "planned_h",
        "actual_h",
        "simulated_h",
        "delta_actual_vs_planned_h",
    ]
    launch = next(p for p in d["phases"] if p["mission"] == "change5" and p["id"] == "launch")
    assert launch["planned_h"] is None and launch["actual_h"] is None and launch["simulated_h"] > 0
    assert [s["mission"] for s in d["summary"]] == ["change5", "change6"]
    # extended, not changed: the wait keys come after the older ones
    old_keys = [
        "mission",
        "id",
        "name",
        "kind",
        "element",
        "planned_h",
        "actual_h",
        "simulated_h",
        "delta_actual_vs_planned_h",
        "delta_actual_vs_planned_pct",
        "delta_simulated_vs_planned_h",
        "delta_simulated_vs_planned_pct",
        "delta_simulated_vs_actual_h",
        "delta_simulated_vs_actual_pct",
        "planned_low_h",
        "planned_high_h",
        "actual_low_h",
        "actual_high_h",
        "actual_precision",
        "actual_start_from",
        "actual_span",
    ]
    assert list(launch)[: len(old_keys)] == old_keys
    prep = next(p for p in d["phases"] if p["mission"] == "change5" and p["id"] == "tei_preparation")
    assert {
        k: prep[k]
        for k in (
            "simulated_h",
            "simulated_wait_h",
            "wait_cause",
            "wait_for",
            "simulated_elapsed_h",
            "actual_elapsed_h",
        )
    } == {
        "simulated_h": 48.0,
        "simulated_wait_h": CE5_TEI_WAIT_H,  # the computed return window (test_ce5_lunar_orbit_wait_after_docking)
        "wait_cause": "window",
        "wait_for": ["tei1"],
        "simulated_elapsed_h": round(CE5_TEI_ELAPSED_H, 3),
        "actual_elapsed_h": 141.317,
    }
    assert d["summary"][1]["waits"][0] == {
        "phase": "stack_separation",
        "released_by": "lunar_orbit_adjust",
        "wait_h": round(hm(19, 15, 54, 59) - CE6_LOI_H, 3),
        "cause": "window",
        "window": "approach_light",
    }


def test_cli_json_matches_api(capsys: pytest.CaptureFixture[str]) -> None:
    """compare --json prints the comparison of the nominal runs."""
    assert main(["compare", str(SCENARIOS / "change5.yaml"), "change6", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    provenance = out.pop("provenance")
    assert out == json.loads(json.dumps(ce5_ce6().to_dict()))
    assert [Path(i["path"]).name for i in provenance["inputs"]] == ["change5.yaml", "change6.yaml"]


def test_cli_csv_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--csv writes tidy rows: one per phase, one per mission, one per kind and mission."""
    out = tmp_path / "cmp.csv"
    assert main(["compare", "change5", "change6", "--csv", str(out)]) == 0
    assert "Hours per phase kind" in capsys.readouterr().out
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    n_phases = len(scenario("change5").phases) + len(scenario("change6").phases)
    assert sum(r["record"] == "phase" for r in rows) == n_phases
    assert [r["mission"] for r in rows if r["record"] == "mission"] == ["change5", "change6"]
    # CE-5 tei_preparation: 48 h run + 89.767 h wait for TEI-1's computed window; flown 141.317 h
    wait = next(
        r for r in rows if r["record"] == "phase" and r["mission"] == "change5" and r["id"] == "tei_preparation"
    )
    assert float(wait["planned_h"]) == 156.0 and wait["actual_h"] == "" and float(wait["simulated_h"]) == 48.0
    assert float(wait["simulated_wait_h"]) == CE5_TEI_WAIT_H and wait["wait_cause"] == "window"
    assert float(wait["simulated_elapsed_h"]) == round(CE5_TEI_ELAPSED_H, 3)
    assert float(wait["actual_elapsed_h"]) == 141.317
    assert float(wait["delta_simulated_elapsed_vs_actual_elapsed_h"]) == round(CE5_TEI_ELAPSED_H - 141.317, 3)
    # kind rows keep the runs in simulated_h/actual_h and put runs + waits in the elapsed columns:
    # CE-6 lunar_orbit_wait = 120 h run + 180.211 h wait = 300.211 h (liftoff at
    # landing + 48 h, the surface-stay rule); flown 06-06 -> 06-20 = 336 h
    kind = next(
        r for r in rows if r["record"] == "kind" and r["mission"] == "change6" and r["kind"] == "lunar_orbit_wait"
    )
    assert float(kind["simulated_h"]) == 120.0 and float(kind["simulated_wait_h"]) == pytest.approx(180.211, abs=0.01)
    assert float(kind["simulated_elapsed_h"]) == pytest.approx(300.211, abs=0.01)
    assert float(kind["actual_elapsed_h"]) == 336.0
    assert kind["actual_h"] == "" and float(kind["planned_h"]) == 336.0  # the ~14 d plan on tei_preparation
    assert float(kind["delta_simulated_elapsed_vs_actual_elapsed_h"]) == pytest.approx(-35.789, abs=0.01)
    c5 = next(r for r in rows if r["record"] == "mission" and r["mission"] == "change5")
    assert float(c5["actual_h"]) == 549.48 and c5["id"] == "" and c5["kind"] == ""
    assert float(c5["simulated_wait_h"]) == round(CE5_TEI_WAIT_H + CE5_LANDING_WAIT_H, 3)  # + the landing-slot wait


def test_cli_table_one_mission(capsys: pytest.CaptureFixture[str]) -> None:
    """One mission: the phase table with a mission summary row, the sample masses and the waits."""
    assert main(["compare", "change5"]) == 0
    out = capsys.readouterr().out
    assert "Mission: launch epoch to end" in out and "552.00" in out and "549.48" in out
    assert "-2.52 (-0.5%)" in out and "(112.46 from launch)" in out
    assert "returned 1731 g" in out
    assert "Hours per phase kind" not in out
    # tei_preparation: 48 h, then the wait for TEI-1's computed window (+89.77 h), = 137.77 h
    # elapsed, flown 141.32 h
    assert "↳ then waits to start tei1: window tei_slot" in out and "+89.77" in out
    assert "= elapsed until tei1 starts" in out
    assert "waited 89.77 h (window tei_slot), counted to tei_" in out  # the caption may be cut at 80 columns
    elapsed = next(line for line in out.splitlines() if "= elapsed until tei1 starts" in line)
    assert "141.32" in elapsed and "137.77" in elapsed
    # with the reference's "six to seven days" attached, the plan is compared with the elapsed
    # time: flown 141.317 - 156 = -14.68 h (-9.4 %); simulated 137.767 - 156 = -18.23 h (-11.7 %)
    assert main(["compare", "change5", "--set", CE5_RETURN_PLAN]) == 0
    elapsed = next(line for line in capsys.readouterr().out.splitlines() if "= elapsed until tei1 starts" in line)
    assert "156.00 (144-168)" in elapsed and "-14.68 (-9.4%)" in elapsed and "-18.23 (-11.7%)" in elapsed


def test_cli_exit_codes(tmp_path: Path, write_scenario: Callable[..., Path]) -> None:
    """Bad input exits 2 (invalid file, duplicate mission, bad format), unwritable output 1."""
    bad = write_scenario("id: x\nname: X\nepoch: 2020-01-01T00:00:00Z\nelements: [a]\nphases: []\n")
    for args, code, text in [
        ((str(bad),), 2, f"{bad}:"),
        (("change5", str(SCENARIOS / "change5.yaml")), 2, "compare distinct missions"),
        (("change5", "--out", str(tmp_path / "c.gif")), 2, "use .png, .svg or .pdf"),
        (("change5", "--out", str(tmp_path / "missing" / "c.png")), 1, "does not exist"),
    ]:
        res = run_cli("compare", *args)
        assert res.returncode == code, (args, res.stderr)
        assert text in res.stderr and "Traceback" not in res.stderr
    res = run_cli("compare", "--help")
    assert res.returncode == 0 and "lunarsim compare change5 change6" in res.stdout


def test_cli_set_applies_to_each_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    """--set overrides reach the simulated values, and the return window absorbs or amplifies them.

    tei_slot (change5.yaml): the computed return window for TEI-1, 12-11 22:19:54 -> 12-14
    22:19:54 (with a ground pass); the work starts 12-06 04:32:53. 3 d of work: ready 12-09 04:33,
    waits to 12-11 22:19:54 (65.767 h): the elapsed time is still 137.767 h. 7 d: ready 12-13
    04:35, inside the 3-day window, so TEI-1 does not wait: elapsed 168 h, 12 h over the plan
    (a half-month cadence used to send it to the next opening, 12 d later).
    """

    def row(*sets: str) -> dict:  # type: ignore[type-arg]
        args = ["compare", "change5", "--json"] + [x for s in sets for x in ("--set", s)]
        assert main(args) == 0
        return next(p for p in json.loads(capsys.readouterr().out)["phases"] if p["id"] == "tei_preparation")

    short = row("phases.tei_preparation.duration=3d")
    assert short["simulated_h"] == 72.0 and short["simulated_wait_h"] == pytest.approx(CE5_TEI_WAIT_H - 24, abs=1e-3)
    assert short["simulated_elapsed_h"] == pytest.approx(CE5_TEI_ELAPSED_H, abs=1e-3)
    long = row("phases.tei_preparation.duration=7d", CE5_RETURN_PLAN)
    assert long["simulated_h"] == 168.0 and long["simulated_wait_h"] == 0.0  # 12-13 04:35: still open
    assert long["simulated_elapsed_h"] == 168.0
    assert long["delta_simulated_elapsed_vs_planned_h"] == 12.0
    assert long["delta_simulated_vs_planned_h"] == 12.0  # the run alone: 168 h - 156 h


# --------------------------------------------------------------------------- charts


@pytest.mark.parametrize("names", [("change5",), ("change6",), ("change5", "change6")])
def test_cli_out_writes_png(tmp_path: Path, names: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    """--out draws bars for one mission and the aligned timelines for several, as PNG."""
    out = tmp_path / "chart.png"
    assert main(["compare", *names, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    assert f"lunarsim: wrote {out}\n" == capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png"]


def test_compare_bars_groups_and_labels() -> None:
    """compare_bars draws the mission group first, then each compared phase, on a log axis."""
    import matplotlib.pyplot as plt

    from sim.plots.compare import compare_bars

    ax = compare_bars(ce5_ce6(), "change5")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("Whole mission")
    # the work before the return window is drawn with the wait that follows it (run + wait)
    assert "Lunar-orbit operations before the return window\n(lunar orbit wait) + wait to start tei1" in labels
    assert not any(label.startswith("Landing") for label in labels)  # 0 s milestones are left out
    assert ax.get_xscale() == "log"
    texts = [t.get_text() for t in ax.texts]
    assert "flown -64%\nvs plan" in texts  # scoop_and_seal: 17 h 7 m vs 48 h
    assert "5d 17h = 2d + 3d 17h wait" in texts  # simulated 137.767 h = 48 h + 89.767 h (truncated to h)
    legend = [t.get_text() for t in (ax.get_legend() or ax.figure.legends[0]).get_texts()]
    assert "then waits (window) for the phase it released" in legend
    plt.close(ax.figure)
    # with the reference's 6-7 d plan attached, the flown elapsed 141.317 h is -9.4 % of 156 h
    s = with_plan("change5", CE5_RETURN_PLAN)
    ax = compare_bars(compare([s], [simulate(s)]), "change5")
    assert "flown -9.4%\nvs plan" in [t.get_text() for t in ax.texts]
    plt.close(ax.figure)
    ax = compare_bars(ce5_ce6(), "change6", phases=["sampling"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 1 and labels[0].endswith("\n(sampling)")  # only the phase asked for
    plt.close(ax.figure)
    with pytest.raises(KeyError, match="no phase 'nope'"):
        compare_bars(ce5_ce6(), "change6", phases=["nope"])
    # a kind stands for its phases, in file order
    ax = compare_bars(ce5_ce6(), "change5", phases=["sampling"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [lbl.split("\n")[0] for lbl in labels] == [
        "Drill sampling and packing",
        "Surface scooping, packing and sealing in the ascender",
    ]
    plt.close(ax.figure)


def test_compare_missions_bands() -> None:
    """compare_missions draws one band per mission, aligned at launch, with key milestones marked."""
    import matplotlib.pyplot as plt

    from sim.plots.compare import compare_missions
    from sim.results.comparison import actual_times

    ss = [scenario("change5"), scenario("change6")]
    ax = compare_missions([simulate(s) for s in ss], actuals={s.id: actual_times(s) for s in ss})
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("Chang'e 5 (change5): launch 2020-11-23") for t in texts)
    assert any(t.startswith("Chang'e 6 (change6): launch 2024-05-03") for t in texts)
    # landing: CE-5 20:30:12 -> 12-01 15:11 = 7 d 18 h 40 m 48 s (d7.8);
    # CE-6 09:27:29 -> 06-01 22:23 = 29 d 12 h 55 m 31 s (d29.5)
    assert f"landing d{hm(7, 18, 40, 48) / 24:.1f}" == "landing d7.8" and "landing d7.8" in texts
    assert f"landing d{hm(29, 12, 55, 31) / 24:.1f}" == "landing d29.5" and "landing d29.5" in texts
    # touchdowns move with the computed return windows (3 h 26 min and, with CE-5's cruise for
    # CE-6, 2 d 11 h 34 min early): CE-6 1209.1 h after launch = d50.4
    assert "touchdown d22.8" in texts and "touchdown d50.4" in texts
    assert ax.get_xlim()[1] > 50.4
    # the long waits are drawn and labelled: CE-5 TEI-1 3 d 17 h 46 m; CE-6 separation 19 d 15 h
    # 54 m 59 s less the 18 min LOI burn (CE6_LOI_H) = 19d 15h 37m, and TEI 7 d 12 h 13 m (the liftoff
    # at landing + 48 h, 1 h 17 min before the flown one, brings the work forward)
    assert {"waits 3d 17h 46m", "waits 19d 15h 37m", "waits 7d 12h 13m"} <= set(texts)
    assert "wait for window" in [t.get_text() for t in (ax.get_legend() or ax.figure.legends[0]).get_texts()]
    plt.close(ax.figure)
    # lanes take the scenario's names; a phase filter by kind keeps only the lanes that ran one
    ax = compare_missions(
        [simulate(s) for s in ss], lane_names={s.id: s.lane_names() for s in ss}, phases=["landing", "docking"]
    )
    lanes = [t.get_text() for t in ax.get_yticklabels()]
    assert lanes == ["Lander + ascender", "Ascender"] * 2  # the docking is the ascender's
    assert {"landing d7.8", "landing d29.5"} <= {t.get_text() for t in ax.texts}
    plt.close(ax.figure)


def test_compare_program_expands_its_missions() -> None:
    """compare on a program file compares its missions (CE-7 and CE-8 by kind), exit 0."""
    res = run_cli("compare", "scenarios/ilrs.yaml", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["missions"] == ["change7", "change8"]
    assert {p["mission"] for p in out["phases"]} == {"change7", "change8"}
