"""Rework loops of the disposition rules: re-temper, re-level, grind, cut out and re-size.

Each returns True when the plate comes back for a new decision, False when the rework was
not possible (nothing worth keeping after a cut-out).
"""

from __future__ import annotations

import simpy

from mill.model.entities import Plate, mass_t
from mill.model.plant import Plant
from mill.model.stages.cutting import cutting_speed_mm_per_min
from mill.model.stages.inspection import inspect_defects, ut_step
from mill.quality.acceptance import is_surface_defect
from mill.quality.geometry import Rect, split_defects

STAGE = "rework"
GRIND_SUCCESS = 0.85
RELEVEL_SUCCESS = 0.9
"""Assumptions: success of a grinding or re-levelling repair."""
RETEMPER_DELTA_C = 25.0
"""Assumption: a too-hard plate is re-tempered 25 °C above its grade's set point."""
MIN_RESIZE_FRAC = 0.4
"""Assumption: a cut-out is worth re-sizing if at least 40 % of the length remains."""
CUTOUT_MARGIN_MM = 50.0
"""Assumption: a UT cut-out keeps 50 mm clear of the indication's boundary."""
EDGE_RECUT_MM = 30.0
"""Assumption: re-squaring removes 30 mm from every edge (below the HAZ + crack depth)."""


def rework_plate(
    plant: Plant, plate: Plate, action: str, condition: str
) -> simpy.events.ProcessGenerator:
    """Perform ``action`` on ``plate``; returns whether the plate goes back to disposition."""
    rng = plate.rng
    u = plant.units
    pid = plate.plate_id
    if action == "retemper":
        g = plant.sc.grades[plate.order.grade]
        temp = g.temper_temp_c.mean() + RETEMPER_DELTA_C
        soak = plant.temper_soak_min(plate.thickness_mm)
        yield from u["tempering_furnace"].visit(pid, "plate", STAGE, soak)
        yield from u["leveller"].visit(pid, "plate", STAGE, plant.base_time("leveller"))
        plant.metallurgy.retemper(plate, temp, soak)
        plate.retempers += 1
        yield from plant.lab.retest_after_retemper(plate)
        return True
    if action == "relevel":
        yield from u["leveller"].visit(pid, "plate", STAGE, plant.base_time("leveller"))
        plate.relevels += 1
        if rng.random() < RELEVEL_SUCCESS:
            plant.ledger.remove_defects(
                plate, [d for d in plate.defects if d.mechanism == "flatness"]
            )
        yield from u["final_inspection"].visit(
            pid, "plate", STAGE, plant.base_time("final_inspection")
        )
        inspect_defects(plant, plate)
        return True
    if action == "grind":
        det = plate.measured.det
        scale_max = plant.sc.quality.visual.scale_imperfection_max_mm2
        found = [
            d
            for d in plate.defects
            if d.defect_id in det
            and det[d.defect_id][2]
            and is_surface_defect(d.mechanism, det[d.defect_id][1], scale_max)
        ]
        # a confirmed false surface call is a spot ground like a real one; grinding it
        # finds nothing, and the call is closed
        spots = len(found) + plate.measured.surface_false_open
        plate.measured.surface_false_open = 0
        minutes = plant.base_time("final_inspection") * (1 + 2 * spots)
        yield from u["final_inspection"].visit(pid, "plate", STAGE, minutes)
        plate.grinds += 1
        plant.ledger.remove_defects(plate, [d for d in found if rng.random() < GRIND_SUCCESS])
        inspect_defects(plant, plate)
        return True
    if action == "cutout_resize":
        rect = _keep_rect(plant, plate, condition)
        if rect is None:
            return False
        method = (
            plate.cutting_method
            if plate.cutting_method in u
            else next(m for m in ("plasma", "oxyfuel") if m in u)
        )
        cut_len = 2.0 * (rect.width + rect.length)
        minutes = plant.base_time(method) + cut_len / cutting_speed_mm_per_min(
            method, plate.thickness_mm
        )
        yield from u[method].visit(pid, "plate", STAGE, minutes)
        _resize(plant, plate, rect)
        yield from ut_step(plant, plate)
        inspect_defects(plant, plate)
        return True
    raise ValueError(f"unknown rework action {action!r}")


def _keep_rect(plant: Plant, plate: Plate, condition: str) -> Rect | None:
    """The part of the plate to keep: clear of rejecting indications along the length
    (UT), or the plate re-squared inside its cracked edges (cut-edge cracks)."""
    w, ln = plate.width_mm, plate.length_mm
    if condition == "cut_edge_crack":
        e = EDGE_RECUT_MM
        if w - 2 * e <= 0 or ln - 2 * e <= 0:
            return None
        return Rect(e, e, ln - e, w - e)
    bad = sorted(
        (
            max(0.0, i.x_mm - i.length_mm / 2 - CUTOUT_MARGIN_MM),
            min(ln, i.x_mm + i.length_mm / 2 + CUTOUT_MARGIN_MM),
        )
        for i in plate.indications
    )
    best = (0.0, 0.0)
    x = 0.0
    for lo, hi in [*bad, (ln, ln)]:
        if lo - x > best[1] - best[0]:
            best = (x, lo)
        x = max(x, hi)
    if best[1] - best[0] < MIN_RESIZE_FRAC * ln:
        return None
    return Rect(best[0], 0.0, best[1], w)


def _resize(plant: Plant, plate: Plate, rect: Rect) -> None:
    """Cut the plate down to ``rect``; the rest (and its defects) goes to scrap."""
    (kept,), removed = split_defects(plate.defects, [rect])
    old_id = plate.plate_id
    plate.resizes += 1
    new_id = f"{old_id.split('R')[0] if plate.resizes > 1 else old_id}R{plate.resizes}"
    new_mass = mass_t(plate.thickness_mm, rect.width, rect.length)
    plant.ledger.resized(plate, old_id, new_id, new_mass, removed)
    plate.plate_id = new_id
    plate.width_mm, plate.length_mm, plate.mass_t = rect.width, rect.length, new_mass
    plate.defects = kept
    plate.indications = []
    kept_ids = {d.defect_id for d in kept}
    plate.measured.det = {k: v for k, v in plate.measured.det.items() if k in kept_ids}
