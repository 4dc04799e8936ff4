"""Disposition: the scenario's rule table (condition → action → reason code) applied to a
plate's *measured* state, the ground truth it is judged against (``mill.model.escapes``:
what makes a release an escape or a rejection false, and why an escape got through), the
grade a downgraded plate is sold as, and the disposition stage that loops through rework
until the plate is released, downgraded or scrapped.
"""

from __future__ import annotations

import simpy

from mill.model.entities import Plate
from mill.model.escapes import escape_reasons, nonconformities, surface_needs_action
from mill.model.plant import Plant
from mill.model.rework import rework_plate

STAGE = "disposition"


def conditions(plant: Plant, plate: Plate) -> list[str]:
    """The rule conditions that hold for the plate's *measured* state, in priority order."""
    g = plant.sc.grades[plate.order.grade]
    lo, hi = g.hbw_window(plate.thickness_mm)
    m = plate.measured
    det = m.det
    seen = [d for d in plate.defects if d.defect_id in det and det[d.defect_id][2]]
    found = {d.mechanism for d in seen}
    out = []
    if m.kv_pass is False:
        out.append("charpy_fail")
    if m.hbw < lo:
        out.append("hardness_low")
    if m.hbw_centre < g.centre_min_hbw:
        out.append("centre_hardness_low")
    if m.hbw > hi:
        out.append("hardness_high")
    if m.ut_pass is False:
        out.append("ut_fail")
    if "cut_edge_crack" in found:
        out.append("cut_edge_crack")
    if m.surface_false_open or any(
        surface_needs_action(plant, d, det[d.defect_id][1]) for d in seen
    ):
        out.append("surface_defect")
    if m.flatness > plant.sc.quality.testing.flatness_tolerance_mm_per_m:  # NaN: not measured
        out.append("flatness_fail")
    return out


def truly_nonconforming(plant: Plant, plate: Plate) -> bool:
    """Ground truth: does the plate fail its order, whatever the inspection saw?"""
    return any(True for _ in nonconformities(plant, plate))


def downgrade_grade(plant: Plant, plate: Plate) -> str:
    """The grade a downgraded plate is sold as: the grade below if its measured hardness
    meets that grade's window, else its own grade as non-prime."""
    g = plant.sc.grades[plate.order.grade]
    lower = g.downgrade_to
    if lower is not None:
        lg = plant.sc.grades[lower]
        lo, hi = lg.hbw_window(plate.thickness_mm)
        if lo <= plate.measured.hbw <= hi:
            return lower
    return plate.order.grade


def dispose(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """The disposition stage: apply the rules until the plate is released, downgraded or
    scrapped, sending it through rework (and back to inspection) as they say."""
    dis = plant.sc.quality.disposition
    rules = plant.disposition_rules
    # the truth when first judged: a rejection is false if the plate was conforming then
    plate.measured.nc_first = truly_nonconforming(plant, plate)
    while True:
        conds = conditions(plant, plate)
        if not conds:
            if plate.resizes:
                _dispose(plant, plate, "downgraded", "RESIZED", plate.order.grade)
            else:
                _dispose(plant, plate, "prime", "", plate.order.grade)
            return
        rule = rules[conds[0]]
        action = rule.action
        done = plate.rework_counts.get(rule.condition, 0)
        rework = action not in ("release", "downgrade", "scrap")
        if rework and (not dis.rework or done >= rule.max_times):
            action = rule.fallback
        if action == "release":
            _dispose(plant, plate, "prime", rule.reason, plate.order.grade)
            return
        if action == "scrap":
            _dispose(plant, plate, "scrap", rule.reason, "")
            return
        if action == "downgrade":
            _dispose(plant, plate, "downgraded", rule.reason, downgrade_grade(plant, plate))
            return
        plate.rework_counts[rule.condition] = done + 1
        ok = yield from rework_plate(plant, plate, action, rule.condition)
        if not ok:  # the rework was not possible (e.g. nothing worth re-sizing)
            _dispose(plant, plate, "scrap", rule.reason, "")
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
