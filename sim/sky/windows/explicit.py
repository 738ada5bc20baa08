"""``type: explicit``: listed UTC intervals (published launch or communication windows)."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import Field

from sim.fields import UTCTime
from sim.sky.windows.base import CheckContext, Problem, WindowContext, WindowType
from sim.timebase import from_utc


class ExplicitWindow(WindowType):
    """Listed UTC intervals ``[[start, end], ...]``."""

    type: Literal["explicit"]
    intervals: list[tuple[UTCTime, UTCTime]] = Field(min_length=1)
    note: str | None = None

    docs: ClassVar[str] = """\
### `type: explicit`

Listed UTC intervals: published launch windows, announced communication windows.

| field | meaning |
|---|---|
| `intervals` | a list of `[start, end]` pairs of UTC times, end after start, at least one |

```yaml
launch_window:
  type: explicit
  intervals: [[2024-05-03T09:00Z, 2024-05-03T10:00Z]]
```
"""

    def check(self, ctx: CheckContext) -> list[Problem]:
        """Every interval ends after it starts."""
        return [
            (("intervals", k), "interval end must be after its start")
            for k, (a, b) in enumerate(self.intervals)
            if b <= a
        ]

    def openings(self, ctx: WindowContext) -> np.ndarray:
        """The listed intervals, in seconds since the epoch."""
        return np.array([[from_utc(ctx.epoch, a), from_utc(ctx.epoch, b)] for a, b in self.intervals], dtype=float)
