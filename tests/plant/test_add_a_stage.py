"""Adding a stage takes one new module plus its scenario and route entries (DESIGN.md: the
route as data). The module ``toy_stage`` adds shot blasting after cutting without touching
the package: every plate then visits the new unit between the cutting table and UT."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from core_support import BASELINE
from toy_stage import STAGE, toy_route, toy_scenario

from mill.model.run import run_scenario
from mill.scenario import load_scenario


def test_a_toy_stage_after_cutting_runs_every_plate_through_its_unit(tmp_path: Path) -> None:
    """With the toy stage in the route and its unit in the scenario, every plate that reached
    UT went through the shot-blast line first, the unit is in the equipment table, and the
    run's invariants hold."""
    sc = toy_scenario(load_scenario(BASELINE, ["run.horizon_days=1.5", "run.warmup_days=0.3"]))
    result = run_scenario(sc, tmp_path / "run", route=toy_route())
    assert result.invariants["ok"], result.invariants
    events = pd.read_csv(tmp_path / "run" / "events.csv")
    blast = events[events["unit"] == "shot_blast"]
    ut = events[(events["unit"] == "ut") & (events["stage"] == "inspection")]
    ut = ut[~ut["entity_id"].str.contains(r"R\d+$")]  # a re-sized plate is scanned again
    assert not blast.empty and set(blast["stage"]) == {STAGE}
    first_blast = blast.groupby("entity_id")["end_min"].min()
    first_ut = ut.groupby("entity_id")["start_min"].min()
    both = first_ut.index.intersection(first_blast.index)
    assert len(both) == len(first_ut)  # no plate reached UT without being blasted
    assert (first_blast[both] <= first_ut[both]).all()
    equipment = pd.read_csv(tmp_path / "run" / "equipment.csv")
    assert "shot_blast" in set(equipment["unit"])
    assert "shot_blast" in result.summary["utilisation"]


def test_the_shipped_route_has_no_toy_stage(tmp_path: Path) -> None:
    """The toy lives in the tests only: the package's route and scenario do not know it."""
    sc = load_scenario(BASELINE, ["run.horizon_days=0.5", "run.warmup_days=0.1"])
    result = run_scenario(sc, tmp_path / "run")
    assert "shot_blast" not in result.summary["utilisation"]
