"""``type: relay``: a relay satellite on a Keplerian lunar orbit in view of the lunar site."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, Literal, Self

import numpy as np
from pydantic import Field

from sim.fields import StrictModel, UTCTime
from sim.sky.ephemeris import MOON_RADIUS_KM
from sim.sky.relay import KeplerOrbit, relay_openings
from sim.sky.windows.base import CheckContext, Problem, Site, WindowContext, WindowType
from sim.sky.windows.geo import cached_openings


class OrbitElements(StrictModel):
    """Keplerian elements of a lunar orbit; frame: the Moon body-fixed frame frozen at ``epoch``."""

    periapsis_km: float | None = Field(default=None, gt=0, description="periapsis altitude above R = 1737.4 km")
    apoapsis_km: float | None = Field(default=None, gt=0, description="apoapsis altitude above R = 1737.4 km")
    semi_major_axis_km: float | None = Field(default=None, gt=0)
    eccentricity: float | None = Field(default=None, ge=0, lt=1)
    inclination_deg: float = Field(ge=0, le=180, description="to the lunar equator")
    arg_periapsis_deg: float = Field(ge=-360, le=360, description="90 puts the apoapsis over the south")
    raan_deg: float = Field(ge=-360, le=360, description="selenographic east longitude of the ascending node at epoch")
    mean_anomaly_deg: float = Field(default=0.0, ge=-360, le=360, description="at epoch")
    epoch: UTCTime

    def orbit(self) -> KeplerOrbit:
        """The ``KeplerOrbit`` (call only after ``problems()`` found nothing)."""
        common = {
            "inc_deg": self.inclination_deg,
            "raan_deg": self.raan_deg,
            "argp_deg": self.arg_periapsis_deg,
            "mean_anomaly_deg": self.mean_anomaly_deg,
            "epoch": self.epoch,
        }
        if self.periapsis_km is not None and self.apoapsis_km is not None:
            return KeplerOrbit.from_altitudes(self.periapsis_km, self.apoapsis_km, **common)  # type: ignore[arg-type]
        assert self.semi_major_axis_km is not None and self.eccentricity is not None
        return KeplerOrbit(
            self.semi_major_axis_km,
            self.eccentricity,
            self.inclination_deg,
            self.raan_deg,
            self.arg_periapsis_deg,
            self.mean_anomaly_deg,
            self.epoch,
        )

    def problems(self) -> list[Problem]:
        """Exactly one size-and-shape pair, and a periapsis above the surface."""
        by_altitude = self.periapsis_km is not None or self.apoapsis_km is not None
        by_axis = self.semi_major_axis_km is not None or self.eccentricity is not None
        if by_altitude == by_axis:
            return [((), "give periapsis_km and apoapsis_km, or semi_major_axis_km and eccentricity")]
        if by_altitude and (self.periapsis_km is None or self.apoapsis_km is None):
            return [((), "give both periapsis_km and apoapsis_km")]
        if by_axis and (self.semi_major_axis_km is None or self.eccentricity is None):
            return [((), "give both semi_major_axis_km and eccentricity")]
        if by_altitude and self.apoapsis_km < self.periapsis_km:  # type: ignore[operator]
            return [(("apoapsis_km",), "must be >= periapsis_km")]
        if by_axis and self.semi_major_axis_km * (1 - self.eccentricity) <= MOON_RADIUS_KM:  # type: ignore[operator]
            return [(("semi_major_axis_km",), "the periapsis is inside the Moon (R = 1737.4 km)")]
        return []


class RelayWindow(WindowType):
    """A relay on a Keplerian lunar orbit above the site's elevation mask, itself seeing the Earth."""

    type: Literal["relay"]
    orbit: OrbitElements
    min_elevation_deg: float = Field(default=5.0, ge=-5, le=89)
    earth_visible: bool = Field(default=True, description="the relay must also see the Earth's centre")
    site: Site | None = Field(default=None, description="defaults to the scenario's site")
    note: str | None = None

    docs: ClassVar[str] = """\
### `type: relay`

A relay satellite on a two-body Keplerian lunar orbit (GM 4902.800 km^3/s^2, no perturbations),
open while it is at least `min_elevation_deg` above the site's horizon (spherical Moon) and,
with `earth_visible` (default), itself sees the Earth's centre past the lunar limb. Elements are
in the **Moon body-fixed frame (IAU 2009) frozen at the element `epoch`**: the node is at
selenographic longitude `raan_deg` at that instant, and the Moon then turns under the fixed
plane. Equations and limits: docs/windows.md.

| field | meaning |
|---|---|
| `orbit` | `periapsis_km` and `apoapsis_km` (altitudes), or `semi_major_axis_km` and `eccentricity`; `inclination_deg`, `arg_periapsis_deg`, `raan_deg`, `mean_anomaly_deg` (default 0), `epoch` |
| `min_elevation_deg` | elevation mask at the site, degrees (default 5) |
| `earth_visible` | the relay must see the Earth (default true) |
| `site` | a [site](#site) for this window; the scenario's `site` when absent |

```yaml
relay:
  type: relay
  min_elevation_deg: 5
  orbit:
    periapsis_km: 200
    apoapsis_km: 16000
    inclination_deg: 62.4
    arg_periapsis_deg: 90
    raan_deg: 0
    mean_anomaly_deg: 0
    epoch: 2024-04-02T00:00Z
```
"""  # noqa: E501 - markdown table rows are long

    def check(self, ctx: CheckContext) -> list[Problem]:
        """A site, and a well-formed orbit."""
        problems = [(("orbit", *loc), msg) for loc, msg in self.orbit.problems()]
        if self.site is None and ctx.site is None:
            problems.append(((), "a relay window needs a site: add 'site:' to it or to the scenario"))
        return problems

    def openings(self, ctx: WindowContext) -> np.ndarray:
        """Passes from ``sim.sky.relay.relay_openings``, cached per block."""
        site = self.site or ctx.site
        assert site is not None  # check() reported it
        orbit = self.orbit.orbit()

        def compute(ref: datetime, lo: float, hi: float) -> np.ndarray:
            eph = ctx.ephemeris()
            return relay_openings(
                eph,
                orbit,
                site.lat_deg,
                site.lon_deg,
                ref,
                lo,
                hi,
                min_elevation_deg=self.min_elevation_deg,
                need_earth=self.earth_visible,
            )

        key = (self.kind, orbit, site.lat_deg, site.lon_deg, self.min_elevation_deg, self.earth_visible)
        return cached_openings(ctx, key, compute)

    def standalone(self, epoch: datetime, site: Site | None, rename: Callable[[str], str]) -> Self:
        """The scenario's site becomes the window's own."""
        return self if self.site is not None else self.model_copy(update={"site": site})
