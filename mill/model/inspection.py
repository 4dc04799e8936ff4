"""Inspection and disposition of a product plate: automated UT (with the manual re-check of
flagged zones), lab tests by lot, final inspection (visual/MT, flatness gauge), then the
scenario's disposition rules (condition → action → reason code) with their rework loops:
re-temper, re-level, grind, cut out and re-size; or downgrade, or scrap.

Every call is made on *measured* values; the plate also carries its truth, so the record
says whether a release was an escape and whether a rejection was a false reject.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

from mill.distributions import draw_uniform
from mill.model.entities import Plate
from mill.quality import acceptance as acc
from mill.quality.defects import Defect, is_internal
from mill.quality.geometry import edge_zone_width_mm
from mill.quality.inspection import Indication, manual_recheck, pod_one, ut_scan, ut_time_min

if TYPE_CHECKING:
    from mill.model.plant import Plant

STAGE = "inspection"
SURFACE = ("rolled_in_scale", "surface_crack", "quench_crack")
GRIND_SUCCESS = 0.85
RELEVEL_SUCCESS = 0.9
FLATNESS_NOISE_MM_PER_M = 0.3
"""Assumptions: success of a grinding or re-levelling repair; flatness gauge noise."""
RETEMPER_DELTA_C = 25.0
"""Assumption: a too-hard plate is re-tempered 25 °C above its grade's set point."""
MIN_RESIZE_FRAC = 0.4
"""Assumption: a cut-out is worth re-sizing if at least 40 % of the length remains."""


def ut_zone(x: float, y: float, t: float, w: float, length: float) -> str:
    """EN 10160 zone of a point: edge within the edge-zone width of any edge, else body."""
    e = edge_zone_width_mm(t)
    return "edge" if min(x, y, length - x, w - y) < e else "body"


def _perimeter_pos(x: float, y: float, w: float, length: float) -> float:
    """Position along the perimeter of the nearest edge point (for the per-metre count)."""
    d = {"bottom": y, "right": length - x, "top": w - y, "left": x}
    side = min(d, key=d.__getitem__)
    if side == "bottom":
        return x
    if side == "right":
        return length + y
    if side == "top":
        return length + w + (length - x)
    return 2 * length + w + (w - y)


def ut_classes(indications: list, t: float, w: float, length: float) -> tuple[str, str, str]:
    """(EN 10160 body class, edge class, ASTM A578 level) the indications meet."""
    if not indications:
        return "S3", "E4", "C"
    zones = [ut_zone(i.x_mm, i.y_mm, t, w, length) for i in indications]
    body = [i for i, z in zip(indications, zones, strict=True) if z == "body"]
    edge = [i for i, z in zip(indications, zones, strict=True) if z == "edge"]
    body_cls = acc.en10160_body_class(
        [i.area_mm2 for i in body], [i.x_mm for i in body], [i.y_mm for i in body], w, length, t
    )
    edge_cls = acc.en10160_edge_class(
        [i.area_mm2 for i in edge],
        [i.length_mm for i in edge],
        [_perimeter_pos(i.x_mm, i.y_mm, w, length) for i in edge],
        2 * (w + length),
    )
    level = acc.a578_level([(i.length_mm, i.width_mm, i.x_mm, i.y_mm) for i in indications], t)
    return body_cls, edge_cls, level


def meets_ut(ordered: str, body: str, edge: str, level: str) -> bool:
    """Does a plate with these classes meet the ordered UT class?"""
    if ordered == "none":
        return True
    if ordered.startswith("A578"):
        rank = {"none": 0, "A": 1, "B": 2, "C": 3}
        return rank[level] >= rank[ordered[-1]]
    return acc.meets_en10160(body, edge, ordered[:2], ordered[2:])


def plate_process(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """One product plate from the cutting table to its disposition."""
    yield from ut_step(plant, plate)
    yield from plant.lab.hardness(plate)
    yield from plant.lab.charpy(plate)
    yield from final_step(plant, plate)
    yield from disposition(plant, plate)


def ut_step(plant: Plant, plate: Plate, visit_unit: bool = True) -> simpy.events.ProcessGenerator:
    """Automated UT scan; flagged plates go to the manual re-check."""
    if plate.thickness_mm < 6.0:  # EN 10160 scope: 6–200 mm
        plate.meas.update(ut_body="", ut_edge="", ut_level="", ut_pass=True)
        return
    settings = plant.metallurgy_ut
    minutes = plant.base_time("ut")
    if plant.sc.plant.ut.derived_time:
        minutes += ut_time_min(plate.width_mm, plate.length_mm, settings)
    yield from plant.units["ut"].visit(plate.plate_id, "plate", STAGE, minutes)
    rng = plate.rng
    scan = ut_scan(
        rng, plate.defects, plate.thickness_mm, plate.width_mm, plate.length_mm, settings
    )
    det = plate.meas.setdefault("det", {})
    if scan:
        yield from plant.units["manual_ut"].visit(
            plate.plate_id, "plate", STAGE, plant.base_time("manual_ut")
        )
        checked = manual_recheck(rng, scan, plate.defects, settings)
        confirmed = [i for i in checked if i.confirmed]
        for i in checked:
            if i.true_defect_index >= 0:
                d = plate.defects[i.true_defect_index]
                det[d.defect_id] = ("manual_ut" if i.confirmed else "ut", i.area_mm2, i.confirmed)
    else:
        confirmed = []
    plate.indications = confirmed
    plate.meas["scan"] = scan
    body, edge, level = ut_classes(confirmed, plate.thickness_mm, plate.width_mm, plate.length_mm)
    plate.meas.update(
        ut_body=body,
        ut_edge=edge,
        ut_level=level,
        ut_pass=meets_ut(plate.order.ut_class, body, edge, level),
    )


def final_step(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """Visual/MT inspection of surfaces and cut edges, flatness gauge."""
    yield from plant.units["final_inspection"].visit(
        plate.plate_id, "plate", STAGE, plant.base_time("final_inspection")
    )
    inspect_defects(plant, plate)


def inspect_defects(plant: Plant, plate: Plate) -> None:
    """Find surface and edge defects, measure flatness (as of now)."""
    rng = plate.rng
    det = plate.meas.setdefault("det", {})
    age_h = (plant.env.now - plate.cut_min) / 60.0
    vis = plant.sc.quality.visual
    flat_defect = False
    for d in plate.defects:
        if d.mechanism in SURFACE:
            p_find = pod_one(d.equivalent_diameter_mm, vis.a50_mm, vis.a90_mm)
            if d.defect_id not in det and rng.random() < p_find:
                det[d.defect_id] = ("visual", d.area_mm2, True)
        elif d.mechanism == "cut_edge_crack":
            p_edge = (
                vis.edge_crack_pod_after_48h if age_h >= 48.0 else vis.edge_crack_pod_before_48h
            )
            if d.defect_id not in det and rng.random() < p_edge:
                det[d.defect_id] = ("visual", d.area_mm2, True)
        elif d.mechanism == "flatness":
            flat_defect = True
    tol = plant.sc.quality.testing.flatness_tolerance_mm_per_m
    # the plate's true flatness is drawn once, and again only when a re-levelling has
    # removed its flatness defect (assumption: a defect is 1.05–2.5× the tolerance, a sound
    # plate 0.2–0.8×); each gauge reading adds its own noise
    if plate.props.get("flat_defect") != flat_defect:
        lo_hi = (1.05, 2.5) if flat_defect else (0.2, 0.8)
        plate.props["flatness_true"] = draw_uniform(rng, *lo_hi) * tol
        plate.props["flat_defect"] = flat_defect
    true_flat = plate.props["flatness_true"]
    meas = true_flat + float(rng.normal(0.0, FLATNESS_NOISE_MM_PER_M))
    plate.meas["flatness"] = meas
    for d in plate.defects:
        if d.mechanism == "flatness" and meas > tol:
            det[d.defect_id] = ("flatness", d.area_mm2, True)
    plant.lab.write_test(
        plate,
        f"{plate.plate_id}-FL",
        "flatness",
        "full plate",
        "",
        meas,
        "mm/m",
        true_flat,
        "",
        tol,
        meas <= tol,
        plate.relevels > 0,
    )


def is_surface_defect(plant: Plant, d: Defect, area_mm2: float) -> bool:
    """A surface finding that needs action: any crack, or scale beyond an imperfection."""
    if d.mechanism == "rolled_in_scale":
        return area_mm2 > plant.sc.quality.visual.scale_imperfection_max_mm2
    return d.mechanism in SURFACE


def conditions(plant: Plant, plate: Plate) -> list[str]:
    """The rule conditions that hold for the plate's *measured* state, in priority order."""
    g = plant.sc.grades[plate.order.grade]
    lo, hi = g.hbw_window(plate.thickness_mm)
    m = plate.meas
    det = m.get("det", {})
    seen = [d for d in plate.defects if d.defect_id in det and det[d.defect_id][2]]
    found = {d.mechanism for d in seen}
    out = []
    if not m.get("kv_pass", True):
        out.append("charpy_fail")
    if m["hbw"] < lo:
        out.append("hardness_low")
    if m["hbw_centre"] < g.centre_min_hbw:
        out.append("centre_hardness_low")
    if m["hbw"] > hi:
        out.append("hardness_high")
    if not m.get("ut_pass", True):
        out.append("ut_fail")
    if "cut_edge_crack" in found:
        out.append("cut_edge_crack")
    if any(is_surface_defect(plant, d, det[d.defect_id][1]) for d in seen):
        out.append("surface_defect")
    if m.get("flatness", 0.0) > plant.sc.quality.testing.flatness_tolerance_mm_per_m:
        out.append("flatness_fail")
    return out


def truly_nonconforming(plant: Plant, plate: Plate) -> bool:
    """Ground truth: does the plate fail its order, whatever the inspection saw?"""
    g = plant.sc.grades[plate.order.grade]
    lo, hi = g.hbw_window(plate.thickness_mm)
    p = plate.props
    if not lo <= p["hbw_surface"] <= hi or p["hbw_centre"] < g.centre_min_hbw:
        return True
    if p["kv_true"] < g.charpy_min_j:
        return True
    if any(d.mechanism in ("cut_edge_crack", "flatness") for d in plate.defects):
        return True
    if any(is_surface_defect(plant, d, d.area_mm2) for d in plate.defects):
        return True
    if plate.order.ut_class != "none" and plate.thickness_mm >= 6.0:
        truth = [
            Indication(d.x_mm, d.y_mm, d.z_frac, d.length_mm, d.width_mm, d.area_mm2, k, True)
            for k, d in enumerate(plate.defects)
            if is_internal(d.mechanism)
        ]
        body, edge, level = ut_classes(truth, plate.thickness_mm, plate.width_mm, plate.length_mm)
        if not meets_ut(plate.order.ut_class, body, edge, level):
            return True
    return False


def disposition(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """Apply the rules until the plate is released, downgraded or scrapped."""
    from mill.model.rework import do_rework

    dis = plant.sc.quality.disposition
    rules = plant.disposition_rules
    # the truth when first judged: a rejection is false if the plate was conforming then
    plate.meas["nc_first"] = truly_nonconforming(plant, plate)
    while True:
        conds = conditions(plant, plate)
        if not conds:
            if plate.resizes:
                plant.ledger.dispose(plate, "downgraded", "RESIZED", plate.order.grade)
            else:
                plant.ledger.dispose(plate, "prime", "", plate.order.grade)
            return
        rule = rules[conds[0]]
        action = rule.action
        done = plate.rework_counts.get(rule.condition, 0)
        rework = action not in ("release", "downgrade", "scrap")
        if rework and (not dis.rework or done >= rule.max_times):
            action = rule.fallback
        if action == "release":
            plant.ledger.dispose(plate, "prime", rule.reason, plate.order.grade)
            return
        if action == "scrap":
            plant.ledger.dispose(plate, "scrap", rule.reason, "")
            return
        if action == "downgrade":
            plant.ledger.dispose(plate, "downgraded", rule.reason, downgrade_grade(plant, plate))
            return
        plate.rework_counts[rule.condition] = done + 1
        ok = yield from do_rework(plant, plate, action, rule.condition)
        if not ok:  # the rework was not possible (e.g. nothing worth re-sizing)
            plant.ledger.dispose(plate, "scrap", rule.reason, "")
            return


def downgrade_grade(plant: Plant, plate: Plate) -> str:
    """The grade a downgraded plate is sold as: the grade below if its measured hardness
    meets that grade's window, else its own grade as non-prime."""
    g = plant.sc.grades[plate.order.grade]
    lower = g.downgrade_to
    if lower is not None:
        lg = plant.sc.grades[lower]
        lo, hi = lg.hbw_window(plate.thickness_mm)
        if lo <= plate.meas["hbw"] <= hi:
            return lower
    return plate.order.grade
