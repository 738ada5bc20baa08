"""Shared fixtures: a minimal scenario, helpers to write scenario text, the CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

# Window tables are not read from or written to a store on disk (sim.sky.store) in tests, so
# that every test computes what it checks; tests/test_store.py turns the store on for itself.
os.environ["LUNARSIM_CACHE_DIR"] = "off"

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
ONE_SECOND_S = 1.0
ONE_MINUTE_S = 60.0

MINIMAL = """\
id: mini
name: Minimal mission
epoch: 2020-11-23T20:30:12Z
elements: [stack, lander]
phases:
  - id: launch
    kind: launch
    element: stack
    duration: 37min
  - id: transfer
    kind: transfer
    element: stack
    after: [launch]
    duration: {dist: triangular, low: 108h, mode: 112h, high: 116h}
  - id: landing
    kind: landing
    element: lander
    after: [{phase: transfer, lag: 2h}]
    duration: 15min
"""


@pytest.fixture
def minimal_text() -> str:
    """YAML text of a small valid scenario."""
    return MINIMAL


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write dedented YAML text to a file in tmp_path and return its path."""

    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sim ARGS`` in a subprocess, capturing text output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=120, env=env
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites tests/golden/ from the current code (an explicit act, never automatic)."""
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden files in tests/golden/")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files."""
    return bool(request.config.getoption("--update-golden"))
