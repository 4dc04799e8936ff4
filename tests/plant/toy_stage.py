"""A toy stage, written as a newcomer would add one: shot blasting and priming of every product
plate after cutting. This module is the whole stage: its process and its unit's scenario entry.
The route entry is one line (see ``toy_route``)."""

from __future__ import annotations

import simpy

from mill.model.entities import Plate
from mill.model.plant import Plant
from mill.model.route import ROUTE
from mill.model.stage import Route, Stage
from mill.scenario import Scenario
from mill.scenario.equipment import PlantSection, UnitSpec, unit_at
from mill.scenario.root import Scenario as BaseScenario

STAGE = "shot_blasting"


def shot_blast(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """Blast and prime one plate: a visit to the shot-blast line for its base time."""
    yield from plant.units["shot_blast"].visit(
        plate.plate_id, "plate", STAGE, plant.base_time("shot_blast")
    )


class ToyPlant(PlantSection):
    """The scenario's plant section with the new unit (2 lines, 6 min a plate)."""

    shot_blast: UnitSpec = unit_at(STAGE, UnitSpec(capacity=2, time_min=6.0))


class ToyScenario(BaseScenario):
    """A scenario whose plant has the shot-blast line."""

    plant: ToyPlant = ToyPlant()


def toy_route() -> Route:
    """The mill's route with the new stage between cutting and inspection."""
    stages = list(ROUTE.stages)
    at = next(i for i, s in enumerate(stages) if s.name == "inspection")
    stages.insert(at, Stage(STAGE, "plate", shot_blast))
    return Route(ROUTE.source, tuple(stages))


def toy_scenario(base: Scenario) -> ToyScenario:
    """``base`` with the shot-blast line added to its plant."""
    return ToyScenario.model_validate(base.model_dump(mode="python", by_alias=True))
