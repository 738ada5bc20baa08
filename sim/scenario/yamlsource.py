"""Safe YAML reading that remembers where every value came from.

The file is composed into PyYAML's node tree with a safe loader, then converted to plain Python
values while recording the line of every field path (``("phases", 3, "duration") -> 41``), so
that a validation error anywhere can name ``file:line``. Along the way it refuses what a
scenario file must never contain: Python object tags, a key given twice, tabs used as
indentation, non-UTF-8 bytes, control characters, files over ``MAX_FILE_BYTES``, nesting deeper
than ``MAX_DEPTH`` and alias expansion bombs (aliases expanding to more than ``MAX_NODES``
values; plain values are bounded by the file size only). Every problem is
one line naming the fix; no value is ever echoed at full length (see ``short_repr``).
Timestamps are kept as strings so that the time base parses (and checks) them in one place.

Length (~510 lines): two readers that must agree (libyaml's C event parser and the pure-Python
fallback) and the guards both share; tests/test_fuzz.py checks that they give the same messages.
"""

from __future__ import annotations

import hashlib
import itertools
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 2 * 1024 * 1024
STDIN = "-"  # the path that reads a scenario from standard input

# Every file ``read_text`` has read in this process: path as given -> sha256 of its bytes, in
# reading order. The CLI clears it when a command starts (``forget_reads``) and puts it in each
# JSON output's provenance, so that a result names exactly the bytes it was computed from.
FILES_READ: dict[str, str] = {}
_STDIN_BYTES: dict[str, bytes] = {}  # standard input is read once per command; "-" twice is the same text
MAX_NODES = 100_000
MAX_DEPTH = 32
MAX_REPR = 60

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
    """SafeLoader that leaves timestamps as strings and refuses deep nesting early.

    PyYAML's scanner slows down quadratically with open '[' / '{' levels and its composer
    recurses once per level, so nesting is cut off at ``MAX_DEPTH`` while scanning.
    """

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        if self.flow_level >= MAX_DEPTH:
            raise _too_deep(self.get_mark().line + 1)
        super().fetch_flow_collection_start(TokenClass)

    def add_indent(self, column: int) -> bool:
        if len(self.indents) >= MAX_DEPTH:
            raise _too_deep(self.get_mark().line + 1)
        return bool(super().add_indent(column))


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def short_repr(value: Any, limit: int = MAX_REPR) -> str:
    """``repr(value)``, cut to about ``limit`` characters so a message stays one short line.

    >>> short_repr("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (100 characters)"
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    head = text[: limit - 12]
    return f"{head}...{text[0]}{size}" if text[0] in "'\"" else f"{head}...{size}"


class YamlProblem(Exception):
    """A problem in the YAML text itself, with the 1-based line it is on."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


_NEEDS = "a scenario needs at least id, name, epoch, elements and phases"


def _alias_bomb(line: int | None) -> YamlProblem:
    return YamlProblem(
        line,
        f"aliases here expand to more than {MAX_NODES} values (an alias bomb?); "
        "write the values out or remove the aliases",
    )


def _too_deep(line: int | None) -> YamlProblem:
    return YamlProblem(line, f"values are nested more than {MAX_DEPTH} levels deep; a scenario needs a few")


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


def forget_reads() -> None:
    """Start a new record of files read (and let ``-`` read standard input afresh)."""
    FILES_READ.clear()
    _STDIN_BYTES.clear()


def _read_stdin() -> bytes:
    """Standard input's bytes (at most ``MAX_FILE_BYTES + 1``), read once per command."""
    if STDIN not in _STDIN_BYTES:
        stream = sys.stdin
        if stream is None or stream.closed:
            raise YamlProblem(None, "'-' reads a scenario from standard input, which is closed; pipe a file in")
        if stream.isatty():
            raise YamlProblem(
                None, "'-' reads a scenario from standard input, which is a terminal; pipe a file in (< my.yaml)"
            )
        _STDIN_BYTES[STDIN] = stream.buffer.read(MAX_FILE_BYTES + 1)
    return _STDIN_BYTES[STDIN]


def read_text(path: Path) -> str:
    """Read a scenario file (``-``: standard input) as UTF-8, with readable errors for the usual mistakes."""
    if str(path) == STDIN:
        return _decode(_read_stdin(), path)
    if not path.exists():
        raise YamlProblem(None, "no such file; check the path (or run 'lunarsim list' for bundled scenarios)")
    if path.is_dir():
        raise YamlProblem(None, "is a directory, not a scenario file; name a .yaml file inside it")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise YamlProblem(None, f"cannot read the file ({exc.strerror or exc}); check the path") from None
    if not stat.S_ISREG(mode):  # checked before opening: opening a FIFO blocks until a writer comes
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else ""
        raise YamlProblem(None, f"is {kind or 'not a regular file'}, not a scenario file; name a .yaml file")
    try:
        with path.open("rb") as f:  # bounded read, in case the file grows while we read
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        why = exc.strerror or exc
        raise YamlProblem(None, f"cannot read the file ({why}); check its permissions") from None
    return _decode(raw, path)


def _decode(raw: bytes, path: Path) -> str:
    """Check the size, record the file's sha256 in ``FILES_READ`` and decode UTF-8."""
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(
            None,
            f"file is larger than {MAX_FILE_BYTES / 1e6:.0f} MB; a scenario is a few kB, "
            "check that this is the right file",
        )
    FILES_READ[str(path)] = hashlib.sha256(raw).hexdigest()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8") from None


def parse_yaml(text: str) -> YamlDocument:
    """Parse YAML text into plain data with line numbers; raise ``YamlProblem`` on bad input."""
    if "\t" in text:
        for n, line in enumerate(text.splitlines(), 1):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                raise YamlProblem(n, "tab used for indentation; YAML indents with spaces only")
    fast = parse_fast(text)
    return fast if fast is not None else parse_slow(text)


def parse_slow(text: str) -> YamlDocument:
    """The pure-Python path: PyYAML's own scanner and composer, then ``_Converter``."""
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader refuses control characters here already
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc) from None
    except yaml.reader.ReaderError as exc:
        at = text[: exc.position].count("\n") + 1 if isinstance(exc.position, int) else None
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a special character"
        raise YamlProblem(at, f"control character {what} is not allowed in YAML; delete it") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, "YAML error: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise _too_deep(loader.get_mark().line + 1 if loader is not None else None) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        if any(line.strip() for line in text.splitlines()):
            raise YamlProblem(1, f"file holds only comments; {_NEEDS}")
        raise YamlProblem(1, f"file is empty; {_NEEDS}")
    doc = YamlDocument(None)
    doc.data = _Converter(loader, doc.lines).convert(node, (), node.start_mark.line + 1, 0, False)
    return doc


class _Fallback(Exception):
    """The fast path met something unusual: parse again with the pure-Python path, whose
    messages name the problem (errors are rare; their cost does not matter)."""


_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"

if _CSafeLoader is not None:

    class _CLoader(_CSafeLoader):
        """libyaml's parser with the same scalar resolution as ``_Loader`` (timestamps stay text)."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def parse_fast(text: str) -> YamlDocument | None:
    """Parse with libyaml's event parser (C) and build the plain values and line map here.

    About 30x faster than the pure-Python path on large files (a 500 kB scenario: see
    benchmarks/RESULTS.md). Builds values from the event stream with an explicit stack, so deep
    nesting cannot exhaust the C stack; every refusal of the slow path (depth, alias budget,
    tags, duplicate or merge keys, unreadable scalars, several documents, syntax errors) makes it
    return None instead, and the pure-Python path then reports the problem with its messages.
    Returns None when PyYAML was built without libyaml.
    """
    if _CSafeLoader is None:
        return None
    loader = _CLoader(text)
    try:
        return _build(loader)
    except (_Fallback, yaml.YAMLError, ValueError, ArithmeticError, KeyError, TypeError, RecursionError):
        return None
    finally:
        loader.dispose()


def _build(loader: Any) -> YamlDocument:
    import copy

    from yaml.events import (
        AliasEvent,
        DocumentEndEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
        StreamStartEvent,
    )

    lines: dict[Loc, int] = {}
    # anchor -> (value, number of values in it, its line, lines inside it relative to it); an
    # alias records the anchor's lines, as PyYAML's node tree (the slow path) does
    anchors: dict[str, tuple[Any, int, int, dict[Loc, int]]] = {}
    budget = MAX_NODES
    # a frame: [container, loc, pending key (or _NO_KEY), anchor, values inside, size of lines at open]
    stack: list[list[Any]] = []
    root: list[Any] = []
    documents = 0
    resolve = loader.resolve
    constructors = loader.yaml_constructors

    def place(value: Any, line: int, size: int, is_scalar: bool) -> Loc:
        """Put a finished value into its parent; return its location."""
        if not stack:
            root.append(value)
            lines.setdefault((), line)
            return ()
        top = stack[-1]
        top[4] += size
        container, loc = top[0], top[1]
        if isinstance(container, list):
            child = (*loc, len(container))
            lines.setdefault(child, line)
            container.append(value)
            return child
        if top[2] is _NO_KEY:  # this value is a key
            if not is_scalar:
                raise _Fallback
            key = value if isinstance(value, str) else str(value)
            if key in container:
                raise _Fallback
            top[2] = key
            lines[(*loc, key)] = line
            return loc
        child = (*loc, top[2])
        container[top[2]] = value
        top[2] = _NO_KEY
        return child

    def open_loc() -> Loc:
        if not stack:
            return ()
        top = stack[-1]
        if isinstance(top[0], list):
            return (*top[1], len(top[0]))
        if top[2] is _NO_KEY:
            raise _Fallback  # a collection used as a key
        return (*top[1], top[2])

    while True:
        event = loader.get_event()
        cls = type(event)
        line = event.start_mark.line + 1
        if cls is ScalarEvent:
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == _STR:
                value: Any = event.value
            elif tag == _TIMESTAMP:
                value = str(event.value)
            elif tag in _SCALAR_TAGS:
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
                value = constructors[tag](loader, node)
            else:  # merge keys, other tags
                raise _Fallback
            place(value, line, 1, True)
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1, line, {})
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if event.tag not in (None, "!", _MAP if cls is MappingStartEvent else _SEQ):
                raise _Fallback
            if len(stack) >= MAX_DEPTH:
                raise _Fallback
            loc = open_loc()
            lines.setdefault(loc, line)
            stack.append([{} if cls is MappingStartEvent else [], loc, _NO_KEY, event.anchor, 1, len(lines)])
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            container, loc, pending, anchor, size, mark = stack.pop()
            if pending is not _NO_KEY:
                raise _Fallback
            if anchor is not None:  # what an alias of it must record too (as the slow path does)
                n = len(loc)  # its values' lines are the ones added since it opened (the newest)
                added = itertools.islice(reversed(lines.items()), len(lines) - mark)
                inside = {k[n:]: v for k, v in added if len(k) > n and k[:n] == loc}
                anchors[anchor] = (container, size, lines.get(loc, line), inside)
            place(container, lines.get(loc, line), size, False)
        elif cls is AliasEvent:
            value, size, anchor_line, inside = anchors[event.anchor]
            budget -= size
            if budget < 0:  # said here: the slow path would take seconds to find it
                _drain(loader)  # but a syntax error further down comes first, as in the slow path
                raise _alias_bomb(line)
            is_scalar = not isinstance(value, (dict, list))
            at = place(value if is_scalar else copy.deepcopy(value), anchor_line, size, is_scalar)
            for rest, inner in inside.items():  # the expanded values keep their anchor's lines
                lines.setdefault((*at, *rest), inner)
        elif cls is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Fallback
        elif cls is StreamEndEvent:
            break
        elif cls not in (StreamStartEvent, DocumentEndEvent):
            raise _Fallback
    if len(root) != 1:
        raise _Fallback  # empty file, only comments: the slow path words it
    return YamlDocument(root[0], lines)


def _drain(loader: Any) -> None:
    """Read the rest of the file's events without building anything: the slow path composes the
    whole file before it expands aliases, so its syntax errors (raised here as ``YAMLError``, which
    sends the file to the slow path) and a second document come before an alias bomb."""
    from yaml.events import DocumentStartEvent, StreamEndEvent

    while True:
        event = loader.get_event()
        if isinstance(event, StreamEndEvent):
            return
        if isinstance(event, DocumentStartEvent):
            raise _Fallback


_NO_KEY = object()


_UNCLOSED = (
    # (PyYAML's context, what was opened on the context line, how to fix)
    ("flow sequence", "the '[' opened on this line is not closed", "close it with ']'"),
    ("flow mapping", "the '{' opened on this line is not closed", "close it with '}'"),
    ("quoted scalar", "the quote opened on this line is not closed", "add the closing quote"),
    ("simple key", "this key is not followed by ':'", "add ': ' after the key"),
)
_TOKENS = {
    "'<block mapping start>'": "a key",
    "'?'": "a key",
    "'<block sequence start>'": "a list item",
    "'<block entry>'": "a list item",
    "'<scalar>'": "text",
    "'<stream end>'": "the end of the file",
}


def _syntax_problem(exc: yaml.MarkedYAMLError) -> YamlProblem:
    """One line for a PyYAML syntax error, on the line where the fix belongs."""
    problem = " ".join((exc.problem or "invalid YAML").split())
    context = " ".join((exc.context or "").split())
    pline = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
    cline = exc.context_mark.line + 1 if exc.context_mark is not None else None
    for needle, opened, fix in _UNCLOSED:
        if needle in context and cline is not None:
            where = f" on line {pline}" if pline is not None and pline != cline else ""
            return YamlProblem(cline, f"YAML syntax error: {opened} ({problem}{where}); {fix}")
    line = pline or cline
    if "<block end>" in problem:
        found = problem.rsplit("but found ", 1)[-1]
        found = _TOKENS.get(found, found)
        if cline is not None and pline is not None and cline < pline:
            what = (
                f"the indentation of this line does not fit the block that starts on line {cline}; "
                "line it up with the other keys or items of its block"
            )
        else:
            what = f"unexpected {found} after a complete value; quote the value or remove the extra text"
    elif "duplicate anchor" in context:
        what = f"{context.split(';')[0]} (first on line {cline}); rename one of them"
    elif "another document" in problem:
        what = "a second YAML document starts here; a scenario holds one document, remove the extra '---'"
    elif "mapping values are not allowed" in problem:
        what = f"{problem}; quote a value that contains ': ', or check the indentation"
    elif "cannot start any token" in problem:
        what = f"{problem}; quote the value"
    else:
        what = problem + (f" ({context})" if context else "")
    return YamlProblem(line, f"YAML syntax error: {what}")


class _Converter:
    """Turn a node tree into plain values, recording lines and refusing what a scenario cannot hold."""

    def __init__(self, loader: _Loader, lines: dict[Loc, int]) -> None:
        self.loader = loader
        self.lines = lines
        self.budget = MAX_NODES
        self.seen: set[int] = set()  # nodes already converted once: meeting one again expands an alias

    def convert(self, node: yaml.Node, loc: Loc, site: int, depth: int, aliased: bool) -> Any:
        """``site``: the line where this value is used (for an alias: where the alias is, not its anchor)."""
        if aliased:  # only alias expansions count: plain values are bounded by the file size
            self.budget -= 1
        if self.budget < 0:
            raise _alias_bomb(site)
        if depth > MAX_DEPTH:
            raise _too_deep(site)
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise _tag_problem(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                kline = key_node.start_mark.line + 1
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise YamlProblem(kline, "merge keys ('<<') are not supported; write the keys out")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlProblem(kline, "mapping keys must be plain names, not lists or mappings")
                key = self.scalar(key_node)
                if not isinstance(key, str):
                    key = str(key)
                if key in out:
                    raise YamlProblem(kline, f"key {short_repr(key)} given twice in one mapping; keep one")
                child = (*loc, key)
                self.lines[child] = kline
                out[key] = self.child(value_node, child, site, kline, depth, aliased)
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise _tag_problem(node)
            return [
                self.child(item, (*loc, i), site, item.start_mark.line + 1, depth, aliased)
                for i, item in enumerate(node.value)
            ]
        return self.scalar(node)

    def child(self, node: yaml.Node, loc: Loc, site: int, line: int, depth: int, aliased: bool) -> Any:
        if aliased or id(node) in self.seen:  # inside an alias expansion: it is used at the parent's site
            return self.convert(node, loc, site, depth + 1, True)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            self.seen.add(id(node))
        return self.convert(node, loc, line, depth + 1, False)

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag == _TIMESTAMP:
            return str(node.value)
        if node.tag not in _SCALAR_TAGS:
            raise _tag_problem(node)
        try:
            return self.loader.construct_object(node)
        except (ValueError, ArithmeticError, yaml.YAMLError):
            # e.g. an integer with thousands of digits, or '!!float abc'
            raise YamlProblem(
                node.start_mark.line + 1,
                f"cannot read {short_repr(node.value)} as {node.tag.rsplit(':', 1)[-1]}; "
                "write a shorter number or quote the text",
            ) from None


def _tag_problem(node: yaml.Node) -> YamlProblem:
    return YamlProblem(
        node.start_mark.line + 1,
        f"YAML tag {short_repr(node.tag)} is not allowed; scenario files hold plain values only (remove it)",
    )
