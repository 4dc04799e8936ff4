"""The plate's inclusion population on the Charpy upper shelf (mill/quality/cleanliness.py)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mill.quality.cleanliness import (
    CLEAN_STEEL_FV,
    MNS_RELATIVE_PLASTICITY,
    OXIDE_VOLUME_FRACTION,
    REFERENCE_FV_EFF,
    effective_volume_fraction,
    inclusion_spacing_ratio,
    stringer_elongation,
    sulphide_volume_fraction,
    upper_shelf_inclusion_factor,
)
from mill.quality.rare_earth import modification_fraction


def test_franklin_sulphide_volume_fraction() -> None:
    """Franklin (1969): f_v = 0.054·(S − 0.001/Mn): 0.010 % S, 1.0 % Mn -> 4.86e-4; S in
    solution below 0.001/Mn gives no MnS."""
    assert sulphide_volume_fraction(0.010, 1.0) == pytest.approx(0.054 * 0.009)
    assert sulphide_volume_fraction(0.003, 1.25) == pytest.approx(0.054 * 0.0022)
    assert sulphide_volume_fraction(0.0007, 1.25) == 0.0
    assert sulphide_volume_fraction(0.003, 0.0) == 0.0


def test_franklin_coefficient_matches_mns_stoichiometry() -> None:
    """0.054 per wt % S is the stoichiometric MnS volume: M(S)/M(MnS) = 32.06/86.94,
    ρ(MnS) ≈ 4.0 g/cm³, ρ(steel) 7.85 g/cm³ -> 0.053."""
    per_pct = 0.01 * 7.85 / ((32.06 / 86.94) * 4.0)
    assert sulphide_volume_fraction(1.001, 1.0) == pytest.approx(per_pct, rel=0.03)


def test_spacing_follows_hahn_rosenfield_cube_root() -> None:
    """X/d = 0.554·(π/6f)^(1/3) (Chandrasekhar's nearest neighbour of random particles);
    8× the volume fraction halves the spacing; the clean-steel floor 1e-5 caps it."""
    assert inclusion_spacing_ratio(1e-4) == pytest.approx(0.554 * (math.pi / 6e-4) ** (1 / 3))
    assert inclusion_spacing_ratio(8e-4) == pytest.approx(0.5 * inclusion_spacing_ratio(1e-4))
    assert inclusion_spacing_ratio(0.0) == inclusion_spacing_ratio(CLEAN_STEEL_FV)


def test_oxides_by_stoichiometry() -> None:
    """20 ppm total oxygen as alumina (47.1 % O, 3.95 g/cm³) in steel of 7.85 g/cm³:
    0.042 per wt % O, so ≈ 8.4e-5, between very clean bearing steel (1e-5) and a high-oxygen
    weld (1e-2) (da Costa e Silva 2019)."""
    assert pytest.approx(0.0020 * 0.01 * 7.85 / (0.471 * 3.95)) == OXIDE_VOLUME_FRACTION
    assert 1e-5 < OXIDE_VOLUME_FRACTION < 1e-4


def test_reference_population_gives_factor_one() -> None:
    """Aim chemistry, every sulphide globular, with the oxides: the calibration point of
    BASE_UPPER_J."""
    assert pytest.approx(0.054 * (0.003 - 0.001 / 1.25) + OXIDE_VOLUME_FRACTION) == (
        REFERENCE_FV_EFF
    )
    assert upper_shelf_inclusion_factor(0.003, 1.25, 1.0, 12.5) == pytest.approx(1.0)


def test_stringer_elongation_from_the_reduction() -> None:
    """H/d = R^ν: no elongation without reduction, and ν = 1 co-deforms with the steel."""
    assert stringer_elongation(1.0) == 1.0
    assert stringer_elongation(12.5, 1.0) == pytest.approx(12.5)
    assert stringer_elongation(12.5) == pytest.approx(12.5**MNS_RELATIVE_PLASTICITY)


def test_untreated_mns_loses_upper_shelf_by_elongation() -> None:
    """Untreated (m = 0) at R = 12.5: the crack plane cuts the stringers R^ν times as often,
    so their volume counts R^ν times beside the oxides' and the shelf falls by the cube root
    (Hahn & Rosenfield with N_A = N_V·H̄)."""
    f = upper_shelf_inclusion_factor(0.003, 1.25, 0.0, 12.5)
    f_s = sulphide_volume_fraction(0.003, 1.25)
    stringers = f_s * 12.5**MNS_RELATIVE_PLASTICITY + OXIDE_VOLUME_FRACTION
    assert f == pytest.approx((stringers / (f_s + OXIDE_VOLUME_FRACTION)) ** (-1.0 / 3.0))
    assert 0.7 < f < 0.85


def test_re_treatment_gain_matches_the_window_effect() -> None:
    """A well-treated heat (RE 0.004 %, S 0.003 %: m ≈ 0.79) gains +13…+20 % upper shelf over
    an untreated one at the median reduction (domain.md §3.6 window effect)."""
    m = modification_fraction(0.004, 0.003)
    gain = upper_shelf_inclusion_factor(0.003, 1.25, m, 12.5) / upper_shelf_inclusion_factor(
        0.003, 1.25, 0.0, 12.5
    )
    assert 1.13 <= gain <= 1.21


def test_thin_plate_suffers_more_from_stringers_than_thick() -> None:
    """More reduction, longer MnS: untreated thin plate loses more; globular RE does not care."""
    thin = upper_shelf_inclusion_factor(0.003, 1.25, 0.0, 250.0 / 8.0)
    thick = upper_shelf_inclusion_factor(0.003, 1.25, 0.0, 250.0 / 100.0)
    assert thin < thick < 1.0
    assert upper_shelf_inclusion_factor(0.003, 1.25, 1.0, 31.25) == pytest.approx(
        upper_shelf_inclusion_factor(0.003, 1.25, 1.0, 2.5)
    )


def test_re_excess_adds_volume() -> None:
    """RE clusters (x -> 1) double the RE-inclusion volume (the oxides stay): f_eff gains the
    sulphide volume once more when all globular."""
    base = effective_volume_fraction(0.003, 1.25, 1.0, 12.5, re_excess=0.0)
    f_s = sulphide_volume_fraction(0.003, 1.25)
    assert effective_volume_fraction(0.003, 1.25, 1.0, 12.5, re_excess=1.0) == pytest.approx(
        base + f_s
    )
    assert upper_shelf_inclusion_factor(0.003, 1.25, 1.0, 12.5, 1.0) == pytest.approx(
        ((base + f_s) / base) ** (-1.0 / 3.0)
    )


@given(st.floats(0.0012, 0.010), st.floats(0.0, 0.002), st.floats(0.0, 1.0), st.floats(1.0, 60.0))
def test_more_sulphur_never_raises_the_shelf(s: float, ds: float, m: float, r: float) -> None:
    assert upper_shelf_inclusion_factor(s + ds, 1.25, m, r) <= upper_shelf_inclusion_factor(
        s, 1.25, m, r
    )


@given(st.floats(0.0012, 0.010), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(1.0, 60.0))
def test_more_modification_never_lowers_the_shelf(s: float, m: float, dm: float, r: float) -> None:
    lo, hi = m, min(m + dm, 1.0)
    assert upper_shelf_inclusion_factor(s, 1.25, hi, r) >= upper_shelf_inclusion_factor(
        s, 1.25, lo, r
    ) * (1.0 - 1e-12)


def test_a_sulphur_free_plate_keeps_its_oxides() -> None:
    """With no sulphide left the oxides still set the spacing: the shelf gains at most
    (REFERENCE_FV_EFF / OXIDE_VOLUME_FRACTION)^(1/3) ≈ 1.34 over the reference, where the
    law alone (floored at clean bearing steel) would have given 2.7."""
    top = (REFERENCE_FV_EFF / OXIDE_VOLUME_FRACTION) ** (1.0 / 3.0)
    assert upper_shelf_inclusion_factor(0.0001, 1.25, 0.0, 30.0) == pytest.approx(top)
    assert top < 1.4


def test_a_callers_relative_plasticity_is_used() -> None:
    """ν = 1 (MnS deforming with the steel) elongates the stringers R times: the effective
    volume fraction and the shelf follow the ν the caller gives, not the default."""
    f_s = sulphide_volume_fraction(0.003, 1.25)
    co = effective_volume_fraction(0.003, 1.25, 0.0, 12.5, relative_plasticity=1.0)
    assert co == pytest.approx(f_s * 12.5 + OXIDE_VOLUME_FRACTION)
    assert upper_shelf_inclusion_factor(0.003, 1.25, 0.0, 12.5, relative_plasticity=1.0) == (
        pytest.approx((co / REFERENCE_FV_EFF) ** (-1.0 / 3.0))
    )


def test_the_re_excess_is_clamped_to_full() -> None:
    """Excess beyond full clustering adds no more volume (x is a degree, 0..1)."""
    full = effective_volume_fraction(0.003, 1.25, 1.0, 12.5, re_excess=1.0)
    assert effective_volume_fraction(0.003, 1.25, 1.0, 12.5, re_excess=1.7) == full
