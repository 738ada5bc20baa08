"""``type: lunar_daylight``: the Sun's centre between elevation bounds at a lunar site."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import ClassVar, Literal, Self

import numpy as np
from pydantic import Field

from sim.sky import store
from sim.sky.ephemeris import SCAN_STEP_S
from sim.sky.windows.base import CheckContext, Problem, Site, WindowContext, WindowType
from sim.timebase import DAY_S


class DaylightWindow(WindowType):
    """Lunar daylight at a site: the Sun's centre between elevation bounds (degrees)."""

    type: Literal["lunar_daylight"]
    min_sun_elevation_deg: float = Field(default=0.0, ge=-90, le=90)
    max_sun_elevation_deg: float | None = Field(default=None, ge=-90, le=90)
    part: Literal["any", "morning", "afternoon"] = Field(
        default="any", description="morning = Sun rising (sunrise to local noon); afternoon = setting"
    )
    site: Site | None = Field(default=None, description="defaults to the scenario's site")
    note: str | None = None

    # The scan's grid (hourly from the epoch, then the span's end) and its extrema are the same
    # for any span a whole number of hours long except within ~2 steps of its end; a day is ample.
    tail_s: ClassVar[float] = DAY_S

    docs: ClassVar[str] = """\
### `type: lunar_daylight`

The Sun's elevation at a lunar site, from the offline JPL DE421 ephemeris and the IAU 2009 Moon
orientation model. Elevation is that of the Sun's centre above the local horizon of a spherical
Moon: **terrain and horizon masks are not modelled**, which matters near the poles (Chang'e 7
and 8), where the Sun stays within a few degrees of the horizon.

| field | meaning |
|---|---|
| `min_sun_elevation_deg` | open while the Sun is at least this high, degrees (default 0: from sunrise to sunset) |
| `max_sun_elevation_deg` | and at most this high, degrees (optional; must be >= the minimum) |
| `part` | `any` (default), `morning` (the Sun rising: sunrise to local noon, as the Chang'e landers chose their landing times) or `afternoon` (the Sun setting) |
| `site` | a [site](#site) for this window; the scenario's `site` when absent |

```yaml
daylight: {type: lunar_daylight}
landing_light: {type: lunar_daylight, min_sun_elevation_deg: 5, max_sun_elevation_deg: 45, part: morning}
pole_sun:
  type: lunar_daylight
  min_sun_elevation_deg: 0.5
  site: {name: Shackleton ridge, lat_deg: -88.8, lon_deg: 123.4}
```
"""  # noqa: E501 - markdown table rows are long

    def check(self, ctx: CheckContext) -> list[Problem]:
        """A site (its own or the scenario's) and ordered elevation bounds."""
        problems: list[Problem] = []
        if self.site is None and ctx.site is None:
            problems.append(((), "a lunar_daylight window needs a site: add 'site:' to it or to the scenario"))
        if self.max_sun_elevation_deg is not None and self.max_sun_elevation_deg < self.min_sun_elevation_deg:
            problems.append((("max_sun_elevation_deg",), "must be >= min_sun_elevation_deg"))
        return problems

    def openings(self, ctx: WindowContext) -> np.ndarray:
        """The ephemeris's daylight scan at the site (``Ephemeris.daylight_intervals``), or the
        same table stored on disk by an earlier run (``sim.sky.store``)."""
        site = self.site or ctx.site
        assert site is not None  # check() reported it when the scenario was loaded
        key = self._stored_key(ctx)
        iv = store.load(key)
        if iv is None:
            iv = ctx.ephemeris().daylight_intervals(
                site.lat_deg,
                site.lon_deg,
                ctx.epoch,
                0.0,
                ctx.horizon_s,
                min_elevation_deg=self.min_sun_elevation_deg,
                max_elevation_deg=self.max_sun_elevation_deg,
                part=self.part,
            )
            store.save(key, iv)
        return iv

    def _stored_key(self, ctx: WindowContext) -> str | None:
        """The key of this window's table over ``ctx``'s span in ``sim.sky.store``: everything
        ``openings`` reads (the scan's grid starts at the epoch, so the epoch is part of it)."""
        site = self.site or ctx.site
        assert site is not None
        identity = ctx.kernel_identity()
        if identity is None:
            return None
        return store.stable_key(
            "lunar_daylight",
            identity,
            site.lat_deg,
            site.lon_deg,
            ctx.epoch.isoformat(),
            float(ctx.horizon_s),
            self.min_sun_elevation_deg,
            self.max_sun_elevation_deg,
            self.part,
            SCAN_STEP_S,
        )

    @classmethod
    def prepare(cls, windows: Sequence[DaylightWindow], ctx: WindowContext) -> None:
        """One scan and one bisection per site for all the windows' Sun-elevation levels
        (``prepare_levels``)."""
        prepare_levels(windows, ctx)

    def standalone(self, epoch: datetime, site: Site | None, rename: Callable[[str], str]) -> Self:
        """The scenario's site becomes the window's own."""
        return self if self.site is not None else self.model_copy(update={"site": site})


def prepare_levels(windows: Iterable[DaylightWindow], ctx: WindowContext) -> None:
    """Before computing several daylight windows over ``ctx``'s span: one scan and one bisection
    per site for all their elevation levels (``Ephemeris.prepare_daylight``); each window's
    ``openings`` then reuses them. Same openings, about a fifth of the ephemeris calls for
    change5's three daylight windows."""
    levels: dict[tuple[float, float], list[float]] = {}
    for w in windows:
        if store.exists(w._stored_key(ctx)):  # its openings come from disk: no scan for it
            continue
        site = w.site or ctx.site
        assert site is not None  # check() reported it
        bounds = (
            [w.min_sun_elevation_deg]
            if w.max_sun_elevation_deg is None
            else [
                w.min_sun_elevation_deg,
                w.max_sun_elevation_deg,
            ]
        )
        levels.setdefault((site.lat_deg, site.lon_deg), []).extend(bounds)
    for (lat_deg, lon_deg), at in levels.items():
        ctx.ephemeris().prepare_daylight(lat_deg, lon_deg, ctx.epoch, 0.0, ctx.horizon_s, at)
