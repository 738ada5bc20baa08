"""A single run computes its window tables only as far as it needs them, and daylight levels are
bisected together (issue 16).

``sim.engine.model.run_lazily`` builds the tables over a span a little longer than the nominal
mission and repeats the run over twice the span whenever a query's answer depended on the end of
what was computed (``WindowTable.tail_reached``). The promise is bit-identical results: these
tests compare the tables before their ``exact_s`` and the runs against the whole-horizon ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from sim.engine.des import simulate
from sim.engine.model import Model, _trim_to_block, build_model, run_lazily
from sim.scenario.bundled import bundled_dir
from sim.scenario.model import Scenario, load_scenario, load_scenario_text
from sim.sky import cache
from sim.sky.ephemeris import TIME_TOL_S, _Scan, default_ephemeris
from sim.sky.intervals import WindowNeverOpens, WindowTable
from sim.timebase import DAY_S, HOUR_S


def _head(table: WindowTable, until_s: float) -> np.ndarray:
    """The openings before ``until_s``, cut there."""
    iv = table.intervals
    iv = iv[iv[:, 0] < until_s]
    return np.column_stack([iv[:, 0], np.minimum(iv[:, 1], until_s)])


def _bundled(name: str, sets: list[str] | None = None) -> Scenario:
    return load_scenario(bundled_dir() / f"{name}.yaml", sets)


@pytest.mark.parametrize(("name", "span_d"), [("change5", 30), ("change6", 61), ("change7", 100), ("change8", 45)])
def test_short_tables_equal_the_whole_horizon_ones_before_exact_s(name: str, span_d: int) -> None:
    """Geometric windows (cached blocks), daylight scans and their combinations: bit for bit."""
    scenario = _bundled(name)
    full = build_model(scenario)
    short = build_model(scenario, span_s=span_d * DAY_S)
    assert full.windows and all(t.exact_s == math.inf for t in full.windows)
    for a, b in zip(short.windows, full.windows, strict=True):
        assert a.name == b.name
        assert a.horizon_s == b.horizon_s == scenario.horizon  # messages name the real horizon
        assert span_d * DAY_S - DAY_S <= a.exact_s <= span_d * DAY_S
        head = _head(b, a.exact_s)
        assert len(head) > 0, a.name
        np.testing.assert_array_equal(_head(a, a.exact_s), head, err_msg=a.name)


@pytest.mark.parametrize(
    ("name", "sets"),
    [
        ("change5", []),
        ("change6", []),
        ("change7", []),
        ("change8", []),
        ("change5", ["epoch=2020-11-10T00:00:00Z"]),
        ("change6", ["epoch=2024-04-20T00:00:00Z"]),
        ("change6", ["horizon=60d"]),
    ],
)
def test_lazy_run_is_the_whole_horizon_run(name: str, sets: list[str]) -> None:
    scenario = _bundled(name, sets)
    assert simulate(scenario).to_dict() == simulate(scenario, model=build_model(scenario)).to_dict()


def _models(scenario: Scenario) -> tuple[list[Model], dict[str, object]]:
    models: list[Model] = []

    def run(m: Model) -> dict[str, object]:
        models.append(m)
        return simulate(scenario, model=m).to_dict()

    return models, run_lazily(scenario, run)


DAYLIGHT = """\
id: lz
name: Lazy
epoch: 2024-01-01T00:00:00Z
elements: [x]
horizon: 200d
site: {lat_deg: 43.1, lon_deg: -51.8}
windows:
  daylight: {type: lunar_daylight, min_sun_elevation_deg: 5, part: morning}
phases:
  - {id: a, kind: launch, duration: 2d, element: x}
  - id: b
    kind: surface_ops
    duration: 3d
    element: x
    after: [a]
    window: {name: daylight, must_fit: true}
    not_before: NB
"""


def test_a_run_past_the_first_span_is_repeated_over_a_longer_one() -> None:
    """Phase b may not start before day 100: the first span (~26 d) cannot answer; the run is
    repeated over 52 d, 104 d, 200 d (the horizon) and equals the whole-horizon run."""
    scenario = load_scenario_text(DAYLIGHT.replace("NB", "2024-04-10T00:00:00Z"))
    models, result = _models(scenario)
    assert len(models) >= 3
    assert all(m.tail_reached for m in models[:-1])
    assert not models[-1].tail_reached
    assert result == simulate(scenario, model=build_model(scenario)).to_dict()
    start = simulate(scenario).phases[1].start_s
    assert start >= 100 * DAY_S - 1


def test_change5_is_run_once_over_seven_weeks_not_its_200_day_horizon() -> None:
    """1.5 x its 19-day nominal path + 20 d = 49 d, trimmed to 47 d 3 h: the end of the second
    32-day cache block (47 d 3 h 37 m 48 s after the epoch), not 1.85 d into a third one. So
    each of the three geometric windows computes two blocks."""
    scenario = _bundled("change5")
    cache.clear()
    models, result = _models(scenario)
    assert len(models) == 1
    assert [t.exact_s / HOUR_S for t in models[0].windows] == [1131, 1107, 1107, 1107, 1131]
    assert cache.stats == {"computed": 6, "reused": 0, "loaded": 0}
    assert result == simulate(scenario, model=build_model(scenario)).to_dict()


@pytest.mark.parametrize(
    ("span_h", "expected_h"),
    [
        (49 * 24, 1131),  # 1.85 d into the next block: trimmed to the last whole hour before it
        (1131, 1131),  # already inside one block
        (1132, 1131),  # 22 min into the next block
        (1131 + 95, 1131),  # trimming loses 95 h < 4 d: trimmed
        (1131 + 96, 1131 + 96),  # it would lose 4 d: kept
        (10, 10),  # a short span inside the first block
    ],
)
def test_the_first_span_ends_before_a_block_it_would_barely_enter(span_h: int, expected_h: int) -> None:
    """change5's epoch 2020-11-23T20:30:12Z: a cache block starts 1131 h 37 m 48 s later."""
    epoch = _bundled("change5").epoch
    assert _trim_to_block(epoch, span_h * HOUR_S) == expected_h * HOUR_S


def test_a_window_that_never_opens_names_the_scenario_horizon() -> None:
    """Found only once the tables cover the whole horizon; the message names it, not a span."""
    text = DAYLIGHT.replace("duration: 3d", "duration: 20d").replace("NB", "2024-01-02T00:00:00Z")
    scenario = load_scenario_text(text)
    with pytest.raises(WindowNeverOpens, match=r"the horizon \(T\+200 d\)"):
        simulate(scenario)


def test_a_horizon_not_in_whole_hours_is_computed_whole() -> None:
    """The daylight scan's grid is the whole horizon's only for spans of whole hours."""
    scenario = load_scenario_text(
        DAYLIGHT.replace("horizon: 200d", "horizon: 4799.5h").replace("NB", "2024-01-02T00:00:00Z")
    )
    assert scenario.horizon % HOUR_S
    models, _ = _models(scenario)
    assert [t.exact_s for m in models for t in m.windows] == [math.inf]


def test_queries_note_when_they_read_past_exact_s() -> None:
    iv = np.array([[0.0, 10.0], [20.0, 30.0], [40.0, 50.0]])

    def table() -> WindowTable:
        return WindowTable.from_intervals("w", iv, 100.0, span_s=50.0, exact_s=45.0)

    t = table()
    assert t.next_start(5.0) == 5.0 and t.next_start(12.0, 5.0, must_fit=True) == 20.0
    assert t.contains(21.0, 5.0) and t.opening_end(25.0) == 30.0
    assert t.next_start_many(np.array([1.0, 15.0]), np.array([1.0, 1.0]), must_fit=True).tolist() == [1.0, 20.0]
    assert not t.tail_reached
    for query in (
        lambda t: t.next_start(46.0),  # an answer at or past exact_s
        lambda t: t.next_start(21.0, 15.0, must_fit=True),  # fits nowhere in the table: inf
        lambda t: t.next_start(35.0, 8.0, must_fit=True),  # fits only by reaching exact_s
        lambda t: t.contains(44.0, 2.0),
        lambda t: t.opening_end(41.0),  # the last opening may be longer
        lambda t: t.next_start_many(np.array([1.0, 60.0]), np.array([1.0, 1.0])),
    ):
        t = table()
        query(t)
        assert t.tail_reached
    whole = WindowTable.from_intervals("w", iv, 100.0)
    assert whole.next_start(60.0) == math.inf and not whole.tail_reached


def _crossings_alone(scan: _Scan, f: Callable[[np.ndarray], np.ndarray], level: float) -> tuple[np.ndarray, ...]:
    """The bisection of one level as ``_Scan.crossings`` did it before levels were batched."""
    above = scan.e >= level
    k = np.flatnonzero(above[:-1] != above[1:])
    rising = above[k + 1]
    lo, hi = scan.t[k].copy(), scan.t[k + 1].copy()
    while lo.size and np.max(hi - lo) > TIME_TOL_S:
        mid = 0.5 * (lo + hi)
        go_right = (f(mid) >= level) != rising
        lo = np.where(go_right, mid, lo)
        hi = np.where(go_right, hi, mid)
    times_s = 0.5 * (lo + hi)
    inside = (times_s >= scan.start_s) & (times_s <= scan.end_s)
    return times_s[inside], rising[inside]


def test_levels_bisected_together_equal_each_level_alone() -> None:
    """change5's five daylight levels at its site over 49 d: same bits, a fifth of the calls."""
    eph = default_ephemeris()
    site = _bundled("change5").site
    assert site is not None
    calls = [0]
    elevation = eph._elevation_fn(site.lat_deg, site.lon_deg, _bundled("change5").epoch)

    def f(t: np.ndarray) -> np.ndarray:
        calls[0] += 1
        return elevation(t)

    levels = [37.43, 45.0, 20.0, 33.0, 0.0]
    scan = _Scan.run(f, 0.0, 49 * DAY_S, HOUR_S)
    calls[0] = 0
    scan.cross(f, levels)
    together = calls[0]
    calls[0] = 0
    for level in levels:
        times_s, rising = scan.crossings(f, level)  # kept: no new call
        alone = _crossings_alone(scan, f, level)
        assert times_s.size >= 2
        np.testing.assert_array_equal(times_s, alone[0])
        np.testing.assert_array_equal(rising, alone[1])
    assert together * 4 <= calls[0]


def _spans(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """The spans ``run_lazily`` builds models over (None: the whole horizon), recorded."""
    from sim.engine import model as model_module

    spans: list[float | None] = []
    build = model_module.build_model

    def spy(scenario: Scenario, ephemeris: object = None, span_s: float | None = None) -> Model:
        spans.append(span_s)
        return build(scenario, ephemeris, span_s)  # type: ignore[arg-type]

    monkeypatch.setattr(model_module, "build_model", spy)
    return spans


def _same_ensemble(a: object, b: object) -> None:
    from sim.results.statistics import summary

    for name in ("end_s", "success", "duration_s", "phase_end_s", "critical_count"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    assert summary(a) == summary(b)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "engine", "n"), [("change5", "vector", 300), ("change5", "des", 300), ("change6", "vector", 3000)]
)
def test_monte_carlo_computes_windows_lazily_with_the_whole_horizon_result(
    name: str, engine: str, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Monte Carlo run's tables: 2 x the nominal path + 30 d (change5: 68 d of its 200 d
    horizon; change6: 76 d, which its 3,000 replications do not pass), same ensemble."""
    from sim.engine.montecarlo import monte_carlo

    scenario = _bundled(name)
    whole = monte_carlo(scenario, n, 5, engine=engine, model=build_model(scenario))  # type: ignore[arg-type]
    seen = _spans(monkeypatch)
    lazy = monte_carlo(scenario, n, 5, engine=engine)  # type: ignore[arg-type]
    assert len(seen) == 1
    assert seen[0] is not None and seen[0] < 80 * DAY_S
    _same_ensemble(lazy, whole)


def test_a_replication_in_a_worker_past_the_first_span_reruns_the_monte_carlo(monkeypatch: pytest.MonkeyPatch) -> None:
    """The nominal run (a: 2 d) fits the first span (2 x 5 d + 30 d); replications whose launch
    phase draws ~35 d or more do not. They run in the pool's worker processes, whose tables are copies: the block
    results carry the note, and the whole run is repeated over the horizon, same result."""
    from sim.engine.montecarlo import BLOCK, monte_carlo

    text = DAYLIGHT.replace("    not_before: NB\n", "").replace(
        "duration: 2d, element: x}", "duration: {dist: triangular, low: 1d, mode: 2d, high: 60d}, element: x}"
    )
    scenario = load_scenario_text(text)
    whole = monte_carlo(scenario, 2 * BLOCK, 3, workers=2, model=build_model(scenario))
    seen = _spans(monkeypatch)
    lazy = monte_carlo(scenario, 2 * BLOCK, 3, workers=2)
    assert len(seen) == 2 and seen[0] is not None and seen[0] < 45 * DAY_S and seen[1] is None
    assert float(np.max(lazy.end_s)) > seen[0]  # some replications did end past the first span
    _same_ensemble(lazy, whole)


@pytest.mark.parametrize(
    ("levels", "after"),
    [
        ([37.43, 45.0, 20.0, 33.0, 0.0], []),  # change5's levels (site maxima 47.16 and 46.32 deg)
        ([37.43, 46.3, -47.1, 47.1, 0.0], [47.1]),  # 47.1 is crossed within an hour of a maximum
        ([60.0, -80.0], [-80.0, 60.0]),  # never crossed (nothing to bisect either way)
    ],
)
def test_levels_bisected_during_the_extremum_search_equal_those_after_it(
    levels: list[float], after: list[float]
) -> None:
    """A new scan given the levels bisects the ones its extrema cannot touch while it refines the
    extrema (one ephemeris call for both); the crossings are bit for bit those of ``cross`` after
    a scan without levels, including levels near an extremum (bisected after) and levels never
    crossed."""
    scenario = _bundled("change5")
    site = scenario.site
    assert site is not None
    elevation = default_ephemeris()._elevation_fn(site.lat_deg, site.lon_deg, scenario.epoch)
    calls = [0]

    def f(t: np.ndarray) -> np.ndarray:
        calls[0] += 1
        return elevation(t)

    plain = _Scan.run(f, 0.0, 47 * DAY_S, HOUR_S)
    plain.cross(f, levels)
    separate = calls[0]
    calls[0] = 0
    early = _Scan.run(f, 0.0, 47 * DAY_S, HOUR_S, levels)
    assert sorted(set(levels) - set(early._crossed)) == after
    early.cross(f, levels)  # what prepare_daylight does: the levels not yet bisected
    for a, b in zip((plain.t, plain.e, plain.ext_t), (early.t, early.e, early.ext_t), strict=True):
        assert a.tobytes() == b.tobytes()
    for level in levels:
        for a, b in zip(plain.crossings(f, level), early.crossings(f, level), strict=True):
            assert a.tobytes() == b.tobytes()
    assert calls[0] <= separate
    if not after and levels[0] == 37.43:  # change5's: all bisected during the search (33 calls, not 52)
        assert calls[0] < separate - 15
