"""Defect generation: rates, causes, positions, and how rolling carries defects to the plate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mill.quality.cutting import cut_edge_defects, required_preheat_c
from mill.quality.defects import (
    DEFAULT_ORIGIN,
    DETECTION,
    INTERNAL,
    MECHANISMS,
    ORIGIN_STAGES,
    CastConditions,
    Defect,
    DefectRates,
    hardness_defect,
    quench_defects,
    roll_defects,
    rolling_defects,
    slab_defects,
)
from mill.quality.porosity import porosity_open_fraction

SLAB = (250.0, 2000.0, 4000.0)  # t, w, l
PLATE = (25.0, 2500.0, 32000.0)  # same volume: 250·2000·4000 = 25·2500·32000
PLATE_AREA_M2 = PLATE[1] * PLATE[2] / 1e6
MIDDLE = CastConditions("middle", 20.0, True, True, 1.0)


def _many_slabs(cond: CastConditions, n: int, rates: DefectRates | None = None) -> list[Defect]:
    rng = np.random.default_rng(1)
    out: list[Defect] = []
    for _ in range(n):
        out += slab_defects(rng, cond, *SLAB, PLATE_AREA_M2, rates or DefectRates())
    return out


def test_every_mechanism_has_an_origin_stage_and_a_detection_method() -> None:
    assert set(DEFAULT_ORIGIN) == set(MECHANISMS) == set(DETECTION)
    assert set(DEFAULT_ORIGIN.values()) <= set(ORIGIN_STAGES)
    assert {"inclusion_cluster", "centre_porosity", "hydrogen_flake"} == INTERNAL


def test_area_is_an_ellipse_and_equivalent_diameter_the_disc_of_same_area() -> None:
    d = Defect("inclusion_cluster", "steelmaking", "mns_stringer", 0, 0, 0.25, 8.0, 2.0, "stringer")
    assert d.area_mm2 == pytest.approx(math.pi / 4 * 16.0)
    assert math.pi / 4 * d.equivalent_diameter_mm**2 == pytest.approx(d.area_mm2)


def test_inclusion_density_on_plate_equals_the_rate_per_m2() -> None:
    n = 400
    found = [d for d in _many_slabs(MIDDLE, n) if d.mechanism == "inclusion_cluster"]
    expected = DefectRates().inclusion_rate_per_m2 * PLATE_AREA_M2 * n  # 640
    assert abs(len(found) - expected) < 4 * math.sqrt(expected)


def test_first_slab_of_a_sequence_has_more_inclusions_blamed_on_reoxidation() -> None:
    first = _many_slabs(CastConditions("first", 20.0, True, True, 1.0), 300)
    middle = _many_slabs(MIDDLE, 300)
    ratio = len(first) / len(middle)
    assert 2.0 < ratio < 3.0  # first_slab_factor 2.5
    causes = {d.root_cause for d in first}
    assert "sequence_start_reoxidation" in causes
    assert all(d.origin_stage == "casting" for d in first if d.root_cause.startswith("sequence"))


def test_inclusions_concentrate_near_quarter_thickness() -> None:
    z = np.array([d.z_frac for d in _many_slabs(MIDDLE, 300)])
    assert abs(np.median(z) - 0.25) < 0.05
    assert np.all((z > 0) & (z < 1))


def test_re_modified_steel_gives_globular_inclusions_and_clusters_when_excessive() -> None:
    cond = CastConditions("middle", 20.0, True, True, 1.0, 0.5, 0.8, 1.0, clustered=True)
    defects = _many_slabs(cond, 300)
    shapes = {d.shape for d in defects}
    assert shapes == {"globular", "volumetric"}
    assert any(d.root_cause == "re_cluster" for d in defects)


def test_no_soft_reduction_and_high_superheat_cause_centre_porosity_at_mid_thickness() -> None:
    good = _many_slabs(MIDDLE, 2000)
    bad = _many_slabs(CastConditions("middle", 45.0, False, True, 1.0), 2000)
    por_good = [d for d in good if d.mechanism == "centre_porosity"]
    por_bad = [d for d in bad if d.mechanism == "centre_porosity"]
    assert len(por_bad) > 5 * max(len(por_good), 1)
    assert {d.root_cause for d in por_bad} >= {"no_soft_reduction", "high_superheat"}
    assert all(0.4 <= d.z_frac <= 0.6 for d in por_bad)


def test_hydrogen_flakes_only_without_vacuum_degassing() -> None:
    assert not any(
        d.mechanism == "hydrogen_flake"
        for d in _many_slabs(CastConditions("middle", 20, True, True, 4.0), 300)
    )
    flakes = [
        d
        for d in _many_slabs(CastConditions("middle", 20, True, False, 4.0), 300)
        if d.mechanism == "hydrogen_flake"
    ]
    assert flakes and all(d.root_cause == "no_vacuum_degassing" for d in flakes)


def test_rolling_scales_positions_and_keeps_depth() -> None:
    d = Defect(
        "inclusion_cluster", "steelmaking", "re_oxysulphide", 1000, 500, 0.3, 4, 4, "globular"
    )
    (r,) = roll_defects([d], SLAB, PLATE)
    assert (r.x_mm, r.y_mm, r.z_frac) == pytest.approx((8000.0, 625.0, 0.3))
    assert r is not d and d.x_mm == 1000  # input untouched


def test_mns_stringers_grow_by_the_reduction_ratio_and_globulars_do_not_deform() -> None:
    s = Defect("inclusion_cluster", "steelmaking", "mns_stringer", 0, 0, 0.25, 2.0, 1.0, "stringer")
    g = Defect("inclusion_cluster", "steelmaking", "re_oxysulphide", 0, 0, 0.25, 2, 2, "globular")
    rs, rg = roll_defects([s, g], SLAB, PLATE)
    assert rs.length_mm == pytest.approx(2.0 * 8.0) and rs.width_mm == pytest.approx(1.25)
    assert rs.area_mm2 / s.area_mm2 == pytest.approx(SLAB[0] / PLATE[0])  # constant volume
    assert (rg.length_mm, rg.width_mm) == (2, 2)


def test_stringer_area_on_plate_follows_the_plate_size_law() -> None:
    rates = DefectRates()
    slab = _many_slabs(MIDDLE, 300)
    plate = roll_defects(slab, SLAB, PLATE)
    areas = [d.area_mm2 for d in plate if d.shape == "stringer"]
    assert np.median(areas) == pytest.approx(rates.cluster_area_median_mm2, rel=0.2)


def test_porosity_closes_with_the_reduction_that_reaches_the_centre() -> None:
    """A light reduction (250 → 125 mm) leaves part of a void open, a heavy one (250 → 25 mm)
    closes it (the closure itself: tests/quality/test_porosity.py)."""
    p = Defect("centre_porosity", "casting", "no_soft_reduction", 0, 0, 0.5, 40, 10, "volumetric")
    light_open = porosity_open_fraction(250.0, 125.0, 0.14, 535.0)
    heavy_open = porosity_open_fraction(250.0, 25.0, 0.14, 535.0)
    assert heavy_open == 0.0 < light_open < 1.0
    (light,) = roll_defects([p], SLAB, (125.0, 2000.0, 8000.0), light_open)
    assert light.area_mm2 < p.area_mm2 * 2.0
    assert roll_defects([p], SLAB, PLATE, heavy_open) == []


def test_low_descaling_pressure_raises_rolled_in_scale_blamed_on_descaling() -> None:
    rng = np.random.default_rng(2)
    rates = DefectRates()

    def scale_count(p: float) -> list[Defect]:
        out: list[Defect] = []
        for _ in range(200):
            out += rolling_defects(rng, 25, 2500, 12000, p, 1200, rates)
        return [d for d in out if d.mechanism == "rolled_in_scale"]

    nominal, low = scale_count(200), scale_count(140)
    assert len(low) > 2 * len(nominal)
    assert any(d.root_cause == "descaling_pressure_low" for d in low)
    assert all(d.root_cause == "scale_baseline" for d in nominal)
    assert all(d.z_frac in (0.0, 1.0) and d.shape == "surface" for d in low)


def test_overheated_slabs_give_surface_cracks_blamed_on_reheating() -> None:
    rng = np.random.default_rng(3)
    hot = [d for _ in range(300) for d in rolling_defects(rng, 25, 2500, 12000, 200, 1300,
                                                          DefectRates())]  # fmt: skip
    cracks = [d for d in hot if d.mechanism == "surface_crack"]
    assert any(
        d.root_cause == "reheat_overheating" and d.origin_stage == "reheating" for d in cracks
    )


def test_quench_crack_risk_rises_with_carbon_and_non_uniform_quench() -> None:
    rng = np.random.default_rng(4)
    rates = DefectRates()

    def cracks(c: float, u: float) -> int:
        return sum(
            d.mechanism == "quench_crack"
            for _ in range(5000)
            for d in quench_defects(rng, 30, 2500, 10000, c, 500, u, rates)
        )

    assert cracks(0.30, 0.5) > 3 * cracks(0.18, 1.0)


def test_flatness_rate_is_about_two_percent_with_a_uniform_quench() -> None:
    rng = np.random.default_rng(5)
    n = 20000
    flat = sum(
        d.mechanism == "flatness"
        for _ in range(n)
        for d in quench_defects(rng, 30, 2500, 10000, 0.2, 450, 1.0, DefectRates())
    )
    assert abs(flat / n - 0.02) < 0.005


def test_cut_edge_cracks_need_a_skipped_oxyfuel_preheat() -> None:
    rng = np.random.default_rng(6)
    rates = DefectRates()

    def count(preheat: float, method: str = "oxyfuel") -> int:
        return sum(
            len(cut_edge_defects(rng, method, 60, 470, preheat, 150, 6000, rates))
            for _ in range(20000)
        )

    skipped, done = count(20), count(150)
    assert abs(skipped / 20000 - math.exp(0.2) * 0.003) < 0.0015
    assert skipped > 5 * done
    d = cut_edge_defects(np.random.default_rng(0), "oxyfuel", 60, 470, 20, 150, 6e6, rates)[0]
    assert d.root_cause == "no_preheat_oxyfuel" and d.origin_stage == "cutting"
    assert 0 <= d.x_mm <= 6e6 and d.y_mm == 0.0
    with pytest.raises(ValueError):
        cut_edge_defects(rng, "laser", 60, 470, 20, 150, 6000, rates)


@pytest.mark.parametrize(
    ("grade", "t", "expected"),
    [
        ("NM400", 44.9, 0.0),
        ("NM400", 45.0, 100.0),
        ("NM400", 60.0, 150.0),
        ("NM400", 80.0, 150.0),
        ("NM400", 80.1, 175.0),
        ("NM450", 39.9, 0.0),
        ("NM450", 40.0, 100.0),
        ("NM450", 50.0, 150.0),
        ("NM450", 70.0, 175.0),
        ("NM500", 24.9, 0.0),
        ("NM500", 25.0, 100.0),
        ("NM500", 50.0, 150.0),
        ("NM500", 60.0, 175.0),
        ("Hardox 450", 45.0, 100.0),
    ],
)
def test_required_preheat_follows_ssab_table_11_4(grade: str, t: float, expected: float) -> None:
    assert required_preheat_c(grade, t) == expected


def test_required_preheat_rejects_unknown_grades() -> None:
    with pytest.raises(ValueError):
        required_preheat_c("S355", 50)


def test_hardness_defect_only_outside_the_window() -> None:
    assert hardness_defect(2500, 10000, 450, (420, 480), "under_tempered") is None
    d = hardness_defect(2500, 10000, 415, (420, 480), "under_tempered")
    assert d is not None and d.mechanism == "hardness_out_of_window"


def test_moving_a_defect_keeps_every_other_field() -> None:
    """Defect.moved is dataclasses.replace of the position (and size), field for field."""
    import dataclasses

    d = Defect("inclusion_cluster", "steelmaking", "RE_low", 1.0, 2.0, 0.3, 4.0, 5.0, "ellipse")
    d.defect_id = "H1-S01-D001"
    assert d.moved(7.0, 8.0) == dataclasses.replace(d, x_mm=7.0, y_mm=8.0)
    assert d.moved(7.0, 8.0, 9.0, 10.0) == dataclasses.replace(
        d, x_mm=7.0, y_mm=8.0, length_mm=9.0, width_mm=10.0
    )
    assert {f.name for f in dataclasses.fields(Defect)} == {
        "mechanism", "origin_stage", "root_cause", "x_mm", "y_mm", "z_frac", "length_mm",
        "width_mm", "shape", "defect_id",
    }  # fmt: skip
