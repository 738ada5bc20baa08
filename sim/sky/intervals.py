"""Time windows as sorted interval tables, and the query the engines ask: "when may I start?".

A window is a sorted array of half-open openings ``[start_s, end_s)`` in seconds since the
scenario epoch, computed once per scenario over ``[0, horizon_s]`` by the window types in
``sim.sky.windows``, which call the functions below:

- ``periodic``: openings of length ``open`` every ``period``, from ``offset`` after the epoch
  (or from an ``anchor`` UTC time), e.g. relay visibility or a return-window cadence;
- ``explicit``: listed UTC intervals (published launch windows);
- ``lunar_daylight``: the Sun's elevation at a site between bounds, optionally only in the local
  morning or afternoon (``sim.sky.ephemeris``);
- ``all_of`` / ``any_of``: intersection / union of other windows.

A phase arriving at ``t`` inside an opening starts at once; one arriving in a gap starts at the
next opening; with ``must_fit`` it starts at the first instant from which its whole duration
fits inside one opening. At run time this is a ``searchsorted``, scalar or vectorized.

A table may be computed over a shorter span than the horizon (a single run computes its windows
only as far as it needs, ``sim.engine.model.run_lazily``): it is then exact only before
``exact_s`` (it equals there the table computed over the whole horizon; its last opening may be
cut short, and a daylight scan's last hours depend on where its span ends). Every query notes in
``tail_reached`` whether its answer depended on anything at or after ``exact_s``; the caller then
recomputes over a longer span. Read such a table through its queries only.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.errors import RunError


class WindowNeverOpens(RunError):
    """A phase waited for a window that has no suitable opening within the horizon."""

    def __init__(self, phase_id: str, window: str, ready_s: float, horizon_s: float) -> None:
        self.phase_id = phase_id
        self.window = window
        self.ready_s = ready_s
        self.horizon_s = horizon_s
        super().__init__(
            f"phase {phase_id!r} waited for window {window!r}, which has no opening that can hold it "
            f"between T+{ready_s / 86400:.1f} d and the horizon (T+{horizon_s / 86400:.0f} d); "
            "extend 'horizon:' in the scenario or relax the window"
        )


@dataclass(frozen=True, eq=False)
class WindowTable:
    """Sorted, non-overlapping openings ``[starts[k], ends[k])`` of one window, seconds since T0.

    ``exact_s``: the table is the whole-horizon one before this time (inf: computed over the
    whole horizon). ``tail_reached``: a query's answer depended on the table at or after it.
    """

    name: str
    starts: np.ndarray
    ends: np.ndarray
    horizon_s: float
    exact_s: float = math.inf
    tail_reached: bool = field(default=False, init=False)

    @classmethod
    def from_intervals(
        cls,
        name: str,
        intervals: np.ndarray,
        horizon_s: float,
        *,
        span_s: float | None = None,
        exact_s: float = math.inf,
    ) -> WindowTable:
        """Normalise ``(k, 2)`` intervals: clip to [0, horizon] (or to the ``span_s`` they were
        computed over), drop empty, merge overlaps."""
        end_s = horizon_s if span_s is None else span_s
        iv = np.asarray(intervals, dtype=float).reshape(-1, 2)
        iv = np.column_stack([np.maximum(iv[:, 0], 0.0), np.minimum(iv[:, 1], end_s)])
        iv = iv[iv[:, 1] > iv[:, 0]]
        iv = iv[np.argsort(iv[:, 0], kind="stable")]
        merged: list[list[float]] = []
        for s, e in iv.tolist():
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        arr = np.array(merged, dtype=float).reshape(-1, 2)
        return cls(name=name, starts=arr[:, 0].copy(), ends=arr[:, 1].copy(), horizon_s=horizon_s, exact_s=exact_s)

    def _reach(self, t_s: float) -> None:
        """Note that an answer depended on the table up to ``t_s`` (inf: past its end)."""
        if t_s >= self.exact_s and self.exact_s < math.inf:
            object.__setattr__(self, "tail_reached", True)  # frozen: a flag, not part of the value

    @property
    def intervals(self) -> np.ndarray:
        """The openings as a ``(k, 2)`` array."""
        return np.column_stack([self.starts, self.ends])

    @cached_property
    def _lists(self) -> tuple[list[float], list[float]]:
        """The openings as Python lists: scalar queries (the SimPy engine's) bisect these."""
        return self.starts.tolist(), self.ends.tolist()

    def next_start(self, t_s: float, duration_s: float = 0.0, must_fit: bool = False) -> float:
        """Earliest start >= ``t_s`` inside an opening (holding ``duration_s`` if ``must_fit``); inf if none."""
        starts, ends = self._lists
        k = bisect_right(ends, t_s)  # the same index as np.searchsorted(ends, t_s, side="right")
        while k < len(starts):
            s = starts[k] if starts[k] > t_s else t_s
            if not must_fit or ends[k] - s >= duration_s:
                if (s + duration_s if must_fit else s) >= self.exact_s:
                    self._reach(math.inf)
                return float(s)
            k += 1
        self._reach(math.inf)
        return math.inf

    def next_start_many(self, t_s: np.ndarray, duration_s: np.ndarray, must_fit: bool = False) -> np.ndarray:
        """Vectorized ``next_start`` over arrays of arrival times and durations (inf where none)."""
        starts, ends = self.starts, self.ends
        n_open = len(starts)
        k = np.searchsorted(ends, t_s, side="right")
        out = np.full(t_s.shape, math.inf)
        todo = k < n_open
        while todo.any():
            kk = k[todo]
            s = np.maximum(starts[kk], t_s[todo])
            ok = np.ones(kk.shape, dtype=bool) if not must_fit else (ends[kk] - s >= duration_s[todo])
            idx = np.flatnonzero(todo)
            out[idx[ok]] = s[ok]
            todo[idx[ok]] = False
            k[idx[~ok]] += 1
            todo &= k < n_open
        if self.exact_s < math.inf and out.size:
            self._reach(float(np.max(out + duration_s if must_fit else out)))
        return out

    def contains(self, t_s: float, duration_s: float = 0.0) -> bool:
        """True if ``[t_s, t_s + duration_s]`` lies inside one opening (a start inside it for 0 s)."""
        self._reach(t_s + duration_s)
        k = int(np.searchsorted(self.ends, t_s, side="right"))
        return k < len(self.starts) and self.starts[k] <= t_s and t_s + duration_s <= self.ends[k]

    def opening_end(self, t_s: float) -> float | None:
        """End of the opening ``[start, end]`` holding ``t_s`` (None if no opening holds it)."""
        k = int(np.searchsorted(self.starts, t_s, side="right")) - 1
        if k < 0 or t_s > self.ends[k]:
            return None
        end = float(self.ends[k])
        self._reach(end)
        return end


def periodic_intervals(period_s: float, open_s: float, first_open_s: float, horizon_s: float) -> np.ndarray:
    """Openings ``[first + k*period, first + k*period + open)`` covering [0, horizon], as ``(k, 2)``."""
    if period_s <= 0:
        raise ValueError("period must be > 0")
    k0 = math.floor((0.0 - first_open_s) / period_s) - 1
    k1 = math.ceil((horizon_s - first_open_s) / period_s) + 1
    ks = np.arange(k0, k1 + 1, dtype=float)
    starts = first_open_s + ks * period_s
    return np.column_stack([starts, starts + min(open_s, period_s)])


def periodic(name: str, period_s: float, open_s: float, first_open_s: float, horizon_s: float) -> WindowTable:
    """The table of ``periodic_intervals``."""
    return WindowTable.from_intervals(name, periodic_intervals(period_s, open_s, first_open_s, horizon_s), horizon_s)


def intersect_intervals(tables: list[WindowTable]) -> np.ndarray:
    """Openings common to every table (``all_of``), as ``(k, 2)``."""
    current = tables[0].intervals
    for other in tables[1:]:
        b = other.intervals
        out = []
        i = j = 0
        while i < len(current) and j < len(b):
            lo = max(current[i, 0], b[j, 0])
            hi = min(current[i, 1], b[j, 1])
            if hi > lo:
                out.append((lo, hi))
            if current[i, 1] < b[j, 1]:
                i += 1
            else:
                j += 1
        current = np.array(out, dtype=float).reshape(-1, 2)
    return current


def union_intervals(tables: list[WindowTable]) -> np.ndarray:
    """Openings of any table (``any_of``), as ``(k, 2)`` (overlaps merge in ``WindowTable``)."""
    return np.concatenate([t.intervals for t in tables])


def intersect(name: str, tables: list[WindowTable], horizon_s: float) -> WindowTable:
    """Openings common to every table (``all_of``)."""
    return WindowTable.from_intervals(name, intersect_intervals(tables), horizon_s)


def union(name: str, tables: list[WindowTable], horizon_s: float) -> WindowTable:
    """Openings of any table (``any_of``)."""
    return WindowTable.from_intervals(name, union_intervals(tables), horizon_s)
