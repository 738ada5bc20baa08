"""`lunarsim run` prints its table without rich when it can, and then prints rich's characters
exactly (issue 16: rich costs ~0.08 s of a 0.6 s budget). sim.report.plain writes the table for a
pipe or a file when every text is plain; anything else (markup, emoji codes, wide characters, a
table that does not fit whole) goes to rich. These tests compare the two outputs byte for byte."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from sim.engine.des import simulate
from sim.report.plain import plain_width
from sim.report.tables import _SafeConsole, timeline_table
from sim.results.records import Timeline
from sim.scenario.bundled import bundled_dir
from sim.scenario.model import load_scenario, load_scenario_text

WIDTHS = [40, 60, 79, 80, 100, 120, 150, 187, 188, 200, 300]


def _rich(timeline: Timeline, width: int, order: str = "time") -> str:
    out = io.StringIO()
    timeline_table(timeline, console=_SafeConsole(width=width, file=out), order=order)
    return out.getvalue()


def _plain(timeline: Timeline, width: int, order: str, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """What timeline_table prints to a (non-terminal) stdout of ``width`` columns, and whether
    it went without rich (None: rich printed it)."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setenv("COLUMNS", str(width))
    used_rich: list[bool] = []
    import sim.report.tables as tables

    real = tables.wide_console
    monkeypatch.setattr(tables, "wide_console", lambda c=None: used_rich.append(True) or real(c))
    timeline_table(timeline, order=order)
    return None if used_rich else out.getvalue()


@pytest.fixture(scope="module")
def bundled() -> dict[str, Timeline]:
    return {
        n: simulate(load_scenario(bundled_dir() / f"{n}.yaml")) for n in ("change5", "change6", "change7", "change8")
    }


@pytest.mark.parametrize("order", ["time", "file"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_plain_table_is_rich_s_text(
    bundled: dict[str, Timeline], width: int, order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, timeline in bundled.items():
        expected = _rich(timeline, width, order)
        plain = _plain(timeline, width, order, monkeypatch)
        if plain is not None:
            assert plain == expected, (name, width)
        # the bundled tables are plain text: the plain path prints them whenever they fit whole
        whole = max(len(line) for line in _rich(timeline, 1000, order).splitlines()[1:-1])
        assert (plain is not None) == (whole <= width), (name, width)


AWKWARD = """\
id: awkward
name: "NAME"
epoch: 2024-01-01T00:00:00Z
elements: [x]
phases:
  - {id: a, kind: launch, duration: 2h, element: x, name: "PHASE"}
  - {id: b, kind: transfer, duration: 5d, element: x, after: [a], name: "Transfer"}
"""


@pytest.mark.parametrize(
    "phase",
    [
        "[bold]markup[/bold] in a name",
        "[/x]",
        "an emoji :smile: code",
        "a time 20:30:12 with two colons",
        "wide 日本語 characters",
        "a tab\\there",
        "an escape \\e[2J",
        "trailing space  ",
        "  leading space",
        "Landing north of Mons Rümker, ½ way",
        "a very long phase name that goes on and on and on and on and on and on and on and on and on",
        "back\\\\slash",
    ],
)
@pytest.mark.parametrize("scenario_name", ["Plain", "A [red]title[/red] :smile:"])
def test_awkward_names_print_as_rich_prints_them(
    phase: str, scenario_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = AWKWARD.replace("PHASE", phase).replace("NAME", scenario_name)
    timeline = simulate(load_scenario_text(text))
    for width in (60, 80, 200):
        plain = _plain(timeline, width, "time", monkeypatch)
        if plain is not None:
            assert plain == _rich(timeline, width), (phase, width)


def test_plain_width_is_the_wide_console_s(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe or a file: $COLUMNS, else 200; a terminal, FORCE_COLOR or a non-UTF-8 stdout: rich."""
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("TTY_INTERACTIVE", raising=False)
    assert plain_width() == 200
    monkeypatch.setenv("COLUMNS", "97")
    assert plain_width() == 97
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert plain_width() is None
    monkeypatch.delenv("FORCE_COLOR")

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Tty())
    assert plain_width() is None
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    assert plain_width() is None


def test_run_to_a_pipe_does_not_import_rich() -> None:
    probe = (
        "import contextlib, io, sys\n"
        "from sim.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['run', 'change5'])\n"
        "print('rich' in sys.modules)\n"
    )
    # $COLUMNS unset: given explicitly, as readline (imported by pytest) sets it in the C environment
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    assert res.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize(
    ("phase", "plain"),
    [
        ("Landing north of Mons Rümker, ½ way", True),
        ("trailing space  ", True),
        ("back\\\\slash", True),
        ("[/x]", False),
        ("an emoji :smile: code", False),
        ("wide 日本語 characters", False),
        ("a tab\\there", False),
    ],
)
def test_which_names_go_without_rich(phase: str, plain: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    timeline = simulate(load_scenario_text(AWKWARD.replace("PHASE", phase).replace("NAME", "Plain")))
    assert (_plain(timeline, 200, "time", monkeypatch) is not None) == plain
