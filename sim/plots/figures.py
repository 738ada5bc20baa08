"""Figure plumbing shared by the charts: a new axes when none is given, UTC date axes, atomic saving."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.outputs import write_atomic

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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
    """Save ``fig`` to ``path`` (format from the extension) atomically, then close it.

    Every format is framed as ``savefig(bbox_inches="tight")`` frames it: the box around everything
    drawn, plus ``rcParams["savefig.pad_inches"]``. A PNG is drawn once and cut to that box
    (``_png_drawn_once``); ``savefig`` would draw it twice, once to find the box. Each text is laid
    out once per save (``_text_layouts_cached``).
    """
    import matplotlib.pyplot as plt

    fmt = Path(path).suffix.lower().lstrip(".")
    _pin_empty_axis_labels(fig)

    def write(tmp: Path) -> None:
        with _text_layouts_cached():
            if fmt != "png" or not _png_drawn_once(fig, tmp, dpi):
                fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight")

    try:
        return write_atomic(path, write)
    finally:
        plt.close(fig)


@contextmanager
def _text_layouts_cached() -> Iterator[None]:
    """While saving: lay out each text once per renderer, not at every measurement.

    A save measures every text four to six times (two constrained-layout passes, the draw, the tight
    box; tick labels and legend entries more), and ``matplotlib.text.Text._get_layout`` redoes the
    whole layout each time: font lookup, font tables, line metrics (635 layouts of 108 distinct texts
    on the change5 Gantt; ~0.06 s of its ~0.7 s save). matplotlib itself kept such a cache up to 3.5
    (``Text._cached``). The key holds everything the layout reads (text, font, alignment, rotation,
    line spacing, math parsing, dpi, renderer), so a text changed between two measurements (a tick
    label given a new date) is laid out anew; texts that wrap or use TeX are never cached. The method
    is put back on exit, so nothing outside a save changes. Images are byte-identical to uncached
    ones (tests/test_save_figure.py). With a matplotlib that has no ``Text._get_layout``: no cache.
    """
    from matplotlib.text import Text

    layout: Callable[[Text, Any], Any] | None = Text.__dict__.get(_LAYOUT_METHOD)
    if layout is None or hasattr(layout, "cache"):  # no such method, or a save in a save: cached already
        yield
        return
    done: dict[tuple[Any, ...], Any] = {}

    def cached(text: Text, renderer: Any) -> Any:
        if text.get_wrap() or text.get_usetex():
            return layout(text, renderer)
        key = (
            renderer,  # held, so no later renderer takes its id
            getattr(text.figure, "dpi", None),
            text.get_text(),
            hash(text.get_fontproperties()),
            text.get_horizontalalignment(),
            text.get_verticalalignment(),
            text.get_rotation(),
            text.get_rotation_mode(),
            *(repr(getattr(text, name, None)) for name in _LAYOUT_ATTRIBUTES),
        )
        if key not in done:
            done[key] = layout(text, renderer)
        return done[key]

    cached.cache = done  # type: ignore[attr-defined]
    setattr(Text, _LAYOUT_METHOD, cached)
    try:
        yield
    finally:
        setattr(Text, _LAYOUT_METHOD, layout)


_LAYOUT_METHOD = "_get_layout"
#: Text attributes a layout reads besides those with public getters (some only in some versions).
_LAYOUT_ATTRIBUTES = ("_multialignment", "_linespacing", "_parse_math", "_language", "_features")


def _pin_empty_axis_labels(fig: Figure) -> None:
    """Give every empty axis label (a Gantt's y axis, whose ticks name the phases) a fixed place.

    An empty label draws nothing and takes no room (matplotlib drops zero-size boxes from layouts
    and tight boxes), but matplotlib places it anew at every layout pass and draw by measuring
    every tick label of its axis: three to five times per saved figure, ~0.08 s of the change5
    Gantt's 34 rows. The figure is saved and closed, so nobody sets a label afterwards."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.label.get_text():
                axis.set_label_coords(0.0, 0.0)


def _png_drawn_once(fig: Figure, path: Path, dpi: int) -> bool:
    """Write ``fig`` as a PNG at ``dpi`` from a single draw, framed as ``bbox_inches="tight"`` frames
    it; False (nothing written) when the frame reaches past the figure's edge (``savefig`` then
    draws what lies outside) or a ``savefig.*`` setting would change the drawing.

    The draw is the one ``savefig`` makes (a layout engine runs in it), on an Agg canvas of the whole
    figure; the tight box comes from that draw, and the image is that box plus the pad, cut from the
    canvas (pad outside the figure takes its face colour, as ``savefig`` paints it). Two differences
    from ``savefig``, neither visible: the box's edge is rounded to a whole pixel (``savefig`` shifts
    the drawing by the fraction, under half a pixel). The PNG (RGBA, as ``savefig``'s) is written
    straight from the canvas by ``sim.plots.png`` (rows filtered "Up", zlib level 1: a third of the
    time of Pillow's PNG writer, which ``savefig`` uses).
    """
    import matplotlib as mpl
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgba

    from sim.plots.png import write_png

    rc = mpl.rcParams
    pad_in = rc["savefig.pad_inches"]
    plain = all(isinstance(rc[k], str) and rc[k] == "auto" for k in ("savefig.facecolor", "savefig.edgecolor"))
    if not plain or rc["savefig.transparent"] or not isinstance(pad_in, int | float):
        return False
    original, original_dpi = fig.canvas, fig.dpi
    canvas = FigureCanvasAgg(fig)
    try:
        fig.dpi = dpi
        canvas.draw()
        tight = fig.get_tightbbox(canvas.get_renderer())  # inches
        rgba = np.asarray(canvas.buffer_rgba())
    finally:
        fig.dpi = original_dpi
        fig.set_canvas(original)
    height, width = rgba.shape[:2]
    x0, y0, x1, y1 = (v * dpi for v in tight.extents)  # pixels from the lower left
    if x0 < -0.5 or y0 < -0.5 or x1 > width + 0.5 or y1 > height + 0.5:
        return False  # something lies outside the figure: it was never drawn on this canvas
    box = tight.padded(pad_in)
    out_w, out_h = int(box.width * dpi), int(box.height * dpi)  # as Agg sizes savefig's canvas
    left, top = round(box.x0 * dpi), round(height - box.y0 * dpi) - out_h  # rows count from the top
    x_in, y_in = slice(max(left, 0), min(left + out_w, width)), slice(max(top, 0), min(top + out_h, height))
    out = rgba[y_in, x_in]  # a view of the canvas
    if out.shape[:2] != (out_h, out_w):  # the pad reaches past the figure: face colour there
        out = np.empty((out_h, out_w, 4), np.uint8)
        out[...] = np.round(np.asarray(to_rgba(fig.get_facecolor())) * 255).astype(np.uint8)
        out[y_in.start - top : y_in.stop - top, x_in.start - left : x_in.stop - left] = rgba[y_in, x_in]
    write_png(path, out, dpi, {"Software": f"Matplotlib version{mpl.__version__}, https://matplotlib.org/"})
    return True
