"""The lunarsim command: exit codes, outputs, help, atomic writes."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.cli import build_parser, command_modules, main
from tests.conftest import ROOT, run_cli


@pytest.fixture
def mini(write_scenario: Callable[..., Path], minimal_text: str) -> Path:
    """The minimal scenario as a file."""
    return write_scenario(minimal_text)


def test_run_json_contract(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """run --json prints exactly the DESIGN.md object, with UTC Z times and hours."""
    assert main(["run", str(mini), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == [
        "scenario",
        "name",
        "epoch",
        "outcome",
        "end",
        "duration_h",
        "phases",
        "critical_path",
        "provenance",
    ]
    assert out["scenario"] == "mini" and out["epoch"] == "2020-11-23T20:30:12Z"
    assert out["outcome"] == "success"
    # 37 min + 112 h + 2 h lag + 15 min
    assert out["end"] == "2020-11-28T15:22:12Z"
    assert out["duration_h"] == round((37 + 112 * 60 + 120 + 15) / 60, 3)
    first = out["phases"][0]
    assert list(first) == [
        "id",
        "name",
        "kind",
        "element",
        "start",
        "end",
        "duration_h",
        "wait_h",
        "wait_cause",
        "attempts",
        "late_start",
        "late_finish",
        "total_float_h",
        "free_float_h",
        "critical",
    ]
    assert first == {
        "id": "launch",
        "name": "launch",
        "kind": "launch",
        "element": "stack",
        "start": "2020-11-23T20:30:12Z",
        "end": "2020-11-23T21:07:12Z",
        "duration_h": 0.617,
        "wait_h": 0.0,
        "wait_cause": None,
        "attempts": 1,
        "late_start": "2020-11-23T20:30:12Z",  # a single chain: no float anywhere
        "late_finish": "2020-11-23T21:07:12Z",
        "total_float_h": 0.0,
        "free_float_h": 0.0,
        "critical": True,
    }


def test_run_table_and_csv(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """run prints a table with UTC and MET and writes one CSV row per phase."""
    out_csv = tmp_path / "rows.csv"
    assert main(["run", str(mini), "--csv", str(out_csv)]) == 0
    table = capsys.readouterr().out
    assert "UTC 2020" in table and "11-28 13:07" in table and "T+4d18h37m" in table and "transfer" in table
    rows = list(csv.DictReader(out_csv.read_text().splitlines()))
    assert [r["id"] for r in rows] == ["launch", "transfer", "landing"]
    assert rows[2]["start"] == "2020-11-28T15:07:12Z" and float(rows[2]["duration_h"]) == 0.25


def test_validate_ok_and_bad(mini: Path, write_scenario: Callable[..., Path]) -> None:
    """validate prints OK per good file, problems per bad one, and exits 2 if any is bad."""
    bad = write_scenario("id: x\nname: X\n", "bad.yaml")
    res = run_cli("validate", str(mini), str(bad))
    assert res.returncode == 2
    assert res.stdout.strip() == f"OK {mini}"
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert all(line.startswith(f"{bad}:") for line in lines)
    assert any("epoch: required field is missing" in line for line in lines)
    good = run_cli("validate", str(mini))
    assert good.returncode == 0 and good.stdout.strip() == f"OK {mini}"


@pytest.mark.parametrize("ext", ["png", "svg", "pdf"])
def test_gantt_writes_each_format(mini: Path, tmp_path: Path, ext: str) -> None:
    """gantt writes the format named by the extension, leaving no temp file."""
    out = tmp_path / f"g.{ext}"
    assert main(["gantt", str(mini), "--out", str(out)]) == 0
    magic = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}[ext]
    assert out.read_bytes().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["scenario.yaml", f"g.{ext}"])


def test_gantt_bad_extension_and_unwritable(mini: Path, tmp_path: Path) -> None:
    """An unknown plot format is bad input (2); an unwritable folder is a runtime failure (1)."""
    res = run_cli("gantt", str(mini), "--out", str(tmp_path / "g.bmp"))
    assert res.returncode == 2 and "use .png, .svg or .pdf" in res.stderr and "Traceback" not in res.stderr
    res = run_cli("gantt", str(mini), "--out", str(tmp_path / "missing" / "g.png"))
    assert res.returncode == 1 and "does not exist" in res.stderr and "Traceback" not in res.stderr


def test_bad_scenario_exit_2_no_traceback(write_scenario: Callable[..., Path]) -> None:
    """run on a bad file exits 2 with file:line messages and no traceback."""
    bad = write_scenario("id: x\nname: X\nepoch: 2020-01-01T00:00:00\nelements: [a]\nphases: []\n")
    res = run_cli("run", str(bad))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"{bad}:3: epoch: time 2020-01-01T00:00:00 has no time zone; append 'Z'" in res.stderr


def test_usage_error_exit_2() -> None:
    """An unknown option exits 2 with one line pointing at --help."""
    res = run_cli("run")
    assert res.returncode == 2 and "--help" in res.stderr and "Traceback" not in res.stderr


def test_every_command_has_help_with_example() -> None:
    """Every subcommand has help text and an example in its --help."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(command_modules()) >= {"run", "gantt", "validate", "list", "schema"}
    for name, p in sub.choices.items():  # type: ignore[union-attr]
        text = p.format_help()
        assert f"lunarsim {name}" in text.split("examples:")[1], name
        assert p.description


def test_schema_command_prints_json_schema() -> None:
    """schema prints a JSON Schema document."""
    res = run_cli("schema")
    assert res.returncode == 0
    schema = json.loads(res.stdout)
    assert schema["title"] == "lunar-timeline scenario" and "phases" in schema["properties"]


def test_list_and_run_by_bundled_id() -> None:
    """list shows the bundled scenarios; run accepts a bundled id."""
    res = run_cli("list", "--json")
    assert res.returncode == 0
    rows = json.loads(res.stdout)["scenarios"]
    ids = {r["id"] for r in rows}
    assert "change5" in ids
    c5 = next(r for r in rows if r["id"] == "change5")
    assert c5["epoch"] == "2020-11-23T20:30:12Z" and c5["phases"] >= 20
    res = run_cli("run", "change5", "--json", cwd=ROOT / "tests")
    assert res.returncode == 0 and json.loads(res.stdout)["scenario"] == "change5"


def test_python_dash_m_and_version() -> None:
    """python -m sim works and --version prints the version."""
    res = run_cli("--version")
    assert res.returncode == 0 and res.stdout.startswith("lunar-timeline ")


def test_gantt_mc_whiskers(tmp_path: Path) -> None:
    """gantt --mc N draws P10-P90 whiskers (and rejects a negative N or a program chart)."""
    out = tmp_path / "mc.png"
    assert main(["gantt", "change5", "--mc", "300", "--seed", "1", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    res = run_cli("gantt", "change5", "change6", "--mc", "10", "--out", str(tmp_path / "x.png"))
    assert res.returncode == 2 and "single scenario" in res.stderr
    for args, fragment in (
        (["--mc", "-3"], "--mc -3: the number of replications must be >= 1"),
        (["--mc", "10", "--seed", "-2"], "--seed -2"),
    ):
        res = run_cli("gantt", "change5", *args, "--out", str(tmp_path / "y.png"))
        assert res.returncode == 2 and fragment in res.stderr and "Traceback" not in res.stderr


def test_gantt_end_spread_values() -> None:
    """The whiskers span the P10-P90 of each phase end: fixed phases before any uncertainty have none."""
    from sim.cli.gantt import _end_spread
    from sim.engine.model import build_model
    from sim.scenario.model import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "change5.yaml")
    spread = _end_spread(scenario, build_model(scenario), 2000, 3)
    lo, hi = spread["launch"]
    assert lo == hi
    lo, hi = spread["capsule_landing"]
    assert hi - lo > 3600


@pytest.mark.parametrize(
    "args",
    [
        ["gantt", "change5", "--out", "x.png", "--dpi", "0"],
        ["gantt", "change5", "--out", "x.png", "--dpi", "100000"],
        ["compare", "change5", "change6", "--out", "x.png", "--dpi", "5"],
    ],
)
def test_dpi_out_of_range_is_input_error(args: list[str], tmp_path: Path) -> None:
    """A --dpi matplotlib cannot render (0) or would exhaust memory on (100000) exits 2, one line."""
    res = run_cli(*args, cwd=tmp_path)
    assert res.returncode == 2 and "must be between 30 and 1200" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "x.png").exists()
