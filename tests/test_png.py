"""``sim.plots.png.write_png``: a valid PNG (every chunk's CRC right) that stores the pixels
exactly, the dpi and the text notes (issue 16: half the time of Pillow's PNG writer)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sim.plots.png import write_png


def _chunks(path: Path) -> list[tuple[bytes, bytes]]:
    """The chunks of a PNG file, each checked against its CRC-32."""
    raw = path.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = [], 8
    while at < len(raw):
        (length,) = struct.unpack(">I", raw[at : at + 4])
        kind, data = raw[at + 4 : at + 8], raw[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", raw[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        out.append((kind, data))
        at += 12 + length
    return out


@pytest.mark.parametrize("channels", [3, 4])
def test_pixels_dpi_and_notes_round_trip(tmp_path: Path, channels: int) -> None:
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (37, 53, channels), dtype=np.uint8)  # every byte value, no flat areas
    pixels[10:20] = 255  # and some flat rows
    path = tmp_path / "x.png"
    write_png(path, pixels, 150, {"Software": "Matplotlib version3.11.2, https://matplotlib.org/"})
    kinds = [k for k, _ in _chunks(path)]
    assert kinds == [b"IHDR", b"pHYs", b"tEXt", b"IDAT", b"IEND"]
    with Image.open(path) as im:
        assert im.mode == ("RGB" if channels == 3 else "RGBA") and im.size == (53, 37)
        assert im.info["dpi"] == pytest.approx((150, 150), abs=0.05)
        assert im.info["Software"] == "Matplotlib version3.11.2, https://matplotlib.org/"
        assert np.array_equal(np.asarray(im), pixels)


def test_rows_are_filtered_up(tmp_path: Path) -> None:
    """Each row starts with filter type 2 (Up) and holds its difference from the row above."""
    pixels = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3) * 7
    path = tmp_path / "x.png"
    write_png(path, pixels, 100)
    (idat,) = [d for k, d in _chunks(path) if k == b"IDAT"]
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(4, 1 + 15)
    assert (rows[:, 0] == 2).all()
    flat = pixels.reshape(4, 15)
    assert np.array_equal(rows[0, 1:], flat[0])
    assert np.array_equal(rows[1:, 1:], (flat[1:].astype(int) - flat[:-1]) % 256)


@pytest.mark.parametrize("pixels", [np.zeros((2, 2, 2), np.uint8), np.zeros((2, 2, 3), np.float64)])
def test_other_arrays_are_refused(tmp_path: Path, pixels: np.ndarray) -> None:
    with pytest.raises(ValueError, match="uint8"):
        write_png(tmp_path / "x.png", pixels, 100)


def test_a_view_into_a_larger_image_is_written_as_that_window(tmp_path: Path) -> None:
    """The canvas cut to a frame (a strided view, not a copy) is what is stored."""
    rng = np.random.default_rng(3)
    canvas = rng.integers(0, 256, (60, 80, 4), dtype=np.uint8)
    window = canvas[7:50, 11:73]
    assert not window.flags.c_contiguous
    path = tmp_path / "w.png"
    write_png(path, window, 150)
    with Image.open(path) as im:
        assert im.mode == "RGBA" and np.array_equal(np.asarray(im), window)
