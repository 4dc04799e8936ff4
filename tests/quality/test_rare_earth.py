"""RE treatment -> inclusion population and toughness effect (smooth window model)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mill.quality.rare_earth import (
    InclusionPopulation,
    inclusion_population,
    re_s_ratio,
    recovered_re_pct,
)


def test_recovery_multiplies_addition() -> None:
    assert recovered_re_pct(0.008, 0.5) == pytest.approx(0.004)
    assert recovered_re_pct(0.008, 1.5) == pytest.approx(0.008)


def test_re_s_ratio() -> None:
    assert re_s_ratio(0.004, 0.002) == pytest.approx(2.0)
    assert re_s_ratio(0.004, 0.0) == pytest.approx(40.0)  # S floored at 1 ppm


def test_no_re_means_mns_stringers_and_neutral_factors() -> None:
    p = inclusion_population(0.0, 0.003)
    assert p == InclusionPopulation(1.0, 1.0, 0.0, False)


@pytest.mark.parametrize(("re", "s"), [(0.002, 0.002), (0.003, 0.002), (0.005, 0.002)])
def test_window_gives_published_benefits(re: float, s: float) -> None:
    """domain.md §3.6 window (RE/S 1–3, RE 0.001–0.006 %): count −30…−70 %, size −10…−30 %,
    mostly globular inclusions (toughness follows from these in cleanliness/toughness)."""
    p = inclusion_population(re, s)
    assert 0.30 <= p.rate_factor <= 0.70
    assert 0.70 <= p.size_factor <= 0.90
    assert p.globular_fraction > 0.6
    assert not p.clustered


def test_far_above_window_clusters_and_hurts() -> None:
    """RE 0.03 % (Liu 2012: 0.018 % excessive; Metals 2025: coarse inclusions return)."""
    p = inclusion_population(0.03, 0.002)
    assert p.clustered
    assert p.rate_factor > 1.0 and p.size_factor > 1.0


def test_too_little_re_for_the_sulphur_helps_only_partly() -> None:
    lean = inclusion_population(0.001, 0.008)  # RE/S = 0.125
    good = inclusion_population(0.004, 0.002)
    assert lean.globular_fraction < 0.1
    assert lean.rate_factor > good.rate_factor


def test_response_is_smooth_not_stepped() -> None:
    a = inclusion_population(0.0120, 0.002)
    b = inclusion_population(0.0121, 0.002)
    assert abs(a.rate_factor - b.rate_factor) < 0.02
    assert abs(a.size_factor - b.size_factor) < 0.02


@given(st.floats(0.0005, 0.04), st.floats(0.0005, 0.01))
def test_factors_stay_physical(re: float, s: float) -> None:
    p = inclusion_population(re, s)
    assert p.rate_factor > 0 and p.size_factor > 0
    assert 0.0 <= p.globular_fraction <= 1.0


@given(st.floats(0.0, 3.0), st.floats(0.01, 1.0))
def test_more_re_within_the_window_modifies_more_sulphide(ratio: float, d: float) -> None:
    s = 0.001
    assert (
        inclusion_population((ratio + d) * s, s).globular_fraction
        >= inclusion_population(ratio * s, s).globular_fraction
    )
