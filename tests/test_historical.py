"""Historical scenarios: the nominal run of change5/change6 reproduces the flown timelines.

Sources and derivations are in the YAML comments (scenarios/change5.yaml, change6.yaml) and in
the reference compilation ``change_missions.md``. Minute-precise rows such as "21:07" mean
21:07:00 UTC; the tolerance for them is ONE_MINUTE_S.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from sim.engine import simulate
from sim.scenario import Scenario, load_scenario
from sim.timebase import parse_utc

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
HISTORICAL = ("change5", "change6")
ONE_MINUTE_S = 60.0
ONE_HOUR_S = 3600.0

# Date-only facts whose source names two days ("20 or 21 June"): the nominal may fall on the
# recorded date or the next one. Every other date-only fact must fall on its own UTC date.
DATE_SLACK_DAYS: dict[tuple[str, str, str], int] = {
    ("change6", "lunar_orbit_wait", "end"): 1,
    ("change6", "tei", "start"): 1,
    ("change6", "tei", "end"): 1,
}

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
        p.id: (s.epoch + timedelta(seconds=p.start_s), s.epoch + timedelta(seconds=p.end_s))
        for p in timeline.phases
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
    """Every s/min-precise actual start/end is reproduced by the nominal run within one minute."""
    got = nominal_at(name, phase_id, which)
    assert abs((got - flown).total_seconds()) <= ONE_MINUTE_S, f"nominal {got} vs flown {flown}"


@pytest.mark.parametrize(("name", "phase_id", "which", "flown"), actual_cases(("h",)))
def test_hour_precise_actuals_reproduced(name: str, phase_id: str, which: str, flown: datetime) -> None:
    """Every approximate-hour actual start/end is reproduced by the nominal run within one hour."""
    got = nominal_at(name, phase_id, which)
    assert abs((got - flown).total_seconds()) <= ONE_HOUR_S, f"nominal {got} vs flown ~{flown}"


@pytest.mark.parametrize(("name", "phase_id", "which", "flown"), actual_cases(("date",)))
def test_date_only_actuals_on_their_date(name: str, phase_id: str, which: str, flown: datetime) -> None:
    """Every date-only actual falls, in the nominal run, on its UTC date (or the next, if two are named)."""
    got = nominal_at(name, phase_id, which)
    slack = DATE_SLACK_DAYS.get((name, phase_id, which), 0)
    assert 0 <= (got.date() - flown.date()).days <= slack, f"nominal {got} vs flown date {flown.date()}"


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
    """The hard-coded key milestones are reproduced within one minute, whatever the YAML actuals say."""
    got = nominal_at(name, phase_id, which)
    assert abs((got - parse_utc(flown)).total_seconds()) <= ONE_MINUTE_S, f"nominal {got} vs flown {flown}"


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
    """The nominal mission ends at the flown capsule touchdown and lasts the flown total, within a minute."""
    s = scenario(name)
    timeline = simulate(s)
    assert timeline.epoch == s.epoch
    end_s = max(p.end_s for p in timeline.phases)
    end = s.epoch + timedelta(seconds=end_s)
    assert abs((end - parse_utc(end_utc)).total_seconds()) <= ONE_MINUTE_S
    assert abs(end_s - duration.total_seconds()) <= ONE_MINUTE_S
    assert s.actual is not None and s.actual.duration is not None
    assert abs(s.actual.duration.nominal_s - end_s) <= ONE_MINUTE_S


def test_change5_total_hours() -> None:
    """Chang'e 5 nominal launch-to-touchdown is ~549.5 h (rounded to 0.1 h)."""
    end_s = max(p.end_s for p in simulate(scenario("change5")).phases)
    assert round(end_s / ONE_HOUR_S, 1) == 549.5
