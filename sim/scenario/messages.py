"""Problem messages: pydantic's validation errors turned into ``file:line: field: message`` lines.

Shared by scenario files (``sim.scenario.model``) and program files (``sim.scenario.program``):
error locations are cleaned of pydantic's union-branch labels and mapped to YAML lines, and each
error type gets one readable sentence that says how to fix it (an unknown key lists the allowed
ones with a "did you mean"; an unknown phase kind lists the kinds).
"""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sim.fields import did_you_mean
from sim.scenario.kinds import KINDS
from sim.scenario.yamlsource import Loc, YamlDocument, short_repr

_DIST_SUBKEY = re.compile(r"^([a-z_0-9]+(?:\[\d+\])?(?:\.[a-z_0-9]+)*): (.*)$", re.S)


def pydantic_problems(exc: ValidationError, doc: YamlDocument, source: str, root: type[BaseModel]) -> list[str]:
    """One ``file:line: field: message`` line per pydantic error of validating ``doc`` as ``root``."""
    out: list[str] = []
    seen: set[str] = set()
    for err in exc.errors(include_url=False):
        loc: Loc = clean_loc(err["loc"], doc.data)
        msg = message_for(err)
        if err["type"] == "extra_forbidden" and loc:
            model = model_at(root, err["loc"][:-1])
            allowed = sorted(model.model_fields) if model is not None else []
            key = str(loc[-1])
            msg = f"unknown key {short_repr(key)}{did_you_mean(key, allowed)}; allowed here: {', '.join(allowed)}"
        elif (
            len(loc) >= 2
            and loc[-2] == "after"
            and isinstance(loc[-1], int)
            and err["type"]
            in (
                "model_type",
                "string_type",
            )
        ):
            got = type_name(err.get("input"))
            msg = f"expected a phase id or a mapping {{phase: ID, lag: DURATION}}, got {got}"
        msg = shorten(msg)
        m = _DIST_SUBKEY.match(msg)
        if err["type"] == "value_error" and m:
            key, *deeper = m.group(1).split(".")  # duration sources: burn.isp_s.low
            base = key.split("[")[0]
            sub: Loc = (*loc, base)
            if "[" in key:
                sub = (*sub, int(key.split("[")[1].rstrip("]")))
            sub = (*sub, *deeper)
            loc, msg = sub, m.group(2)
        shown = tuple(p if isinstance(p, int) or len(p) <= 40 else p[:30] + "..." for p in loc)
        line = problem_line(source, doc.line_of(loc), shown, msg)
        if line not in seen:
            seen.add(line)
            out.append(line)
    return out


_LONG_QUOTED = re.compile(r"'([^'\n]{60,})'|\"([^\"\n]{60,})\"")
_LONG_WORD = re.compile(r"\S{80,}")


def shorten(msg: str) -> str:
    """One line; in a long one, overlong quoted values and words are cut short (inputs may be huge)."""
    msg = " ".join(msg.split())
    if len(msg) <= 200:
        return msg
    msg = _LONG_QUOTED.sub(lambda m: short_repr(m.group(1) if m.group(1) is not None else m.group(2)), msg)
    return _LONG_WORD.sub(lambda m: m.group(0)[:50] + "...", msg)


def union_members(tp: Any) -> list[Any]:
    """``A | B | None`` -> ``[A, B]``, looking through ``Annotated``."""
    origin = get_origin(tp)
    if origin is Annotated:
        return union_members(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return [m for arg in get_args(tp) for m in union_members(arg)]
    return [] if tp is type(None) else [tp]


def model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model that validated the mapping at pydantic location ``loc`` below ``root`` (for listing its keys)."""
    candidates: list[Any] = [root]
    for part in loc:
        following: list[Any] = []
        for tp in candidates:
            if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
                if part in tp.model_fields:
                    following += union_members(tp.model_fields[part].annotation)
                elif part == tp.__name__:  # a union branch label
                    following.append(tp)
            elif get_origin(tp) is list and isinstance(part, int):
                following += union_members(get_args(tp)[0])
            elif isinstance(part, str) and getattr(tp, "__name__", None) == part:
                following.append(tp)
        candidates = following
    models = [tp for tp in candidates if isinstance(tp, type) and issubclass(tp, BaseModel)]
    return models[0] if models else None


def clean_loc(loc: tuple[Any, ...], data: Any) -> Loc:
    """Drop pydantic's union-branch labels (``str``, ``Dependency``) from an error location."""
    out: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and node.get("type") == part:
            continue  # the label of a tagged union branch (windows: periodic, explicit, ...)
        elif (
            isinstance(node, (dict, list))
            # a field that is missing, or a union label: keep real field names only
            and isinstance(part, str)
            and not part[:1].isupper()
            and part not in ("str", "function-plain")
        ):
            out.append(part)
            node = None
        # else: a union label below a scalar; drop it
    return tuple(out)


_BOUNDS = {
    "greater_than_equal": ("ge", ">="),
    "less_than_equal": ("le", "<="),
    "greater_than": ("gt", ">"),
    "less_than": ("lt", "<"),
}


def message_for(err: Any) -> str:
    typ = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if msg.startswith("Input should be "):
        msg = "must be " + msg[len("Input should be ") :]
    if typ == "extra_forbidden":
        return "unknown key; check the spelling (see 'lunarsim schema' for the allowed keys)"
    if typ == "missing":
        return "required field is missing; add it"
    if typ == "literal_error":
        if "'launch'" in str(ctx.get("expected", "")):
            hint = did_you_mean(str(got), KINDS)
            return f"unknown kind {short_repr(got)}{hint}; use one of: {', '.join(KINDS)}"
        return f"{msg} (got {short_repr(got)})"
    if typ == "string_pattern_mismatch":
        return f"{short_repr(got)} is not a valid identifier; use a letter, then letters, digits, '_' or '-'"
    if typ == "string_too_long":
        return f"{short_repr(got)} is too long; use at most {ctx.get('max_length')} characters"
    if typ in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value), got {type_name(got)}"
    if typ == "list_type":
        return f"expected a list, got {type_name(got)}"
    if typ in ("string_type",):
        return f"expected text, got {type_name(got)}"
    if typ in ("float_type", "float_parsing", "int_type", "int_parsing", "finite_number"):
        shown = type_name(got) if isinstance(got, (dict, list)) else short_repr(got)
        return f"expected a number, got {shown}"
    if typ == "too_short":
        return "must not be empty; list at least one entry"
    if typ in _BOUNDS:
        key, op = _BOUNDS[typ]
        return f"must be {op} {ctx.get(key)} (got {short_repr(got)})"
    if typ == "value_error":
        return msg  # the validators' own words; shorten cuts any huge input they quote
    if "input" in err and not isinstance(got, (dict, list)):
        return f"{msg} (got {short_repr(got)})"
    return msg


def type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({short_repr(value)})"
    return f"text ({short_repr(value)})"


def format_loc(loc: Loc) -> str:
    """``("phases", 3, "duration")`` -> ``phases[3].duration``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def problem_line(source: str, line: int | None, loc: Loc | None, message: str) -> str:
    where = f"{source}:{line}" if line else source
    field = format_loc(loc) if loc else ""
    return f"{where}: {field}: {message}" if field else f"{where}: {message}"
