"""Timeline chart of a scenario's windows: one row per window, its openings as bars on a UTC axis."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.plots import style
from sim.results.windows import WindowListing
from sim.timebase import DAY_S

_COLORS = {
    "earth_return": "tab:red",
    "relay": "tab:purple",
    "ground_station": "tab:green",
    "launch": "tab:orange",
    "lunar_daylight": "goldenrod",
    "periodic": "tab:blue",
    "explicit": "tab:brown",
    "all_of": "tab:gray",
    "any_of": "tab:gray",
}


def windows_chart(listing: WindowListing, ax: Any = None) -> Any:
    """Draw every window of ``listing`` as a row of bars (openings) on a UTC date axis.

    Args:
        listing: the windows and their openings.
        ax: a matplotlib ``Axes`` to draw on; a new figure when None.

    Returns:
        The ``Axes``.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    n = len(listing.windows)
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 1.2 + 0.45 * max(n, 1)), layout="constrained")
    base = mdates.date2num(listing.start)
    for row, w in enumerate(listing.windows):
        iv = w.openings_s
        if iv.size:
            starts = base + iv[:, 0] / DAY_S
            widths = np.maximum((iv[:, 1] - iv[:, 0]) / DAY_S, listing.span_s / DAY_S / 2000.0)
            ax.broken_barh(
                list(zip(starts, widths, strict=True)),
                (row - 0.35, 0.7),
                facecolors=_COLORS.get(w.type, "tab:blue"),
                edgecolor="none",
            )
    ax.set_yticks(range(n), [f"{w.name}\n({w.type})" for w in listing.windows], fontsize=style.LABEL_SIZE)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(base, base + listing.span_s / DAY_S)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="x", color="0.85", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel("UTC")
    ax.set_title(f"{listing.scenario_name} ({listing.scenario_id}): windows, openings as bars", loc="left")
    return ax
