"""The instant-deltas chart (issue 14 item 8): simulated minus flown start and end per phase."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from sim import compare, load_scenario
from sim.cli import main
from sim.plots.instants import instant_deltas


@pytest.fixture(scope="module")
def cmp():  # type: ignore[no-untyped-def]
    return compare([load_scenario("change5"), load_scenario("change6")])


def _points(ax, marker: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Row label -> x of the marker drawn on it."""
    labels = [t.get_text() for t in ax.get_yticklabels()]
    out = {}
    for line in ax.get_lines():
        if line.get_marker() == marker:
            x, y = line.get_xdata()[0], line.get_ydata()[0]
            out[labels[round(y)]] = float(x)
    return out


def test_dots_sit_at_the_compared_deltas(cmp) -> None:  # type: ignore[no-untyped-def]
    """Each end dot and start triangle is at the comparison's end_delta_h / start_delta_h, rows in
    file order; a phase without any published instant has no row."""
    ax = instant_deltas(cmp, missions=["change5"])
    rows = [p for p in cmp.mission_phases("change5") if p.start_delta_h is not None or p.end_delta_h is not None]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(rows) and labels[0].startswith("Launch")
    ends, starts = _points(ax, "o"), _points(ax, "<")
    touchdown = cmp.phase("change5", "capsule_landing")
    assert ends[touchdown.name] == pytest.approx(touchdown.end_delta_h)
    assert touchdown.end_delta_h == pytest.approx(-3.44, abs=0.05)  # the return leaves at the window's opening
    assert sum(1 for p in rows if p.start_delta_h is not None) == len(starts)
    plt.close(ax.figure)


def test_date_precision_is_a_band_of_a_day_about_noon(cmp) -> None:  # type: ignore[no-untyped-def]
    """A flown time known to the day (CE-6's TEI, '20 or 21 June' -> date precision) gets a band
    from -12 h to +12 h about the point the delta is measured from (noon)."""
    ax = instant_deltas(cmp, missions=["change6"], phases=["tei"])
    bands = [c for c in ax.collections if c.get_paths()]
    assert len(bands) == 1
    xs = bands[0].get_paths()[0].vertices[:, 0]
    assert (float(np.min(xs)), float(np.max(xs))) == pytest.approx((-12.0, 12.0))
    plt.close(ax.figure)


def test_cli_draws_it_and_refuses_what_does_not_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """compare --chart instants writes a PNG; --from is refused (no time axis); a mission with no
    flown time at all is refused with one line (exit 2)."""
    out = tmp_path / "i.png"
    assert main(["compare", "change5", "change6", "--out", str(out), "--chart", "instants", "-q"]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    capsys.readouterr()
    assert main(["compare", "change5", "--out", str(out), "--chart", "instants", "--from", "2d"]) == 2
    assert "--from" in capsys.readouterr().err
    assert main(["compare", "change7", "--out", str(tmp_path / "n.png"), "--chart", "instants"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no phase has a published flown start or end" in err[0]
    assert not (tmp_path / "n.png").exists()
