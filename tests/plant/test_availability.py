"""Availability (issue 14.5): work-roll changes by rolled tonnage or length, planned stops
from the calendar, and the baseline plate mill's availability inside the band the README
gives. equipment.csv tells planned stops from unplanned ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from core_support import BASELINE
from plant_support import HandRun, run_hand

from mill.model.run import run_scenario
from mill.scenario import ScenarioError, load_scenario, validate

AVAILABILITY_BAND = (0.85, 0.92)
"""README "Availability": a plate mill is available ~85–92 % of the time (assumption band)."""

CHANGE = "plant.plate_mill.roll_change_min=12"


def _stops(run: HandRun, unit: str, stop: str) -> pd.DataFrame:
    eq = run.table("equipment")
    return eq[(eq["unit"] == unit) & (eq["state"] == "down") & (eq["stop"] == stop)]


def _rolled(run: HandRun) -> pd.DataFrame:
    slabs = run.table("slabs").dropna(subset=["rolled_min"])
    return slabs.sort_values("rolled_min", kind="stable")


def test_roll_changes_come_at_the_set_tonnage(tmp_path: Path) -> None:
    """A work-roll change starts as the slab that brings the rolls' tonnes since the last
    change to roll_change_every_t leaves the rolls; it lasts roll_change_min and is planned."""
    total = float(_rolled(run_hand(tmp_path / "probe"))["rolled_mass_t"].sum())
    every = total / 4.5  # about four changes in the run
    run = run_hand(tmp_path / "run", [f"plant.plate_mill.roll_change_every_t={every}", CHANGE])
    due, worn = [], 0.0
    for t, mass in _rolled(run)[["rolled_min", "rolled_mass_t"]].itertuples(index=False):
        worn += mass
        if worn >= every:
            due.append(round(float(t), 3))
            worn = 0.0
    got = _stops(run, "plate_mill", "roll_change")
    assert len(due) >= 3
    assert [round(float(s), 3) for s in got["start_min"]] == due
    assert np.allclose(got["duration_min"], 12.0, atol=2e-3)
    assert set(got["stop_type"]) == {"planned"}


def test_roll_changes_by_rolled_length(tmp_path: Path) -> None:
    """By length: with a change every metre every rolled plate wears the rolls out, so a
    change follows each slab; with 10,000 km none comes."""
    run = run_hand(tmp_path / "short", ["plant.plate_mill.roll_change_every_km=0.001", CHANGE])
    starts = _stops(run, "plate_mill", "roll_change")["start_min"].round(3).tolist()
    assert starts == _rolled(run)["rolled_min"].round(3).tolist()
    run = run_hand(tmp_path / "long", ["plant.plate_mill.roll_change_every_km=10000", CHANGE])
    assert _stops(run, "plate_mill", "roll_change").empty


def test_planned_stops_come_at_their_calendar_times(tmp_path: Path) -> None:
    """A daily 2-hour maintenance stop of the mill and the leveller at the start of shift B
    (14:00; the hand plant starts at 06:00) is down from minute 480 + 1440·k for 120 min,
    as planned maintenance, on both units."""
    stop = (
        'calendar.stops=[{units = ["plate_mill", "hot_leveller"], reason = "maintenance", '
        'shift = "B", first_day = 0, every_days = 1, hours = 2.0}]'
    )
    run = run_hand(tmp_path / "run", [stop, "run.start=2026-01-05T06:00:00"])
    horizon = run.scenario.run.horizon_days * 1440.0
    want = [480.0 + 1440.0 * k for k in range(3) if 480.0 + 1440.0 * k < horizon]
    for unit in ("plate_mill", "hot_leveller"):
        got = _stops(run, unit, "maintenance")
        assert got["start_min"].tolist() == pytest.approx(want), unit
        ends = np.minimum(np.array(want) + 120.0, horizon)
        assert got["end_min"].tolist() == pytest.approx(list(ends)), unit
        assert set(got["stop_type"]) == {"planned"}
    summ = run.result.summary["utilisation"]["plate_mill"]
    assert summ["planned_down_frac"] > 0 and summ["unplanned_down_frac"] == 0


def test_the_baseline_plate_mill_is_available_within_the_band(tmp_path: Path) -> None:
    """The shipped baseline (16 days): the plate mill's availability (1 − share of the window
    down, planned and unplanned) is inside the README's 85–92 %; it has breakdowns
    (unplanned), roll changes and maintenance (planned), and the split adds up."""
    result = run_scenario(load_scenario(BASELINE), tmp_path / "baseline")
    mill = result.summary["utilisation"]["plate_mill"]
    lo, hi = AVAILABILITY_BAND
    assert lo <= mill["availability"] <= hi
    assert mill["planned_down_frac"] > 0 and mill["unplanned_down_frac"] > 0
    assert mill["planned_down_frac"] + mill["unplanned_down_frac"] == pytest.approx(
        mill["down_frac"], abs=2e-4
    )
    eq = pd.read_csv(result.path / "equipment.csv", low_memory=False)
    down = eq[(eq["unit"] == "plate_mill") & (eq["state"] == "down")]
    assert set(down["stop"]) == {"breakdown", "roll_change", "maintenance"}
    kinds = down.groupby("stop")["stop_type"].unique().map(list).to_dict()
    assert kinds == {
        "breakdown": ["unplanned"],
        "roll_change": ["planned"],
        "maintenance": ["planned"],
    }
    assert eq.loc[eq["state"] != "down", "stop"].isna().all()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"stops": [{"units": ["rolling_mill"], "shift": "A", "hours": 8}]}, "calendar.stops.0"),
        ({"stops": [{"units": ["plate_mill"], "shift": "D", "hours": 8}]}, "calendar: stops.0."),
        ({"stops": [{"units": ["plate_mill"], "shift": "A", "hours": 0}]},
         "calendar.stops.0.hours"),
        ({"shifts": [{"name": "A", "start": "25:00"}]}, "calendar.shifts.0.start"),
        ({"shifts": [{"name": "A", "start": "06:00"}, {"name": "A", "start": "18:00"}]},
         "calendar: shifts: two shifts with the same name"),
        ({"shifts": [{"name": "A", "start": "06:00"}, {"name": "B", "start": "06:00"}]},
         "calendar: shifts: two shifts start at the same time"),
    ],
)  # fmt: skip
def test_a_bad_calendar_is_refused_naming_its_field(edit: dict, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        validate({"calendar": edit})
    assert any(m.startswith(message) for m in info.value.messages), info.value.messages
