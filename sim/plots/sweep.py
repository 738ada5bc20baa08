"""Charts of a sweep (a typed ``SweepResult``): a line for one varied key, a heatmap for two.

The line chart puts the varied value on x and the end of the milestone (or of the mission) on y,
as UTC dates: the P50 line, the P80 line and the P10-P90 band; failed variants are marked on
the x axis. For a launch-date sweep with ``--milestone landing`` this is landing date vs launch
date. The heatmap shows the P50 of the milestone (or mission) in hours after each variant's
epoch, the first key on y and the second on x; failed cells are grey and crossed.

The charts read the typed rows (aware UTC datetimes, seconds) and never parse a string; a saved
``--json`` document is accepted too and read into the same types first (``SweepResult.from_dict``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.plots import style
from sim.plots.figures import axes_or_new, date_axis
from sim.results.sweep_types import Axis, EndSpread, SweepResult, VariantRow
from sim.timebase import HOUR_S

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FAILED_COLOUR = "#a50f15"
ANNOTATE_MAX_CELLS = 300
MAX_TICKS = 16


def _subtitle(study: SweepResult) -> str:
    """The second and third title lines (two short lines, so a narrow heatmap keeps its title whole)."""
    return (
        f"{study.replications:,} replications per variant,\nseed {study.seed} for every variant (common random numbers)"
    )


def _key_name(key: str) -> str:
    """An axis's name: ``epoch`` is the launch date (T0); any other key is its --set path."""
    return "launch date (T0)" if key == "epoch" else key


def _what(study: SweepResult) -> str:
    return f"end of {study.milestone}" if study.milestone else "mission end"


def _spread(row: VariantRow, study: SweepResult) -> EndSpread | None:
    """The end spread of the milestone (when the study has one) or of the mission."""
    if study.milestone:
        return row.milestone.end if row.milestone else None
    return row.end


def axis_values(axis: Axis) -> tuple[np.ndarray, str, list[str] | None]:
    """Plot positions of an axis's values, the unit label, and tick labels for text values.

    Dates become matplotlib date numbers, durations hours, numbers floats; text values are
    placed at 0, 1, 2, ... with their text as labels.
    """
    import matplotlib.dates as mdates

    if axis.kind == "date":
        return np.array(mdates.date2num(axis.dates_utc)), "UTC", None
    if axis.kind == "duration":
        return np.array(axis.durations_s) / HOUR_S, "h", None
    if axis.kind == "number":
        return np.array(axis.numbers), "", None
    return np.arange(len(axis.values), dtype=float), "", list(axis.values)


def _date_nums(times: list[datetime | None]) -> np.ndarray:
    import matplotlib.dates as mdates

    return np.array([mdates.date2num(t) if t is not None else np.nan for t in times], dtype=float)


def line(study: SweepResult, *, ax: Axes | None = None) -> Axes:
    """One varied key: the milestone's (or mission's) end date against the varied value, P10-P90 band."""
    (axis,) = study.axes
    rows = study.variants
    x, unit, labels = axis_values(axis)
    spreads = [_spread(r, study) for r in rows]
    ys = {q: _date_nums([b.utc(q) if b else None for b in spreads]) for q in (10, 50, 80, 90)}
    ax = axes_or_new(ax, (10, 5.5))
    ax.fill_between(x, ys[10], ys[90], color="#9ecae1", alpha=0.6, lw=0, label="P10-P90")
    ax.plot(x, ys[50], color="#08519c", lw=2, marker="o", ms=3, label="P50")
    ax.plot(x, ys[80], color="#d94801", lw=1.2, ls="--", label="P80")
    failed = np.array([r.error is not None for r in rows])
    if failed.any():
        ax.plot(
            x[failed],
            np.zeros(int(failed.sum())),
            ls="none",
            marker="x",
            ms=8,
            mew=2,
            color=FAILED_COLOUR,
            transform=ax.get_xaxis_transform(),
            clip_on=False,
            label=f"failed ({int(failed.sum())}; see the rows' error)",
        )
    date_axis(ax.yaxis)
    if axis.kind == "date":
        date_axis(ax.xaxis)
    elif labels is not None:
        step = max(1, len(labels) // MAX_TICKS + (len(labels) % MAX_TICKS > 0))
        ax.set_xticks(x[::step], labels[::step], rotation=30, ha="right")
    name = _key_name(axis.key)
    ax.set_xlabel(f"{name} ({unit})" if unit else name)
    ax.set_ylabel(f"{_what(study)} (UTC)")
    ax.grid(color=style.grid(), lw=0.6)
    ax.legend(loc="upper left", frameon=False)
    ax.set_title(
        f"{study.name}: {_what(study)} vs {_key_name(axis.key)}\n{_subtitle(study)}",
        loc="left",
        fontsize=style.TITLE_SIZE,
    )
    return ax


def _tick_labels(axis: Axis) -> list[str]:
    if axis.kind == "date":
        times = axis.dates_utc
        midnight = all(t.hour == 0 and t.minute == 0 and t.second == 0 for t in times)
        return [t.strftime("%Y-%m-%d" if midnight else "%m-%d %H:%M") for t in times]
    return list(axis.values)


def heatmap(study: SweepResult, *, ax: Axes | None = None) -> Axes:
    """Two varied keys: P50 of the milestone (or mission) in hours after the epoch, one cell per variant."""
    import matplotlib.pyplot as plt

    first, second = study.axes
    n_y, n_x = len(first.values), len(second.values)
    z = np.full((n_y, n_x), np.nan)
    for k, r in enumerate(study.variants):  # grid order: the second key changes fastest
        b = _spread(r, study)
        if b:
            z[k // n_x, k % n_x] = round(b.p50_s / HOUR_S, 3)
    ax = axes_or_new(ax, (max(6.0, 1.0 + 0.45 * n_x), max(4.0, 1.8 + 0.35 * n_y)))
    cmap = plt.get_cmap("viridis").with_extremes(bad="#d9d9d9")
    image = ax.imshow(np.ma.masked_invalid(z), origin="lower", aspect="auto", cmap=cmap, interpolation="nearest")
    bar = ax.figure.colorbar(image, ax=ax, label=f"P50 {_what(study)}, hours after the epoch")
    bar.ax.ticklabel_format(useOffset=False)  # whole hours on the ticks: an offset (+1.207e3) hit the title
    finite = z[np.isfinite(z)]
    mid = float((finite.min() + finite.max()) / 2) if finite.size else 0.0
    annotate = n_x * n_y <= ANNOTATE_MAX_CELLS
    for (i, j), v in np.ndenumerate(z):
        if not np.isfinite(v):
            ax.text(j, i, "×", ha="center", va="center", color=FAILED_COLOUR, fontsize=style.TICK_SIZE)
        elif annotate:
            ax.text(
                j,
                i,
                f"{v:.0f}",
                ha="center",
                va="center",
                fontsize=style.LABEL_SIZE,
                color="white" if v < mid else "black",
            )
    for set_ticks, spec, n in ((ax.set_xticks, second, n_x), (ax.set_yticks, first, n_y)):
        labels = _tick_labels(spec)
        step = max(1, -(-n // MAX_TICKS))
        positions = np.arange(n)[::step]
        set_ticks(positions, [labels[p] for p in positions])
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    ax.set_xlabel(_key_name(second.key) + (" (UTC)" if second.kind == "date" else ""))
    ax.set_ylabel(_key_name(first.key) + (" (UTC)" if first.kind == "date" else ""))
    failed = int(np.isnan(z).sum())
    note = f"; × = failed ({failed})" if failed else ""
    ax.set_title(
        f"{study.name}: P50 {_what(study)} (h after the epoch){note}\n{_subtitle(study)}",
        loc="left",
        fontsize=style.TITLE_SIZE,
    )
    return ax


def sweep_chart(study: SweepResult | Mapping[str, Any], *, ax: Axes | None = None) -> Axes:
    """The chart of a study: ``line`` for one varied key, ``heatmap`` for two.

    ``study`` is the typed result (``sim.study.sweep.sweep``), or a ``lunarsim sweep --json``
    document, read into the typed result first.

    Raises:
        ValueError: the study varies more than two keys.
    """
    if not isinstance(study, SweepResult):
        study = SweepResult.from_dict(study)
    n = len(study.axes)
    if n == 1:
        return line(study, ax=ax)
    if n == 2:
        return heatmap(study, ax=ax)
    raise ValueError(f"a sweep chart shows one or two varied keys, not {n}")
