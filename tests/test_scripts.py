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
    return subprocess.run(
        [sys.executable, str(SCRIPTS / name), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


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


def test_launch_slip_moves_landing_by_the_slip_less_the_waits(tmp_path: Path) -> None:
    """CE-7 slipped 30 d lands 28 d 19 h 15 m later: it no longer waits for the morning light.

    change7.yaml, nominal epoch 2026-08-15: the site survey (after LOI-1, the 24 h capture
    ellipse and LOI-2, all from physics) ends 2026-10-04 16:33 and the stack waits 1 d 4 h 45 m
    for the morning of the lunar day that starts 2026-10-05 21:18 (landing_light);
    lander_phasing (mode 2 d) ends 10-07 21:18, inside a computed Queqiao-2 pass (12 h orbit,
    ~80 % coverage at the site), so the descent (a 12 min 36 s burn) does not wait and lands at
    21:31. Slipped 30 d, the survey ends 2026-11-03 16:33, inside the morning of the lunar day
    that starts 2026-11-02 10:59: no wait; phasing ends 11-05 16:33, inside a pass: no wait;
    landing 11-05 16:46. Shift = 28 d 19 h 15 m = 691.244 h = 30 d - the 1 d 4 h 45 m waited for
    the light in the baseline.
    The mission end moves much more: rover_traverse_3 starts with the lunar day of 2027-01-03
    03:20 and runs 12 d (mode) to 01-15 03:20; rover_traverse_4 (12 d, must fit in daylight) fits
    neither the rest of that day (to 01-20 04:52) nor the 10.7 d day of 02-05, and the polar night
    lasts from 02-15 to 07-08 (the daylight comment): it waits at least 01-15 03:20 -> 07-08.
    """
    res = run_script("ce7_launch_slip.py", str(slip_target()), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "launch slipped by 30 days" in out
    landings = re.findall(r"landing:\s+(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC", out)
    assert landings == ["2026-10-07 21:31", "2026-11-05 16:46"]
    assert re.search(r"landing moved by:\s+28d 19h 15m \(691\.244 h\)", out), out
    assert "= launch slip 30d - 1d 4h 45m of waits on the way to the landing (1d 4h 45m in the baseline, 0s" in out
    baseline, slipped = out.split("+30 d (launch")
    assert "stack_separation waited 1d 4h 45m for window landing_light (after site_survey)" in baseline
    assert "powered_descent waited" not in baseline  # the computed relay is in view at 10-07 21:18
    assert "stack_separation waited" not in slipped and "powered_descent waited" not in slipped
    wait = re.search(r"rover_traverse_4 waited (\d+)d .* for window daylight \(after rover_traverse_3\)", slipped)
    assert wait is not None and int(wait.group(1)) >= 173  # 2027-01-15 03:20 -> 07-08: 173 d 20 h 40 m
    assert "(end of rover_traverse_4)" in slipped
    moved_end = re.search(r"mission end moved by:\s+(\d+)d", out)
    assert moved_end is not None and int(moved_end.group(1)) > 30


def test_launch_slip_on_change5_lands_a_lunar_month_later(tmp_path: Path) -> None:
    """CE-5 slipped 14 d lands on 2020-12-31 08:32, not 12-15: 12-15 is local night at the site.

    change5.yaml (durations from physics): the launch waits for the computed launch window (12-19
    17:10); the separation is then ready on 12-25, when it is night at the site. approach_light
    (Sun 20-33 deg rising) next opens 2020-12-28 23:19:27 (`lunarsim sun --site change5
    --elevation 20`); the stack waits 3 d 4 h 52 m (1 h 8 m less than with typed durations: the
    LOI burns and the 3-revolution capture orbit take that much longer than the flown times).
    la_orbit_phasing (mode 1 d 12 h, assumed) ends 12-30 11:19; landing_light (Sun >= 37.43 deg)
    opens 12-31 08:19:26 (`--elevation 37.43`): the descent waits 21 h, then its 12.6 min burn:
    landing 08:32. The baseline (flown epoch) lands 12-01 15:09 after a 5 h 8 m wait for the same
    window, ~2 min before the flown 15:11 (constant-thrust descent; tests/test_historical.py).
    Shift 29 d 17 h 23 m = 713.384 h. After docking the return waits for the computed return
    window of January (3 d before the 2021-01-12 08:17 southern extreme, less the physics lead
    24 h 5 m); the capsule lands 2021-01-13 00:25, 27 d 9 h 52 m after the nominal 12-16 14:33.
    The slipped epoch (12-07 20:30) is outside the computed launch period, so the launch itself
    waits 11 d 20 h 40 m for the 12-19 window; the stack then waits less for the light.
    """
    res = run_script("ce7_launch_slip.py", str(SCENARIOS / "change5.yaml"), "--days", "14", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    landings = re.findall(r"landing:\s+(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC", out)
    assert landings == ["2020-12-01 15:09", "2020-12-31 08:32"]
    assert "landing moved by:     29d 17h 23m (713.384 h)" in out
    assert "= launch slip 14d + 15d 17h 23m of waits on the way to the landing (5h 8m in the baseline" in out
    baseline, slipped = out.split("+14 d (launch")
    assert "powered_descent waited 5h 8m for window landing_light (after la_orbit_phasing)" in baseline
    assert "tei1 waited 3d 17h 46m for window tei_slot (after tei_preparation)" in baseline
    # 12-07 20:30 is outside the launch period (the computed launch window has no opening from
    # 12-04 to 12-19): the launch waits 11 d 20 h 40 m, then the stack waits less for the light
    assert "launch waited 11d 20h 40m for window launch_window (after the epoch)" in slipped
    assert "stack_separation waited 3d 4h 52m for window approach_light (after circular_orbit)" in slipped
    assert "powered_descent waited 21h for window landing_light (after la_orbit_phasing)" in slipped
    assert "tei1 waited 1d 10h 15m for window tei_slot (after tei_preparation)" in slipped  # liftoff at landing + 48 h
    assert "mission end: 2021-01-13 00:25 UTC (end of capsule_landing)" in slipped
    assert "mission end moved by: 27d 9h 52m" in out


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
    # lunar-orbit wait before return = the work + the wait for the TEI window that follows it.
    # CE-5: 2 d work (12-06 04:32:53 -> 12-08 04:32:53; the physics descent lands 2 min early) +
    # wait to the computed return window's opening 12-11 22:19:54 (lead: the physics 24 h 5 min
    # to TEI-2, change5.yaml) = 137.8 h; flown 12-06 04:35 -> 12-12 01:54 = 5 d 21 h 19 m = 141.3 h. CE-6:
    # separation 06-06 14:25:07 (nominal; the liftoff at landing + 48 h, the surface-stay rule of
    # change6.yaml, is 1 h 17 min before the flown one) + 5 d work, waits to the 06-19 02:37:48
    # opening: 12 d 12 h 13 m = 300.2 h; flown 06-06 -> 06-20 (dates, noon to noon) = 336 h.
    # CE-5's 2 d work starts at 12-06 04:33:53 (its liftoff by the same rule is 1 min later).
    assert rows["lunar_orbit_wait"] == [137.8, 141.3, 300.2, 336.0]
    # CE-6 lunar orbit holds the ~3 weeks before landing: LOI burn end 05-08 02:30:09 (the 18 min
    # 9 s LOI burn, change6.yaml) -> descent 06-01 22:08:38 = 24 d 19 h 38 m 29 s (work + the
    # waits for approach_light and landing_slot), plus docked_combo 8 h 18 m and the O/R lane
    # filler to the liftoff (06-03 22:21:14, landing + 48 h by the surface-stay rule; flown 23:38)
    # 4 d 4 h 14 m 15 s = 704.2 h
    assert rows["lunar_orbit"][2] == pytest.approx(round(24 * 24 + 19 + 38 / 60 + 29 / 3600 + 8.3 + 100.2375, 1))
    assert (
        "change6: stack_separation waited 471.6 h for window approach_light after lunar_orbit_adjust "
        "(lunar_orbit)" in res.stdout
    )
    # CE-5 sampling: landing 15:11 -> sealed 14:00 = 22 h 49 m = 22.8 h
    assert rows["sampling"][:2] == [22.8, 22.8]
    # surface stay landing -> liftoff, nominal: 48 h for both by the surface-stay rule (landing +
    # 48 h, calibrated on CE-5's flown 47 h 59 m); CE-6 flew 49 h 15 m (its actual row)
    assert rows["sampling"][0] + rows["surface_ops"][0] == pytest.approx(48.0, abs=0.05)
    assert rows["sampling"][2] + rows["surface_ops"][2] == pytest.approx(48.0, abs=0.05)
    assert rows["tcm"][2] is None  # CE-6 TCM times were not published
    totals = {
        line.split()[0]: line.split()[1:]
        for line in res.stdout.splitlines()
        if line.startswith(("change5 ", "change6 "))
    }
    # simulated totals: the return departs at the computed window's opening (docs/windows.md)
    assert totals["change5"] == ["552.0", "549.5", "546.0", "1731.0"]
    assert totals["change6"] == ["1272.0", "1268.7", "1209.1", "1935.3"]  # CE-5 cruise rule (change6.yaml)
