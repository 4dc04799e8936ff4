"""Centre-porosity closure by rolling (issue 14.6): the published closure against reduction
(ISIJ International 63 (2023) 1145–1152: voids along the rolling and transverse directions
almost entirely closed at 40 % reduction, the void width falling almost linearly with the
reduction) and the share of each pass's strain that reaches the centre by its shape factor."""

from __future__ import annotations

import math

import pytest

from mill.quality.defects import Defect, roll_defects
from mill.quality.porosity import (
    CLOSED_AT_REDUCTION,
    centre_reduction,
    centre_weight,
    open_fraction,
    pass_shape_factors,
    porosity_open_fraction,
)


def test_voids_close_linearly_and_are_closed_at_40_percent_reduction() -> None:
    """The published points: open at no reduction, closed at 40 %, linear in between."""
    assert CLOSED_AT_REDUCTION == 0.40
    assert open_fraction(0.0) == 1.0
    assert open_fraction(0.40) == 0.0
    assert open_fraction(0.60) == 0.0
    assert open_fraction(0.20) == pytest.approx(0.5)
    assert open_fraction(0.10) == pytest.approx(0.75)


def test_a_pass_presses_the_centre_by_its_shape_factor() -> None:
    """l_d/h_m below 0.5 leaves the centre unpressed, from 1.0 on the whole strain reaches it;
    the first pass of a 250 mm slab at 14 % on Ø 1,070 mm rolls has l_d/h_m = √(535·35)/232.5."""
    assert centre_weight(0.4) == 0.0 and centre_weight(0.5) == 0.0
    assert centre_weight(0.75) == pytest.approx(0.5)
    assert centre_weight(1.0) == 1.0 and centre_weight(3.0) == 1.0
    (strain, m), *_ = pass_shape_factors(250.0, 25.0, 0.14, 535.0)
    assert strain == pytest.approx(math.log(1 / 0.86))
    assert m == pytest.approx(math.sqrt(535.0 * 35.0) / 232.5)


def test_with_every_pass_penetrating_the_centre_sees_the_nominal_reduction() -> None:
    """Thin stock on big rolls (every shape factor ≥ 1), as in the laboratory rolling the
    published closure comes from: the centre reduction is the plate's, 1 − t/t₀."""
    assert all(m >= 1.0 for _, m in pass_shape_factors(40.0, 24.0, 0.10, 500.0))
    assert centre_reduction(40.0, 24.0, 0.10, 500.0) == pytest.approx(0.40)
    assert porosity_open_fraction(40.0, 24.0, 0.10, 500.0) == pytest.approx(0.0, abs=1e-9)


def test_thin_plate_closes_the_porosity_and_thick_plate_from_a_250_mm_slab_keeps_some() -> None:
    """From a 250 mm slab (14 % passes, Ø 1,070 mm rolls) every plate up to 80 mm has its
    centre porosity closed; 100 and 120 mm plate (reduction ratio 2.5 and 2.1) keep an open
    share that grows with thickness; the centre never sees more than the plate's reduction."""
    for t in (8.0, 15.0, 25.0, 40.0, 60.0, 80.0):
        assert porosity_open_fraction(250.0, t, 0.14, 535.0) == 0.0, t
    thick = [porosity_open_fraction(250.0, t, 0.14, 535.0) for t in (100.0, 120.0, 150.0)]
    assert 0.0 < thick[0] < thick[1] < thick[2] < 1.0
    for t in (20.0, 100.0, 150.0):
        assert centre_reduction(250.0, t, 0.14, 535.0) <= 1.0 - t / 250.0 + 1e-12


def test_rolling_carries_an_open_void_scaled_and_drops_a_closed_one() -> None:
    """A void is stretched with the steel and keeps its open share of the stretched area; a
    closed void is not carried to the plate. Other defects are carried as before."""
    slab, plate = (250.0, 2000.0, 4000.0), (125.0, 2000.0, 8000.0)  # R = 2
    void = Defect(
        "centre_porosity", "casting", "no_soft_reduction", 0, 0, 0.5, 40, 10, "volumetric"
    )
    inc = Defect("inclusion_cluster", "steelmaking", "re_oxysulphide", 0, 0, 0.25, 2, 2, "globular")
    (half, kept) = roll_defects([void, inc], slab, plate, porosity_open=0.5)
    assert half.area_mm2 == pytest.approx(void.area_mm2 * 2.0 * 0.5)
    assert kept.mechanism == "inclusion_cluster"
    (only,) = roll_defects([void, inc], slab, plate, porosity_open=0.0)
    assert only.mechanism == "inclusion_cluster"
