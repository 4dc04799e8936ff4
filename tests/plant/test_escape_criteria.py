"""The ground truth that decides escapes and false rejects: a plate is truly nonconforming
when its *true* properties or defects fail its order, whatever the inspection measured.
Judged by hand on single NM450 plates of 20 mm (window 420–480 HBW, centre ≥ 375 HBW,
Charpy ≥ 24 J at −40 °C)."""

from __future__ import annotations

from typing import Any

import pytest
from disposition_support import defect, plate, stand_in_plant

from mill.model.disposition import truly_nonconforming

# an inclusion of π/4·16² = 201 mm² in the plate body: beyond EN 10160 S2's 100 mm² single
# limit, within S1's 1000 mm² (and one indication is within S1's count of 15)
BIG_INCLUSION = defect("inclusion_cluster", 16.0, 16.0)


def test_a_sound_plate_conforms() -> None:
    """True hardness, centre hardness and Charpy inside the order; no defect."""
    assert not truly_nonconforming(stand_in_plant(), plate())


@pytest.mark.parametrize(
    ("change", "nonconforming"),
    [
        ({"hbw_surface": 419.9}, True),
        ({"hbw_surface": 420.0}, False),
        ({"hbw_surface": 480.0}, False),
        ({"hbw_surface": 480.1}, True),
        ({"hbw_centre": 374.9}, True),
        ({"hbw_centre": 375.0}, False),
        ({"kv_true": 23.9}, True),
        ({"kv_true": 24.0}, False),
    ],
)
def test_true_properties_outside_the_order_are_nonconforming(
    change: dict[str, float], nonconforming: bool
) -> None:
    """True surface hardness outside the window, true centre hardness or Charpy energy below
    its minimum (each limit itself conforms)."""
    p = plate()
    for name, value in change.items():
        setattr(p.truth, name, value)
    assert truly_nonconforming(stand_in_plant(), p) is nonconforming


def test_the_truth_not_the_measurement_decides() -> None:
    """A plate measured out of window and failing Charpy, but truly inside, conforms; one
    measured fine but truly too soft does not."""
    measured_bad = plate(hbw=410.0, centre=360.0, kv_pass=False, ut_pass=False, flatness=9.0)
    measured_bad.truth.hbw_surface, measured_bad.truth.hbw_centre = 450.0, 420.0
    assert not truly_nonconforming(stand_in_plant(), measured_bad)
    truly_soft = plate()
    truly_soft.truth.hbw_surface = 400.0
    assert truly_nonconforming(stand_in_plant(), truly_soft)


@pytest.mark.parametrize(
    ("found", "nonconforming"),
    [
        (defect("cut_edge_crack", 1.0, 0.2), True),
        (defect("flatness"), True),
        (defect("surface_crack", 0.5, 0.5), True),
        (defect("quench_crack", 0.5, 0.5), True),
        (defect("rolled_in_scale", 13.8, 13.8), False),  # 149.6 mm²: an imperfection
        (defect("rolled_in_scale", 13.9, 13.9), True),  # 151.7 mm²
        (defect("inclusion_cluster", 5.0, 5.0), False),  # 19.6 mm²: below S3's band
    ],
)
def test_defects_make_a_plate_nonconforming_whether_found_or_not(
    found: Any, nonconforming: bool
) -> None:
    """Any cut-edge crack, flatness defect or crack, and scale beyond the imperfection limit,
    makes the plate nonconforming even when no inspection found it."""
    p = plate(defects=[found])  # nothing in ``seen``: undetected
    assert truly_nonconforming(stand_in_plant(), p) is nonconforming


@pytest.mark.parametrize(
    ("ut_class", "thickness", "nonconforming"),
    [
        ("S2E2", 20.0, True),
        ("S3E3", 20.0, True),
        ("S1E1", 20.0, False),
        ("none", 20.0, False),
        ("S2E2", 5.0, False),  # below EN 10160's 6 mm scope: not UT-tested
    ],
)
def test_internal_defects_fail_the_ordered_ut_class_by_their_true_size(
    ut_class: str, thickness: float, nonconforming: bool
) -> None:
    """A true 201 mm² inclusion in the body fails an S2 or S3 order (single limits 100 and
    50 mm²) but meets S1 (1000 mm²), and an order without UT or a plate below 6 mm ignores it."""
    p = plate(ut_class=ut_class, thickness=thickness, defects=[BIG_INCLUSION])
    assert truly_nonconforming(stand_in_plant(), p) is nonconforming
