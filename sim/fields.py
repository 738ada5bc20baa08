"""Field types shared by the scenario model (``sim.scenario``) and the window types (``sim.sky.windows``).

Both rooms validate user input with pydantic; the pieces they share live here, below both:
``StrictModel`` (unknown keys are errors, values immutable), UTC times, durations in seconds
written with units, identifiers, and ``did_you_mean`` for "unknown name" messages. Kernel
module: imports only ``sim.timebase`` and pydantic.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema

from sim.timebase import format_utc, parse_duration, parse_utc

Loc = tuple[str | int, ...]  # a field path in a document: ("windows", "relay", "period")


class StrictModel(BaseModel):
    """Base for every scenario model: unknown keys are errors; values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def empty_list() -> list[Any]:
    """A new empty list, for ``Field(default_factory=empty_list)``. Not ``list`` itself: pydantic
    reads the factory's signature, and the first signature of a builtin costs ~7 ms (inspect
    parses its text signature with the tokenize module), a hundredth of ``lunarsim run``."""
    return []


def seconds_text(value: float) -> str:
    """A duration in seconds as scenario text that parses back exactly to the microsecond."""
    return f"{value:.6f}".rstrip("0").rstrip(".") + "s"


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or an empty string."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


UTCTime = Annotated[
    datetime,
    PlainValidator(parse_utc),
    PlainSerializer(format_utc),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2020-11-23T20:30:12Z"]}),
]
Ident = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$",
        max_length=64,
        description="identifier: a letter, then letters, digits, '_' or '-'",
    ),
]
SecondsDuration = Annotated[
    float,
    PlainValidator(parse_duration),
    PlainSerializer(seconds_text),
    WithJsonSchema({"type": "string", "description": "duration with units, e.g. '24h'", "examples": ["24h"]}),
]
