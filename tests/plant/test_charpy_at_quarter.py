"""The plant builds each plate's Charpy curve from the microstructure at the specimen position
(¼ t: its hardness and bainite fraction there) and from its own inclusion population, not from
the surface (issue 11.2 and 11.3)."""

from __future__ import annotations

from typing import Any

import pytest
from plant_support import run_hand, shared_scope

from mill.model.metallurgy import Metallurgy
from mill.quality.cleanliness import upper_shelf_inclusion_factor
from mill.quality.rare_earth import excess_fraction
from mill.quality.toughness import transition_curve


@pytest.fixture(scope=shared_scope("module"))
def made(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, Any]]:
    """Every (plate, curve) the metallurgy made in the hand plant."""
    out: list[tuple[Any, Any]] = []
    original = Metallurgy.toughness

    def toughness(self: Metallurgy, plate: Any) -> None:
        original(self, plate)
        out.append((plate, plate.measured.curve))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Metallurgy, "toughness", toughness)
        run_hand(tmp_path_factory.mktemp("quarter"))
    return out


def _inclusion_factor(plate: Any) -> float:
    slab = plate.mother.slab
    heat = slab.heat
    return upper_shelf_inclusion_factor(
        heat.chemistry.get("S", 0.0),
        heat.chemistry.get("Mn", 0.0),
        heat.inclusions.globular_fraction,
        slab.thickness_mm / plate.thickness_mm,
        excess_fraction(heat.re_pct),
    )


def test_the_curve_is_the_quarter_thickness_microstructures(made: list[tuple[Any, Any]]) -> None:
    """Each curve equals the model's curve for the plate's ¼ t hardness and bainite fraction
    and its own inclusion factor (the last curve made for a plate is after any re-temper)."""
    assert len(made) > 20
    for plate, curve in made:
        expected = transition_curve(
            plate.truth.hbw_quarter,
            plate.temper_temp_c,
            _inclusion_factor(plate),
            bainite_fraction=1.0 - plate.truth.fm_quarter,
        )
        assert curve == expected, plate.plate_id


def test_thick_plate_differs_from_a_surface_curve(made: list[tuple[Any, Any]]) -> None:
    """On plate of 50 mm and more the ¼ t hardness is below the surface's, so the curve built
    at ¼ t has a higher upper shelf than one built from the surface hardness would have."""
    thick = [(p, c) for p, c in made if p.thickness_mm >= 50.0]
    assert thick
    for plate, curve in thick:
        surface = transition_curve(
            plate.truth.hbw_surface, plate.temper_temp_c, _inclusion_factor(plate)
        )
        assert plate.truth.hbw_quarter < plate.truth.hbw_surface
        assert curve.upper_j > surface.upper_j
