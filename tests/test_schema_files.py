"""The JSON Schemas shipped for editors: in step with the models, named by the bundled files, and valid for them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sim.cli.schema import SHIPPED
from sim.scenario.model import scenario_json_schema
from sim.scenario.program import is_program_data, program_json_schema
from tests.conftest import SCENARIOS, run_cli

GENERATED = {"scenario": scenario_json_schema, "program": program_json_schema}
BUNDLED = sorted(SCENARIOS.glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema="


class _EditorLoader(yaml.SafeLoader):
    """YAML as an editor's schema check sees it: timestamps stay strings (JSON has no date type)."""


_EditorLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def editor_view(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_EditorLoader)


# What pydantic releases render differently: titles, descriptions, a "type" beside a "const", and
# "propertyNames" for a mapping's key pattern (2.6 leaves it out, 2.14 writes it). The rest (fields,
# required keys, enums, consts, references, unions, bounds) must match.
_COSMETIC = {"title", "description", "type", "default", "examples", "propertyNames"}


def skeleton(node: Any) -> Any:
    """A schema without the keys pydantic versions render differently; ``properties`` keep every field."""
    if isinstance(node, dict):
        return {
            k: ({f: skeleton(v) for f, v in node[k].items()} if k in ("properties", "$defs") else skeleton(node[k]))
            for k in node
            if k not in _COSMETIC
        }
    if isinstance(node, list):
        return [skeleton(v) for v in node]
    return node


@pytest.mark.parametrize("kind", sorted(SHIPPED))
def test_shipped_schema_matches_the_models(kind: str) -> None:
    """scenarios/schemas/*.json say what `lunarsim schema [--program]` says now: the same fields, required
    keys, enums and bounds (compared without the titles and types that differ between pydantic releases,
    so that the check holds at the lowest declared pydantic too)."""
    shipped = json.loads((SCENARIOS / SHIPPED[kind]).read_text(encoding="utf-8"))
    flag = " --program" if kind == "program" else ""
    assert skeleton(shipped) == skeleton(GENERATED[kind]()), (
        f"{SHIPPED[kind]} is stale; regenerate it: lunarsim schema{flag} --out scenarios/{SHIPPED[kind]}"
    )


def test_skeleton_keeps_what_matters() -> None:
    """The comparison above fails for a new field, a new enum value or a changed bound."""
    schema = scenario_json_schema()
    grown = json.loads(json.dumps(schema))
    grown["properties"]["new_field"] = {"type": "string"}
    assert skeleton(grown) != skeleton(schema)
    retitled = json.loads(json.dumps(schema))
    retitled["title"] = "another title"
    assert skeleton(retitled) == skeleton(schema)


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_file_names_its_schema_and_validates(path: Path) -> None:
    """Line 1 points a YAML editor at the shipped schema of the file's kind, and the file passes it."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE)
    data = editor_view(path)
    kind = "program" if is_program_data(data) else "scenario"
    assert first == MODELINE + SHIPPED[kind]
    schema = json.loads((path.parent / first.removeprefix(MODELINE)).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_schemas_reject_what_the_loader_rejects() -> None:
    """A misspelled key, a missing field, a wrong type, or duration and until together fail the schema,
    so the check above can fail."""
    scenario = jsonschema.Draft202012Validator(scenario_json_schema())
    program = jsonschema.Draft202012Validator(program_json_schema())
    data = editor_view(SCENARIOS / "change5.yaml")
    assert scenario.is_valid(data)
    assert not scenario.is_valid({**data, "descripton": "typo"})
    assert not scenario.is_valid({k: v for k, v in data.items() if k != "phases"})
    first, rest = data["phases"][0], data["phases"][1:]
    both = {**first, "until": "landing"}  # a wait ends at its event: duration and until exclude each other
    neither = {k: v for k, v in first.items() if k != "duration"}
    assert not scenario.is_valid({**data, "phases": [both, *rest]})
    assert not scenario.is_valid({**data, "phases": [neither, *rest]})
    assert not scenario.is_valid({**data, "phases": [{**first, "after": 3}, *rest]})
    ilrs = editor_view(SCENARIOS / "ilrs.yaml")
    assert program.is_valid(ilrs)
    assert not program.is_valid({**ilrs, "include": []})
    assert not program.is_valid({**ilrs, "resources": {"queqiao2": {"capacity": 0}}})


def test_schema_command_program_and_out(tmp_path: Path) -> None:
    """`schema --program` prints the program schema; `--out` writes the same document to a file."""
    res = run_cli("schema", "--program")
    assert res.returncode == 0
    assert json.loads(res.stdout) == program_json_schema()
    assert json.loads(res.stdout)["title"] == "lunar-timeline program"
    out = tmp_path / "scenario.schema.json"
    assert run_cli("schema", "--out", str(out)).returncode == 0
    assert json.loads(out.read_text()) == scenario_json_schema()
