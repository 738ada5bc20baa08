"""Chart options shared by gantt, compare and mc (issue 15 part 2): --title, --size, --phases,
--from/--to, --tz, --axis mean the same everywhere, apply where they make sense, and a value that
is wrong, or an option that shapes no chart asked for, is one readable line and exit 2."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.figure import Figure

from sim.cli import main
from sim.cli.chart_options import parse_size, parse_time
from sim.errors import InputError


@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Figure]]:
    """The figures the commands save (kept open, for the test to read)."""
    import sim.plots.figures as figures

    out: list[Figure] = []

    def keep(fig: Figure, path: str | Path, *, dpi: int = 150) -> Path:
        out.append(fig)
        Path(path).write_bytes(b"\x89PNG")
        return Path(path)

    monkeypatch.setattr(figures, "save_figure", keep)
    yield out
    import matplotlib.pyplot as plt

    for fig in out:
        plt.close(fig)


def test_parsers() -> None:
    """Sizes in inches; times as ISO UTC or a duration after T0."""
    from datetime import UTC, datetime

    epoch = datetime(2020, 11, 23, 20, 30, 12, tzinfo=UTC)
    assert parse_size("12x8") == (12.0, 8.0) and parse_size(None) is None
    assert parse_time("2020-11-24T20:30:12Z", "--from", epoch) == 86400.0
    assert parse_time("36h", "--to", epoch) == 36 * 3600.0
    with pytest.raises(InputError, match=r"--size 0x8: each side must be between 1 and 100"):
        parse_size("0x8")
    with pytest.raises(InputError, match=r"--from soon: .*or give a duration after T0 such as 5d"):
        parse_time("soon", "--from", epoch)


def test_gantt_options(tmp_path: Path, saved: list[Figure]) -> None:
    """gantt: title, size, phases by kind, a range in Beijing time; labels stay inside --to."""
    out = tmp_path / "g.png"
    args = ["gantt", "change6", "--out", str(out), "--phases", "descent,landing,sampling"]
    args += ["--tz", "Asia/Shanghai", "--title", "CE-6 landing", "--size", "10x4"]
    assert main([*args, "--from", "28d", "--to", "2024-06-04T00:00Z"]) == 0
    (fig,) = saved
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "CE-6 landing" and tuple(fig.get_size_inches()) == (10.0, 4.0)
    assert ax.get_xlabel() == "Asia/Shanghai (UTC+08:00)"
    assert [t.get_text().split(" (")[0] for t in ax.get_yticklabels()] == [
        "Powered descent",
        "Landing in the southern Apollo basin",
        "Sampling",
    ]
    fig.canvas.draw()
    right = ax.get_window_extent().x1
    assert all(t.get_window_extent().x1 <= right + 1 for t in ax.texts)  # the 14h label moved inside


def test_compare_options(tmp_path: Path, saved: list[Figure], capsys: pytest.CaptureFixture[str]) -> None:
    """compare: one mission takes --phases (ids or kinds), several also --from/--to after launch."""
    out = tmp_path / "c.png"
    assert main(["compare", "change5", "--out", str(out), "--phases", "sampling", "--title", "CE-5 sampling"]) == 0
    ax = saved[-1].axes[0]
    assert ax.get_title(loc="left") == "CE-5 sampling" and len(ax.get_yticklabels()) == 2
    args = ["compare", "change5", "change6", "--out", str(out), "--from", "20d", "--size", "12x5"]
    assert main([*args, "--phases", "landing,docking,recovery"]) == 0
    ax = saved[-1].axes[0]
    assert ax.get_xlim()[0] == 20.0 and tuple(saved[-1].get_size_inches()) == (12.0, 5.0)
    marks = {t.get_text() for t in ax.texts}
    assert "touchdown d22.8" in marks and "landing d7.8" not in marks  # CE-5 landed before day 20
    capsys.readouterr()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "change5", "--title", "x"], "--title shapes the chart: add --out FILE.png"),
        (["compare", "change5", "--out", "OUT", "--from", "3d"], "--from: this chart has no time axis"),
        (
            ["compare", "change5", "change6", "--out", "OUT", "--to", "2020-12-01"],
            "--to 2020-12-01: the missions are aligned",
        ),
        (["compare", "change5", "--out", "OUT", "--phases", "landng"], "'landng' is neither a phase id nor a kind"),
        (
            ["mc", "change5", "-n", "100", "--phases", "sampling"],
            "--phases shapes the --tornado or --criticality chart",
        ),
        (["mc", "change5", "-n", "100", "--tz", "Asia/Shanghai"], "--tz shapes the --out S-curve"),
        (
            ["mc", "change5", "-n", "100", "--out", "OUT", "--tz", "Mars/Olympus"],
            "--tz Mars/Olympus: unknown time zone",
        ),
        (["gantt", "change5", "--out", "OUT", "--size", "12"], "--size 12: give width x height in inches"),
        (["gantt", "change5", "change6", "--out", "OUT", "--phases", "landing"], "--phases: the program chart draws"),
        (["gantt", "scenarios/ilrs.yaml", "--out", "OUT", "--tz", "Asia/Shanghai"], "--tz: the program chart draws"),
        (["gantt", "change5", "change6", "--out", "OUT", "--axis", "hours"], "--axis hours: a program chart has one"),
    ],
)
def test_bad_chart_options(args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One readable line naming the option, exit 2, no file written."""
    out = tmp_path / "x.png"
    assert main([str(out) if a == "OUT" else a for a in args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_mc_options(tmp_path: Path, saved: list[Figure], capsys: pytest.CaptureFixture[str]) -> None:
    """mc: the S-curve in Beijing time or hours since T0 with a range; --phases ranks only those."""
    s_curve, tornado = tmp_path / "s.png", tmp_path / "t.png"
    args = ["mc", "change5", "-n", "500", "--seed", "1", "--out", str(s_curve), "--title", "CE-5 end"]
    assert main([*args, "--tz", "Asia/Shanghai", "--size", "9x5"]) == 0
    ax = saved[-1].axes[0]
    assert ax.get_title(loc="left") == "CE-5 end" and tuple(saved[-1].get_size_inches()) == (9.0, 5.0)
    assert "Asia/Shanghai" in ax.get_xlabel() and any("UTC+08" in t.get_text() for t in ax.texts)
    args = ["mc", "change5", "-n", "500", "--seed", "1", "--out", str(s_curve), "--axis", "hours"]
    assert main([*args, "--from", "500h", "--to", "600h", "--tornado", str(tornado), "--phases", "sampling"]) == 0
    curve, bars = saved[-2].axes[0], saved[-1].axes[0]
    assert curve.get_xlim() == (500.0, 600.0) and curve.get_xlabel() == "mission end, hours since T0"
    assert any(t.get_text().startswith("P50 T+5") for t in curve.texts)
    assert {t.get_text() for t in bars.get_yticklabels()} <= {
        "Drill sampling and packing",
        "Surface scooping, packing and sealing in the ascender",
    }
    capsys.readouterr()
