"""The Monte Carlo summary's statistics computed for all phases at once give exactly the numbers of
the one-phase-at-a-time definitions (Spearman per phase, np.percentile per column, np.median of
the mission durations a phase's decile picks): compared with ``==``, not a tolerance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.montecarlo import monte_carlo
from sim.results import statistics
from sim.results.records import phase_rows
from sim.results.statistics import (
    SENSITIVITY_SAMPLE,
    average_ranks,
    column_percentiles,
    end_swings_s,
    row_ranks,
    sensitivities,
    spearman,
    spearman_rows,
)
from sim.results.statistics import _picked_medians as picked_medians
from sim.scenario.model import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _reference_end_swings(ens) -> np.ndarray:
    """The one-phase-at-a-time definition (the code the vectorised one replaced)."""
    m = min(ens.replications, SENSITIVITY_SAMPLE, phase_rows(len(ens.phase_ids)))
    ok = ens.success[:m]
    total = ens.end_s[:m][ok]
    out = np.zeros(len(ens.phase_ids))
    runs = ens.duration_s[:m][ok]
    deciles = np.percentile(runs, (10, 90), axis=0)
    for i in range(len(ens.phase_ids)):
        lo, hi = deciles[:, i]
        if lo == hi:
            continue
        d = runs[:, i]
        out[i] = np.median(total[d >= hi]) - np.median(total[d <= lo])
    return out


def _reference_sensitivities(ens) -> np.ndarray:
    m = min(ens.replications, SENSITIVITY_SAMPLE, phase_rows(len(ens.phase_ids)))
    ok = ens.success[:m]
    total = ens.end_s[:m][ok]
    ranks = average_ranks(total)
    return np.array([spearman(ens.duration_s[:m, i][ok], total, ranks) for i in range(len(ens.phase_ids))])


def _matrix(rows: int, cols: int, seed: int, ties: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.triangular(10.0, 20.0, 50.0, (rows, cols)).astype(np.float32)
    if ties and cols > 1:
        x[:, 0] = np.round(x[:, 0] / 10.0)  # a handful of distinct values: many ties
        x[:, 1] = 7.0  # constant
    return x


@settings(max_examples=40, deadline=None)
@given(
    rows=st.integers(1, 300),
    cols=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
    ties=st.booleans(),
)
def test_rows_at_once_equal_one_at_a_time(rows: int, cols: int, seed: int, ties: bool) -> None:
    x = _matrix(rows, cols, seed, ties)
    y = np.random.default_rng(seed + 1).normal(100.0, 5.0, rows)
    if ties:
        y[: rows // 2] = 100.0
    rho = spearman_rows(np.ascontiguousarray(x.T), y)
    assert rho.tolist() == [spearman(x[:, i], y) for i in range(cols)]
    ranks = row_ranks(np.ascontiguousarray(x.T))
    for i in range(cols):
        assert ranks[i].tolist() == average_ranks(x[:, i]).tolist()
    q = (10, 50, 90)
    assert column_percentiles(x, q).tolist() == np.percentile(x, q, axis=0).tolist()


def test_row_ranks_in_groups_of_rows_with_and_without_ties(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows are ranked a group at a time (``RANK_CELLS``); a group without ties takes the short
    path (rank = position + 1). Groups of 3 rows here: some with ties, some without, a NaN."""
    monkeypatch.setattr(statistics, "RANK_CELLS", 3 * 50)
    x = np.random.default_rng(4).random((10, 50))
    x[4, :5] = 0.0  # ties (the five lowest values) in the second group only
    x[8, 7] = np.nan  # a run of its own
    ranks = row_ranks(x)
    assert ranks.shape == (10, 50)
    for i in range(10):
        assert ranks[i].tolist() == average_ranks(x[i]).tolist()
    assert sorted(ranks[0].tolist()) == [float(k) for k in range(1, 51)]
    assert ranks[4][:5].tolist() == [3.0] * 5  # five tied lowest values share rank (1 + 5) / 2
    y = np.random.default_rng(5).normal(0.0, 1.0, 50)
    assert spearman_rows(x, y).tolist() == [spearman(x[i], y) for i in range(10)]


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 200), rows=st.integers(1, 8), seed=st.integers(0, 2**32 - 1))
def test_medians_of_picks_in_sorted_order_equal_np_median(k: int, rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    ranked = np.sort(np.round(rng.normal(300.0, 20.0, k), 1))  # ties included
    picks = rng.random((rows, k)) < rng.random((rows, 1))
    picks[0] = False  # nothing picked: NaN
    got = picked_medians(ranked, picks)
    assert np.isnan(got[0])
    want = [np.median(ranked[p]) if p.any() else np.nan for p in picks[1:]]
    assert np.array_equal(got[1:], np.array(want), equal_nan=True)  # exact, NaN where nothing is picked


def test_column_percentiles_leave_their_input_alone_and_keep_nan_columns() -> None:
    x = np.asfortranarray(_matrix(50, 4, 3, ties=True))  # x.T is C-contiguous: no copy would be made
    x[7, 2] = np.nan
    before = x.copy()
    got = column_percentiles(x, (10, 90))
    assert np.array_equal(x, before, equal_nan=True)
    want = np.percentile(x, (10, 90), axis=0)
    assert np.array_equal(got, want, equal_nan=True)
    assert np.isnan(got[:, 2]).all()


def _with_failures(tmp_path: Path) -> Path:
    """The shared DAG with an abort on its 4th phase and retries on its 6th."""
    text = (ROOT / "benchmarks" / "shared_dag.yaml").read_text()
    lines = text.splitlines()
    starts = [k for k, line in enumerate(lines) if line.startswith("  - id:")]
    lines.insert(starts[5] + 1, "    failure: {probability: 0.2, on_fail: retry, delay: 3h, max_attempts: 2}")
    lines.insert(starts[3] + 1, "    failure: {probability: 0.1, on_fail: abort}")
    path = tmp_path / "failing.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("long_rows", [32, 10**9])  # per phase (30 x 3,000 replications) / all at once
@pytest.mark.parametrize("failing", [True, False])
def test_sensitivities_and_end_swings_of_a_run_match_the_definitions(
    tmp_path: Path, failing: bool, long_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statistics, "LONG_ROWS", long_rows)
    path = _with_failures(tmp_path) if failing else ROOT / "benchmarks" / "shared_dag.yaml"
    ens = monte_carlo(load_scenario(path), 3000, 2)
    if failing:
        assert 0.8 < ens.success.mean() < 0.99  # aborted replications are left out of both
    swings = end_swings_s(ens)
    assert swings.tolist() == _reference_end_swings(ens).tolist()
    assert sensitivities(ens).tolist() == _reference_sensitivities(ens).tolist()
    assert np.count_nonzero(swings) >= 5  # the numbers compared are real swings, not zeros
