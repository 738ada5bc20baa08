"""``save_figure`` writes a PNG from one draw, framed as ``savefig(bbox_inches="tight")`` frames it
(issue 16: ``gantt change5`` latency), and falls back to ``savefig`` whenever one draw cannot
give that frame."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from sim import load_scenario, simulate
from sim.plots import figures
from sim.plots.figures import save_figure
from sim.plots.gantt import gantt
from tests.conftest import SCENARIOS

DPI = 150


@pytest.fixture(scope="module")
def timeline() -> Any:
    return simulate(load_scenario(SCENARIOS / "change5.yaml"))


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGBA"))


def _info(path: Path) -> tuple[str, Any]:
    """The PNG's mode and dpi."""
    with Image.open(path) as im:
        return im.mode, im.info.get("dpi")


def _ink(rgba: np.ndarray, face: tuple[int, ...]) -> tuple[int, int]:
    """Row and column of the first pixel that is not the face colour (the top-left of the ink)."""
    rows, cols = np.nonzero((rgba != np.array(face, np.uint8)).any(axis=-1))
    return int(rows.min()), int(cols.min())


def test_png_is_the_whole_figure_drawn_once_in_the_tight_frame(timeline: Any, tmp_path: Path) -> None:
    """The Gantt PNG has savefig's tight size to the pixel, and inside it the figure's own drawing
    (one Agg draw of the whole figure) unchanged at a whole-pixel offset, face colour around it."""
    tight = tmp_path / "tight.png"
    gantt(timeline).figure.savefig(tight, dpi=DPI, bbox_inches="tight")
    fig = gantt(timeline).figure
    fig.set_dpi(DPI)
    fig.canvas.draw()
    drawn = np.asarray(fig.canvas.buffer_rgba()).copy()  # type: ignore[attr-defined]
    ours = tmp_path / "ours.png"
    save_figure(fig, ours, dpi=DPI)

    png = _pixels(ours)
    assert png.shape == _pixels(tight).shape  # 1967 x 2161: the frame savefig gives
    mode, dpi = _info(ours)
    assert mode == "RGBA"  # as savefig's
    assert dpi == pytest.approx((DPI, DPI), abs=0.05)  # stored as dots per metre
    white = (255, 255, 255, 255)
    (r0, c0), (r1, c1) = _ink(png, white), _ink(drawn, white)
    top, left = r0 - r1, c0 - c1
    assert 8 <= top <= 16 and 8 <= left <= 16  # about savefig.pad_inches (0.1 in = 15 px) less the layout's pad
    h, w = drawn.shape[:2]
    assert np.array_equal(png[top : top + h, left : left + w], drawn[: png.shape[0] - top, : png.shape[1] - left])
    around = np.ones(png.shape[:2], bool)
    around[top : top + h, left : left + w] = False
    assert around.sum() > 10_000 and (png[around] == white).all()


def test_one_draw_only(timeline: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saving the Gantt PNG draws the figure once (savefig with a tight box draws it twice)."""
    from matplotlib.figure import Figure

    draws = []
    real = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(1) or real(self, renderer))
    save_figure(gantt(timeline).figure, tmp_path / "g.png", dpi=DPI)
    assert len(draws) == 1
    draws.clear()
    save_figure(gantt(timeline).figure, tmp_path / "g.svg", dpi=DPI)  # vector formats: savefig as before
    assert len(draws) == 2


def test_a_figure_that_overflows_its_edge_is_saved_by_savefig(tmp_path: Path) -> None:
    """A text past the figure's edge was never drawn on the figure's canvas: savefig's tight box
    (which draws it) is used, and the PNG is the same as savefig's."""

    def figure() -> Any:
        fig = plt.figure(figsize=(3, 2))
        fig.add_subplot().plot([0, 1], [0, 1])
        fig.text(0.9, 0.5, "a label that runs far past the right edge")
        return fig

    want = tmp_path / "want.png"
    figure().savefig(want, dpi=100, bbox_inches="tight")
    got = tmp_path / "got.png"
    save_figure(figure(), got, dpi=100)
    assert _pixels(got).shape[1] > 300 * 1.5  # wider than the figure: the label is in
    assert np.array_equal(_pixels(got), _pixels(want))


def test_transparent_face_keeps_the_alpha_channel(tmp_path: Path) -> None:
    """A see-through figure stays see-through, the pad as well."""
    fig = plt.figure(figsize=(3, 2), layout="constrained", facecolor=(1, 1, 1, 0))
    fig.add_subplot().plot([0, 1], [0, 1])
    out = tmp_path / "t.png"
    save_figure(fig, out, dpi=100)
    png = _pixels(out)
    assert _info(out)[0] == "RGBA" and png[0, 0, 3] == 0 and png[-1, -1, 3] == 0
    assert png.shape[:2] != (200, 300)  # the tight frame, not the figure's own


@pytest.mark.parametrize("setting", [{"savefig.transparent": True}, {"savefig.facecolor": "yellow"}])
def test_savefig_settings_are_honoured(setting: dict[str, Any], tmp_path: Path) -> None:
    """A user's ``savefig.*`` colours change the drawing: then the PNG is savefig's own."""

    def figure() -> Any:
        fig = plt.figure(figsize=(3, 2), layout="constrained")
        fig.add_subplot().plot([0, 1], [0, 1])
        return fig

    with plt.rc_context(setting):
        want, got = tmp_path / "want.png", tmp_path / "got.png"
        figure().savefig(want, dpi=100, bbox_inches="tight")
        save_figure(figure(), got, dpi=100)
    assert np.array_equal(_pixels(got), _pixels(want))


def test_the_figure_is_closed_and_left_as_it_was(tmp_path: Path) -> None:
    """After saving, the figure is closed; its canvas and dpi are the ones it had."""
    fig = plt.figure(figsize=(3, 2), layout="constrained", dpi=72)
    fig.add_subplot().plot([0, 1], [0, 1])
    canvas = fig.canvas
    assert figures._png_drawn_once(fig, tmp_path / "x.png", 100)
    assert fig.canvas is canvas and fig.dpi == 72
    assert _pixels(tmp_path / "x.png").shape[1] > 290  # drawn at 100 dpi, not at the figure's 72
    save_figure(fig, tmp_path / "y.png")
    assert not plt.fignum_exists(fig.number)


def test_fixed_places_change_no_pixel(timeline: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Gantt's title at y=1 and its empty y label pinned (both spare measuring every tick label
    at every draw) give the PNG that matplotlib's automatic placement gives, byte for byte."""
    from sim.plots import style

    fast = tmp_path / "fast.png"
    save_figure(gantt(timeline).figure, fast, dpi=DPI)
    monkeypatch.setattr(style, "title_y", lambda: None)
    monkeypatch.setattr(figures, "_pin_empty_axis_labels", lambda fig: None)
    auto = tmp_path / "auto.png"
    save_figure(gantt(timeline).figure, auto, dpi=DPI)
    assert fast.read_bytes() == auto.read_bytes()


def test_a_label_with_text_keeps_its_automatic_place() -> None:
    """Only empty labels are pinned: a y label still clears the tick labels, however wide."""
    fig = plt.figure(figsize=(4, 3), layout="constrained")
    ax = fig.add_subplot()
    ax.set_yticks([0, 1], ["a very long tick label indeed", "b"])
    ax.set_ylabel("phase")
    figures._pin_empty_axis_labels(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ticks = min(t.get_window_extent(renderer).x0 for t in ax.get_yticklabels())
    assert ax.yaxis.label.get_window_extent(renderer).x1 <= ticks
    plt.close(fig)


@pytest.mark.parametrize("suffix", ["png", "pdf"])
def test_cached_text_layouts_change_no_byte(
    timeline: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """Each text laid out once per save gives the file that laying it out at every measurement
    gives, byte for byte (the PNG from one draw; the PDF from savefig's two)."""
    import contextlib

    with plt.rc_context({"pdf.compression": 0}):
        cached = tmp_path / f"cached.{suffix}"
        save_figure(gantt(timeline, axis="hours", title="x\ny").figure, cached, dpi=DPI)
        monkeypatch.setattr(figures, "_text_layouts_cached", contextlib.nullcontext)
        plain = tmp_path / f"plain.{suffix}"
        save_figure(gantt(timeline, axis="hours", title="x\ny").figure, plain, dpi=DPI)
    if suffix == "pdf":  # the creation date differs
        import re

        drop = rb"/CreationDate \(D:[0-9Z+'-]*\)"
        assert re.sub(drop, b"", cached.read_bytes()) == re.sub(drop, b"", plain.read_bytes())
    else:
        assert cached.read_bytes() == plain.read_bytes()


def test_a_save_lays_out_each_text_once(timeline: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The change5 Gantt's ~110 texts are measured ~650 times in a save; each distinct one is laid
    out once, and ``Text._get_layout`` is matplotlib's own again afterwards."""
    from matplotlib.text import Text

    real = Text._get_layout
    calls: list[str] = []

    def counted(text: Text, renderer: Any) -> Any:
        calls.append(text.get_text())
        return real(text, renderer)

    monkeypatch.setattr(Text, "_get_layout", counted)
    save_figure(gantt(timeline).figure, tmp_path / "g.png", dpi=DPI)
    assert 100 < len(calls) == len(set(calls))  # 108 texts, each laid out once (635 times uncached)
    assert Text._get_layout is counted


def test_a_text_changed_between_measurements_is_laid_out_anew() -> None:
    """Under the cache a text given new words, a new size or a rotation measures anew; the method
    is restored even when the save fails."""
    from matplotlib.text import Text

    real = Text.__dict__["_get_layout"]
    fig = plt.figure(figsize=(3, 2))
    text = fig.text(0.1, 0.5, "short")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError), figures._text_layouts_cached():
        assert Text.__dict__["_get_layout"] is not real
        short = text.get_window_extent(renderer)
        assert text.get_window_extent(renderer).bounds == short.bounds
        text.set_text("a much longer text")
        longer = text.get_window_extent(renderer)
        text.set_fontsize(30)
        bigger = text.get_window_extent(renderer)
        text.set_rotation(90)
        turned = text.get_window_extent(renderer)
        raise RuntimeError
    assert Text.__dict__["_get_layout"] is real
    assert short.width < longer.width < bigger.width and turned.height > turned.width
    assert turned.bounds == text.get_window_extent(renderer).bounds  # the same as uncached
    plt.close(fig)
