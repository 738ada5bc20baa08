"""`lunarsim --help` and `--version` start fast: the parser imports no numpy, pydantic, yaml or simpy.

Issue 16 asks for < 0.15 s of CPU; the interpreter alone is ~0.02 s, numpy ~0.1 s and pydantic
~0.15 s, so the way to keep the promise is to keep those imports out of the parser's path
(``benchmarks/run.py`` measures the time itself).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("numpy", "pydantic", "yaml", "simpy", "matplotlib", "skyfield", "rich", "sim.scenario", "sim.engine")

PROBE = """
import sys
from sim.cli import build_parser, main
try:
    main({argv!r})
except SystemExit:
    pass
print("loaded:" + ",".join(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


@pytest.mark.parametrize(
    "argv", [["--version"], ["--help"], ["mc", "--help"], ["sweep", "--help"], ["gantt", "--help"]]
)
def test_help_and_version_import_nothing_heavy(argv: list[str]) -> None:
    res = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv, heavy=HEAVY)], capture_output=True, text=True, check=True
    )
    loaded = res.stdout.strip().splitlines()[-1].removeprefix("loaded:")
    assert loaded == "", f"lunarsim {' '.join(argv)} imported {loaded}"
