"""The SimPy engine's opening cascade, compiled once per graph into straight-line Python.

Every replication of ``sim.engine.des`` starts the same way: the roots are readied, and each
"simple" phase (no window, resource, failure spec or start-linked successor) is settled at once
(``start = max(pred end + lag)``, ``end = start + duration``) and releases its successors, until
the cascade reaches phases that must wait (those are handed to ``gate``) or joins still missing
a predecessor. Which phases this touches, in which order, and which calls it makes does not
depend on the durations, only on the graph: ``des.runner``'s ``begin``/``release`` walk decides
it from the graph's structure alone. So the walk is done once here, at compile time, and written
out as a function of the durations: the same float operations in the same order (ties keep the
first predecessor in ``after`` order, as in ``begin``), the same ``gate`` and ``begin`` calls in
the same order (so SimPy schedules the same events with the same ids), without the per-phase
loop, stack and tuple unpacking. On the shared 30-phase DAG (benchmarks/shared_dag.yaml), where
the cascade is the whole replication, a replication went from ~13 to ~8 us in process (8,192
replications, 2-core VM, when this was written); compiling costs ~0.12 s at 3,000 phases, once
per graph (``PhaseGraph.memo``).

It applies when no phase releases successors at its start (SS, SF, ``until: {at: start}``):
then ``gate`` never releases a phase synchronously, so nothing but the graph decides the walk.
Otherwise ``des.runner`` walks as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from sim.engine.model import PhaseGraph

Next = tuple[int, float | None, bool]  # successor, lag if this phase is its only predecessor, is it simple
Cascade = Callable[..., None]


def compile_cascade(
    g: PhaseGraph, simple: Sequence[bool], nexts: Sequence[Sequence[Next]], starts: bool = True
) -> tuple[Cascade, list[int]] | None:
    """The opening cascade of a replication as a function, and the predecessor counts it leaves.

    The function is called as ``cascade(dur, ready, start, end, driver, begin, gate)`` with the
    runner's lists and closures; it does what ``for i in roots: if begin(i): release(i)`` does.
    ``remaining`` is not touched: the counts it would leave are returned instead (the runner
    resets ``remaining`` to them). Without ``starts`` a simple phase's start (its ready time) is
    not written: for a caller that reads no simple phase's start. None when a phase has
    start-linked successors (or a lag is not finite).
    """
    if any(g.start_succs) or not all(math.isfinite(lag) for lags in g.lags_s for lag in lags):
        return None  # (a lag is written as its repr, exact for every finite float)
    n = g.size
    rem = list(g.indegree)
    lines: list[str] = []
    settled: set[int] = set()  # phases whose end is held in the local e{k}
    general = g.general

    def end_of(j: int) -> str:
        return f"e{j}" if j in settled else f"end[{j}]"

    def settle(k: int, best: str) -> None:
        if starts:
            lines.append(f"start[{k}] = {best}")
        lines.append(f"e{k} = end[{k}] = {best} + dur[{k}]")
        settled.add(k)

    def begin(k: int) -> bool:
        if general[k]:  # SS/FF/SF links, an until or a date: the runner's own code
            lines.append(f"begin({k})")
            if simple[k]:
                lines.append(f"e{k} = end[{k}]")
                settled.add(k)
            return simple[k]
        preds = g.pred_lags[k]
        if not preds:
            lines.append(f"b = 0.0; ready[{k}] = 0.0; driver[{k}] = -1")
        else:
            (j, lag), rest = preds[0], preds[1:]
            lines.append(f"b = {end_of(j)} + {lag!r}; w = {j}")
            for j, lag in rest:  # ties: the first in ``after`` order
                lines.append(f"t = {end_of(j)} + {lag!r}")
                lines.append(f"if t > b: b = t; w = {j}")
            lines.append(f"ready[{k}] = b; driver[{k}] = w")
        if simple[k]:
            settle(k, "b")
            return True
        lines.append(f"gate({k}, b)")
        return False

    def release(first: int) -> None:
        stack = [first]
        while stack:
            i = stack.pop()
            for k, lag, fast in nexts[i]:
                if lag is None:
                    rem[k] -= 1
                    if rem[k] == 0 and begin(k):
                        stack.append(k)
                    continue
                lines.append(f"b = e{i} + {lag!r}; ready[{k}] = b; driver[{k}] = {i}")
                if fast:
                    settle(k, "b")
                    stack.append(k)
                else:
                    lines.append(f"gate({k}, b)")

    for i in g.roots:
        if begin(i):
            release(i)
    body = "\n    ".join(lines) or "pass"
    source = f"def cascade(dur, ready, start, end, driver, begin, gate):\n    {body}\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<cascade of {n} phases>", "exec"), namespace)  # the text is ours, built above
    return namespace["cascade"], rem
