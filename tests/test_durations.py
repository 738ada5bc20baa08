"""Duration sources: burns by the rocket equation with element masses, orbit stays, the plan."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from sim.engine import des
from sim.engine.draws import compile_draws, draw_durations
from sim.engine.model import build_model
from sim.engine.montecarlo import draw_block, monte_carlo
from sim.errors import InputError
from sim.scenario.distributions import Fixed, Triangular, Uniform
from sim.scenario.durations import (
    G0_M_S2,
    SOURCES,
    BurnDuration,
    DurationPlan,
    OrbitDuration,
    burn_time_s,
    orbit_period_s,
)
from sim.scenario.model import load_scenario, load_scenario_text, scenario_json_schema, topological_order
from tests.conftest import run_cli

STACK = """\
id: t1
name: T1
epoch: 2020-11-23T20:30:12Z
elements:
  - {id: stack, mass_kg: 8200}
  - {id: lander, from: stack, mass_kg: 3900}
  - {id: orbiter, from: stack}
phases:
  - id: loi
    kind: loi
    element: stack
    duration: {burn: {delta_v_m_s: 420, thrust_n: 3000, isp_s: {dist: triangular, low: 300, mode: 310, high: 315}}}
  - id: ell
    kind: lunar_orbit
    element: stack
    after: [loi]
    duration: {orbit: {periapsis_km: 200, apoapsis_km: 5700, revolutions: 3}}
  - id: descent
    kind: descent
    element: lander
    after: [ell]
    duration: {burn: {delta_v_m_s: 1900, thrust_n: 7500, isp_s: 310}}
  - id: tei
    kind: tei
    element: orbiter
    after: [ell]
    duration: {burn: {delta_v_m_s: 830, thrust_n: 3000, isp_s: 310}}
"""


def rocket(m0: float, dv: float, f: float, isp: float) -> tuple[float, float]:
    """Burn time and end mass written out by hand (the issue's formula)."""
    ve = 9.80665 * isp
    return m0 * ve / f * (1 - math.exp(-dv / ve)), m0 * math.exp(-dv / ve)


def test_burn_formula_matches_the_rocket_equation() -> None:
    """t = m0 g0 Isp / F (1 - exp(-dv / (g0 Isp))): CE-5 LOI-1 class numbers give ~18.6 min."""
    assert G0_M_S2 == 9.80665
    t = float(burn_time_s(8200.0, 420.0, 3000.0, 310.0))
    assert t == pytest.approx(rocket(8200, 420, 3000, 310)[0], rel=1e-12)
    assert 17 * 60 < t < 20 * 60  # the reference's derived 17-20 min for LOI-1
    # small-dv limit: t -> m0 dv / F
    assert float(burn_time_s(1000.0, 1e-3, 10.0, 300.0)) == pytest.approx(1000 * 1e-3 / 10, rel=1e-6)


def test_orbit_period_from_altitudes() -> None:
    """A 200 km circular lunar orbit takes 2.13 h (reference table); 200 x 5,700 km is ~8 h."""
    assert float(orbit_period_s(200, 200)) / 3600 == pytest.approx(2.125, abs=0.005)
    a = 1737.4 + 0.5 * (200 + 5700)
    assert float(orbit_period_s(200, 5700)) == pytest.approx(2 * math.pi * math.sqrt(a**3 / 4902.8), rel=1e-12)
    assert float(orbit_period_s(200, 5700)) / 3600 == pytest.approx(8.0, abs=0.01)


def test_run_json_shows_burn_and_orbit_and_masses_flow(write_scenario) -> None:  # type: ignore[no-untyped-def]
    """run --json: "burn" and "orbit" objects; each burn starts at the mass the timeline left."""
    path = write_scenario(STACK)
    res = run_cli("run", str(path), "--json")
    assert res.returncode == 0, res.stderr
    phases = {p["id"]: p for p in json.loads(res.stdout)["phases"]}
    loi = phases["loi"]["burn"]
    assert set(loi) == {"delta_v_m_s", "thrust_n", "isp_s", "mass_start_kg", "mass_end_kg"}
    t, m1 = rocket(8200, 420, 3000, 310)
    assert loi["mass_start_kg"] == 8200 and loi["mass_end_kg"] == pytest.approx(m1, abs=1e-3)
    assert phases["loi"]["duration_h"] == pytest.approx(t / 3600, abs=5e-4)
    orbit = phases["ell"]["orbit"]
    assert set(orbit) == {"periapsis_km", "apoapsis_km", "period_s", "revolutions"}
    assert phases["ell"]["duration_h"] == pytest.approx(3 * orbit["period_s"] / 3600, abs=5e-4)
    # the lander splits off with its declared mass; the orbiter carries on with the rest
    assert phases["descent"]["burn"]["mass_start_kg"] == 3900
    assert phases["tei"]["burn"]["mass_start_kg"] == pytest.approx(m1 - 3900, abs=1e-3)
    t_tei, _ = rocket(m1 - 3900, 830, 3000, 310)
    s = load_scenario_text(STACK)
    tl = des.simulate(s)
    assert tl.phase("tei").duration_s == pytest.approx(t_tei, rel=1e-12)
    assert "burn" not in phases["ell"] and "orbit" not in phases["loi"]


def test_sampled_burns_carry_each_replications_mass() -> None:
    """In a Monte Carlo block every replication's later burns use the mass its own LOI left."""
    s = load_scenario_text(STACK)
    model = build_model(s)
    assert model.durations is not None
    d = draw_block(model.durations, 7, 0, 500)
    rng = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(0,)))
    isp = Triangular(300.0, 310.0, 315.0).sample(rng, 8192)[:500]  # the only random input
    t_loi = burn_time_s(8200.0, 420.0, 3000.0, isp)
    m1 = 8200.0 * np.exp(-420.0 / (G0_M_S2 * isp))
    np.testing.assert_allclose(d[:, 0], t_loi, rtol=1e-12)
    np.testing.assert_allclose(d[:, 3], burn_time_s(m1 - 3900.0, 830.0, 3000.0, 310.0), rtol=1e-12)
    np.testing.assert_allclose(d[:, 2], float(burn_time_s(3900.0, 1900.0, 7500.0, 310.0)), rtol=1e-12)
    assert d[:, 0].std() > 0.3 and d[:, 3].std() > 0.3  # the spread propagates through the mass


def test_engines_agree_on_burns() -> None:
    """The SimPy engine and the vector path play the same resolved matrix: identical results."""
    s = load_scenario_text(STACK)
    a = monte_carlo(s, 3000, seed=5, engine="vector")
    b = monte_carlo(s, 3000, seed=5, engine="des")
    np.testing.assert_array_equal(a.end_s, b.end_s)


def test_plain_distributions_draw_what_they_drew_before() -> None:
    """A plan of distributions draws exactly the old column-by-column numbers (seeds unchanged)."""
    dists = (Fixed(60.0), Triangular(1.0, 2.0, 4.0), Fixed(5.0), Triangular(10.0, 11.0, 30.0))
    rng = np.random.default_rng(np.random.SeedSequence(3, spawn_key=(1,)))
    old = np.empty((100, 4))
    for i, dist in enumerate(dists):
        old[:, i] = dist.nominal_s if dist.is_fixed else dist.sample(rng, 8192)[:100]
    np.testing.assert_array_equal(draw_block(dists, 3, 1, 100), old)
    np.testing.assert_array_equal(draw_block(DurationPlan.of(dists), 3, 1, 100), old)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("  - {id: stack, mass_kg: 8200}", "  - stack"),
            "s.yaml:12: phases[0].duration: burn of element 'stack' needs",
        ),
        (("delta_v_m_s: 420", "delta_v_m_s: -420"), "s.yaml:12: phases[0].duration.burn.delta_v_m_s: must be > 0"),
        (("thrust_n: 3000, isp", "thrust_kn: 3, isp"), "phases[0].duration.burn.thrust_kn: unknown key"),
        (
            ("from: stack, mass_kg: 3900", "from: stak, mass_kg: 3900"),
            "s.yaml:6: elements[1].from: unknown element 'stak'",
        ),
        (("{id: lander, from: stack, mass_kg: 3900}", "{id: lander, from: stack}"), "elements[2].mass_kg: 'lander'"),
        (("mass_kg: 3900", "mass_kg: 9000"), "phases[3].duration: element 'orbiter' has -"),
        (
            ("low: 300, mode: 310", "low: 320, mode: 310"),
            "phases[0].duration.burn.isp_s.low: must be <= mode (got 320 > 310)",
        ),
        (("revolutions: 3", "revolutions: 0"), "phases[1].duration.orbit.revolutions: must be > 0"),
        (
            ("phases:\n", "correlations: [{phases: [ell, loi], rho: 0.5}]\nphases:\n"),
            "correlations[0].phases[1]: phase 'loi' is a burn: its length follows from its element's mass",
        ),
        (("apoapsis_km: 5700", "apoapsis_km: 100"), "phases[1].duration.orbit.apoapsis_km: must be >= periapsis_km"),
    ],
)
def test_bad_physics_input_is_one_readable_line(change: tuple[str, str], expected: str) -> None:
    """Every mistake names file, line, field and the fix."""
    _assert_rejected(STACK, change, expected)


def _assert_rejected(base: str, change: tuple[str, str], expected: str) -> None:
    """``base`` with ``change`` applied (it must apply) is refused with a problem holding ``expected``."""
    text = base.replace(*change)
    assert text != base
    with pytest.raises(InputError) as info:
        load_scenario_text(text, "s.yaml")
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_cli_bad_burn_exits_2(write_scenario) -> None:  # type: ignore[no-untyped-def]
    """The CLI prints the problem line, no traceback, exit 2."""
    path = write_scenario(STACK.replace("isp_s: 310}}\n  - id: tei", "isp_s: abc}}\n  - id: tei", 1))
    res = run_cli("run", str(path))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "phases[2].duration.burn.isp_s: expected a number or a mapping" in res.stderr


def test_schema_lists_sources_and_element_masses() -> None:
    """lunarsim schema documents burn:, orbit: and elements with mass_kg/from."""
    text = json.dumps(scenario_json_schema())
    for key in ("delta_v_m_s", "thrust_n", "isp_s", "periapsis_km", "apoapsis_km", "revolutions", "mass_kg"):
        assert key in text
    assert set(SOURCES) == {"burn", "orbit"}
    assert SOURCES["burn"] is BurnDuration and SOURCES["orbit"] is OrbitDuration


def test_set_overrides_reach_burn_inputs(write_scenario) -> None:  # type: ignore[no-untyped-def]
    """--set reaches a burn's inputs and an element's mass (what-ifs and sweeps)."""
    path = write_scenario(STACK)
    res = run_cli(
        "run",
        str(path),
        "--json",
        "--set",
        "elements.stack.mass_kg=8350",
        "--set",
        "phases.loi.duration.burn.isp_s=300",
    )
    assert res.returncode == 0, res.stderr
    loi = json.loads(res.stdout)["phases"][0]
    assert loi["burn"]["mass_start_kg"] == 8350 and loi["burn"]["isp_s"] == 300
    assert loi["duration_h"] == pytest.approx(rocket(8350, 420, 3000, 300)[0] / 3600, abs=5e-4)


def test_old_element_lists_stay_valid(minimal_text: str) -> None:
    """Plain element ids still load; nothing has a mass."""
    s = load_scenario_text(minimal_text)
    assert all(e.mass_kg is None and e.from_ is None for e in s.elements)
    assert s.element_ids == [e.id for e in s.elements]


def test_bundled_scenarios_path_exists() -> None:
    """Sanity: the tests run from the repository (scenarios are read below)."""
    assert Path("scenarios/change5.yaml").exists()


DOCKED = """\
id: docked
name: Docking joins masses
epoch: 2030-01-01T00:00:00Z
elements:
  - {id: chaser, mass_kg: 2300}
  - {id: target, mass_kg: 400}
phases:
  - id: dock
    kind: docking
    element: target
    duration: 0s
    mass: {join: chaser}
  - id: docked_burn
    kind: lunar_orbit
    element: chaser
    after: [dock]
    duration: {burn: {delta_v_m_s: 100, thrust_n: 3000, isp_s: 310}}
  - id: transfer
    kind: sample_transfer
    element: chaser
    after: [docked_burn]
    duration: 30min
    mass: {take_kg: 2, from: target}
  - id: undock
    kind: separation
    element: chaser
    after: [transfer]
    duration: 0s
    mass: {release: target}
  - id: alone_burn
    kind: tei
    element: chaser
    after: [undock]
    duration: {burn: {delta_v_m_s: 400, thrust_n: 600, isp_s: 310}}
  - id: target_burn
    kind: descent
    element: target
    after: [undock]
    duration: {burn: {delta_v_m_s: 50, thrust_n: 3000, isp_s: 310}}
"""


def test_docking_joins_masses_until_the_release(write_scenario) -> None:  # type: ignore[no-untyped-def]
    """Docked, a burn starts at the SUM of both masses and the burner pays the propellant; after the
    release each element goes on with its own mass (the chaser with the 2 kg it took)."""
    path = write_scenario(DOCKED)
    res = run_cli("run", str(path), "--json")
    assert res.returncode == 0, res.stderr
    phases = {p["id"]: p for p in json.loads(res.stdout)["phases"]}
    t_docked, m_docked = rocket(2300 + 400, 100, 3000, 310)  # the joined stack: 2,700 kg
    burn = phases["docked_burn"]["burn"]
    assert burn["mass_start_kg"] == 2700 and burn["mass_end_kg"] == pytest.approx(m_docked, abs=1e-3)
    assert phases["docked_burn"]["duration_h"] == pytest.approx(t_docked / 3600, abs=5e-4)
    used = 2700 - m_docked  # ~32.9 kg of the chaser's propellant
    chaser = 2300 - used + 2  # plus the 2 kg taken from the target
    t_alone, _ = rocket(chaser, 400, 600, 310)
    assert phases["alone_burn"]["burn"]["mass_start_kg"] == pytest.approx(chaser, abs=1e-3)
    assert phases["target_burn"]["burn"]["mass_start_kg"] == pytest.approx(398, abs=1e-9)
    tl = des.simulate(load_scenario_text(DOCKED))
    assert tl.phase("docked_burn").duration_s == pytest.approx(t_docked, rel=1e-12)
    assert tl.phase("alone_burn").duration_s == pytest.approx(t_alone, rel=1e-12)
    # control: without the join the same burn is the chaser's alone, 2,700/2,300 times shorter
    alone = des.simulate(
        load_scenario_text(
            DOCKED.replace("    mass: {join: chaser}\n", "", 1).replace("    mass: {release: target}\n", "", 1)
        )
    )
    assert alone.phase("docked_burn").duration_s == pytest.approx(rocket(2300, 100, 3000, 310)[0], rel=1e-12)
    assert tl.phase("docked_burn").duration_s / alone.phase("docked_burn").duration_s == pytest.approx(2700 / 2300)


def test_docked_masses_in_monte_carlo_match_the_nominal_rule() -> None:
    """Every replication resolves the joined mass the same way (Isp drawn, closed form per row)."""
    text = DOCKED.replace(
        "isp_s: 310}}\n  - id: transfer", "isp_s: {dist: uniform, low: 300, high: 315}}}\n  - id: transfer"
    )
    s = load_scenario_text(text)
    model = build_model(s)
    assert model.durations is not None
    d = draw_block(model.durations, 11, 0, 300)
    rng = np.random.default_rng(np.random.SeedSequence(11, spawn_key=(0,)))
    isp = Uniform(300.0, 315.0).sample(rng, 8192)[:300]
    np.testing.assert_allclose(d[:, 1], burn_time_s(2700.0, 100.0, 3000.0, isp), rtol=1e-12)
    chaser = 2300.0 - 2700.0 * -np.expm1(-100.0 / (G0_M_S2 * isp)) + 2.0
    np.testing.assert_allclose(d[:, 4], burn_time_s(chaser, 400.0, 600.0, 310.0), rtol=1e-12)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("mass: {join: chaser}", "mass: {join: chasr}"), "s.yaml:12: phases[0].mass.join: unknown element 'chasr'"),
        (("mass: {join: chaser}", "mass: {join: target}"), "phases[0].mass.join: names the phase's own element"),
        (("mass: {join: chaser}", "mass: {}"), "phases[0].mass: give 'join', 'release', or 'take_kg' with 'from'"),
        (("{take_kg: 2, from: target}", "{take_kg: 2}"), "phases[2].mass: 'take_kg' and 'from' go together"),
        (("{take_kg: 2, from: target}", "{take_kg: 500, from: target}"), "phases[2].mass: element 'target' has"),
        (("    mass: {join: chaser}\n", ""), "phases[3].mass: element 'target' is not docked with 'chaser' here"),
    ],
)
def test_bad_mass_event_is_one_readable_line(change: tuple[str, str], expected: str) -> None:
    """Mass-event mistakes name file, line, field and the fix."""
    _assert_rejected(DOCKED, change, expected)


def test_change5_tei_burns_use_the_undocked_returner_with_the_sample() -> None:
    """CE-5: docked 21:42 -> separated 04:35 (no burn while docked); TEI-1 starts at the O/R's own
    mass plus the 2 kg sample, and both TEI burns obey the rocket equation on the carried mass."""
    s = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "change5.yaml")
    plan = DurationPlan.from_scenario(s, topological_order(s))
    _, details = plan.nominal()
    det = {p.id: d for p, d in zip(s.phases, details, strict=True) if d is not None}
    ascent = det["ascent"]["burn"]
    loi2 = det["loi2"]["burn"]
    returner = loi2["mass_end_kg"] - 3937  # the O/R carries on with the rest of the stack
    tei1, tei2 = det["tei1"]["burn"], det["tei2"]["burn"]
    assert tei1["mass_start_kg"] == pytest.approx(returner + 2, abs=1e-3)
    assert ascent["mass_end_kg"] == pytest.approx(401, abs=1)  # ~400 kg at docking (CCTV)
    t1, m1 = rocket(tei1["mass_start_kg"], 413, 3000, 310)
    assert tei1["mass_end_kg"] == pytest.approx(m1, abs=1e-3) and tei2["mass_start_kg"] == pytest.approx(m1, abs=1e-3)
    tl = des.simulate(s)
    assert tl.phase("tei1").duration_s == pytest.approx(t1, rel=1e-6)  # details round masses to 1 g
    assert tl.phase("tei2").duration_s == pytest.approx(rocket(m1, 419, 600, 310)[0], rel=1e-6)
    assert 290 < t1 < 300 and 1300 < tl.phase("tei2").duration_s < 1320  # ~4.9 min and ~21.8 min


def test_an_orbit_stay_may_be_correlated_and_the_burns_keep_their_rows() -> None:
    """An orbit stay reads no mass: correlating it keeps the burns consistent (the mass chain)."""
    text = STACK.replace("phases:\n", "correlations: [{phases: [ell, launch_hold], rho: 0.9}]\nphases:\n", 1)
    text += """  - id: launch_hold
    kind: lunar_orbit
    element: orbiter
    after: [tei]
    duration: {dist: triangular, low: 1h, mode: 2h, high: 4h}
"""
    text = text.replace("revolutions: 3}}", "revolutions: {dist: uniform, low: 2, high: 4}}}", 1)
    s = load_scenario_text(text)
    d, _ = draw_durations(compile_draws(s), 3, 0, 2000)
    ranks = [np.argsort(np.argsort(d[:, c])) for c in (1, 4)]  # ell, launch_hold
    assert np.corrcoef(*ranks)[0, 1] > 0.85
    # the burns are not reordered: each row keeps the LOI -> TEI mass chain of its own draws
    independent = draw_block(compile_draws(s).dists, 3, 0, 2000)
    np.testing.assert_array_equal(d[:, [0, 2, 3]], independent[:, [0, 2, 3]])
