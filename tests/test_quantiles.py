"""sorted_percentiles gives np.percentile's numbers, bit for bit, from sorted data."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.results.quantiles import median, sorted_percentiles

LEVELS = st.lists(st.sampled_from([0, 1, 5, 10, 25, 33.3, 50, 66.7, 80, 90, 95, 99, 100]), min_size=1, max_size=5)
VALUES = st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=300, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 60)), elements=VALUES), LEVELS)
def test_rows_of_float64_equal_numpy(x: np.ndarray, q: list[float]) -> None:
    s = np.sort(x, axis=1)
    assert np.array_equal(sorted_percentiles(s, q), np.percentile(x, q, axis=1))


@settings(max_examples=200, deadline=None)
@given(arrays(np.float32, st.integers(1, 80), elements=st.floats(-1e6, 1e6, width=32)), LEVELS)
def test_float32_data_equal_numpy_with_its_promotions(x: np.ndarray, q: list[float]) -> None:
    got, want = sorted_percentiles(np.sort(x), q), np.percentile(x, q)
    assert got.dtype == want.dtype and np.array_equal(got, want)


def test_ties_large_samples_and_nan() -> None:
    rng = np.random.default_rng(7)
    x = np.round(rng.triangular(1e6, 1.3e6, 2e6, 1_000_001), -2)  # many ties
    q = [10, 50, 80, 90]
    assert np.array_equal(sorted_percentiles(np.sort(x), q), np.percentile(x, q))
    y = np.array([[1.0, 2.0, np.nan], [1.0, 2.0, 3.0]])
    assert np.array_equal(sorted_percentiles(np.sort(y, axis=1), q), np.percentile(y, q, axis=1), equal_nan=True)


@settings(max_examples=300, deadline=None)
@given(arrays(np.float64, st.integers(1, 200), elements=VALUES))
def test_median_equals_numpy(x: np.ndarray) -> None:
    assert median(x) == float(np.median(x))
