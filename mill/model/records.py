"""Row builders: heats, slabs, product plates and defects as rows of the run folder's tables.

Every row is built by column name with the table's row maker from ``mill.trace.schema``
(``record``), in file order, so a column renamed, added or moved in the data dictionary is a
``TypeError`` at the first row, not a silently shifted file. Rows carry raw values; the table
writer formats them with each column's decimals (NaN and None become empty cells).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from mill.model.entities import Heat, Plate, Slab
from mill.quality.acceptance import ut_zone
from mill.quality.rare_earth import re_s_ratio
from mill.scenario import Scenario
from mill.trace.folder import RunFolder
from mill.trace.schema import CHEMISTRY_ELEMENTS, record

HeatRow = record("heats")
SlabRow = record("slabs")
PlateRow = record("plates")
DefectRow = record("defects")


def _or_blank(value: Any, known: bool) -> Any:
    """``value`` when it is known yet, else an empty cell."""
    return value if known else ""


class Records:
    """Writes the entity tables as entities complete."""

    def __init__(
        self, folder: RunFolder, sc: Scenario, warmup_min: float, iso: Callable[[float], str]
    ) -> None:
        self.f = folder
        self.sc = sc
        self.warmup = warmup_min
        self.iso = iso
        """ISO 8601 timestamp of a simulation time."""
        self.miss_reason: Callable[[Plate, Any], str] | None = None
        """Why no inspection found a true defect (set by the run: it needs the plant's
        judgement of the plate, ``mill.model.escapes.miss_reason``); empty cells if unset."""

    def heat(self, h: Heat) -> None:
        chem = h.chemistry
        treated = math.isfinite(h.degassed_min)
        cast = math.isfinite(h.cast_start_min)
        inc = h.inclusions
        elements = {f"{el.lower()}_pct": (chem.get(el, 0.0) if chem else "")
                    for el in CHEMISTRY_ELEMENTS}  # fmt: skip
        self.f["heats"].write(
            HeatRow(
                heat_id=h.heat_id,
                sequence_id=h.sequence_id,
                seq_heat_index=h.seq_index,
                seq_heats=h.seq_heats,
                grade=h.grade,
                gauge_class=h.plan.design.label,
                liquid_mass_t=h.liquid_mass_t,
                cast_mass_t=h.cast_mass_t,
                casting_loss_t=h.liquid_mass_t - h.cast_mass_t,
                released_min=h.released_min,
                tapped_min=h.tapped_min,
                degassed_min=h.degassed_min,
                cast_start_min=h.cast_start_min,
                cast_end_min=h.cast_end_min,
                cast_start_iso=self.iso(h.cast_start_min),
                **elements,
                cev=h.cev,
                cet=h.cet,
                pcm=h.pcm,
                ideal_diameter_mm=h.ideal_diameter_mm,
                ms_c=h.ms_c,
                vacuum_degassed=_or_blank(h.vacuum_degassed, treated),
                hydrogen_ppm=_or_blank(h.hydrogen_ppm, treated),
                re_added_pct=_or_blank(h.re_added_pct, treated),
                re_recovery_frac=_or_blank(h.re_recovery_frac, treated),
                re_pct=_or_blank(h.re_pct, treated),
                re_s_ratio=_or_blank(
                    treated and re_s_ratio(h.re_pct, h.chemistry.get("S", 0.0)), treated
                ),
                inclusion_rate_factor=_or_blank(treated and inc.rate_factor, treated),
                globular_fraction=_or_blank(treated and inc.globular_fraction, treated),
                superheat_c=_or_blank(h.superheat_c, cast),
                soft_reduction=_or_blank(h.soft_reduction, cast),
                slabs=h.slabs_cast,
            )
        )

    def slab(self, s: Slab, mothers: int | None) -> None:
        """A slab row; ``mothers`` is the count sheared, None while not yet sheared."""
        done = s.rolled_min > 0
        charged = bool(s.reheat_start_min)
        self.f["slabs"].write(
            SlabRow(
                slab_id=s.slab_id,
                heat_id=s.heat.heat_id,
                sequence_id=s.heat.sequence_id,
                seq_position=s.seq_position,
                thickness_mm=s.thickness_mm,
                width_mm=s.width_mm,
                length_mm=s.length_mm,
                mass_t=s.mass_t,
                cast_min=s.cast_min,
                charge=_or_blank(s.charge, charged),
                reheat_start_min=_or_blank(s.reheat_start_min, charged),
                reheat_end_min=_or_blank(s.reheat_end_min, bool(s.reheat_end_min)),
                reheat_temp_c=_or_blank(s.reheat_temp_c, bool(s.reheat_temp_c)),
                descale_pressure_bar=_or_blank(
                    s.descale_pressure_bar, bool(s.descale_pressure_bar)
                ),
                passes=_or_blank(s.passes, done),
                rolled_min=_or_blank(s.rolled_min, done),
                rolled_mass_t=_or_blank(s.rolled_mass_t, done),
                mother_plates="" if mothers is None else mothers,
                slab_defects=sum(
                    1 for d in s.defects if d.origin_stage in ("steelmaking", "casting")
                )
                + s.porosity_closed,
                porosity_closed=s.porosity_closed,
            )
        )

    def plate(self, p: Plate, nonconforming: bool) -> None:
        m = p.mother
        slab = m.slab
        heat = slab.heat
        truth = p.truth
        me = p.measured
        det = me.det
        order = p.order
        done = p.done_min
        finished = done >= 0
        first = nonconforming if me.nc_first is None else me.nc_first
        self.f["plates"].write(
            PlateRow(
                plate_id=p.plate_id,
                order_id=order.order_id,
                customer=order.customer,
                customer_po=order.customer_po,
                customer_item=order.customer_item,
                grade_ordered=order.grade,
                grade_released=p.grade_released,
                heat_id=heat.heat_id,
                slab_id=slab.slab_id,
                mother_id=m.mother_id,
                sequence_id=heat.sequence_id,
                seq_position=slab.seq_position,
                ht_batch_id=m.ht_batch_id,
                thickness_mm=p.thickness_mm,
                width_mm=p.width_mm,
                length_mm=p.length_mm,
                mass_t=p.mass_t,
                ut_class_ordered=order.ut_class,
                charge=slab.charge,
                reheat_temp_c=slab.reheat_temp_c,
                rolling_reduction_ratio=slab.thickness_mm / p.thickness_mm,
                aust_temp_c=m.aust_temp_c,
                aust_min=m.aust_min,
                quench_htc_w_m2k=m.htc_w_m2k,
                quench_uniformity=m.uniformity,
                cooling_surface_c_per_s=truth.cooling_surface,
                cooling_centre_c_per_s=truth.cooling_centre,
                temper_temp_c=p.temper_temp_c,
                temper_min=p.temper_min,
                retempers=p.retempers,
                relevels=p.relevels,
                cutting_method=p.cutting_method,
                preheat_c=p.preheat_c,
                preheat_required_c=p.preheat_required_c,
                martensite_centre_frac=truth.fm_centre,
                hardness_true_hbw=truth.hbw_surface,
                hardness_centre_true_hbw=truth.hbw_centre,
                hardness_meas_hbw=me.hbw,
                hardness_test_plate=me.hbw_ref,
                hardness_centre_meas_hbw=me.hbw_centre,
                charpy_t50_c=truth.t50,
                charpy_t27j_c=truth.t27j,
                charpy_true_j=truth.kv_true,
                charpy_meas_avg_j=me.kv_avg,
                charpy_test_plate=me.kv_ref,
                charpy_test_temp_c=self.sc.grades[order.grade].charpy_temp_c
                if me.kv_ref
                else math.nan,
                defects_true=len(p.defects),
                defects_detected=sum(
                    1 for d in p.defects if d.defect_id in det and det[d.defect_id][2]
                ),
                ut_indications=len(p.indications),
                false_calls=sum(1 for i in p.indications if i.true_defect_index < 0),
                ut_body_class=me.ut_body,
                ut_edge_class=me.ut_edge,
                ut_pass="" if me.ut_pass is None else me.ut_pass,
                nonconforming_true=nonconforming,
                disposition=p.disposition,
                reason=p.reason,
                escape=p.disposition == "prime" and nonconforming,
                escape_reasons=";".join(f"{what}:{why}" for what, why in p.escape_reasons),
                false_reject=p.disposition in ("downgraded", "scrap") and not first,
                order_arrival_min=order.arrival_min,
                cast_min=slab.cast_min,
                cut_min=p.cut_min,
                done_min=_or_blank(done, finished),
                done_iso=self.iso(done) if finished else "",
                due_min=order.due_min,
                late=(done > order.due_min) if finished and p.disposition != "scrap" else "",
                lead_time_h=_or_blank((done - max(order.arrival_min, 0.0)) / 60.0, finished),
                flow_time_h=_or_blank((done - slab.cast_min) / 60.0, finished),
                in_window=done >= self.warmup,
            )
        )

    def defects(
        self,
        entity_id: str,
        heat_id: str,
        items: list[Any],
        plate: Plate | None,
        call_override: str = "",
    ) -> None:
        """Write defects carried by ``entity_id`` (a plate, or a scrap piece when no plate)."""
        w = self.f["defects"]
        det = plate.measured.det if plate is not None else {}
        for d in items:
            if plate is None:
                zone = "scrap"
            else:
                zone = ut_zone(d.x_mm, d.y_mm, plate.thickness_mm, plate.width_mm, plate.length_mm)
            hit = det.get(d.defect_id) or ("none", float("nan"), False)
            detected = bool(hit[2])
            why = ""
            if call_override:
                call = call_override
            elif detected:
                call = _found_call(plate)
            else:
                call = "missed" if plate is not None else "scrapped"
                if plate is not None and self.miss_reason is not None:
                    why = self.miss_reason(plate, d)
            w.write(
                DefectRow(
                    defect_id=d.defect_id,
                    entity_id=entity_id,
                    heat_id=heat_id,
                    is_true=True,
                    mechanism=d.mechanism,
                    origin_stage=d.origin_stage,
                    root_cause=d.root_cause,
                    x_mm=d.x_mm,
                    y_mm=d.y_mm,
                    z_frac=d.z_frac,
                    length_mm=d.length_mm,
                    width_mm=d.width_mm,
                    area_mm2=d.area_mm2,
                    zone=zone,
                    detected=detected,
                    detected_by=hit[0] if detected else "none",
                    measured_area_mm2=hit[1] if detected else "",
                    call=call,
                    missed_reason=why,
                )
            )

    def findings(self, plate: Plate, call_override: str = "") -> None:
        """Every defect row of a plate leaving the record (disposed, or still in process at
        the run's end with ``call_override`` "wip"): its true defects and its UT false calls."""
        heat_id = plate.mother.slab.heat.heat_id
        self.defects(plate.plate_id, heat_id, plate.defects, plate, call_override)
        self.false_calls(plate, call_override)

    def false_calls(self, plate: Plate, call_override: str = "") -> None:
        """UT indications with no defect behind them: one dismissed at the manual re-check is
        called ``dismissed``; one upheld gets the call a found true defect gets on the same
        plate (``_found_call``), so both tables tell one story. No true size is written: there
        is no defect; the indication's size is the measured area."""
        w = self.f["defects"]
        heat_id = plate.mother.slab.heat.heat_id
        k = 0
        for ind in plate.measured.scan:
            if ind.true_defect_index >= 0:
                continue
            k += 1
            w.write(
                DefectRow(
                    defect_id=f"{plate.plate_id}-F{k:02d}",
                    entity_id=plate.plate_id,
                    heat_id=heat_id,
                    is_true=False,
                    mechanism="false_call",
                    origin_stage="",
                    root_cause="none",
                    x_mm=ind.x_mm,
                    y_mm=ind.y_mm,
                    z_frac=ind.z_frac,
                    length_mm="",
                    width_mm="",
                    area_mm2="",
                    zone=ut_zone(
                        ind.x_mm, ind.y_mm, plate.thickness_mm, plate.width_mm, plate.length_mm
                    ),
                    detected=True,
                    detected_by="manual_ut" if ind.confirmed else "ut",
                    measured_area_mm2=ind.area_mm2,
                    call=(call_override or _found_call(plate)) if ind.confirmed else "dismissed",
                    missed_reason="",
                )
            )


def _found_call(plate: Plate | None) -> str:
    """The call on a finding (a found defect, an upheld false call): ``accept`` on a plate
    released prime with it, ``reject`` on one downgraded or scrapped."""
    return "accept" if plate is not None and plate.disposition == "prime" else "reject"
