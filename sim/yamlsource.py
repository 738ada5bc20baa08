"""Safe YAML reading that remembers where every value came from.

The file is composed into PyYAML's node tree with a safe loader, then converted to plain Python
values while recording the line of every field path (``("phases", 3, "duration") -> 41``), so
that a validation error anywhere can name ``file:line``. Along the way it refuses what a
scenario file must never contain: Python object tags, a key given twice, tabs used as
indentation, non-UTF-8 bytes, files over ``MAX_FILE_BYTES`` and alias expansion bombs.
Timestamps are kept as strings so that the time base parses (and checks) them in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 100_000

Loc = tuple[str | int, ...]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves timestamps as strings."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlProblem(Exception):
    """A problem in the YAML text itself, with the 1-based line it is on."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


@dataclass
class YamlDocument:
    """Plain data read from a YAML file, plus the line of each field path."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        """The line of ``loc`` or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)


def read_text(path: Path) -> str:
    """Read a scenario file as UTF-8, with readable errors for the usual mistakes."""
    if not path.exists():
        raise YamlProblem(None, "no such file; check the path (or run 'lunarsim list' for bundled scenarios)")
    if path.is_dir():
        raise YamlProblem(None, "is a directory, not a scenario file; name a .yaml file inside it")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise YamlProblem(
            None, f"file is too large ({size / 1e6:.1f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB); a scenario is a few kB"
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(
            line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        ) from None


def parse_yaml(text: str) -> YamlDocument:
    """Parse YAML text into plain data with line numbers; raise ``YamlProblem`` on bad input."""
    if "\t" in text:
        for n, line in enumerate(text.splitlines(), 1):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                raise YamlProblem(n, "tab used for indentation; YAML indents with spaces only")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or "invalid YAML"
        raise YamlProblem(line, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        raise YamlProblem(1, "file is empty; a scenario needs at least id, name, epoch and phases")
    doc = YamlDocument(None)
    budget = [MAX_NODES]
    doc.data = _convert(loader, node, (), doc.lines, budget)
    return doc


def _convert(loader: _Loader, node: yaml.Node, loc: Loc, lines: dict[Loc, int], budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlProblem(
            node.start_mark.line + 1,
            f"file expands to more than {MAX_NODES} values (anchor/alias bomb?); remove the aliases",
        )
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise _tag_problem(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(key_node.start_mark.line + 1, "mapping keys must be plain names")
            key = _scalar(loader, key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise YamlProblem(
                    key_node.start_mark.line + 1,
                    f"key {key!r} given twice in one mapping; keep one",
                )
            child = (*loc, key)
            lines[child] = key_node.start_mark.line + 1
            out[key] = _convert(loader, value_node, child, lines, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise _tag_problem(node)
        return [_convert(loader, item, (*loc, i), lines, budget) for i, item in enumerate(node.value)]
    return _scalar(loader, node)


def _scalar(loader: _Loader, node: yaml.Node) -> Any:
    if node.tag == _TIMESTAMP:
        return str(node.value)
    if node.tag not in _SCALAR_TAGS:
        raise _tag_problem(node)
    return loader.construct_object(node)


def _tag_problem(node: yaml.Node) -> YamlProblem:
    return YamlProblem(
        node.start_mark.line + 1,
        f"YAML tag {node.tag!r} is not allowed; scenario files hold plain values only",
    )
