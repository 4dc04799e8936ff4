"""The simulation's bridge to the quality layer: it hands the process parameters each heat,
slab, mother plate and product plate actually received to the pure models in
``mill.quality`` and stores the truth they return on the entity.

Random draws come from streams keyed by purpose and heat number, so a heat's chemistry or a
slab's defects do not change when a downstream rule does (common random numbers).
"""

from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np

from mill.model.entities import Heat, Mother, Plate, Slab, Truth
from mill.quality import chemistry as qchem
from mill.quality import defects as qdef
from mill.quality.aim_design import SURFACE_DEPTH_MM, plate_hardness
from mill.quality.cleanliness import upper_shelf_inclusion_factor
from mill.quality.conversion import hv_to_hbw
from mill.quality.cutting import cut_edge_defects, required_preheat_c
from mill.quality.detection import UTSettings
from mill.quality.hardenability import ideal_diameter_mm
from mill.quality.porosity import porosity_open_fraction
from mill.quality.rare_earth import excess_fraction, inclusion_population
from mill.quality.temper import (
    equivalent_hours,
    hj_constant,
    hollomon_jaffe,
    retempered_hv,
    tempering_floor_hv,
)
from mill.quality.toughness import SPECIMEN_DEPTH_FRACTION as QUARTER
from mill.quality.toughness import T27J_ENERGY_J, transition_curve, transition_temperature_c
from mill.rng import Streams
from mill.scenario import Scenario


def defect_rates(overrides: dict[str, float]) -> qdef.DefectRates:
    """DefectRates with the scenario's overrides; unknown names raise ``KeyError``."""
    known = set(qdef.DefectRates.__dataclass_fields__)
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise KeyError(", ".join(unknown))
    return qdef.DefectRates(**overrides)


def ut_settings(sc: Scenario) -> UTSettings:
    """The scenario's UT settings as the inspection model's dataclass."""
    u = sc.quality.ultrasonic
    unit = sc.plant.ut
    settings = UTSettings(
        a50_mm=u.a50_mm,
        a90_mm=u.a90_mm,
        sizing_sigma_ln=u.sizing_sigma_ln,
        false_calls_per_m2=u.false_calls_per_m2,
        manual_a50_mm=u.manual_a50_mm,
        manual_a90_mm=u.manual_a90_mm,
        scan_speed_m_per_s=unit.scan_speed_m_per_s,
        false_call_dismiss_prob=u.false_call_dismissal,
        track_width_mm=unit.raster_width_mm,
    )
    if not unit.phased_array:
        return settings
    # phased array: its own POD curve, coverage, scan speed and track (inspection regime)
    return replace(
        settings,
        a50_mm=u.pa_a50_mm,
        a90_mm=u.pa_a90_mm,
        coverage=u.pa_coverage,
        scan_speed_m_per_s=unit.pa_scan_speed_m_per_s,
        track_width_mm=unit.pa_raster_width_mm,
    )


class Metallurgy:
    """Truth for every entity, from the published models in ``mill.quality``."""

    def __init__(self, sc: Scenario, streams: Streams) -> None:
        self.sc = sc
        self.streams = streams
        self.rates = defect_rates(dict(sc.quality.defect_rates))

    def _rng(self, purpose: str, entity: int) -> np.random.Generator:
        return self.streams.generator(purpose, entity)

    # ---- steelmaking -------------------------------------------------------------------
    def heat_chemistry(self, heat: Heat) -> None:
        """Heat analysis drawn around the aim designed for the heat's gauge class, within the
        GB/T 24186 Table 2 limits."""
        grade = self.sc.grades[heat.grade]
        limits = qchem.GBT24186_LIMITS.get(heat.grade)
        aim = heat.plan.design.aim_pct
        chem = qchem.draw_heat_chemistry(
            aim, grade.sigma_pct, self._rng("chemistry", heat.number), limits
        )
        heat.chemistry = chem
        heat.cev = qchem.cev(chem)
        heat.cet = qchem.cet(chem)
        heat.pcm = qchem.pcm(chem)
        heat.ideal_diameter_mm = ideal_diameter_mm(chem)
        heat.ms_c = qchem.ms_andrews_c(chem)

    def degas_and_treat(self, heat: Heat) -> None:
        """Vacuum degassing (hydrogen) and the rare-earth addition with random recovery."""
        rng = self._rng("secondary", heat.number)
        d = self.sc.plant.degasser
        heat.vacuum_degassed = d.vacuum_degassing
        h_spec = d.hydrogen_ppm_degassed if d.vacuum_degassing else d.hydrogen_ppm_undegassed
        heat.hydrogen_ppm = float(h_spec.draw(rng, 1)[0])
        heat.re_added_pct = d.re_addition_pct
        heat.re_recovery_frac = min(1.0, max(0.0, float(d.re_recovery_frac.draw(rng, 1)[0])))
        heat.re_pct = d.re_addition_pct * heat.re_recovery_frac
        heat.chemistry["RE"] = heat.re_pct
        heat.inclusions = inclusion_population(heat.re_pct, heat.chemistry.get("S", 0.0))

    def casting_conditions(self, heat: Heat) -> None:
        """Tundish superheat and soft-reduction availability for the heat."""
        rng = self._rng("casting", heat.number)
        c = self.sc.plant.caster
        heat.superheat_c = float(c.superheat_c.draw(rng, 1)[0])
        heat.soft_reduction = bool(rng.random() < c.soft_reduction_availability)

    def slab_defects(self, slab: Slab) -> None:
        """Internal defects born in the slab, with their root causes."""
        heat = slab.heat
        inc = heat.inclusions
        cond = qdef.CastConditions(
            slab.seq_position,
            heat.superheat_c,
            heat.soft_reduction,
            heat.vacuum_degassed,
            heat.hydrogen_ppm,
            inc.rate_factor,
            inc.size_factor,
            inc.globular_fraction,
            inc.clustered,
        )
        plate_area_m2 = slab.plan.rolled_width_mm * slab.plan.rolled_length_mm / 1e6
        # one stream per slab: its internal defects, then its rolling defects
        rng = self._rng(f"defects/slab/{slab.index}", heat.number)
        slab.rng = rng
        slab.defects = qdef.slab_defects(
            rng, cond, slab.thickness_mm, slab.width_mm, slab.length_mm, plate_area_m2, self.rates
        )
        for i, d in enumerate(slab.defects, start=1):
            d.defect_id = f"{slab.slab_id}-D{i:03d}"

    # ---- rolling -----------------------------------------------------------------------
    def roll(self, slab: Slab, rolled: tuple[float, float, float]) -> None:
        """Carry slab defects into the rolled plate and add the rolling surface defects."""
        dims = (slab.thickness_mm, slab.width_mm, slab.length_mm)
        pm = self.sc.plant.plate_mill
        open_frac = porosity_open_fraction(
            slab.thickness_mm, rolled[0], pm.reduction_per_pass, pm.work_roll_diameter_mm / 2.0
        )
        carried = qdef.roll_defects(slab.defects, dims, rolled, open_frac)
        slab.porosity_closed = len(slab.defects) - len(carried)
        rng = slab.rng
        new = qdef.rolling_defects(
            rng, *rolled, slab.descale_pressure_bar, slab.reheat_temp_c, self.rates
        )
        n = len(slab.defects)  # new ids follow the slab's, closed voids' ids included
        for i, d in enumerate(new, start=n + 1):
            d.defect_id = f"{slab.slab_id}-D{i:03d}"
        slab.defects = carried + new

    # ---- heat treatment ----------------------------------------------------------------
    def heat_treat(self, mother: Mother) -> None:
        """Quench and temper: cooling rates → martensite → hardness; Charpy curve."""
        heat = mother.slab.heat
        chem = heat.chemistry
        t = mother.thickness_mm
        depth_s = min(0.5, SURFACE_DEPTH_MM / t)
        # the conduction series solutions cost ~ms each; on a 250 W/m²K grid (≈3 % of the
        # roller-quench htc, < 1 HBW) they are computed once per thickness and cached
        htc = round(mother.htc_w_m2k / 250.0) * 250.0
        di = heat.ideal_diameter_mm
        floor = tempering_floor_hv(chem)
        hours = mother.temper_min / 60.0
        temp = mother.temper_temp_c
        s = plate_hardness(chem, di, floor, t, depth_s, htc, temp, hours)
        c = plate_hardness(chem, di, floor, t, 0.5, htc, temp, hours)
        # the Charpy specimen's position (¼ t): its microstructure sets the transition curve
        q = plate_hardness(chem, di, floor, t, QUARTER, htc, temp, hours)
        mother.truth = Truth(
            cooling_surface=s.cooling_c_per_s,
            cooling_centre=c.cooling_c_per_s,
            fm_surface=s.martensite_frac,
            fm_centre=c.martensite_frac,
            fm_quarter=q.martensite_frac,
            hv_aq_surface=s.hv_as_quenched,
            hv_aq_centre=c.hv_as_quenched,
            hv_aq_quarter=q.hv_as_quenched,
            hv_floor=floor,
            hbw_surface=s.hbw,
            hbw_centre=c.hbw,
            hbw_quarter=q.hbw,
        )
        rng = mother.slab.rng  # the slab's defect stream, after its slab and rolling draws
        new = qdef.quench_defects(
            rng,
            t,
            mother.width_mm,
            mother.length_mm,
            chem.get("C", 0.0),
            s.hv_tempered,
            mother.uniformity,
            self.rates,
        )
        for i, d in enumerate(new, start=1):
            d.defect_id = f"{mother.mother_id}-Q{i:02d}"
        mother.defects = mother.defects + new

    def required_preheat(self, mother: Mother) -> float:
        """Preheat the SSAB Welding Handbook asks for before oxy-fuel cutting."""
        return required_preheat_c(mother.slab.heat.grade, mother.thickness_mm)

    # ---- product plates ----------------------------------------------------------------
    def cut_plate(self, plate: Plate) -> None:
        """Plate-level truth: within-mother hardness scatter, Charpy curve, cut-edge cracks."""
        mother = plate.mother
        heat = mother.slab.heat
        # one stream per plate for every plate-level draw (cutting, UT, final inspection,
        # rework), in that order: upstream draws never depend on a downstream rule
        rng = self._rng(f"plate/{mother.slab.index}/{mother.index}/{plate.index}", heat.number)
        plate.rng = rng
        scatter = self.sc.quality.testing.plate_hardness_scatter_hbw
        bump = float(rng.normal(0.0, scatter))
        truth = plate.truth = copy.copy(mother.truth)
        truth.hbw_surface += bump
        truth.hbw_centre += bump
        truth.hbw_quarter += bump
        truth.hbw_bump = bump  # plate scatter, kept through any re-temper
        plate.temper_temp_c = mother.temper_temp_c
        plate.temper_min = mother.temper_min
        self.toughness(plate)
        edge = 2.0 * (plate.width_mm + plate.length_mm)
        new = cut_edge_defects(
            rng,
            plate.cutting_method,
            plate.thickness_mm,
            plate.truth.hbw_surface,
            plate.preheat_c,
            plate.preheat_required_c,
            edge,
            self.rates,
        )
        for i, d in enumerate(new, start=1):
            d.defect_id = f"{plate.plate_id}-E{i:02d}"
            # edge coordinates → plate coordinates: walk the perimeter from the origin
            d.x_mm, d.y_mm = _perimeter_point(d.x_mm, plate.width_mm, plate.length_mm)
        plate.defects = plate.defects + new

    def toughness(self, plate: Plate) -> None:
        """The plate's true Charpy transition curve and its energy at the test temperature."""
        slab = plate.mother.slab
        heat, inc = slab.heat, slab.heat.inclusions
        chem = heat.chemistry
        us_factor = upper_shelf_inclusion_factor(  # the plate's own inclusion population
            chem.get("S", 0.0),
            chem.get("Mn", 0.0),
            inc.globular_fraction,
            slab.thickness_mm / plate.thickness_mm,
            excess_fraction(heat.re_pct),
        )
        curve = transition_curve(  # upper shelf and T50 from the plate's own inclusions
            plate.truth.hbw_quarter,
            plate.temper_temp_c,
            us_factor,
            bainite_fraction=1.0 - plate.truth.fm_quarter,
        )
        test_t = self.sc.grades[plate.order.grade].charpy_temp_c
        plate.truth.t50 = curve.t50_c
        plate.truth.t27j = transition_temperature_c(curve, T27J_ENERGY_J)
        plate.truth.kv_true = float(curve.energy_j(test_t))
        plate.measured.curve = curve

    def retemper(self, plate: Plate, temp_c: float, minutes: float) -> None:
        """A further temper: hardness falls by the additivity of the Hollomon–Jaffe parameter
        (equivalent time at the new temperature, ``mill.quality.temper.retempered_hv``).

        The plate's temper history is kept as (°C, h) steps and folded, step by step, into
        one temper at the last temperature with the same parameter (exact for this model)."""
        chem = plate.mother.slab.heat.chemistry
        p = plate.truth
        c = hj_constant(chem.get("C", 0.0))
        steps = plate.measured.tempers
        if not steps:  # the mother plate's temper is the first step
            steps.append((plate.temper_temp_c, plate.temper_min / 60.0))
        # fold the history step by step into one at the last temperature (same HJ parameter)
        last_t, hours = steps[0]
        for t_c, h in steps[1:]:
            hours = equivalent_hours(float(hollomon_jaffe(last_t, hours, c)), t_c, c) + h
            last_t = t_c
        new_s = retempered_hv(p.hv_aq_surface, p.hv_floor, last_t, hours, temp_c,
                              minutes / 60.0, chem)  # fmt: skip
        new_c = retempered_hv(p.hv_aq_centre, p.hv_floor, last_t, hours, temp_c,
                              minutes / 60.0, chem)  # fmt: skip
        p.hbw_surface = float(hv_to_hbw(new_s)) + p.hbw_bump
        p.hbw_centre = float(hv_to_hbw(new_c)) + p.hbw_bump
        new_q = retempered_hv(p.hv_aq_quarter, p.hv_floor, last_t, hours, temp_c,
                              minutes / 60.0, chem)  # fmt: skip
        p.hbw_quarter = float(hv_to_hbw(new_q)) + p.hbw_bump
        steps.append((temp_c, minutes / 60.0))
        plate.temper_temp_c = temp_c
        plate.temper_min += minutes
        self.toughness(plate)


def _perimeter_point(s: float, w: float, length: float) -> tuple[float, float]:
    """The point at distance ``s`` along the plate perimeter, starting at the origin."""
    s = s % (2.0 * (w + length)) if w + length > 0 else 0.0
    if s <= length:
        return s, 0.0
    s -= length
    if s <= w:
        return length, s
    s -= w
    if s <= length:
        return length - s, w
    return 0.0, max(0.0, w - (s - length))
