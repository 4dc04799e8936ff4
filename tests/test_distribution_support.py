"""A scenario field judges a distribution by its support, not only by its mean: no draw ever
leaves the range the field allows (issue 12).

- a bounded spec (constant, uniform, triangular, empirical, a normal with low/high) must lie
  inside the range; an open normal tail must stay inside for six standard deviations;
- a log-normal, exponential, Weibull or gamma (kinds with no low/high of their own) is
  accepted when at most NEGLIGIBLE_OUTSIDE of its probability lies outside the range, and the
  field then truncates it (a draw outside is drawn again); otherwise it is refused with the
  share below and above the range;
- truncation leaves every draw that was inside where it was, so a scenario that never drew
  outside its ranges draws exactly the same numbers as before.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from mill.distributions import (
    Constant,
    Empirical,
    Gamma,
    LogNormal,
    Triangular,
    Weibull,
    exponential,
    normal,
    triangular,
    uniform,
)
from mill.scenario import validate
from mill.scenario.fields import NEGLIGIBLE_OUTSIDE, DistSpec, dist_within


def field(lo: float, hi: float) -> TypeAdapter[Any]:
    """A distribution field with range [lo, hi], as the scenario declares one."""
    return TypeAdapter(Annotated[DistSpec, dist_within(lo, hi)])


def test_a_triangular_on_a_tiny_range_never_draws_below_low() -> None:
    """``Triangular(low=0, mode=0, high=8.79e-162)``: numpy's formula rounded 3 % of the draws
    below ``low``; every draw now lies in [low, high]."""
    spec = Triangular(low=0, mode=0, high=8.79e-162)
    x = spec.draw(np.random.default_rng(1), 100_000)
    assert x.min() >= 0.0 and x.max() <= 8.79e-162


@settings(derandomize=True, max_examples=100, deadline=None)
@given(
    low=st.floats(-1e300, 1e300),
    width=st.floats(0, 1e300).filter(lambda w: w > 0),
    mode_frac=st.floats(0, 1),
)
def test_triangular_and_uniform_draws_respect_their_bounds(
    low: float, width: float, mode_frac: float
) -> None:
    """For any finite low < high, every triangular and uniform draw lies in [low, high]."""
    high = low + width
    if not math.isfinite(high) or high <= low:
        return
    mode = min(high, max(low, low + mode_frac * (high - low)))
    for spec in (triangular(low, mode, high), uniform(low, high)):
        x = spec.draw(np.random.default_rng(0), 2000)
        assert np.all((x >= low) & (x <= high))


@pytest.mark.parametrize("sigma", [37.8, 40.0, 1e200])
def test_the_mean_of_a_lognormal_that_overflows_is_infinite(sigma: float) -> None:
    """``LogNormal.mean`` raised OverflowError from σ ≈ 37.7; the mean is then ``inf``."""
    assert LogNormal(median=45, sigma_ln=sigma).mean() == math.inf


def test_a_lognormal_with_an_overflowing_mean_is_refused_by_its_draws() -> None:
    """The field reports what matters (the share outside), not the overflow."""
    with pytest.raises(ValidationError, match=re.escape("draws above 10000 with p = 0.45")):
        field(0, 10_000).validate_python({"kind": "lognormal", "median": 45, "sigma_ln": 40})


OUTSIDE_CASES = [
    (exponential(60), 0.01, 1e5),
    (exponential(11_740), 500, 50_000),
    (LogNormal(median=45, sigma_ln=0.6), 0, 60),
    (Weibull(shape=1.5, scale=100), 20, 150),
    (Gamma(shape=2.5, scale=4), 2, 20),
    (normal(10, 2), 9, 12),
    (normal(40, 5, low=25), 30, 45),
    (uniform(2, 7), 3, 10),
    (triangular(35, 40, 50), 30, 45),
    (Empirical(values=[1, 2, 3, 4], weights=[1, 2, 3, 4]), 1.5, 3.5),
    (Constant(value=3), 4, 5),
]


@pytest.mark.parametrize(("spec", "lo", "hi"), OUTSIDE_CASES, ids=lambda v: str(v)[:20])
def test_outside_is_the_share_of_draws_outside_the_range(spec: Any, lo: float, hi: float) -> None:
    """``spec.outside(lo, hi)`` agrees with 200 000 draws within 6 standard errors."""
    x = spec.draw(np.random.default_rng(5), 200_000)
    share = float(np.mean((x < lo) | (x > hi)))
    p = spec.outside(lo, hi)
    assert abs(share - p) <= 6 * math.sqrt(max(p * (1 - p), 1e-12) / x.size) + 1e-12


def test_an_accepted_open_tail_is_truncated_and_inside_draws_are_unchanged() -> None:
    """An exponential repair time of mean 1000 min leaves a 10 000 min field with p ≈ 4.5e-5:
    accepted, and truncated; the draws that were inside are the same draws, in place."""
    spec = exponential(1000)
    assert spec.outside(0, 10_000) == pytest.approx(math.exp(-10), rel=1e-9)
    bounded = field(0, 10_000).validate_python(spec.model_dump(by_alias=True))
    assert bounded == spec and bounded.bounds == (0.0, 10_000.0)
    raw = spec.draw(np.random.default_rng(11), 400_000)
    assert (raw > 10_000).sum() > 0, "the sample must reach past the range for this test"
    cut = bounded.draw(np.random.default_rng(11), 400_000)
    inside = raw <= 10_000
    assert cut.max() <= 10_000
    np.testing.assert_array_equal(cut[inside], raw[inside])


def test_the_field_range_is_not_part_of_the_written_scenario() -> None:
    """A validated spec dumps as written: the truncation does not change the effective
    scenario, and equals the spec built by hand."""
    sc = validate({"plant": {"quench": {"htc_w_m2k": {"kind": "normal", "mean": 9000, "sd": 800}}}})
    htc = sc.plant.quench.htc_w_m2k
    assert htc.bounds == (500.0, 50_000.0)
    assert htc == normal(9000, 800)
    assert htc.model_dump(by_alias=True) == normal(9000, 800).model_dump(by_alias=True)


OPEN_KINDS = st.one_of(
    st.builds(lambda m: {"kind": "exponential", "mean": m}, st.floats(1e-6, 1e7, allow_nan=False)),
    st.builds(
        lambda m, s: {"kind": "lognormal", "median": m, "sigma_ln": s},
        st.floats(1e-6, 1e7),
        st.floats(0, 60),
    ),
    st.builds(
        lambda k, s: {"kind": "weibull", "shape": k, "scale": s},
        st.floats(0.05, 50),
        st.floats(1e-3, 1e7),
    ),
    st.builds(
        lambda k, s: {"kind": "gamma", "shape": k, "scale": s},
        st.floats(0.05, 200),
        st.floats(1e-3, 1e6),
    ),
    st.builds(
        lambda m, s: {"kind": "normal", "mean": m, "sd": s},
        st.floats(-1e4, 1e5),
        st.floats(0, 1e4),
    ),
)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(spec=OPEN_KINDS, lo=st.floats(0, 1000), width=st.floats(1e-3, 1e5))
def test_a_field_refuses_a_spec_or_keeps_every_draw_in_its_range(
    spec: dict[str, Any], lo: float, width: float
) -> None:
    """Whatever the parameters: either the field refuses the spec with a message, or 20 000
    draws all lie in its range (and an open-tailed spec it took has little mass outside)."""
    hi = lo + width
    try:
        bounded = field(lo, hi).validate_python(spec)
    except ValidationError as exc:
        assert len(exc.errors()) == 1
        return
    if bounded.open_tailed:
        assert bounded.outside(lo, hi) <= NEGLIGIBLE_OUTSIDE
    x = bounded.draw(np.random.default_rng(3), 20_000)
    assert np.all((x >= lo) & (x <= hi))


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"kind": "normal", "mean": 2, "sd": 1}, "can draw -4, below 0; bound it (low = 0)"),
        ({"kind": "normal", "mean": 9, "sd": 0.5}, "can draw 12, above 10; bound it (high = 10)"),
        ({"kind": "uniform", "low": 5, "high": 11}, "can draw 11, above 10; bound it (high = 10)"),
        ({"kind": "triangular", "low": -1, "mode": 5, "high": 6}, "can draw -1, below 0;"),
        ({"kind": "empirical", "values": [1, 5, 10.5]}, "can draw 10.5, above 10;"),
    ],
)
def test_a_bounded_spec_or_open_normal_tail_past_the_range_is_refused(
    table: dict[str, Any], expected: str
) -> None:
    """Bounded kinds must lie inside the range; an open normal tail is judged six standard
    deviations out, and the message gives the bound to write."""
    with pytest.raises(ValidationError) as info:
        field(0, 10).validate_python(table)
    assert expected in str(info.value)


def test_an_open_normal_tail_inside_for_six_sd_is_accepted_and_truncated() -> None:
    """normal(5, 0.8) reaches 0.2 and 9.8 at six sd: accepted for [0, 10], and truncated."""
    spec = field(0, 10).validate_python({"kind": "normal", "mean": 5, "sd": 0.8})
    assert spec.bounds == (0.0, 10.0)
