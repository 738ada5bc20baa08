"""``type: launch``: daily launch windows from an Earth pad for a lunar transfer of a given length."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, Literal, Self

import numpy as np
from pydantic import PrivateAttr

from sim.fields import SecondsDuration
from sim.sky.launch import LaunchSite, check_limits, launch_openings
from sim.sky.windows.base import CheckContext, Problem, Site, WindowContext, WindowType
from sim.sky.windows.geo import EarthSite, cached_openings
from sim.timebase import DAY_S, from_utc


class LaunchWindow(WindowType):
    """Liftoff times whose launch plane holds the TLI point opposite the Moon at arrival."""

    type: Literal["launch"]
    pad: EarthSite
    transfer: SecondsDuration
    injection_arc_deg: tuple[float, float]
    azimuth_deg: tuple[float, float] = (0.0, 360.0)
    search: SecondsDuration = 60.0 * DAY_S
    note: str | None = None
    # the epoch `search` counts from when it is not the run's T0 (a mission inside a program file)
    _search_from: datetime | None = PrivateAttr(default=None)

    docs: ClassVar[str] = """\
### `type: launch`

Daily launch windows for a lunar transfer. The trans-lunar injection (TLI) point is the transfer
orbit's perigee, opposite the Moon's position at arrival (`transfer` after liftoff). The launch
plane must hold both the pad at liftoff and that point; the window is open while the arc along
it from the pad to the TLI point (`injection_arc_deg`, set by the ascent and the coast before
TLI) and the launch azimuth (`azimuth_deg`, the range-safety corridor) are inside their limits.
Equations and the Chang'e checks: docs/windows.md.

| field | meaning |
|---|---|
| `pad` | the launch site: `lat_deg`, `lon_deg` (geodetic, east), optional `name` |
| `transfer` | liftoff to arrival at the Moon (e.g. `112h`) |
| `injection_arc_deg` | `[min, max]` arc from the pad to the TLI point along the launch plane, degrees |
| `azimuth_deg` | `[min, max]` launch azimuth from north through east, degrees (default any) |
| `search` | openings are computed this far after the mission's own epoch, also in a program (default 60d) |

```yaml
launch_window:
  type: launch
  pad: {name: Wenchang, lat_deg: 19.614, lon_deg: 110.951}
  transfer: 112h
  injection_arc_deg: [105, 120]
  azimuth_deg: [90, 120]
```
"""

    def check(self, ctx: CheckContext) -> list[Problem]:
        """Ordered limits in range and a positive transfer."""
        problems: list[Problem] = [(("injection_arc_deg",), m) for m in check_limits(self.injection_arc_deg, (0, 360))]
        problems += [(("azimuth_deg",), m) for m in check_limits((0, 1), self.azimuth_deg)]
        if self.transfer <= 0:
            problems.append((("transfer",), "must be > 0"))
        if self.search <= 0:
            problems.append((("search",), "must be > 0"))
        return problems

    def openings(self, ctx: WindowContext) -> np.ndarray:
        """``sim.sky.launch.launch_openings``, cached per block."""
        pad = LaunchSite(self.pad.name or "pad", self.pad.lat_deg, self.pad.lon_deg)

        def compute(ref: datetime, lo: float, hi: float) -> np.ndarray:
            eph = ctx.ephemeris()
            return launch_openings(
                eph,
                pad,
                ref,
                lo,
                hi,
                transfer_s=self.transfer,
                arc_deg=self.injection_arc_deg,
                azimuth_deg=self.azimuth_deg,
            )

        key = (self.kind, pad, self.transfer, self.injection_arc_deg, self.azimuth_deg)
        start_s = 0.0 if self._search_from is None else from_utc(ctx.epoch, self._search_from)
        return cached_openings(ctx, key, compute, end_s=min(ctx.horizon_s, start_s + self.search), start_s=start_s)

    def standalone(self, epoch: datetime, site: Site | None, rename: Callable[[str], str]) -> Self:
        """``search`` counts from the mission's ``epoch``, not from the program's start."""
        copy = self.model_copy()
        copy._search_from = epoch
        return copy
