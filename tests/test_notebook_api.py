"""The Python API a notebook uses (issue 15 part 4): DataFrames with real datetimes
(``Timeline.to_pandas``, ``Ensemble.to_pandas``), small HTML tables for a bare result in a cell
(``_repr_html_``), and everything importable from ``sim``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

import sim
from sim import compare, format_duration, load_scenario, monte_carlo, simulate

pd = pytest.importorskip("pandas", reason="the pandas extra is not installed")


@pytest.fixture(scope="module")
def ce5() -> tuple[Any, Any]:
    sc = load_scenario("change5")
    return sc, simulate(sc)


def test_timeline_to_pandas(ce5: tuple[Any, Any]) -> None:
    """A row per phase by id; tz-aware UTC datetimes; durations as timedeltas and hours that agree."""
    _, t = ce5
    df = t.to_pandas()
    assert list(df.index) == [p.id for p in t.phases] and df.index.name == "id"
    assert str(df["start"].dt.tz) == "UTC" and str(df["end"].dt.tz) == "UTC"
    # the model's CE-5 landing (a 0 s milestone) on 1 Dec 2020 (flown 15:11 UTC), to the microsecond
    landing = df.loc["landing", "start"]
    assert landing == pd.Timestamp(t.utc(t.phase("landing").start_s))
    assert abs(landing.to_pydatetime() - datetime(2020, 12, 1, 15, 11, tzinfo=UTC)).total_seconds() < 3600
    # durations: timedeltas equal the hours column and the records, to the microsecond
    hours = df["duration"].dt.total_seconds() / 3600.0
    assert np.allclose(hours, df["duration_h"], atol=1e-9)
    assert np.allclose(df["duration_h"], [p.duration_s / 3600.0 for p in t.phases])
    tei = t.phase("tei1")
    assert df.loc["tei1", "wait_cause"] == tei.wait_cause == "window"
    assert abs(df.loc["tei1", "wait"].total_seconds() - tei.wait_s) < 1e-3 and df.loc["tei1", "wait_h"] > 80
    assert (df["end"] - df["start"] == df["duration"]).all()


def test_ensemble_to_pandas(ce5: tuple[Any, Any]) -> None:
    """A row per replication: outcome, UTC end, duration (timedelta and hours), each phase's end."""
    sc, _ = ce5
    ens = monte_carlo(sc, 400, 3)
    df = ens.to_pandas()
    assert len(df) == 400 and df.index.name == "replication"
    assert str(df["end"].dt.tz) == "UTC" and set(df["outcome"].cat.categories) == {"success", "aborted"}
    assert np.allclose(df["duration_h"], ens.end_s / 3600.0)
    assert np.allclose(df["duration"].dt.total_seconds(), ens.end_s, atol=1e-3)
    assert (df["end"] == pd.Timestamp(ens.epoch) + df["duration"]).all()
    assert {f"{p}_end" for p in ens.phase_ids} <= set(df.columns)
    last = df[f"{ens.phase_ids[-1]}_end"]
    assert (last <= df["end"] + pd.Timedelta(seconds=1)).all()
    assert list(ens.to_pandas(phase_ends=False).columns) == ["seed_stream", "outcome", "end", "duration", "duration_h"]


def test_ensemble_prefix_only_keeps_out_the_phase_ends(ce5: tuple[Any, Any]) -> None:
    """Per-phase ends kept for a prefix only: left out by default, an error when insisted on."""
    from dataclasses import replace

    sc, _ = ce5
    ens = monte_carlo(sc, 200, 1)
    prefix = replace(ens, duration_s=ens.duration_s[:50], phase_end_s=ens.phase_end_s[:50])
    assert "launch_end" not in prefix.to_pandas().columns and len(prefix.to_pandas()) == 200
    with pytest.raises(ValueError, match="first 50 of 200 replications only; run monte_carlo"):
        prefix.to_pandas(phase_ends=True)


def test_to_pandas_without_pandas_names_the_extra(ce5: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """pandas is optional: without it the error says which extra to install."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"needs pandas, an optional extra: pip install 'lunar-timeline\[pandas\]'"):
        ce5[1].to_pandas()


def test_pandas_is_not_imported_by_the_simulator() -> None:
    """A run does not import pandas (it is only for to_pandas)."""
    import subprocess

    code = "import sys, sim; t = sim.simulate(sim.load_scenario('change5')); print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_repr_html(ce5: tuple[Any, Any]) -> None:
    """A bare result in a notebook cell shows a small table: the run's phases in time order, the
    ensemble's mission-end percentiles and most critical phases, the comparison's missions."""
    sc, t = ce5
    page = t._repr_html_()
    assert page.startswith("<div>") and page.count("<tr>") == 1 + len(t.phases)
    assert "Chang&#x27;e 5 (change5): T0 2020-11-23 20:30 UTC" in page
    tei = t.phase("tei1")
    assert t.phase("landing").name in page
    assert f"{format_duration(tei.wait_s)} (window)" in page  # TEI-1 waits for its window
    ens = monte_carlo(sc, 200, 1)
    page = ens._repr_html_()
    assert "200 replications, seed 1" in page and "P50" in page and "mission end (UTC)" in page
    assert page.count("<tr>") == 3 + 1 + 10  # percentile table, phase table header + 10 phases
    cmp = compare([sc])
    page = cmp._repr_html_()
    assert "Planned vs flown vs simulated" in page and "552.00" in page and "549.48" in page


def test_notebook_names_are_importable_from_sim() -> None:
    """What a notebook uses comes from ``sim`` alone."""
    names = [
        "load_scenario",
        "simulate",
        "monte_carlo",
        "compare",
        "gantt",
        "compare_bars",
        "compare_missions",
        "windows_chart",
        "baseline_chart",
        "baseline_compare",
        "list_windows",
        "Timeline",
        "Ensemble",
        "Comparison",
    ]
    for name in names:
        assert name in sim.__all__ and getattr(sim, name) is not None
