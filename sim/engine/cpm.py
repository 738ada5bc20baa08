"""Late dates and float of a run: the CPM backward pass over every link type.

The forward pass is the run itself (early start = the simulated start, early finish = the
simulated end). The backward pass starts from the mission end ``T`` (the last end): a phase
without successors must finish by ``T``; otherwise each link to a successor ``k`` (lag ``L``,
``d`` = this phase's run time in the run) bounds its late finish:

- FS: ``LF <= LS_k - L``          - SS: ``LF <= LS_k - L + d``
- FF: ``LF <= LF_k - L``          - SF: ``LF <= LF_k - L + d``
- ``until`` a phase's end: as FF; ``until`` its start: as SF (the wait ends at that event).

``LS = LF - d``, except that a wait (``until``) is elastic: it may start as late as its late
finish (``LS = LF``). Windows: a windowed phase keeps the opening it used in the run, so its
late start is also at most that opening's end (minus its run time with ``must_fit``); slipping
into a later opening is not float. Time spent waiting for a window before a phase starts is
float of its predecessors. ``not_before`` dates bound nothing backwards. Shared resources are
not modelled here (their queues are taken as they fell).

Total float = ``LS - ES``; free float = the least slack to any successor's early dates
(``ES_k - L - EF`` for FS, and likewise per link type), or ``T - EF`` without successors, at
most the total float. Critical = total float within ``CRITICAL_TOL_S`` of zero; every
zero-float chain is critical (ties included).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.model import FF, FS, SF, SS, UNTIL_END, Model
from sim.results.records import CRITICAL_TOL_S


@dataclass(frozen=True)
class Floats:
    """Per phase (file order), seconds since the epoch / seconds."""

    late_start_s: np.ndarray
    late_finish_s: np.ndarray
    total_float_s: np.ndarray
    free_float_s: np.ndarray

    @property
    def critical(self) -> np.ndarray:
        """Phases with zero total float."""
        return self.total_float_s <= CRITICAL_TOL_S


def late_dates(model: Model, start_s: np.ndarray, end_s: np.ndarray) -> Floats:
    """The backward pass over one run's start and end times (see the module docstring)."""
    g = model.graph
    n = g.size
    d = end_s - start_s
    total = float(np.max(end_s))
    wait = [any(k >= UNTIL_END for k in ks) for ks in g.links]
    out_links: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]
    for k in range(n):
        for j, kind, lag in zip(g.preds[k], g.links[k], g.lags_s[k], strict=True):
            out_links[j].append((k, kind, lag))
    ls = np.full(n, total)
    lf = np.full(n, total)
    for i in reversed(g.order):
        f = total
        for k, kind, lag in out_links[i]:
            if kind == FS:
                f = min(f, ls[k] - lag)
            elif kind == SS:
                f = min(f, ls[k] - lag + d[i])
            elif kind in (FF, UNTIL_END):
                f = min(f, lf[k] - lag)
            else:  # SF, until a start
                f = min(f, lf[k] - lag + d[i])
        s = f if wait[i] else f - d[i]
        w = g.window[i]
        if w >= 0:
            s = min(s, _latest_in_opening(model, i, float(start_s[i]), float(d[i])))
            f = min(f, s + d[i])
        lf[i], ls[i] = f, s
    tf = ls - start_s
    ff = np.empty(n)
    for i in range(n):
        slack = total - end_s[i] if not out_links[i] else np.inf
        for k, kind, lag in out_links[i]:
            if kind == FS:
                slack = min(slack, start_s[k] - lag - end_s[i])
            elif kind == SS:
                slack = min(slack, start_s[k] - lag - start_s[i])
            elif kind in (FF, UNTIL_END):
                slack = min(slack, end_s[k] - lag - end_s[i])
            else:
                assert kind == SF or kind > UNTIL_END
                slack = min(slack, end_s[k] - lag - start_s[i])
        ff[i] = min(max(slack, 0.0), tf[i])
    return Floats(late_start_s=ls, late_finish_s=lf, total_float_s=tf, free_float_s=ff)


def _latest_in_opening(model: Model, i: int, start: float, d: float) -> float:
    """The latest start of windowed phase ``i`` in the opening it started in."""
    g = model.graph
    end = model.windows[g.window[i]].opening_end(start)
    if end is None:
        return start  # not inside a listed opening (cannot happen in a run): no float
    latest = end - (d if g.must_fit[i] else 0.0)
    return max(latest, start)
