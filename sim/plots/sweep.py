"""Charts of a sweep (the JSON of ``lunarsim sweep --json``): a line for one varied key, a heatmap for two.

The line chart puts the varied value on x and the end of the milestone (or of the mission) on y,
as UTC dates: the P50 line, the P80 line and the P10-P90 band; failed variants are marked on
the x axis. For a launch-date sweep with ``--milestone landing`` this is landing date vs launch
date. The heatmap shows the P50 of the milestone (or mission) in hours after each variant's
epoch, the first key on y and the second on x; failed cells are grey and crossed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.plots.figures import axes_or_new, date_axis
from sim.timebase import HOUR_S, parse_duration, parse_utc

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FAILED_COLOUR = "#a50f15"
ANNOTATE_MAX_CELLS = 300
MAX_TICKS = 16


def _subtitle(study: Mapping[str, Any]) -> str:
    """The second and third title lines (two short lines, so a narrow heatmap keeps its title whole)."""
    return (
        f"{study['replications']:,} replications per variant,\nseed {study['seed']} for every variant "
        "(common random numbers)"
    )


def _key_name(key: str) -> str:
    """An axis's name: ``epoch`` is the launch date (T0); any other key is its --set path."""
    return "launch date (T0)" if key == "epoch" else key


def _what(study: Mapping[str, Any]) -> str:
    return f"end of {study['milestone']}" if study.get("milestone") else "mission end"


def _block(row: Mapping[str, Any], study: Mapping[str, Any], field: str) -> Mapping[str, Any] | None:
    """The percentiles ``field`` (``end`` or ``end_h``/``duration_h``) of the milestone or the mission."""
    if study.get("milestone"):
        m = row.get("milestone")
        return m.get(field) if m else None
    return row.get("duration_h" if field == "end_h" else field)


def axis_values(kind: str, values: Sequence[str]) -> tuple[np.ndarray, str, list[str] | None]:
    """Plot positions of an axis's values, the unit label, and tick labels for text values.

    Dates become matplotlib date numbers, durations hours, numbers floats; text values are
    placed at 0, 1, 2, ... with their text as labels.
    """
    import matplotlib.dates as mdates

    if kind == "date":
        return np.array(mdates.date2num([parse_utc(v) for v in values])), "UTC", None
    if kind == "duration":
        return np.array([parse_duration(v) / HOUR_S for v in values]), "h", None
    if kind == "number":
        return np.array([float(v) for v in values]), "", None
    return np.arange(len(values), dtype=float), "", list(values)


def line(study: Mapping[str, Any], *, ax: Axes | None = None) -> Axes:
    """One varied key: the milestone's (or mission's) end date against the varied value, P10-P90 band."""
    import matplotlib.dates as mdates

    (axis,) = study["vary"]
    key, kind = axis["key"], axis["kind"]
    rows = study["variants"]
    x, unit, labels = axis_values(kind, [r["values"][key] for r in rows])
    ys = {}
    for q in (10, 50, 80, 90):
        ys[q] = np.array(
            [mdates.date2num(parse_utc(b[f"p{q}"])) if (b := _block(r, study, "end")) else np.nan for r in rows]
        )
    ax = axes_or_new(ax, (10, 5.5))
    ax.fill_between(x, ys[10], ys[90], color="#9ecae1", alpha=0.6, lw=0, label="P10-P90")
    ax.plot(x, ys[50], color="#08519c", lw=2, marker="o", ms=3, label="P50")
    ax.plot(x, ys[80], color="#d94801", lw=1.2, ls="--", label="P80")
    failed = np.array([r["error"] is not None for r in rows])
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
    if kind == "date":
        date_axis(ax.xaxis)
    elif labels is not None:
        step = max(1, len(labels) // MAX_TICKS + (len(labels) % MAX_TICKS > 0))
        ax.set_xticks(x[::step], labels[::step], rotation=30, ha="right")
    name = _key_name(key)
    ax.set_xlabel(f"{name} ({unit})" if unit else name)
    ax.set_ylabel(f"{_what(study)} (UTC)")
    ax.grid(color="#dddddd", lw=0.6)
    ax.legend(loc="upper left", frameon=False)
    ax.set_title(f"{study['name']}: {_what(study)} vs {_key_name(key)}\n{_subtitle(study)}", loc="left", fontsize=11)
    return ax


def _tick_labels(kind: str, values: Sequence[str]) -> list[str]:
    if kind == "date":
        times = [parse_utc(v) for v in values]
        midnight = all(t.hour == 0 and t.minute == 0 and t.second == 0 for t in times)
        return [t.strftime("%Y-%m-%d" if midnight else "%m-%d %H:%M") for t in times]
    return list(values)


def heatmap(study: Mapping[str, Any], *, ax: Axes | None = None) -> Axes:
    """Two varied keys: P50 of the milestone (or mission) in hours after the epoch, one cell per variant."""
    import matplotlib.pyplot as plt

    first, second = study["vary"]
    rows = study["variants"]
    n_y, n_x = first["count"], second["count"]
    z = np.full((n_y, n_x), np.nan)
    for k, r in enumerate(rows):  # grid order: the second key changes fastest
        b = _block(r, study, "end_h")
        if b:
            z[k // n_x, k % n_x] = b["p50"]
    ax = axes_or_new(ax, (max(6.0, 1.0 + 0.45 * n_x), max(4.0, 1.8 + 0.35 * n_y)))
    cmap = plt.get_cmap("viridis").with_extremes(bad="#d9d9d9")
    image = ax.imshow(np.ma.masked_invalid(z), origin="lower", aspect="auto", cmap=cmap, interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label=f"P50 {_what(study)}, hours after the epoch")
    finite = z[np.isfinite(z)]
    mid = float((finite.min() + finite.max()) / 2) if finite.size else 0.0
    annotate = n_x * n_y <= ANNOTATE_MAX_CELLS
    for (i, j), v in np.ndenumerate(z):
        if not np.isfinite(v):
            ax.text(j, i, "×", ha="center", va="center", color=FAILED_COLOUR, fontsize=10)
        elif annotate:
            ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7, color="white" if v < mid else "black")
    for set_ticks, spec, n in ((ax.set_xticks, second, n_x), (ax.set_yticks, first, n_y)):
        labels = _tick_labels(spec["kind"], [r["values"][spec["key"]] for r in rows[: n_x * n_y]])
        labels = labels[::n_x] if spec is first else labels[:n_x]
        step = max(1, -(-n // MAX_TICKS))
        positions = np.arange(n)[::step]
        set_ticks(positions, [labels[p] for p in positions])
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    ax.set_xlabel(_key_name(second["key"]) + (" (UTC)" if second["kind"] == "date" else ""))
    ax.set_ylabel(_key_name(first["key"]) + (" (UTC)" if first["kind"] == "date" else ""))
    failed = int(np.isnan(z).sum())
    note = f"; × = failed ({failed})" if failed else ""
    ax.set_title(
        f"{study['name']}: P50 {_what(study)} (h after the epoch){note}\n{_subtitle(study)}", loc="left", fontsize=11
    )
    return ax


def sweep_chart(study: Mapping[str, Any], *, ax: Axes | None = None) -> Axes:
    """The chart of a study: ``line`` for one varied key, ``heatmap`` for two.

    Raises:
        ValueError: the study varies more than two keys.
    """
    n = len(study["vary"])
    if n == 1:
        return line(study, ax=ax)
    if n == 2:
        return heatmap(study, ax=ax)
    raise ValueError(f"a sweep chart shows one or two varied keys, not {n}")
