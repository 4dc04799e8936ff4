"""Disposition: the scenario's rule table (condition → action → reason code) applied to a
plate's *measured* state, the ground truth it is judged against (``mill.model.escapes``:
what makes a release an escape or a rejection false, and why an escape got through), the
grade a downgraded plate is sold as, and the disposition stage that loops through rework
until the plate is released, downgraded or scrapped.
"""

from __future__ import annotations

from collections.abc import Mapping

import simpy

from mill.model.entities import Plate
from mill.model.escapes import escape_reasons, plate_limits, true_state
from mill.model.plant import Plant
from mill.model.rework import rework_plate
from mill.quality import disposition as rules_of
from mill.quality.disposition import Finding, Reading

STAGE = "disposition"


def conditions(plant: Plant, plate: Plate) -> list[str]:
    """The rule conditions that hold for the plate's *measured* state, in priority order
    (``mill.quality.disposition.conditions``)."""
    m = plate.measured
    det = m.det
    found = [
        Finding(d.mechanism, det[d.defect_id][1])
        for d in plate.defects
        if d.defect_id in det and det[d.defect_id][2]
    ]
    reading = Reading(
        kv_pass=m.kv_pass,
        hbw=m.hbw,
        hbw_centre=m.hbw_centre,
        ut_pass=m.ut_pass,
        flatness_mm_per_m=m.flatness,
        found=found,
        false_surface_calls=m.surface_false_open,
    )
    return rules_of.conditions(reading, plate_limits(plant, plate))


def truly_nonconforming(plant: Plant, plate: Plate) -> bool:
    """Ground truth: does the plate fail its order, whatever the inspection saw?
    (``mill.quality.disposition.truly_nonconforming``)"""
    return rules_of.truly_nonconforming(true_state(plate), plate_limits(plant, plate))


def heat_chemistry(plate: Plate) -> Mapping[str, float] | None:
    """The chemistry of the plate's heat (None for a stand-in plate with no mother plate)."""
    mother = plate.mother
    return None if mother is None else mother.slab.heat.chemistry


def _sold_as_inputs(
    plate: Plate,
) -> tuple[str, float, float, float, Mapping[str, float] | None]:
    """What decides the grade a downgraded plate is sold as: ordered grade, thickness, the
    measured surface and centre hardness, and its heat's chemistry."""
    m = plate.measured
    return plate.order.grade, plate.thickness_mm, m.hbw, m.hbw_centre, heat_chemistry(plate)


def downgrade_grade(plant: Plant, plate: Plate) -> str:
    """The grade a plate downgraded for its hardness is sold as
    (``mill.quality.disposition.downgrade_grade``)."""
    return rules_of.downgrade_grade(plant.sc, *_sold_as_inputs(plate))


def dispose(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """The disposition stage: apply the rules until the plate is released, downgraded or
    scrapped, sending it through rework (and back to inspection) as they say."""
    dis = plant.sc.quality.disposition
    rules = plant.disposition_rules
    # the truth when first judged: a rejection is false if the plate was conforming then
    plate.measured.nc_first = truly_nonconforming(plant, plate)
    while True:
        d = rules_of.decide(
            conditions(plant, plate), rules, plate.rework_counts, dis.rework, plate.resizes > 0
        )
        if not d.is_rework:
            disposition, grade = rules_of.outcome(plant.sc, d, *_sold_as_inputs(plate))
            _dispose(plant, plate, disposition, d.reason, grade)
            return
        plate.rework_counts[d.condition] = plate.rework_counts.get(d.condition, 0) + 1
        ok = yield from rework_plate(plant, plate, d.action, d.condition)
        if not ok:  # the rework was not possible (e.g. nothing worth re-sizing)
            _dispose(plant, plate, "scrap", d.reason, "")
            return


def _dispose(plant: Plant, plate: Plate, disposition: str, reason: str, grade: str) -> None:
    """Book the plate out with its ground truth: judged afresh if it was reworked, else as
    it was when first judged (nothing changed since)."""
    first = plate.measured.nc_first
    if plate.rework_counts or first is None:
        nonconforming = truly_nonconforming(plant, plate)
    else:
        nonconforming = first
    if nonconforming and disposition == "prime":
        plate.escape_reasons = escape_reasons(plant, plate)
    plant.ledger.dispose(plate, disposition, reason, grade, nonconforming)
