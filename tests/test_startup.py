"""`lunarsim --help` and `--version` start fast: the parser imports no numpy, pydantic, yaml or simpy.

Issue 16 asks for < 0.15 s of CPU; the interpreter alone is ~0.02 s, numpy ~0.1 s and pydantic
~0.15 s, so the way to keep the promise is to keep those imports out of the parser's path
(``benchmarks/run.py`` measures the time itself).
"""

from __future__ import annotations

import os
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


# A pipe without $COLUMNS (the table is 200 wide). Passed explicitly: readline, once imported by
# pytest (pdb), puts COLUMNS=80 into the C environment that children inherit, not into os.environ.
PIPE_ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}

RUN_PROBE = """
import contextlib, io, sys
from sim.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main({argv!r})
    except SystemExit:
        pass
print("loaded:" + ",".join(sorted(m for m in ("matplotlib", "rich", "simpy", "skyfield") if m in sys.modules)))
"""

WINDOWLESS = """\
id: plain
name: Plain
epoch: 2024-01-01T00:00:00Z
elements: [x]
phases:
  - {id: a, kind: launch, duration: 2h, element: x}
  - {id: b, kind: transfer, duration: 5d, element: x, after: [a]}
"""


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        # windows need the ephemeris; a plain table to a pipe or file goes without rich (sim.report.plain)
        # and simpy only when a run has events (a window, a resource, a failure: sim.engine.loop)
        (["run", "change5"], "simpy,skyfield"),
        (["run", "change5", "--json"], "simpy,skyfield"),
        (["run", "PLAIN"], ""),  # no window: no ephemeris, no event
        (["run", "PLAIN", "--json"], ""),
        (["mc", "PLAIN", "-n", "200", "--json"], ""),  # the vector path and its nominal run
        (["mc", "PLAIN", "-n", "200", "--json", "--engine", "des"], ""),  # settled arithmetically too
    ],
)
def test_run_imports_only_what_it_uses(argv: list[str], expected: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: `run` and `mc --json` never import matplotlib; skyfield only when a window is
    computed, simpy only for a run with events, rich only when a table is printed to a terminal
    or is not plain text (tests/test_plain_tables.py)."""
    plain = tmp_path / "plain.yaml"
    plain.write_text(WINDOWLESS)
    argv = [str(plain) if a == "PLAIN" else a for a in argv]
    res = subprocess.run(
        [sys.executable, "-c", RUN_PROBE.format(argv=argv)], capture_output=True, text=True, check=True, env=PIPE_ENV
    )
    assert res.stdout.strip().splitlines()[-1].removeprefix("loaded:") == expected


BLAS_PROBE = """
import contextlib, io, os
from sim.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["run", "change5", "--json"])
import numpy
threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
print(os.environ.get("OPENBLAS_NUM_THREADS"), threads)
"""


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("2", "2")])
def test_numpy_s_blas_runs_one_thread_unless_asked(given: str | None, expected: str) -> None:
    """Issue 16: OpenBLAS's extra thread spun after the sky's small matrix products (~0.18 s of
    CPU in `run change5`); lunarsim sets OPENBLAS_NUM_THREADS=1 before numpy loads unless it is set."""
    env = {k: v for k, v in PIPE_ENV.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    res = subprocess.run([sys.executable, "-c", BLAS_PROBE], capture_output=True, text=True, check=True, env=env)
    value, threads = res.stdout.split()
    assert value == expected
    if given is None:
        assert threads == "1"  # the interpreter's own thread only: no BLAS worker
