"""Risk events and correlated durations: closed-form answers, marginals kept, reproducible."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.engine.draws import BLOCK, compile_draws, draw_block, draw_durations
from sim.engine.montecarlo import monte_carlo
from sim.errors import InputError
from sim.results.statistics import spearman, summary
from sim.scenario.model import load_scenario_text

H = 3600.0
Z = 4.0


def scenario(phases: str, extra: str = ""):  # type: ignore[no-untyped-def]
    """A scenario from a YAML list of phases and extra top-level YAML."""
    return load_scenario_text(
        f"id: e\nname: E\nepoch: 2020-01-01T00:00:00Z\nelements: [x, y]\nphases:\n{phases}{extra}"
    )


CHAIN = scenario(
    "  - {id: a, kind: launch, element: x, duration: 10h}\n"
    "  - {id: b, kind: transfer, element: x, duration: 5h, after: [a]}\n"
    "  - {id: c, kind: relay, element: y, duration: 12h}\n",
    "risks:\n"
    "  - {id: scrub, probability: 0.3, impact: 4h, phases: [a], note: assumed for the test}\n"
    "  - {id: slow, probability: 0.5, impact: {dist: uniform, low: 0h, high: 2h}, phases: [c],"
    " source: test}\n",
)


def test_chain_with_a_risk_event() -> None:
    """A fixed 15 h chain and a 4 h risk on its first phase with p = 0.3: the end is 15 h or 19 h,
    the event occurs in 30 % of replications and delays the end by exactly 4 h."""
    n = 20_000
    ens = {e: monte_carlo(CHAIN, n, 11, engine=e) for e in ("des", "vector")}
    np.testing.assert_array_equal(ens["des"].end_s, ens["vector"].end_s)
    np.testing.assert_array_equal(ens["des"].risk_occurred, ens["vector"].risk_occurred)
    e = ens["vector"]
    assert e.risk_occurred is not None
    occ = e.risk_occurred[:, 0]
    # c (12 h + at most 2 h) never outlasts the 15 h chain: the end is the chain's
    np.testing.assert_array_equal(e.end_s, np.where(occ, 19 * H, 15 * H))
    out = summary(e)
    scrub, slow = out["risks"]
    assert scrub["id"] == "scrub" and scrub["end_delay_h"] == 4.0
    assert abs(scrub["occurred_fraction"] - 0.3) < Z * np.sqrt(0.3 * 0.7 / n)
    assert slow["end_delay_h"] is not None and abs(slow["end_delay_h"]) < Z * 4 * np.sqrt(1 / n / 0.21)
    assert abs(slow["occurred_fraction"] - 0.5) < Z * np.sqrt(0.25 / n)
    json.dumps(out)  # plain JSON types
    # the typed effects behind the JSON (issue 12): unrounded seconds, the JSON a rounded view
    from sim.results.statistics import RiskEffect, risk_effect_rows

    typed = risk_effect_rows(e)
    assert [type(r) for r in typed] == [RiskEffect, RiskEffect] and [r.id for r in typed] == ["scrub", "slow"]
    assert typed[0].end_delay_s == 4 * H and typed[0].occurred_fraction == float(occ.mean())
    assert typed[0].expected_delay_s == typed[0].occurred_fraction * 4 * H
    assert [r.to_dict() for r in typed] == out["risks"]


def test_risk_adds_one_impact_to_every_listed_phase() -> None:
    """One event lengthens all its phases by the same drawn impact."""
    s = scenario(
        "  - {id: a, kind: launch, element: x, duration: 1h}\n  - {id: b, kind: relay, element: y, duration: 1h}\n",
        "risks:\n  - {id: r, probability: 0.5, impact: {dist: uniform, low: 1h, high: 3h}, phases: [a, b], note: x}\n",
    )
    d, occ = draw_durations(compile_draws(s), 5, 0, 1000)
    assert occ is not None
    np.testing.assert_array_equal(d[:, 0], d[:, 1])
    assert np.all(d[~occ[:, 0], 0] == H) and np.all(d[occ[:, 0], 0] >= 2 * H)


CORR = scenario(
    "  - {id: a, kind: launch, element: x, duration: {dist: uniform, low: 1h, high: 9h}}\n"
    "  - {id: b, kind: transfer, element: x, duration: {dist: triangular, low: 1h, mode: 2h, high: 9h}}\n"
    "  - {id: c, kind: relay, element: y, duration: {dist: lognormal, median: 5h, sigma: 0.5}}\n"
    "  - {id: d, kind: relay, element: y, duration: {dist: uniform, low: 1h, high: 2h}}\n",
    "correlations:\n  - {phases: [a, b, c], rho: 0.7, note: shared cause}\n",
)


def test_correlation_measured_back_from_samples() -> None:
    """The Spearman correlation of the drawn durations is the asked 0.7 (within sampling error),
    the uncorrelated phase stays independent, and each block's values are the independent draws
    reordered (marginals kept exactly)."""
    draws = compile_draws(CORR)
    blocks = [draw_durations(draws, 9, k, BLOCK)[0] for k in range(4)]
    x = np.concatenate(blocks)
    se = (1 - 0.7**2) / np.sqrt(x.shape[0])  # about the Spearman SE near rho = 0.7 (Fieller et al.)
    for i, j in ((0, 1), (0, 2), (1, 2)):
        assert abs(spearman(x[:, i], x[:, j]) - 0.7) < Z * 2 * se, (i, j)
    assert abs(spearman(x[:, 0], x[:, 3])) < Z / np.sqrt(x.shape[0])
    for k, block in enumerate(blocks):
        plain = draw_block(draws.dists, 9, k, BLOCK)
        np.testing.assert_array_equal(np.sort(block, axis=0), np.sort(plain, axis=0))
        np.testing.assert_array_equal(block[:, 3], plain[:, 3])


def test_correlation_widens_the_spread_and_is_worker_independent() -> None:
    """Correlated phases in a chain spread the end wider than independent ones; the result is
    the same for one and two workers, and both engines agree."""
    chain = (
        "  - {id: a, kind: launch, element: x, duration: {dist: uniform, low: 1h, high: 9h}}\n"
        "  - {id: b, kind: transfer, element: x, after: [a], duration: {dist: uniform, low: 1h, high: 9h}}\n"
    )
    n = 2 * BLOCK + 100
    free = monte_carlo(scenario(chain), n, 4)
    tied = scenario(chain, "correlations:\n  - {phases: [a, b], rho: 0.9, source: test}\n")
    one = monte_carlo(tied, n, 4, workers=1)
    two = monte_carlo(tied, n, 4, workers=2)
    des = monte_carlo(tied, n, 4, engine="des")
    np.testing.assert_array_equal(one.end_s, two.end_s)
    np.testing.assert_array_equal(one.end_s, des.end_s)
    # var(a + b) = 2 var (1 + r) with Pearson r of the uniforms ~ rank rho for uniforms
    var_free = 2 * (8**2 / 12)
    assert abs(free.end_s.var() / H**2 - var_free) < 0.05 * var_free
    assert abs(one.end_s.var() / H**2 - var_free * 1.9) < 0.05 * var_free * 1.9


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("risks:\n  - {id: r, probability: 0.1, impact: 1h, phases: [a]}\n", "add 'source', or a 'note'"),
        ("risks:\n  - {id: r, probability: 1.5, impact: 1h, phases: [a], note: x}\n", "must be <= 1"),
        ("risks:\n  - {id: r, probability: 0.1, impact: 1h, phases: [zz], note: x}\n", "unknown phase 'zz'"),
        ("correlations:\n  - {phases: [a, w], rho: 0.5}\n", "is a wait"),
        ("correlations:\n  - {phases: [a, b], rho: 0.5}\n  - {phases: [b, a], rho: 0.2}\n", "already in"),
        ("correlations:\n  - {phases: [a, b, c], rho: -0.9}\n", "cannot all be correlated"),
        ("correlations:\n  - {phases: [a], rho: 0.5}\n", "correlations[0].phases"),
    ],
)
def test_bad_risks_and_correlations(extra: str, message: str) -> None:
    """Each mistake is reported on its own line with the fix."""
    phases = (
        "  - {id: a, kind: launch, element: x, duration: 1h}\n"
        "  - {id: b, kind: launch, element: x, duration: 1h}\n"
        "  - {id: c, kind: launch, element: x, duration: 1h}\n"
        "  - {id: w, kind: lunar_orbit_wait, element: x, until: a}\n"
    )
    with pytest.raises(InputError) as exc:
        scenario(phases, extra)
    assert message in str(exc.value)


def test_sensitivity_in_hours_closed_form() -> None:
    """End = a + b with a ~ U(0, 10 h), b ~ U(0, 1 h): the P50 of the end with a in its top decile
    is about 9.5 + 0.5 h, in its bottom decile 0.5 + 0.5 h, a swing of 9 h; b swings ~0.9 h."""
    from sim.results.statistics import end_swings_h

    s = scenario(
        "  - {id: a, kind: launch, element: x, duration: {dist: uniform, low: 0h, high: 10h}}\n"
        "  - {id: b, kind: transfer, element: x, after: [a], duration: {dist: uniform, low: 0h, high: 1h}}\n"
        "  - {id: c, kind: relay, element: y, duration: 1h}\n"
    )
    e = monte_carlo(s, 40_000, 8)
    swing = end_swings_h(e)
    assert abs(swing[0] - 9.0) < 0.1 and abs(swing[1] - 0.9) < 0.5 and swing[2] == 0.0
    assert summary(e)["phases"][0]["end_swing_h"] == round(float(swing[0]), 3)
