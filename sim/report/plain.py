"""The text of a simple table (``sim.report.fit``) as the rich console would print it, without rich.

Importing and running rich costs ~0.08 s, a tenth of ``lunarsim run``. When the output is not a
terminal (a pipe or a file: no colour, no styles) and the table is simple, the characters rich
would write are known exactly, so ``plain_tables`` writes them itself:

- the console is rich's non-terminal one of ``sim.report.tables.wide_console``: ``$COLUMNS`` wide
  (else 200), UTF-8, not Jupyter, no ``FORCE_COLOR``/``TTY_COMPATIBLE``;
- every cell is one line of plain characters (printable ASCII or Latin up to U+02FF: one
  terminal cell each), with no ``[`` (rich markup) and no ``:name:`` (an emoji code); the title
  and caption lines (printed as text, not markup) are plain after ``printable_lines``;
- the table fits whole: one part, no column left out, no name shortened (``fit.layout``).

Then the output is what ``fit_tables`` prints with rich's borderless ``SIMPLE_HEAD`` table: the
title line; the header lines, bottom-aligned; a rule of ``─`` as wide as the table; one line per
row, each cell padded to its column's width (left or right justified) with one space of padding
on each side of the one-space separator; the caption lines. Anything else returns ``None`` and
the caller uses rich. tests/test_plain_tables.py compares the two over the bundled scenarios,
widths and awkward names.
"""

from __future__ import annotations

import builtins
import os
import re
import sys
from collections.abc import Sequence

from sim.errors import printable_lines
from sim.report.fit import GAP, SECTION, Column, layout

DEFAULT_WIDTH = 200
"""``wide_console``'s width for a pipe or file without ``$COLUMNS``."""

_TEXT = re.compile(r"[\x20-\x7e\xa0-\u02ff]*")  # one terminal cell each in rich
_PLAIN = re.compile(r"[\x20-\x5a\x5c-\x7e\xa0-\u02ff]*")  # the same without '[' (markup in a cell)
_EMOJI = re.compile(r":\S*?:")  # what rich's emoji replacement might rewrite in a cell
_RULE = "\u2500"


def plain_width() -> int | None:
    """The width of ``wide_console()`` when it is a plain (non-terminal) console, else ``None``."""
    env = os.environ
    if any(k in env for k in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "DATABRICKS_RUNTIME_VERSION")):
        return None
    if hasattr(builtins, "get_ipython") or "idlelib" in sys.modules:
        return None
    out = sys.stdout
    try:
        if out is None or out.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    if not (getattr(out, "encoding", None) or "utf-8").lower().startswith("utf"):
        return None
    columns = env.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else DEFAULT_WIDTH


def _measure(texts: Sequence[str]) -> int:
    return max((len(line) for t in texts for line in t.split("\n")), default=0)


def plain_tables(
    width: int,
    title: str,
    name: Column,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    caption: str | None = None,
) -> str | None:
    """What ``fit_tables`` shows on a plain console ``width`` wide, or ``None`` when rich is needed."""
    if any(row is SECTION for row in rows):
        return None
    cells = [list(row) for row in rows]
    headers = [name.header, *(c.header for c in columns)]
    for text in (c for row in cells for c in row):
        if not _PLAIN.fullmatch(text) or _EMOJI.search(text):
            return None  # markup, an emoji code, a control character (escaped by the console) ...
    for text in headers:
        if not all(_PLAIN.fullmatch(line) for line in text.split("\n")) or _EMOJI.search(text):
            return None
    notes = [printable_lines(title), *([printable_lines(caption)] if caption else [])]
    if any(len(line) > width or not _TEXT.fullmatch(line) for n in notes for line in n.split("\n")):
        return None  # rich would wrap it, or measure it differently
    name_w, groups, dropped = layout(width, name, columns, cells, measure=_measure)
    all_columns = [name, *columns]
    widths = [_measure([c.header, *(r[i] for r in cells)]) for i, c in enumerate(all_columns)]
    if len(groups) != 1 or dropped or name_w != widths[0] or sum(widths) + GAP * (len(widths) - 1) > width:
        return None  # split, left out or shortened: rich lays it out

    def line(texts: Sequence[str]) -> str:
        cells = zip(texts, widths, all_columns, strict=True)
        return (" " * GAP).join(t.ljust(w) if c.justify == "left" else t.rjust(w) for t, w, c in cells)

    header_lines = [h.split("\n") for h in headers]
    height = max(len(h) for h in header_lines)
    out = [notes[0]]
    for k in range(height):
        out.append(line([h[k - (height - len(h))] if k >= height - len(h) else "" for h in header_lines]))
    out.append(_RULE * (sum(widths) + GAP * (len(widths) - 1)))
    out += [line(row) for row in cells]
    out += notes[1:]
    return "\n".join(out) + "\n"
