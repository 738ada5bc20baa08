"""Percentiles of data already sorted: ``np.percentile``'s numbers without its partition.

The Monte Carlo summary sorts its columns (numpy's sort is vectorised; its partition is not) and
then needs a few percentiles of each. ``np.percentile`` would partition the sorted rows again,
and on first use imports ``numpy.ma`` (~15 ms); on a million replications that was ~0.08 s of
a ~1.5 s ``lunarsim mc``. ``sorted_percentiles`` reads the two order statistics around each
percentile and interpolates them with the very float operations of numpy's default
(``method="linear"``) percentile, in the same dtypes, so the results are the same bits
(tests/test_quantiles.py compares them with ``np.percentile`` for numpy's own rows):

- the virtual index is ``(n - 1) * (q / 100)``, its floor the lower index, the weight ``gamma``
  the index minus its floor (at or past the last index both neighbours are the last value);
- ``diff = upper - lower`` in the data's dtype, then ``lower + diff * gamma``, or
  ``upper - diff * (1 - gamma)`` where ``gamma >= 0.5`` (numpy's ``_lerp``, monotone and exact
  at both ends).

Rows whose last (largest) value is NaN are handed to ``np.percentile`` (a NaN sorts last).

``median`` is ``np.median`` of a 1-D array without NaN by the same means: a partition around
the middle and, for an even count, the mean of the two middle values as ``np.mean`` takes it
(``(a + b) / 2``), without ``np.median``'s NaN check (which imports ``numpy.ma``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def sorted_percentiles(s: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """``np.percentile(s, q, axis=-1)`` of ``s`` sorted ascending along its last axis: shape
    ``(len(q),) + s.shape[:-1]``, the same numbers."""
    s = np.asarray(s)
    n = s.shape[-1]
    if n == 0 or np.isnan(s[..., -1]).any():
        return np.asarray(np.percentile(s, q, axis=-1))
    virtual = (n - 1) * np.true_divide(np.asarray(q, dtype=np.float64), 100)
    lower = np.floor(virtual)
    upper = lower + 1
    past = virtual >= n - 1
    lower[past] = -1
    upper[past] = -1
    lo_i, hi_i = lower.astype(np.intp), upper.astype(np.intp)
    gamma = virtual - lo_i
    a = np.moveaxis(s[..., lo_i], -1, 0)  # (len(q), ...): q first, as np.percentile
    b = np.moveaxis(s[..., hi_i], -1, 0)
    g = gamma.reshape(gamma.shape + (1,) * (a.ndim - 1))
    diff = b - a
    out = np.add(a, diff * g)
    np.subtract(b, diff * (1 - g), out=out, where=g >= 0.5, casting="unsafe", dtype=out.dtype)
    return out


def median(x: np.ndarray) -> float:
    """``np.median`` of a 1-D float array with no NaN (NaN if empty, as numpy, without its warning)."""
    n = x.size
    if n == 0:
        return float("nan")
    k = n // 2
    if n % 2:
        return float(np.partition(x, k)[k])
    part = np.partition(x, (k - 1, k))
    return float((part[k - 1] + part[k]) / 2)
