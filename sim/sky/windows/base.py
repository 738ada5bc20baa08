"""What every window type is: a strict pydantic model that checks, documents and computes itself.

A window type is one class in one file of this package, registered in ``__init__.py``. The class
carries everything about its kind:

- its fields and their validation (pydantic; the scenario's ``windows:`` union and the JSON
  Schema of ``lunarsim schema`` are built from the registered classes);
- ``check(ctx)``: cross-field checks pydantic cannot express, as (field path, message) pairs
  relative to the window;
- ``docs``: its section of docs/scenario-format.md (tests check the page carries it verbatim and
  that its YAML examples validate);
- ``openings(ctx)``: its openings as ``(k, 2)`` seconds since the epoch (any order, overlaps
  allowed: ``WindowTable.from_intervals`` normalises them). Not named ``intervals``: that is a
  field of ``explicit`` windows;
- ``refs()``: the windows it is built from (computed first, handed over in ``ctx.tables``);
- ``standalone(epoch, site, rename)``: the same window with nothing left to its scenario (used
  when a program puts several missions on one clock).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self, get_args

import numpy as np
from pydantic import Field

from sim.fields import Loc, StrictModel

if TYPE_CHECKING:
    from sim.sky.ephemeris import Ephemeris
    from sim.sky.intervals import WindowTable


class Site(StrictModel):
    """A selenographic site (spherical Moon), longitude east-positive."""

    name: str | None = None
    lat_deg: float = Field(ge=-90, le=90, description="selenographic latitude, degrees north")
    lon_deg: float = Field(ge=-360, le=360, description="selenographic longitude, degrees east")


@dataclass(frozen=True)
class CheckContext:
    """What a window's ``check`` may consult: the scenario's window names and default site."""

    window_names: Collection[str]
    site: Site | None


@dataclass(frozen=True)
class WindowContext:
    """What a window's ``openings`` may consult.

    ``epoch`` is T0 (aware UTC); openings are wanted over ``[0, horizon_s]`` seconds after it
    (the scenario's horizon, or a shorter span when a run computes its windows lazily).
    ``site`` is the scenario's default site (None if it has none). ``ephemeris()`` returns the
    lunar ephemeris (loaded on first use). ``tables`` holds the computed tables of the windows
    named by ``refs()``. ``identity()``, when given, returns ``ephemeris().identity`` without
    loading the ephemeris (``kernel_identity``): what stored tables are keyed by.
    """

    name: str
    epoch: datetime
    horizon_s: float
    site: Site | None
    ephemeris: Callable[[], Ephemeris]
    tables: Mapping[str, WindowTable]
    identity: Callable[[], str | None] | None = None

    def kernel_identity(self) -> str | None:
        """The ephemeris file's identity (``Ephemeris.identity``), loading it only if
        ``identity`` was not given."""
        return self.identity() if self.identity is not None else self.ephemeris().identity


Problem = tuple[Loc, str]


class WindowType(StrictModel):
    """Base of the window types (not itself a window type: it is never registered)."""

    docs: ClassVar[str]  # the type's section of docs/scenario-format.md, verbatim
    tail_s: ClassVar[float] = 0.0
    """Openings computed over ``[0, span]`` equal those of any longer span before ``span - tail_s``
    (0 for the block-cached geometric windows, whose blocks do not depend on the span)."""

    @classmethod
    def type_names(cls) -> tuple[str, ...]:
        """The ``type:`` values that select this class (``all_of`` and ``any_of`` share one)."""
        return tuple(get_args(cls.model_fields["type"].annotation))

    @property
    def kind(self) -> str:
        """This window's ``type`` value."""
        value: Any = getattr(self, "type")  # noqa: B009 - declared by each subclass as a Literal
        return str(value)

    def refs(self) -> tuple[str, ...]:
        """Names of the windows this one is built from (none for a plain window)."""
        return ()

    @abstractmethod
    def check(self, ctx: CheckContext) -> list[Problem]:
        """Problems pydantic cannot see, as (field path relative to the window, message)."""

    @abstractmethod
    def openings(self, ctx: WindowContext) -> np.ndarray:
        """The openings over ``[0, ctx.horizon_s]`` as a ``(k, 2)`` array of seconds since the epoch."""

    @classmethod
    def prepare(cls, windows: Sequence[Self], ctx: WindowContext) -> None:
        """Before ``windows`` (all of this type) are computed over ``ctx``'s span: work they share,
        done once for all of them, that their ``openings`` then reuse. None by default."""

    def standalone(self, epoch: datetime, site: Site | None, rename: Callable[[str], str]) -> Self:
        """This window as its scenario means it, needing nothing from it: offsets anchored on
        ``epoch``, the scenario's ``site`` filled in, referenced windows renamed by ``rename``."""
        return self
