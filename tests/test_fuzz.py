"""Fuzz test (issue 11): mutated bundled scenarios and programs through validate/run/mc/gantt.

Every example (tests/fuzzing.py) must end with exit 0, 1 or 2, no traceback, no raw control
character, and on exit 2 only ``file:line: message`` lines. The bounded CI profile runs
``LUNARSIM_FUZZ_EXAMPLES`` examples (default 100: about 30 s of CPU here); the long profile
is the same test with more examples, from a documented command::

    LUNARSIM_FUZZ_EXAMPLES=3000 pytest -q tests/test_fuzz.py
    LUNARSIM_FUZZ_START=5000 LUNARSIM_FUZZ_EXAMPLES=3000 pytest -q tests/test_fuzz.py   (other seeds)
    LUNARSIM_FUZZ_SEED=1234 pytest -q tests/test_fuzz.py                                 (one example)

The commands run in this process (``sim.cli.main``) with ``LUNARSIM_TRACEBACK=1``, so a bug
shows its traceback instead of the one-line internal-error message users get.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sim.cli import main
from tests.fuzzing import check, mutate

EXAMPLES = int(os.environ.get("LUNARSIM_FUZZ_EXAMPLES", "100"))
START = int(os.environ.get("LUNARSIM_FUZZ_START", "0"))
ONE = os.environ.get("LUNARSIM_FUZZ_SEED")
SEEDS = [int(ONE)] if ONE else list(range(START, START + EXAMPLES))


def test_fuzz_mutated_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mutated scenario/program files never crash, hang or print raw control characters."""
    monkeypatch.setenv("LUNARSIM_TRACEBACK", "1")
    monkeypatch.setenv("COLUMNS", "100")
    failures: list[str] = []
    codes = {0: 0, 1: 0, 2: 0}
    start = time.monotonic()
    for seed in SEEDS:
        folder = tmp_path / str(seed)
        folder.mkdir()
        example = mutate(seed, folder)
        for command in example.commands:
            try:
                code = main(list(command))
            except SystemExit as exc:  # argparse usage errors
                code = exc.code if isinstance(exc.code, int) else 2
            except Exception as exc:
                failures.append(f"seed {seed} ({example.description}): {' '.join(command[:1])}: {exc!r}"[:400])
                capsys.readouterr()
                break
            out, err = capsys.readouterr()
            codes[code] = codes.get(code, 0) + 1
            for problem in check(code, out, err, example.files):
                failures.append(f"seed {seed} ({example.description}): {command[0]}: {problem}"[:400])
    elapsed = time.monotonic() - start
    assert not failures, f"{len(failures)} failures in {len(SEEDS)} examples:\n" + "\n".join(failures[:20])
    # the mutations must reach past the parser: some examples run, some fail validation
    if len(SEEDS) >= 50:
        assert codes[0] >= len(SEEDS) // 10 and codes[2] >= len(SEEDS) // 4, codes
    print(f"{len(SEEDS)} examples, exit codes {codes}, {elapsed:.1f} s")


DIFFERENTIAL = max(1, EXAMPLES // 3)


def test_fuzz_fast_and_slow_yaml_paths_agree(tmp_path: Path) -> None:
    """On mutated files too, the libyaml fast path equals the pure-Python path or declines."""
    from sim.scenario import yamlsource as ys

    for seed in SEEDS[:DIFFERENTIAL]:
        folder = tmp_path / str(seed)
        folder.mkdir()
        example = mutate(seed, folder)
        for path in example.files:
            try:
                text = ys.read_text(path)
            except ys.YamlProblem:
                continue
            try:
                fast = ys.parse_fast(text)
            except ys.YamlProblem as exc:  # an alias bomb: the slow path must say the same
                with pytest.raises(ys.YamlProblem) as slow_exc:
                    ys.parse_slow(text)
                assert (exc.line, exc.message) == (slow_exc.value.line, slow_exc.value.message), seed
                continue
            try:
                slow = ys.parse_slow(text)
            except (ys.YamlProblem, RecursionError):
                assert fast is None, (seed, example.description)
                continue
            assert fast is not None, (seed, example.description)
            assert fast.data == slow.data or str(fast.data) == str(slow.data), (seed, example.description)
            assert fast.lines == slow.lines, (seed, example.description)
