"""The cutting stage's choices on the hand plant: which table cuts a mother plate, which kerf
its cutting plan leaves between the pieces, and who is preheated.

Plasma cuts up to ``plasma_max_thickness_mm`` (40 mm) when the plant has plasma tables,
oxy-fuel above it or when there are no plasma tables; each method's plan leaves its own kerf
(SSAB TechSupport #16 widths, scenario inputs). Preheat belongs to oxy-fuel cutting only: a
plasma-cut plate is never preheated, whatever its thickness requires.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from plant_support import HandRun, run_hand, shared_scope

import mill.model.stages.cutting as cutting_stage

PLASMA_KERF, OXYFUEL_KERF = 2.0, 7.0


def test_each_mother_is_planned_with_its_own_methods_kerf(tmp_path: Path) -> None:
    """The cutting plan of a plasma-cut mother leaves the plasma kerf between its pieces, an
    oxy-fuel-cut one the oxy-fuel kerf (both methods cut in the hand plant)."""
    planned: list[tuple[str, float]] = []
    choose, plan = cutting_stage.choose_method, cutting_stage.cut_plan

    def spy_choose(plant: Any, thickness_mm: float) -> str:
        method = choose(plant, thickness_mm)
        planned.append((method, float("nan")))
        return method

    def spy_plan(*args: Any) -> Any:
        method, _ = planned[-1]  # the plan follows its method's choice, with no wait between
        planned[-1] = (method, args[-1])
        return plan(*args)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cutting_stage, "choose_method", spy_choose)
        mp.setattr(cutting_stage, "cut_plan", spy_plan)
        run_hand(
            tmp_path,
            [
                f"plant.cutting.plasma_kerf_mm={PLASMA_KERF}",
                f"plant.cutting.oxyfuel_kerf_mm={OXYFUEL_KERF}",
            ],
        )
    kerf = {"plasma": PLASMA_KERF, "oxyfuel": OXYFUEL_KERF}
    assert {m for m, _ in planned} == {"plasma", "oxyfuel"}
    assert all(k == kerf[m] for m, k in planned), planned


@pytest.fixture(scope=shared_scope("module"))
def plasma_only(tmp_path_factory: pytest.TempPathFactory) -> HandRun:
    """The hand plant without oxy-fuel tables: plasma cuts every thickness."""
    return run_hand(tmp_path_factory.mktemp("plasma"), ["plant.cutting.oxyfuel_tables=0"])


def test_without_oxyfuel_tables_plasma_cuts_every_thickness(plasma_only: HandRun) -> None:
    """With no oxy-fuel table, the 50 and 60 mm plates (above plasma's 40 mm) are cut on
    plasma too, and events.csv has no oxy-fuel visit."""
    plates = plasma_only.table("plates")
    assert set(plates["thickness_mm"]) >= {50.0, 60.0}
    assert set(plates["cutting_method"]) == {"plasma"}
    assert "oxyfuel" not in set(plasma_only.table("events")["unit"])


def test_a_plasma_cut_plate_is_never_preheated(plasma_only: HandRun) -> None:
    """The thick plates require a preheat (their required temperature is recorded), but
    plasma cutting gives none: preheat_c is 0 on every plate."""
    plates = plasma_only.table("plates")
    thick = plates[plates["thickness_mm"] >= 50.0]
    assert (thick["preheat_required_c"] > 0).all()
    assert (plates["preheat_c"] == 0).all()


def test_without_plasma_tables_oxyfuel_cuts_every_thickness(tmp_path: Path) -> None:
    """With no plasma table, every plate, thin ones included, is cut on oxy-fuel."""
    run = run_hand(tmp_path, ["plant.cutting.plasma_tables=0", "run.horizon_days=1.2"])
    plates = run.table("plates")
    assert set(plates["thickness_mm"]) >= {10.0, 20.0}
    assert set(plates["cutting_method"]) == {"oxyfuel"}
