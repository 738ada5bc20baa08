"""Figure plumbing shared by the charts: a new axes when none is given, UTC date axes, atomic saving."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.outputs import write_atomic

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def axes_or_new(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new figure of ``size`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=size, layout="constrained").add_subplot()  # long labels are never clipped


def date_axis(axis: Any) -> None:
    """UTC date ticks on a matplotlib ``axis``: month on every tick, the year beside the axis
    (``sim.plots.style.date_axis``)."""
    from sim.plots.style import date_axis as styled

    styled(axis, UTC)


def save_figure(fig: Any, path: str | Path, *, dpi: int = 150) -> Path:
    """Save ``fig`` to ``path`` (format from the extension) atomically, then close it."""
    import matplotlib.pyplot as plt

    fmt = Path(path).suffix.lower().lstrip(".")
    try:
        return write_atomic(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight"))
    finally:
        plt.close(fig)
