"""A status date: flown phases keep their times, an in-progress phase is drawn given its elapsed
time, nothing else starts before the status date (closed-form forecasts)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.engine.des import simulate
from sim.engine.montecarlo import monte_carlo
from sim.errors import InputError
from sim.scenario.model import load_scenario_text
from sim.scenario.status import apply_status, phase_states
from sim.timebase import parse_utc

H = 3600.0
TEXT = """id: s
name: S
epoch: 2020-01-01T00:00:00Z
elements: [x, y]
phases:
  - id: a
    kind: launch
    element: x
    duration: 10h
    actual: {start: 2020-01-01T00:00:00Z, end: 2020-01-01T12:00:00Z}
  - id: b
    kind: transfer
    element: x
    after: [a]
    duration: {dist: uniform, low: 10h, high: 20h}
    actual: {start: 2020-01-01T12:00:00Z}
  - {id: c, kind: loi, element: x, after: [b], duration: 1h}
  - {id: d, kind: relay, element: y, duration: 2h}
"""


def test_status_date_forecast_closed_form() -> None:
    """As of 2020-01-02 00:00: a flew 0-12 h (kept, though its model says 10 h); b started at
    12 h and has run 12 h of U(10 h, 20 h), so it lasts U(12 h, 20 h) and its nominal is 15 h;
    d has not started and waits for the status date (24 h)."""
    s = load_scenario_text(TEXT)
    as_of = parse_utc("2020-01-02T00:00:00Z")
    assert phase_states(s, as_of) == {"a": "done", "b": "in_progress", "c": "not_started", "d": "not_started"}
    f = apply_status(s, as_of)
    t = simulate(f)
    assert (t.phase("a").start_s, t.phase("a").end_s) == (0.0, 12 * H)
    assert (t.phase("b").start_s, t.phase("b").end_s) == (12 * H, 27 * H)
    assert (t.phase("c").start_s, t.phase("c").end_s) == (27 * H, 28 * H)
    assert (t.phase("d").start_s, t.phase("d").end_s) == (24 * H, 26 * H)
    n = 20_000
    e = monte_carlo(f, n, 3, per_replication=True)
    b_end = e.phase_end_s[:, 1].astype(float) / H
    assert b_end.min() >= 24.0 and b_end.max() <= 32.0  # 12 h + U(12, 20)
    assert abs(b_end.mean() - 28.0) < 4 * (8 / np.sqrt(12)) / np.sqrt(n)  # conditional mean 12 + 16
    assert abs(np.median(e.end_s / H) - 29.0) < 0.2  # c ends 1 h after b


def test_status_after_everything_flew_is_the_flight() -> None:
    """A status date after the last actual keeps every flown phase exactly."""
    s = load_scenario_text(TEXT.replace("actual: {start: 2020-01-01T12:00:00Z}", "actual: {end: 2020-01-02T06:00:00Z}"))
    t = simulate(apply_status(s, parse_utc("2020-01-03T00:00:00Z")))
    assert (t.phase("b").start_s, t.phase("b").end_s) == (12 * H, 30 * H)  # start from a's flown end
    assert t.phase("c").start_s == 48 * H  # not flown: not before the status date


def test_status_key_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """status: {as_of} in the file and --as-of on the command line give the same forecast;
    --as-of overrides the file; the Gantt draws the status line."""
    plain = tmp_path / "s.yaml"
    plain.write_text(TEXT)
    with_status = tmp_path / "t.yaml"
    with_status.write_text(TEXT + "status: {as_of: 2020-01-02T00:00:00Z, note: test}\n")
    import json

    assert main(["run", str(plain), "--as-of", "2020-01-02T00:00:00Z", "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert main(["run", str(with_status), "--json"]) == 0
    two = json.loads(capsys.readouterr().out)
    assert one["phases"] == two["phases"] and one["end"] == "2020-01-02T04:00:00Z"
    assert main(["run", str(with_status), "--as-of", "2020-01-01T00:00:00Z", "--json"]) == 0
    early = json.loads(capsys.readouterr().out)
    assert early["end"] != one["end"]
    out = tmp_path / "g.png"
    assert main(["gantt", str(with_status), "--out", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert main(["mc", str(plain), "--as-of", "2020-01-02T00:00Z", "-n", "2000", "--json", "--quiet"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["end"]["p10"] >= "2020-01-02T01:00:00Z"


def test_done_phase_without_start_needs_flown_predecessors() -> None:
    """A flown end with no start and an unflown predecessor is a readable error."""
    text = TEXT.replace("actual: {start: 2020-01-01T12:00:00Z}", "actual: {end: 2020-01-01T20:00:00Z}")
    text = text.replace("actual: {start: 2020-01-01T00:00:00Z, end: 2020-01-01T12:00:00Z}", "duration: 1h")
    text = text.replace("    duration: 10h\n    duration: 1h", "    duration: 10h")
    s = load_scenario_text(text)
    with pytest.raises(ValueError, match="give 'b' an actual start"):
        apply_status(s, parse_utc("2020-01-02T00:00:00Z"))
    assert InputError  # the CLI turns it into an InputError (exit 2)


def test_program_missions_take_the_status_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A program file takes --as-of (every mission forecast from it, as each alone would be) and
    applies each mission's own status: {as_of} otherwise."""
    import json

    (tmp_path / "s.yaml").write_text(TEXT)
    (tmp_path / "t.yaml").write_text(
        TEXT.replace("id: s\n", "id: t\n", 1) + "status: {as_of: 2020-01-02T00:00:00Z, note: test}\n"
    )
    prog = tmp_path / "p.yaml"
    prog.write_text("id: p\nname: P\ninclude: [s.yaml, t.yaml]\n")

    def ends(*args: str) -> dict[str, str]:
        assert main(["run", *args, "--json"]) == 0
        return {m["scenario"]: m["end"] for m in json.loads(capsys.readouterr().out)["missions"]}

    def alone(name: str, *args: str) -> str:
        assert main(["run", str(tmp_path / name), *args, "--json"]) == 0
        return str(json.loads(capsys.readouterr().out)["end"])

    # own status: t is forecast from 2020-01-02 (b in progress: 12 h elapsed of U(10, 20) h -> 15 h
    # nominal, then c 1 h), s has none and replays its plan
    assert ends(str(prog)) == {"s": alone("s.yaml"), "t": "2020-01-02T04:00:00Z"}
    # --as-of overrides both, exactly as for each file alone
    later = "2020-01-03T00:00:00Z"
    got = ends(str(prog), "--as-of", later)
    assert got == {"s": alone("s.yaml", "--as-of", later), "t": alone("t.yaml", "--as-of", later)}
    assert got["s"] > "2020-01-03T00:00:00Z"  # nothing unflown starts before the status date
    assert main(["mc", str(prog), "--as-of", later, "-n", "200", "--json", "--quiet"]) == 0
    assert json.loads(capsys.readouterr().out)["end"]["p10"] > later


def test_program_gantt_draws_the_status_line(tmp_path: Path) -> None:
    """`gantt PROGRAM --as-of` and `gantt A B --as-of` draw the status line (the status colour is
    in the PNG); without a status date it is not."""
    import matplotlib.colors as mcolors
    import matplotlib.image as mimage

    from sim.plots.gantt import STATUS_COLOUR

    (tmp_path / "s.yaml").write_text(TEXT)
    (tmp_path / "t.yaml").write_text(TEXT.replace("id: s\n", "id: t\n", 1))
    prog = tmp_path / "p.yaml"
    prog.write_text("id: p\nname: P\ninclude: [s.yaml, t.yaml]\n")
    want = np.array(mcolors.to_rgb(STATUS_COLOUR))

    def status_pixels(*args: str) -> int:
        out = tmp_path / "g.png"
        assert main(["gantt", *args, "--out", str(out)]) == 0
        rgb = mimage.imread(out)[..., :3]
        return int((np.abs(rgb - want).max(axis=-1) < 0.03).sum())

    assert status_pixels(str(prog)) == 0
    assert status_pixels(str(prog), "--as-of", "2020-01-01T18:00:00Z") > 100
    pair = (str(tmp_path / "s.yaml"), str(tmp_path / "t.yaml"))
    assert status_pixels(*pair) == 0
    assert status_pixels(*pair, "--as-of", "2020-01-01T18:00:00Z") > 100
