"""The inspection regimes a quality manager can add to the baseline's inspection: automated
surface inspection with manual confirmation, a hold and magnetic-particle testing of the cut
edges, and a portable hardness reading on every plate. (Phased-array UT is an option of the
UT unit: ``mill.model.metallurgy.ut_settings``.)

Each regime is a real unit (``plant.surface_inspection``, ``plant.edge_mt``,
``plant.hardness_tester``) with its own time and capacity, and a detection model from
``mill.quality.detection`` with the figures in ``quality.surface_inspection``,
``quality.cut_edges`` and ``quality.testing``. All are off by default; off, none of them
draws a random number or schedules an event, so the baseline's records do not move. Their
draws come from a stream of the plate's own (``regime_rng``), apart from the stream its
other inspections draw from.
"""

from __future__ import annotations

import numpy as np
import simpy

from mill.model.entities import Plate
from mill.model.plant import Plant
from mill.quality.acceptance import SURFACE
from mill.quality.defects import lognormal_draw
from mill.quality.detection import pod_one

STAGE = "inspection"


def enabled(plant: Plant, unit: str) -> bool:
    """Is the regime whose unit this is part of the plant?"""
    return unit in plant.units


def regime_rng(plant: Plant, plate: Plate) -> np.random.Generator:
    """The plate's own stream for the regimes' draws, keyed like its other streams."""
    m = plate.measured
    if m.regime_rng is None:
        mother = plate.mother
        heat = mother.slab.heat
        purpose = f"regimes/{mother.slab.index}/{mother.index}/{plate.index}"
        m.regime_rng = plant.streams.generator(purpose, heat.number)
    return m.regime_rng


# ---- automated surface inspection ---------------------------------------------------------
def surface_inspection(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """Scan both faces; an inspector confirms each flagged spot at final inspection.

    A surface defect is flagged with the POD of its equivalent diameter (cracks and rolled-in
    scale each have their curve); false calls are Poisson in the area of both faces. A true
    flag is confirmed with ``confirm_pod``; a false one survives with 1 − dismissal, and a
    confirmed false call sends the plate to grinding like a real finding.
    """
    spec = plant.sc.plant.surface_inspection
    q = plant.sc.quality.surface_inspection
    minutes = plant.base_time("surface_inspection") + plate.length_mm / 1000.0 / (
        spec.speed_m_per_s * 60.0
    )
    yield from plant.units["surface_inspection"].visit(plate.plate_id, "plate", STAGE, minutes)
    rng = regime_rng(plant, plate)
    det = plate.measured.det
    flagged = []
    for d in plate.defects:
        if d.mechanism not in SURFACE or d.defect_id in det:
            continue
        if d.mechanism == "rolled_in_scale":
            a50, a90 = q.scale_a50_mm, q.scale_a90_mm
        else:
            a50, a90 = q.crack_a50_mm, q.crack_a90_mm
        if rng.random() < pod_one(d.equivalent_diameter_mm, a50, a90):
            flagged.append(d)
    faces_m2 = 2.0 * plate.width_mm * plate.length_mm / 1e6
    n_false = int(rng.poisson(q.false_calls_per_m2 * faces_m2))
    m = plate.measured
    m.surface_flags = len(flagged) + n_false
    counts = plant.regime_counts
    counts["surface_flags"] += len(flagged)
    counts["surface_false_calls"] += n_false
    if not m.surface_flags:
        return
    confirm = plant.sampler("time/surface_confirm", spec.confirm_min)
    minutes = sum(max(0.0, confirm()) for _ in range(m.surface_flags))
    yield from plant.units["final_inspection"].visit(plate.plate_id, "plate", STAGE, minutes)
    for d in flagged:
        if rng.random() < q.confirm_pod:
            det[d.defect_id] = ("surface_inspection", d.area_mm2, True)
    kept = sum(1 for _ in range(n_false) if rng.random() >= q.false_call_dismissal)
    m.surface_false_open = kept
    counts["surface_false_confirmed"] += kept


# ---- cut edges: hold and magnetic-particle testing ------------------------------------------
def visible_after_h(plant: Plant, plate: Plate, defect_id: str) -> float:
    """Hours after cutting at which a delayed cut-edge crack becomes visible: log-normal,
    drawn once per crack (``quality.cut_edges``; assumption, reference/inspection.md §4)."""
    seen = plate.measured.visible_h
    t = seen.get(defect_id)
    if t is None:
        ce = plant.sc.quality.cut_edges
        t = seen[defect_id] = lognormal_draw(
            regime_rng(plant, plate), ce.visible_median_h, ce.visible_sigma_ln
        )
    return t


def hold(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """Hold the plate until ``hold_h`` after cutting (storage assumed unlimited)."""
    wait = plate.cut_min + plant.sc.quality.cut_edges.hold_h * 60.0 - plant.env.now
    if wait > 0.0:
        yield plant.env.timeout(wait)


def edge_mt(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """Magnetic-particle testing of the plate's cut edges: a crack is found if it has become
    visible by now and with the MT POD of its length (DSTO-TR-2794 a90 = 2.0 mm)."""
    spec = plant.sc.plant.edge_mt
    ce = plant.sc.quality.cut_edges
    perimeter_m = 2.0 * (plate.width_mm + plate.length_mm) / 1000.0
    minutes = plant.base_time("edge_mt") + spec.min_per_m * perimeter_m
    yield from plant.units["edge_mt"].visit(plate.plate_id, "plate", STAGE, minutes)
    age_h = (plant.env.now - plate.cut_min) / 60.0
    plate.measured.mt_age_h = age_h
    rng = regime_rng(plant, plate)
    det = plate.measured.det
    for d in plate.defects:
        if d.mechanism != "cut_edge_crack" or d.defect_id in det:
            continue
        if visible_after_h(plant, plate, d.defect_id) <= age_h and rng.random() < pod_one(
            d.length_mm, ce.mt_a50_mm, ce.mt_a90_mm
        ):
            det[d.defect_id] = ("edge_mt", d.area_mm2, True)


# ---- a portable hardness reading on every plate ---------------------------------------------
def inline_hardness(plant: Plant, plate: Plate) -> simpy.events.ProcessGenerator:
    """Read every plate's surface hardness with a portable tester; a plate that carries its
    lot's result and reads outside its window gets a lab test of its own, which decides."""
    yield from plant.units["hardness_tester"].visit(
        plate.plate_id, "plate", STAGE, plant.base_time("hardness_tester")
    )
    noise = plant.sc.quality.testing.inline_hardness_noise_hbw
    reading = plate.truth.hbw_surface + float(regime_rng(plant, plate).normal(0.0, noise))
    plate.measured.hbw_inline = reading
    lo, hi = plant.sc.grades[plate.order.grade].hbw_window(plate.thickness_mm)
    inside = lo <= reading <= hi
    plant.lab.write_test(
        plate, f"{plate.plate_id}-HP", "hardness_portable", "surface", "", reading, "HBW",
        plate.truth.hbw_surface, lo, hi, inside, False,
    )  # fmt: skip
    if not inside and plate.measured.hbw_ref != plate.plate_id:
        plant.regime_counts["hardness_confirmations"] += 1
        yield from plant.lab.own_hardness_test(plate, f"{plate.plate_id}-HC")


def regimes_on(plant: Plant) -> list[str]:
    """The regimes in this plant, by unit name (and ``phased_array_ut``)."""
    out: list[str] = [
        u for u in ("surface_inspection", "edge_mt", "hardness_tester") if u in plant.units
    ]
    if plant.sc.plant.ut.phased_array:
        out.append("phased_array_ut")
    if plant.sc.quality.cut_edges.hold_h > 0.0:
        out.append("cut_edge_hold")
    return out
