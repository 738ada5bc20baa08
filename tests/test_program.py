"""Program files (``sim.scenario.program``): includes, shared resources, errors, ``--set`` with mission ids, CLI."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import InputError
from sim.scenario.model import load_scenario
from sim.scenario.program import SharedResource, is_program_file, load_missions, load_program
from tests.conftest import MINIMAL, SCENARIOS, run_cli

ILRS = SCENARIOS / "ilrs.yaml"


def write(path: Path, text: str) -> Path:
    """Write dedented text to ``path`` (creating folders) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def mission(path: Path, mission_id: str, epoch: str = "2020-11-23T20:30:12Z") -> Path:
    """A minimal valid mission file with this id and epoch."""
    text = MINIMAL.replace("id: mini", f"id: {mission_id}").replace("2020-11-23T20:30:12Z", epoch)
    return write(path, text)


def program(path: Path, includes: list[str], extra: str = "") -> Path:
    """A program file including ``includes`` (one per line, so line numbers are predictable)."""
    lines = "\n".join(f"  - {inc}" for inc in includes)
    return write(path, f"id: prog\nname: Test program\ninclude:\n{lines}\n{extra}")


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return exc.value.problems


def test_ilrs_loads_both_missions_with_their_own_epochs() -> None:
    """ilrs.yaml holds CE-7 and CE-8, each with the epoch of its own file, and the shared resources."""
    prog = load_program(ILRS)
    assert prog.id == "ilrs" and [m.id for m in prog.missions] == ["change7", "change8"]
    for m in prog.missions:
        assert m == load_scenario(SCENARIOS / f"{m.id}.yaml")
    assert prog.mission("change7").epoch.year == 2026 and prog.mission("change8").epoch.year == 2029
    assert sorted(prog.resources) == ["ground_network", "queqiao2"]
    assert all(r.capacity == 1 for r in prog.resources.values())
    assert prog.mission_paths == [SCENARIOS / "change7.yaml", SCENARIOS / "change8.yaml"]
    assert prog.sources and prog.description


def test_is_program_file(tmp_path: Path) -> None:
    """A program has a top-level include and no phases; scenarios and unreadable files are not programs."""
    assert is_program_file(ILRS)
    assert not is_program_file(SCENARIOS / "change7.yaml")
    assert not is_program_file(tmp_path / "missing.yaml")
    assert not is_program_file(write(tmp_path / "list.yaml", "- a\n- b\n"))
    assert not is_program_file(write(tmp_path / "both.yaml", MINIMAL + "include: [x.yaml]\n"))


def test_includes_resolve_relative_to_the_including_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Include paths are relative to the file that names them, whatever the working folder; nesting works."""
    mission(tmp_path / "missions" / "a.yaml", "alpha")
    mission(tmp_path / "missions" / "b.yaml", "beta", "2029-07-01T00:00:00Z")
    inner = program(
        tmp_path / "programs" / "inner.yaml", ["../missions/b.yaml"], "resources:\n  relay: {capacity: 2}\n"
    )
    outer = program(tmp_path / "programs" / "outer.yaml", ["../missions/a.yaml", "inner.yaml"])
    monkeypatch.chdir(tmp_path / "missions")
    prog = load_program(outer)
    assert [m.id for m in prog.missions] == ["alpha", "beta"]
    assert [m.epoch.year for m in prog.missions] == [2020, 2029]
    assert prog.resources["relay"].capacity == 2
    assert inner.exists()


def test_missing_include_names_the_including_file_and_line(tmp_path: Path) -> None:
    """A missing include is reported at the include entry: file, line, field, the path tried."""
    mission(tmp_path / "a.yaml", "alpha")
    prog = program(tmp_path / "p.yaml", ["a.yaml", "nope.yaml"])
    with pytest.raises(InputError) as exc:
        load_program(prog)
    assert problems(exc) == [
        f"{prog}:5: include[1]: no such file: '{tmp_path / 'nope.yaml'}' (include paths are relative to the "
        "including file); check the path"
    ]


def test_include_cycle_is_an_error(tmp_path: Path) -> None:
    """a includes b includes a: the cycle is spelled out at the include that closes it."""
    a = program(tmp_path / "a.yaml", ["b.yaml"])
    b = program(tmp_path / "b.yaml", ["a.yaml"])
    with pytest.raises(InputError) as exc:
        load_program(a)
    assert problems(exc) == [f"{b}:4: include[0]: include cycle: {a} -> {b} -> {a}; remove one of these includes"]
    me = program(tmp_path / "me.yaml", ["me.yaml"])
    with pytest.raises(InputError, match=r"include cycle: .*me\.yaml -> .*me\.yaml"):
        load_program(me)


def test_duplicate_mission_id_is_an_error(tmp_path: Path) -> None:
    """Mission ids must be unique across a program: the second include is named."""
    mission(tmp_path / "a.yaml", "alpha")
    mission(tmp_path / "a2.yaml", "alpha")
    prog = program(tmp_path / "p.yaml", ["a.yaml", "a2.yaml"])
    with pytest.raises(InputError) as exc:
        load_program(prog)
    (line,) = problems(exc)
    second = tmp_path / "a2.yaml"
    assert line.startswith(f"{prog}:5: include[1]: mission id 'alpha' ({second}) is already used by ")
    assert "must be unique" in line
    with pytest.raises(InputError, match="mission id 'alpha' is already used"):
        load_missions([tmp_path / "a.yaml", tmp_path / "a2.yaml"])


def test_unknown_keys_and_bad_capacity(tmp_path: Path) -> None:
    """Unknown keys (top level and in a resource) and a capacity below 1 are errors with file:line."""
    mission(tmp_path / "a.yaml", "alpha")
    prog = program(
        tmp_path / "p.yaml",
        ["a.yaml"],
        "resorces: {}\nresources:\n  relay: {capacity: 0}\n  net: {capacity: 1, kind: dish}\n  gs: {capacity: yes}\n",
    )
    with pytest.raises(InputError) as exc:
        load_program(prog)
    got = problems(exc)
    assert (
        f"{prog}:5: resorces: unknown key 'resorces' (did you mean 'resources'?); allowed here: "
        "description, id, include, name, resources, sources"
    ) in got
    assert f"{prog}:7: resources.relay.capacity: must be >= 1 (got 0)" in got
    assert f"{prog}:8: resources.net.kind: unknown key 'kind'; allowed here: capacity, note" in got
    assert f"{prog}:9: resources.gs.capacity: expected a whole number >= 1, got True" in got


def test_problems_in_an_included_file_name_that_file(tmp_path: Path) -> None:
    """A bad mission file is reported in its own file and line, and every file's problems are collected."""
    bad = write(tmp_path / "bad.yaml", MINIMAL.replace("duration: 15min", "duration: 15"))
    mission(tmp_path / "good.yaml", "good")
    prog = program(tmp_path / "p.yaml", ["bad.yaml", "good.yaml", "missing.yaml"])
    with pytest.raises(InputError) as exc:
        load_program(prog)
    got = problems(exc)
    assert len(got) == 2
    assert got[0].startswith(f"{bad}:19: phases[2].duration: ") and "no unit" in got[0]
    assert got[1].startswith(f"{prog}:6: include[2]: no such file")


def test_not_a_program(tmp_path: Path) -> None:
    """load_program on a scenario says to load it as a scenario."""
    with pytest.raises(InputError, match="not a program file"):
        load_program(SCENARIOS / "change7.yaml")


def test_set_with_mission_prefix(tmp_path: Path) -> None:
    """--set change7.KEY=VALUE changes that mission only; program fields can be set too."""
    prog = load_program(
        ILRS,
        ["change7.epoch=2026-10-01T00:00:00Z", "resources.queqiao2.capacity=2", "change8.phases.loi.duration=20min"],
    )
    assert prog.mission("change7").epoch.isoformat() == "2026-10-01T00:00:00+00:00"
    assert prog.mission("change8").epoch == load_scenario(SCENARIOS / "change8.yaml").epoch
    assert prog.mission("change8").phase("loi").duration.nominal_s == 20 * 60
    assert prog.resources["queqiao2"].capacity == 2


@pytest.mark.parametrize(
    ("item", "pattern"),
    [
        (
            "epoch=2026-10-01T00:00:00Z",
            r"with several missions, a key starts with the id of a mission \(e\.g\. change7\.epoch=",
        ),
        (
            "change9.epoch=2026-10-01T00:00:00Z",
            r"no mission 'change9' \(did you mean 'change8'\?\); missions here: change7, change8",
        ),
        (
            "change7.epoch=soon",
            r"^\S+change7\.yaml:\d+: epoch: malformed time 'soon'; write UTC ISO 8601 .* "
            r"\(from --set change7\.epoch=soon\)$",
        ),
        ("change7.phases.nope.duration=1h", r"^--set change7\.phases\.nope\.duration=1h: no entry with id 'nope'"),
        (
            "resources.queqiao2.capacity=0",
            r"^\S+ilrs\.yaml:\d+: resources\.queqiao2\.capacity: must be >= 1 \(got 0\) "
            r"\(from --set resources\.queqiao2\.capacity=0\)$",
        ),
        ("change7.epoch", r"expected KEY=VALUE"),
    ],
)
def test_set_errors(item: str, pattern: str) -> None:
    """Bad --set items on a program are one-line input errors that name the item (and file:line)."""
    with pytest.raises(InputError) as exc:
        load_program(ILRS, [item])
    assert len(exc.value.problems) == 1
    assert re.search(pattern, exc.value.problems[0]), exc.value.problems[0]


def test_each_mission_keeps_its_epoch_when_run() -> None:
    """run --json on a program: one run object per mission, each starting at its own epoch."""
    res = run_cli("run", str(ILRS), "--json", "--set", "change8.epoch=2029-11-01T00:00:00Z")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert list(out) == ["program", "name", "missions", "provenance"]
    assert out["program"] == "ilrs" and out["name"] == "ILRS basic model (Chang'e 7 + Chang'e 8)"
    assert [m["scenario"] for m in out["missions"]] == ["change7", "change8"]
    assert [m["epoch"] for m in out["missions"]] == ["2026-08-15T00:00:00Z", "2029-11-01T00:00:00Z"]
    for m in out["missions"]:
        assert list(m) == ["scenario", "name", "epoch", "outcome", "end", "duration_h", "phases"]
    # CE-7 launches at its epoch; CE-8 at its first computed launch opening after its own epoch
    # (the launch window's 60 d search counts from the mission's epoch, not the program's start)
    ce7, ce8 = out["missions"]
    assert ce7["phases"][0]["start"] == ce7["epoch"]
    assert "2029-11-01T00:00:00Z" < ce8["phases"][0]["start"] < "2029-12-01T00:00:00Z"


def test_run_program_table_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """run on a program prints each mission's table and writes all phases to one CSV."""
    out_csv = tmp_path / "ilrs.csv"
    assert main(["run", str(ILRS), "--csv", str(out_csv)]) == 0
    table = capsys.readouterr().out
    assert "Chang'e 7 (change7)" in table and "Chang'e 8 (change8)" in table
    rows = out_csv.read_text().splitlines()
    scenarios = {r.split(",")[0] for r in rows[1:]}
    assert scenarios == {"change7", "change8"}
    assert len(rows) - 1 == sum(len(m.phases) for m in load_program(ILRS).missions)


def test_validate_and_list_accept_programs(tmp_path: Path) -> None:
    """validate checks a program and its includes; list shows the bundled program."""
    res = run_cli("validate", str(ILRS), str(SCENARIOS / "change7.yaml"))
    assert res.returncode == 0
    assert res.stdout.split() == ["OK", str(ILRS), "OK", str(SCENARIOS / "change7.yaml")]
    bad = program(tmp_path / "p.yaml", ["nope.yaml"])
    res = run_cli("validate", str(bad))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.startswith(f"{bad}:4: include[0]: no such file")
    res = run_cli("list", "--json")
    rows = {r["id"]: r for r in json.loads(res.stdout)["scenarios"]}
    assert rows["ilrs"]["missions"] == ["change7", "change8"] and rows["ilrs"]["epoch"] is None
    assert rows["ilrs"]["phases"] == rows["change7"]["phases"] + rows["change8"]["phases"]


def test_run_program_bad_input_exit_2(tmp_path: Path) -> None:
    """A program with a cycle exits 2 with one line and no traceback."""
    a = program(tmp_path / "a.yaml", ["a.yaml"])
    res = run_cli("run", str(a))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines() == [
        f"{a}:4: include[0]: include cycle: {a} -> {a}; remove one of these includes"
    ]


def test_shared_resource_defaults() -> None:
    """A declared resource defaults to capacity 1."""
    assert SharedResource().capacity == 1
