"""The planned missions (Chang'e 7, Chang'e 8) and the program chart that draws all four missions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import matplotlib
import pytest

from sim.cli import main
from sim.cli.common import load
from sim.engine.des import simulate
from sim.engine.model import Model, build_model
from sim.plots import program_gantt
from sim.plots.program import family_blocks, kind_family, mission_blocks
from sim.results.records import Timeline
from sim.scenario.model import DaylightWindow, Scenario, load_scenario
from sim.scenario.program import load_program
from sim.sky.windows import RelayWindow
from sim.timebase import DAY_S, HOUR_S
from tests.conftest import ONE_SECOND_S, SCENARIOS, run_cli

matplotlib.use("Agg")

PLANNED = ["change7", "change8"]
ALL = ["change5", "change6", "change7", "change8"]
PNG = b"\x89PNG"


def scenario(name: str) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.yaml")


def run(name: str) -> Timeline:
    return simulate(scenario(name))


def utc(t: Timeline, phase_id: str, end: bool = False) -> datetime:
    p = t.phase(phase_id)
    return t.utc(p.end_s if end else p.start_s)


# The phase of each planned mission that waits for the landing light (in lunar orbit), the phases
# before it (which shift exactly with the epoch), and the phases that hold the shared relay.
LIGHT_GATE = {"change7": "stack_separation", "change8": "powered_descent"}
BEFORE_GATE = {
    "change7": ["launch", "earth_moon_transfer", "loi", "site_survey"],
    "change8": ["launch", "earth_moon_transfer", "loi", "pre_landing_orbit"],
}
RELAY_HOLDERS = {
    "change7": {"powered_descent", "rover_egress", *(f"hop_sortie_{k}" for k in range(1, 6))},
    "change8": {"powered_descent", "rover_egress", "robot_deploy"},
}


def window_violations(s: Scenario, t: Timeline, model: Model | None = None) -> list[str]:
    """Phases of a run that break their declared window (start outside it, or not fitting with must_fit)."""
    model = model or build_model(s)
    tables = dict(zip(model.graph.window_names, model.windows, strict=True))
    bad = []
    for ph in s.phases:
        if ph.window is None:
            continue
        rec = t.phase(ph.id)
        table = tables[ph.window.name]
        length = rec.end_s - rec.start_s if ph.window.must_fit else 0.0
        if not table.contains(rec.start_s, length):
            bad.append(ph.id)
    return bad


@pytest.mark.parametrize("name", PLANNED)
def test_planned_missions_validate_and_run(name: str) -> None:
    """CE-7 and CE-8 validate, run to success and have every phase done, starting at the epoch."""
    res = run_cli("validate", str(SCENARIOS / f"{name}.yaml"))
    assert res.returncode == 0, res.stderr
    t = run(name)
    assert t.outcome == "success" and all(p.outcome == "done" for p in t.phases)
    # CE-7 launches at its epoch; CE-8 at the first computed launch opening after it (hours later)
    launch = t.phase("launch")
    assert min(p.start_s for p in t.phases) == launch.start_s == launch.wait_window_s
    assert launch.start_s == 0.0 if name == "change7" else 0 < launch.start_s < DAY_S
    assert all(p.end_s >= p.start_s for p in t.phases)


@pytest.mark.parametrize("name", PLANNED)
def test_planned_missions_have_no_actuals_and_cite_sources(name: str) -> None:
    """A planned mission has no flown times; every phase names its source; mission facts are notes."""
    s = scenario(name)
    assert s.actual is None
    assert all(p.actual is None for p in s.phases)
    assert all(p.source for p in s.phases), [p.id for p in s.phases if not p.source]
    assert s.planned is not None and s.planned.note and s.planned.source
    assert s.sources and s.site is not None


@pytest.mark.parametrize("name", PLANNED)
def test_transfer_is_110_to_113_hours(name: str) -> None:
    """Launch to LOI is 112 h nominal and spans the 110-113 h of the four flown Chang'e landers."""
    s, t = scenario(name), run(name)
    assert t.phase("loi").start_s - t.phase("launch").start_s == pytest.approx(112 * HOUR_S, abs=ONE_SECOND_S)
    transfer = s.phase("earth_moon_transfer").duration
    launch_s = s.phase("launch").duration.nominal_s
    assert (launch_s + transfer.low_s, launch_s + transfer.high_s) == (110 * HOUR_S, 113 * HOUR_S)  # type: ignore[attr-defined]


def test_change7_lands_after_the_survey_in_autumn_2026() -> None:
    """CE-7: launch in 2H 2026, up to two months of survey (45 d nominal), landing after it, then surface."""
    s, t = scenario("change7"), run("change7")
    assert s.epoch == datetime(2026, 8, 15, tzinfo=UTC)
    survey = s.phase("site_survey")
    assert survey.duration.nominal_s == 45 * DAY_S
    assert survey.planned is not None and survey.planned.nominal_s == 60 * DAY_S
    assert survey.duration.low_s == 20 * DAY_S and survey.duration.high_s == 60 * DAY_S  # type: ignore[attr-defined]
    assert t.phase("landing").start_s > t.phase("site_survey").end_s
    landing = utc(t, "landing")
    assert datetime(2026, 9, 1, tzinfo=UTC) < landing < datetime(2026, 12, 1, tzinfo=UTC)
    for phase_id in ("rover_egress", "hopper_release", "lander_science"):
        assert t.phase(phase_id).start_s >= t.phase("landing").end_s
    hops = [p for p in t.phases if p.kind == "hopper_ops" and p.id.startswith("hop_sortie")]
    assert len(hops) >= 3
    # the six sorties and the checkout fit inside the hopper's six-month design life
    assert hops[-1].end_s - t.phase("hopper_release").start_s < 183 * DAY_S
    assert {p.element for p in t.phases} == {"stack", "orbiter", "lander", "rover", "hopper", "queqiao2"}
    assert (s.site.lat_deg, s.site.lon_deg) == (-88.8, 123.4)  # type: ignore[union-attr]


def test_change8_in_2029_with_isru_and_robot() -> None:
    """CE-8: launch and landing in 2029, ISRU brick printing after landing, a robot lane, Queqiao-2 relay."""
    s, t = scenario("change8"), run("change8")
    assert s.epoch.year == 2029 and utc(t, "landing").year == 2029
    isru = [p for p in t.phases if p.kind == "isru"]
    assert isru and all(p.start_s >= t.phase("landing").end_s for p in isru)
    assert {"lander", "rover", "robot", "queqiao2"} == {p.element for p in t.phases}
    assert t.phase("queqiao2_relay").kind == "relay"
    assert s.site is not None and -86 < s.site.lat_deg < -84  # Leibnitz-Beta plateau, approximate


@pytest.mark.parametrize("name", PLANNED)
def test_polar_windows_and_relay_resource_are_declared(name: str) -> None:
    """Daylight 0.5 deg (spherical Moon), landing in the morning, Queqiao-2 on its planned 12 h orbit, one relay."""
    s = scenario(name)
    daylight, landing = s.windows["daylight"], s.windows["landing_light"]
    assert isinstance(daylight, DaylightWindow) and isinstance(landing, DaylightWindow)
    assert daylight.min_sun_elevation_deg == landing.min_sun_elevation_deg == 0.5
    assert landing.part == "morning" and daylight.site is None and landing.site is None
    relay = s.windows["relay"]
    assert isinstance(relay, RelayWindow)  # computed from the orbit (docs/windows.md), not a fixed pattern
    orbit = relay.orbit.orbit()
    assert 12.0 * HOUR_S < orbit.period_s < 12.3 * HOUR_S  # 300 x 8,600 km: "~12 h"
    assert (relay.orbit.periapsis_km, relay.orbit.apoapsis_km) == (300, 8600)
    assert relay.orbit.epoch == datetime(2026, 1, 1, tzinfo=UTC)  # the same relay for CE-7 and CE-8
    assert s.resources["queqiao2"].capacity == 1
    holders = {p.id for p in s.phases if "queqiao2" in p.resources}
    assert holders == RELAY_HOLDERS[name]  # a handful, so that Monte Carlo stays fast
    assert s.phase(LIGHT_GATE[name]).window.name in ("landing_light", "landing_window")  # type: ignore[union-attr]
    # the relay's service span on its lane does not hold the relay (it would block the other mission)
    assert s.phase("queqiao2_relay").resources == []


@pytest.mark.parametrize("name", PLANNED)
def test_nominal_run_satisfies_every_declared_window(name: str) -> None:
    """The nominal run starts every windowed phase inside its window (must_fit: ends inside too)."""
    s = scenario(name)
    t = simulate(s)
    assert window_violations(s, t) == []
    assert all(p.wait_resource_s == 0 for p in t.phases)  # one mission alone never queues for its relay
    # surface work waits for daylight: some traverse waits through a lunar night
    assert any(
        p.wait_cause == "window" and p.wait_window_s > 5 * DAY_S for p in t.phases if p.id.startswith("rover_traverse")
    )


EPOCHS = {
    # CE-7: nominal -2 weeks .. +10 weeks (the 2H 2026 window); CE-8: its 2029 year, and the older
    # "around 2028" plan (2028-10-01)
    "change7": [
        f"2026-{m:02d}-{d:02d}T00:00:00Z"
        for m, d in [(8, 1), (8, 8), (8, 15), (8, 22), (8, 29), (9, 5), (9, 19), (10, 1), (10, 24)]
    ],
    "change8": [
        "2028-10-01T00:00:00Z",
        "2029-06-01T00:00:00Z",
        "2029-06-20T00:00:00Z",
        "2029-07-01T00:00:00Z",
        "2029-07-09T00:00:00Z",
        "2029-08-01T00:00:00Z",
    ],
}


@pytest.mark.parametrize("name", PLANNED)
def test_later_launch_never_lands_earlier(name: str) -> None:
    """--set epoch=...: the flight to orbit shifts with the epoch; the landing waits for the light.

    The phases before the one gated by the landing light shift by exactly the launch's shift (the
    epoch change for CE-7; for CE-8 the launch takes the first computed launch opening at or after
    its epoch, so it shifts by at least the epoch change, less the base run's wait). From
    there, a later launch gives a later or the same landing (a launch that reaches orbit too late
    for one morning waits for the next), every windowed phase still lies in its window, and a
    gated phase that became ready outside its window records a window wait up to the opening.
    """
    s0, base = scenario(name), run(name)
    landings = []
    for epoch in EPOCHS[name]:
        s = load(name, [f"epoch={epoch}"])
        model = build_model(s)
        t = simulate(s, model=model)
        delta = t.utc(t.phase("launch").start_s) - base.utc(base.phase("launch").start_s)
        assert t.utc(t.phase("launch").start_s) >= t.epoch
        if name == "change7":
            assert delta == t.epoch - base.epoch
        for pid in BEFORE_GATE[name]:
            a, b = base.phase(pid), t.phase(pid)
            assert t.utc(b.start_s) - base.utc(a.start_s) == delta
            assert t.utc(b.end_s) - base.utc(a.end_s) == delta
        assert window_violations(s, t, model) == [], epoch
        gate = t.phase(LIGHT_GATE[name])
        table = model.windows[model.graph.window_names.index(s0.phase(LIGHT_GATE[name]).window.name)]  # type: ignore[union-attr]
        if table.contains(gate.ready_s):
            assert gate.start_s == gate.ready_s and gate.wait_window_s == 0
        else:
            assert gate.wait_cause == "window" and gate.wait_window_s > 0
            assert gate.start_s == table.next_start(gate.ready_s, gate.end_s - gate.start_s, True)
        landings.append(utc(t, "landing"))
    assert landings == sorted(landings)
    assert len(set(landings)) < len(landings) or name == "change8"  # CE-7: two launch dates, one landing


def test_epoch_override_through_the_program() -> None:
    """In a program, change7.epoch=... moves CE-7 only: its cruise by the 47 d, its landing by two lunar days.

    With the epoch at 2026-10-01 (+47 d) the survey ends 2026-11-20 16:33 (after LOI-1, the
    24 h capture ellipse and LOI-2), after the morning of the November lunar day (2026-11-02
    10:59 -> 11-14 06:16 at 0.5 deg), so the stack waits ~11.4 d for the 2026-12-02 01:55
    sunrise: the landing moves from 2026-10-07 to 2026-12-04, ~57 d.
    """
    base = load_program(SCENARIOS / "ilrs.yaml")
    moved = load_program(SCENARIOS / "ilrs.yaml", ["change7.epoch=2026-10-01T00:00:00Z"])
    t0, t1 = simulate(base.mission("change7")), simulate(moved.mission("change7"))
    delta = t1.epoch - t0.epoch
    assert delta == timedelta(days=47)
    assert t1.utc(t1.phase("site_survey").end_s) - t0.utc(t0.phase("site_survey").end_s) == delta
    shift = t1.utc(t1.phase("landing").start_s) - t0.utc(t0.phase("landing").start_s)
    assert timedelta(days=55) < shift < timedelta(days=60)
    assert 11 * DAY_S < t1.phase("stack_separation").wait_window_s < 12 * DAY_S
    assert simulate(moved.mission("change8")).to_dict() == simulate(base.mission("change8")).to_dict()


def row_families(t: Timeline) -> list[str]:
    """The families of a mission row, gaps left out and equal neighbours joined.

    Every gap must be a window wait: a stretch in which the mission's next phases wait for their
    windows (a wait in lunar orbit for the landing light, a lunar night between surface sorties).
    """
    waits = sorted((p.ready_s, p.start_s) for p in t.phases if p.wait_window_s > 0)
    covered: list[list[float]] = []
    for a, b in waits:
        if covered and a <= covered[-1][1]:
            covered[-1][1] = max(covered[-1][1], b)
        else:
            covered.append([a, b])
    out: list[str] = []
    for fam, a, b in mission_blocks(t):
        if fam is None:
            assert any(lo <= a + ONE_SECOND_S and b - ONE_SECOND_S <= hi for lo, hi in covered), (a, b)
        elif not out or out[-1] != fam:
            out.append(fam)
    return out


def test_family_blocks_of_change5_by_hand() -> None:
    """CE-5's row: cruise, lunar orbit, surface, return (ascent..docking), lunar-orbit wait, return."""
    t = run("change5")
    blocks = mission_blocks(t)
    assert row_families(t) == [
        "cruise",
        "lunar orbit",
        "surface & payload ops",
        "return",
        "lunar orbit",
        "return",
    ]
    # cruise = launch to LOI-1 end; surface = powered descent to ascender liftoff
    assert blocks[0][2] == t.phase("loi1").end_s
    assert (blocks[2][1], blocks[2][2]) == (t.phase("powered_descent").start_s, t.phase("ascent").start_s)
    assert kind_family("relay") == "relay" and family_blocks([]) == []


def test_family_blocks_of_planned_missions() -> None:
    """CE-7 and CE-8 rows: cruise, lunar orbit (survey, then the wait for light), the surface campaign.

    The surface campaign is broken by lunar nights (traverses and hopper charging fit inside
    daylight), and the wait for the landing light is a gap in lunar orbit: both are window waits.
    """
    for name in PLANNED:
        t = run(name)
        assert row_families(t) == ["cruise", "lunar orbit", "surface & payload ops"]
        surface = [(a, b) for f, a, b in mission_blocks(t) if f == "surface & payload ops"]
        assert len(surface) >= 4  # one stretch per lunar day at least
        assert surface[0][0] == t.phase("powered_descent").start_s


def _label_boxes(ax: matplotlib.axes.Axes) -> list[matplotlib.transforms.Bbox]:
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    return [t.get_window_extent(renderer) for t in ax.texts]


@pytest.mark.parametrize("detail", [False, True])
def test_program_chart_of_all_four_missions_is_readable(detail: bool) -> None:
    """2020-2030 chart: a row per mission in launch order, a family legend, date labels inside and apart."""
    import matplotlib.pyplot as plt

    runs = [run(n) for n in reversed(ALL)]  # order given does not matter: rows follow the launch dates
    ax = program_gantt(runs, detail=detail)
    try:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        mission_rows = [label for label in labels if label.startswith("Chang'e")]
        assert mission_rows == ["Chang'e 5", "Chang'e 6", "Chang'e 7", "Chang'e 8"]
        if detail:
            assert len(labels) == 4 + sum(len({p.element for p in r.phases}) for r in runs)
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert {"cruise", "lunar orbit", "surface & payload ops", "return", "launch"} <= set(legend)
        dates = [t for t in ax.texts if "\u2192" in t.get_text()]
        assert [d.get_text()[:10] for d in dates] == ["2020-11-23", "2024-05-03", "2026-08-15", "2029-07-01"]
        ax.figure.canvas.draw()
        box = ax.get_window_extent(ax.figure.canvas.get_renderer())  # type: ignore[attr-defined]
        boxes = _label_boxes(ax)
        for i, b in enumerate(boxes):
            assert box.x0 <= b.x0 and b.x1 <= box.x1, ax.texts[i].get_text()
            for other in boxes[i + 1 :]:
                assert not b.overlaps(other)
        xmin, xmax = ax.get_xlim()
        assert matplotlib.dates.num2date(xmin).year == 2020 and matplotlib.dates.num2date(xmax).year >= 2030
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize(
    "args",
    [
        ["scenarios/ilrs.yaml"],
        ["scenarios/ilrs.yaml", "--detail"],
        [f"scenarios/{n}.yaml" for n in ALL],
        [*(f"scenarios/{n}.yaml" for n in ALL), "--detail"],
        ["scenarios/ilrs.yaml", "--set", "change7.epoch=2026-10-01T00:00:00Z"],
        ["change7"],
    ],
)
def test_gantt_cli_writes_program_charts(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """lunarsim gantt draws a program file, several scenarios (with --detail) and single scenarios."""
    monkeypatch.chdir(SCENARIOS.parent)
    out = tmp_path / "chart.png"
    assert main(["gantt", *args, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(PNG)
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]


def test_gantt_program_errors(tmp_path: Path) -> None:
    """--axis met on a program chart, a duplicated mission and an unprefixed --set are input errors."""
    out = str(tmp_path / "never.png")
    res = run_cli("gantt", "scenarios/ilrs.yaml", "--axis", "met", "--out", out)
    assert res.returncode == 2 and "--axis met" in res.stderr and "Traceback" not in res.stderr
    res = run_cli("gantt", "scenarios/change7.yaml", "scenarios/ilrs.yaml", "--out", out)
    assert res.returncode == 2
    assert re.match(
        r"scenarios/ilrs\.yaml:\d+: include\[0\]: mission id 'change7' "
        r"\(scenarios/change7\.yaml\) is already used by scenarios/change7\.yaml",
        res.stderr,
    )
    res = run_cli(
        "gantt", "scenarios/change5.yaml", "scenarios/change6.yaml", "--set", "epoch=2020-01-01T00:00:00Z", "--out", out
    )
    assert res.returncode == 2 and "a key starts with the id of a mission" in res.stderr
    assert "program field" not in res.stderr
    assert not (tmp_path / "never.png").exists()
