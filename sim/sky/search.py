"""Where a sampled condition holds: intervals from a vectorized test function, and extrema.

Every geometric window (relay, ground stations, launch, Earth return) is a condition
``g(t) >= 0`` on a smooth function of time. ``intervals_where`` samples ``g`` on a regular grid
(one vectorized call), finds the sign changes and refines each by vectorized bisection, so the
edges are exact to ``tol_s`` whatever the step. An opening shorter than the step can be missed:
each caller chooses a step well under its shortest opening and says so.

``extrema`` finds the local minima (or maxima) of a smooth function the same way: a grid scan,
then golden-section refinement of every bracketed turn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Condition = Callable[[FloatArray], FloatArray]

EDGE_TOL_S = 0.5
"""Bisection stops when an edge is bracketed to this, seconds."""

_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


def grid(start_s: float, end_s: float, step_s: float) -> FloatArray:
    """``start_s .. end_s`` inclusive in equal steps no longer than ``step_s``."""
    if not (math.isfinite(start_s) and math.isfinite(end_s)) or end_s < start_s:
        raise ValueError(f"invalid span [{start_s}, {end_s}] s")
    if not step_s > 0:
        raise ValueError(f"step must be > 0 s, got {step_s}")
    n = max(1, math.ceil((end_s - start_s) / step_s))
    return np.linspace(start_s, end_s, n + 1)


def intervals_where(g: Condition, start_s: float, end_s: float, step_s: float, tol_s: float = EDGE_TOL_S) -> FloatArray:
    """Intervals of ``[start_s, end_s]`` where ``g(t) >= 0``, as ``(k, 2)`` sorted rows.

    Args:
        g: vectorized condition (array of times in, array of values out); its sign is all that is
            used.
        start_s: span start, seconds.
        end_s: span end, seconds.
        step_s: sampling step; openings or gaps shorter than it may be missed.
        tol_s: edge accuracy.
    """
    t = grid(start_s, end_s, step_s)
    ok = g(t) >= 0.0
    k = np.flatnonzero(ok[:-1] != ok[1:])
    rising = ok[k + 1]
    lo, hi = t[k].copy(), t[k + 1].copy()
    while lo.size and float(np.max(hi - lo)) > tol_s:
        mid = 0.5 * (lo + hi)
        mid_ok = g(mid) >= 0.0
        go_right = mid_ok != rising  # mid is still on the side before the crossing
        lo = np.where(go_right, mid, lo)
        hi = np.where(go_right, hi, mid)
    edge = 0.5 * (lo + hi)
    opens = edge[rising]
    closes = edge[~rising]
    if ok[0]:
        opens = np.concatenate([[start_s], opens])
    if ok[-1]:
        closes = np.concatenate([closes, [end_s]])
    return np.column_stack([opens, closes]).reshape(-1, 2)


def extrema(f: Condition, start_s: float, end_s: float, step_s: float, *, minima: bool) -> FloatArray:
    """Times of the local minima (``minima=True``) or maxima of ``f`` strictly inside the span.

    The function must have at most one turn per step (true of the Moon's declination, which
    turns every ~13.7 d, for steps of hours). Refined by golden-section search to 1 s.
    """
    t = grid(start_s, end_s, step_s)
    sign = -1.0 if minima else 1.0
    v = sign * f(t)
    slope = np.sign(np.diff(v))
    turn = np.flatnonzero((slope[:-1] > 0) & (slope[1:] < 0)) + 1  # sampled maxima of sign*f
    if turn.size == 0:
        return np.empty(0)
    out = golden_section(f, t[turn - 1], t[turn + 1], sign, 1.0)
    return out[(out > start_s) & (out < end_s)]


def golden_section(f: Condition, a: FloatArray, b: FloatArray, sign: float | FloatArray, tol_s: float) -> FloatArray:
    """Vectorized golden-section search: the maximum of ``sign * f`` in each ``[a, b]``, to ``tol_s``.

    ``sign`` is 1 for maxima and -1 for minima (a scalar or one per interval); returns the midpoints
    of the final brackets.
    """
    (out,) = run_together(f, golden_steps(a, b, sign, tol_s))
    return np.asarray(out, dtype=np.float64)


Steps = Generator[FloatArray, FloatArray, Any]
"""A search written as a generator: it yields the times it needs ``f`` at and is sent the values."""


def golden_steps(a: FloatArray, b: FloatArray, sign: float | FloatArray, tol_s: float) -> Steps:
    """``golden_section`` as ``Steps`` (one request per evaluation of ``f``); returns its result."""
    a, b = a.copy(), b.copy()
    c = b - _GOLDEN * (b - a)
    d = a + _GOLDEN * (b - a)
    fc = sign * (yield c)
    fd = sign * (yield d)
    while float(np.max(b - a)) > tol_s:
        left = fc > fd  # the maximum is in [a, d]: drop (d, b]; else drop [a, c)
        a, b = np.where(left, a, c), np.where(left, d, b)
        new = np.where(left, b - _GOLDEN * (b - a), a + _GOLDEN * (b - a))
        f_new = sign * (yield new)
        c, d, fc, fd = (
            np.where(left, new, d),
            np.where(left, c, new),
            np.where(left, f_new, fd),
            np.where(left, fc, f_new),
        )
    return 0.5 * (a + b)


def run_together(f: Condition, *searches: Steps) -> list[Any]:
    """Run several ``Steps`` side by side, one call of ``f`` per round for the times all of them
    ask for (``f`` must treat each time on its own); the searches' results, in order.

    A search alone makes exactly the calls it would make by itself. Together, they cost as many
    calls as the longest of them: the cost of an ephemeris call is mostly per call, not per time.
    """
    results: list[Any] = [None] * len(searches)
    live: list[tuple[int, Steps, FloatArray]] = []
    for i, search in enumerate(searches):
        try:
            live.append((i, search, next(search)))
        except StopIteration as stop:
            results[i] = stop.value
    while live:
        asked = [np.asarray(t, dtype=np.float64) for _, _, t in live]
        values = f(asked[0] if len(asked) == 1 else np.concatenate(asked))
        going = []
        at = 0
        for (i, search, _), t in zip(live, asked, strict=True):
            part, at = values[at : at + t.size], at + t.size
            try:
                going.append((i, search, search.send(part)))
            except StopIteration as stop:
                results[i] = stop.value
        live = going
    return results


def union_intervals(parts: list[FloatArray]) -> FloatArray:
    """Union of ``(k, 2)`` interval arrays, sorted and merged."""
    rows = np.concatenate([p.reshape(-1, 2) for p in parts]) if parts else np.empty((0, 2))
    if rows.size == 0:
        return np.empty((0, 2))
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    merged: list[list[float]] = []
    for s, e in rows.tolist():
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return np.array(merged, dtype=float).reshape(-1, 2)
