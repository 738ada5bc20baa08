"""``type: all_of`` / ``type: any_of``: the intersection or union of other windows, by name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, Literal, Self

import numpy as np
from pydantic import Field

from sim.fields import Ident, did_you_mean
from sim.sky.intervals import intersect_intervals, union_intervals
from sim.sky.windows.base import CheckContext, Problem, Site, WindowContext, WindowType


class CombinedWindow(WindowType):
    """Intersection (``all_of``) or union (``any_of``) of other windows, by name."""

    type: Literal["all_of", "any_of"]
    windows: list[Ident] = Field(min_length=1)
    note: str | None = None

    docs: ClassVar[str] = """\
### `type: all_of` and `type: any_of`

The intersection (`all_of`: open when every listed window is open) or the union (`any_of`:
open when any is) of other windows, by name.

| field | meaning |
|---|---|
| `windows` | names of windows declared in the same file, at least one (no cycles) |

```yaml
daylight_pass: {type: all_of, windows: [daylight, ground_pass]}
any_station: {type: any_of, windows: [kashi_pass, jiamusi_pass]}
```
"""

    def refs(self) -> tuple[str, ...]:
        """The windows combined."""
        return tuple(self.windows)

    def check(self, ctx: CheckContext) -> list[Problem]:
        """Every named window exists (cycles are found across windows, by the scenario)."""
        return [
            (("windows", k), f"unknown window {ref!r}{did_you_mean(ref, ctx.window_names)}")
            for k, ref in enumerate(self.windows)
            if ref not in ctx.window_names
        ]

    def openings(self, ctx: WindowContext) -> np.ndarray:
        """Intersection or union of the combined windows' tables."""
        tables = [ctx.tables[ref] for ref in self.windows]
        return intersect_intervals(tables) if self.type == "all_of" else union_intervals(tables)

    def standalone(self, epoch: datetime, site: Site | None, rename: Callable[[str], str]) -> Self:
        """The combined windows renamed."""
        return self.model_copy(update={"windows": [rename(w) for w in self.windows]})
