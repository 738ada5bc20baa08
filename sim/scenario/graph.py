"""The phase graph of a scenario: a dependency cycle, and a topological order of the phases.

Edges are ``after:`` links and ``until:`` events (a wait ends at its event, so it comes after it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario.model import Scenario


def find_cycle(scenario: Scenario) -> list[str] | None:
    """A dependency cycle as ``[a, b, c, a]`` (a after c after b after a), or None.

    A phase listed in its own ``after`` is not a cycle here (``check_scenario`` reports it).
    """
    preds = {p.id: p.predecessor_ids for p in scenario.phases}
    state: dict[str, int] = {}  # 1 = on stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in preds.get(node, []):
            if nxt not in preds or nxt == node:
                continue
            if state.get(nxt) == 1:
                cyc = [*stack[stack.index(nxt) :], nxt]
                return list(reversed(cyc))
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for pid in preds:
        if pid not in state:
            found = visit(pid)
            if found:
                return found
    return None


def topological_order(scenario: Scenario) -> list[int]:
    """Phase indices so that every phase comes after its predecessors (file order on ties)."""
    index = {p.id: i for i, p in enumerate(scenario.phases)}
    indeg = [len(p.predecessor_ids) for p in scenario.phases]
    succ: list[list[int]] = [[] for _ in scenario.phases]
    for i, p in enumerate(scenario.phases):
        for d in p.predecessor_ids:
            succ[index[d]].append(i)
    ready = [i for i, n in enumerate(indeg) if n == 0]
    order: list[int] = []
    import heapq

    heapq.heapify(ready)
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for j in succ[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                heapq.heappush(ready, j)
    if len(order) != len(scenario.phases):
        raise ValueError("dependency cycle")
    return order
