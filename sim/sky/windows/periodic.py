"""``type: periodic``: openings of fixed length at a fixed cadence (relay passes, return cadence)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, Literal, Self

import numpy as np

from sim.fields import SecondsDuration, UTCTime
from sim.sky.intervals import periodic_intervals
from sim.sky.windows.base import CheckContext, Problem, Site, WindowContext, WindowType
from sim.timebase import from_utc, to_utc


class PeriodicWindow(WindowType):
    """Openings of length ``open`` every ``period``, from ``offset`` after the epoch or from ``anchor``."""

    type: Literal["periodic"]
    period: SecondsDuration
    open: SecondsDuration
    offset: SecondsDuration | None = None
    anchor: UTCTime | None = None
    note: str | None = None

    docs: ClassVar[str] = """\
### `type: periodic`

Openings of length `open` every `period`: relay visibility, ground passes, a return-window
cadence.

| field | meaning |
|---|---|
| `period` | duration between opening starts, > 0 |
| `open` | duration of each opening, <= `period` |
| `offset` | the first opening starts this long after the epoch (default: at the epoch) |
| `anchor` | or: a UTC time at which an opening starts (give `offset` or `anchor`, not both) |

```yaml
relay: {type: periodic, period: 12h, open: 8h, offset: 1h, note: "Queqiao-2, >8 h of link per 12 h orbit"}
tei_cadence: {type: periodic, period: 24h, open: 2h, anchor: 2020-12-12T01:00Z}
```
"""

    def check(self, ctx: CheckContext) -> list[Problem]:
        """A positive period, openings no longer than it, and one of offset or anchor."""
        problems: list[Problem] = []
        if self.period <= 0:
            problems.append((("period",), "must be > 0"))
        elif self.open > self.period:
            problems.append((("open",), "must be <= period (an opening cannot outlast its period)"))
        if self.offset is not None and self.anchor is not None:
            problems.append((("anchor",), "give either offset or anchor, not both"))
        return problems

    def openings(self, ctx: WindowContext) -> np.ndarray:
        """Every opening that overlaps [0, horizon]."""
        first = from_utc(ctx.epoch, self.anchor) if self.anchor is not None else (self.offset or 0.0)
        return periodic_intervals(self.period, self.open, first, ctx.horizon_s)

    def standalone(self, epoch: datetime, site: Site | None, rename: Callable[[str], str]) -> Self:
        """An offset becomes an anchor at ``epoch + offset``."""
        if self.anchor is not None:
            return self
        return self.model_copy(update={"anchor": to_utc(epoch, self.offset or 0.0), "offset": None})
