"""Cross-reference checks on a scenario that pydantic rejected: every problem in one pass.

``lunarsim validate`` should report all the problems of a file at once, not the field errors
first and the cross-references (unknown phases, elements, windows, cycles, kinds) only after
those are fixed. When pydantic rejects some entries, this module rebuilds a scenario without
them and runs the cross-field checks on what is left:

- a rejected phase becomes a stub with the same id (so phases that name it are not reported as
  naming an unknown phase); problems located at a stub are dropped (pydantic has spoken);
- rejected entries of other lists (risks, correlations, elements) are left out, and problems
  located under those lists are dropped (their indices no longer match the file);
- rejected entries of mappings (windows, resources, kinds) are left out, and problems naming one
  of them are dropped (it exists, it is only malformed);
- a rejected top-level scalar (``epoch``, ``id``, ``horizon``, ...) gets a placeholder.

If the rest still does not validate (or a whole list or mapping is malformed) it gives up and
returns nothing: the pydantic problems alone are then all that can be said.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from sim.scenario.checks import check_scenario
from sim.scenario.model import Scenario

PLACEHOLDERS: dict[str, Any] = {
    "id": "scenario",
    "name": "scenario",
    "description": None,
    "epoch": "2000-01-01T00:00:00Z",
    "site": None,
    "planned": None,
    "actual": None,
    "horizon": "400d",
    "sources": [],
}
IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


def cross_problems(data: dict[str, Any], exc: ValidationError) -> list[tuple[tuple[str | int, ...], str]]:
    """``(location, message)`` of the cross-field checks on the valid part of ``data``."""
    bad: dict[str, set[Any]] = {}
    phase_fields: dict[int, set[Any]] = {}  # rejected phase -> its rejected fields
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        if not loc or not isinstance(loc[0], str):
            return []
        bad.setdefault(loc[0], set()).add(loc[1] if len(loc) > 1 else None)
        if loc[0] == "phases" and len(loc) > 1 and isinstance(loc[1], int):
            phase_fields.setdefault(loc[1], set()).add(loc[2] if len(loc) > 2 else None)
    for keep_fields in (True, False):  # the phases' valid fields too; else bare stubs
        found = _checks(data, bad, phase_fields, keep_fields)
        if found is not None:
            return found
    return []


def _checks(
    data: dict[str, Any], bad: dict[str, set[Any]], phase_fields: dict[int, set[Any]], keep_fields: bool
) -> list[tuple[tuple[str | int, ...], str]] | None:
    fixed = dict(data)
    dropped_lists: set[str] = set()
    dropped_names: set[str] = set()
    for top, subs in bad.items():
        value = data.get(top)
        if top == "phases" and isinstance(value, list) and None not in subs:
            fixed["phases"] = [
                _stub(raw, i, data, phase_fields[i] if keep_fields else None) if i in phase_fields else raw
                for i, raw in enumerate(value)
            ]
        elif isinstance(value, list) and None not in subs:
            fixed[top] = [x for i, x in enumerate(value) if i not in subs]
            dropped_lists.add(top)
        elif isinstance(value, dict) and None not in subs and top not in PLACEHOLDERS:
            fixed[top] = {k: v for k, v in value.items() if k not in subs}
            dropped_names |= {str(k) for k in subs}
        elif top in PLACEHOLDERS:
            fixed[top] = PLACEHOLDERS[top]
        else:
            return None
    try:
        scenario = Scenario.model_validate(fixed)
    except ValidationError:
        return None
    out = []
    for loc, msg in check_scenario(scenario):
        if loc and loc[0] == "phases" and len(loc) > 1 and loc[1] in phase_fields:
            fields = phase_fields[loc[1]] if keep_fields else {None}
            if None in fields or len(loc) < 3 or loc[2] in fields:
                continue  # about a stand-in value, not the file
        if loc and loc[0] in dropped_lists:
            continue
        if any(f"'{name}'" in msg for name in dropped_names):
            continue
        out.append((loc, msg))
    return out


def _stub(raw: Any, i: int, data: dict[str, Any], rejected: set[Any] | None) -> dict[str, Any]:
    """A valid phase standing in for rejected phase ``i``: its usable id, and with ``rejected``
    (its rejected field names) its other fields as written; stand-ins for the rest."""
    elements = data.get("elements")
    element = "x"
    if isinstance(elements, list):
        element = next((e for e in elements if isinstance(e, str) and IDENT.match(e)), "x")
    pid = raw.get("id") if isinstance(raw, dict) else None
    stand_in = {
        "id": pid if isinstance(pid, str) and IDENT.match(pid) and len(pid) <= 64 else f"invalid-phase-{i}",
        "kind": "launch",
        "element": element,
        "duration": "0s",
    }
    if rejected is None or None in rejected or not isinstance(raw, dict):
        return stand_in
    kept = {k: v for k, v in raw.items() if k not in rejected}
    if "until" in kept:
        kept.pop("duration", None)
        stand_in.pop("duration")
    return {**stand_in, **kept}
