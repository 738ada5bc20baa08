"""A seeded mutator over the bundled scenario and program files, and the checks every run must pass.

Each example is fully determined by its seed: ``mutate(seed)`` picks a bundled file (a scenario,
or the ILRS program with its two mission files), applies one to three mutations to its text
(bytes, lines, indentation, YAML punctuation, encodings) or to its structure (hostile values for
types, numbers, dates and durations; cycles; resources held twice or over capacity; windows,
failures and distributions bent out of shape; keys removed or added; program includes pointed
at themselves, at missing files or outside the folder), writes the files to a folder and returns
the command lines to try (``validate``, then one of ``run``, ``mc``, ``gantt``).

``check(code, out, err, path)`` asserts the promise of docs/design.md, "Failure behaviour": exit
0, 1 or 2 only; never a traceback nor an internal error; no raw control character in anything
printed; on exit 2 every line is ``file:line: message`` naming a file of the example.

Run by tests/test_fuzz.py: a bounded profile in CI, a longer one on request::

    LUNARSIM_FUZZ_EXAMPLES=3000 pytest -q tests/test_fuzz.py        # about 10 minutes
    LUNARSIM_FUZZ_SEED=1234 pytest -q tests/test_fuzz.py              # one example, to debug it
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import SCENARIOS

SCENARIO_FILES = ("change5.yaml", "change6.yaml", "change7.yaml", "change8.yaml")
PROGRAM_FILES = ("ilrs.yaml", "change7.yaml", "change8.yaml")  # the program and what it includes

HOSTILE_SCALARS: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    1,
    2**63,
    10**30,
    1e308,
    -1e308,
    float("nan"),
    float("inf"),
    float("-inf"),
    0.5,
    "",
    " ",
    "x" * 5000,
    "w\x1b[2J",
    "\u202egnp.exe",
    "[/bold]",
    "[red]red",
    "%s%n{0}",
    "../../etc/passwd",
    "/dev/zero",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "2060-01-01T00:00:00Z",
    "1850-06-01T00:00:00Z",
    "2020-02-30T00:00:00Z",
    "2020-11-23T20:30:12+14:00",
    "2020-11-23",
    "1e400s",
    "1e3s",
    "-5h",
    "0s",
    "P",
    "PT",
    "P1000000Y",
    "36500d",
    "1h 1h 1h",
    "NaNh",
    "infh",
    "1.5.5h",
)
DURATIONS: tuple[Any, ...] = (
    "0s",
    "1s",
    "1e-9s",
    "100w",
    "5000w",
    "1e400s",
    "-1h",
    "P4DT16H",
    {"dist": "triangular", "low": "2h", "mode": "1h", "high": "3h"},
    {"dist": "triangular", "low": "1h", "mode": "1h", "high": "1h"},
    {"dist": "uniform", "low": "3h", "high": "1h"},
    {"dist": "pert", "low": "0s", "mode": "0s", "high": "1e6h"},
    {"dist": "lognormal", "median": "1h", "sigma": 50},
    {"dist": "lognormal", "median": "0s", "sigma": -1},
    {"dist": "empirical", "values": []},
    {"dist": "empirical", "values": ["1h"] * 3000},
    {"dist": "fixed", "value": "1h", "min": "2h", "max": "1h"},
    {"dist": "nope"},
    {"dist": "triangular"},
    {"dist": "uniform", "low": "1h", "high": "2h", "extra": 1},
)
FAILURES: tuple[Any, ...] = (
    {"probability": 1, "on_fail": "retry", "max_attempts": 1000, "delay": "100w"},
    {"probability": 1, "on_fail": "abort"},
    {"probability": 0.999999, "on_fail": "hold", "delay": "5000w"},
    {"probability": 1.5, "on_fail": "retry"},
    {"probability": 0.5, "on_fail": "retry", "max_attempts": 10**12},
    {"probability": 0.5, "on_fail": "skip"},
    {"probability": "high", "on_fail": "explode"},
)
WINDOWS: tuple[Any, ...] = (
    {"type": "periodic", "period": "0s", "open": "0s"},
    {"type": "periodic", "period": "1s", "open": "1s"},
    {"type": "periodic", "period": "1000w", "open": "1s", "offset": "999w"},
    {"type": "explicit", "intervals": [["2020-01-01T00:00:00Z", "2020-01-01T00:00:01Z"]]},
    {"type": "explicit", "intervals": [["2030-01-02T00:00:00Z", "2030-01-01T00:00:00Z"]]},
    {"type": "explicit", "intervals": []},
    {"type": "lunar_daylight", "min_sun_elevation_deg": 89.9},
    {"type": "lunar_daylight", "min_sun_elevation_deg": -90, "max_sun_elevation_deg": -89},
    {"type": "lunar_daylight", "site": {"lat_deg": 90, "lon_deg": 0}, "part": "morning"},
    {"type": "all_of", "windows": ["nowhere"]},
    {"type": "any_of", "windows": []},
    {"type": "teleport"},
)


@dataclass(frozen=True)
class Example:
    """One fuzz example: the files it wrote, the file to give the CLI, the commands to try."""

    seed: int
    description: str
    main: Path
    files: tuple[Path, ...]
    commands: tuple[tuple[str, ...], ...]


def mutate(seed: int, folder: Path) -> Example:
    """Write the mutated files of example ``seed`` into ``folder`` and say what to run."""
    rng = random.Random(seed)
    program = rng.random() < 0.2
    names = PROGRAM_FILES if program else (rng.choice(SCENARIO_FILES),)
    texts = {name: (SCENARIOS / name).read_text(encoding="utf-8") for name in names}
    target = rng.choice(names) if program and rng.random() < 0.5 else names[0]
    steps: list[str] = []
    raw: bytes | None = None
    for _ in range(rng.choice((1, 1, 2, 3))):
        if rng.random() < 0.6:
            new, what = _structural(rng, texts[target], target == "ilrs.yaml")
        else:
            new, what = _textual(rng, texts[target])
        steps.append(what)
        if isinstance(new, bytes):
            raw = new
            break
        texts[target] = new
    files = []
    for name, text in texts.items():
        path = folder / name
        if name == target and raw is not None:
            path.write_bytes(raw)
        else:
            path.write_text(text, encoding="utf-8")
        files.append(path)
    main = folder / names[0]
    out = folder / "out"
    commands: list[tuple[str, ...]] = [("validate", str(main))]
    pick = rng.random()
    if pick < 0.45:
        commands.append(("run", str(main), "--json") if rng.random() < 0.5 else ("run", str(main)))
    elif pick < 0.95:  # gantt (matplotlib) is the slowest: one example in twenty
        engine = rng.choice(("auto", "auto", "des"))
        commands.append(("mc", str(main), "-n", str(rng.choice((1, 20, 100))), "--seed", str(seed), "--engine", engine))
    else:
        commands.append(("gantt", str(main), "--out", f"{out}.png", "--dpi", "30"))
    return Example(seed, f"{target}: " + "; ".join(steps), main, tuple(files), tuple(commands))


# --------------------------------------------------------------------------- structure


def _structural(rng: random.Random, text: str, is_program: bool) -> tuple[str | bytes, str]:
    """Mutate the parsed data and dump it back (comments and key order are lost, lines move)."""
    if "&" in text:  # anchors (an alias bomb from an earlier step): walking the data would expand them
        return _textual(rng, text)
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return _textual(rng, text)
    if not isinstance(data, dict):
        return _textual(rng, text)
    ops = [_any_value, _drop_key, _add_key, _phase_op, _phase_op, _phase_op, _window_op, _resource_op]
    if is_program:
        ops += [_include_op, _include_op]
    what = rng.choice(ops)(rng, data)
    try:
        dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=rng.random() < 0.5, width=rng.choice((80, 4000)))
    except (yaml.YAMLError, ValueError, OverflowError):
        return _textual(rng, text)
    return dumped, what


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _any_value(rng: random.Random, data: dict[str, Any]) -> str:
    path = rng.choice(_paths(data)[1:])
    value = rng.choice((*HOSTILE_SCALARS, [], {}, [1, 2], {"a": 1}, rng.choice(DURATIONS)))
    _set(data, path, value)
    return f"set {path} = {str(value)[:40]!r}"


def _drop_key(rng: random.Random, data: dict[str, Any]) -> str:
    paths = [p for p in _paths(data)[1:] if isinstance(_get(data, p[:-1]), dict)]
    path = rng.choice(paths)
    del _get(data, path[:-1])[path[-1]]
    return f"drop {path}"


def _add_key(rng: random.Random, data: dict[str, Any]) -> str:
    dicts = [p for p in _paths(data) if isinstance(_get(data, p), dict)]
    path = rng.choice(dicts)
    key = rng.choice(("durration", "x" * 300, "w\x1b[2J", "\u202e", "phases", "after", "1", "null"))
    _get(data, path)[key] = rng.choice(HOSTILE_SCALARS)
    return f"add {path}.{key[:20]!r}"


def _phase_op(rng: random.Random, data: dict[str, Any]) -> str:
    phases = data.get("phases")
    if not isinstance(phases, list) or not phases:
        return _any_value(rng, data)
    i = rng.randrange(len(phases))
    ph = phases[i]
    if not isinstance(ph, dict):
        return _any_value(rng, data)
    op = rng.randrange(11)
    ids = [p.get("id") for p in phases if isinstance(p, dict)]
    if op == 0:  # a cycle: the first phase after the last
        first = phases[0]
        if isinstance(first, dict):
            first["after"] = [ids[-1]]
        return "cycle"
    if op == 1:
        ph["after"] = [ph.get("id")]
        return f"phase {i} after itself"
    if op == 2:
        phases.append(dict(ph))
        return f"duplicate phase {i}"
    if op == 3:
        ph["duration"] = rng.choice(DURATIONS)
        return f"phase {i} duration {str(ph['duration'])[:40]}"
    if op == 4:
        ph["failure"] = rng.choice(FAILURES)
        return f"phase {i} failure {ph['failure']}"
    if op == 5:
        res = list((data.get("resources") or {"r": {}}).keys()) or ["r"]
        ph["resources"] = [res[0], res[0]] if rng.random() < 0.5 else [*res, "ghost"]
        return f"phase {i} resources {ph['resources']}"
    if op == 6:
        ph["after"] = [{"phase": rng.choice(ids), "lag": rng.choice(("-1h", "1e400s", "100w", 5, None))}]
        return f"phase {i} after with lag"
    if op == 7:
        ph["window"] = rng.choice(("nowhere", {"name": "x", "must_fit": "yes"}, {"name": None}, 7))
        return f"phase {i} window {ph['window']}"
    if op == 8:
        ph["kind"] = rng.choice(("teleport", "", None, "LAUNCH"))
        return f"phase {i} kind"
    if op == 9:
        del phases[i]
        return f"delete phase {i}"
    ph["actual"] = {"start": rng.choice(HOSTILE_SCALARS), "end": "2020-01-01T00:00:00Z", "precision": "ns"}
    return f"phase {i} actual"


def _window_op(rng: random.Random, data: dict[str, Any]) -> str:
    windows = data.setdefault("windows", {}) if isinstance(data.get("windows", {}), dict) else {}
    name = rng.choice([*windows, "fresh"]) if windows else "fresh"
    spec = dict(rng.choice(WINDOWS))
    if rng.random() < 0.3 and windows:
        spec = {"type": "all_of", "windows": [name]}  # a window built from itself: a cycle
    windows[name] = spec
    phases = data.get("phases")
    if isinstance(phases, list) and phases and isinstance(phases[0], dict) and rng.random() < 0.5:
        phases[rng.randrange(len(phases))]["window"] = name
    return f"window {name} = {spec}"


def _resource_op(rng: random.Random, data: dict[str, Any]) -> str:
    res = data.setdefault("resources", {}) if isinstance(data.get("resources", {}), dict) else {}
    name = rng.choice([*res, "fresh"]) if res else "fresh"
    res[name] = rng.choice(({"capacity": 0}, {"capacity": -1}, {"capacity": 10**9}, {"capacity": "one"}, None, []))
    return f"resource {name} = {res[name]}"


def _include_op(rng: random.Random, data: dict[str, Any]) -> str:
    choice = rng.choice(
        (
            ["ilrs.yaml"],
            ["../../etc/passwd"],
            ["missing.yaml"],
            ["change7.yaml", "change7.yaml"],
            [],
            "change7.yaml",
            ["/dev/zero"],
            ["."],
            ["change7.yaml", "ilrs.yaml"],
        )
    )
    data["include"] = choice
    return f"include {choice}"


# --------------------------------------------------------------------------- text


SPECIALS = "[]{}:-&*!|>'\"#%@`,?\t\x00\x1b\x7f\x85\u2028\ufeff"


def _textual(rng: random.Random, text: str) -> tuple[str | bytes, str]:
    lines = text.split("\n")
    n = rng.randrange(len(lines))
    op = rng.randrange(10)
    if op == 0:
        del lines[n]
        return "\n".join(lines), f"delete line {n + 1}"
    if op == 1:
        lines.insert(n, lines[rng.randrange(len(lines))])
        return "\n".join(lines), f"duplicate a line at {n + 1}"
    if op == 2:
        m = rng.randrange(len(lines))
        lines[n], lines[m] = lines[m], lines[n]
        return "\n".join(lines), f"swap lines {n + 1}, {m + 1}"
    if op == 3:
        lines[n] = " " * rng.choice((1, 2, 3, 5, 40)) + lines[n]
        return "\n".join(lines), f"indent line {n + 1}"
    if op == 4:
        line = lines[n]
        k = rng.randrange(len(line) + 1)
        lines[n] = line[:k] + rng.choice(SPECIALS) * rng.choice((1, 1, 2, 40)) + line[k:]
        return "\n".join(lines), f"punctuation on line {n + 1}"
    if op == 5:
        k = rng.randrange(len(text) + 1)
        return text[:k], f"truncate at {k}"
    if op == 6:
        data = text.encode("utf-8")
        k = rng.randrange(len(data) + 1)
        junk = rng.choice((b"\xff\xfe", b"\xc3", b"\x00", bytes(rng.randrange(256) for _ in range(8))))
        return data[:k] + junk + data[k:], f"bytes at {k}"
    if op == 7:
        enc = rng.choice(("utf-16", "latin-1", "utf-8-sig"))
        try:
            return text.encode(enc), f"encoded as {enc}"
        except UnicodeEncodeError:
            return text.encode("utf-16"), "encoded as utf-16"
    if op == 8:
        depth = rng.choice((10, 40, 2000))
        lines.insert(n, "deep: " + "[" * depth + "]" * depth)
        return "\n".join(lines), f"nesting {depth} at line {n + 1}"
    anchors = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    return anchors + text, "alias bomb"


# --------------------------------------------------------------------------- checks


_RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check(code: int, out: str, err: str, files: tuple[Path, ...]) -> list[str]:
    """What is wrong with one command's outcome (empty when it kept every promise)."""
    problems = []
    if code not in (0, 1, 2):
        problems.append(f"exit {code}")
    if "Traceback" in err or "internal error" in err:
        problems.append("traceback or internal error: " + err.strip().splitlines()[-1][:300])
    for stream, text in (("stdout", out), ("stderr", err)):
        if _RAW_CONTROL.search(text):
            problems.append(f"raw control character on {stream}: {_RAW_CONTROL.search(text)!r}")
    if code == 2:
        names = tuple(str(f) for f in files)
        for line in err.strip().splitlines():
            where, _, rest = line.partition(": ")
            file, _, lineno = where.rpartition(":")
            if file not in names or not lineno.isdigit() or not rest:
                problems.append(f"exit-2 line is not 'file:line: message': {line[:300]}")
    return problems
