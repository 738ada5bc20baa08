"""The SimPy pieces of the SimPy engine (``sim.engine.des``): its one event type and its
Environment. In a module of their own so that simpy is imported only by runs that have events
(a window, a resource, a failure draw); a run whose phases are all settled arithmetically, and
the vector path's nominal run, never import it (~20 ms of a process's start)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import NORMAL


class At(simpy.Event):
    """A ``Timeout`` born with its callback: fires ``delay`` seconds from now with ``value``.

    The engine's only event type: a phase's end, a resource request made when a phase becomes
    ready later than now, a resource grant, a release reaching the resource's queue. It skips
    ``Timeout``'s argument check and the extra ``callbacks.append``.
    """

    def __init__(self, env: simpy.Environment, delay: float, value: Any, callback: Callable[[Any], None]) -> None:
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        env.schedule(self, NORMAL, delay)


class Loop(simpy.Environment):
    """SimPy's ``Environment``, cheaper to create: one per replication.

    ``Environment.__init__`` pre-binds the event shortcuts (``env.timeout``, ``env.process``...)
    found in its class's own ``__dict__``, ~2 us per environment; a subclass's ``__dict__`` has
    none, so nothing is pre-bound (the shortcuts still work, bound on use; the engine uses none).
    """
