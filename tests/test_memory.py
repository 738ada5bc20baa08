"""``sim.memory.empty``: large arrays on their own anonymous mapping, small ones from numpy."""

from __future__ import annotations

import mmap

import numpy as np

from sim import memory
from sim.scenario.distributions import parse_distribution
from sim.scenario.durations import DurationPlan


def test_small_arrays_come_from_numpy_and_large_ones_own_a_mapping() -> None:
    small = memory.empty((10, 20))
    assert small.shape == (10, 20) and small.dtype == np.float64 and small.base is None
    rows = memory.FRESH_MAPPING_BYTES // (8 * 100) + 1
    big = memory.empty((100, rows), np.int64)
    assert big.shape == (100, rows) and big.dtype == np.int64 and big.flags.c_contiguous
    root = big.base
    while isinstance(root, np.ndarray):
        root = root.base
    assert isinstance(root, memoryview) and isinstance(root.obj, mmap.mmap)
    big[:, -1] = np.arange(100)  # writable, and every element addressable
    assert big[:, -1].tolist() == list(range(100))
    assert big.T[-1, 99] == 99


def test_a_draw_matrix_on_its_own_mapping_holds_the_same_draws() -> None:
    """A plan wide enough for a mapped draw matrix draws the numbers numpy's allocator held."""
    dist = parse_distribution({"dist": "triangular", "low": "1h", "mode": "2h", "high": "5h"})
    n = 8192
    phases = memory.FRESH_MAPPING_BYTES // (8 * n) + 2  # just over the threshold
    plan = DurationPlan.of([dist] * phases)
    got = plan.sample(np.random.default_rng(7), n)
    rng = np.random.default_rng(7)
    want = np.stack([dist.sample(rng, n) for _ in range(phases)], axis=1)
    assert got.shape == (n, phases) and got.flags.f_contiguous
    assert np.array_equal(got, want)
