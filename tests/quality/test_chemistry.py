"""Carbon equivalents, Andrews temperatures, GB/T 24186 limits and heat draws."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mill.quality.chemistry import (
    GBT24186_LIMITS,
    ac1_andrews_c,
    ac3_andrews_c,
    cet,
    cev,
    draw_heat_chemistry,
    limit_violations,
    ms_andrews_c,
    pcm,
)

NM400 = {"C": 0.18, "Si": 0.35, "Mn": 1.25, "P": 0.012, "S": 0.002, "Cr": 0.45, "Ni": 0.10,
         "Mo": 0.18, "Ti": 0.02, "B": 0.0018, "Al": 0.03, "N": 0.004, "RE": 0.003}  # fmt: skip


def test_cev_iiw_formula() -> None:
    """CEV = C + Mn/6 + (Cr+Mo+V)/5 + (Ni+Cu)/15."""
    expected = 0.18 + 1.25 / 6 + (0.45 + 0.18) / 5 + 0.10 / 15
    assert cev(NM400) == pytest.approx(expected)
    assert cev(NM400) == pytest.approx(0.5210, abs=1e-4)


def test_nm400_type_aim_meets_gbt24186_d_grade_cev_limit() -> None:
    """GB/T 24186 Table 3: NM400D/E CEV ≤ 0.57 (≤ 50 mm)."""
    assert cev(NM400) <= 0.57


def test_cet_en1011_formula() -> None:
    """CET = C + (Mn+Mo)/10 + (Cr+Cu)/20 + Ni/40; NM400 aim near Hardox 400 typical 0.37."""
    assert cet(NM400) == pytest.approx(0.18 + 1.43 / 10 + 0.45 / 20 + 0.10 / 40)
    assert 0.30 < cet(NM400) < 0.39


def test_pcm_includes_five_times_boron() -> None:
    base = pcm({**NM400, "B": 0.0})
    assert pcm(NM400) - base == pytest.approx(5 * 0.0018)


def test_missing_elements_count_as_zero() -> None:
    assert cev({"C": 0.2}) == pytest.approx(0.2)
    assert ms_andrews_c({}) == pytest.approx(539.0)


def test_andrews_ms_worked_value() -> None:
    """Ms = 539 − 423C − 30.4Mn − 17.7Ni − 12.1Cr − 7.5Mo."""
    expected = 539 - 423 * 0.18 - 30.4 * 1.25 - 17.7 * 0.10 - 12.1 * 0.45 - 7.5 * 0.18
    assert ms_andrews_c(NM400) == pytest.approx(expected)
    assert 400 < ms_andrews_c(NM400) < 430


def test_andrews_ac1_and_short_ac3() -> None:
    assert ac1_andrews_c(NM400) == pytest.approx(
        723 - 10.7 * 1.25 - 16.9 * 0.10 + 29.1 * 0.35 + 16.9 * 0.45
    )
    short = 910 - 203 * 0.18**0.5 - 15.2 * 0.10 + 44.7 * 0.35 + 31.5 * 0.18
    assert ac3_andrews_c(NM400, full=False) == pytest.approx(short)


def test_austenitising_at_900c_is_above_ac3_plus_20() -> None:
    """domain.md §1.5: quench start ≥ Ac3 + 20 °C holds for a 900 °C austenitise."""
    assert ac3_andrews_c(NM400) + 20 < 900
    assert ac1_andrews_c(NM400) < ac3_andrews_c(NM400)


@given(st.floats(0.1, 0.4), st.floats(0.001, 0.1))
def test_more_carbon_lowers_ms_and_ac3(c: float, dc: float) -> None:
    lo, hi = {**NM400, "C": c}, {**NM400, "C": c + dc}
    assert ms_andrews_c(hi) < ms_andrews_c(lo)
    assert ac3_andrews_c(hi) < ac3_andrews_c(lo)


def test_limits_table_has_gbt24186_maxima() -> None:
    assert GBT24186_LIMITS["NM400"]["C"] == (0.0, 0.30)
    assert GBT24186_LIMITS["NM450"]["Mn"][1] == 1.70
    assert GBT24186_LIMITS["NM500"]["C"][1] == 0.38
    assert GBT24186_LIMITS["NM400"]["B"] == (0.0005, 0.006)


def test_conforming_heat_has_no_violations() -> None:
    assert limit_violations("NM400", NM400) == []


def test_violations_are_human_readable() -> None:
    bad = {**NM400, "C": 0.33, "B": 0.0003, "Al": 0.005}
    v = limit_violations("NM400", bad)
    assert "C 0.33 > max 0.30" in v
    assert "B 0.0003 < min 0.0005" in v
    assert "Al 0.005 < min 0.010" in v
    assert len(v) == 3


def test_heat_draw_is_deterministic_given_rng() -> None:
    aim, sigma = {"C": 0.18, "Mn": 1.25}, {"C": 0.01, "Mn": 0.04}
    a = draw_heat_chemistry(aim, sigma, np.random.default_rng(7))
    b = draw_heat_chemistry(aim, sigma, np.random.default_rng(7))
    assert a == b


def test_heat_draw_scatters_around_aim_with_sigma() -> None:
    rng = np.random.default_rng(1)
    draws = [draw_heat_chemistry({"C": 0.18}, {"C": 0.01}, rng)["C"] for _ in range(2000)]
    assert np.mean(draws) == pytest.approx(0.18, abs=0.001)
    assert np.std(draws) == pytest.approx(0.01, rel=0.1)


def test_heat_draw_respects_limits_and_nonnegativity() -> None:
    rng = np.random.default_rng(3)
    lim = GBT24186_LIMITS["NM400"]
    for _ in range(300):
        h = draw_heat_chemistry({"C": 0.29, "B": 0.0006, "Ni": 0.0}, {"C": 0.02, "B": 0.0005,
                                "Ni": 0.05}, rng, lim)  # fmt: skip
        assert h["C"] <= 0.30
        assert 0.0005 <= h["B"] <= 0.006
        assert h["Ni"] >= 0.0


def test_zero_sigma_returns_aim() -> None:
    h = draw_heat_chemistry({"C": 0.2, "Si": 0.3}, {}, np.random.default_rng(0))
    assert h == {"C": 0.2, "Si": 0.3}
