"""The Python API for scripts and notebooks: bundled ids and overrides in load_scenario."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sim import InputError, load_scenario


def test_load_scenario_takes_a_bundled_id() -> None:
    """`load_scenario("change5")` finds the bundled file, like the command line."""
    scenario = load_scenario("change5")
    assert scenario.id == "change5" and scenario.epoch == datetime(2020, 11, 23, 20, 30, 12, tzinfo=UTC)
    assert load_scenario("scenarios/change5.yaml") == scenario


def test_load_scenario_sets_like_the_command_line() -> None:
    """`sets=` as a mapping (datetimes and numbers welcome) or as KEY=VALUE strings."""
    later = datetime(2020, 12, 10, 20, 30, 12, tzinfo=UTC)
    a = load_scenario("change5", sets={"epoch": later, "phases.landing.duration": "20min"})
    b = load_scenario("change5", sets=["epoch=2020-12-10T20:30:12Z", "phases.landing.duration=20min"])
    assert a == b and a.epoch == later
    assert a.phase("landing").duration.nominal_s == 1200.0


def test_load_scenario_names_the_bad_override() -> None:
    """A problem in an overridden field says which override caused it."""
    with pytest.raises(InputError) as err:
        load_scenario("change5", sets={"phases.landing.duration": "-3h"})
    assert "(from --set phases.landing.duration=-3h)" in str(err.value)


def test_load_scenario_unknown_id() -> None:
    """An id that is neither a file nor bundled is a readable input error."""
    with pytest.raises(InputError, match="no such file"):
        load_scenario("change99")
