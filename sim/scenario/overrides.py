"""``--set KEY=VALUE`` overrides applied to a scenario's raw data before validation.

KEY is a dotted path into the scenario file. Phases (and other lists of mappings with ``id``)
are addressed by id, other lists by index:

    epoch=2024-05-10T09:27:29Z
    phases.landing.duration=20min
    phases.transfer.duration={dist: triangular, low: 100h, mode: 110h, high: 130h}
    site.lat_deg=-41.5

VALUE is read as a YAML value (text, number, list or flow mapping). The result is validated
like the file itself, so an override cannot produce a scenario the file could not hold.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from sim.errors import InputError
from sim.scenario.yamlsource import Loc, YamlProblem, parse_yaml


def parse_value(text: str) -> Any:
    """A ``--set`` value as YAML (timestamps stay text, as in scenario files)."""
    if not text.strip():
        return ""
    try:
        return parse_yaml(text).data
    except YamlProblem as exc:
        raise ValueError(exc.message) from None


def apply_overrides(data: Any, sets: Sequence[str]) -> tuple[Any, dict[Loc, str]]:
    """Apply ``KEY=VALUE`` overrides to a copy of ``data``.

    Returns:
        The new data and, for each overridden field path, the ``--set`` text that set it.

    Raises:
        InputError: naming the ``--set`` item and how to fix it.
    """
    if not sets:
        return data, {}
    data = copy.deepcopy(data)
    origins: dict[Loc, str] = {}
    for item in sets:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"--set {item}: expected KEY=VALUE, e.g. epoch=2024-05-10T09:27:29Z")
        try:
            value = parse_value(raw)
        except ValueError as exc:
            raise InputError(f"--set {item}: cannot read the value: {exc}") from None
        loc = _assign(data, key.split("."), value, item)
        origins[loc] = item
    return data, origins


def mark_problems(problems: list[str], origins: dict[Loc, str]) -> list[str]:
    """Append ``(from --set ITEM)`` to the problem lines about fields that a ``--set`` wrote."""
    if not origins:
        return problems
    from sim.scenario.model import format_loc

    marks = {format_loc(loc): text for loc, text in origins.items()}
    out = []
    for line in problems:
        fld = line.split(": ", 2)[1] if line.count(": ") >= 2 else ""
        hit = next((t for f, t in marks.items() if fld == f or fld.startswith((f + ".", f + "["))), None)
        out.append(f"{line} (from --set {hit})" if hit else line)
    return out


def _assign(data: Any, parts: list[str], value: Any, item: str) -> Loc:
    node = data
    loc: list[str | int] = []
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if isinstance(node, list):
            index = _list_index(node, part, item, ".".join(parts[:n]))
            loc.append(index)
            if last:
                node[index] = value
            else:
                node = node[index]
            continue
        if not isinstance(node, dict):
            where = ".".join(parts[:n]) or "the scenario"
            raise InputError(f"--set {item}: {where} is a single value, not a mapping; shorten the key")
        loc.append(part)
        if last:
            node[part] = value
        else:
            if part not in node or node[part] is None:
                node[part] = {}
            node = node[part]
    return tuple(loc)


def _list_index(node: list[Any], part: str, item: str, where: str) -> int:
    if part.isdigit():
        index = int(part)
        if index >= len(node):
            raise InputError(f"--set {item}: {where} has {len(node)} entries; index {index} is out of range")
        return index
    ids = [e.get("id") for e in node if isinstance(e, dict)]
    for i, entry in enumerate(node):
        if isinstance(entry, dict) and entry.get("id") == part:
            return i
    from sim.fields import did_you_mean

    hint = did_you_mean(part, [str(x) for x in ids if x is not None])
    raise InputError(f"--set {item}: no entry with id {part!r} in {where}{hint}")
