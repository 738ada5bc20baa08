"""The ILRS program (CE-7 + CE-8) on one clock: the shared Queqiao-2 relay, and the lighting what-ifs.

Both missions hold the program's capacity-1 `queqiao2` in a handful of phases (CE-7: powered
descent, rover drive-off, five hopper flights; CE-8: powered descent, rover and robot crane
unloads), each inside its mission's relay-pass and daylight windows (scenarios/change7.yaml,
change8.yaml). Times below are UTC; daylight is the Sun's centre >= 0.5 deg on a spherical Moon.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from sim.engine.des import simulate
from sim.engine.program import simulate_program
from sim.results.records import Timeline
from sim.scenario.program import Program, load_program
from sim.timebase import format_utc
from tests.conftest import SCENARIOS, run_cli

ILRS = SCENARIOS / "ilrs.yaml"
MINUTE = timedelta(minutes=1)


def relay_intervals(program: Program, runs: list[Timeline]) -> list[tuple[datetime, datetime, str]]:
    """UTC (start, end, mission:phase) of every phase of every mission that holds queqiao2, sorted."""
    out = []
    for t in runs:
        scenario = program.mission(t.scenario_id)
        for p in t.phases:
            if "queqiao2" in scenario.phase(p.id).resources:
                out.append((t.utc(p.start_s), t.utc(p.end_s), f"{t.scenario_id}:{p.id}"))
    return sorted(out)


def test_nominal_epochs_do_not_contend_and_match_each_mission_alone() -> None:
    """(a) At the nominal epochs (2026-08-15, 2029-07-01) the missions are ~3 years apart: no phase
    waits for the relay, and each mission has exactly the times of its stand-alone run."""
    program = load_program(ILRS)
    runs = simulate_program(program)
    assert [t.scenario_id for t in runs] == ["change7", "change8"]
    for t in runs:
        alone = simulate(program.mission(t.scenario_id))
        assert t.epoch == alone.epoch
        assert all(p.wait_resource_s == 0 for p in t.phases)
        assert [(p.id, p.ready_s, p.start_s, p.end_s, p.wait_cause) for p in t.phases] == [
            (p.id, p.ready_s, p.start_s, p.end_s, p.wait_cause) for p in alone.phases
        ]
    # both missions hold the relay in their own phases, at times years apart
    intervals = relay_intervals(program, runs)
    assert {m.split(":")[0] for _, _, m in intervals} == {"change7", "change8"}
    assert all(a[1] <= b[0] for a, b in pairwise(intervals))


def test_overlapping_missions_queue_for_the_one_relay() -> None:
    """(b) CE-8 launched on 2026-10-10, on top of CE-7: the two missions queue for Queqiao-2.

    Relay passes are computed from Queqiao-2's planned 12 h orbit (change7/8.yaml). CE-8 lands on
    2026-10-19 17:22:41 (the Leibnitz-Beta morning and a relay pass); its rover unload holds the
    relay 17:22:41 -> 10-20 05:22:41. CE-7's first hopper flight (4 h, must fit inside one pass)
    is ready at 10-19 21:31:01, inside a pass, but the relay is busy: it gets it at 05:22:41
    (7 h 51 m 40 s for the resource), when 4 h still fit in the pass, and flies 05:22:41 ->
    09:22:41; CE-8's robot unload, ready at 05:22:41, waits the 4 h for it and runs 09:22:41 ->
    21:22:41. No two relay-holding phases overlap.

    CE-8 launches at its epoch here: its computed launch window has no opening from 10-04 to 10-19
    in 2026 (geometry), and no CE-8 launch opening of late 2026 makes the two missions contend, so
    the window is switched off for this what-if (``phases.launch.window=null``).
    """
    program = load_program(ILRS, sets=["change8.epoch=2026-10-10T00:00:00Z", "change8.phases.launch.window=null"])
    c7, c8 = simulate_program(program)
    waited = [(t.scenario_id, p) for t in (c7, c8) for p in t.phases if p.wait_resource_s > 0]
    assert waited
    holders = {
        (m, pid)
        for m in ("change7", "change8")
        for pid in (q.id for q in program.mission(m).phases if "queqiao2" in q.resources)
    }
    assert {(m, p.id) for m, p in waited} <= holders
    hop = c7.phase("hop_sortie_1")
    assert hop.wait_cause == "resource"
    assert hop.wait_resource_s == pytest.approx(7 * 3600 + 51 * 60 + 40, abs=60)
    assert format_utc(c7.utc(hop.start_s)) == "2026-10-20T05:22:41Z"
    assert format_utc(c7.utc(hop.end_s)) == "2026-10-20T09:22:41Z"
    robot = c8.phase("robot_deploy")
    assert robot.wait_resource_s == pytest.approx(4 * 3600, abs=60)
    assert c8.utc(robot.start_s) == c7.utc(hop.end_s)
    intervals = relay_intervals(program, [c7, c8])
    for (_, end_a, a), (start_b, _, b) in pairwise(intervals):
        assert end_a <= start_b, f"{a} overlaps {b}"
    # CE-7 before CE-8 came down is untouched: its landing is the stand-alone one
    alone = simulate(program.mission("change7"))
    assert c7.phase("landing").start_s == alone.phase("landing").start_s


def test_later_ce7_launch_misses_the_morning_and_lands_a_lunar_day_later() -> None:
    """(c) Two weeks later at launch, four weeks later on the surface.

    Nominal (2026-08-15): the 45 d survey (after LOI-1, the capture ellipse and LOI-2) ends
    2026-10-04 16:33, the stack waits 1 d 4 h 45 m for the morning that starts 2026-10-05 21:18
    (0.5 deg sunrise at 88.8 S, 123.4 E), separates, and the lander comes down 2 d later inside a
    computed relay pass: landing 2026-10-07 21:31.
    One week later (2026-08-22): the survey ends 10-11 16:33, still inside that morning (it ends
    10-15 22:05): no wait, landing 10-13 16:46, 5 d 19 h after the nominal (less than the 7 d
    slip, because the nominal had waited for the light).
    Two weeks later (2026-08-29): the survey ends 10-18 16:33, after that morning. The stack
    waits 14 d 18 h for the next sunrise, 2026-11-02 10:59, and lands 11-04 11:12 (the next
    relay pass): 27 d 14 h after the nominal, a whole lighting period (lunar days begin 27-32 d
    apart at this site, a synodic month on average) for a 14 d slip.
    """

    def landing(epoch: str) -> tuple[datetime, Timeline]:
        program = load_program(ILRS, sets=[f"change7.epoch={epoch}"])
        c7 = simulate_program(program)[0]
        return c7.utc(c7.phase("landing").start_s), c7

    nominal, t0 = landing("2026-08-15T00:00:00Z")
    week, t1 = landing("2026-08-22T00:00:00Z")
    fortnight, t2 = landing("2026-08-29T00:00:00Z")
    assert abs(nominal - datetime(2026, 10, 7, 21, 31, 1, tzinfo=UTC)) < MINUTE
    assert abs(week - datetime(2026, 10, 13, 16, 45, 38, tzinfo=UTC)) < MINUTE
    assert abs(fortnight - datetime(2026, 11, 4, 11, 12, 23, tzinfo=UTC)) < MINUTE
    # a later launch never lands earlier; a small slip is absorbed, a larger one costs a lunar day
    assert nominal < week < fortnight
    assert week - nominal < timedelta(days=7)
    assert timedelta(days=25) < fortnight - nominal < timedelta(days=32)
    # the waits are recorded on the separation, with their cause
    sep0, sep1, sep2 = (t.phase("stack_separation") for t in (t0, t1, t2))
    assert sep0.wait_cause == "window" and sep0.wait_window_s == pytest.approx(86400 + 4 * 3600 + 45 * 60, abs=120)
    assert sep1.wait_cause is None and sep1.wait_window_s == 0
    assert sep2.wait_cause == "window" and sep2.wait_window_s == pytest.approx(14 * 86400 + 18 * 3600, abs=3600)
    assert abs(t2.utc(sep2.start_s) - datetime(2026, 11, 2, 10, 59, tzinfo=UTC)) < MINUTE


def test_program_monte_carlo_runs_on_the_event_loop() -> None:
    """(d) `lunarsim mc scenarios/ilrs.yaml -n 2000` exits 0 on the SimPy engine ("des")."""
    res = run_cli("mc", "scenarios/ilrs.yaml", "-n", "2000", "--json", "--quiet")
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["engine"] == "des" and summary["replications"] == 2000
    assert summary["success_probability"] == 1.0
    ids = {p["id"] for p in summary["phases"]}
    assert {"change7__hop_sortie_1", "change8__robot_deploy"} <= ids
    # missions years apart never queue for the relay, whatever the draws
    assert all(p["wait_h"]["resource"] == 0 for p in summary["phases"])
