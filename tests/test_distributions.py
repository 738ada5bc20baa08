"""Duration distributions: sampled moments and quantiles against closed forms, truncation,
nominal values, parse errors, and that sampling uses only the caller's generator.

Tolerances are Monte Carlo standard errors times ``Z``: with ``N`` draws,

- a mean has SE = sd / sqrt(N) (sd from the closed form);
- a variance has SE = sd((X - mean)^2) / sqrt(N) (estimated from the same draws);
- a p-quantile has SE = sqrt(p (1 - p) / N) / f(x_p), f the density at the quantile;
- a frequency has SE = sqrt(p (1 - p) / N).

``Z = 4`` standard errors makes a false alarm about 1 in 16,000 per comparison, and the seeds
are fixed, so the suite is deterministic.
"""

from __future__ import annotations

import math
import random
import re
import zlib

import numpy as np
import pytest

from sim.scenario.distributions import (
    Z90,
    Distribution,
    Empirical,
    Fixed,
    Lognormal,
    Pert,
    Triangular,
    Uniform,
    parse_distribution,
)
from sim.timebase import HOUR_S

N = 200_000  # draws per distribution
Z = 4.0  # standard errors allowed on every Monte Carlo comparison
QUANTILES = (0.10, 0.50, 0.90)
BETA_GRID = 200_001  # points on [0, 1] for the numerically integrated beta CDF
SEED = 20201123


def draws(dist: Distribution, seed: int = SEED) -> np.ndarray:
    """N draws from a fresh generator seeded by ``seed`` and the distribution, so that tests of
    different samplers use independent streams."""
    return dist.sample(np.random.default_rng([seed, zlib.crc32(repr(dist).encode())]), N)


def assert_mean(x: np.ndarray, mean: float, sd: float) -> None:
    """Sample mean within Z standard errors of the closed-form mean."""
    se = sd / math.sqrt(x.size)
    assert abs(x.mean() - mean) <= Z * se, (x.mean(), mean, se)


def assert_variance(x: np.ndarray, var: float) -> None:
    """Sample variance within Z standard errors of the closed-form variance."""
    dev2 = (x - x.mean()) ** 2
    se = dev2.std() / math.sqrt(x.size)
    assert abs(dev2.mean() - var) <= Z * se, (dev2.mean(), var, se)


def assert_quantile(x: np.ndarray, p: float, xp: float, density: float) -> None:
    """Sample p-quantile within Z standard errors, SE = sqrt(p(1-p)/N) / f(x_p)."""
    se = math.sqrt(p * (1 - p) / x.size) / density
    got = float(np.quantile(x, p))
    assert abs(got - xp) <= Z * se, (p, got, xp, se)


def beta_grid(a: float, b: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Beta(a, b) on a fine grid of [0, 1]: (x, pdf, cdf), by trapezoidal integration of the pdf."""
    x = np.linspace(0.0, 1.0, BETA_GRID)
    with np.errstate(divide="ignore"):
        pdf = x ** (a - 1) * (1 - x) ** (b - 1)
    cdf = np.concatenate([[0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2 * np.diff(x))])
    return x, pdf / cdf[-1], cdf / cdf[-1]


def beta_quantile(a: float, b: float, p: float) -> tuple[float, float]:
    """(x_p, f(x_p)) of Beta(a, b), from the integrated grid."""
    x, pdf, cdf = beta_grid(a, b)
    xp = float(np.interp(p, cdf, x))
    return xp, float(np.interp(xp, x, pdf))


def normal_cdf(z: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


# --------------------------------------------------------------------------- samplers vs closed forms


def test_uniform_moments_and_quantiles() -> None:
    """Uniform(a, b): mean (a+b)/2, variance (b-a)^2/12, quantile a + p(b-a)."""
    a, b = 10 * HOUR_S, 30 * HOUR_S
    x = draws(Uniform(a, b))
    sd = (b - a) / math.sqrt(12)
    assert_mean(x, (a + b) / 2, sd)
    assert_variance(x, sd**2)
    for p in QUANTILES:
        assert_quantile(x, p, a + p * (b - a), 1 / (b - a))
    assert a <= x.min() and x.max() <= b


def triangular_quantile(a: float, c: float, b: float, p: float) -> tuple[float, float]:
    """(x_p, f(x_p)) of the triangular distribution (low a, mode c, high b)."""
    if p < (c - a) / (b - a):
        xp = a + math.sqrt(p * (b - a) * (c - a))
        return xp, 2 * (xp - a) / ((b - a) * (c - a))
    xp = b - math.sqrt((1 - p) * (b - a) * (b - c))
    return xp, 2 * (b - xp) / ((b - a) * (b - c))


def test_triangular_moments_and_quantiles() -> None:
    """Triangular(a, c, b): mean (a+b+c)/3, variance (a²+b²+c²-ab-ac-bc)/18, the inverse-CDF quantiles."""
    a, c, b = 108 * HOUR_S, 112 * HOUR_S, 130 * HOUR_S
    x = draws(Triangular(a, c, b))
    var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18
    assert_mean(x, (a + b + c) / 3, math.sqrt(var))
    assert_variance(x, var)
    for p in QUANTILES:
        assert_quantile(x, p, *triangular_quantile(a, c, b, p))
    assert a <= x.min() and x.max() <= b


def test_pert_moments_and_quantiles() -> None:
    """Beta-PERT(a, m, b): mean (a+4m+b)/6, variance (mean-a)(b-mean)/7, quantiles of the scaled beta."""
    a, m, b = 15 * HOUR_S, 19 * HOUR_S, 40 * HOUR_S
    dist = Pert(a, m, b)
    alpha, beta = dist.alpha_beta
    assert (alpha, beta) == pytest.approx((1 + 4 * 4 / 25, 1 + 4 * 21 / 25))
    x = draws(dist)
    mean = (a + 4 * m + b) / 6
    var = (mean - a) * (b - mean) / 7
    assert_mean(x, mean, math.sqrt(var))
    assert_variance(x, var)
    for p in QUANTILES:
        up, fu = beta_quantile(alpha, beta, p)
        assert_quantile(x, p, a + up * (b - a), fu / (b - a))
    assert a <= x.min() and x.max() <= b


def test_beta_grid_matches_scipy() -> None:
    """The grid-integrated beta quantiles used above agree with scipy's (when scipy is installed)."""
    stats = pytest.importorskip("scipy.stats")
    for alpha, beta in [(1.64, 4.36), (3.0, 3.0), (1.0, 5.0), (4.2, 1.8)]:
        for p in QUANTILES:
            assert beta_quantile(alpha, beta, p)[0] == pytest.approx(stats.beta.ppf(p, alpha, beta), abs=1e-6)


def test_lognormal_by_median_and_p90() -> None:
    """Lognormal from {median, p90}: median exact, P90 = median exp(1.2816 sigma), mean exp(mu + sigma²/2)."""
    dist = parse_distribution({"dist": "lognormal", "median": "10h", "p90": "15h"})
    assert isinstance(dist, Lognormal)
    median = 10 * HOUR_S
    sigma = math.log(1.5) / Z90
    assert dist.median_s == median and dist.sigma == pytest.approx(sigma, rel=1e-15)
    mu = math.log(median)
    x = draws(dist)
    var = (math.exp(sigma**2) - 1) * math.exp(2 * mu + sigma**2)
    assert_mean(x, math.exp(mu + sigma**2 / 2), math.sqrt(var))
    assert_variance(x, var)
    for p, zp in [(0.10, -Z90), (0.50, 0.0), (0.90, Z90)]:
        xp = median * math.exp(zp * sigma)
        density = math.exp(-(zp**2) / 2) / (xp * sigma * math.sqrt(2 * math.pi))
        assert_quantile(x, p, xp, density)
    assert median * math.exp(Z90 * sigma) == pytest.approx(15 * HOUR_S, rel=1e-12)


def test_lognormal_by_sigma() -> None:
    """Lognormal from {median, sigma}: the sampled log has mean ln(median) and sd sigma."""
    dist = parse_distribution({"dist": "lognormal", "median": "3h", "sigma": 0.4})
    logs = np.log(draws(dist))
    assert_mean(logs, math.log(3 * HOUR_S), 0.4)
    assert_variance(logs, 0.4**2)


def test_empirical_frequencies() -> None:
    """Empirical resamples its listed values with equal weight (repeats count twice)."""
    values = ("1h", "2h", "2h", "5h")
    x = draws(parse_distribution({"dist": "empirical", "values": list(values)}))
    for v, p in [(1, 0.25), (2, 0.5), (5, 0.25)]:
        freq = float(np.mean(x == v * HOUR_S))
        assert abs(freq - p) <= Z * math.sqrt(p * (1 - p) / N), (v, freq)
    assert set(np.unique(x)) == {HOUR_S, 2 * HOUR_S, 5 * HOUR_S}


def test_fixed_is_constant() -> None:
    """Fixed draws are all the value."""
    assert np.all(draws(Fixed(37 * 60.0)) == 37 * 60.0)


# --------------------------------------------------------------------------- truncation


def test_truncated_uniform_is_the_conditional_distribution() -> None:
    """Truncating Uniform(0, 10h) to [2h, 5h] gives Uniform(2h, 5h): bounds held, mean 3.5h."""
    lo, hi = 2 * HOUR_S, 5 * HOUR_S
    x = draws(Uniform(0.0, 10 * HOUR_S, min_s=lo, max_s=hi))
    assert lo <= x.min() and x.max() <= hi
    assert_mean(x, (lo + hi) / 2, (hi - lo) / math.sqrt(12))
    assert_quantile(x, 0.9, lo + 0.9 * (hi - lo), 1 / (hi - lo))


def test_truncation_redraws_instead_of_clipping() -> None:
    """Truncation redraws: no mass piles up on the bounds, and quantiles are the conditional ones."""
    median, sigma = 10 * HOUR_S, 0.5
    lo, hi = 8 * HOUR_S, 20 * HOUR_S
    x = draws(Lognormal(median, sigma, min_s=lo, max_s=hi))
    assert lo <= x.min() and x.max() <= hi
    assert not np.any((x == lo) | (x == hi))
    f_lo, f_hi = (normal_cdf(math.log(t / median) / sigma) for t in (lo, hi))
    # conditional P50: F^-1(F(lo) + 0.5 (F(hi) - F(lo))), inverted by bisection on the normal CDF
    target = f_lo + 0.5 * (f_hi - f_lo)
    zlo, zhi = -10.0, 10.0
    for _ in range(200):
        zmid = (zlo + zhi) / 2
        zlo, zhi = (zmid, zhi) if normal_cdf(zmid) < target else (zlo, zmid)
    xp = median * math.exp(sigma * zlo)
    density = math.exp(-(zlo**2) / 2) / (xp * sigma * math.sqrt(2 * math.pi)) / (f_hi - f_lo)
    assert_quantile(x, 0.5, xp, density)


def test_one_sided_truncation() -> None:
    """A lone min (or max) bound holds and leaves the other side open."""
    x = draws(Triangular(1 * HOUR_S, 2 * HOUR_S, 9 * HOUR_S, min_s=3 * HOUR_S))
    assert x.min() >= 3 * HOUR_S and x.max() > 8 * HOUR_S
    y = draws(Triangular(1 * HOUR_S, 2 * HOUR_S, 9 * HOUR_S, max_s=2 * HOUR_S))
    assert y.max() <= 2 * HOUR_S and y.min() < 1.1 * HOUR_S


def test_truncation_parsed_from_spec() -> None:
    """min/max in a spec become truncation bounds in seconds."""
    dist = parse_distribution({"dist": "pert", "low": "1h", "mode": "2h", "high": "9h", "min": "90min", "max": "4h"})
    assert (dist.min_s, dist.max_s) == (1.5 * HOUR_S, 4 * HOUR_S)
    x = draws(dist)
    assert x.min() >= 1.5 * HOUR_S and x.max() <= 4 * HOUR_S


def test_truncation_with_no_mass_is_an_error() -> None:
    """Bounds that hold no probability fail with a message instead of looping forever."""
    with pytest.raises(ValueError, match="hold almost no probability"):
        Uniform(0.0, 1.0, min_s=5.0, max_s=6.0).sample(np.random.default_rng(0), 10)


# --------------------------------------------------------------------------- nominal values


def test_nominal_values() -> None:
    """Nominal is the value, midpoint, mode, mode, median and median of the listed values."""
    h = HOUR_S
    assert Fixed(3 * h).nominal_s == 3 * h
    assert Uniform(1 * h, 4 * h).nominal_s == 2.5 * h
    assert Triangular(1 * h, 2 * h, 9 * h).nominal_s == 2 * h
    assert Pert(1 * h, 4 * h, 5 * h).nominal_s == 4 * h
    assert Lognormal(7 * h, 0.3).nominal_s == 7 * h
    assert Empirical((1 * h, 5 * h, 2 * h)).nominal_s == 2 * h
    assert Empirical((1 * h, 5 * h, 2 * h, 3 * h)).nominal_s == 2.5 * h
    assert parse_distribution("4d 16h").nominal_s == (4 * 24 + 16) * h


# --------------------------------------------------------------------------- parse errors


def test_parse_error_low_above_mode() -> None:
    """low > mode is rejected, naming the key and both values."""
    with pytest.raises(ValueError, match=r"^low: must be <= mode \(got 20h > 19h\)$"):
        parse_distribution({"dist": "triangular", "low": "20h", "mode": "19h", "high": "40h"})


def test_parse_error_p90_not_above_median() -> None:
    """A lognormal p90 <= median is rejected."""
    with pytest.raises(ValueError, match=r"^p90: must be > median \(got 10h <= 10h\)$"):
        parse_distribution({"dist": "lognormal", "median": "10h", "p90": "10h"})


def test_parse_error_unknown_distribution() -> None:
    """An unknown dist name is rejected with the list of known ones."""
    with pytest.raises(ValueError, match=r"^dist: unknown distribution 'gamma'; use one of fixed, uniform"):
        parse_distribution({"dist": "gamma", "low": "1h"})


def test_parse_error_unknown_key() -> None:
    """A key that the distribution does not take is rejected, never ignored."""
    with pytest.raises(ValueError, match=r"^mode: unknown key for dist uniform; allowed: "):
        parse_distribution({"dist": "uniform", "low": "1h", "mode": "2h", "high": "3h"})


def test_parse_error_missing_key() -> None:
    """A missing required key is named."""
    with pytest.raises(ValueError, match=r"^dist pert needs 'high'$"):
        parse_distribution({"dist": "pert", "low": "1h", "mode": "2h"})


# --------------------------------------------------------------------------- randomness


ALL = (
    Fixed(3600.0),
    Uniform(1.0, 9.0),
    Triangular(1.0, 2.0, 9.0),
    Pert(1.0, 2.0, 9.0),
    Lognormal(5.0, 0.5),
    Empirical((1.0, 2.0, 7.0)),
    Triangular(1.0, 2.0, 9.0, min_s=3.0, max_s=8.0),
)


@pytest.mark.parametrize("dist", ALL, ids=lambda d: d.describe())
def test_sample_uses_only_the_given_generator(dist: Distribution) -> None:
    """Same seed, same draws; numpy's and Python's global RNGs are never touched."""
    np_state, py_state = np.random.get_state(), random.getstate()
    a = dist.sample(np.random.default_rng(7), 1000)
    b = dist.sample(np.random.default_rng(7), 1000)
    after = np.random.get_state()
    assert np_state[0] == after[0] and np.array_equal(np_state[1], after[1]) and np_state[2:] == after[2:]
    assert random.getstate() == py_state
    assert a.dtype == np.float64 and a.shape == (1000,)
    assert np.array_equal(a, b)
    if not dist.is_fixed:
        assert not np.array_equal(a, dist.sample(np.random.default_rng(8), 1000))


def test_normal_is_truncated_not_clamped() -> None:
    """normal(10 h, 4 h) on [6 h, inf): the draws follow the truncated normal (mean from the
    closed form mu + sd * phi(a) / (1 - Phi(a)), a = -1), with no mass piled at the bound."""
    import math

    from sim.scenario.distributions import parse_distribution

    d = parse_distribution({"dist": "normal", "mean": "10h", "sd": "4h", "min": "6h"})
    assert d.nominal_s == 10 * 3600.0
    x = d.sample(np.random.default_rng(4), 200_000) / 3600.0
    assert x.min() >= 6.0 and np.mean(x == 6.0) == 0.0
    a = -1.0
    pdf, cdf = math.exp(-a * a / 2) / math.sqrt(2 * math.pi), 0.5 * (1 + math.erf(a / math.sqrt(2)))
    expected = 10 + 4 * pdf / (1 - cdf)
    assert abs(x.mean() - expected) < 4 * x.std() / math.sqrt(x.size)


def test_discrete_weights_and_nominal() -> None:
    """discrete: frequencies follow weights / sum; nominal is the most likely value."""
    from sim.scenario.distributions import parse_distribution

    d = parse_distribution({"dist": "discrete", "values": ["0s", "1d", "29d"], "weights": [80, 15, 5]})
    assert d.nominal_s == 0.0
    n = 100_000
    x = d.sample(np.random.default_rng(5), n)
    for v, p in ((0.0, 0.8), (86400.0, 0.15), (29 * 86400.0, 0.05)):
        assert abs(np.mean(x == v) - p) < 4 * np.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"dist": "normal", "mean": "1h", "sd": "1h"}, "min: a normal needs 'min' (>= 0)"),
        ({"dist": "normal", "mean": "1h", "sd": "0s", "min": "0s"}, "sd: must be > 0"),
        ({"dist": "discrete", "values": ["1h", "2h"], "weights": [1]}, "weights: give one weight per value"),
        ({"dist": "discrete", "values": ["1h"], "weights": [0]}, "weights[0]: must be a number > 0"),
    ],
)
def test_normal_and_discrete_rules(spec: dict[str, object], message: str) -> None:
    """Each broken rule names its key."""
    from sim.scenario.distributions import parse_distribution

    with pytest.raises(ValueError, match=re.escape(message)):
        parse_distribution(spec)


@pytest.mark.parametrize("alpha", [1.0, 1.2, 1.64, 2.0, 3.0, 4.36, 5.0])
def test_pert_quantile_table_is_exact_to_a_few_millionths(alpha: float) -> None:
    """PERT draws invert a tabulated beta quantile function (sim.scenario.distributions.pert).
    The tabulated distribution's mean and variance (exact for a piecewise-linear quantile
    function) are within 3.1e-6 and 4.6e-6 of the beta's for every PERT shape (alpha + beta = 6),
    and its quantiles agree with this file's independent grid within 1e-5 (units of the span)."""
    from sim.scenario.distributions.pert import beta_quantiles

    beta = 6.0 - alpha
    q = beta_quantiles(alpha, beta)
    mean = ((q[1:] + q[:-1]) / 2).mean()
    second = ((q[:-1] ** 2 + q[:-1] * q[1:] + q[1:] ** 2) / 3).mean()
    exact_mean = alpha / (alpha + beta)
    exact_var = alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1))
    assert abs(mean - exact_mean) < 3.2e-6
    assert abs((second - mean**2) - exact_var) < 4.7e-6
    cells = q.size - 1
    for p in QUANTILES:
        k = p * cells
        at = q[int(k)] + (k - int(k)) * (q[min(int(k) + 1, cells)] - q[int(k)])
        assert at == pytest.approx(beta_quantile(alpha, beta, p)[0], abs=1e-5)
