"""Inspection of a product plate: automated UT (with the manual re-check of flagged zones),
lab tests by lot, final inspection (visual/MT, flatness gauge), and the inspection regimes a
scenario adds (``mill.model.regimes``). Every finding is a *measured* value; the plate also
carries its truth, so the record can say later whether a release was an escape and whether
a rejection was a false reject."""

from __future__ import annotations

import simpy

from mill.distributions import draw_uniform
from mill.model.entities import Plate
from mill.model.plant import Plant
from mill.model.regimes import edge_mt, hold, inline_hardness, surface_inspection
from mill.quality.acceptance import SURFACE, UT_MIN_THICKNESS_MM, meets_ut, ut_classes
from mill.quality.detection import (
    EDGE_CRACK_VISIBLE_H,
    flatness_reading,
    manual_recheck,
    pod_one,
    ut_scan,
    ut_time_min,
)

STAGE = "inspection"
FLATNESS_NOISE_MM_PER_M = 0.3
"""Assumption: flatness gauge noise (1 sd)."""


def inspect(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """The inspection stage: UT, hardness and Charpy by lot, final inspection, with each
    inspection regime the plant has in its place on the line."""
    units = plant.units
    yield from ut_step(plant, plate)
    if "surface_inspection" in units:
        yield from surface_inspection(plant, plate)
    yield from plant.lab.hardness(plate)
    if "hardness_tester" in units:
        yield from inline_hardness(plant, plate)
    yield from plant.lab.charpy(plate)
    if plate.thickness_mm >= plant.sc.quality.cut_edges.min_thickness_mm:
        yield from hold(plant, plate)
        if "edge_mt" in units:
            yield from edge_mt(plant, plate)
    yield from final_step(plant, plate)


def ut_step(plant: Plant, plate: Plate, visit_unit: bool = True) -> simpy.events.ProcessGenerator:
    """Automated UT scan; flagged plates go to the manual re-check."""
    if plate.thickness_mm < UT_MIN_THICKNESS_MM:
        m = plate.measured
        m.ut_body, m.ut_edge, m.ut_level, m.ut_pass = "", "", "", True
        return
    settings = plant.ut
    minutes = plant.base_time("ut")
    if plant.sc.plant.ut.derived_time:
        minutes += ut_time_min(plate.width_mm, plate.length_mm, settings)
    yield from plant.units["ut"].visit(plate.plate_id, "plate", STAGE, minutes)
    rng = plate.rng
    scan = ut_scan(
        rng, plate.defects, plate.thickness_mm, plate.width_mm, plate.length_mm, settings
    )
    det = plate.measured.det
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
        checked = confirmed = []
    plate.indications = confirmed
    # every indication as the manual re-check left it (confirmed or dismissed): the record of
    # false calls in defects.csv must agree with plates.csv's count of confirmed ones
    plate.measured.scan = checked
    body, edge, level = ut_classes(confirmed, plate.thickness_mm, plate.width_mm, plate.length_mm)
    m = plate.measured
    m.ut_body, m.ut_edge, m.ut_level = body, edge, level
    m.ut_pass = meets_ut(plate.order.ut_class, body, edge, level)


def final_step(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """Visual/MT inspection of surfaces and cut edges, flatness gauge."""
    yield from plant.units["final_inspection"].visit(
        plate.plate_id, "plate", STAGE, plant.base_time("final_inspection")
    )
    inspect_defects(plant, plate)


def inspect_defects(plant: Plant, plate: Plate) -> None:
    """Find surface and edge defects, measure flatness (as of now)."""
    rng = plate.rng
    det = plate.measured.det
    age_h = (plant.env.now - plate.cut_min) / 60.0
    if plate.measured.final_age_h != plate.measured.final_age_h:  # NaN: the first look
        plate.measured.final_age_h = age_h
    vis = plant.sc.quality.visual
    flat_defect = False
    for d in plate.defects:
        if d.mechanism in SURFACE:
            p_find = pod_one(d.equivalent_diameter_mm, vis.a50_mm, vis.a90_mm)
            if d.defect_id not in det and rng.random() < p_find:
                det[d.defect_id] = ("visual", d.area_mm2, True)
        elif d.mechanism == "cut_edge_crack":
            p_edge = (
                vis.edge_crack_pod_after_48h
                if age_h >= EDGE_CRACK_VISIBLE_H
                else vis.edge_crack_pod_before_48h
            )
            if d.defect_id not in det and rng.random() < p_edge:
                det[d.defect_id] = ("visual", d.area_mm2, True)
        elif d.mechanism == "flatness":
            flat_defect = True
    tol = plant.sc.quality.testing.flatness_tolerance_mm_per_m
    # the plate's true flatness is drawn once, and again only when a re-levelling has
    # removed its flatness defect (assumption: a defect is 1.05–2.5× the tolerance, a sound
    # plate 0.2–0.8×); each gauge reading adds its own noise and reads a magnitude (>= 0)
    truth = plate.truth
    if truth.flat_defect != flat_defect:
        lo_hi = (1.05, 2.5) if flat_defect else (0.2, 0.8)
        truth.flatness_true = draw_uniform(rng, *lo_hi) * tol
        truth.flat_defect = flat_defect
    true_flat = truth.flatness_true
    # with automated surface inspection the laser's reading replaces the gauge's
    noise = (
        plant.sc.quality.surface_inspection.flatness_noise_mm_per_m
        if "surface_inspection" in plant.units
        else FLATNESS_NOISE_MM_PER_M
    )
    meas = flatness_reading(rng, true_flat, noise)
    plate.measured.flatness = meas
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
