"""Sweeps (``sim.study.sweep``, ``lunarsim sweep``): SPEC parsing, grid order, executors, failures, CLI, charts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sim.cli import main
from sim.errors import InputError
from sim.results.sweep_types import VariantRow
from sim.study.sweep import (
    MAX_VARIANTS,
    grid,
    load_document,
    local_cluster,
    parse_spec,
    parse_vary,
    prepare,
    run_study,
    run_variant,
)
from tests.conftest import MINIMAL, ROOT, SCENARIOS

N = 300  # replications per variant: small, the tests check plumbing and equality, not statistics

WINDOWED = """\
id: windowed
name: Windowed mission
epoch: 2020-11-20T00:00:00Z
horizon: 60d
elements: [stack, lander]
windows:
  landing_slot:
    type: explicit
    intervals: [[2020-11-28T00:00:00Z, 2020-12-20T00:00:00Z]]
phases:
  - id: launch
    kind: launch
    element: stack
    duration: 37min
  - id: transfer
    kind: transfer
    element: stack
    after: [launch]
    duration: {dist: triangular, low: 108h, mode: 112h, high: 116h}
  - id: landing
    kind: landing
    element: lander
    after: [transfer]
    duration: 15min
    window: landing_slot
    failure: {probability: 0.1, on_fail: retry, delay: 6h, max_attempts: 3}
"""


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """The minimal scenario of conftest, as a file."""
    path = tmp_path / "mini.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path


@pytest.fixture
def windowed(tmp_path: Path) -> Path:
    """A scenario whose landing waits for an explicit window (late launches never find it open)."""
    path = tmp_path / "windowed.yaml"
    path.write_text(WINDOWED, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    """One 2-worker Dask LocalCluster (processes, one thread each) for the whole module."""
    distributed = pytest.importorskip("distributed")
    cluster = local_cluster(2)  # as run_study starts its own
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``lunarsim ARGS`` in this process; return (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- SPEC parsing


def test_date_range_is_inclusive_and_stepped() -> None:
    """A range of UTC times runs START..STOP every STEP, STOP included when on the grid."""
    values, kind = parse_spec("2026-08-01T00:00Z..2026-10-31T00:00Z/1d")
    assert kind == "date"
    assert len(values) == 92
    assert values[0] == "2026-08-01T00:00:00Z" and values[1] == "2026-08-02T00:00:00Z"
    assert values[-1] == "2026-10-31T00:00:00Z"


def test_date_range_stops_before_an_off_grid_stop() -> None:
    """STOP not on the grid is not reached; 12 h steps land on the half days."""
    assert parse_spec("2026-08-01T00:00Z..2026-08-02T06:00Z/12h")[0] == (
        "2026-08-01T00:00:00Z",
        "2026-08-01T12:00:00Z",
        "2026-08-02T00:00:00Z",
    )


def test_duration_range_keeps_the_unit() -> None:
    """Durations step in the largest unit that holds START and STEP, else in mixed units."""
    assert parse_spec("100h..130h/5h") == (("100h", "105h", "110h", "115h", "120h", "125h", "130h"), "duration")
    assert parse_spec("1d..3d/1d")[0] == ("1d", "2d", "3d")
    assert parse_spec("10min..13min/90s")[0] == ("10min", "11min 30s", "13min")


def test_number_range_is_exact_decimal() -> None:
    """0.01..0.1/0.01 gives ten exact decimals, no binary float noise."""
    values, kind = parse_spec("0.01..0.1/0.01")
    assert kind == "number"
    assert values == ("0.01", "0.02", "0.03", "0.04", "0.05", "0.06", "0.07", "0.08", "0.09", "0.1")
    assert parse_spec("1..3/1")[0] == ("1", "2", "3")
    assert parse_spec("1e-3..3e-3/1e-3")[0] == ("0.001", "0.002", "0.003")


@pytest.mark.parametrize(
    ("spec", "values", "kind"),
    [
        ("0.01,0.05,0.1", ("0.01", "0.05", "0.1"), "number"),
        ("20min, 1h", ("20min", "1h"), "duration"),
        ("2026-08-01T00:00Z,2026-09-01T00:00Z", ("2026-08-01T00:00Z", "2026-09-01T00:00Z"), "date"),
        ("retry,abort", ("retry", "abort"), "text"),
        ("0.05", ("0.05",), "number"),
    ],
)
def test_lists(spec: str, values: tuple[str, ...], kind: str) -> None:
    """A list keeps its items as given (stripped), in order, and names their kind."""
    assert parse_spec(spec) == (values, kind)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("1..2", "needs a step"),
        ("2..1/1", "STOP is before START"),
        ("1..2/0", "must be > 0"),
        ("1..2/-1", "must be > 0"),
        ("1h..2/1h", "has no unit"),
        ("2026-08-01T00:00Z..2h/1d", "not the same kind"),
        ("2026-08-01T00:00..2026-08-03T00:00Z/1d", "no time zone"),
        ("2026-08-01T00:00Z..2026-08-03T00:00Z/1", "must be a duration"),
        ("2026-08-01T00:00Z..2026-08-03T00:00Z/0.5s", "whole number of seconds"),
        ("1..2/1h", "must be a number"),
        ("1h..2h/1", "must be a duration"),
        ("1..2..3/1", "one '..'"),
        ("1,,2", "empty item"),
        ("1,1", "listed twice"),
        ("[1, 2]", "without brackets"),
        (f"0..{MAX_VARIANTS}/1", "at most"),
    ],
)
def test_bad_specs(spec: str, message: str) -> None:
    """Every malformed SPEC is a ValueError that says what to write instead."""
    with pytest.raises(ValueError, match=message):
        parse_spec(spec)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("epoch", "expected KEY=SPEC"),
        ("=1,2", "expected KEY=SPEC"),
        ("phases..duration=1h", "empty part"),
        ("epoch=", "no values"),
        ("x=1..2", "--vary x=1..2: a range needs a step"),
    ],
)
def test_bad_vary(text: str, message: str) -> None:
    """A bad --vary item is an InputError naming the item."""
    with pytest.raises(InputError, match=message):
        parse_vary(text)


def test_grid_order_last_key_fastest() -> None:
    """Several axes give the full grid, the first axis slowest and the last fastest."""
    axes = [parse_vary("a=1,2"), parse_vary("b=x,y,z")]
    assert grid(axes) == [("1", "x"), ("1", "y"), ("1", "z"), ("2", "x"), ("2", "y"), ("2", "z")]


def test_study_variants_in_grid_order(minimal: Path) -> None:
    """The study's variants are key -> value dicts in grid order."""
    study = prepare(
        load_document(minimal),
        str(minimal),
        ["phases.landing.duration=10min,20min", "phases.transfer.duration.mode=110h..114h/2h"],
        replications=N,
        seed=1,
    )
    assert study.size == 6
    assert [tuple(v.values()) for v in study.variants()] == [
        ("10min", "110h"),
        ("10min", "112h"),
        ("10min", "114h"),
        ("20min", "110h"),
        ("20min", "112h"),
        ("20min", "114h"),
    ]


# --------------------------------------------------------------------------- up-front checks


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        (["phases.landing.durtion=1h,2h"], r"unknown key 'durtion'.*\(from --vary phases.landing.durtion=1h\)"),
        (["phases.landin.duration=1h,2h"], r"--vary phases.landin.duration=1h: no entry with id 'landin'"),
        (["phases.landing.duration=-1h,2h"], "negative duration"),
        (["epoch=1h,2h"], "epoch"),
        (["epoch=2026-08-01T00:00Z,2026-08-02T00:00Z", "epoch=2026-09-01T00:00Z"], "varied twice"),
        ([], "nothing to vary"),
        (["a=0..999/1", "b=0..999/1"], "1,000,000 variants"),
    ],
)
def test_prepare_rejects_bad_studies_up_front(minimal: Path, vary: list[str], message: str) -> None:
    """Unknown keys, unknown phases and invalid first variants are InputErrors before any work."""
    with pytest.raises(InputError, match=message):
        prepare(load_document(minimal), str(minimal), vary, replications=N, seed=1)


def test_prepare_rejects_unknown_milestone(minimal: Path) -> None:
    """--milestone must name a phase; a near miss is suggested."""
    with pytest.raises(InputError, match="did you mean 'landing'"):
        prepare(
            load_document(minimal),
            str(minimal),
            ["phases.landing.duration=1h"],
            replications=N,
            seed=1,
            milestone="landng",
        )


# --------------------------------------------------------------------------- running


def test_run_variant_is_pure(minimal: Path) -> None:
    """The same arguments give the same row, and the varied value moves the numbers."""
    doc = load_document(minimal)
    a = run_variant(doc, "mini", ("phases.landing.duration=15min",), N, 7, "transfer")
    b = run_variant(doc, "mini", ("phases.landing.duration=15min",), N, 7, "transfer")
    c = run_variant(doc, "mini", ("phases.landing.duration=75min",), N, 7, "transfer")
    assert a == b
    assert a.error is None and a.success_probability == 1.0
    assert a.end is not None and c.end is not None
    # common random numbers: one extra hour of landing moves every percentile by exactly 1 h
    assert [round(c.end.s(q) - a.end.s(q), 6) for q in (10, 50, 80, 90)] == [3600.0] * 4
    assert [c.end.utc(q) - a.end.utc(q) for q in (10, 50, 80, 90)] == [timedelta(hours=1)] * 4
    assert c.milestone == a.milestone


def test_failing_variant_is_reported_in_its_row(windowed: Path) -> None:
    """A window that never opens fails its variant, with the reason, and the study goes on."""
    study = prepare(
        load_document(windowed),
        str(windowed),
        ["epoch=2020-11-20T00:00Z..2020-12-20T00:00Z/10d"],
        replications=N,
        seed=3,
        milestone="landing",
        deadline="2020-12-10T00:00Z",
    )
    result = run_study(study)
    rows = result.rows  # the JSON rows
    assert [r["values"]["epoch"] for r in rows] == [
        "2020-11-20T00:00:00Z",
        "2020-11-30T00:00:00Z",
        "2020-12-10T00:00:00Z",
        "2020-12-20T00:00:00Z",
    ]
    assert [r["error"] is None for r in rows] == [True, True, True, False]
    assert "waited for window 'landing_slot'" in rows[3]["error"]
    assert rows[3]["success_probability"] is None and rows[3]["milestone"] is None
    assert result.failed == [result.variants[3]] and result.variants[3].error == rows[3]["error"]
    # the first launch waits for the window to open on 11-28: no landing before it
    assert rows[0]["milestone"]["end"]["p10"] >= "2020-11-28T00:15:00Z"
    assert rows[0]["deadline"]["probability"] > 0.5 and rows[2]["deadline"]["probability"] == 0.0


def test_unexpected_exception_becomes_the_row_error(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash inside one variant (a bug, a dead worker) is reported in its row; the others run."""
    import sim.study.sweep

    real = sim.study.sweep.run_variant

    def flaky(document: Any, source: str, sets: tuple[str, ...], *args: Any) -> VariantRow:
        if sets == ("phases.landing.duration=2min",):
            raise KeyError("boom")
        return real(document, source, sets, *args)

    monkeypatch.setattr(sim.study.sweep, "run_variant", flaky)
    study = prepare(
        load_document(minimal), str(minimal), ["phases.landing.duration=1min..3min/1min"], replications=N, seed=5
    )
    rows = run_study(study).variants
    assert [r.error for r in rows] == [None, "unexpected failure (KeyError): 'boom'", None]
    assert rows[1].values == {"phases.landing.duration": "2min"} and rows[1].end is None


# --------------------------------------------------------------------------- executors give identical results


STUDY_ARGS = (
    "--vary",
    "phases.transfer.duration.mode=110h..114h/2h",
    "--vary",
    "phases.landing.failure.probability=0,0.2",
    "--set",
    "phases.landing.failure={probability: 0.1, on_fail: retry, delay: 6h}",
    "-n",
    str(N),
    "--seed",
    "11",
    "--milestone",
    "landing",
    "--json",
)


def test_local_pool_and_dask_give_identical_json(
    capsys: pytest.CaptureFixture[str], minimal: Path, dask_client: Any
) -> None:
    """In this process, a 2-process pool and a 2-worker Dask LocalCluster print the same JSON, byte for byte."""
    outputs = {}
    for name, extra in (
        ("inline", ("--workers", "1")),
        ("pool", ("--workers", "2")),
        ("dask", ("--executor", "dask", "--scheduler", dask_client.scheduler.address)),
    ):
        code, out, err = cli(capsys, "sweep", str(minimal), *STUDY_ARGS, *extra)
        assert code == 0, err
        outputs[name] = out
    assert outputs["pool"] == outputs["inline"]
    assert outputs["dask"] == outputs["inline"]
    data = json.loads(outputs["inline"])
    assert len(data["variants"]) == 6
    assert [tuple(v["values"].values()) for v in data["variants"]][:3] == [
        ("110h", "0"),
        ("110h", "0.2"),
        ("112h", "0"),
    ]


def test_dask_client_from_the_api(minimal: Path, dask_client: Any) -> None:
    """run_study accepts a running distributed.Client and gives the rows of the local pool."""
    study = prepare(
        load_document(minimal),
        str(minimal),
        ["phases.landing.duration=10min..50min/10min"],
        replications=N,
        seed=5,
        milestone="transfer",
    )
    on_dask = run_study(study, executor=dask_client)
    local = run_study(study, workers=2)
    assert on_dask.to_dict() == local.to_dict()
    assert dask_client.status == "running"  # a client passed in is not closed


def test_progress_counts_every_variant(minimal: Path) -> None:
    """The progress callback sees 1..total."""
    study = prepare(
        load_document(minimal), str(minimal), ["phases.landing.duration=1min..4min/1min"], replications=N, seed=5
    )
    seen: list[tuple[int, int]] = []
    run_study(study, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


# --------------------------------------------------------------------------- CLI


def test_json_shape(capsys: pytest.CaptureFixture[str], minimal: Path) -> None:
    """--json: scenario, replications, seed, variants with values, success, duration_h and end percentiles."""
    code, out, _ = cli(
        capsys,
        "sweep",
        str(minimal),
        "--vary",
        "phases.landing.duration=10min,20min",
        "-n",
        str(N),
        "--seed",
        "4",
        "--workers",
        "1",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert {"scenario", "replications", "seed", "variants"} <= set(data)
    assert (data["scenario"], data["replications"], data["seed"]) == ("mini", N, 4)
    row = data["variants"][0]
    assert row["values"] == {"phases.landing.duration": "10min"}
    assert set(row) == {"values", "success_probability", "duration_h", "end", "error"}
    assert {"p50", "p80"} <= set(row["duration_h"]) and {"p50", "p80"} <= set(row["end"])
    assert row["end"]["p50"].endswith("Z") and row["error"] is None


def test_table_and_csv(capsys: pytest.CaptureFixture[str], minimal: Path, tmp_path: Path) -> None:
    """The default table names each variant; --csv writes one row per variant with the key as a column."""
    csv_path = tmp_path / "study.csv"
    code, out, _ = cli(
        capsys,
        "sweep",
        str(minimal),
        "--vary",
        "phases.landing.duration=10min,20min",
        "-n",
        str(N),
        "--workers",
        "1",
        "--milestone",
        "transfer",
        "--deadline",
        "2020-11-29T00:00Z",
        "--csv",
        str(csv_path),
    )
    assert code == 0
    assert "10min" in out and "20min" in out and "common random numbers" in out
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    header = lines[0].split(",")
    assert header[:2] == ["phases.landing.duration", "success_probability"]
    assert {"end_p50", "transfer_end_p80", "deadline_probability", "transfer_deadline_probability", "error"} <= set(
        header
    )


def test_failed_variant_in_cli(capsys: pytest.CaptureFixture[str], windowed: Path) -> None:
    """A failing variant shows its error; the study exits 0 and says how many failed."""
    code, out, err = cli(
        capsys,
        "sweep",
        str(windowed),
        "--vary",
        "epoch=2020-12-10T00:00Z,2020-12-20T00:00Z",
        "-n",
        str(N),
        "--workers",
        "1",
        "--json",
    )
    assert code == 0
    rows = json.loads(out)["variants"]
    assert rows[0]["error"] is None
    assert "landing_slot" in rows[1]["error"]
    assert "1 of 2 variants failed" in err


def test_every_variant_failing_exits_1(capsys: pytest.CaptureFixture[str], windowed: Path) -> None:
    """When no variant runs, the study still prints its rows but exits 1."""
    code, _, err = cli(
        capsys,
        "sweep",
        str(windowed),
        "--vary",
        "epoch=2020-12-20T00:00Z,2020-12-30T00:00Z",
        "-n",
        str(N),
        "--workers",
        "1",
    )
    assert code == 1
    assert "every variant failed" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--vary", "phases.landing.duration=1h..2h"), "needs a step"),
        (("--vary", "phases.landing.durtion=1h,2h"), "unknown key 'durtion'"),
        (("--vary", "phases.nope.duration=1h,2h"), "no entry with id 'nope'"),
        (("--vary", "phases.landing.duration=1h", "--milestone", "nope"), "--milestone nope"),
        (("--vary", "phases.landing.duration=1h", "--deadline", "tomorrow"), "--deadline tomorrow"),
        (("--vary", "phases.landing.duration=1h", "--out", "chart.gif"), "unsupported format"),
        (("--vary", "a=1", "--vary", "b=1", "--vary", "c=1", "--out", "chart.png"), "one --vary"),
        (
            ("--vary", "phases.landing.duration=1h", "--executor", "local", "--scheduler", "tcp://x:1"),
            "needs --executor dask",
        ),
        (("--vary", "phases.landing.duration=1h", "-n", "0"), "must be >= 1"),
        (("--vary", "phases.landing.duration=1h", "--workers", "0"), "must be between 1 and 256"),
        (("--vary", "phases.landing.duration=1h", "--seed", "-5"), "--seed -5: must be a whole number >= 0"),
        ((), "nothing to vary"),
    ],
)
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str],
    minimal: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    message: str,
) -> None:
    """Bad --vary syntax, unknown keys, bad options: one line on stderr, exit 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    extra = () if "--workers" in args else ("--workers", "1")
    code, out, err = cli(capsys, "sweep", str(minimal), *args, *extra)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert out == "" and not list(tmp_path.glob("chart.*"))


def test_dask_missing_is_bad_input(
    capsys: pytest.CaptureFixture[str], minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Dask, --executor dask exits 2 and names the extra to install."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    code, _, err = cli(capsys, "sweep", str(minimal), "--vary", "phases.landing.duration=1h", "--executor", "dask")
    assert code == 2
    assert "pip install 'lunar-timeline[dask]'" in err


def test_help_mentions_common_random_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    """sweep --help explains the shared seed."""
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    assert "common random numbers" in capsys.readouterr().out.lower()


# --------------------------------------------------------------------------- charts


@pytest.mark.parametrize(
    "vary",
    [
        ("--vary", "phases.transfer.duration.mode=110h..114h/1h"),
        ("--vary", "epoch=2020-11-20T00:00Z..2020-12-20T00:00Z/10d"),
        ("--vary", "phases.landing.failure.on_fail=retry,hold,abort"),
        ("--vary", "epoch=2020-11-20T00:00Z..2020-12-20T00:00Z/10d", "--vary", "phases.landing.duration=10min,20min"),
    ],
    ids=["line-duration", "line-dates-with-failure", "line-text", "heatmap"],
)
def test_chart_written(
    capsys: pytest.CaptureFixture[str], windowed: Path, tmp_path: Path, vary: tuple[str, ...]
) -> None:
    """--out writes a PNG: a line for one key, a heatmap for two (failed variants marked)."""
    path = tmp_path / "chart.png"
    code, _, err = cli(
        capsys,
        "sweep",
        str(windowed),
        *vary,
        "-n",
        str(N),
        "--workers",
        "1",
        "--milestone",
        "landing",
        "--out",
        str(path),
    )
    assert code == 0, err
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {path}" in err


# --------------------------------------------------------------------------- Ctrl-C


@pytest.mark.slow
def test_ctrl_c_cancels_and_writes_nothing(minimal: Path, tmp_path: Path) -> None:
    """Ctrl-C during a study on the local pool: exit 130 within seconds, no traceback, no CSV, no chart."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "sweep",
        str(minimal),
        "--vary",
        "phases.landing.duration=1min..60min/1min",
        "-n",
        "3000000",
        "--workers",
        "2",
        "--csv",
        str(tmp_path / "study.csv"),
        "--out",
        str(tmp_path / "s.png"),
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path, start_new_session=True
    )
    time.sleep(4.0)  # imports done, the pool running
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: to the whole process group, workers included
    started = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert time.monotonic() - started < 15
    assert "interrupted" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [minimal]


# --------------------------------------------------------------------------- the example script


def test_ce7_launch_sweep_script(tmp_path: Path) -> None:
    """The CE-7 script runs on a short span, states how the polar daylight constraint is set, prints a row a date."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    script = SCENARIOS / "scripts" / "ce7_launch_sweep.py"
    res = subprocess.run(
        [
            sys.executable,
            str(script),
            "--from",
            "2026-07-01T00:00Z",
            "--to",
            "2026-07-15T00:00Z",
            "--step",
            "7d",
            "-n",
            "200",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert "no polar daylight window" in res.stdout or "own daylight window" in res.stdout
    rows = [line for line in res.stdout.splitlines() if line.startswith("2026-07-")]
    assert [r.split()[0] for r in rows] == ["2026-07-01", "2026-07-08", "2026-07-15"]
    assert "common random numbers" in res.stdout


# --------------------------------------------------------------------------- typed results (issue 12)


@pytest.fixture(scope="module")
def typed_study(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The windowed study of ``test_failing_variant_is_reported_in_its_row``: 3 variants run, 1 fails."""
    path = tmp_path_factory.mktemp("typed") / "windowed.yaml"
    path.write_text(WINDOWED, encoding="utf-8")
    study = prepare(
        load_document(path),
        str(path),
        ["epoch=2020-11-20T00:00Z..2020-12-20T00:00Z/10d"],
        replications=N,
        seed=3,
        milestone="landing",
        deadline="2020-12-10T00:00Z",
    )
    return run_study(study)


def test_rows_are_typed_with_aware_datetimes_and_seconds(typed_study: Any) -> None:
    """Rows carry seconds after the variant's epoch and aware UTC datetimes, not formatted text."""
    from sim.results.sweep_types import EndSpread, MilestoneStats, SweepResult

    result = typed_study
    assert isinstance(result, SweepResult) and all(isinstance(r, VariantRow) for r in result.variants)
    assert result.deadline_utc == datetime(2020, 12, 10, tzinfo=UTC) and result.milestone == "landing"
    first, _, third, failed = result.variants
    assert first.epoch_utc == datetime(2020, 11, 20, tzinfo=UTC)
    assert first.values == {"epoch": "2020-11-20T00:00:00Z"}
    assert isinstance(first.end, EndSpread) and isinstance(first.milestone, MilestoneStats)
    m = first.milestone.end
    assert m is not None
    # launched 8 days before the landing window opens (11-28 00:00): a first-try landing ends at
    # 00:15 (over 80 % of replications; a 10 % failure retries 6 h later, which lifts P90)
    for q in (10, 50, 80, 90):
        assert isinstance(m.s(q), float) and isinstance(m.utc(q), datetime)
        assert m.utc(q).utcoffset() == timedelta(0)
        assert first.end.utc(q) == first.epoch_utc + timedelta(seconds=first.end.s(q))
    for q in (10, 50, 80):
        assert m.utc(q) == datetime(2020, 11, 28, 0, 15, tzinfo=UTC)
        assert m.s(q) == pytest.approx(8 * 86400 + 15 * 60, abs=1e-6)
    assert datetime(2020, 11, 28, 0, 15, tzinfo=UTC) < m.p90_utc < datetime(2020, 11, 28, 6, 15, tzinfo=UTC)
    assert first.success_probability == 1.0 and first.deadline_probability == 1.0
    assert first.milestone.deadline_probability == 1.0
    # the third launch (12-10) cannot land before the 12-10 deadline
    assert third.deadline_probability == 0.0 and third.milestone is not None
    assert third.milestone.deadline_probability == 0.0
    assert third.end is not None and third.end.p10_s <= third.end.p50_s <= third.end.p80_s <= third.end.p90_s
    assert third.end.p10_utc > datetime(2020, 12, 14, tzinfo=UTC)
    assert failed.error is not None and "landing_slot" in failed.error and not failed.ok
    assert (failed.success_probability, failed.end, failed.milestone, failed.deadline_probability) == (None,) * 4
    assert result.failed == [failed]


def test_json_is_a_view_of_the_typed_rows(typed_study: Any) -> None:
    """The JSON rounds at the edge (hours 3 decimals, UTC to the second) and reads back to itself."""
    from sim.results.sweep_types import SweepResult
    from sim.timebase import format_utc

    data = typed_study.to_dict()
    for row, out in zip(typed_study.variants, data["variants"], strict=True):
        if row.end is None:
            assert out["duration_h"] is None and out["end"] is None and out["milestone"] is None
            continue
        assert out["duration_h"]["p50"] == round(row.end.p50_s / 3600, 3)
        assert out["end"]["p80"] == format_utc(row.end.p80_utc)
        assert out["deadline"] == {"probability": round(row.deadline_probability, 6)}
    again = SweepResult.from_dict(data)
    assert json.dumps(again.to_dict()) == json.dumps(data)
    assert again.axes == typed_study.axes and again.deadline_utc == typed_study.deadline_utc
    assert again.variants[0].milestone.end.p50_utc == typed_study.variants[0].milestone.end.p50_utc


def test_axis_values_are_typed() -> None:
    """An axis gives its values typed: dates aware UTC, durations in seconds, numbers as floats."""
    dates = parse_vary("epoch=2026-08-01T00:00Z..2026-08-03T00:00Z/1d")
    assert dates.dates_utc == tuple(datetime(2026, 8, d, tzinfo=UTC) for d in (1, 2, 3))
    assert parse_vary("phases.a.duration=100h..110h/5h").durations_s == (360_000.0, 378_000.0, 396_000.0)
    assert parse_vary("phases.a.failure.probability=0.01,0.05").numbers == (0.01, 0.05)
    with pytest.raises(ValueError, match="date values, not number values"):
        _ = dates.numbers


def test_chart_draws_the_typed_times(typed_study: Any) -> None:
    """The line chart's P50 is the rows' datetimes, unrounded; a saved --json draws the same within a second."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import numpy as np

    from sim.plots.sweep import sweep_chart

    ax = sweep_chart(typed_study)
    p50 = next(line for line in ax.get_lines() if line.get_label() == "P50").get_ydata()
    want = [mdates.date2num(r.milestone.end.p50_utc) if r.ok else np.nan for r in typed_study.variants]
    np.testing.assert_array_equal(np.asarray(p50, dtype=float), np.array(want, dtype=float))
    plt.close(ax.figure)
    ax = sweep_chart(typed_study.to_dict())
    saved = next(line for line in ax.get_lines() if line.get_label() == "P50").get_ydata()
    plt.close(ax.figure)
    np.testing.assert_allclose(np.asarray(saved, dtype=float), np.array(want, dtype=float), atol=1 / 86400)
