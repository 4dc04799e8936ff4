"""Grossmann/ASTM A255 hardenability and the through-thickness martensite fraction."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mill.quality.hardenability import (
    PLATE_EQUIVALENT_ROUND_FACTOR,
    alloy_factor,
    boron_multiplier,
    carbon_factor_in,
    critical_diameter_mm,
    critical_ratio_exact,
    ideal_diameter_mm,
    martensite_fraction,
)
from mill.quality.quench import DEFAULT_HTC_W_M2K, grossmann_severity_per_in

# domain.md §2.3 aim mid-points (+ 18 ppm B protected by 0.02 % Ti against 40 ppm N).
PROTECTED_B = {"B": 0.0018, "Ti": 0.02, "N": 0.004}
NM400 = {"C": 0.185, "Si": 0.35, "Mn": 1.25, "Cr": 0.45, "Ni": 0.10, "Mo": 0.175, **PROTECTED_B}
NM450 = {"C": 0.23, "Si": 0.35, "Mn": 1.25, "Cr": 0.60, "Ni": 0.25, "Mo": 0.25, **PROTECTED_B}
NM500 = {"C": 0.28, "Si": 0.35, "Mn": 1.15, "Cr": 0.80, "Ni": 0.55, "Mo": 0.35, **PROTECTED_B}
H_ROLLER = grossmann_severity_per_in(DEFAULT_HTC_W_M2K)


def test_a255_carbon_factor_branches() -> None:
    """f_C = 0.54C up to 0.39 % C, then 0.171 + 0.001C + 0.265C² (nearly continuous)."""
    assert carbon_factor_in(0.20) == pytest.approx(0.108)
    assert carbon_factor_in(0.45) == pytest.approx(0.171 + 0.00045 + 0.265 * 0.45**2)
    assert carbon_factor_in(0.39) == pytest.approx(carbon_factor_in(0.3901), abs=2e-3)


def test_a255_alloy_factors_worked_example() -> None:
    """Hand product of A255 factors, Mn on the ≤ 1.2 % branch."""
    chem = {"C": 0.20, "Si": 0.30, "Mn": 1.00, "Cr": 0.50, "Ni": 0.20, "Mo": 0.20, "Cu": 0.1}
    af = 1.21 * (1 + 3.3333 * 1.0) * (1 + 2.16 * 0.5) * (1 + 0.363 * 0.2) * 1.6 * 1.0365
    assert alloy_factor(chem) == pytest.approx(af)
    assert ideal_diameter_mm(chem, boron_factor=1.0) == pytest.approx(25.4 * 0.108 * af)


def test_a255_high_manganese_branch() -> None:
    """f_Mn = 5.1Mn − 1.12 for 1.2 < Mn ≤ 1.95."""
    assert alloy_factor({"Mn": 1.5}) == pytest.approx(5.1 * 1.5 - 1.12)


@pytest.mark.parametrize(("chem", "domain_di_mm"), [(NM400, 53), (NM450, 101), (NM500, 181)])
def test_di_without_boron_near_domain_derived_examples(
    chem: dict[str, float], domain_di_mm: float
) -> None:
    """domain.md §3.3 [DERIVED] DI without B: 53 / 101 / 181 mm for NM400/450/500-type heats
    (their chemistries were not stated; §2.3 mid-points land within 15 %)."""
    assert ideal_diameter_mm(chem, boron_factor=1.0) == pytest.approx(domain_di_mm, rel=0.15)


def test_protected_boron_multiplies_di_by_1_5_to_2_5() -> None:
    """Assumption (domain §3.3): 1.5–2.5 for 0.15–0.30 % C with 10–25 ppm protected B."""
    for chem in (NM400, NM450, NM500):
        assert 1.4 <= boron_multiplier(chem) <= 2.5
    assert ideal_diameter_mm(NM400) == pytest.approx(
        ideal_diameter_mm(NM400, 1.0) * boron_multiplier(NM400)
    )


def test_boron_factor_falls_with_carbon_and_alloy() -> None:
    assert boron_multiplier({**NM400, "C": 0.30}) < boron_multiplier(NM400)
    assert boron_multiplier({**NM400, "Cr": 1.0, "Mo": 0.5}) < boron_multiplier(NM400)


def test_boron_ineffective_below_5ppm_or_unprotected() -> None:
    assert boron_multiplier({**NM400, "B": 0.0004}) == 1.0
    assert boron_multiplier({**NM400, "Ti": 0.0, "N": 0.006}) == 1.0  # B tied up as BN
    assert boron_multiplier({"C": 0.2, "Mn": 1.2}) == 1.0


def test_boron_factor_one_disables_boron() -> None:
    assert ideal_diameter_mm(NM400, 1.0) < ideal_diameter_mm(NM400)


def test_critical_diameter_equals_di_in_ideal_quench_and_falls_with_severity() -> None:
    di = 100.0
    assert critical_diameter_mm(di, float("inf")) == di
    d = [critical_diameter_mm(di, h) for h in (0.2, 0.35, 1.0, 2.0, 5.0, 1000.0)]
    assert all(a < b for a, b in itertools.pairwise(d))
    assert d[-1] == pytest.approx(di, rel=0.01)
    assert d[0] < 0.6 * di


def test_critical_diameter_oil_vs_water_like_grossmann_chart() -> None:
    """Grossmann chart shape: DI = 2 in -> about 1.3 in in still water (H = 1), much less in oil
    (H = 0.35)."""
    d_water = critical_diameter_mm(50.8, 1.0) / 25.4
    d_oil = critical_diameter_mm(50.8, 0.35) / 25.4
    assert 1.1 < d_water < 1.5
    assert d_oil < d_water


@pytest.mark.parametrize("h_per_in", [0.02, 0.35, 1.0, 3.76, 50.0])
@pytest.mark.parametrize("di_mm", [10.0, 60.0, 150.0, 400.0])
def test_tabulated_critical_diameter_matches_direct_solution(di_mm: float, h_per_in: float) -> None:
    """The fast D/DI table agrees with the direct root solve to 1e-4."""
    exact = di_mm * critical_ratio_exact(h_per_in * di_mm / 25.4)
    assert critical_diameter_mm(di_mm, h_per_in) == pytest.approx(exact, rel=1e-4)


def test_critical_ratio_table_matches_the_direct_solve_across_its_whole_range() -> None:
    """The table built from the explicit (ζ1-parametric) solution agrees with the root solve
    to 1e-4 at points between its nodes, from H·DI = 1e-4 to 1e5."""
    for log_s in np.linspace(-3.99, 4.99, 61):
        s = 10.0**log_s
        assert critical_diameter_mm(25.4, s) / 25.4 == pytest.approx(
            critical_ratio_exact(s), rel=1e-4
        ), log_s


def test_plate_centre_is_half_martensite_at_the_critical_diameter() -> None:
    """Grossmann's anchor: centre of a plate whose equivalent round (1.5·t) equals D_crit."""
    di = 120.0
    t = critical_diameter_mm(di, H_ROLLER) / PLATE_EQUIVALENT_ROUND_FACTOR
    assert martensite_fraction(di, t, 0.5, H_ROLLER) == pytest.approx(0.5, abs=1e-9)


def test_thin_plate_is_through_hardened() -> None:
    f = martensite_fraction(ideal_diameter_mm(NM400), 20.0, np.array([0.0, 0.25, 0.5]), H_ROLLER)
    assert np.all(f > 0.98)


def test_thick_lean_plate_loses_martensite_at_centre() -> None:
    """80 mm of an NM400-type heat: surface martensitic, centre mostly not (why GB/T 24186 sets
    centre minima); the richer NM500-type heat keeps > 90 % at the centre."""
    f400 = np.asarray(
        martensite_fraction(ideal_diameter_mm(NM400), 80.0, np.array([0.0, 0.5]), H_ROLLER)
    )
    assert f400[0] > 0.99 and f400[1] < 0.5
    assert martensite_fraction(ideal_diameter_mm(NM500), 80.0, 0.5, H_ROLLER) > 0.9


def test_vectorised_over_thickness_and_depth() -> None:
    f = martensite_fraction(90.0, np.array([[20.0], [60.0]]), np.array([0.0, 0.25, 0.5]), 3.0)
    assert isinstance(f, np.ndarray) and f.shape == (2, 3)
    assert np.all((f >= 0) & (f <= 1))


@settings(max_examples=30, deadline=None)
@given(st.floats(30.0, 250.0), st.floats(10.0, 120.0), st.floats(0.0, 0.45))
def test_martensite_never_increases_with_depth_or_thickness(di: float, t: float, d: float) -> None:
    f = martensite_fraction(di, t, d, H_ROLLER)
    assert martensite_fraction(di, t, d + 0.05, H_ROLLER) <= f + 1e-12
    assert martensite_fraction(di, t * 1.2, d, H_ROLLER) <= f + 1e-12
