"""Programs on one clock: missions keep their own times, except where they share a resource."""

from __future__ import annotations

from pathlib import Path

from sim.engine.des import simulate
from sim.engine.montecarlo import monte_carlo
from sim.engine.program import merge_program, simulate_program
from sim.scenario.program import load_program
from tests.conftest import ROOT, run_cli

MISSION = """\
id: {id}
name: {id}
epoch: {epoch}
elements: [lander]
resources: {{relay: {{capacity: 1}}}}
windows:
  passes: {{type: periodic, period: 12h, open: 8h, offset: 1h}}
phases:
  - {{id: launch, kind: launch, element: lander, duration: 1h}}
  - {{id: ops, kind: surface_ops, element: lander, duration: 10h, after: [launch], resources: [relay]}}
  - {{id: downlink, kind: relay, element: lander, duration: 2h, after: [ops], window: passes}}
"""


def write_program(tmp_path: Path, epoch_b: str) -> Path:
    """Two missions that both hold the program's capacity-1 relay; mission b starts at ``epoch_b``."""
    (tmp_path / "a.yaml").write_text(MISSION.format(id="a", epoch="2030-01-01T00:00:00Z"))
    (tmp_path / "b.yaml").write_text(MISSION.format(id="b", epoch=epoch_b))
    prog = tmp_path / "p.yaml"
    prog.write_text("id: p\nname: P\ninclude: [a.yaml, b.yaml]\nresources: {relay: {capacity: 1}}\n")
    return prog


def test_bundled_program_reproduces_each_mission_alone() -> None:
    """Without contention, each mission of ilrs.yaml has exactly its stand-alone times."""
    program = load_program(ROOT / "scenarios" / "ilrs.yaml")
    for t in simulate_program(program):
        alone = simulate(program.mission(t.scenario_id))
        assert [(p.id, p.start_s, p.end_s) for p in t.phases] == [(p.id, p.start_s, p.end_s) for p in alone.phases]
        assert t.epoch == alone.epoch


def test_shared_relay_makes_the_later_mission_wait(tmp_path: Path) -> None:
    """Two missions holding one shared relay never overlap; the later one waits with cause resource."""
    program = load_program(write_program(tmp_path, "2030-01-01T03:00:00Z"))
    a, b = simulate_program(program)
    a_ops, b_ops = a.phase("ops"), b.phase("ops")
    assert (a_ops.start_s, a_ops.end_s) == (3600.0, 11 * 3600.0)
    # b's ops become ready at its T+1h (= a's T+4h) and wait until a releases the relay at a's T+11h
    assert b_ops.ready_s == 3600.0 and b_ops.start_s == 8 * 3600.0
    assert b_ops.wait_cause == "resource" and b_ops.wait_resource_s == 7 * 3600.0
    # windows stay anchored on each mission's own epoch: b's passes open at its T+1h + k*12h
    down = b.phase("downlink")
    assert down.start_s == 18 * 3600.0 and down.wait_cause is None


def test_missions_apart_do_not_interact(tmp_path: Path) -> None:
    """Missions a month apart run exactly as they do alone."""
    program = load_program(write_program(tmp_path, "2030-02-01T00:00:00Z"))
    for t in simulate_program(program):
        alone = simulate(program.mission(t.scenario_id))
        assert [p.end_s for p in t.phases] == [p.end_s for p in alone.phases]


def test_program_monte_carlo_uses_event_loop(tmp_path: Path) -> None:
    """Monte Carlo of a program with a shared relay runs on the SimPy engine, ids prefixed by mission."""
    merged = merge_program(load_program(write_program(tmp_path, "2030-01-01T03:00:00Z")))
    ens = monte_carlo(merged, 200, 1)
    assert ens.engine == "des" and "b__ops" in ens.phase_ids
    res = run_cli("mc", str(tmp_path / "p.yaml"), "-n", "300", "--json")
    assert res.returncode == 0 and '"engine": "des"' in res.stdout
    res = run_cli("run", str(tmp_path / "p.yaml"))
    assert res.returncode == 0 and "resource" in res.stdout
