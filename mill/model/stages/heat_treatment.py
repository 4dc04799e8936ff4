"""Heat treatment: a mother plate through the austenitising furnace, roller quench, cold
buffer (where the scenario has one), tempering furnace and leveller (residences from
domain.md §1.5)."""

from __future__ import annotations

from datetime import timedelta

import simpy

from mill.model.entities import Mother
from mill.model.plant import Plant
from mill.scenario.calendar import shift_at

STAGE = "heat_treatment"


def ht_batch_id(plant: Plant, minutes: float) -> str:
    """Heat-treatment batch: the calendar shift in which the mother plate entered the
    tempering furnace, ``HT<date the shift started><shift name>`` (default shifts A 06–14,
    B 14–22, C 22–06: ``[calendar.shifts]``)."""
    when = plant.sc.run.start + timedelta(minutes=minutes)
    day, name = shift_at(plant.sc.calendar.shifts, when)
    return f"HT{day:%Y%m%d}{name}"


def heat_treat(plant: Plant, mother: Mother) -> simpy.events.ProcessGenerator:
    """Austenitise, quench, temper and level a mother plate."""
    env = plant.env
    u = plant.units
    sp = plant.sc.plant
    mid = mother.mother_id
    blocking = sp.blocking
    t = mother.thickness_mm

    aus = u["austenitising_furnace"]
    av = yield from aus.enter(mid, "mother", STAGE)
    residence = plant.base_time("austenitising_furnace")
    if sp.austenitising_furnace.derived_time:
        residence += sp.austenitising_furnace.residence_min_per_mm * t
    mother.aust_temp_c = plant.sampler("aust/temp", sp.austenitising_furnace.temp_c)()
    mother.aust_min = residence
    yield from aus.work(av, residence)

    quench = u["quench"]
    qv = yield from quench.take_over(aus, av, mid, "mother", STAGE, blocking)
    mother.htc_w_m2k = plant.sampler("quench/htc", sp.quench.htc_w_m2k)()
    mother.uniformity = min(1.0, plant.sampler("quench/uniformity", sp.quench.uniformity)())
    yield from quench.work(qv, plant.base_time("quench"))

    # the cold buffer (when the scenario has one) frees the quench while the furnace is full
    held, hv = quench, qv
    buffer = u.get("cold_buffer")
    if buffer is not None:
        hv = yield from buffer.take_over(quench, qv, mid, "mother", STAGE, blocking)
        yield from buffer.work(hv, plant.base_time("cold_buffer"))
        held = buffer
    temper = u["tempering_furnace"]
    tv = yield from temper.take_over(held, hv, mid, "mother", STAGE, blocking)
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
    yield from leveller.visit(mid, "mother", STAGE, plant.base_time("leveller"))
