"""Scenario tables for the units of the plant: capacities, process times, breakdowns.

Each unit's process time is ``time_min`` (a distribution) plus, where ``derived_time`` is on,
the time its physics gives for the entity in hand: furnace residence from thickness, rolling
from the pass schedule, cutting from cut length and speed, UT from plate area and scan speed.
Figures and their sources: ``reference/domain.md`` §1 and §8 (all defaults there are labelled
engineering assumptions unless a source is named).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from mill.distributions import constant, normal, triangular, uniform
from mill.scenario.fields import DistSpec, Section, dist_within, within

SlabThicknesses = Annotated[
    tuple[Annotated[float, within(100, 500)], ...],
    BeforeValidator(lambda v: tuple(v) if isinstance(v, list) else v),
]
"""Slab thicknesses the caster casts, mm; TOML writes it as an array."""


class Breakdown(Section):
    """Clock-based failures: time between failures ~ exponential(mtbf_h), repair ~ mttr_min."""

    mtbf_h: Annotated[float, within(0.1, 100_000)]
    mttr_min: Annotated[DistSpec, dist_within(0, 10_000)]


class UnitSpec(Section):
    """A unit of the plant: a resource with servers (or furnace slots) and a process time."""

    capacity: Annotated[int, within(1, 500)] = 1
    time_min: Annotated[DistSpec, dist_within(0, 10_000)] = constant(0.0)
    derived_time: bool = True
    breakdown: Breakdown | None = None


class Converter(UnitSpec):
    """BOF/EAF: tap-to-tap time; heat size in tonnes (domain §1.1: 170–260 t, 40 ± 5 min).

    A tap-to-tap time averages at least 5 min; a single heat may take less (an exponential
    time of mean 5 min, as the tandem validation uses, is allowed)."""

    time_min: Annotated[DistSpec, dist_within(0, 600, mean=(5, 600))] = normal(40, 5, low=25)
    heat_size_t: Annotated[float, within(0.1, 400)] = 220.0
    casting_yield_pct: Annotated[float, within(80, 100)] = 97.5


class Degasser(UnitSpec):
    """RH/VD vacuum degasser with the rare-earth (Ce/La) addition at the end of treatment."""

    vacuum_degassing: bool = True
    re_addition_pct: Annotated[float, within(0, 0.2)] = 0.008
    re_recovery_frac: Annotated[DistSpec, dist_within(0, 1)] = uniform(0.4, 0.6)
    hydrogen_ppm_degassed: Annotated[DistSpec, dist_within(0, 20)] = uniform(1.0, 2.0)
    hydrogen_ppm_undegassed: Annotated[DistSpec, dist_within(0, 20)] = uniform(4.0, 7.0)


class Caster(UnitSpec):
    """Continuous slab caster; a heat occupies it for mass / (t·w·v·ρ·strands).

    Slab sizes (domain §1.2): thicknesses 250/300/400 mm (plate slabs 150–300 mm commonly, up
    to 400–500 mm for heavy plate; Xinyu casts 300–420 mm); lengths and masses inside the
    limits below. The casting speed is the speed at the thinnest slab; a thicker slab casts
    at speed × thinnest/thickness (assumption: constant tonnes per metre of width, which gives
    0.6 m/min at 420 mm for 1.0 m/min at 250 mm, as Xinyu's 0.5–0.6 m/min)."""

    strands: Annotated[int, within(1, 4)] = 1
    slab_thicknesses_mm: SlabThicknesses = Field(
        default=(250.0, 300.0, 400.0),
        description="the thicknesses the caster casts; each order's slab is the thinnest "
        "that gives planning.min_reduction_ratio (the thickest if none does)",
    )
    slab_width_min_mm: Annotated[float, within(800, 3500)] = 1800.0
    slab_width_max_mm: Annotated[float, within(800, 3500)] = 2500.0
    slab_length_min_mm: Annotated[float, within(100, 15_000)] = Field(
        default=1500.0,
        description="shortest slab (assumption: the 48 m the mill rolls at most takes a "
        "250 × 1800 mm slab of 1.52 m to 8 mm plate; domain §1.2's 2.5 m cannot make 8 mm)",
    )
    slab_length_max_mm: Annotated[float, within(1000, 15_000)] = Field(
        default=4500.0, description="longest slab (domain §1.2: 2.5–4.5 m, assumption)"
    )
    slab_mass_min_t: Annotated[float, within(0.1, 100)] = Field(
        default=5.0,
        description="lightest slab (assumption: an 8 mm × 1.8 m plate of 48 m weighs 5.4 t; "
        "domain §1.2's 8 t cannot make it)",
    )
    slab_mass_max_t: Annotated[float, within(0.5, 200)] = Field(
        default=30.0, description="heaviest slab (domain §1.2: 8–30 t, assumption)"
    )
    casting_speed_m_per_min: Annotated[DistSpec, dist_within(0.2, 3)] = normal(1.0, 0.05)
    superheat_c: Annotated[DistSpec, dist_within(0, 80)] = triangular(15, 25, 45)
    soft_reduction_availability: Annotated[float, within(0, 1)] = 0.95
    turnaround_min: Annotated[DistSpec, dist_within(0, 600)] = uniform(60, 90)


class ReheatFurnace(UnitSpec):
    """Walking-beam furnace: residence ≈ 0.7–1.1 min/mm for a cold 250 mm slab (domain §1.3)."""

    capacity: Annotated[int, within(1, 500)] = 24
    residence_min_per_mm: Annotated[float, within(0, 5)] = 0.85
    hot_charge_factor: Annotated[float, within(0.2, 1)] = 0.6
    hot_charge_within_h: Annotated[float, within(0, 48)] = 4.0
    discharge_temp_c: Annotated[DistSpec, dist_within(1000, 1300)] = normal(1200, 15)
    descale_pressure_bar: Annotated[DistSpec, dist_within(50, 400)] = normal(200, 12)


class PlateMill(UnitSpec):
    """Reversing 4-high stand: time from the pass schedule (domain §1.4 / §8).

    Work-roll changes: the mill stops for ``roll_change_min`` once it has rolled
    ``roll_change_every_t`` tonnes or ``roll_change_every_km`` km of plate since the last
    change, whichever comes first (0 turns that trigger off). Assumption, not a published
    figure: a change every ~2,000 t (about a day of this line's rolling) taking 15–25 min.
    ``work_roll_diameter_mm`` sets the roll gap's shape factor, which decides how much of
    the reduction closes the centre porosity (``mill.quality.porosity``). Assumption: Ø 1,070
    mm, inside the ~1,000–1,120 mm of 4-high plate-mill work rolls."""

    reduction_per_pass: Annotated[float, within(0.02, 0.4)] = 0.14
    pass_time_s: Annotated[DistSpec, dist_within(1, 60)] = uniform(8, 15)
    reversal_s: Annotated[float, within(0, 30)] = 4.0
    max_width_mm: Annotated[float, within(1000, 5500)] = 4100.0
    max_length_mm: Annotated[float, within(5000, 60_000)] = 48_000.0
    scale_loss_pct: Annotated[float, within(0, 5)] = 0.8
    work_roll_diameter_mm: Annotated[float, within(400, 1500)] = 1070.0
    roll_change_every_t: Annotated[float, within(0, 1e6)] = 0.0
    roll_change_every_km: Annotated[float, within(0, 1e4)] = 0.0
    roll_change_min: Annotated[DistSpec, dist_within(0, 1440)] = uniform(15, 25)


class ShearLine(UnitSpec):
    """Crop, side trim and cross-cut into mother plates (domain §1.4 / §8)."""

    time_min: Annotated[DistSpec, dist_within(0, 120)] = uniform(1, 3)
    side_trim_mm: Annotated[float, within(0, 200)] = 40.0
    crop_mm: Annotated[float, within(0, 2000)] = 400.0


class AustenitisingFurnace(UnitSpec):
    """Roller-hearth furnace: residence 20 min + 1.8 min/mm at ≈900 °C (domain §1.5)."""

    capacity: Annotated[int, within(1, 200)] = 12
    time_min: Annotated[DistSpec, dist_within(0, 600)] = constant(20.0)
    residence_min_per_mm: Annotated[float, within(0, 10)] = 1.8
    temp_c: Annotated[DistSpec, dist_within(750, 1050)] = normal(900, 8)


class Quench(UnitSpec):
    """Roller quench: heat-transfer coefficient and its uniformity across the plate."""

    time_min: Annotated[DistSpec, dist_within(0, 60)] = uniform(1, 2)
    htc_w_m2k: Annotated[DistSpec, dist_within(500, 50_000)] = normal(9000, 800)
    uniformity: Annotated[DistSpec, dist_within(0, 1)] = triangular(0.85, 0.97, 1.0)


class ColdBuffer(UnitSpec):
    """Storage between the quench and the tempering furnace: quenched plates wait here, cold,
    for a place in the furnace, so a full furnace does not hold the quench. ``capacity`` is
    the number of mother plates it holds; 0 couples the quench directly to the furnace (the
    quench then keeps a finished plate until the furnace takes it). ``time_min`` is the least
    time a plate spends in it (handling; default 0).

    Assumption: 20 mother plates (about 2 h of the baseline's quench output of ~10 plates/h),
    not a published figure; Q&T lines store quenched plate on the floor or a rack before
    tempering, so the buffer has no breakdowns."""

    capacity: Annotated[int, within(0, 500)] = 20
    time_min: Annotated[DistSpec, dist_within(0, 600)] = constant(0.0)
    derived_time: bool = False

    @model_validator(mode="after")
    def _no_breakdown(self) -> ColdBuffer:
        if self.breakdown is not None:
            raise ValueError("a cold buffer is storage and does not break down (drop breakdown)")
        return self


class TemperingFurnace(UnitSpec):
    """Tempering furnace: soak 30 min + 2 min/mm; set temperature per grade (domain §1.5)."""

    capacity: Annotated[int, within(1, 200)] = 12
    time_min: Annotated[DistSpec, dist_within(0, 600)] = constant(30.0)
    residence_min_per_mm: Annotated[float, within(0, 10)] = 2.0
    temp_scatter_c: Annotated[DistSpec, dist_within(-50, 50)] = normal(0, 5)


class Cutting(UnitSpec):
    """Plasma (≤ plasma_max_thickness_mm) and oxy-fuel tables (SSAB TechSupport #16)."""

    plasma_tables: Annotated[int, within(0, 20)] = 4
    oxyfuel_tables: Annotated[int, within(0, 20)] = 3
    plasma_max_thickness_mm: Annotated[float, within(5, 80)] = 40.0
    pierce_s: Annotated[DistSpec, dist_within(0, 60)] = uniform(2, 10)
    handling_min: Annotated[DistSpec, dist_within(0, 120)] = uniform(5, 10)
    plasma_kerf_mm: Annotated[float, within(0, 10)] = 3.0
    oxyfuel_kerf_mm: Annotated[float, within(0, 10)] = 4.0
    preheat_compliance: Annotated[float, within(0, 1)] = 0.9

    @model_validator(mode="after")
    def _can_cut(self) -> Cutting:
        if self.plasma_tables == 0 and self.oxyfuel_tables == 0:
            raise ValueError(
                "plasma_tables and oxyfuel_tables are both 0: the plant could not cut a "
                "single plate (give one of them at least one table)"
            )
        return self


class UltrasonicTester(UnitSpec):
    """Automated UT: time from plate area, scan speed and raster width (domain §1.7).

    ``phased_array`` swaps the conventional probes for a phased-array scanner with its own
    scan speed and raster width (its POD is in ``quality.ultrasonic``). Assumption
    (reference/inspection.md §3): PA throughput 0.3–1 m/s; 0.6 m/s over the carriage's
    1 m track, slower than the conventional scan's 0.75 m/s."""

    time_min: Annotated[DistSpec, dist_within(0, 120)] = constant(0.5)
    scan_speed_m_per_s: Annotated[float, within(0.05, 5)] = 0.75
    raster_width_mm: Annotated[float, within(50, 5000)] = 1000.0
    phased_array: bool = False
    pa_scan_speed_m_per_s: Annotated[float, within(0.05, 5)] = 0.6
    pa_raster_width_mm: Annotated[float, within(50, 5000)] = 1000.0


class OptionalUnit(UnitSpec):
    """A unit of an inspection regime: off (absent from the plant) unless ``enabled``."""

    enabled: bool = False


class SurfaceInspectionUnit(OptionalUnit):
    """Automated surface inspection (camera/laser, both faces) of every product plate: the
    plate passes at ``speed_m_per_s``, plus ``time_min`` handling; flagged spots are then
    confirmed by hand at final inspection, ``confirm_min`` each. Assumptions
    (reference/inspection.md §1: plate SIS at 0.5–2 m/s; no plate-specific vendor figure)."""

    time_min: Annotated[DistSpec, dist_within(0, 60)] = constant(0.5)
    speed_m_per_s: Annotated[float, within(0.05, 20)] = 1.0
    confirm_min: Annotated[DistSpec, dist_within(0, 60)] = uniform(1.0, 3.0)


class EdgeMTUnit(OptionalUnit):
    """Magnetic-particle inspection of the cut edges (wet fluorescent) of the plates
    ``quality.cut_edges`` names: ``min_per_m`` of edge plus ``time_min`` handling.
    Assumption (reference/inspection.md §2: no published time; yoke MT ≈ 1–2 min/m including
    preparation, 0.3–0.5 min/m on a semi-automatic edge rig, which this is)."""

    capacity: Annotated[int, within(1, 500)] = 2
    time_min: Annotated[DistSpec, dist_within(0, 60)] = uniform(2.0, 4.0)
    min_per_m: Annotated[float, within(0, 30)] = 0.5


class HardnessTester(OptionalUnit):
    """A portable (Leeb/UCI) hardness reading on every plate, screening the lot result; a
    plate read outside its window is confirmed by its own lab test. Assumption: 1.5–3 min a
    plate including surface preparation (reference/inspection.md §5)."""

    time_min: Annotated[DistSpec, dist_within(0, 60)] = uniform(1.5, 3.0)


def unit_at(stage: str, default: UnitSpec) -> Any:
    """A unit field of the plant, with the stage of the route it works in."""
    return Field(default=default, json_schema_extra={"stage": stage})


class PlantSection(Section):
    """Every unit of DESIGN.md's 'shape of the plant', in route order, each with its stage:
    the one list of units (the simulation's units, the unit names and the stage order the
    analysis uses are all derived from it)."""

    blocking: bool = Field(
        default=True,
        description="a furnace or mill holds its piece until the next unit can take it",
    )
    converter: Converter = unit_at("steelmaking", Converter())
    ladle_furnace: UnitSpec = unit_at("steelmaking", UnitSpec(time_min=normal(42, 6, low=25)))
    degasser: Degasser = unit_at("steelmaking", Degasser(time_min=normal(25, 4, low=15)))
    caster: Caster = unit_at("casting", Caster())
    reheat_furnace: ReheatFurnace = unit_at("rolling", ReheatFurnace())
    plate_mill: PlateMill = unit_at("rolling", PlateMill(time_min=constant(1.0)))
    hot_leveller: UnitSpec = unit_at("rolling", UnitSpec(time_min=uniform(1.0, 2.0)))
    cooling_bed: UnitSpec = unit_at(
        "rolling", UnitSpec(capacity=12, time_min=uniform(30, 90), derived_time=False)
    )
    shear_line: ShearLine = unit_at("rolling", ShearLine())
    austenitising_furnace: AustenitisingFurnace = unit_at("heat_treatment", AustenitisingFurnace())
    quench: Quench = unit_at("heat_treatment", Quench())
    cold_buffer: ColdBuffer = unit_at("heat_treatment", ColdBuffer())
    tempering_furnace: TemperingFurnace = unit_at("heat_treatment", TemperingFurnace())
    leveller: UnitSpec = unit_at("heat_treatment", UnitSpec(time_min=uniform(1.5, 3.0)))
    cutting: Cutting = unit_at("cutting", Cutting())
    ut: UltrasonicTester = unit_at("inspection", UltrasonicTester())
    manual_ut: UnitSpec = unit_at("inspection", UnitSpec(capacity=2, time_min=uniform(5, 15)))
    lab: UnitSpec = unit_at("inspection", UnitSpec(capacity=2, time_min=uniform(20, 40)))
    final_inspection: UnitSpec = unit_at("inspection", UnitSpec(capacity=2, time_min=uniform(2, 4)))
    # the inspection regimes' own units, off by default (reference/inspection.md)
    surface_inspection: SurfaceInspectionUnit = unit_at("inspection", SurfaceInspectionUnit())
    edge_mt: EdgeMTUnit = unit_at("inspection", EdgeMTUnit())
    hardness_tester: HardnessTester = unit_at("inspection", HardnessTester())

    def units(self) -> dict[str, tuple[int, UnitSpec]]:
        """Every unit of the plant in route order: name → (servers, its specification). The
        cutting section is two units, ``plasma`` and ``oxyfuel``, with its table counts. An
        inspection regime's unit is there only when it is enabled."""
        out: dict[str, tuple[int, UnitSpec]] = {}
        for name in type(self).model_fields:
            spec = getattr(self, name)
            if isinstance(spec, OptionalUnit) and not spec.enabled:
                continue
            if isinstance(spec, Cutting):
                out["plasma"] = (spec.plasma_tables, spec)
                out["oxyfuel"] = (spec.oxyfuel_tables, spec)
            elif isinstance(spec, UnitSpec):
                out[name] = (spec.capacity, spec)
        return out


def unit_stages() -> dict[str, str]:
    """UnitSpec name → the stage it works in, in route order (from the plant's field metadata)."""
    out: dict[str, str] = {}
    for name, info in PlantSection.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and "stage" in extra:
            stage = str(extra["stage"])
            for unit in ("plasma", "oxyfuel") if name == "cutting" else (name,):
                out[unit] = stage
    return out


UNIT_NAMES: tuple[str, ...] = tuple(unit_stages())
"""Every unit, in route order (derived from ``PlantSection``)."""
STAGE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(unit_stages().values()))
"""The stages that own units, in route order (derived from ``PlantSection``)."""
