"""A program's Monte Carlo results keep each mission's own ids (issue 12, part 4).

The missions of a program run as one merged scenario whose ids carry the mission id
(``a__ops``); ``sim.engine.program.program_ids`` maps them back, and the typed summary, the
``mc --json`` rows and the ``mc`` table say which mission and which of its own phases a row is.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from sim.engine.montecarlo import monte_carlo
from sim.engine.program import merge_program, merged_id, program_ids, simulate_program
from sim.results.published import phase_deadlines_s
from sim.results.statistics import monte_carlo_summary
from sim.scenario.program import load_program
from tests.conftest import run_cli

# Two missions that share a capacity-1 relay; each has a risk event and a phase deadline, and
# b's downlink has an own id holding the separator (``down__link``), which must map back whole.
MISSION = """\
id: {id}
name: Mission {id}
epoch: {epoch}
elements: [lander]
resources: {{relay: {{capacity: 1}}}}
windows:
  passes: {{type: periodic, period: 12h, open: 8h, offset: 1h}}
phases:
  - {{id: launch, kind: launch, element: lander, duration: {{dist: uniform, low: 1h, high: 3h}}}}
  - {{id: ops, kind: surface_ops, element: lander, duration: {{dist: triangular, low: 8h, mode: 10h, high: 16h}},
      after: [launch], resources: [relay], deadline: "{deadline}"}}
  - {{id: {down}, kind: relay, element: lander, duration: 2h, after: [ops], window: passes}}
risks:
  - {{id: slip, name: Launch slip of {id}, probability: 0.3, impact: {{dist: uniform, low: 1h, high: 5h}},
      phases: [launch], note: "ASSUMPTION - a test probability"}}
"""


def write_program(tmp_path: Path) -> Path:
    """Missions a and b, b starting 3 h after a so that they queue for the relay."""
    specs = {
        "a": ("2030-01-01T00:00:00Z", "2030-01-01T14:00:00Z", "downlink"),
        "b": ("2030-01-01T03:00:00Z", "2030-01-01T20:00:00Z", "down__link"),
    }
    for mid, (epoch, deadline, down) in specs.items():
        (tmp_path / f"{mid}.yaml").write_text(MISSION.format(id=mid, epoch=epoch, deadline=deadline, down=down))
    prog = tmp_path / "p.yaml"
    prog.write_text("id: p\nname: P\ninclude: [a.yaml, b.yaml]\nresources: {relay: {capacity: 1}}\n")
    return prog


OWN = [
    (None, "program_start"),
    ("a", "launch"),
    ("a", "ops"),
    ("a", "downlink"),
    ("b", "launch"),
    ("b", "ops"),
    ("b", "down__link"),
]


def test_program_ids_map_merged_ids_both_ways(tmp_path: Path) -> None:
    """Every merged phase, element, window, risk and local resource id maps to (mission, own id)
    and back; shared resources and program_start are nobody's; an own id holding ``__`` survives."""
    program = load_program(write_program(tmp_path))
    merged = merge_program(program)
    owners = program_ids(program)
    assert owners["b__down__link"] == ("b", "down__link")
    assert owners["a__slip"] == ("a", "slip") and owners["b__passes"] == ("b", "passes")
    assert owners["a__lander"] == ("a", "lander")
    assert "relay" not in owners and "program_start" not in owners
    ids = [p.id for p in merged.phases] + [r.id for r in merged.risks] + list(merged.windows)
    for i in ids[1:]:
        assert merged_id(*owners[i]) == i
    assert [owners.get(p.id, (None, p.id)) for p in merged.phases] == OWN
    # the nominal run split back per mission uses the same map
    a, b = simulate_program(program)
    assert [p.id for p in a.phases] == ["launch", "ops", "downlink"]
    assert [p.id for p in b.phases] == ["launch", "ops", "down__link"] and b.phases[0].element == "lander"


@pytest.fixture(scope="module")
def program_mc(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """The program, its merged scenario and a 400-replication ensemble of it (seed 5)."""
    path = write_program(tmp_path_factory.mktemp("prog"))
    program = load_program(path)
    merged = merge_program(program)
    return path, program, merged, monte_carlo(merged, 400, 5)


def test_summary_rows_carry_mission_and_own_id_with_the_merged_numbers(program_mc: tuple) -> None:
    """With ``owners`` every phase, risk and phase deadline says its mission and own id, and every
    number is the merged run's: dropping the two fields gives back the plain summary exactly."""
    _, program, merged, ens = program_mc
    deadlines = phase_deadlines_s(merged)
    plain = monte_carlo_summary(ens, phase_deadlines_s=deadlines)
    keyed = monte_carlo_summary(ens, phase_deadlines_s=deadlines, owners=program_ids(program))
    assert plain.missions is None and keyed.missions == ("a", "b")
    assert [(p.mission, p.phase_id) for p in keyed.phases] == OWN
    assert [(p.mission, p.phase_id) for p in plain.phases] == [(None, p.id) for p in merged.phases]
    assert [(r.id, r.mission, r.risk_id) for r in keyed.risks or ()] == [
        ("a__slip", "a", "slip"),
        ("b__slip", "b", "slip"),
    ]
    assert [(d.mission, d.phase_id) for d in keyed.phase_deadlines or ()] == [("a", "ops"), ("b", "ops")]
    # the numbers: b's ops waits for a's relay in some replications, so they are not trivial
    b_ops = keyed.phase("ops", mission="b")
    assert b_ops.id == "b__ops" and b_ops.wait_resource_s > 0 and b_ops.duration_p90_s > b_ops.duration_p10_s
    a_ops = keyed.phase("ops", mission="a")
    assert a_ops.id == "a__ops" and a_ops == replace(plain.phase("a__ops"), mission="a", phase_id="ops")
    with pytest.raises(KeyError):
        keyed.phase("ops", mission="c")
    unkeyed = replace(
        keyed,
        missions=None,
        phases=tuple(replace(p, mission=None, phase_id=p.id) for p in keyed.phases),
        risks=tuple(replace(r, mission=None, risk_id=r.id) for r in keyed.risks or ()),
        phase_deadlines=tuple(replace(d, mission=None, phase_id=d.id) for d in keyed.phase_deadlines or ()),
    )
    assert unkeyed == plain
    # the JSON adds the keys after "id" and nothing else changes
    out, ref = keyed.to_dict(), plain.to_dict()
    assert out.pop("missions") == ["a", "b"]
    for key, label in (("phases", "phase"), ("risks", "risk"), ("phase_deadlines", "phase")):
        assert len(out[key]) == len(ref[key])
        for row in out[key]:
            assert list(row)[:3] == ["id", "mission", label]
            assert row["mission"] == (None if row["id"] == "program_start" else row["id"][0])
            del row["mission"], row[label]
        assert out[key] == ref[key]
    assert out == ref
    assert "mission" not in json.dumps(ref)


def test_mc_cli_of_a_program_keys_rows_by_mission(program_mc: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    """``lunarsim mc PROGRAM --json`` rows carry mission and own id (the merged id kept); the table
    at 80 columns shows each mission as a heading with its phases' own ids under it."""
    path = program_mc[0]
    res = run_cli("mc", str(path), "-n", "300", "--seed", "2", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["missions"] == ["a", "b"]
    assert [(p["id"], p["mission"], p["phase"]) for p in doc["phases"]][-1] == ("b__down__link", "b", "down__link")
    assert [(r["mission"], r["risk"]) for r in doc["risks"]] == [("a", "slip"), ("b", "slip")]
    monkeypatch.setenv("COLUMNS", "80")
    res = run_cli("mc", str(path), "-n", "300", "--seed", "2")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    first = lines.index("per phase (1/2)")
    block = [line for line in lines[first + 4 : lines.index("per phase (2/2)")] if line.strip()]
    assert [line.split()[0] for line in block] == [
        *("program_start", "a", "launch", "ops", "downlink"),
        *("b", "launch", "ops", "down__link"),
    ]
    assert [line.startswith("  ") for line in block] == [False, False, True, True, True, False, True, True, True]
    ops_b = next(p for p in doc["phases"] if p["id"] == "b__ops")
    assert block[7].split()[:4] == ["ops", *(f"{ops_b['duration_h'][k]:.2f}" for k in ("p10", "p50", "p90"))]
    risk_rows = [line for line in lines if "Launch slip of" in line]
    assert [r.split("│")[1].strip() for r in risk_rows] == ["a", "b"]


def test_single_scenario_summary_has_no_mission_keys() -> None:
    """A scenario's ``mc --json`` is as it was: no ``missions``, no ``mission``/``phase`` in rows."""
    res = run_cli("mc", "change7", "-n", "300", "--seed", "1", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert "missions" not in doc
    assert all(set(p) & {"mission", "phase"} == set() for p in doc["phases"])
    assert all(list(r) == ["id", "occurred_fraction", "end_delay_h"] for r in doc["risks"])


def test_mc_phases_of_a_program_take_mission_dot_phase(program_mc: tuple, tmp_path: Path) -> None:
    """``--phases a.ops,b.down__link`` names a program's phases by mission and own id (mapped to
    the merged ids the charts select by); an unknown one is an input error that offers the
    spelling; the merged id still works."""
    from sim.cli.chart_options import parse_phases
    from sim.errors import InputError

    path = program_mc[0]
    owners = program_ids(load_program(path))
    aliases = {f"{m}.{own}": merged for merged, (m, own) in owners.items() if m is not None}
    known = {"a__ops", "b__down__link", "surface_ops"}
    assert parse_phases("a.ops,b.down__link", known, "p", aliases) == ["a__ops", "b__down__link"]
    assert parse_phases("b__down__link,surface_ops", known, "p", aliases) == ["b__down__link", "surface_ops"]
    wrong = r"'a\.opz' is not a phase \(mission\.phase\), phase id or kind of p .*'a\.ops'"
    with pytest.raises(InputError, match=wrong):
        parse_phases("a.opz", known, "p", aliases)
    out = tmp_path / "t.png"
    res = run_cli("mc", str(path), "-n", "300", "--seed", "2", "--tornado", str(out), "--phases", "a.ops,b.ops")
    assert res.returncode == 0, res.stderr
    assert out.stat().st_size > 10_000
    res = run_cli("mc", str(path), "-n", "300", "--tornado", str(out), "--phases", "c.ops")
    assert res.returncode == 2 and "'c.ops' is not a phase (mission.phase)" in res.stderr
