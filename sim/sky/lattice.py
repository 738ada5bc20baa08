"""The geocentric apparent Moon on a shared 30-minute lattice: computed once per instant, not once
per window.

The ground-station, launch and Earth-return windows each tabulate the Moon (``moon_gcrs_table``)
over their 32-day cache blocks, on grids that are mostly the same instants: a station block and
the launch block shifted by the 112 h transfer overlap by 27 days, the return table (hourly)
is every other point. Skyfield computes each instant independently of the others in its array
but for one thing: the light-time loop iterates until the largest correction in the whole array
is below 1e-12 d, so a short array may stop one iteration earlier (different last bits). Over
any 32 days that largest correction is at least 1.4e-9 d at the second iteration and at most
1.6e-13 d at the third (checked every 30 min over DE421's whole span, 1900-2053), so every
array of 32 days or more takes the same three evaluations and gives every instant the same
bits. Hence the rule here: a table of at least ``MIN_CALL_POINTS`` lattice points is served
from a per-ephemeris store of lattice instants, and every skyfield call that fills the store
spans ``MIN_CALL_POINTS`` points or more; anything else is computed as before. The values are
those the table would have computed itself, bit for bit.

The store is keyed by the time origin (the cache blocks all use 2000-01-01T00:00Z) and holds one
dense array per origin, at most ``MAX_POINTS`` long (then it starts again), guarded by a lock.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from sim.sky.search import FloatArray

if TYPE_CHECKING:
    from sim.sky.ephemeris import Ephemeris

LATTICE_S = 1800.0
"""Lattice step: the Moon tables' 30-minute step (hourly tables take every other point)."""

MIN_CALL_POINTS = 1536
"""32 days of lattice points: the shortest table served from the store and the shortest skyfield call."""

MAX_POINTS = 1 << 20
"""~58 years of lattice points (25 MB) per time origin at most."""

MAX_ORIGINS = 8
"""Time origins kept per ephemeris (oldest dropped first)."""

_EXACT = float(1 << 50)  # integer seconds below this are exact in a float, and so are their sums


class _Store:
    """Lattice points ``base .. base + len - 1`` (index ``i`` is ``i * LATTICE_S`` seconds after the origin)."""

    __slots__ = ("base", "have", "values")

    def __init__(self) -> None:
        self.base = 0
        self.values = np.empty((0, 3))
        self.have = np.zeros(0, dtype=bool)

    def cover(self, lo: int, hi: int) -> None:
        """Grow to hold indices ``lo..hi``."""
        if self.have.size == 0:
            self.base, self.values, self.have = lo, np.empty((hi - lo + 1, 3)), np.zeros(hi - lo + 1, dtype=bool)
            return
        new_lo, new_hi = min(lo, self.base), max(hi, self.base + self.have.size - 1)
        if (new_lo, new_hi) == (self.base, self.base + self.have.size - 1):
            return
        values = np.empty((new_hi - new_lo + 1, 3))
        have = np.zeros(new_hi - new_lo + 1, dtype=bool)
        k = self.base - new_lo
        values[k : k + self.have.size] = self.values
        have[k : k + self.have.size] = self.have
        self.base, self.values, self.have = new_lo, values, have


_lock = threading.Lock()
_stores: weakref.WeakKeyDictionary[Ephemeris, dict[datetime, _Store]] = weakref.WeakKeyDictionary()
stats = {"points": 0, "calls": 0}
"""Lattice points computed and skyfield calls made since start (tests read these)."""


def lattice_table(
    eph: Ephemeris, epoch: datetime, t0_s: float, step_s: float, n: int, f: Callable[[FloatArray], FloatArray]
) -> FloatArray | None:
    """``f(t0_s + step_s * arange(n))`` (``(n, 3)``) from the store, or ``None`` when the grid is
    not on the lattice or shorter than ``MIN_CALL_POINTS`` lattice points (the caller computes it)."""
    stride_f = step_s / LATTICE_S
    first_f = t0_s / LATTICE_S
    if not (stride_f.is_integer() and first_f.is_integer() and stride_f >= 1.0):
        return None
    stride, first = int(stride_f), int(first_f)
    last = first + stride * (n - 1)
    if last - first + 1 < MIN_CALL_POINTS or max(abs(first), abs(last)) * LATTICE_S >= _EXACT:
        return None
    key = epoch.astimezone(UTC)
    with _lock:
        stores = _stores.setdefault(eph, {})
        store = stores.pop(key, None) or _Store()
        stores[key] = store  # most recently used last
        while len(stores) > MAX_ORIGINS:
            del stores[next(iter(stores))]
        if max(last, store.base + store.have.size - 1) - min(first, store.base) + 1 > MAX_POINTS:
            store = stores[key] = _Store()
        _fill(store, first, last, f)
        rows = np.arange(first - store.base, last - store.base + 1, stride)
        return store.values[rows]


def _fill(store: _Store, first: int, last: int, f: Callable[[FloatArray], FloatArray]) -> None:
    """Compute the missing points of ``first..last``, each call ``MIN_CALL_POINTS`` long or more."""
    store.cover(first, last)
    while True:
        missing = np.flatnonzero(~store.have[first - store.base : last - store.base + 1])
        if missing.size == 0:
            return
        lo = first + int(missing[0])
        gap_end = lo + (int(np.argmax(store.have[lo - store.base : last - store.base + 1])) or last - lo + 1) - 1
        hi = max(gap_end, lo + MIN_CALL_POINTS - 1)
        store.cover(lo, hi)
        t_s = LATTICE_S * np.arange(lo, hi + 1, dtype=np.float64)
        values = np.asarray(f(t_s), dtype=np.float64)
        k = slice(lo - store.base, hi - store.base + 1)
        store.values[k] = np.where(store.have[k, None], store.values[k], values)
        store.have[k] = True
        stats["points"] += hi - lo + 1
        stats["calls"] += 1


def clear() -> None:
    """Forget every stored point (tests)."""
    with _lock:
        _stores.clear()
        stats["points"] = stats["calls"] = 0
