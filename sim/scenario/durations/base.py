"""The duration-source extension point: what every way of saying "how long a phase lasts" provides.

A duration source turns a phase's ``duration:`` entry into seconds. Some sources need the mass of
the phase's element when the phase starts (a burn); they then also say the mass when it ends. The
engine never looks at a source's type: it asks ``draw`` for the random inputs of N replications
(file order, from the run's Generator) and ``resolve`` for the durations and end masses
(topological order, once the element masses are known). Sources are immutable and hold no random
state.

Each source class carries its YAML ``key`` (the single key of its mapping, e.g. ``burn:``), its
parser, JSON Schema, docs text and the per-phase details shown by ``lunarsim run --json``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


@dataclass(frozen=True)
class Resolved:
    """Durations (seconds) and element end masses (kg; NaN when untracked) for N replications."""

    duration_s: np.ndarray
    mass_end_kg: np.ndarray


class DurationSource(ABC):
    """Base class of duration sources (see the module docstring)."""

    key: ClassVar[str] = ""
    """The YAML key of the source's mapping (``burn``, ``orbit``); empty for the adapters."""
    uses_mass: ClassVar[bool] = False
    """True if the duration depends on the element's mass (the mass must then be known)."""
    docs: ClassVar[str] = ""
    """Markdown for docs/scenario-format.md: the keys, the equation, the assumptions."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """Sources are parsed by the phase's ``PlainValidator``; pydantic needs no schema of its own
        (pydantic < 2.10 asks for one even under a PlainValidator, and fails on a plain class)."""
        from pydantic_core import core_schema

        return core_schema.any_schema()

    @classmethod
    @abstractmethod
    def parse(cls, value: Any) -> DurationSource:
        """Build the source from the value under its key. Raises ValueError("key: message")."""

    @classmethod
    @abstractmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of the value under the source's key."""

    @abstractmethod
    def spec(self) -> Any:
        """The scenario value that parses back to this source (for dumping a scenario)."""

    @abstractmethod
    def draw(self, rng: np.random.Generator, n: int) -> Any:
        """The random inputs of ``n`` replications; a fixed input draws nothing from ``rng``."""

    @abstractmethod
    def resolve(self, drawn: Any, mass_kg: np.ndarray) -> Resolved:
        """Durations and end masses from ``drawn`` and the element's start masses (NaN: unknown)."""

    @abstractmethod
    def nominal_inputs(self) -> Any:
        """The inputs of a nominal run (the nominal value of every input), shaped like ``draw``'s."""

    def details(self, nominal_inputs: Any, resolved: Resolved, mass_kg: float) -> dict[str, Any] | None:
        """What ``lunarsim run --json`` shows for the phase beside its times (None: nothing)."""
        return None

    @abstractmethod
    def describe(self) -> str:
        """Short text for tables and messages."""

    @property
    def is_fixed(self) -> bool:
        """True if the phase lasts the same in every replication (as ``Distribution.is_fixed``).

        False by default: a source that reads the element's mass varies with whatever earlier
        draws did to that mass, even when its own inputs are numbers."""
        return False
