"""Output conventions of the CLI: provenance in every JSON output, '-' for standard input,
Parquet for per-replication rows, no silent CSV for an unknown extension, shell completion."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sim.cli import main
from tests.conftest import MINIMAL, ROOT, SCENARIOS, run_cli

ABORTING = (
    "id: ab\nname: Abort\nepoch: 2024-05-03T09:27:00Z\nelements: [x]\nphases:\n"
    "  - {id: a, kind: launch, element: x, duration: {dist: uniform, low: 1h, high: 2h},"
    " failure: {probability: 0.3, on_fail: abort}}\n"
    "  - {id: b, kind: transfer, element: x, duration: 3h, after: [a]}\n"
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli_stdin(text: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m sim ARGS`` with ``text`` on standard input."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], input=text, capture_output=True, text=True, cwd=ROOT, timeout=120, env=env
    )


# -- provenance --------------------------------------------------------------------------------


def test_run_json_names_version_no_seed_and_the_file_hash(tmp_path: Path) -> None:
    """run --json ends with provenance: tool, installed version, seed null (no draw), the file's sha256."""
    from importlib.metadata import version

    path = tmp_path / "mini.yaml"
    path.write_text(MINIMAL)
    res = run_cli("run", str(path), "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert list(doc)[-1] == "provenance" and doc["scenario"] == "mini"
    assert doc["provenance"] == {
        "tool": "lunar-timeline",
        "version": version("lunar-timeline"),
        "seed": None,
        "inputs": [{"path": str(path), "sha256": sha256(path)}],
    }
    path.write_text(MINIMAL.replace("Minimal mission", "Minimal mission, edited"))
    edited = json.loads(run_cli("run", str(path), "--json").stdout)["provenance"]["inputs"][0]["sha256"]
    assert edited == sha256(path) != doc["provenance"]["inputs"][0]["sha256"]


def test_mc_json_carries_the_seed(capsys: pytest.CaptureFixture[str]) -> None:
    """mc --json records the root seed it drew from and the bundled file it read."""
    assert main(["mc", "change5", "-n", "200", "--seed", "11", "--json"]) == 0
    prov = json.loads(capsys.readouterr().out)["provenance"]
    assert prov["seed"] == 11
    assert [Path(i["path"]).name for i in prov["inputs"]] == ["change5.yaml"]
    assert prov["inputs"][0]["sha256"] == sha256(SCENARIOS / "change5.yaml")


def test_program_provenance_lists_every_included_file(capsys: pytest.CaptureFixture[str]) -> None:
    """A program's JSON hashes the program file and each mission file it includes, in reading order."""
    assert main(["run", str(SCENARIOS / "ilrs.yaml"), "--json"]) == 0
    inputs = json.loads(capsys.readouterr().out)["provenance"]["inputs"]
    assert [Path(i["path"]).name for i in inputs] == ["ilrs.yaml", "change7.yaml", "change8.yaml"]
    assert all(i["sha256"] == sha256(Path(i["path"])) for i in inputs)


def test_each_command_records_only_its_own_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    """In one process, a second command does not inherit the first one's files (compare: both files)."""
    assert main(["run", "change6", "--json"]) == 0
    capsys.readouterr()
    assert main(["compare", "change5", "change6", "--json"]) == 0
    names = [Path(i["path"]).name for i in json.loads(capsys.readouterr().out)["provenance"]["inputs"]]
    assert names == ["change5.yaml", "change6.yaml"]
    assert main(["sun", "--lat", "10", "--lon", "-20", "--at", "2020-12-01T15:11Z", "--json"]) == 0
    prov = json.loads(capsys.readouterr().out)["provenance"]
    assert prov["inputs"] == [] and prov["seed"] is None


def test_list_json_is_an_object_with_provenance(capsys: pytest.CaptureFixture[str]) -> None:
    """list --json: {"scenarios": [...], "provenance": {...}} with every bundled file hashed."""
    assert main(["list", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["scenarios", "provenance"]
    ids = [r["id"] for r in doc["scenarios"]]
    assert {"change5", "change6", "ilrs"} <= set(ids)
    hashed = {Path(i["path"]).name for i in doc["provenance"]["inputs"]}
    assert {f"{i}.yaml" for i in ids} <= hashed


def test_sweep_json_carries_the_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """sweep --json has the seed and the swept file's hash."""
    path = tmp_path / "mini.yaml"
    path.write_text(MINIMAL)
    args = ["sweep", str(path), "--vary", "phases.landing.duration=10min,20min", "-n", "50", "--seed", "4"]
    assert main([*args, "--json", "--quiet"]) == 0
    prov = json.loads(capsys.readouterr().out)["provenance"]
    assert prov["seed"] == 4 and prov["inputs"] == [{"path": str(path), "sha256": sha256(path)}]


# -- standard input ----------------------------------------------------------------------------


def test_dash_reads_the_scenario_from_stdin() -> None:
    """`run -` gives what `run FILE` gives; provenance names '-' with the hash of the bytes piped in."""
    text = (SCENARIOS / "change5.yaml").read_text(encoding="utf-8")
    piped = cli_stdin(text, "run", "-", "--json")
    assert piped.returncode == 0, piped.stderr
    from_file = json.loads(run_cli("run", "change5", "--json").stdout)
    doc = json.loads(piped.stdout)
    assert doc["provenance"]["inputs"] == [{"path": "-", "sha256": sha256(SCENARIOS / "change5.yaml")}]
    doc.pop("provenance"), from_file.pop("provenance")
    assert doc == from_file
    mc = cli_stdin(MINIMAL, "mc", "-", "-n", "100", "--seed", "2", "--json")
    assert mc.returncode == 0 and json.loads(mc.stdout)["scenario"] == "mini"
    assert cli_stdin(MINIMAL, "validate", "-").stdout.strip() == "OK -"


def test_dash_errors_name_stdin_with_a_line() -> None:
    """Bad YAML on standard input: one line '-:LINE: field: message', exit 2; empty input too."""
    res = cli_stdin(MINIMAL.replace("duration: 37min", "duration: 37"), "run", "-")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.startswith("-:9: phases[0].duration: duration 37 has no unit")
    empty = cli_stdin("", "run", "-")
    assert empty.returncode == 2 and empty.stderr.startswith("-:1: file is empty")


# -- Parquet and output extensions -------------------------------------------------------------


def test_parquet_rows_match_the_csv(tmp_path: Path) -> None:
    """--parquet writes the --csv table typed: same rows and columns, UTC timestamps, null where unrun,
    the provenance in the file's metadata."""
    pq = pytest.importorskip("pyarrow.parquet")
    scenario = tmp_path / "abort.yaml"
    scenario.write_text(ABORTING)
    out_csv, out_pq = tmp_path / "runs.csv", tmp_path / "runs.parquet"
    args = ["mc", str(scenario), "-n", "600", "--seed", "3", "--quiet", "--json"]
    assert main([*args, "--csv", str(out_csv), "--parquet", str(out_pq)]) == 0
    rows = list(csv.DictReader(out_csv.read_text().splitlines()))
    table = pq.read_table(out_pq)
    assert table.column_names == list(rows[0]) and table.num_rows == 600
    assert str(table.schema.field("end").type) == "timestamp[ms, tz=UTC]"
    records = table.to_pylist()
    aborted = 0
    for r, p in zip(rows, records, strict=True):
        assert p["replication"] == int(r["replication"]) and p["seed_stream"] == int(r["seed_stream"])
        assert p["outcome"] == r["outcome"]
        assert p["duration_h"] == pytest.approx(float(r["duration_h"]), abs=6e-5)
        assert abs((p["end"] - datetime.fromisoformat(r["end"])).total_seconds()) <= 0.5
        if r["outcome"] == "aborted":
            aborted += 1
            assert r["b_end_h"] == "" and p["b_end_h"] is None
        else:
            assert p["b_end_h"] == pytest.approx(float(r["b_end_h"]), abs=1e-4)
    assert 120 < aborted < 240  # 30 % of 600
    prov = json.loads(table.schema.metadata[b"lunar_timeline"])
    assert prov["seed"] == 3 and prov["inputs"] == [{"path": str(scenario), "sha256": sha256(scenario)}]
    assert records[0]["end"].tzinfo is not None and records[0]["end"] > datetime(2024, 5, 3, 9, 27, tzinfo=UTC)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["mc", "change5", "--csv", "runs.txt"], "--csv runs.txt: unknown format '.txt'; --csv writes .csv files"),
        (["mc", "change5", "--csv", "runs.parquet"], "unknown format '.parquet'; --csv writes .csv"),
        (["mc", "change5", "--parquet", "runs.csv"], "--parquet runs.csv: unknown format '.csv'"),
        (["mc", "change5", "--parquet", "runs"], "unknown format '(no extension)'"),
        (["run", "change5", "--csv", "phases.json"], "--csv phases.json: unknown format '.json'"),
        (["compare", "change5", "--csv", "cmp.xlsx"], "unknown format '.xlsx'"),
        (["sweep", "change7", "--vary", "epoch=2026-08-01T00:00Z,2026-08-08T00:00Z", "--csv", "s.tsv"], "'.tsv'"),
    ],
)
def test_unknown_table_extension_is_an_error(tmp_path: Path, args: list[str], fragment: str) -> None:
    """A table path whose extension is not the option's format exits 2 with one line and writes nothing."""
    res = run_cli(*args, cwd=tmp_path)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert fragment in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_parquet_without_pyarrow_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without pyarrow, --parquet fails before running, naming the extra to install."""
    from sim.cli.common import check_table_path
    from sim.errors import InputError

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(InputError) as info:
        check_table_path("--parquet", str(tmp_path / "x.parquet"))
    assert "pip install 'lunar-timeline[parquet]'" in info.value.problems[0]


# -- shell completion --------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_completes_commands_and_options() -> None:
    """The bash script from `completion bash` offers mc for 'lunarsim m' and --parquet for 'mc --par'."""
    pytest.importorskip("shtab")
    res = run_cli("completion", "bash")
    assert res.returncode == 0 and "lunarsim" in res.stdout

    def complete(*words: str) -> list[str]:
        script = (
            f"{res.stdout}\nCOMP_WORDS=(lunarsim {' '.join(words)}); COMP_CWORD={len(words)};"
            f" COMP_LINE='lunarsim {' '.join(words)}'; COMP_POINT=${{#COMP_LINE}};"
            ' _shtab_lunarsim lunarsim; printf "%s\\n" "${COMPREPLY[@]}"'
        )
        out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
        return out.stdout.split()

    assert "mc" in complete("m") and "run" not in complete("m")
    assert complete("mc", "--par") == ["--parquet"]
    assert set(complete("mc", "--engine", "")) == {"auto", "des", "vector"}
    assert set(complete("completion", "")) == {"bash", "zsh", "tcsh"}


def test_zsh_completion_and_missing_shtab(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """zsh gets a #compdef script; without shtab the command exits 2 naming the extra."""
    pytest.importorskip("shtab")
    assert main(["completion", "zsh"]) == 0
    assert capsys.readouterr().out.startswith("#compdef lunarsim")
    monkeypatch.setitem(sys.modules, "shtab", None)
    assert main(["completion", "bash"]) == 2
    assert "pip install 'lunar-timeline[completion]'" in capsys.readouterr().err
