"""Rolling: a slab's way from the slab yard through the reheating furnace, the reversing
plate mill, hot leveller and cooling bed to the shear line, which crops, side-trims and
cross-cuts the rolled plate into mother plates.

The mill's time comes from the pass schedule: passes = ⌈ln(h₀/h₁) / −ln(1 − r)⌉ at a mean
reduction r per pass (domain.md §1.4 / §8: 10–25 % roughing, 5–15 % finishing), each pass
taking its pass time plus a reversal.
"""

from __future__ import annotations

import math

import simpy

from mill.model.entities import DENSITY_T_PER_MM3, Mother, Slab, mass_t
from mill.model.plant import Plant
from mill.quality.geometry import Rect, split_defects

STAGE = "rolling"


def pass_count(slab_t_mm: float, plate_t_mm: float, reduction_per_pass: float) -> int:
    """Passes needed to roll h₀ to h₁ at a constant relative reduction per pass."""
    if plate_t_mm >= slab_t_mm:
        return 1
    return max(1, math.ceil(math.log(slab_t_mm / plate_t_mm) / -math.log(1 - reduction_per_pass)))


def slab_process(plant: Plant, slab: Slab) -> simpy.events.ProcessGenerator:
    """One slab from the yard to its mother plates."""
    env = plant.env
    u = plant.units
    sp = plant.sc.plant
    blocking = sp.blocking
    sid = slab.slab_id
    plant.metallurgy.slab_defects(slab)

    furnace = u["reheat_furnace"]
    fv = yield from furnace.enter(sid, "slab", STAGE)
    slab.reheat_start_min = env.now
    rf = sp.reheat_furnace
    hot = env.now - slab.cast_min <= rf.hot_charge_within_h * 60.0
    slab.charge = "hot" if hot else "cold"
    residence = plant.base_time("reheat_furnace")
    if rf.derived_time:
        residence += (
            rf.residence_min_per_mm * slab.thickness_mm * (rf.hot_charge_factor if hot else 1.0)
        )
    slab.reheat_temp_c = plant.sampler("reheat/temp", rf.discharge_temp_c)()
    slab.descale_pressure_bar = plant.sampler("reheat/descale", rf.descale_pressure_bar)()
    yield from furnace.work(fv, residence)

    mill = u["plate_mill"]
    mv = yield from mill.take_over(furnace, fv, sid, "slab", STAGE, blocking)
    slab.reheat_end_min = env.now
    pm = sp.plate_mill
    slab.passes = pass_count(slab.thickness_mm, slab.plan.plate_thickness_mm, pm.reduction_per_pass)
    mill_time = plant.base_time("plate_mill")
    if pm.derived_time:
        pass_s = plant.sampler("mill/pass_time", pm.pass_time_s)
        mill_time += (
            sum(pass_s() for _ in range(slab.passes)) + (slab.passes - 1) * pm.reversal_s
        ) / 60.0
    yield from mill.work(mv, mill_time)
    slab.rolled_min = env.now
    slab.rolled_mass_t = slab.mass_t * (1.0 - pm.scale_loss_pct / 100.0)
    length_mm = rolled_length_mm(slab)
    plant.metallurgy.roll(
        slab, (slab.plan.plate_thickness_mm, slab.plan.rolled_width_mm, length_mm)
    )
    if pm.roll_change_every_t or pm.roll_change_every_km:
        roll_wear(plant, slab.rolled_mass_t, length_mm / 1e6)

    prev, prev_visit = mill, mv
    for name in ("hot_leveller", "cooling_bed", "shear_line"):
        unit = u[name]
        visit = yield from unit.take_over(prev, prev_visit, sid, "slab", STAGE, blocking)
        yield from unit.work(visit, plant.base_time(name))
        prev, prev_visit = unit, visit
    prev.leave(prev_visit)
    mothers = shear(plant, slab)
    for mother in mothers:
        plant.hand_on("mother", mother)
    plant.records.slab(slab, len(mothers))


def roll_wear(plant: Plant, tonnes: float, km: float) -> None:
    """Count a rolled plate against the work rolls; when the rolls have done their tonnes or
    their km since the last change, the mill stops for a roll change (it starts now, the
    plate just rolled still on the mill's table, and the next slab waits for it)."""
    pm = plant.sc.plant.plate_mill
    wear = plant.roll_wear
    wear[0] += tonnes
    wear[1] += km
    due_t = pm.roll_change_every_t and wear[0] >= pm.roll_change_every_t
    due_km = pm.roll_change_every_km and wear[1] >= pm.roll_change_every_km
    if due_t or due_km:
        wear[0] = wear[1] = 0.0
        minutes = plant.sampler("mill/roll_change", pm.roll_change_min)()
        plant.env.process(plant.units["plate_mill"].stop("roll_change", minutes))


def rolled_length_mm(slab: Slab) -> float:
    """Length of the rolled plate from volume constancy after the scale loss."""
    return slab.rolled_mass_t / (
        slab.plan.plate_thickness_mm * slab.plan.rolled_width_mm * DENSITY_T_PER_MM3
    )


def shear(plant: Plant, slab: Slab) -> list[Mother]:
    """Crop head and tail, trim the sides and cross-cut the rolled plate into mother plates.

    The rolled plate's length follows from volume constancy with the scale loss; the
    mother plates sit along it after the head crop, centred across the width, and every
    slab defect lands in one mother plate or in the crop/trim scrap.
    """
    plan = slab.plan
    t = plan.plate_thickness_mm
    rolled_w = plan.rolled_width_mm
    rolled_l = rolled_length_mm(slab)
    crop = max(0.0, (rolled_l - sum(m.length_mm for m in plan.mothers)) / 2.0)
    rects: list[Rect] = []
    x = crop
    for m in plan.mothers:
        y0 = (rolled_w - m.width_mm) / 2.0
        rects.append(Rect(x, y0, x + m.length_mm, y0 + m.width_mm))
        x += m.length_mm
    per_mother, scrap_defects = split_defects(slab.defects, rects)
    mothers: list[Mother] = []
    now = plant.env.now
    for i, (m, found) in enumerate(zip(plan.mothers, per_mother, strict=True), start=1):
        mother = Mother(
            f"{slab.slab_id}-M{i}", slab, m, t, m.width_mm, m.length_mm,
            mass_t(t, m.width_mm, m.length_mm),
        )  # fmt: skip
        mother.index = i
        mother.defects = found
        mothers.append(mother)
    plant.ledger.sheared(slab, mothers, rolled_l, scrap_defects, now)
    return mothers
