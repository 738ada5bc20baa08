"""``type: ground_station``: the Moon above an elevation mask from any of a list of Earth stations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, Literal, Self

import numpy as np
from pydantic import Field

from sim.sky.intervals import WindowTable, intersect_intervals
from sim.sky.stations import Station, earth_visible_openings, station_openings
from sim.sky.windows.base import CheckContext, Problem, Site, WindowContext, WindowType
from sim.sky.windows.geo import EarthSite, cached_openings


class GroundStationWindow(WindowType):
    """The Moon in view of a ground network (and, optionally, the Earth in view of the lunar site)."""

    type: Literal["ground_station"]
    stations: list[EarthSite] = Field(min_length=1)
    min_elevation_deg: float = Field(default=10.0, ge=-5, le=89)
    earth_from_site: bool = Field(default=False, description="also require the Earth above the lunar site's horizon")
    site: Site | None = Field(default=None, description="for earth_from_site; defaults to the scenario's site")
    note: str | None = None

    docs: ClassVar[str] = """\
### `type: ground_station`

Open while the Moon's centre is at least `min_elevation_deg` above the geodetic horizon of ANY of
the listed Earth stations (WGS84, no refraction; DE421 via skyfield). With `earth_from_site:
true` the Earth's centre must also be above the horizon of the lunar site (spherical Moon): a
far-side site never sees the Earth, a near-side one always does.

| field | meaning |
|---|---|
| `stations` | Earth stations, each `lat_deg`, `lon_deg` (geodetic, east), optional `name`, `height_m`; at least one |
| `min_elevation_deg` | elevation mask at the stations, degrees (default 10) |
| `earth_from_site` | also require the Earth in view from the lunar site (default false) |
| `site` | the lunar site for `earth_from_site`; the scenario's `site` when absent |

```yaml
deep_space_network:
  type: ground_station
  min_elevation_deg: 10
  stations:
    - {name: Kashi, lat_deg: 39.5, lon_deg: 76.0}
    - {name: Jiamusi, lat_deg: 46.5, lon_deg: 130.8}
    - {name: Neuquen, lat_deg: -38.2, lon_deg: -70.1}
```
"""

    def check(self, ctx: CheckContext) -> list[Problem]:
        """A lunar site when the Earth must be seen from it."""
        if self.earth_from_site and self.site is None and ctx.site is None:
            return [(("earth_from_site",), "needs a lunar site: add 'site:' to the window or to the scenario")]
        return []

    def openings(self, ctx: WindowContext) -> np.ndarray:
        """Union over the stations, intersected with the Earth's visibility from the site if asked."""
        net = [
            Station(s.name or f"station {k + 1}", s.lat_deg, s.lon_deg, s.height_m) for k, s in enumerate(self.stations)
        ]

        def compute(ref: datetime, lo: float, hi: float) -> np.ndarray:
            eph = ctx.ephemeris()
            return station_openings(eph, net, ref, lo, hi, min_elevation_deg=self.min_elevation_deg)

        key = (self.kind, tuple((s.lat_deg, s.lon_deg, s.height_m) for s in self.stations), self.min_elevation_deg)
        iv = cached_openings(ctx, key, compute)
        if not self.earth_from_site:
            return iv
        site = self.site or ctx.site
        assert site is not None  # check() reported it

        def earth_up(ref: datetime, lo: float, hi: float) -> np.ndarray:
            return earth_visible_openings(
                ctx.ephemeris(), site.lat_deg, site.lon_deg, ref, lo, hi, min_elevation_deg=0.0
            )

        seen = cached_openings(ctx, ("earth_from_site", site.lat_deg, site.lon_deg), earth_up)
        return intersect_intervals([WindowTable.from_intervals(ctx.name, x, ctx.horizon_s) for x in (iv, seen)])

    def standalone(self, epoch: datetime, site: Site | None, rename: Callable[[str], str]) -> Self:
        """The scenario's site becomes the window's own."""
        return self if self.site is not None else self.model_copy(update={"site": site})
