"""Chart style that follows the user's matplotlib settings, and date axes that always name month and year.

Every chart takes its ink (text, flown markers, outlines) and its grid, band and font sizes from
``matplotlib.rcParams`` at draw time, so ``plt.style.use("dark_background")`` or a house style
sheet applies: nothing here is black-on-white by assumption. Font sizes are relative names
(``"small"``, ``"x-small"``) that scale with ``font.size``. Only the phase-kind colours are fixed
(``sim.plots.gantt.KIND_COLOURS``): they carry meaning, one hue family per part of the mission.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

#: Relative font sizes (matplotlib names): they follow rcParams["font.size"].
LABEL_SIZE = "x-small"
TICK_SIZE = "small"
LANE_SIZE = "small"
TITLE_SIZE = "medium"


def ink() -> Any:
    """The colour of text and of drawn facts such as flown times: rcParams ``text.color``."""
    from matplotlib import rcParams

    return rcParams["text.color"]


def soft_ink(alpha: float = 0.75) -> tuple[float, float, float, float]:
    """``ink()`` a little lighter (duration labels, lane names), as RGBA."""
    from matplotlib.colors import to_rgba

    return to_rgba(ink(), alpha)


def band(alpha: float = 0.06) -> tuple[float, float, float, float]:
    """The shading of alternate lanes: the ink colour, nearly transparent (works on dark styles)."""
    from matplotlib.colors import to_rgba

    return to_rgba(ink(), alpha)


def grid() -> Any:
    """The grid colour of the current style."""
    from matplotlib import rcParams

    return rcParams["grid.color"]


def background() -> Any:
    """The axes face colour of the current style (used to punch out wait bars)."""
    from matplotlib import rcParams

    return rcParams["axes.facecolor"]


def title_y() -> float:
    """The height of an axes title (axes fraction) for a chart whose x ticks are at the bottom:
    ``rcParams["axes.titley"]``, else 1.0, where matplotlib's automatic placement puts it then.
    Given explicitly, the title is not re-placed at every draw, which measures every tick label of
    both axes four to five times per saved figure (~0.05 s on the change5 Gantt's 34 rows)."""
    from matplotlib import rcParams

    y = rcParams["axes.titley"]
    return 1.0 if y is None else float(y)


def place_legend(ax: Any, handles: list[Any], own: bool, *, ncol: int = 6, fontsize: str = LABEL_SIZE) -> None:
    """The legend under the chart when the figure is ours (``own``: constrained layout keeps it
    inside), beside the axes in a caller's subplot (never over a neighbouring one)."""
    if own:
        ax.figure.legend(
            handles=handles, loc="outside lower center", ncol=min(ncol, len(handles)), fontsize=fontsize, frameon=False
        )
    else:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0,
            fontsize=fontsize,
            frameon=False,
        )


def zone_label(tz: tzinfo, when: datetime) -> str:
    """``UTC`` or ``Asia/Shanghai (UTC+08:00)``: the axis label of a time zone."""
    if tz is UTC:
        return "UTC"
    offset = when.astimezone(tz).strftime("%z")
    return f"{tz} (UTC{offset[:3]}:{offset[3:]})"


def date_axis(axis: Any, tz: tzinfo = UTC, *, minticks: int = 4, maxticks: int = 12) -> None:
    """Date ticks that always say which month and which year: ``08 May``, ``15 May``, ``01 Jun`` with
    ``2024`` beside the axis (``2020-2021`` when the ticks span two years); month ticks ``Jul``,
    ``Aug`` with the year; hour ticks ``06:00`` with the day at midnight (``02 Jun``)."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(tz=tz, minticks=minticks, maxticks=maxticks)
    axis.set_major_locator(locator)
    axis.set_major_formatter(YearDateFormatter(locator, tz=tz))


def _concise() -> type:
    import matplotlib.dates as mdates

    return mdates.ConciseDateFormatter


class YearDateFormatter(_concise()):  # type: ignore[misc]
    """ConciseDateFormatter whose day ticks carry their month and whose offset is always the year
    (or the span of years) of the ticks shown."""

    def __init__(self, locator: Any, tz: tzinfo = UTC) -> None:
        super().__init__(
            locator,
            tz=tz,
            # levels: years, months, days, hours, minutes, seconds
            formats=["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%H:%M:%S"],
            zero_formats=["", "%b", "%d %b", "%d %b", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y", "%Y", "%Y", "%Y", "%Y"],
        )
        self._zone = tz

    def format_ticks(self, values: Any) -> list[str]:
        """Tick labels; remembers the years the ticks span for the offset."""
        import matplotlib.dates as mdates

        labels: list[str] = super().format_ticks(values)
        years = sorted({mdates.num2date(v, tz=self._zone).year for v in values})
        # ticks that are years already say it; any other ticks get the year(s) beside the axis
        self._years = (years[0], years[-1]) if years and not all(t.isdigit() for t in labels if t) else None
        return labels

    def get_offset(self) -> str:
        """The year of the ticks (``2020-2021`` when they span two), unless the ticks are years."""
        years = getattr(self, "_years", None)
        if years is None:
            return str(super().get_offset())
        return str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"
