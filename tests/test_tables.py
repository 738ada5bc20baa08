"""Terminal tables fit an 80-column terminal: every row keeps its name, every number stays whole."""

from __future__ import annotations

import pytest
from rich.console import Console

from sim.cli import main
from sim.report.fit import Column, fit_tables, layout
from sim.results.records import PhaseRecord


def _lines(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[str]:
    assert main(argv) == 0
    return capsys.readouterr().out.splitlines()


@pytest.fixture
def columns80(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output to a pipe takes its width from $COLUMNS: here an ordinary 80-column terminal."""
    monkeypatch.setenv("COLUMNS", "80")


def test_layout_leaves_out_optional_columns_then_splits() -> None:
    """Optional columns go first (rightmost first); required ones are split, never cut."""
    name = Column("phase", "left")
    cols = [Column("a"), Column("b"), Column("kind", "left", optional=True)]
    rows = [["x" * 40, "1" * 20, "2" * 20, "k" * 10]]
    name_w, groups, dropped = layout(80, name, cols, rows)
    assert dropped == [2] and groups == [[0, 1]] and name_w == 80 - 2 * (20 + 3)
    name_w, groups, dropped = layout(50, name, cols, rows)
    assert groups == [[0], [1]] and name_w == 50 - 23
    # a time in the name column is never shortened
    _, _, _ = layout(30, Column("time", shrink=False), cols, [["2020-12-01 15:11:00", "1", "2", "k"]])
    assert layout(30, Column("time", shrink=False), cols, [["2020-12-01 15:11:00", "1", "2", "k"]])[0] == 19


def test_fit_tables_render_within_width() -> None:
    """Rendered at 80 columns, no line is longer and every value cell appears whole."""
    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    rows = [
        [f"phase number {i} with a long descriptive name", f"{i * 1111.25:.2f}", f"{-i:+.2f} (+{i}.0%)"] * 1
        for i in range(5)
    ]
    for part in fit_tables(console, "t", Column("phase", "left"), [Column("h"), Column("delta")], rows, "caption"):
        console.print(part)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    for row in rows:
        assert row[1] in text and row[2] in text
    console.file.close()


def test_run_fits_80_columns_in_time_order(columns80: None, capsys: pytest.CaptureFixture[str]) -> None:
    """`lunarsim run change5` at 80 columns: every phase has a row with its start, end and duration
    whole, rows sorted by start; --order file keeps the file's order."""
    from sim import load_scenario, simulate
    from sim.timebase import format_duration, format_utc

    timeline = simulate(load_scenario("scenarios/change5.yaml"))
    lines = _lines(capsys, ["run", "change5"])
    assert max(len(line) for line in lines) <= 80
    assert "UTC 2020" in "\n".join(lines[:4])

    def row(lines: list[str], p: PhaseRecord) -> int:
        start, end = (format_utc(timeline.utc(t), seconds=False)[5:16].replace("T", " ") for t in (p.start_s, p.end_s))
        match = [i for i, line in enumerate(lines) if line.startswith(p.name[:15]) and f"{start}   {end}" in line]
        assert match, f"no whole row for {p.id}"
        assert format_duration(p.duration_s) in lines[match[0]]
        return match[0]

    where = sorted((p.start_s, p.end_s, row(lines, p)) for p in timeline.phases)
    assert [w[2] for w in where] == sorted(w[2] for w in where)  # rows in time order
    file_order = _lines(capsys, ["run", "change5", "--order", "file"])
    firsts = [row(file_order, p) for p in timeline.phases]
    assert firsts == sorted(firsts)
    assert "rows in file" in "\n".join(file_order)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "change6"],
        ["run", "ilrs"],
        ["compare", "change5", "change6"],
        ["mc", "change5", "-n", "300"],
        ["sun", "--site", "change5", "--at", "2020-12-01T15:11Z"],
    ],
)
def test_tables_fit_80_columns(argv: list[str], columns80: None, capsys: pytest.CaptureFixture[str]) -> None:
    """Every table command's output fits an 80-column terminal."""
    lines = _lines(capsys, argv)
    assert lines and max(len(line) for line in lines) <= 80
