"""``type: earth_return``: departure opportunities from lunar orbit for a landing at an Earth site."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

import numpy as np

from sim.fields import SecondsDuration
from sim.sky.earth_return import return_openings
from sim.sky.windows.base import CheckContext, Problem, WindowContext, WindowType
from sim.sky.windows.geo import EarthSite, cached_openings
from sim.timebase import DAY_S


class EarthReturnWindow(WindowType):
    """Return departures before each declination extreme of the Moon opposite the landing site."""

    type: Literal["earth_return"]
    landing_site: EarthSite
    open_before: SecondsDuration = 3.0 * DAY_S
    close_before: SecondsDuration = 0.0
    lead: SecondsDuration = 0.0
    note: str | None = None

    docs: ClassVar[str] = """\
### `type: earth_return`

Departure opportunities from lunar orbit for a capsule landing at an Earth site, from the Moon's
geocentric declination (JPL DE421). A return trajectory's perigee lies roughly opposite the
Moon, so a northern landing site needs the Moon south: one opportunity per tropical month
(27.32 d), in the days before the Moon's southern declination extreme (its northern extreme for
a southern site). Every Chang'e return to Siziwang Banner left 0-3 days before it: the default
`open_before: 3d`, `close_before: 0s`. The rule, its evidence and its limits are in
docs/windows.md.

| field | meaning |
|---|---|
| `landing_site` | the Earth landing site: `lat_deg`, `lon_deg` (geodetic, east), optional `name`, `height_m` |
| `open_before` | the escape burn may start this long before the extreme (default 3d) ... |
| `close_before` | ... until this long before it (default 0s; less than `open_before`) |
| `lead` | time from the waiting phase to the escape burn (default 0s): openings move this much earlier |

```yaml
tei_window:
  type: earth_return
  landing_site: {name: Siziwang Banner, lat_deg: 42.0, lon_deg: 111.5}
  lead: 24h
```
"""

    def check(self, ctx: CheckContext) -> list[Problem]:
        """``close_before`` < ``open_before``; a non-negative lead."""
        problems: list[Problem] = []
        if not self.close_before < self.open_before:
            problems.append((("close_before",), "must be less than open_before"))
        if self.close_before < 0 or self.lead < 0:
            problems.append((("lead" if self.lead < 0 else "close_before",), "must be >= 0"))
        return problems

    def openings(self, ctx: WindowContext) -> np.ndarray:
        """One opening per tropical month (``sim.sky.earth_return.return_openings``)."""

        def compute(ref: datetime, lo: float, hi: float) -> np.ndarray:
            eph = ctx.ephemeris()
            return return_openings(
                eph,
                ref,
                lo,
                hi,
                site_lat_deg=self.landing_site.lat_deg,
                open_before_s=self.open_before,
                close_before_s=self.close_before,
                lead_s=self.lead,
            )

        key = (self.kind, self.landing_site.lat_deg >= 0.0, self.open_before, self.close_before, self.lead)
        return cached_openings(ctx, key, compute)
