"""The documentation keeps up with the code.

- Every field name in the scenario JSON Schema (``lunarsim schema``; every ``properties`` key,
  in the top level and in ``$defs``) and every enumerated value (phase kinds, distributions,
  window types, ``on_fail`` modes, ...) is described in docs/scenario-format.md, written as
  `` `name` ``. The same for the fields of program files. The complete example on that page
  validates and runs.
- Every ``lunarsim`` subcommand has help text with examples and appears in README.md as
  ``lunarsim NAME``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.cli import build_parser, command_modules, main
from sim.engine.des import simulate
from sim.engine.montecarlo import monte_carlo
from sim.scenario.model import load_scenario_text, scenario_json_schema
from sim.scenario.program import ProgramFile

ROOT = Path(__file__).resolve().parent.parent
FORMAT_DOC = ROOT / "docs" / "scenario-format.md"
DESIGN_DOC = ROOT / "docs" / "design.md"
README = ROOT / "README.md"
COMMANDS = sorted(command_modules())


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    """Every mapping in a JSON Schema, depth first (``$defs`` included)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def field_names(schema: dict[str, Any]) -> set[str]:
    """Every key of every ``properties`` mapping in the schema."""
    names: set[str] = set()
    for node in _nodes(schema):
        props = node.get("properties")
        if isinstance(props, dict) and all(isinstance(v, dict) for v in props.values()):
            names.update(props)
    return names


def enum_values(schema: dict[str, Any]) -> set[str]:
    """Every text value a field may be restricted to (``enum`` members and ``const`` values)."""
    values: set[str] = set()
    for node in _nodes(schema):
        if isinstance(node.get("enum"), list):
            values.update(v for v in node["enum"] if isinstance(v, str))
        if isinstance(node.get("const"), str):
            values.add(node["const"])
    return values


def undocumented(names: set[str], text: str) -> list[str]:
    """The names that the text never mentions as `` `name` ``."""
    return sorted(n for n in names if f"`{n}`" not in text)


@pytest.fixture(scope="module")
def format_doc() -> str:
    """The text of docs/scenario-format.md."""
    return FORMAT_DOC.read_text(encoding="utf-8")


def test_schema_walk_sees_nested_fields() -> None:
    """The walk reaches fields in $defs and in the duration schema (so the checks below can fail)."""
    names = field_names(scenario_json_schema())
    assert {"epoch", "phases", "must_fit", "on_fail", "lat_deg", "p90", "lag", "precision"} <= names
    assert {"launch", "pert", "lunar_daylight", "retry", "morning"} <= enum_values(scenario_json_schema())


def test_complete_example_runs(format_doc: str) -> None:
    """The complete example in docs/scenario-format.md validates, runs nominally and in a Monte Carlo."""
    section = format_doc.split("## A complete example", 1)[1]
    text = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    scenario = load_scenario_text(text, "docs/scenario-format.md")
    assert simulate(scenario).outcome == "success"
    assert monte_carlo(scenario, 200, seed=1).replications == 200


def test_every_scenario_field_is_documented(format_doc: str) -> None:
    """docs/scenario-format.md mentions every field name of the scenario JSON Schema."""
    missing = undocumented(field_names(scenario_json_schema()), format_doc)
    assert not missing, f"describe these scenario fields in {FORMAT_DOC.name} (as `name`): {missing}"


def test_every_enumerated_value_is_documented(format_doc: str) -> None:
    """Every kind, distribution, window type, on_fail mode, part and precision is documented."""
    missing = undocumented(enum_values(scenario_json_schema()), format_doc)
    assert not missing, f"describe these values in {FORMAT_DOC.name} (as `value`): {missing}"


def test_every_program_field_is_documented(format_doc: str) -> None:
    """docs/scenario-format.md mentions every field of a program file (ilrs.yaml)."""
    missing = undocumented(field_names(ProgramFile.model_json_schema()), format_doc)
    assert not missing, f"describe these program-file fields in {FORMAT_DOC.name}: {missing}"


def test_design_notes_exist() -> None:
    """docs/design.md records the decisions the issue lists."""
    text = DESIGN_DOC.read_text(encoding="utf-8").lower()
    for topic in ("time base", "layer", "seedsequence", "engine", "window", "not modelled", "terrain"):
        assert topic in text, f"docs/design.md does not cover {topic!r}"


def test_commands_are_found() -> None:
    """The command list is the real one (so the parametrized checks below cover something)."""
    assert {"run", "gantt", "mc", "compare", "validate"} <= set(COMMANDS)


def _subparser_help(name: str) -> tuple[str | None, str | None]:
    """(one-line help shown by ``lunarsim --help``, description) of a subcommand."""
    import argparse

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    line = next((a.help for a in sub._choices_actions if a.dest == name), None)
    return line, sub.choices[name].description


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``lunarsim NAME --help`` exits 0 and shows a summary, a description and an example."""
    line, description = _subparser_help(name)
    assert line and line.strip(), f"'lunarsim {name}' has no one-line help in 'lunarsim --help'"
    assert description and description.strip(), f"'lunarsim {name}' has no description"
    with pytest.raises(SystemExit) as exit_info:
        main([name, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: lunarsim {name}" in out
    assert re.search(rf"^\s+lunarsim {re.escape(name)}\b", out, re.M), f"'lunarsim {name} --help' shows no example"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_readme(name: str) -> None:
    """README.md shows every command at least once as ``lunarsim NAME``."""
    text = README.read_text(encoding="utf-8")
    assert re.search(rf"\blunarsim {re.escape(name)}\b", text), f"README.md never shows 'lunarsim {name}'"
