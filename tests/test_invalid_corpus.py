"""The corpus of broken scenarios: each file names the line and message its error must have.

Every ``tests/scenarios/invalid/*.yaml`` starts with ``# expect: <line> <substring>``: loading
it must raise ``InputError`` with a problem ``<path>:<line>: ...<substring>...``, and the CLI
must print only such one-line problems (no traceback) and exit 2. Cases that cannot be stored
(an empty file, a file over the size limit, values thousands of characters long) are generated
into ``tmp_path``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.errors import EXIT_INPUT, InputError
from sim.scenario.model import load_scenario
from sim.scenario.yamlsource import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent
INVALID = Path(__file__).resolve().parent / "scenarios" / "invalid"
CASES = sorted(INVALID.glob("*.yaml"))
MIN_CASES = 40  # raise it when adding cases; the corpus must not shrink silently
EXPECT = re.compile(r"^# expect: (\d+) (\S.*?)\s*$")
MAX_MESSAGE_CHARS = 400  # after the path: a problem never echoes a huge input
FAST_S = 1.0  # CPU seconds (process_time): a busy machine must not fail the test, a slow parser must


def expectation(path: Path) -> tuple[int, str]:
    """The ``(line, substring)`` named by the file's first-line ``# expect:`` comment."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    m = EXPECT.match(first)
    assert m, f"{path.name}: line 1 must be '# expect: <line> <substring>', got {first!r}"
    return int(m.group(1)), m.group(2)


def problems_of(path: Path) -> list[str]:
    """The problem lines ``load_scenario`` raises for ``path`` (fails if it loads)."""
    with pytest.raises(InputError) as info:
        load_scenario(path)
    return info.value.problems


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m sim ARGS`` from the project root."""
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def assert_clean(path: Path, problems: list[str]) -> None:
    """Each problem is one short line that starts with the path."""
    assert problems
    for line in problems:
        assert line.startswith(f"{path}:"), line
        assert "\n" not in line and len(line) - len(str(path)) < MAX_MESSAGE_CHARS, line


def test_corpus_is_complete() -> None:
    """The corpus holds enough files and every one names its expected error on line 1."""
    assert len(CASES) >= MIN_CASES, f"only {len(CASES)} invalid scenarios; expected >= {MIN_CASES}"
    for path in CASES:
        line, _ = expectation(path)
        last = path.read_bytes().count(b"\n") + 1
        assert 1 <= line <= last, f"{path.name}: expected line {line} is past the end ({last})"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_invalid_scenario_names_line_and_problem(path: Path) -> None:
    """Loading a broken scenario raises InputError naming the expected line and message."""
    line, substring = expectation(path)
    start = time.process_time()
    problems = problems_of(path)
    assert time.process_time() - start < FAST_S, "bad input must fail fast"
    assert_clean(path, problems)
    assert any(p.startswith(f"{path}:{line}:") and substring in p for p in problems), (
        f"expected a problem at line {line} containing {substring!r}; got:\n" + "\n".join(problems)
    )


def test_validate_reports_every_file_without_traceback() -> None:
    """`validate` on the whole corpus exits 2 and prints only one-line problems, each naming its file."""
    result = cli("validate", *map(str, CASES))
    assert result.returncode == EXIT_INPUT
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # no file is OK
    lines = result.stderr.splitlines()
    by_file: dict[Path, list[str]] = {path: [] for path in CASES}
    for line in lines:
        owner = [path for path in CASES if line.startswith(f"{path}:")]
        assert owner, f"stderr line does not start with a scenario path: {line!r}"
        by_file[owner[0]].append(line)
    for path, own in by_file.items():
        expected_line, substring = expectation(path)
        assert any(p.startswith(f"{path}:{expected_line}:") and substring in p for p in own), (path.name, own)


@pytest.mark.parametrize("name", ["dependency_cycle", "non_utf8", "alias_bomb"])
def test_run_refuses_invalid_scenario(name: str) -> None:
    """`run` on a broken scenario exits 2 with the expected one-line problem and no traceback."""
    path = INVALID / f"{name}.yaml"
    line, substring = expectation(path)
    result = cli("run", str(path))
    assert result.returncode == EXIT_INPUT
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(x.startswith(f"{path}:") for x in lines), result.stderr
    assert any(x.startswith(f"{path}:{line}:") and substring in x for x in lines), result.stderr


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_validate_bad_path_is_one_line(kind: str, tmp_path: Path) -> None:
    """A path that does not exist, or a directory, exits 2 with one line naming it."""
    path = tmp_path / "nope.yaml" if kind == "missing" else tmp_path
    result = cli("validate", str(path))
    assert result.returncode == EXIT_INPUT
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: "), result.stderr


# --------------------------------------------------------------------------- generated cases


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ":1: file is empty"),
        (b"\n  \n\n", ":1: file is empty"),
        (b"id: big\nname: Big\n" + b"# padding\n" * (MAX_FILE_BYTES // 10 + 1), ": file is larger than"),
    ],
    ids=["empty", "blank", "huge"],
)
def test_generated_invalid_file(content: bytes, expected: str, tmp_path: Path) -> None:
    """Empty, blank and oversized files are refused with one line (the huge one before parsing)."""
    path = tmp_path / "scenario.yaml"
    path.write_bytes(content)
    start = time.process_time()
    problems = problems_of(path)
    assert time.process_time() - start < FAST_S
    assert_clean(path, problems)
    assert len(problems) == 1 and problems[0].startswith(f"{path}{expected}"), problems


LONG = "x" * 10_000
BASE = """\
id: ce5-mini
name: Chang'e 5 (minimal)
epoch: 2020-11-23T20:30:12Z
site: {lat_deg: 43.06, lon_deg: -51.92}
elements: [stack]
phases:
  - id: launch
    kind: launch
    element: stack
    duration: 37min
"""


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("id: ce5-mini", f"id: {LONG}"),
        ("epoch: 2020-11-23T20:30:12Z", f"epoch: {LONG}"),
        ("lat_deg: 43.06", f"lat_deg: {LONG}"),
        ("kind: launch", f"kind: {LONG}"),
        ("element: stack", f"element: {LONG}"),
        ("duration: 37min", f"duration: {LONG}"),
        ("duration: 37min", f"duration: {{dist: uniform, low: {LONG}, high: 1h}}"),
        ("duration: 37min", f"duration: {{dist: uniform, low: 1h, high: 2h, {LONG}: 1h}}"),
        ("duration: 37min", f"duration: 37min\n    {LONG}: 1"),
        ("duration: 37min", f"duration: 37min\n    after: [{LONG}]"),
        ("duration: 37min", f"duration: 37min\n    {LONG}: 1\n    {LONG}: 2"),
        ("duration: 37min", f"duration: 37min\n    actual: {{start: {LONG}}}"),
        ("lat_deg: 43.06", f"lat_deg: {'4' * 10_000}"),
        ("id: ce5-mini", f"id: !{LONG} x"),
    ],
    ids=[
        "id",
        "epoch",
        "lat_deg",
        "kind",
        "element",
        "duration",
        "dist-low",
        "dist-key",
        "phase-key",
        "after",
        "key-twice",
        "actual-start",
        "long-number",
        "tag",
    ],
)
def test_long_input_is_not_echoed(old: str, new: str, tmp_path: Path) -> None:
    """A value or key thousands of characters long is cut short in the message, never echoed whole."""
    path = tmp_path / "scenario.yaml"
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    problems = problems_of(path)
    assert_clean(path, problems)
    assert all(LONG[:200] not in p and "4" * 200 not in p for p in problems), problems


def test_top_level_long_text_is_not_echoed(tmp_path: Path) -> None:
    """A file that is one long line of text says it is not a mapping, without repeating the text."""
    path = tmp_path / "scenario.yaml"
    path.write_text(LONG + "\n", encoding="utf-8")
    problems = problems_of(path)
    assert_clean(path, problems)
    assert "expected a mapping of scenario fields" in problems[0]
