"""The example scenario scripts under scenarios/scripts/ run and print the right numbers.

Each script is run as a user would (``python scenarios/scripts/x.py``) in a subprocess, from a
folder outside the checkout, so that the scripts' own ``sim`` import path is exercised.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCENARIOS

SCRIPTS = ROOT / "scenarios" / "scripts"


def run_script(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a script with this interpreter, capturing text output."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, str(SCRIPTS / name), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_scripts_have_docstrings_that_say_how_to_run_them() -> None:
    """Every example script opens with a docstring naming the command that runs it."""
    scripts = sorted(SCRIPTS.glob("*.py"))
    assert {p.name for p in scripts} >= {"ce7_launch_slip.py", "ce5_vs_ce6_by_kind.py"}
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        assert text.startswith('"""'), path.name
        assert f"python scenarios/scripts/{path.name}" in text.split('"""')[1], path.name


def slip_target() -> Path:
    """change7 once it exists, change5 until then."""
    ce7 = SCENARIOS / "change7.yaml"
    return ce7 if ce7.exists() else SCENARIOS / "change5.yaml"


def test_launch_slip_moves_landing_by_the_slip(tmp_path: Path) -> None:
    """A 30-day launch slip moves the nominal landing by 30 d (no windows yet) and says so."""
    res = run_script("ce7_launch_slip.py", str(slip_target()), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "launch slipped by 30 days" in out
    assert re.search(r"landing moved by:\s+30d \(720\.000 h\)", out), out
    assert re.search(r"mission end moved by:\s+30d \(720\.000 h\)", out), out
    landings = re.findall(r"landing:\s+(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC", out)
    assert len(landings) == 2


def test_launch_slip_on_change5_prints_flown_landing(tmp_path: Path) -> None:
    """On CE-5 the baseline landing is the flown 2020-12-01 15:11 and a 14-day slip adds 336 h."""
    res = run_script("ce7_launch_slip.py", str(SCENARIOS / "change5.yaml"), "--days", "14", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    landings = re.findall(r"landing:\s+(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC", res.stdout)
    assert landings == ["2020-12-01 15:11", "2020-12-15 15:11"]
    assert "landing moved by:     14d (336.000 h)" in res.stdout


def test_launch_slip_missing_file_exits_2(tmp_path: Path) -> None:
    """A missing scenario file is a one-line error and exit 2, no traceback."""
    res = run_script("ce7_launch_slip.py", str(tmp_path / "nope.yaml"), cwd=tmp_path)
    assert res.returncode == 2 and "no such scenario file" in res.stderr and "Traceback" not in res.stderr


def kind_rows(out: str) -> dict[str, list[float | None]]:
    """The by-kind lines of ce5_vs_ce6_by_kind.py: kind -> [ce5 sim, ce5 flown, ce6 sim, ce6 flown]."""
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 5 and re.fullmatch(r"[a-z_]+", parts[0]) and parts[0] != "kind":
            rows[parts[0]] = [None if p == "-" else float(p) for p in parts[1:]]
    return rows


@pytest.mark.skipif(not (SCENARIOS / "change6.yaml").exists(), reason="change6.yaml not written yet")
def test_ce5_vs_ce6_by_kind_numbers(tmp_path: Path) -> None:
    """The by-kind table: CE-5 wait 5 d 21 h 19 m flown, CE-6 wait 14 d (dates), surface stays, totals."""
    res = run_script("ce5_vs_ce6_by_kind.py", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    rows = kind_rows(res.stdout)
    # CE-5 lunar-orbit wait: 12-06 04:35 -> 12-12 01:54 = 141.3 h; CE-6 06-06 -> 06-20 = 336 h flown
    assert rows["lunar_orbit_wait"] == [141.3, 141.3, 332.3, 336.0]
    # CE-5 sampling: landing 15:11 -> sealed 14:00 = 22 h 49 m = 22.8 h
    assert rows["sampling"][:2] == [22.8, 22.8]
    # surface stay landing -> liftoff: CE-5 47 h 59 m, CE-6 49 h 15 m (nominal run)
    assert rows["sampling"][0] + rows["surface_ops"][0] == pytest.approx(48.0, abs=0.05)
    assert rows["sampling"][2] + rows["surface_ops"][2] == pytest.approx(49.25, abs=0.05)
    assert rows["tcm"][2] is None  # CE-6 TCM times were not published
    totals = {line.split()[0]: line.split()[1:] for line in res.stdout.splitlines()
              if line.startswith(("change5 ", "change6 "))}
    assert totals["change5"] == ["552.0", "549.5", "549.5", "1731.0"]
    assert totals["change6"] == ["1272.0", "1268.7", "1268.7", "1935.3"]
