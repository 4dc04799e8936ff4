"""Cutting: a heat-treated mother plate onto a plasma or oxy-fuel table, cut into the ordered
product plates plus skeleton scrap; each plate is handed on as it leaves the table.

Cutting speeds are domain.md §1.6's labelled assumptions inside the SSAB TechSupport #16
ranges: plasma 6000·(10/t)^1.1 mm/min bounded to 1200–6000, oxy-fuel 700 − 5.5·t mm/min,
at least 150; every piece costs one pierce.
"""

from __future__ import annotations

import simpy

from mill.distributions import uniform
from mill.model.entities import Mother, Plate, mass_t
from mill.model.planning import EDGE_ALLOWANCE_MM
from mill.model.plant import Plant
from mill.quality.geometry import cut_plan, split_defects

STAGE = "cutting"
_U01 = uniform(0.0, 1.0)


def cutting_speed_mm_per_min(method: str, thickness_mm: float) -> float:
    """Cutting speed by method and thickness (domain.md §1.6 assumption, SSAB TS #16 ranges)."""
    if method == "plasma":
        return min(6000.0, max(1200.0, 6000.0 * (10.0 / thickness_mm) ** 1.1))
    return max(150.0, 700.0 - 5.5 * thickness_mm)


def cut(plant: Plant, mother: Mother) -> simpy.events.ProcessGenerator:
    """The cutting stage: cut a mother plate and hand its product plates on."""
    plates = yield from cut_mother(plant, mother)
    for plate in plates:
        plant.hand_on("plate", plate)


def choose_method(plant: Plant, thickness_mm: float) -> str:
    """Plasma up to its thickness limit (if there are plasma tables), oxy-fuel above."""
    c = plant.sc.plant.cutting
    if "plasma" in plant.units and (
        thickness_mm <= c.plasma_max_thickness_mm or "oxyfuel" not in plant.units
    ):
        return "plasma"
    return "oxyfuel"


def cut_mother(plant: Plant, mother: Mother) -> simpy.events.ProcessGenerator:
    """Cut a mother plate into its product plates; returns the plates."""
    env = plant.env
    c = plant.sc.plant.cutting
    t = mother.thickness_mm
    method = choose_method(plant, t)
    kerf = c.plasma_kerf_mm if method == "plasma" else c.oxyfuel_kerf_mm
    order = mother.plan.order
    pieces = [(order.width_mm, order.length_mm)] * mother.plan.count
    rects = cut_plan(
        mother.width_mm, mother.length_mm, pieces, EDGE_ALLOWANCE_MM, EDGE_ALLOWANCE_MM, kerf
    )
    if rects is None:  # planning guarantees the fit; keep going with what fits
        rects = []
    table = plant.units[method]
    v = yield from table.enter(mother.mother_id, "mother", STAGE)
    # guillotine cuts: inner edges are shared by two pieces, the outer trim is cut once
    cut_len = (
        sum(2.0 * (r.width + r.length) for r in rects) + 2.0 * (mother.width_mm + mother.length_mm)
    ) / 2.0
    minutes = plant.base_time(method) + plant.sampler("cut/handling", c.handling_min)()
    if c.derived_time:
        minutes += cut_len / cutting_speed_mm_per_min(method, t)
        minutes += sum(plant.sampler("cut/pierce", c.pierce_s)() for _ in rects) / 60.0
    required = plant.metallurgy.required_preheat(mother)
    preheat = 0.0
    if method == "oxyfuel" and required > 0:
        complied = plant.sampler("cut/preheat_compliance", _U01)() < c.preheat_compliance
        preheat = required if complied else 0.0
    yield from table.work(v, minutes)
    table.leave(v)

    per_plate, scrap_defects = split_defects(mother.defects, rects)
    share = mother.slab.mass_t / sum(
        mass_t(t, mm.order.width_mm, mm.order.length_mm) * mm.count
        for mm in mother.slab.plan.mothers
    )
    plates: list[Plate] = []
    for i, (rect, found) in enumerate(zip(rects, per_plate, strict=True), start=1):
        m = mass_t(t, rect.width, rect.length)
        plate = Plate(
            f"{mother.mother_id}-P{i}", mother, order, t, rect.width, rect.length, m, m * share,
            env.now, method, preheat,
        )  # fmt: skip
        plate.index = i
        plate.preheat_required_c = required
        plate.defects = found
        plant.metallurgy.cut_plate(plate)
        plates.append(plate)
    plant.ledger.cut(mother, plates, scrap_defects, env.now)
    return plates
