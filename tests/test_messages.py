"""Every written file is announced on stderr the same way; -q/--quiet silences it, -v/--verbose says more."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import build_parser, main


def test_every_command_takes_quiet_and_verbose() -> None:
    """-q/--quiet and -v/--verbose exist on every subcommand (and exclude each other)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices
    for name, command in sub.choices.items():  # type: ignore[union-attr]
        flags = {s for a in command._actions for s in a.option_strings}
        assert {"-q", "--quiet", "-v", "--verbose"} <= flags, name


@pytest.mark.parametrize(
    ("argv", "outputs"),
    [
        (["run", "change5", "--csv", "{0}/rows.csv"], ["rows.csv"]),
        (["gantt", "change5", "--out", "{0}/g.png"], ["g.png"]),
        (["compare", "change5", "--csv", "{0}/c.csv", "--out", "{0}/c.png"], ["c.csv", "c.png"]),
        (["mc", "change5", "-n", "200", "--csv", "{0}/m.csv", "--out", "{0}/s.png", "--json"], ["m.csv", "s.png"]),
        (["schema", "--out", "{0}/schema.json"], ["schema.json"]),
    ],
)
def test_written_files_are_announced_on_stderr(
    argv: list[str], outputs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`lunarsim: wrote PATH` on stderr, one line per file, nothing of it on stdout; none with -q."""
    args = [a.format(tmp_path) for a in argv]
    assert main(args) == 0
    captured = capsys.readouterr()
    wrote = [line for line in captured.err.splitlines() if "wrote" in line]
    assert sorted(wrote) == sorted(f"lunarsim: wrote {tmp_path / name}" for name in outputs)
    assert "wrote" not in captured.out
    assert main([*args, "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_verbose_says_what_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-v adds timed lines: the file read and the exit."""
    assert main(["run", "change5", "--json", "-v"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("lunarsim: [") and "reading" in line and "change5.yaml" in line for line in err)
    assert err[-1].endswith("run: done, exit 0")
