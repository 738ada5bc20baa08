"""The window types: one class per file, registered here; the scenario's ``windows:`` accepts these.

To add a window type: write ``sim/sky/windows/NAME.py`` with a ``WindowType`` subclass (a
``type: Literal[...]`` field, its other fields, ``docs``, ``check``, ``openings`` and, when it
refers to other windows or to the scenario's epoch or site, ``refs`` and ``standalone``; see
``base.py``), add it to ``WINDOW_TYPES`` below, paste its ``docs`` into docs/scenario-format.md
under "Windows", and add a test. Nothing else changes: the scenario model, the JSON Schema, the
checks, the engines and program runs ask the objects. ``tests/test_window_types.py`` fails if a
registered type lacks a part.

The order of ``WINDOW_TYPES`` is the order of the JSON Schema's ``oneOf`` and of the tags listed
in an "unknown type" message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Union

from pydantic import Field

from sim.sky.windows.base import CheckContext, Problem, Site, WindowContext, WindowType
from sim.sky.windows.combined import CombinedWindow
from sim.sky.windows.daylight import DaylightWindow
from sim.sky.windows.earth_return import EarthReturnWindow
from sim.sky.windows.explicit import ExplicitWindow
from sim.sky.windows.ground_station import GroundStationWindow
from sim.sky.windows.launch import LaunchWindow
from sim.sky.windows.periodic import PeriodicWindow
from sim.sky.windows.relay import RelayWindow

WINDOW_TYPES: tuple[type[WindowType], ...] = (
    PeriodicWindow,
    ExplicitWindow,
    DaylightWindow,
    CombinedWindow,
    EarthReturnWindow,
    RelayWindow,
    GroundStationWindow,
    LaunchWindow,
)


def window_type(name: str) -> type[WindowType]:
    """The class registered for ``type: name`` (KeyError if none)."""
    for cls in WINDOW_TYPES:
        if name in cls.type_names():
            return cls
    raise KeyError(name)


if TYPE_CHECKING:
    WindowSpec = WindowType
else:
    # the discriminated union of every registered type (pydantic picks the class by ``type``)
    WindowSpec = Annotated[Union[WINDOW_TYPES], Field(discriminator="type")]  # noqa: UP007 - built at run time

__all__ = [
    "WINDOW_TYPES",
    "CheckContext",
    "CombinedWindow",
    "DaylightWindow",
    "EarthReturnWindow",
    "ExplicitWindow",
    "GroundStationWindow",
    "LaunchWindow",
    "PeriodicWindow",
    "Problem",
    "RelayWindow",
    "Site",
    "WindowContext",
    "WindowSpec",
    "WindowType",
    "window_type",
]
