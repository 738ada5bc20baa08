"""`lunarsim report` and `gantt --out x.html`: one self-contained HTML file that renders offline.

The browser test opens the page in headless Chromium (Debian's ``chromium``; ``.ci/run`` installs
it) and checks that nothing is logged to the console (no error, no warning) and that the Gantt
draws a row for every phase. It keeps a screenshot in ``$LUNARSIM_ARTIFACTS`` (CI sets it) or in
the test's temporary folder. Without chromium the test is skipped, except under CI (``CI`` set),
where it fails.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sim.cli import main

pytest.importorskip("plotly", reason="the html extra (plotly) is not installed")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(*args: str, timeout_s: float = 120.0) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a local file with its console logged to stderr."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--virtual-time-budget=15000",  # let the page's scripts run to the end
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)


def console_messages(stderr: str) -> list[str]:
    """The page's console messages in Chromium's log (every level is logged as INFO:CONSOLE)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def _artifacts(tmp_path: Path) -> Path:
    where = Path(os.environ.get("LUNARSIM_ARTIFACTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


def _tick_labels(dom: str, figure: int) -> list[str]:
    """The y-axis tick labels plotly drew in figure ``figure`` of the rendered page."""
    start = dom.index(f'id="figure-{figure}"')
    end = dom.find('id="figure-', start + 10)
    part = dom[start : end if end > 0 else len(dom)]
    return [html.unescape(t) for t in re.findall(r'<g class="ytick"><text[^>]*>(.*?)</text>', part)]


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`lunarsim report change5 change6 --mc 500` written once for the module."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", "change5", "change6", "--mc", "500", "--seed", "1", "--out", str(out), "-q"]) == 0
    return out


def test_report_is_one_offline_file(report_page: Path) -> None:
    """No external script, style, font or image: everything needed is inlined in the file."""
    text = report_page.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", text), "a script is loaded from elsewhere"
    assert not re.search(r"<link[^>]+href=", text), "a stylesheet or font is loaded from elsewhere"
    assert "<iframe" not in text and "@import" not in text
    assert text.count("Plotly.newPlot") == 6  # per mission: Gantt, S-curve, tornado
    assert 'id="change5"' in text and 'id="change6"' in text
    # the tables: plan vs flown vs simulated and the Monte Carlo summary of each mission
    assert "Planned vs flown vs simulated" in text and "Schedule risk: Monte Carlo, 500 replications, seed 1" in text
    assert "Mission: launch epoch to end" in text and "<h3>Windows</h3>" in text and "daylight" in text


def test_console_check_catches_errors(tmp_path: Path) -> None:
    """The browser check can fail: a page that logs an error and throws is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><script>console.error("boom"); missing();</script></body></html>')
    res = _chromium("--dump-dom", bad.as_uri())
    messages = console_messages(res.stderr)
    assert any("boom" in m for m in messages) and any("missing is not defined" in m for m in messages)


def test_report_renders_in_chromium(report_page: Path, tmp_path: Path) -> None:
    """The page renders without console messages and each mission's Gantt has a row per phase."""
    from sim import load_scenario, simulate
    from sim.plots.interactive import row_labels

    res = _chromium("--dump-dom", report_page.as_uri())
    assert res.returncode == 0, res.stderr[-2000:]
    assert console_messages(res.stderr) == []
    dom = res.stdout
    for figure, sid in ((0, "change5"), (3, "change6")):
        timeline = simulate(load_scenario(sid))
        rows = [p for p in timeline.phases if p.outcome == "done"]
        assert sorted(_tick_labels(dom, figure)) == sorted(row_labels(timeline, rows))
    shot = _artifacts(tmp_path) / "report-change5-change6.png"
    res = _chromium("--window-size=1400,2400", f"--screenshot={shot}", report_page.as_uri())
    assert res.returncode == 0 and shot.stat().st_size > 50_000


def test_gantt_html_alone(tmp_path: Path) -> None:
    """`gantt --out x.html` writes the interactive Gantt alone, one file, every phase a row."""
    out = tmp_path / "change6.html"
    assert main(["gantt", "change6", "--out", str(out), "-q"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and not re.search(r"<script[^>]+src=", text)
    assert text.count("Plotly.newPlot") == 1
    res = _chromium("--dump-dom", out.as_uri())
    assert console_messages(res.stderr) == []
    labels = re.findall(r'<g class="ytick"><text[^>]*>(.*?)</text>', res.stdout)
    assert len(labels) == 32  # CE-6's 32 phases


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "change5", "--out", "x.png"], "the report is an HTML file"),
        (["gantt", "change5", "change6", "--out", "x.html"], "the interactive Gantt draws one scenario"),
        (["report", "change5", "--mc", "-3", "--out", "x.html"], "--mc -3"),
    ],
)
def test_bad_html_requests_are_input_errors(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One readable line, exit 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_gantt_lane_headers_have_rows_of_their_own() -> None:
    """Each lane's name sits on a row of its own, one row above the lane's first phase: it never
    shares a row (and so never overlaps the label) of a phase."""
    from sim import load_scenario, simulate
    from sim.plots.interactive import gantt_figure

    sc = load_scenario("change6")
    fig = gantt_figure(simulate(sc), lanes=list(sc.element_ids), lane_names=sc.lane_names())
    rows = list(fig.layout.yaxis.tickvals)
    headers = {a.text: a.y for a in fig.layout.annotations}
    assert len(rows) == 32 and len(headers) == len(sc.lane_names())
    assert "<b>ICUBE-Q (Pakistan)</b>" in headers
    for y in headers.values():
        assert min(abs(y - r) for r in rows) >= 1.0 and y + 1.0 in rows
    bars = [t for t in fig.data if t.type == "bar"]
    assert bars and all(t.width == 0.7 for t in bars)  # a lone bar is a bar, not the whole axis


def test_windows_table_columns_align_one_way(report_page: Path) -> None:
    """'used by' is a text column: its header and every cell are left-aligned (class text), the
    times right-aligned, whatever the length of the cell."""
    text = report_page.read_text(encoding="utf-8")
    start = text.index("<h3>Windows</h3>")
    table = text[start : text.index("</table>", start)]
    assert '<th class="name">used by</th>' in table
    rows = re.findall(r"<tr>(.*?)</tr>", table)[1:]
    assert rows and all(r.count("<td") == 5 and re.search(r'<td class="text">[^<]*</td>$', r) for r in rows)
    assert all(re.search(r"^<td class=\"name\">[^<]*</td><td>20\d\d-", r) for r in rows)
