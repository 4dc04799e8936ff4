"""Where the shear line puts the mother plates on the rolled plate, by hand.

The rolled plate's length (volume constancy after scale loss) exceeds its mother plates' total
length by the planned head and tail crop; the shear crops half the surplus at the head and half
at the tail, so the mother plates sit end to end from the head crop on, centred across the
width. A slab defect falls in the mother plate that covers its position (then in that plate's
coordinates) or, in the crop or the side trim, in scrap. With no surplus (``crop_mm = 0`` and a
slab sized exactly for its mothers) there is no head crop: the first mother plate starts at the
head of the rolled plate.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from mill.model.entities import DENSITY_T_PER_MM3, MotherPlan, Order, SlabPlan
from mill.model.stages.rolling import shear
from mill.quality.defects import Defect

T, ROLLED_W = 20.0, 1600.0
MOTHER_W, MOTHER_L = 1500.0, 4000.0  # two of them: 8000 mm of mother plates, 50 mm side trim


def _shear(surplus_mm: float, xs: list[float]) -> tuple[list[Any], list[Defect]]:
    """Shear a plate rolled ``surplus_mm`` longer than its two mother plates, with one slab
    defect at each position ``xs`` along it (mid-width); returns the mother plates and the
    defects left in scrap."""
    order = Order("O1", "NM400", T, MOTHER_W, MOTHER_L, 2, "none", 0.0, 1e9)
    mothers = [MotherPlan(order, 1, 1, 1, MOTHER_W, MOTHER_L) for _ in range(2)]
    rolled_l = 2 * MOTHER_L + surplus_mm
    plan = SlabPlan(1600.0, 1000.0, 200.0, T, ROLLED_W, rolled_l, mothers)
    defects = [
        Defect(
            "inclusion", "steelmaking", "test", x, ROLLED_W / 2, 0.5, 5.0, 5.0, "ellipse", f"D{i}"
        )
        for i, x in enumerate(xs)
    ]
    slab = SimpleNamespace(
        slab_id="H000001-S01",
        plan=plan,
        rolled_mass_t=T * ROLLED_W * rolled_l * DENSITY_T_PER_MM3,
        defects=defects,
    )
    scrap: list[Defect] = []

    def sheared(slab: Any, mothers: list[Any], rolled_l: float, left: list, now: float) -> None:
        scrap.extend(left)

    plant = SimpleNamespace(env=SimpleNamespace(now=0.0), ledger=SimpleNamespace(sheared=sheared))
    return shear(plant, slab), scrap  # type: ignore[arg-type]


def _where(mothers: list[Any]) -> dict[str, tuple[int, float, float]]:
    """Each defect's mother plate (1, 2) and its position (x, y) in that plate."""
    return {d.defect_id: (m.index, d.x_mm, d.y_mm) for m in mothers for d in m.defects}


def test_with_no_surplus_the_first_mother_plate_starts_at_the_head() -> None:
    """No crop: a defect 0.5 mm from the head is in mother plate 1 at x = 0.5 mm, one 0.5 mm
    into the second 4 m is in mother plate 2 at x = 0.5 mm; across, the 50 mm side trim
    shifts y by 50 mm. Nothing goes to scrap."""
    mothers, scrap = _shear(0.0, [0.5, 4000.5, 7999.5])
    assert scrap == []
    where = _where(mothers)
    assert where["D0"] == (1, pytest.approx(0.5), pytest.approx(750.0))
    assert where["D1"] == (2, pytest.approx(0.5), pytest.approx(750.0))
    assert where["D2"] == (2, pytest.approx(3999.5), pytest.approx(750.0))


def test_the_surplus_is_cropped_half_at_the_head_and_half_at_the_tail() -> None:
    """800 mm surplus: 400 mm head crop. A defect at 399 mm is in the head crop (scrap), one
    at 400 mm starts mother plate 1, one at 8399 mm ends mother plate 2, one at 8400 mm is in
    the tail crop."""
    mothers, scrap = _shear(800.0, [399.0, 400.0, 8399.0, 8400.0])
    assert sorted(d.defect_id for d in scrap) == ["D0", "D3"]
    where = _where(mothers)
    assert where["D1"] == (1, pytest.approx(0.0), pytest.approx(750.0))
    assert where["D2"] == (2, pytest.approx(3999.0), pytest.approx(750.0))
