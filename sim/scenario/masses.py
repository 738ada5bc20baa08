"""A phase's mass event (``mass:``): docking, undocking and moving mass between elements.

Applied when the phase has run, in the order ``sim.scenario.durations.plan`` carries the element
masses through the timeline:

* ``join: ELEMENT`` docks the phase's element with ``ELEMENT``: until one of them ``release``-s
  the other, they are one stack, and a burn of either starts at the SUM of their masses (the
  propellant comes out of the burning element);
* ``release: ELEMENT`` undocks ``ELEMENT`` (joined earlier); each goes on with its own mass;
* ``take_kg: M`` with ``from: ELEMENT`` moves M kg from ``ELEMENT`` to the phase's element (a
  sample container handed from the ascender to the returner).
"""

from __future__ import annotations

from typing import Self

from pydantic import ConfigDict, Field, model_validator

from sim.fields import Ident, StrictModel


class MassEvent(StrictModel):
    """``mass: {join: orbiter}``, ``{release: ascender}`` or ``{take_kg: 2, from: ascender}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    join: Ident | None = Field(
        default=None, description="dock with this element: until released, a burn of either uses the summed mass"
    )
    release: Ident | None = Field(default=None, description="undock this element (joined earlier)")
    take_kg: float | None = Field(default=None, gt=0, description="move this mass, kg, from 'from' to this element")
    from_: Ident | None = Field(default=None, alias="from", description="the element 'take_kg' comes from")
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _an_event(self) -> Self:
        """At least one event; ``take_kg`` and ``from`` go together."""
        if (self.take_kg is None) != (self.from_ is None):
            raise ValueError("'take_kg' and 'from' go together (e.g. take_kg: 2, from: ascender)")
        if self.join is None and self.release is None and self.take_kg is None:
            raise ValueError("give 'join', 'release', or 'take_kg' with 'from'")
        return self
