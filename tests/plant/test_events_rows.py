"""Each events.csv row names the piece that visited, the kind of piece it is and the stage of
the route the visit belongs to (README "The run folder"); checked on the hand plant, where
every stage of the route is visited."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from plant_support import HandRun

from mill.model.stages.cutting import choose_method

KIND_BY_ID = (
    ("plate", re.compile(r"^H\d{6}-S\d{2}-M\d+-P\d+(R\d+)?$")),
    ("mother", re.compile(r"^H\d{6}-S\d{2}-M\d+$")),
    ("slab", re.compile(r"^H\d{6}-S\d{2}$")),
    ("heat", re.compile(r"^H\d{6}$")),
)
STAGE_BY_UNIT = {
    "converter": "steelmaking",
    "ladle_furnace": "steelmaking",
    "degasser": "steelmaking",
    "caster": "casting",
    "reheat_furnace": "rolling",
    "plate_mill": "rolling",
    "hot_leveller": "rolling",
    "cooling_bed": "rolling",
    "shear_line": "rolling",
    "austenitising_furnace": "heat_treatment",
    "quench": "heat_treatment",
    "cold_buffer": "heat_treatment",
    "tempering_furnace": "heat_treatment",
    "leveller": "heat_treatment",
    "plasma": "cutting",
    "oxyfuel": "cutting",
    "ut": "inspection",
    "manual_ut": "inspection",
    "lab": "inspection",
    "final_inspection": "inspection",
}


def _kind(entity_id: str) -> str:
    return next(kind for kind, pattern in KIND_BY_ID if pattern.match(entity_id))


def test_every_visit_names_its_piece_and_the_kind_of_piece(hand_run: HandRun) -> None:
    """The entity_kind of a row is the kind its id reads as (heat, slab, mother, plate), and
    each unit sees one kind: heats in steelmaking and casting, slabs in rolling, mother
    plates in heat treatment and cutting, product plates in inspection."""
    ev = hand_run.table("events")
    assert ev["entity_id"].notna().all()
    assert (ev["entity_kind"] == ev["entity_id"].map(_kind)).all()
    per_unit = ev.groupby("unit")["entity_kind"].unique()
    assert set(per_unit.index) == set(STAGE_BY_UNIT)
    want = {"steelmaking": "heat", "casting": "heat", "rolling": "slab",
            "heat_treatment": "mother", "cutting": "mother", "inspection": "plate"}  # fmt: skip
    for unit, kinds in per_unit.items():
        assert list(kinds) == [want[STAGE_BY_UNIT[str(unit)]]], unit


def test_every_visit_is_in_its_units_stage(hand_run: HandRun) -> None:
    """A visit on a plate's way through belongs to its unit's stage; rework visits are
    marked as rework."""
    ev = hand_run.table("events")
    onward = ev[ev["stage"] != "rework"]
    assert (onward["stage"] == onward["unit"].map(STAGE_BY_UNIT)).all()
    assert (ev.loc[ev["stage"] == "rework", "entity_kind"] == "plate").all()


@pytest.mark.parametrize(
    ("t", "tables", "method"),
    [
        (40.0, ("plasma", "oxyfuel"), "plasma"),  # the plasma limit itself is plasma
        (40.1, ("plasma", "oxyfuel"), "oxyfuel"),
        (60.0, ("plasma",), "plasma"),  # no oxy-fuel table: plasma cuts everything
        (10.0, ("oxyfuel",), "oxyfuel"),  # no plasma table: oxy-fuel cuts everything
    ],
)
def test_cutting_method_by_thickness_and_the_tables_there_are(
    t: float, tables: tuple[str, ...], method: str
) -> None:
    """Plasma up to plasma_max_thickness_mm (40 mm) when there are plasma tables, oxy-fuel
    above; a plant with one kind of table cuts everything on it."""
    plant = SimpleNamespace(
        sc=SimpleNamespace(
            plant=SimpleNamespace(cutting=SimpleNamespace(plasma_max_thickness_mm=40.0))
        ),
        units=dict.fromkeys(tables),
    )
    assert choose_method(plant, t) == method  # type: ignore[arg-type]
