"""Monte Carlo: two engines with one answer, reproducibility, and statistics that are right.

Numbers are checked against analytic or numerically integrated answers within ``Z`` Monte Carlo
standard errors for the N used:

- a mean has SE = sd / sqrt(N);
- a p-quantile has SE = sqrt(p (1 - p) / N) / f(x_p), f the density at the quantile;
- a share (criticality, percentile of an actual) has SE = sqrt(p (1 - p) / N);
- a Spearman correlation of independent variables has SE = 1 / sqrt(N - 1).

``Z = 4`` (a false alarm about 1 in 16,000 per comparison); seeds are fixed, so the suite is
deterministic. Times are seconds in the simulator and hours in the reference computations.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import des as engine
from sim.engine import montecarlo
from sim.engine import vector as fastpath
from sim.engine.des import ABORTED, NOT_RUN, RunArrays
from sim.engine.model import (
    ABORT,
    FF,
    FS,
    HOLD,
    NO_DATE,
    RETRY,
    SF,
    SKIP,
    SS,
    UNTIL_END,
    UNTIL_START,
    FailureSpec,
    Model,
    PhaseGraph,
    build_model,
)
from sim.engine.montecarlo import BLOCK, blocks, critical_counts, draw_block, draw_failures, monte_carlo
from sim.results.records import PHASE_ROWS, Ensemble, phase_rows
from sim.results.statistics import percentile_of, summary
from sim.scenario.model import Scenario, load_scenario_text
from sim.sky.intervals import WindowNeverOpens, WindowTable
from sim.timebase import HOUR_S

Z = 4.0  # standard errors allowed on every Monte Carlo comparison
N_STATS = 200_000  # replications for the statistics tests
GRID_H = 0.001  # hours per cell of the numerical convolution grids
SLIP_RTOL = 1e-9  # slip parts vs total slip, relative to the largest slip
STABLE_REL = 0.001  # --until-stable: P80 changes by less than 0.1 %
SEED = 42


def scenario(phases: str, body: str = "") -> Scenario:
    """A scenario from a YAML list of phases (and extra top-level YAML ``body``)."""
    return load_scenario_text(
        f"id: mc\nname: MC\nepoch: 2020-01-01T00:00:00Z\nelements: [x, y]\n{body}phases:\n{phases}"
    )


def chain(dist: str, params: list[tuple[float, float, float]]) -> Scenario:
    """A chain c0 -> c1 -> ... of ``dist`` phases (triangular or pert) with (low, mode, high) in hours."""
    lines = []
    for i, (a, m, b) in enumerate(params):
        after = f"after: [c{i - 1}], " if i else ""
        lines.append(
            f"  - {{id: c{i}, kind: tcm, element: x, {after}"
            f"duration: {{dist: {dist}, low: {a:g}h, mode: {m:g}h, high: {b:g}h}}}}\n"
        )
    return scenario("".join(lines))


def column(ens: Ensemble, phase_id: str) -> int:
    """Index of a phase in the ensemble arrays."""
    return ens.phase_ids.index(phase_id)


def quantile_se(p: float, n: int, density: float) -> float:
    """Standard error of a sample p-quantile: sqrt(p (1 - p) / n) / f(x_p)."""
    return math.sqrt(p * (1 - p) / n) / density


def share_se(p: float, n: int) -> float:
    """Standard error of a sample share."""
    return math.sqrt(p * (1 - p) / n)


# --------------------------------------------------------------------------- reference distributions (hours)


def triangular_cdf(a: float, c: float, b: float) -> Callable[[np.ndarray], np.ndarray]:
    """CDF of the triangular distribution (low a, mode c, high b)."""

    def cdf(x: np.ndarray) -> np.ndarray:
        x = np.clip(x, a, b)
        left = (x - a) ** 2 / ((b - a) * (c - a)) if c > a else np.zeros_like(x)
        right = 1 - (b - x) ** 2 / ((b - a) * (b - c)) if b > c else np.ones_like(x)
        return np.where(x < c, left, right)

    return cdf


def uniform_cdf(a: float, b: float) -> Callable[[np.ndarray], np.ndarray]:
    """CDF of Uniform(a, b)."""
    return lambda x: np.clip((x - a) / (b - a), 0.0, 1.0)


def pert_cdf(a: float, m: float, b: float) -> Callable[[np.ndarray], np.ndarray]:
    """CDF of beta-PERT(a, m, b), lambda 4, by trapezoidal integration of the beta pdf on a fine grid."""
    alpha, beta = 1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a)
    u = np.linspace(0.0, 1.0, 200_001)
    with np.errstate(divide="ignore"):
        pdf = u ** (alpha - 1) * (1 - u) ** (beta - 1)
    cum = np.concatenate([[0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2 * np.diff(u))])
    cum /= cum[-1]
    return lambda x: np.interp((np.asarray(x) - a) / (b - a), u, cum)


def sum_distribution(
    parts: list[tuple[float, float, Callable[[np.ndarray], np.ndarray]]],
) -> tuple[np.ndarray, np.ndarray]:
    """Distribution of a sum of independent variables on a GRID_H grid: (cell centres, cell masses).

    Each part is (low, high, cdf); its cell masses are exact CDF differences, and the masses of
    the sum are their discrete convolution (numpy FFT), i.e. the convolution of the pdfs.
    """
    x0, mass = 0.0, np.array([1.0])
    for lo, hi, cdf in parts:
        edges = lo + GRID_H * np.arange(math.ceil((hi - lo) / GRID_H) + 1)
        m = np.diff(cdf(edges))
        size = mass.size + m.size - 1
        fft = 1 << (size - 1).bit_length()
        mass = np.fft.irfft(np.fft.rfft(mass, fft) * np.fft.rfft(m, fft), fft)[:size]
        x0 += lo + GRID_H / 2
    return x0 + GRID_H * np.arange(mass.size), mass


def grid_quantile(centres: np.ndarray, mass: np.ndarray, p: float) -> tuple[float, float]:
    """(x_p, f(x_p)) of a gridded distribution."""
    cum = np.cumsum(mass)
    xp = float(np.interp(p, cum, centres + GRID_H / 2))
    k = int(np.searchsorted(cum, p))
    window = mass[max(0, k - 50) : k + 51]  # density averaged over +-0.05 h
    return xp, float(window.sum() / (window.size * GRID_H))


def bisect(f: Callable[[float], float], lo: float, hi: float) -> float:
    """Root of an increasing function on [lo, hi]."""
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
    return (lo + hi) / 2


# --------------------------------------------------------------------------- two engines, one answer

TIME = st.one_of(
    st.just(0.0),
    st.integers(0, 20).map(float),  # small integers: many exact ties between paths and window edges
    st.floats(0.0, 1e7, allow_nan=False, allow_infinity=False),
)
FOREVER_S = 1e12  # horizon of the random windows; a window given a tail opening to it always opens


@st.composite
def window_tables(draw: st.DrawFn, name: str) -> WindowTable:
    """A window: a few random openings, usually followed by one that stays open to the horizon."""
    cuts = sorted(draw(st.lists(TIME, min_size=0, max_size=8)))
    intervals = [cuts[k : k + 2] for k in range(0, len(cuts) - 1, 2)]
    if draw(st.integers(0, 9)):  # 9 in 10: eventually always open; else it may never open
        intervals.append([max(cuts, default=0.0) + draw(TIME), FOREVER_S])
    return WindowTable.from_intervals(name, np.array(intervals, dtype=float).reshape(-1, 2), FOREVER_S)


FAILURES = st.builds(
    FailureSpec,
    mode=st.sampled_from([RETRY, HOLD, ABORT, SKIP]),
    probability=st.just(0.5),  # the engines take failure counts as given; the probability is for drawing them
    delay_s=TIME,
    max_attempts=st.integers(1, 3),
)


@st.composite
def random_models(draw: st.DrawFn) -> tuple[Model, np.ndarray, np.ndarray | None]:
    """A random DAG (predecessors among earlier phases of a random topological order, random lags
    and link types, ``until`` waits, ``not_before`` dates) in a shuffled file order, with random
    windows (must_fit or not) and contingencies on some
    phases, a random (rows, P) duration matrix and random failure counts."""
    n = draw(st.integers(1, 10))
    place = draw(st.permutations(range(n)))  # topological position t -> file index place[t]
    preds: list[tuple[int, ...]] = [()] * n
    lags: list[tuple[float, ...]] = [()] * n
    for t in range(n):
        ps = draw(st.lists(st.integers(0, t - 1), unique=True, max_size=4)) if t else []
        preds[place[t]] = tuple(place[j] for j in ps)
        lags[place[t]] = tuple(draw(TIME) for _ in ps)
    succs: list[list[int]] = [[] for _ in range(n)]
    for i, ps in enumerate(preds):
        for j in ps:
            succs[j].append(i)
    tables = tuple(draw(window_tables(f"w{k}")) for k in range(draw(st.integers(0, 2))))
    window = tuple(draw(st.integers(-1, len(tables) - 1)) for _ in range(n))
    must_fit = tuple(draw(st.booleans()) for _ in range(n))
    failure = tuple(draw(st.none() | FAILURES) for _ in range(n))
    # link types: FS, SS, FF, SF; a phase without window or failure may end at its last
    # predecessor's start or end (an ``until`` wait); some phases have a not_before date
    links = []
    for i in range(n):
        kinds = [draw(st.sampled_from([FS, SS, FF, SF])) for _ in preds[i]]
        if kinds and window[i] < 0 and failure[i] is None and draw(st.booleans()):
            kinds[-1] = draw(st.sampled_from([UNTIL_END, UNTIL_START]))
        links.append(tuple(kinds))
    not_before = tuple(draw(st.just(NO_DATE) | TIME) for _ in range(n))
    rows = draw(st.integers(1, 4))

    def matrix(cell: st.SearchStrategy[float] | st.SearchStrategy[int]) -> np.ndarray:
        return np.array(draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=rows, max_size=rows)))

    durations, fails = matrix(TIME), matrix(st.integers(0, 3))
    graph = PhaseGraph(
        ids=tuple(f"p{i}" for i in range(n)),
        preds=tuple(preds),
        lags_s=tuple(lags),
        succs=tuple(tuple(s) for s in succs),
        order=tuple(place),
        nominal_s=np.zeros(n),
        window=window,
        must_fit=must_fit,
        window_names=tuple(t.name for t in tables),
        failure=failure,
        links=tuple(links),
        not_before_s=not_before,
    )
    return Model(graph=graph, windows=tables), durations, fails if draw(st.booleans()) else None


def run_both(model: Model, durations: np.ndarray, fails: np.ndarray | None) -> tuple[object, object]:
    """Both engines' results on the same draws (or the WindowNeverOpens each raised)."""
    out: list[object] = []
    for runner in (engine.run_block, fastpath.run_block):
        try:
            out.append(runner(model, durations, fails))
        except WindowNeverOpens as exc:
            out.append(exc)
    return out[0], out[1]


@settings(max_examples=50, deadline=None)
@given(random_models())
def test_engines_identical_on_random_dags(case: tuple[Model, np.ndarray, np.ndarray | None]) -> None:
    """SimPy engine and numpy fast path give identical arrays (times, drivers, waits, attempts, status)."""
    des, vec = run_both(*case)
    if isinstance(des, WindowNeverOpens) or isinstance(vec, WindowNeverOpens):
        assert type(des) is type(vec)  # both find that a window never opens
        return
    assert isinstance(des, RunArrays) and isinstance(vec, RunArrays)
    for name in RunArrays.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(des, name), getattr(vec, name), strict=True, err_msg=name)
    ran = vec.status != NOT_RUN
    assert np.all(vec.end_s[ran] >= vec.start_s[ran]) and np.all(vec.start_s[ran] >= vec.ready_s[ran])


@st.composite
def plain_cases(draw: st.DrawFn) -> tuple[PhaseGraph, np.ndarray]:
    """Finish-to-start DAGs without windows or failures (every phase plain but the roots), with
    durations of a few whole hours so that ends often tie."""
    n = draw(st.integers(2, 12))
    preds = [tuple(draw(st.lists(st.integers(0, t - 1), unique=True, max_size=3))) if t else () for t in range(n)]
    lags = [tuple(float(draw(st.sampled_from([0.0, 0.0, 3600.0, -1800.0]))) for _ in ps) for ps in preds]
    succs = [tuple(i for i in range(n) if t in preds[i]) for t in range(n)]
    graph = PhaseGraph(
        ids=tuple(f"p{i}" for i in range(n)),
        preds=tuple(preds),
        lags_s=tuple(lags),
        succs=tuple(succs),
        order=tuple(range(n)),
        nominal_s=np.zeros(n),
    )
    rows = draw(st.integers(1, 8))
    hours = draw(st.lists(st.integers(0, 3), min_size=rows * n, max_size=rows * n))
    return graph, np.array(hours, dtype=float).reshape(rows, n) * 3600.0


@settings(max_examples=100, deadline=None)
@given(random_models())
def test_criticality_shortcuts_count_what_the_general_walk_counts(
    case: tuple[Model, np.ndarray, np.ndarray | None],
) -> None:
    """critical_counts with ``complete`` (no abort: only sinks can end the mission, a plain phase
    with one predecessor is always released by it) counts what the general walk counts."""
    model, durations, _ = case
    try:
        vec = fastpath.run_block(model, durations, None)
    except WindowNeverOpens:
        return
    g = model.graph
    fast = critical_counts(vec.driver, vec.end_s, g, complete=True)
    assert fast.tolist() == critical_counts(vec.driver, vec.end_s, g, complete=False).tolist()


@settings(max_examples=100, deadline=None)
@given(plain_cases())
def test_plain_graphs_same_arrays_and_criticality_on_both_engines(case: tuple[PhaseGraph, np.ndarray]) -> None:
    """On finish-to-start graphs (the fast path's ``plain`` phases): both engines' arrays are
    identical, and the criticality shortcuts count what the general walk counts."""
    graph, durations = case
    model = Model(graph=graph, windows=())
    des, vec = run_both(model, durations, None)
    assert isinstance(des, RunArrays) and isinstance(vec, RunArrays)
    for name in RunArrays.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(des, name), getattr(vec, name), strict=True, err_msg=name)
    fast = critical_counts(vec.driver, vec.end_s, graph, complete=True)
    assert fast.tolist() == critical_counts(vec.driver, vec.end_s, graph, complete=False).tolist()


def test_zero_duration_after_rounded_end() -> None:
    """A 0 s milestone after a phase whose end the SimPy clock reaches only to an ulp still runs."""
    # 3.3 + ((3.3 + 7.7 + 1.1) - 3.3) == 12.100000000000001 > 12.1: a negative Timeout once crashed here
    graph = PhaseGraph(
        ids=("a", "b", "c"),
        preds=((), (0,), (1,)),
        lags_s=((), (7.7,), (0.0,)),
        succs=((1,), (2,), ()),
        order=(0, 1, 2),
        nominal_s=np.zeros(3),
    )
    des, vec = run_both(Model(graph=graph, windows=()), np.array([[3.3, 1.1, 0.0]]), None)
    assert isinstance(des, RunArrays) and isinstance(vec, RunArrays)
    np.testing.assert_array_equal(des.end_s, vec.end_s, strict=True)


RELAY = "windows:\n  relay: {type: periodic, period: 24h, open: 4h, offset: 10h}\n"
SMALL = scenario(
    "  - {id: launch, kind: launch, element: x, duration: 37min}\n"
    "  - {id: transfer, kind: transfer, element: x, after: [launch],"
    " duration: {dist: triangular, low: 108h, mode: 112h, high: 116h}}\n"
    "  - {id: relay, kind: relay, element: y, after: [{phase: launch, lag: 3h}],"
    " duration: {dist: lognormal, median: 100h, p90: 130h}}\n"
    "  - {id: loi, kind: loi, element: x, after: [transfer, relay],"
    " duration: {dist: uniform, low: 17min, high: 20min}}\n"
    "  - {id: descent, kind: descent, element: x, after: [{phase: loi, lag: 2h}],"
    " duration: {dist: pert, low: 10min, mode: 15min, high: 40min},"
    " failure: {probability: 0.1, on_fail: retry, delay: 6h, max_attempts: 2}}\n"
    "  - {id: ops, kind: surface_ops, element: y, after: [loi],"
    " duration: {dist: empirical, values: [1h, 2h, 2h, 4h]}, window: {name: relay, must_fit: true}}\n",
    RELAY,
)


def assert_same_ensemble(a: Ensemble, b: Ensemble, *, skip: tuple[str, ...] = ()) -> None:
    """Every field of two ensembles equal (arrays exactly, dtype included)."""
    for name in Ensemble.__dataclass_fields__:
        if name in skip:
            continue
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, dict):
            assert x.keys() == y.keys(), name
            for k in x:
                np.testing.assert_array_equal(x[k], y[k], strict=True, err_msg=f"{name}[{k}]")
        elif isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, strict=True, err_msg=name)
        else:
            assert x == y, name


def test_des_and_vector_ensembles_identical() -> None:
    """monte_carlo with engine='des' and engine='vector' gives identical ensembles (all arrays)."""
    n = BLOCK + 1000  # a full block and a partial one
    des = monte_carlo(SMALL, n, SEED, engine="des")
    vec = monte_carlo(SMALL, n, SEED, engine="vector")
    assert (des.engine, vec.engine) == ("des", "vector")
    assert 0.0 < des.success.mean() < 1.0  # some replications abort (retry exhausted)
    assert_same_ensemble(des, vec, skip=("engine",))


# --------------------------------------------------------------------------- reproducibility


def test_same_seed_same_json_for_any_worker_count() -> None:
    """The same seed gives byte-identical summary JSON with 1, 2 and 4 workers."""
    n = 20_000  # three blocks
    texts = {w: json.dumps(summary(monte_carlo(SMALL, n, SEED, workers=w, engine="vector"))) for w in (1, 2, 4)}
    assert texts[1] == texts[2] == texts[4]
    assert json.loads(texts[1])["replications"] == n


def test_different_seeds_differ() -> None:
    """Different seeds give different replications and a different summary."""
    a, b = monte_carlo(SMALL, 5000, 1), monte_carlo(SMALL, 5000, 2)
    assert not np.array_equal(a.end_s, b.end_s)
    assert json.dumps(summary(a)) != json.dumps(summary(b))


@pytest.mark.parametrize("n", [2 * BLOCK, 20_000])
def test_prefix_stability(n: int) -> None:
    """The first N replications of a run with 2N are those of the run with N (fixed blocks)."""
    short, long = monte_carlo(SMALL, n, SEED), monte_carlo(SMALL, 2 * n, SEED)
    np.testing.assert_array_equal(long.end_s[:n], short.end_s, strict=True)
    np.testing.assert_array_equal(long.success[:n], short.success, strict=True)  # failure draws too
    np.testing.assert_array_equal(long.phase_end_s[:n], short.phase_end_s, strict=True)
    np.testing.assert_array_equal(long.duration_s[:n], short.duration_s, strict=True)
    np.testing.assert_array_equal(long.block_ids[:n], short.block_ids, strict=True)


def test_per_phase_rows_kept_for_a_prefix_unless_asked() -> None:
    """Per-phase arrays cover the first PHASE_ROWS replications (6 phases) unless every
    replication is asked for; the summary is the same either way, and the per-phase mean
    duration (from the block sums) is the mean over every successful replication."""
    n = PHASE_ROWS + 2 * BLOCK + 5
    short = monte_carlo(SMALL, n, SEED)
    full = monte_carlo(SMALL, n, SEED, per_replication=True)
    assert full.rows == n and full.phase_end_s.shape == (n, 6)
    assert short.rows == PHASE_ROWS == phase_rows(6)
    np.testing.assert_array_equal(short.phase_end_s, full.phase_end_s[: short.rows], strict=True)
    np.testing.assert_array_equal(short.end_s, full.end_s, strict=True)
    assert summary(short) == summary(full)
    ok = full.success
    assert 0 < ok.sum() < n  # the retry of descent aborts some replications
    means_h = full.duration_s[ok].mean(axis=0, dtype=np.float64) / HOUR_S  # from the float32 columns
    reported = [row["duration_h"]["mean"] for row in summary(short)["phases"]]
    np.testing.assert_allclose(reported, means_h, atol=0.0011)  # rounded to 0.001 h


# ---------------------------------------------------------------- statistics against integrated answers

TRI = [(10.0, 12.0, 20.0), (108.0, 112.0, 116.0), (15.0, 19.0, 40.0)]  # hours: low, mode, high


def test_triangular_chain_mean_and_p80() -> None:
    """A chain of triangular phases: mean = sum of means; P80 = that of the convolved pdfs."""
    ens = monte_carlo(chain("triangular", TRI), N_STATS, SEED)
    end_h = ens.end_s / HOUR_S
    mean = sum((a + b + c) / 3 for a, c, b in TRI)
    sd = math.sqrt(sum((a * a + b * b + c * c - a * b - a * c - b * c) / 18 for a, c, b in TRI))
    assert abs(end_h.mean() - mean) <= Z * sd / math.sqrt(N_STATS)
    centres, mass = sum_distribution([(a, b, triangular_cdf(a, c, b)) for a, c, b in TRI])
    assert float((centres * mass).sum()) == pytest.approx(mean, abs=1e-6)  # the grid itself is right
    x80, f80 = grid_quantile(centres, mass, 0.8)
    tol = Z * quantile_se(0.8, N_STATS, f80)
    assert abs(np.percentile(end_h, 80) - x80) <= tol
    assert abs(summary(ens)["duration_h"]["p80"] - x80) <= tol + 0.0005  # summary rounds to 0.001 h


def test_join_of_parallel_branches() -> None:
    """The end of two parallel branches has CDF F1(t) F2(t): its P50 and P80 match."""
    a1, c1, b1 = 10.0, 14.0, 30.0  # branch A: triangular, hours
    a2, b2 = 12.0, 24.0  # branch B: uniform, hours
    ens = monte_carlo(
        scenario(
            "  - {id: root, kind: launch, element: x, duration: 1h}\n"
            f"  - {{id: a, kind: transfer, element: x, after: [root],"
            f" duration: {{dist: triangular, low: {a1:g}h, mode: {c1:g}h, high: {b1:g}h}}}}\n"
            f"  - {{id: b, kind: relay, element: y, after: [root],"
            f" duration: {{dist: uniform, low: {a2:g}h, high: {b2:g}h}}}}\n"
            "  - {id: join, kind: loi, element: x, after: [a, b], duration: 2h}\n"
        ),
        N_STATS,
        SEED,
    )
    fa, fb = triangular_cdf(a1, c1, b1), uniform_cdf(a2, b2)
    join_start_h = ens.phase_end_s[:, column(ens, "join")].astype(np.float64) / HOUR_S - 2.0

    def cdf(t: float) -> float:
        return float(fa(np.array(t - 1.0)) * fb(np.array(t - 1.0)))

    for p in (0.5, 0.8):
        tp = bisect(lambda t, p=p: cdf(t) - p, 1.0, 40.0)
        eps = 1e-6
        density = (cdf(tp + eps) - cdf(tp - eps)) / (2 * eps)
        tol = Z * quantile_se(p, N_STATS, density)
        assert abs(np.percentile(join_start_h, 100 * p) - tp) <= tol, p
        assert abs(np.percentile(ens.end_s / HOUR_S, 100 * p) - (tp + 2.0)) <= tol, p


PERT = [(15.0, 19.0, 40.0), (1.0, 2.0, 6.0), (100.0, 112.0, 116.0)]  # hours: low, mode, high


def test_pert_chain_mean_variance_and_p80() -> None:
    """A PERT chain: mean sums (a+4m+b)/6, variance sums (mean-a)(b-mean)/7, P80 from the convolution."""
    ens = monte_carlo(chain("pert", PERT), N_STATS, SEED + 1)
    end_h = ens.end_s / HOUR_S
    means = [(a + 4 * m + b) / 6 for a, m, b in PERT]
    var = sum((mu - a) * (b - mu) / 7 for (a, _, b), mu in zip(PERT, means, strict=True))
    assert abs(end_h.mean() - sum(means)) <= Z * math.sqrt(var / N_STATS)
    dev2 = (end_h - end_h.mean()) ** 2
    assert abs(dev2.mean() - var) <= Z * dev2.std() / math.sqrt(N_STATS)
    centres, mass = sum_distribution([(a, b, pert_cdf(a, m, b)) for a, m, b in PERT])
    x80, f80 = grid_quantile(centres, mass, 0.8)
    assert abs(np.percentile(end_h, 80) - x80) <= Z * quantile_se(0.8, N_STATS, f80)


# --------------------------------------------------------------------------- criticality, sensitivity, slip


def two_branches(a: str, b: str) -> Scenario:
    """root -> (a1 -> a2) and (b) -> join, with the given duration specs for a1 and b."""
    return scenario(
        "  - {id: root, kind: launch, element: x, duration: 1h}\n"
        f"  - {{id: a1, kind: transfer, element: x, after: [root], duration: {a}}}\n"
        "  - {id: a2, kind: tcm, element: x, after: [a1], duration: 30min}\n"
        f"  - {{id: b, kind: relay, element: y, after: [root], duration: {b}}}\n"
        "  - {id: join, kind: loi, element: x, after: [a2, b], duration: 1h}\n"
    )


def criticality(ens: Ensemble) -> dict[str, float]:
    """Criticality index per phase id, as the summary reports it."""
    return {row["id"]: row["criticality"] for row in summary(ens)["phases"]}


def test_criticality_when_one_branch_always_longer() -> None:
    """With disjoint supports the longer branch is critical in every replication, the other in none."""
    ens = monte_carlo(
        two_branches("{dist: uniform, low: 10h, high: 20h}", "{dist: triangular, low: 1h, mode: 2h, high: 9h}"),
        20_000,
        SEED,
    )
    assert criticality(ens) == {"root": 1.0, "a1": 1.0, "a2": 1.0, "b": 0.0, "join": 1.0}


def test_criticality_of_identical_branches_is_one_half() -> None:
    """Two identical independent branches are each critical about half the time; root and join always."""
    spec = "{dist: triangular, low: 5h, mode: 6h, high: 9h}"
    ens = scenario(
        "  - {id: root, kind: launch, element: x, duration: 1h}\n"
        f"  - {{id: a, kind: transfer, element: x, after: [root], duration: {spec}}}\n"
        f"  - {{id: b, kind: relay, element: y, after: [root], duration: {spec}}}\n"
        "  - {id: join, kind: loi, element: x, after: [a, b], duration: 1h}\n"
    )
    n = N_STATS
    crit = criticality(monte_carlo(ens, n, SEED))
    assert crit["root"] == crit["join"] == 1.0
    assert abs(crit["a"] - 0.5) <= Z * share_se(0.5, n)
    assert crit["a"] + crit["b"] == pytest.approx(1.0, abs=2e-4)  # each rounded to 4 decimals


def test_sensitivity() -> None:
    """A wide phase on the critical chain has sensitivity near 1, a fixed phase 0, a non-critical phase ~0."""
    ens = monte_carlo(
        scenario(
            "  - {id: root, kind: launch, element: x, duration: 1h}\n"
            "  - {id: wide, kind: transfer, element: x, after: [root],"
            " duration: {dist: uniform, low: 10h, high: 30h}}\n"
            "  - {id: narrow, kind: tcm, element: x, after: [wide],"
            " duration: {dist: uniform, low: 1h, high: 90min}}\n"
            "  - {id: side, kind: relay, element: y, after: [root],"
            " duration: {dist: uniform, low: 1h, high: 2h}}\n"
            "  - {id: join, kind: loi, element: x, after: [narrow, side], duration: 1h}\n"
        ),
        N_STATS,
        SEED,
    )
    sens = {row["id"]: row["sensitivity"] for row in summary(ens)["phases"]}
    assert sens["root"] == sens["join"] == 0.0
    assert sens["wide"] > 0.99
    assert 0.0 < sens["narrow"] < 0.1  # small but real: its spread is 1/40 of wide's
    assert abs(sens["side"]) <= Z / math.sqrt(N_STATS - 1)


def reference_slip_s(scen: Scenario, ens: Ensemble) -> np.ndarray:
    """Per phase, mean(end - nominal end) over successful replications, in float64, recomputed
    block by block from the seed streams on the vector path."""
    model = build_model(scen)
    nominal_end = fastpath.run_block(model, model.graph.nominal_s[None, :]).end_s[0]
    dists = tuple(p.duration for p in scen.phases)
    total = np.zeros(model.graph.size)
    for k, size in blocks(ens.replications):
        d = draw_block(dists, ens.seed, k, size)
        a = fastpath.run_block(model, d, draw_failures(model.graph, ens.seed, k, size))
        ok = ~(a.status == ABORTED).any(axis=1)
        total += (a.end_s[ok] - nominal_end).sum(axis=0)
    return total / ens.successes


SLIPPY = scenario(
    "  - {id: launch, kind: launch, element: x, duration: 37min}\n"
    "  - {id: transfer, kind: transfer, element: x, after: [launch],"
    " duration: {dist: triangular, low: 108h, mode: 110h, high: 130h}}\n"
    "  - {id: relay, kind: relay, element: y, after: [{phase: launch, lag: 3h}],"
    " duration: {dist: lognormal, median: 100h, p90: 125h},"
    " failure: {probability: 0.3, on_fail: hold, delay: 5h}}\n"
    "  - {id: loi, kind: loi, element: x, after: [transfer, {phase: relay, lag: 1h}],"
    " duration: {dist: uniform, low: 15min, high: 25min}, window: {name: relay}}\n"
    "  - {id: descent, kind: descent, element: x, after: [{phase: loi, lag: 2h}],"
    " duration: {dist: pert, low: 10min, mode: 12min, high: 40min},"
    " failure: {probability: 0.2, on_fail: retry, delay: 2h, max_attempts: 2}}\n",
    RELAY,
)


@pytest.mark.parametrize("eng", ["vector", "des"])
def test_slip_parts_add_up(eng: str) -> None:
    """Per phase, the mean slip parts (overrun, failure, window, resource, upstream) add up to the
    mean of (end - nominal end)."""
    n = 2 * BLOCK + 500 if eng == "vector" else BLOCK + 500
    ens = monte_carlo(SLIPPY, n, SEED, engine=eng)  # type: ignore[arg-type]
    assert 0 < ens.successes < n  # retries exhausted in a few replications: those are left out
    slips = [k for k in ens.sums if k.startswith("slip_")]
    assert {"slip_overrun_s", "slip_failure_s", "slip_window_s", "slip_upstream_s"} <= set(slips)
    parts = sum(ens.sums[k] for k in slips) / ens.successes
    total = reference_slip_s(SLIPPY, ens)
    assert np.all(total[1:] > 60.0)  # every phase after launch slips (skewed durations, holds, window)
    for k in ("slip_failure_s", "slip_window_s"):
        assert (ens.sums[k] != 0).any(), k  # the scenario exercises failure and window slip
    np.testing.assert_allclose(parts, total, rtol=SLIP_RTOL, atol=SLIP_RTOL * np.abs(total).max())
    rows = summary(ens)["phases"]
    for row, t in zip(rows, total, strict=True):
        assert row["slip_h"]["total"] == pytest.approx(t / HOUR_S, abs=0.0005 + 1e-9)


# --------------------------------------------------------------------------- until_stable, actual percentile


def test_until_stable_stops_on_a_settled_p80() -> None:
    """--until-stable stops at a multiple of the batch, with P80 within 0.1 % of the previous batch's."""
    batch = 5000  # deliberately not a multiple of BLOCK
    scen = chain("triangular", TRI)
    ens = monte_carlo(scen, batch, SEED, until_stable=True, max_n=50 * batch)
    n = ens.replications
    assert n % batch == 0 and batch < n < 50 * batch
    previous = monte_carlo(scen, n - batch, SEED)
    np.testing.assert_array_equal(ens.end_s[: n - batch], previous.end_s, strict=True)
    p80, p80_prev = np.percentile(ens.end_s, 80), np.percentile(previous.end_s, 80)
    assert abs(p80 - p80_prev) / p80 < STABLE_REL
    assert_same_ensemble(ens, monte_carlo(scen, n, SEED))


def test_until_stable_respects_max_n() -> None:
    """--until-stable never runs more than max_n replications."""
    wide = scenario("  - {id: a, kind: tcm, element: x, duration: {dist: lognormal, median: 10h, sigma: 2}}\n")
    ens = monte_carlo(wide, 1000, SEED, until_stable=True, max_n=3000)
    assert ens.replications == 3000


def test_mc_and_compare_agree_on_the_flown_percentile() -> None:
    """One definition: the mc summary and the comparison's spread place a flown value alike."""
    from sim.results.comparison import spread_from_samples

    draws = np.array([1.0, 2.0, 2.0, 2.0, 3.0, 4.0]) * HOUR_S
    for actual_s in (0.5 * HOUR_S, 2.0 * HOUR_S, 2.5 * HOUR_S, 4.0 * HOUR_S, 9.0 * HOUR_S):
        assert round(percentile_of(draws, actual_s), 2) == round(
            spread_from_samples(draws, actual_s).actual_percentile or 0, 2
        )
    assert round(percentile_of(draws, 2.0 * HOUR_S), 2) == 41.67  # (1 below + 4 at or below) / (2 * 6 draws)


def test_actual_at_the_median_is_the_50th_percentile() -> None:
    """An actual duration at the simulated median falls at about the 50th percentile."""
    scen = scenario(
        "  - {id: a, kind: tcm, element: x, duration: {dist: lognormal, median: 10h, p90: 14h}}\n"
        "  - {id: b, kind: tcm, element: x, after: [a],"
        " duration: {dist: pert, low: 1h, mode: 2h, high: 7h}}\n"
    )
    n = 50_000
    ens = monte_carlo(scen, n, SEED)
    b_median = float(np.median(ens.duration_s[:, column(ens, "b")]))
    rows = summary(ens, actual_durations_s={"a": 10 * HOUR_S, "b": b_median})["phases"]
    assert abs(rows[0]["actual_percentile"] - 50.0) <= 100 * Z * share_se(0.5, n)  # the true median
    assert abs(rows[1]["actual_percentile"] - 50.0) <= 100 / n + 0.01  # the sample median, exactly
    assert rows[0]["actual_h"] == 10.0
    assert round(percentile_of(np.arange(1.0, 101.0), 0.5), 2) == 0.0
    assert round(percentile_of(np.arange(1.0, 101.0), 100.0), 2) == 99.5  # mid-rank: the top sample counts half
    assert round(percentile_of(np.arange(1.0, 101.0), 100.5), 2) == 100.0
    assert round(percentile_of(np.full(10, 3.0), 3.0), 2) == 50.0  # ties count half
    assert "actual_percentile" not in summary(ens)["phases"][0]


def test_long_scenarios_keep_fewer_phase_rows() -> None:
    """The per-phase prefix shrinks with the phase count: 3M cells at most (3,000 phases: 1,000 rows)."""
    assert phase_rows(30) == PHASE_ROWS
    assert phase_rows(3000) == 1000
    assert phase_rows(300) == 10_000


def test_row_chunks_change_nothing_but_summation_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """A block run in row chunks (as a 3,000-phase scenario is) gives the same ends, successes,
    criticality and kept rows as in one piece, and the same sums up to float rounding."""
    n = 2 * BLOCK + 77
    whole = monte_carlo(SMALL, n, SEED, per_replication=True)
    monkeypatch.setattr(montecarlo, "CHUNK_CELLS", 6 * 1000)  # 1,000-row chunks of the 6-phase scenario
    chunked = monte_carlo(SMALL, n, SEED, per_replication=True)
    np.testing.assert_array_equal(chunked.end_s, whole.end_s, strict=True)
    np.testing.assert_array_equal(chunked.success, whole.success, strict=True)
    np.testing.assert_array_equal(chunked.phase_end_s, whole.phase_end_s, strict=True)
    np.testing.assert_array_equal(chunked.critical_count, whole.critical_count, strict=True)
    for k in whole.sums:
        np.testing.assert_allclose(chunked.sums[k], whole.sums[k], rtol=1e-9, atol=1e-3)  # seconds
