"""A scenario's own phase kinds (``kinds:``) and the 'did you mean' rule for unknown ones."""

from __future__ import annotations

import pytest

from sim.engine.des import simulate
from sim.errors import InputError
from sim.plots.gantt import KIND_COLOURS
from sim.results.comparison import compare
from sim.scenario.model import load_scenario_text, scenario_json_schema

APOLLO = """id: apollo_x
name: Apollo X
epoch: 1969-07-16T13:32:00Z
elements: [csm]
kinds: {tli: transfer, earth_orbit: lunar_orbit, eva: surface_ops}
phases:
  - {id: launch, kind: launch, element: csm, duration: 12min}
  - {id: parking, kind: earth_orbit, element: csm, after: [launch], duration: 2h 32min}
  - {id: tli, kind: tli, element: csm, after: [parking], duration: 6min}
  - {id: eva, kind: eva, element: csm, after: [tli], duration: 2h 31min}
"""


def load(text: str):  # type: ignore[no-untyped-def]
    return load_scenario_text(text, "s.yaml")


def test_own_kinds_map_onto_built_in_families() -> None:
    """tli, earth_orbit and eva run, keep their names, and colour and compare as their families."""
    s = load(APOLLO)
    t = simulate(s)
    tli = t.phase("tli")
    assert (tli.kind, tli.family, tli.colour_kind) == ("tli", "transfer", "transfer")
    assert t.phase("launch").family is None and t.phase("launch").colour_kind == "launch"
    assert KIND_COLOURS[t.phase("eva").colour_kind] == KIND_COLOURS["surface_ops"]
    rows = {p.id: p.kind for p in compare([s], [t]).phases}
    assert rows["tli"] == "transfer" and rows["parking"] == "lunar_orbit"


@pytest.mark.parametrize(
    ("kind", "expected", "not_expected"),
    [
        ("earth_orbit", "unknown kind 'earth_orbit'; use one of:", "did you mean"),
        ("tli", "unknown kind 'tli'; use one of:", "did you mean"),
        ("landng", "unknown kind 'landng' (did you mean 'landing'?)", None),
        ("transfr", "(did you mean 'transfer'?)", None),
    ],
)
def test_did_you_mean_only_for_spelling_slips(kind: str, expected: str, not_expected: str | None) -> None:
    """Without kinds:, earth_orbit and tli are unknown with no misleading suggestion; typos get one."""
    text = APOLLO.replace("kinds: {tli: transfer, earth_orbit: lunar_orbit, eva: surface_ops}\n", "")
    text = text.replace("kind: earth_orbit", f"kind: {kind}").replace("kind: tli", f"kind: {kind}")
    text = text.replace("kind: eva", "kind: surface_ops")
    with pytest.raises(InputError) as exc:
        load(text)
    message = str(exc.value)
    assert expected in message and "or map your own under 'kinds:'" in message
    assert not_expected is None or not_expected not in message


def test_built_in_names_cannot_be_redeclared() -> None:
    """kinds: {landing: descent} is an error: landing is built in."""
    with pytest.raises(InputError, match="'landing' is a built-in kind; remove it from 'kinds'"):
        load(APOLLO.replace("eva: surface_ops}", "eva: surface_ops, landing: descent}"))


def test_kinds_in_schema() -> None:
    """The JSON Schema has the kinds map, its values the built-in kinds."""
    schema = scenario_json_schema()
    assert "kinds" in schema["properties"]
    assert "transfer" in str(schema["properties"]["kinds"])
