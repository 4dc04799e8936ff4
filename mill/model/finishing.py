"""Heat treatment and cutting: a mother plate through the austenitising furnace, roller
quench, tempering furnace and leveller, then onto a plasma or oxy-fuel table where it is
cut into the ordered product plates plus skeleton scrap.

Cutting speeds are domain.md §1.6's labelled assumptions inside the SSAB TechSupport #16
ranges: plasma 6000·(10/t)^1.1 mm/min bounded to 1200–6000, oxy-fuel 700 − 5.5·t mm/min,
at least 150; every piece costs one pierce.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import simpy

from mill.distributions import uniform
from mill.model.entities import Mother, Plate, mass_t
from mill.model.inspection import plate_process
from mill.model.planning import EDGE_ALLOWANCE_MM
from mill.quality.geometry import cut_plan, split_defects

if TYPE_CHECKING:
    from mill.model.plant import Plant

STAGE_HT = "heat_treatment"
STAGE_CUT = "cutting"
_U01 = uniform(0.0, 1.0)


def cutting_speed_mm_per_min(method: str, thickness_mm: float) -> float:
    """Cutting speed by method and thickness (domain.md §1.6 assumption, SSAB TS #16 ranges)."""
    if method == "plasma":
        return min(6000.0, max(1200.0, 6000.0 * (10.0 / thickness_mm) ** 1.1))
    return max(150.0, 700.0 - 5.5 * thickness_mm)


def ht_batch_id(plant: Plant, minutes: float) -> str:
    """Heat-treatment batch: the tempering-furnace shift (A 06–14, B 14–22, C 22–06)."""
    when = plant.sc.run.start + timedelta(minutes=minutes)
    shift_start = when - timedelta(hours=6)
    key = (shift_start.toordinal(), shift_start.hour // 8)
    label = _SHIFT_LABELS.get(key)
    if label is None:
        label = _SHIFT_LABELS[key] = f"HT{shift_start:%Y%m%d}{'ABC'[key[1]]}"
    return label


_SHIFT_LABELS: dict[tuple[int, int], str] = {}


def mother_process(plant: Plant, mother: Mother) -> simpy.events.ProcessGenerator:
    """Quench and temper a mother plate, then cut it into product plates."""
    env = plant.env
    u = plant.units
    sp = plant.sc.plant
    mid = mother.mother_id
    blocking = sp.blocking
    t = mother.thickness_mm

    aus = u["austenitising_furnace"]
    av = yield from aus.enter(mid, "mother", STAGE_HT)
    residence = plant.base_time("austenitising_furnace")
    if sp.austenitising_furnace.derived_time:
        residence += sp.austenitising_furnace.residence_min_per_mm * t
    mother.aust_temp_c = plant.sampler("aust/temp", sp.austenitising_furnace.temp_c)()
    mother.aust_min = residence
    yield from aus.work(av, residence)

    quench = u["quench"]
    qv = yield from quench.take_over(aus, av, mid, "mother", STAGE_HT, blocking)
    mother.htc_w_m2k = plant.sampler("quench/htc", sp.quench.htc_w_m2k)()
    mother.uniformity = min(1.0, plant.sampler("quench/uniformity", sp.quench.uniformity)())
    yield from quench.work(qv, plant.base_time("quench"))

    temper = u["tempering_furnace"]
    tv = yield from temper.take_over(quench, qv, mid, "mother", STAGE_HT, blocking)
    mother.ht_batch_id = ht_batch_id(plant, env.now)
    grade = plant.sc.grades[mother.slab.heat.grade]
    mother.temper_temp_c = plant.sampler(
        f"temper/{mother.slab.heat.grade}", grade.temper_temp_c
    )() + (plant.sampler("temper/scatter", sp.tempering_furnace.temp_scatter_c)())
    soak = plant.temper_soak_min(t)
    mother.temper_min = soak
    yield from temper.work(tv, soak)
    plant.metallurgy.heat_treat(mother)

    leveller = u["leveller"]
    temper.leave(tv)
    yield from leveller.visit(mid, "mother", STAGE_HT, plant.base_time("leveller"))

    plates = yield from cut_mother(plant, mother)
    for plate in plates:
        env.process(plate_process(plant, plate))


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
    v = yield from table.enter(mother.mother_id, "mother", STAGE_CUT)
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
