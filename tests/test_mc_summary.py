"""The typed Monte Carlo summary (issue 12): seconds and aware UTC datetimes, unrounded; the JSON
of ``lunarsim mc --json``, the tables and the HTML report are views of it."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import UTC, datetime

import numpy as np
import pytest
from rich.console import Console

from sim import (
    DeadlineOdds,
    MonteCarloSummary,
    PhaseDeadlineOdds,
    PhaseStats,
    RiskEffect,
    load_scenario,
    mc_summary,
    mc_tables,
    monte_carlo,
    monte_carlo_summary,
)
from sim.results.comparison import spread_from_samples
from sim.results.published import actual_precisions, actual_times, flown_durations_s, flown_times, phase_deadlines_s
from sim.results.statistics import phase_end_spread
from sim.timebase import HOUR_S, from_utc, parse_utc, to_utc

N = 600


@pytest.fixture(scope="module")
def change7() -> tuple[object, object]:
    scenario = load_scenario("scenarios/change7.yaml")
    return scenario, monte_carlo(scenario, N, 4)


def test_summary_is_typed_in_seconds_and_utc(change7: tuple) -> None:
    scenario, ens = change7
    deadline = datetime(2027, 6, 1, tzinfo=UTC)
    s = monte_carlo_summary(ens, deadline=deadline)
    assert isinstance(s, MonteCarloSummary) and s.replications == N and s.seed == 4
    assert s.end is not None
    ends = ens.end_s[ens.success]
    assert s.end.p50_s == pytest.approx(float(np.percentile(ends, 50)), abs=0)  # unrounded
    assert s.end.p80_utc.tzinfo is not None and s.end.p80_utc == to_utc(scenario.epoch, s.end.p80_s)
    assert s.duration_mean_s == float(ends.mean())
    assert isinstance(s.deadline, DeadlineOdds)
    assert s.deadline.at_s == from_utc(scenario.epoch, deadline)
    assert s.deadline.probability == float(np.mean(ens.success & (ens.end_s <= s.deadline.at_s)))
    assert s.risks is not None and all(isinstance(r, RiskEffect) for r in s.risks)
    assert [r.id for r in s.risks] == [r.id for r in scenario.risks]
    survey = s.phase("site_survey")
    assert isinstance(survey, PhaseStats) and survey.ran
    col = ens.phase_ids.index(survey.id)
    assert survey.duration_p90_s == float(np.percentile(ens.duration_s[:, col], (10, 50, 90))[2])
    assert survey.slip_total_s == pytest.approx(
        sum(survey.slip_s(k) for k in ("overrun", "failure", "window", "resource", "upstream"))
    )
    assert survey.wait_s == survey.wait_window_s + survey.wait_resource_s
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.seed = 5  # type: ignore[misc]
    with pytest.raises(KeyError):
        s.phase("no_such_phase")


def test_json_is_the_rounded_view(change7: tuple) -> None:
    _, ens = change7
    typed = monte_carlo_summary(ens)
    data = typed.to_dict()
    assert mc_summary(ens) == data  # the public function is the JSON
    assert data["duration_h"]["p50"] == round(typed.end.p50_s / HOUR_S, 3)
    shown = parse_utc(data["end"]["p90"])  # to the nearest second
    assert abs((shown - typed.end.p90_utc).total_seconds()) <= 0.5
    row = data["phases"][3]
    assert row["criticality"] == round(typed.phases[3].criticality, 4)
    assert row["end_swing_h"] == round(typed.phases[3].end_swing_s / HOUR_S, 3)
    json.dumps(data)  # JSON-ready: no numpy scalars, no datetimes


def test_phase_deadlines_and_flown_values_from_the_scenario() -> None:
    scenario = load_scenario("scenarios/change5.yaml")
    ens = monte_carlo(scenario, N, 1)
    flown = flown_durations_s(scenario)
    deadlines = phase_deadlines_s(scenario) or {scenario.phases[-1].id: 600 * HOUR_S}
    s = monte_carlo_summary(ens, actual_durations_s=flown, phase_deadlines_s=deadlines)
    assert s.phase_deadlines is not None and all(isinstance(d, PhaseDeadlineOdds) for d in s.phase_deadlines)
    d = s.phase_deadlines[0]
    assert d.deadline_utc == to_utc(scenario.epoch, d.deadline_s) and d.replications == N
    assert d.margin_p10_s is not None and d.margin_p10_s <= d.margin_p50_s <= d.margin_p90_s
    placed = [p for p in s.phases if p.actual_percentile is not None]
    assert placed, "change5 publishes flown durations of varying phases"
    for p in placed:
        assert p.actual_s == flown[p.id]
        samples = ens.duration_s[:, ens.phase_ids.index(p.id)]
        # one definition: the comparison's spread places the same flown value at the same percentile
        assert p.actual_percentile == spread_from_samples(samples, flown[p.id]).actual_percentile


def test_table_prints_the_typed_summary(change7: tuple) -> None:
    scenario, ens = change7
    s = monte_carlo_summary(ens)
    out = io.StringIO()
    names = {p.id: p.label for p in scenario.phases} | {r.id: r.label for r in scenario.risks}
    mc_tables(s, names, Console(file=out, width=200))
    text = out.getvalue()
    assert f"{N:,} replications, seed 4" in text
    assert f"P50 {s.end.utc_dict()['p50']}" in text
    assert f"{s.phases[3].duration_p90_s / HOUR_S:.2f}" in text
    assert "risk events" in text


def test_flown_times_are_read_in_one_place() -> None:
    scenario = load_scenario("scenarios/change5.yaml")
    flown = flown_times(scenario)
    with_actual = [p for p in scenario.phases if p.actual is not None]
    assert list(flown) == [p.id for p in with_actual]
    for p in with_actual:
        f = flown[p.id]
        assert f.precision == p.actual.precision
        assert f.start_s == (None if p.actual.start is None else from_utc(scenario.epoch, p.actual.start))
    assert actual_precisions(scenario) == {p.id: p.actual.precision for p in with_actual}
    assert all(s is not None or e is not None for s, e in actual_times(scenario).values())
    assert all(d == flown[k].end_s - flown[k].start_s for k, d in flown_durations_s(scenario).items())


def test_phase_end_spread_is_p10_p90_of_phase_ends(change7: tuple) -> None:
    _, ens = change7
    spread = phase_end_spread(ens)
    i = 3
    lo, hi = np.percentile(ens.phase_end_s[ens.success[: ens.rows]].astype(np.float64)[:, i], [10, 90])
    assert spread[ens.phase_ids[i]] == (float(lo), float(hi))
