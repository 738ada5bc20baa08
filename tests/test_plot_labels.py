"""``PointLabel`` (sim/plots/labels.py) is the Gantt's duration label: the text ``annotate`` would
draw, at the same place, hidden like ``annotate``'s while its point is out of view (issue 16,
``gantt change5`` latency)."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from sim.plots.labels import PointLabel


def _pair(offset_pt: float, ha: str, xy: tuple[float, float] = (5.0, 0.5)) -> tuple[Any, Any, Any]:
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 1)
    kw: dict[str, Any] = {"va": "center", "ha": ha, "fontsize": "x-small", "zorder": 5}
    old = ax.annotate("1d 18h 24m", xy, xytext=(offset_pt, 0), textcoords="offset points", **kw)
    new = PointLabel(ax, xy, "1d 18h 24m", offset_pt, **kw)
    return fig, old, new


@pytest.mark.parametrize(("offset_pt", "ha"), [(4.0, "left"), (8.0, "left"), (-3.0, "right")])
@pytest.mark.parametrize("dpi", [100, 150])
def test_drawn_where_annotate_draws_it(offset_pt: float, ha: str, dpi: int) -> None:
    fig, old, new = _pair(offset_pt, ha)
    fig.set_dpi(dpi)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    want, got = old.get_window_extent(renderer), new.get_window_extent(renderer)
    assert np.allclose(got.bounds, want.bounds, atol=1e-6)
    assert got.width > 20 and (got.x0 > fig.axes[0].transData.transform((5, 0))[0]) == (offset_pt > 0)
    assert new in fig.axes[0].texts and new.get_text() == "1d 18h 24m"
    plt.close(fig)


def test_same_pixels_as_annotate() -> None:
    """The label alone, drawn both ways: the same image."""
    images = []
    for which in ("old", "new"):
        fig, old, new = _pair(4.0, "left")
        (new if which == "old" else old).remove()
        fig.canvas.draw()
        images.append(np.asarray(fig.canvas.buffer_rgba()).copy())  # type: ignore[attr-defined]
        plt.close(fig)
    assert np.array_equal(images[0], images[1])


@pytest.mark.parametrize(
    ("xlim", "ylim", "shown"),
    [((0, 10), (0, 1), True), ((6, 10), (0, 1), False), ((0, 4), (0, 1), False), ((0, 5), (0, 1), True),
     ((0, 10), (0.6, 1), False), ((10, 0), (1, 0), True)],
)  # fmt: skip
@pytest.mark.parametrize("which", ["annotate", "PointLabel"])
def test_hidden_while_its_point_is_out_of_view(xlim: Any, ylim: Any, shown: bool, which: str) -> None:
    """Out of view, the label is neither drawn nor part of the tight box (as annotate's); a point on
    the view's edge (a --to limit) counts as inside; inverted axes work."""
    fig, old, new = _pair(4.0, "left")
    label = new if which == "PointLabel" else old
    (old if label is new else new).remove()
    ax = fig.axes[0]
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    images = []
    for visible in (True, False):
        label.set_visible(visible)
        fig.canvas.draw()
        images.append(np.asarray(fig.canvas.buffer_rgba()).copy())  # type: ignore[attr-defined]
    assert (not np.array_equal(*images)) is shown  # drawn: the image differs from the one without it
    label.set_visible(True)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    assert bool(label.get_tightbbox(renderer).width > 0) is shown
    if label is new:
        assert new.in_view() is shown
    plt.close(fig)
