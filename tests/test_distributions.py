"""Distribution specs: every kind draws with the mean and variance its spec promises, bounds hold,
bad parameters are refused, a bare number means a constant, and the block Sampler returns
exactly the values ``draw()`` gives.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from mill.distributions import (
    Constant,
    Dist,
    Empirical,
    Exponential,
    Gamma,
    LogNormal,
    Normal,
    Sampler,
    Triangular,
    Uniform,
    Weibull,
    constant,
    exponential,
    normal,
    triangular,
    uniform,
)
from mill.scenario import validate
from mill.scenario.fields import DistSpec

N = 200_000
DIST = TypeAdapter(Dist)
DIST_SPEC = TypeAdapter(DistSpec)


def _rng(seed: int = 12345) -> np.random.Generator:
    return np.random.default_rng(seed)


def _empirical_moments(
    values: list[float], weights: list[float] | None
) -> tuple[float, float, float]:
    v = np.asarray(values, dtype=float)
    p = np.full(v.size, 1.0 / v.size) if weights is None else np.asarray(weights) / sum(weights)
    mean = float((p * v).sum())
    var = float((p * (v - mean) ** 2).sum())
    mu4 = float((p * (v - mean) ** 4).sum())
    return mean, var, mu4 / var**2 - 3.0


def _scipy_moments(frozen: Any) -> tuple[float, float, float]:
    mean, var, kurt = frozen.stats(moments="mvk")
    return float(mean), float(var), float(kurt)


# spec, (theoretical mean, variance, excess kurtosis) computed independently of mill
CASES: dict[str, tuple[Any, tuple[float, float, float]]] = {
    "uniform": (uniform(2, 7), _scipy_moments(stats.uniform(loc=2, scale=5))),
    "triangular": (
        triangular(35, 40, 50),
        _scipy_moments(stats.triang(c=5 / 15, loc=35, scale=15)),
    ),
    "normal": (normal(10, 2), _scipy_moments(stats.norm(10, 2))),
    "normal truncated below": (
        normal(40, 5, low=25),
        _scipy_moments(stats.truncnorm(-3, math.inf, loc=40, scale=5)),
    ),
    "normal truncated both sides, asymmetric": (
        normal(900, 50, low=880, high=1000),
        _scipy_moments(stats.truncnorm(-0.4, 2.0, loc=900, scale=50)),
    ),
    "lognormal": (
        LogNormal(median=45, sigma_ln=0.6),
        _scipy_moments(stats.lognorm(s=0.6, scale=45)),
    ),
    "exponential": (exponential(60), _scipy_moments(stats.expon(scale=60))),
    "weibull": (Weibull(shape=1.5, scale=100), _scipy_moments(stats.weibull_min(1.5, scale=100))),
    "gamma": (Gamma(shape=2.5, scale=4), _scipy_moments(stats.gamma(2.5, scale=4))),
    "empirical": (
        Empirical(values=[8, 10, 12, 15, 20]),
        _empirical_moments([8, 10, 12, 15, 20], None),
    ),
    "empirical weighted": (
        Empirical(values=[1500, 2000, 2500, 3000], weights=[2, 5, 3, 1]),
        _empirical_moments([1500, 2000, 2500, 3000], [2, 5, 3, 1]),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_spec_mean_is_the_theoretical_mean(name: str) -> None:
    """``spec.mean()`` equals the textbook mean (scipy's, computed independently)."""
    spec, (mean, _, _) = CASES[name]
    assert spec.mean() == pytest.approx(mean, rel=1e-9)


@pytest.mark.parametrize("name", list(CASES))
def test_sample_mean_and_variance_match_theory(name: str) -> None:
    """200 000 draws have the theoretical mean and variance within 6 standard errors."""
    spec, (mean, var, kurt) = CASES[name]
    x = spec.draw(_rng(), N)
    assert x.shape == (N,)
    se_mean = math.sqrt(var / N)
    se_var = var * math.sqrt((kurt + 2.0) / N)
    assert abs(x.mean() - mean) < 6 * se_mean
    assert abs(x.var(ddof=1) - var) < 6 * se_var


def test_constant_always_draws_its_value_with_zero_variance() -> None:
    """A constant draws its value every time; its mean is the value."""
    spec = constant(42.5)
    x = spec.draw(_rng(), 1000)
    assert np.all(x == 42.5)
    assert spec.mean() == 42.5


@pytest.mark.parametrize(
    ("low", "high"), [(25.0, None), (None, 45.0), (30.0, 50.0), (45.0, 60.0), (-1e9, 40.1)]
)
def test_truncated_normal_draws_stay_inside_the_bounds(
    low: float | None, high: float | None
) -> None:
    """Truncation is exact: no draw falls outside [low, high], even deep in a tail."""
    spec = normal(40, 5, low=low, high=high)
    x = spec.draw(_rng(), 50_000)
    if low is not None:
        assert x.min() >= low
    if high is not None:
        assert x.max() <= high
    a = -math.inf if low is None else (low - 40) / 5
    b = math.inf if high is None else (high - 40) / 5
    assert spec.mean() == pytest.approx(stats.truncnorm.mean(a, b, loc=40, scale=5), rel=1e-9)
    assert x.mean() == pytest.approx(spec.mean(), abs=6 * 5 / math.sqrt(50_000))


def test_truncation_is_not_clipping() -> None:
    """A truncated normal puts no probability mass on its bound (clipping would pile it up)."""
    x = normal(40, 5, low=38).draw(_rng(), 20_000)
    assert np.mean(x == 38.0) == 0.0


def test_lognormal_is_given_by_its_median_and_sigma_of_ln() -> None:
    """The sample median is ``median`` and the standard deviation of ln X is ``sigma_ln``."""
    spec = LogNormal(median=30, sigma_ln=0.7)
    x = spec.draw(_rng(), N)
    assert np.median(x) == pytest.approx(30, rel=0.01)
    assert np.log(x).std() == pytest.approx(0.7, rel=0.01)
    assert x.min() > 0


def test_zero_sd_normal_is_a_constant() -> None:
    """A normal with sd 0 always draws its mean."""
    spec = normal(7.0, 0.0, low=5.0, high=9.0)
    assert np.all(spec.draw(_rng(), 100) == 7.0)
    assert spec.mean() == 7.0


def test_empirical_draws_only_its_values_in_proportion_to_the_weights() -> None:
    """Resampling returns only listed values, with frequencies proportional to the weights."""
    values, weights = [3.0, 5.0, 11.0], [1.0, 2.0, 7.0]
    x = Empirical(values=values, weights=weights).draw(_rng(), N)
    assert set(np.unique(x)) == set(values)
    freq = np.array([np.mean(x == v) for v in values])
    expected = np.array(weights) / sum(weights)
    assert np.allclose(freq, expected, atol=6 * np.sqrt(expected * (1 - expected) / N))


def test_empirical_without_weights_is_uniform_over_the_values() -> None:
    """Without weights every listed value is equally likely."""
    x = Empirical(values=[1, 2, 3, 4]).draw(_rng(), N)
    for v in (1, 2, 3, 4):
        assert np.mean(x == v) == pytest.approx(0.25, abs=6 * math.sqrt(0.25 * 0.75 / N))


@pytest.mark.parametrize(
    "number", [5, 5.0, 0, -3.25, 1e6], ids=["int", "float", "zero", "negative", "large"]
)
def test_a_bare_number_means_a_constant(number: float) -> None:
    """A distribution field given a plain number is a constant spec of that value."""
    assert DIST_SPEC.validate_python(number) == Constant(value=float(number))


def test_a_bare_number_in_a_scenario_is_a_constant_process_time() -> None:
    """``time_min = 1.5`` in a scenario file means a constant 1.5 min."""
    sc = validate({"plant": {"quench": {"time_min": 1.5}}})
    assert sc.plant.quench.time_min == Constant(value=1.5)


def test_a_boolean_is_not_taken_for_a_number() -> None:
    """``time_min = true`` is refused rather than read as the constant 1."""
    with pytest.raises(ValidationError):
        DIST_SPEC.validate_python(True)


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "uniform", "low": 5, "high": 1},
        {"kind": "triangular", "low": 1, "mode": 9, "high": 5},
        {"kind": "triangular", "low": 3, "mode": 3, "high": 3},
        {"kind": "normal", "mean": 1, "sd": -1},
        {"kind": "normal", "mean": 1, "sd": 1, "low": 5, "high": 2},
        {"kind": "normal", "mean": 10, "sd": 0, "low": 0, "high": 5},
        {"kind": "lognormal", "median": 0, "sigma_ln": 1},
        {"kind": "lognormal", "median": 1, "sigma_ln": -0.1},
        {"kind": "exponential", "mean": 0},
        {"kind": "weibull", "shape": 0, "scale": 1},
        {"kind": "gamma", "shape": 1, "scale": -1},
        {"kind": "empirical", "values": []},
        {"kind": "empirical", "values": [1, 2], "weights": [1]},
        {"kind": "empirical", "values": [1, 2], "weights": [1, -1]},
        {"kind": "empirical", "values": [1, 2], "weights": [0, 0]},
        {"kind": "poisson", "mean": 1},
        {"kind": "uniform", "low": 0, "high": 1, "mode": 0.5},
        {"low": 0, "high": 1},
    ],
    ids=lambda d: f"{d.get('kind', 'no-kind')}:{sorted(d)}",
)
def test_invalid_parameters_are_refused(data: dict[str, Any]) -> None:
    """Parameters outside a distribution's domain, unknown kinds and stray keys are errors."""
    with pytest.raises(ValidationError):
        DIST.validate_python(data)


def test_every_kind_round_trips_through_its_dump() -> None:
    """Each spec dumped (by alias) and validated again is the same spec."""
    for spec, _ in CASES.values():
        assert DIST.validate_python(spec.model_dump(by_alias=True)) == spec
    assert DIST.validate_python(constant(3).model_dump()) == constant(3)


SAMPLER_SPECS = [
    constant(3.0),
    uniform(0, 1),
    triangular(1, 2, 4),
    normal(0, 1),
    normal(40, 5, low=25),
    LogNormal(median=2, sigma_ln=0.5),
    exponential(3),
    Weibull(shape=2, scale=1),
    Gamma(shape=2, scale=1),
    Empirical(values=[1, 2, 3], weights=[1, 1, 2]),
]


@pytest.mark.parametrize("spec", SAMPLER_SPECS, ids=lambda s: s.kind)
@pytest.mark.parametrize("block", [1, 7, 64])
def test_sampler_gives_the_same_values_as_draw_in_blocks(spec: Any, block: int) -> None:
    """Sampler(spec, rng, block) yields exactly ``spec.draw(rng, block)`` block after block."""
    sampler = Sampler(spec, _rng(7), block)
    got = [sampler() for _ in range(3 * block + 5)]
    reference_rng = _rng(7)
    step = 1 if isinstance(spec, Constant) else block
    expected: list[float] = []
    while len(expected) < len(got):
        expected += spec.draw(reference_rng, step).tolist()
    assert got == expected[: len(got)]


@pytest.mark.parametrize("spec", SAMPLER_SPECS, ids=lambda s: s.kind)
def test_spec_sampler_is_a_block_sampler_of_that_spec(spec: Any) -> None:
    """``spec.sampler(rng)`` draws the same values as an explicit ``Sampler``."""
    a = spec.sampler(_rng(3), block=16)
    b = Sampler(spec, _rng(3), 16)
    assert [a() for _ in range(40)] == [b() for _ in range(40)]


def test_sampler_returns_python_floats() -> None:
    """Sampled values are plain floats (cheap to use in the SimPy loop and to write)."""
    assert type(uniform(0, 1).sampler(_rng())()) is float


@settings(max_examples=50, deadline=None)
@given(
    mean=st.floats(-1e4, 1e4),
    sd=st.floats(1e-3, 1e3),
    lo_z=st.floats(-8, 6),
    width_z=st.floats(0.05, 10),
)
def test_truncated_normal_stays_in_bounds_for_any_parameters(
    mean: float, sd: float, lo_z: float, width_z: float
) -> None:
    """Whatever the bounds (narrow, far in a tail), draws and mean lie in [low, high]."""
    low = mean + lo_z * sd
    high = low + width_z * sd
    spec = Normal(mean=mean, sd=sd, low=low, high=high)
    x = spec.draw(_rng(1), 500)
    assert np.all(np.isfinite(x))
    assert x.min() >= low and x.max() <= high
    assert low <= spec.mean() <= high


@settings(max_examples=50, deadline=None)
@given(a=st.floats(-1e6, 1e6), b=st.floats(-1e6, 1e6), m=st.floats(0, 1))
def test_uniform_and_triangular_draw_inside_their_support(a: float, b: float, m: float) -> None:
    """Uniform and triangular draws never leave [low, high]."""
    low, high = min(a, b), max(a, b)
    if high == low:
        high = low + 1.0
    x = Uniform(low=low, high=high).draw(_rng(2), 200)
    assert x.min() >= low and x.max() <= high
    # low + m·(high − low) can round past high (e.g. low = −1, high = −1e-181, m = 1)
    mode = min(max(low + m * (high - low), low), high)
    y = Triangular(low=low, mode=mode, high=high).draw(_rng(2), 200)
    assert y.min() >= low and y.max() <= high


def test_exponential_mean_is_the_given_mean() -> None:
    """``exponential(mean)`` is parameterised by its mean, not its rate."""
    assert Exponential(mean=60).mean() == 60.0
    assert exponential(60).draw(_rng(), N).mean() == pytest.approx(60, rel=0.01)
