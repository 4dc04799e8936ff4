"""Details of the casting and heat-treatment stages on the hand plant, each worked out by hand:

- a slab's place in its cast sequence (the first slab of the first heat is ``first``, the
  last slab of the last heat ``last``, every other slab ``middle``) and each heat's count of
  the slabs cast from it;
- the tempering temperature: the grade's set point plus the furnace's scatter draw;
- with blocking on, a quenched mother plate stays in the quench until the tempering furnace
  has a place for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from plant_support import HandRun, run_hand

SET_POINT_C = {"NM400": 220.0, "NM450": 205.0}  # plant_support.HAND_TOML


def test_each_slab_has_its_place_in_the_cast_sequence(hand_run: HandRun) -> None:
    """slabs.csv's seq_position follows from the heat's place in its sequence and the slab's
    place in its heat; heats.csv counts the slabs cast from each heat (one heat casts four)."""
    heats = hand_run.table("heats").set_index("heat_id")
    slabs = hand_run.table("slabs")
    per_heat = slabs.groupby("heat_id").size()
    assert (heats.loc[per_heat.index, "slabs"] == per_heat).all()
    assert per_heat.max() >= 3
    for _, slab in slabs.iterrows():
        heat = heats.loc[slab["heat_id"]]
        index = int(slab["slab_id"].split("-S")[1])
        if heat["seq_heat_index"] == 1 and index == 1:
            expected = "first"
        elif heat["seq_heat_index"] == heat["seq_heats"] and index == per_heat[slab["heat_id"]]:
            expected = "last"
        else:
            expected = "middle"
        assert slab["seq_position"] == expected, slab["slab_id"]
    assert set(slabs["seq_position"]) == {"first", "middle", "last"}


def test_the_tempering_temperature_is_the_set_point_plus_the_scatter(tmp_path: Path) -> None:
    """With a constant scatter of +10 °C, every plate not re-tempered was tempered at its
    grade's set point + 10 °C (230 °C for NM400, 215 °C for NM450)."""
    run = run_hand(tmp_path, ["plant.tempering_furnace.temp_scatter_c=10", "run.horizon_days=1.2"])
    plates = run.table("plates")
    plates = plates[plates["retempers"] == 0]
    assert set(plates["grade_ordered"]) == set(SET_POINT_C)
    expected = plates["grade_ordered"].map(SET_POINT_C) + 10.0
    assert (plates["temper_temp_c"] == expected).all()


def test_with_blocking_a_quenched_plate_waits_in_the_quench_for_the_tempering_furnace(
    tmp_path: Path,
) -> None:
    """With blocking on, no cold buffer between them and a one-place tempering furnace (soaks
    of an hour or more), each mother plate leaves the quench the instant the furnace takes
    it, and some stay in the quench well beyond its 1 min of work."""
    run = run_hand(
        tmp_path,
        [
            "plant.blocking=true",
            "plant.cold_buffer.capacity=0",
            "plant.tempering_furnace.capacity=1",
            "run.horizon_days=1.5",
        ],
    )
    ev = run.table("events")
    quench = ev[ev["unit"] == "quench"].set_index("entity_id")
    temper = ev[(ev["unit"] == "tempering_furnace") & (ev["stage"] == "heat_treatment")]
    temper = temper.set_index("entity_id")
    both = quench.index.intersection(temper.index)
    assert len(both) >= 3
    assert (quench.loc[both, "end_min"] - temper.loc[both, "start_min"]).abs().max() < 1e-9
    stay = quench.loc[both, "end_min"] - quench.loc[both, "start_min"]
    assert stay.min() == pytest.approx(1.0, abs=1e-6) and stay.max() > 10.0
