"""Steelmaking and casting: the release of cast sequences, and a heat's way through the
converter, ladle furnace, vacuum degasser (with the rare-earth addition) and the caster,
which cuts it into slabs.

A heat occupies the caster for its cast tonnes divided by the caster's throughput
(slab thickness × width × casting speed × density × strands); its slabs leave the strand
evenly over that time. After the last heat of a sequence the caster is held for the
tundish turnaround.
"""

from __future__ import annotations

import simpy

from mill.model.entities import DENSITY_T_PER_MM3, Heat, HeatPlan, Slab, heat_id, mass_t
from mill.model.plant import Plant

STAGE = "steelmaking"


def release_process(plant: Plant) -> simpy.events.ProcessGenerator:
    """Release cast sequences (WIP-capped) or single heats (Poisson), for ever."""
    env = plant.env
    planning = plant.sc.planning
    default = (max(plant.sc.orders.grade_shares.items(), key=lambda kv: kv[1])[0], False)
    if planning.release == "poisson":
        interarrival = plant.sampler("release/interarrival", planning.interarrival_min)
        while True:
            yield env.timeout(interarrival())
            plans = plant.planner.plan_sequence(1, env.now, default)
            if plans:
                start_sequence(plant, plans)
    heats_per_seq = plant.sampler("release/heats_per_sequence", planning.heats_per_sequence)
    while True:
        while plant.ledger.live_t >= planning.wip_cap_t:
            yield env.timeout(planning.check_interval_min)
        plans = plant.planner.plan_sequence(max(1, round(heats_per_seq())), env.now, default)
        if not plans:
            yield env.timeout(planning.check_interval_min)
            continue
        last_cast_started = start_sequence(plant, plans)
        yield last_cast_started


def start_sequence(plant: Plant, plans: list[HeatPlan]) -> simpy.Event:
    """Create the heats of one sequence and start them; returns an event that fires when
    the sequence's last heat starts casting."""
    plant.sequence_counter += 1
    seq_id = f"Q{plant.sequence_counter:05d}"
    last_started = plant.env.event()
    for i, plan in enumerate(plans, start=1):
        plant.heat_counter += 1
        heat = Heat(
            heat_id(plant.heat_counter),
            plant.heat_counter,
            seq_id,
            i,
            len(plans),
            plan.grade,
            plan,
        )
        heat.released_min = plant.env.now
        plant.ledger.heats_open[heat.heat_id] = heat
        heat.cast_started = last_started if i == len(plans) else None
        plant.hand_on("heat", heat)
    return last_started


def _seq_position(heat: Heat, slab_index: int, n_slabs: int) -> str:
    if heat.seq_index == 1 and slab_index == 1:
        return "first"
    if heat.seq_index == heat.seq_heats and slab_index == n_slabs:
        return "last"
    return "middle"


def heat_process(plant: Plant, heat: Heat) -> simpy.events.ProcessGenerator:
    """One heat from converter to the last slab off the strand; each slab is handed on as it
    leaves the strand."""
    env = plant.env
    u = plant.units
    sp = plant.sc.plant
    yield from u["converter"].visit(heat.heat_id, "heat", STAGE, plant.base_time("converter"))
    heat.tapped_min = env.now
    plant.metallurgy.heat_chemistry(heat)
    yield from u["ladle_furnace"].visit(
        heat.heat_id, "heat", STAGE, plant.base_time("ladle_furnace")
    )
    yield from u["degasser"].visit(heat.heat_id, "heat", STAGE, plant.base_time("degasser"))
    heat.degassed_min = env.now
    plant.metallurgy.degas_and_treat(heat)

    caster = u["caster"]
    visit = yield from caster.enter(heat.heat_id, "heat", "casting")
    heat.cast_start_min = env.now
    if heat.cast_started is not None:
        heat.cast_started.succeed()
    plant.metallurgy.casting_conditions(heat)
    slab_masses = [mass_t(s.thickness_mm, s.width_mm, s.length_mm) for s in heat.plan.slabs]
    heat.cast_mass_t = sum(slab_masses)
    heat.liquid_mass_t = heat.cast_mass_t / (sp.converter.casting_yield_pct / 100.0)
    c = sp.caster
    total = plant.base_time("caster")
    if c.derived_time:
        speed = plant.sampler("caster/speed", c.casting_speed_m_per_min)()
        # tonnes per minute = t·w·v·ρ·strands, with v in mm/min; a thicker slab casts at
        # speed × thinnest/thickness (plant.caster docstring)
        thinnest = min(c.slab_thicknesses_mm)
        rates = [
            s.thickness_mm * s.width_mm * (speed * thinnest / s.thickness_mm) * 1000.0
            * DENSITY_T_PER_MM3 * c.strands
            for s in heat.plan.slabs
        ]  # fmt: skip
        total += sum(m / r for m, r in zip(slab_masses, rates, strict=True))
    n = len(heat.plan.slabs)
    for i, (plan, m) in enumerate(zip(heat.plan.slabs, slab_masses, strict=True), start=1):
        yield from caster.work(visit, total * m / heat.cast_mass_t)
        slab = Slab(
            f"{heat.heat_id}-S{i:02d}",
            heat,
            i,
            _seq_position(heat, i, n),
            plan,
            plan.thickness_mm,
            plan.width_mm,
            plan.length_mm,
            m,
            env.now,
        )
        heat.slabs_cast += 1
        plant.check_slab(slab.slab_id, plan)
        plant.ledger.cast(slab)
        plant.hand_on("slab", slab)
    heat.cast_end_min = env.now
    plant.ledger.casting_loss(heat)
    if heat.seq_index == heat.seq_heats:
        turnaround = plant.sampler("caster/turnaround", c.turnaround_min)()
        yield from caster.work(visit, turnaround)
    caster.leave(visit)
    plant.records.heat(heat)
    del plant.ledger.heats_open[heat.heat_id]
