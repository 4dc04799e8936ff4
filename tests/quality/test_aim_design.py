"""Chemistry aims by gauge class (mill.quality.aim_design): each class gets the leanest aim on
the way from the lean to the rich aim whose centre hardness at the class's thickest plate
reaches the requirement, and never an aim whose CEV is within 3σ of the Table 3 limit."""

from __future__ import annotations

import pytest

from mill.quality.aim_design import (
    STEPS,
    Z_CEV,
    cev_sigma,
    design_aims,
    plate_hardness,
)
from mill.quality.chemistry import cev, cev_limit
from mill.quality.hardenability import ideal_diameter_mm
from mill.quality.temper import tempering_floor_hv
from mill.scenario.products import default_grades

HTC = 9000.0
BOUNDS = (25.0, 40.0, 50.0, 60.0, 80.0, 100.0)


def _hours(t: float) -> float:
    return (30.0 + 2.0 * t) / 60.0


def _design(name: str, margin: float = 30.0, limit: object = None):  # type: ignore[no-untyped-def]
    g = default_grades()[name]
    quality = "D" if g.charpy_temp_c > -40 else "E"
    lim = limit if limit is not None else (lambda t: cev_limit(name, quality, t))
    return g, design_aims(
        g.aim_pct, g.aim_rich_pct, g.sigma_pct, BOUNDS, g.centre_min_hbw, lim, HTC,
        g.temper_temp_c.mean(), _hours, margin,
    )  # fmt: skip


def _centre(aim: dict[str, float], t: float, temper_c: float) -> float:
    di = ideal_diameter_mm(aim)
    return plate_hardness(aim, di, tempering_floor_hv(aim), t, 0.5, HTC, temper_c, _hours(t)).hbw


@pytest.mark.parametrize("name", ["NM400", "NM450", "NM500"])
def test_each_class_gets_the_leanest_aim_that_hardens_it(name: str) -> None:
    """A class whose centre requirement is met at step s was not met one step leaner; a class
    that cannot meet it took the richest aim its CEV limit allows."""
    g, designs = _design(name)
    spread = cev_sigma(g.sigma_pct)
    rich = {**g.aim_pct, **g.aim_rich_pct}
    for d in designs:
        assert d.centre_hbw == pytest.approx(_centre(d.aim_pct, d.upto_mm, g.temper_temp_c.mean()))
        if d.meets_centre and d.step > 0:
            s = d.step - 1 / STEPS
            leaner = {el: g.aim_pct.get(el, 0.0) + s * (rich[el] - g.aim_pct.get(el, 0.0))
                      for el in rich}  # fmt: skip
            assert _centre(leaner, d.upto_mm, g.temper_temp_c.mean()) < g.centre_min_hbw + 30
        if not d.meets_centre and d.cev_limit is not None:
            s = d.step + 1 / STEPS
            richer = {el: g.aim_pct.get(el, 0.0) + s * (rich[el] - g.aim_pct.get(el, 0.0))
                      for el in rich}  # fmt: skip
            assert s > 1 or cev(richer) + Z_CEV * spread > d.cev_limit


@pytest.mark.parametrize("name", ["NM400", "NM450"])
def test_every_aim_is_three_sigma_inside_its_cev_limit(name: str) -> None:
    """GB/T 24186 Table 3 (E quality): CEV ≤ 0.57/0.59 up to 50 mm, 0.67/0.74 above; a class
    straddling 50 mm takes the stricter one."""
    g, designs = _design(name)
    spread = cev_sigma(g.sigma_pct)
    assert spread > 0.005  # every element of the CEV scatters, Cu too
    for d in designs:
        assert d.cev_limit == cev_limit(name, "E", d.above_mm + 1e-6)
        assert d.cev_aim + Z_CEV * spread <= d.cev_limit + 1e-12


@pytest.mark.parametrize("name", ["NM400", "NM450", "NM500"])
def test_thicker_classes_get_richer_aims_and_the_ordered_thicknesses_harden(name: str) -> None:
    """Aims grow richer (larger ideal diameter) with gauge; at the design point (aim chemistry,
    mean quench and temper) every thickness of the baseline product mix up to 100 mm reaches
    the grade's centre-hardness minimum."""
    g, designs = _design(name)
    di = [d.ideal_diameter_mm for d in designs]
    assert di == sorted(di) and di[-1] > 1.5 * di[0]
    for t in (8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100):
        d = next(d for d in designs if d.above_mm < t <= d.upto_mm)
        assert _centre(d.aim_pct, t, g.temper_temp_c.mean()) >= g.centre_min_hbw


def test_a_limit_too_tight_for_the_requirement_is_flagged_not_exceeded() -> None:
    """With a CEV limit of 0.50 the thick classes cannot harden: their design says so and
    stays inside the limit."""
    g, designs = _design("NM400", limit=lambda t: 0.50)
    thick = designs[-1]
    assert not thick.meets_centre
    assert thick.cev_aim + Z_CEV * cev_sigma(g.sigma_pct) <= 0.50


def test_every_default_aim_element_scatters_heat_to_heat() -> None:
    """Heat-to-heat scatter on every element of every default aim, Cu and N included."""
    for g in default_grades().values():
        aim = {**g.aim_pct, **g.aim_rich_pct}
        assert all(g.sigma_pct.get(el, 0.0) > 0 for el in aim), sorted(set(aim) - set(g.sigma_pct))


def test_a_lean_aim_over_the_limit_is_kept_and_flagged() -> None:
    """No richer aim is tried once even the lean aim is over the CEV limit."""
    _g, designs = _design("NM450", limit=lambda t: 0.30)
    assert all(d.step == 0 and not d.meets_centre for d in designs)
