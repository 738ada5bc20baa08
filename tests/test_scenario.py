"""Scenario loading: typed values, line-numbered problems, cross-field checks, schema."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.errors import InputError
from sim.scenario.distributions import Fixed, Triangular
from sim.scenario.model import (
    KINDS,
    Kind,
    load_scenario,
    load_scenario_text,
    scenario_json_schema,
    topological_order,
)


def problems(text: str) -> list[str]:
    """The problem lines of loading ``text`` (fails if it loads)."""
    with pytest.raises(InputError) as info:
        load_scenario_text(text, "s.yaml")
    return info.value.problems


def test_minimal_loads_typed(minimal_text: str) -> None:
    """A valid file gives typed values: aware epoch, durations in seconds, dependencies with lags."""
    s = load_scenario_text(minimal_text)
    assert s.epoch.tzinfo is not None and s.epoch.isoformat() == "2020-11-23T20:30:12+00:00"
    assert s.phases[0].duration == Fixed(2220.0)
    assert s.phases[1].duration == Triangular(108 * 3600.0, 112 * 3600.0, 116 * 3600.0)
    dep = s.phases[2].dependencies[0]
    assert (dep.phase, dep.lag) == ("transfer", 7200.0)


def test_kind_vocabulary_matches_literal() -> None:
    """The KINDS tuple and the Kind type list the same vocabulary."""
    assert set(KINDS) == set(Kind.__args__)  # type: ignore[attr-defined]
    assert len(KINDS) == 24


def test_unknown_after_suggests(minimal_text: str) -> None:
    """A typo in 'after' names the line and suggests the close id."""
    text = minimal_text.replace("after: [launch]", "after: [lanch]")
    (line,) = problems(text)
    assert line.startswith("s.yaml:13: phases[1].after[0]: unknown phase 'lanch' (did you mean 'launch'?)")


def test_cycle_is_spelled_out() -> None:
    """A dependency cycle is reported as the chain of ids that closes it."""
    text = """\
id: c
name: C
epoch: 2020-01-01T00:00:00Z
elements: [x]
phases:
  - {id: a, kind: tcm, element: x, duration: 1h, after: [c]}
  - {id: b, kind: tcm, element: x, duration: 1h, after: [a]}
  - {id: c, kind: tcm, element: x, duration: 1h, after: [b]}
"""
    (line,) = problems(text)
    assert "dependency cycle:" in line
    cycle = line.split("dependency cycle: ")[1]
    ids = cycle.split(" -> ")
    assert ids[0] == ids[-1] and sorted(ids[:-1]) == ["a", "b", "c"]
    # each arrow reads "X -> Y": Y comes after X
    order = {"a": "c", "b": "a", "c": "b"}  # phase -> its predecessor
    for x, y in itertools.pairwise(ids):
        assert order[y] == x


def test_collects_several_problems_with_lines(minimal_text: str) -> None:
    """All pydantic problems of a file are reported, each with its own line."""
    text = minimal_text.replace("kind: transfer", "kind: transfr").replace("duration: 15min", "duration: 15")
    lines = problems(text)
    assert any(
        p.startswith("s.yaml:11: phases[1].kind: unknown kind 'transfr' (did you mean 'transfer'?)") for p in lines
    )
    assert any(p.startswith("s.yaml:19: phases[2].duration: duration 15 has no unit") for p in lines)


def test_low_greater_than_mode_names_subfield(minimal_text: str) -> None:
    """A triangular with low > mode names duration.low and both values."""
    text = minimal_text.replace("low: 108h", "low: 120h")
    (line,) = problems(text)
    assert line == "s.yaml:14: phases[1].duration.low: must be <= mode (got 120h > 112h)"


def test_duplicate_ids_and_unknown_element(minimal_text: str) -> None:
    """Duplicate phase ids and undeclared elements are both reported."""
    text = minimal_text.replace("id: landing", "id: transfer").replace("element: lander", "element: landr")
    lines = problems(text)
    assert any("phases[2].id: duplicate phase id 'transfer'" in p for p in lines)
    assert any("phases[2].element: unknown element 'landr' (did you mean 'lander'?)" in p for p in lines)


def test_actual_end_before_start(minimal_text: str) -> None:
    """An actual end earlier than its start is rejected."""
    text = minimal_text.replace(
        "    duration: 37min\n",
        "    duration: 37min\n    actual: {start: 2020-11-23T20:30Z, end: 2020-11-23T20:00Z}\n",
    )
    (line,) = problems(text)
    assert "phases[0].actual.end: actual end 2020-11-23T20:00:00Z is before actual start" in line


def test_zero_duration_is_a_milestone(minimal_text: str) -> None:
    """A zero duration is valid (a milestone)."""
    s = load_scenario_text(minimal_text.replace("duration: 15min", "duration: 0s"))
    assert s.phases[2].duration.nominal_s == 0.0


def test_unknown_key_in_dependency_mapping(minimal_text: str) -> None:
    """Unknown keys are errors at every level, including inside 'after' entries."""
    text = minimal_text.replace("{phase: transfer, lag: 2h}", "{phase: transfer, lagg: 2h}")
    lines = problems(text)
    assert lines == [
        "s.yaml:18: phases[2].after[0].lagg: unknown key 'lagg' (did you mean 'lag'?); allowed here: lag, phase, type"
    ]


def test_load_scenario_path_errors(tmp_path: Path) -> None:
    """A missing path and a directory give one readable problem each."""
    with pytest.raises(InputError, match="no such file"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load_scenario(tmp_path)


def test_topological_order_respects_dependencies(write_scenario: Callable[..., Path]) -> None:
    """Every phase comes after its predecessors; file order breaks ties."""
    path = write_scenario("""\
        id: t
        name: T
        epoch: 2020-01-01T00:00:00Z
        elements: [x]
        phases:
          - {id: d, kind: tcm, element: x, duration: 1h, after: [b, c]}
          - {id: b, kind: tcm, element: x, duration: 1h, after: [a]}
          - {id: a, kind: tcm, element: x, duration: 1h}
          - {id: c, kind: tcm, element: x, duration: 1h, after: [a]}
        """)
    s = load_scenario(path)
    ids = [s.phases[i].id for i in topological_order(s)]
    assert ids == ["a", "b", "c", "d"]


def test_schema_lists_fields_and_kinds() -> None:
    """The JSON Schema forbids unknown keys and lists the kind vocabulary."""
    schema = scenario_json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) >= {"id", "name", "epoch", "elements", "phases"}
    phase = schema["$defs"]["Phase"]
    assert phase["additionalProperties"] is False
    kind = phase["properties"]["kind"]  # a built-in kind or one the scenario declares under kinds:
    assert kind["type"] == "string" and all(k in kind["description"] for k in KINDS)
    (values,) = schema["properties"]["kinds"]["patternProperties"].values()
    assert set(values["enum"]) == set(KINDS)


def test_dump_load_round_trip(minimal_text: str) -> None:
    """A scenario dumped to JSON-compatible data loads back equal."""
    import yaml

    s = load_scenario_text(minimal_text)
    dumped = yaml.safe_dump(s.model_dump(mode="json", exclude_none=True))
    assert load_scenario_text(dumped) == s


def test_every_problem_in_one_pass_sorted_by_line(minimal_text: str) -> None:
    """Field errors and cross-references together, in file order: a broken duration, an unknown
    element, an unknown predecessor, an unknown kind and a bad epoch, five lines at once."""
    text = (
        minimal_text.replace("epoch: 2020-11-23T20:30:12Z", "epoch: 2020-11-23T20:30:12")
        .replace("duration: 15min", "duration: 15")
        .replace("element: lander", "element: landr")
        .replace("{phase: transfer, lag: 2h}", "{phase: transferr, lag: 2h}")
        .replace("kind: transfer", "kind: transfr")
    )
    lines = problems(text)
    assert len(lines) == 5, lines
    numbers = [int(line.split(":")[1]) for line in lines]
    assert numbers == sorted(numbers)
    joined = "\n".join(lines)
    for expected in (
        "epoch: time 2020-11-23T20:30:12 has no time zone",
        "phases[1].kind: unknown kind 'transfr' (did you mean 'transfer'?)",
        "phases[2].element: unknown element 'landr'",
        "phases[2].after[0]: unknown phase 'transferr'",
        "phases[2].duration: duration 15 has no unit",
    ):
        assert expected in joined
