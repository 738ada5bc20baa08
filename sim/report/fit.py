"""Tables that fit the terminal: every row keeps its name, every number stays whole.

A table here is a name column (the first: a phase's name, shortened with an ellipsis only when it
must be) and value columns (numbers, times) that are never cut or wrapped. ``fit_tables`` lays the
columns out for the console's width (80 columns is the target for an ordinary terminal):

1. optional columns (``Column(optional=True)``, e.g. the element or kind of a phase) are left out,
   last first, until the name column has ``NAME_WANT`` characters; the caption names what was left out;
2. if the required value columns still do not fit beside a readable name column, they are split
   over several tables, each repeating the name column, so no number is ever lost.

Cells may hold rich markup (``[dim]...[/dim]``) and several lines; a ``SECTION`` row draws a rule.
The layout uses a borderless rich table (a rule under the header, one space of padding on each
side of a column separator), so its width is known exactly: ``sum(widths) + 3 * (columns - 1)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sim.errors import printable_lines

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

#: Narrowest the name column may get before value columns move to another table (an ellipsis
#: keeps the first 15 characters of a phase name, enough to tell "Lunar orbit wait" from "Lunar orbit").
NAME_MIN = 16
#: Width the name column may claim from optional columns: they are left out until it has this much.
NAME_WANT = 32
#: Characters between two columns: one of padding on each side and the separator.
GAP = 3


@dataclass(frozen=True)
class Column:
    """One column: header (may hold a newline), alignment, whether it may be left out, and (for the
    name column) whether it may be shortened with an ellipsis (not when it holds a time)."""

    header: str
    justify: Literal["left", "right"] = "right"
    optional: bool = False
    shrink: bool = True


#: A row that is this object starts a new section (a rule across the table).
SECTION: list[str] = []


def _width(texts: Sequence[str]) -> int:
    """The widest line among ``texts`` (rich markup such as ``[dim]`` does not count; cells may have
    several lines)."""
    return max((_cells(line) for t in texts for line in t.split("\n")), default=0)


def _cells(line: str) -> int:
    """Terminal cells of one line of a cell: its markup not counted; text that is not valid
    markup (a phase named ``[/x]``) counted as it is, as the console prints it."""
    from rich.errors import MarkupError
    from rich.text import Text

    try:
        return Text.from_markup(line).cell_len
    except MarkupError:
        return Text(line).cell_len


def layout(
    width: int,
    name: Column,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    measure: Callable[[Sequence[str]], int] = _width,
) -> tuple[int, list[list[int]], list[int]]:
    """Plan the tables for a console ``width``: (name column width, groups of column indices, left-out
    optional columns).

    ``rows`` hold the name first, then one cell per column (``SECTION`` rows are skipped);
    ``measure`` gives the width of a column's texts (``sim.report.plain`` measures plain text
    without rich).
    """
    rows = [r for r in rows if r is not SECTION]
    name_w = measure([name.header, *(r[0] for r in rows)])
    floor = min(name_w, NAME_MIN) if name.shrink else name_w
    widths = [measure([c.header, *(r[i + 1] for r in rows)]) for i, c in enumerate(columns)]
    keep = list(range(len(columns)))
    dropped: list[int] = []

    def need(indices: Sequence[int]) -> int:
        return sum(widths[i] + GAP for i in indices)

    # 1. leave out optional columns, the rightmost first, until the name column gets NAME_WANT or its full width
    for i in reversed(range(len(columns))):
        if width - need(keep) >= max(floor, min(name_w, NAME_WANT)):
            break
        if columns[i].optional:
            keep.remove(i)
            dropped.append(i)
    # 2. split the remaining value columns into groups that fit beside the name column: as few as
    # greedy packing needs, then as even as possible (3 + 3 columns rather than 5 + 1)
    groups = _split(keep, lambda g: width - need(g) >= floor)
    even = need(keep) / len(groups) + 1
    balanced = _split(keep, lambda g: width - need(g) >= floor and need(g) <= even)
    if len(balanced) == len(groups):
        groups = balanced
    widest = max(need(g) for g in groups)
    return max(min(name_w, width - widest), floor), groups, sorted(dropped)


def _split(keep: Sequence[int], fits: Callable[[list[int]], bool]) -> list[list[int]]:
    """Contiguous groups of ``keep``: a new group starts when adding a column to the current one
    would make ``fits`` false (a single column always makes a group)."""
    groups: list[list[int]] = [[]]
    for i in keep:
        if groups[-1] and not fits([*groups[-1], i]):
            groups.append([])
        groups[-1].append(i)
    return groups


def fit_tables(
    console: Console,
    title: str,
    name: Column,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    caption: str | None = None,
) -> list[RenderableType]:
    """What to print to show ``rows`` within ``console.width`` (see the module docstring): for each
    part a title line and a table, then the caption as text as wide as the console (not the table)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    name_w, groups, dropped = layout(console.width, name, columns, rows)
    notes = [caption] if caption else []
    if dropped:
        left_out = ", ".join(columns[i].header.replace("\n", " ") for i in dropped)
        notes.append(f"not shown at {console.width} columns: {left_out} (wider terminal or --json)")
    out: list[RenderableType] = []
    for n, group in enumerate(groups):
        part = f" ({n + 1}/{len(groups)})" if len(groups) > 1 else ""
        out.append(Text(printable_lines(title + part), style="italic"))
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1))
        table.add_column(name.header, justify=name.justify, no_wrap=True, overflow="ellipsis", max_width=name_w)
        for i in group:
            table.add_column(columns[i].header, justify=columns[i].justify, no_wrap=True)
        for row in rows:
            if row is SECTION:
                table.add_section()
            else:
                table.add_row(row[0], *(row[i + 1] for i in group))
        out.append(table)
    if notes:
        out.append(Text(printable_lines("\n".join(notes)), style="dim"))
    return out
