"""Saving matplotlib figures atomically with the headless Agg backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.outputs import write_atomic


def save_figure(fig: Any, path: str | Path, *, dpi: int = 150) -> Path:
    """Save ``fig`` to ``path`` (format from the extension) atomically, then close it."""
    import matplotlib.pyplot as plt

    fmt = Path(path).suffix.lower().lstrip(".")
    try:
        return write_atomic(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight"))
    finally:
        plt.close(fig)
