"""Row builders: heats, slabs, product plates and defects as rows of the run folder's tables,
in the column order of ``mill.trace.schema``. Rows carry raw values; the table writer formats
them with each column's decimals (NaN and None become empty cells)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from mill.model.entities import Heat, Plate, Slab
from mill.quality.acceptance import ut_zone
from mill.quality.rare_earth import re_s_ratio
from mill.scenario import Scenario
from mill.trace.folder import RunFolder
from mill.trace.schema import CHEMISTRY_ELEMENTS


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

    def heat(self, h: Heat) -> None:
        chem = h.chemistry
        d = h.derived
        self.f["heats"].write(
            (
                h.heat_id,
                h.sequence_id,
                h.seq_index,
                h.seq_heats,
                h.grade,
                "heavy" if h.plan.heavy else "standard",
                h.liquid_mass_t,
                h.cast_mass_t,
                h.liquid_mass_t - h.cast_mass_t,
                h.released_min,
                h.tapped_min,
                h.degassed_min,
                h.cast_start_min,
                h.cast_end_min,
                self.iso(h.cast_start_min),
                *(chem.get(el, 0.0) if chem else "" for el in CHEMISTRY_ELEMENTS),
                d.get("cev", math.nan),
                d.get("cet", math.nan),
                d.get("pcm", math.nan),
                d.get("ideal_diameter_mm", math.nan),
                d.get("ms_c", math.nan),
                *(self._treatment(h) if math.isfinite(h.degassed_min) else [""] * 8),
                *(
                    (h.superheat_c, h.soft_reduction)
                    if math.isfinite(h.cast_start_min)
                    else ("", "")
                ),
                h.slabs_cast,
            )
        )

    @staticmethod
    def _treatment(h: Heat) -> list[Any]:
        """Secondary metallurgy columns: degassing, hydrogen, RE addition and its effect."""
        inc = h.inclusions
        return [
            h.vacuum_degassed,
            h.hydrogen_ppm,
            h.re_added_pct,
            h.re_recovery_frac,
            h.re_pct,
            re_s_ratio(h.re_pct, h.chemistry.get("S", 0.0)),
            inc.rate_factor,
            inc.globular_fraction,
        ]

    def slab(self, s: Slab, mothers: int | None) -> None:
        """A slab row; ``mothers`` is the count sheared, None while not yet sheared."""
        done = s.rolled_min > 0
        self.f["slabs"].write(
            (
                s.slab_id,
                s.heat.heat_id,
                s.heat.sequence_id,
                s.seq_position,
                s.thickness_mm,
                s.width_mm,
                s.length_mm,
                s.mass_t,
                s.cast_min,
                s.charge if s.reheat_start_min else "",
                s.reheat_start_min if s.reheat_start_min else "",
                s.reheat_end_min if s.reheat_end_min else "",
                s.reheat_temp_c if s.reheat_temp_c else "",
                s.descale_pressure_bar if s.descale_pressure_bar else "",
                s.passes if done else "",
                s.rolled_min if done else "",
                s.rolled_mass_t if done else "",
                "" if mothers is None else mothers,
                sum(1 for d in s.defects if d.origin_stage in ("steelmaking", "casting")),
            )
        )

    def plate(self, p: Plate, nonconforming: bool) -> None:
        m = p.mother
        slab = m.slab
        heat = slab.heat
        pr = p.props
        me = p.meas
        det = me.get("det", {})
        n_true = len(p.defects)
        n_det = sum(1 for d in p.defects if d.defect_id in det and det[d.defect_id][2])
        false_calls = sum(1 for i in p.indications if i.true_defect_index < 0)
        order = p.order
        done = p.done_min
        prime = p.disposition == "prime"
        in_window = done >= self.warmup
        self.f["plates"].write(
            (
                p.plate_id,
                order.order_id,
                order.grade,
                p.grade_released,
                heat.heat_id,
                slab.slab_id,
                m.mother_id,
                heat.sequence_id,
                slab.seq_position,
                m.ht_batch_id,
                p.thickness_mm,
                p.width_mm,
                p.length_mm,
                p.mass_t,
                order.ut_class,
                slab.charge,
                slab.reheat_temp_c,
                slab.thickness_mm / p.thickness_mm,
                m.aust_temp_c,
                m.aust_min,
                m.htc_w_m2k,
                m.uniformity,
                pr.get("cooling_surface", math.nan),
                pr.get("cooling_centre", math.nan),
                p.temper_temp_c,
                p.temper_min,
                p.retempers,
                p.relevels,
                p.cutting_method,
                p.preheat_c,
                p.preheat_required_c,
                pr.get("fm_centre", math.nan),
                pr.get("hbw_surface", math.nan),
                pr.get("hbw_centre", math.nan),
                me.get("hbw", math.nan),
                me.get("hbw_ref", ""),
                me.get("hbw_centre", math.nan),
                pr.get("t50", math.nan),
                pr.get("kv_true", math.nan),
                me.get("kv_avg", math.nan),
                me.get("kv_ref", ""),
                self.sc.grades[order.grade].charpy_temp_c,
                n_true,
                n_det,
                len(p.indications),
                false_calls,
                me.get("ut_body", ""),
                me.get("ut_edge", ""),
                me.get("ut_pass", ""),
                nonconforming,
                p.disposition,
                p.reason,
                prime and nonconforming,
                (p.disposition in ("downgraded", "scrap"))
                and not me.get("nc_first", nonconforming),
                order.arrival_min,
                slab.cast_min,
                p.cut_min,
                done if done >= 0 else "",
                self.iso(done) if done >= 0 else "",
                order.due_min,
                (done > order.due_min) if done >= 0 and p.disposition != "scrap" else "",
                (done - max(order.arrival_min, 0.0)) / 60.0 if done >= 0 else "",
                (done - slab.cast_min) / 60.0 if done >= 0 else "",
                in_window,
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
        det = plate.meas.get("det", {}) if plate is not None else {}
        for d in items:
            if plate is None:
                zone = "scrap"
            else:
                zone = ut_zone(d.x_mm, d.y_mm, plate.thickness_mm, plate.width_mm, plate.length_mm)
            hit = det.get(d.defect_id) or ("none", float("nan"), False)
            detected = bool(hit[2])
            by = hit[0] if detected else "none"
            if call_override:
                call = call_override
            elif detected:
                call = "accept" if plate is not None and plate.disposition == "prime" else "reject"
            else:
                call = "missed" if plate is not None else "scrapped"
            w.write(
                (
                    d.defect_id,
                    entity_id,
                    heat_id,
                    True,
                    d.mechanism,
                    d.origin_stage,
                    d.root_cause,
                    d.x_mm,
                    d.y_mm,
                    d.z_frac,
                    d.length_mm,
                    d.width_mm,
                    d.area_mm2,
                    zone,
                    detected,
                    by,
                    hit[1] if detected else "",
                    call,
                )
            )

    def false_calls(self, plate: Plate) -> None:
        """UT indications with no defect behind them (confirmed or dismissed)."""
        w = self.f["defects"]
        heat_id = plate.mother.slab.heat.heat_id
        scan = plate.meas.get("scan", [])
        k = 0
        for ind in scan:
            if ind.true_defect_index >= 0:
                continue
            k += 1
            w.write(
                (
                    f"{plate.plate_id}-F{k:02d}",
                    plate.plate_id,
                    heat_id,
                    False,
                    "false_call",
                    "",
                    "none",
                    ind.x_mm,
                    ind.y_mm,
                    ind.z_frac,
                    ind.length_mm,
                    ind.width_mm,
                    ind.area_mm2,
                    ut_zone(
                        ind.x_mm, ind.y_mm, plate.thickness_mm, plate.width_mm, plate.length_mm
                    ),
                    True,
                    "manual_ut" if ind.confirmed else "ut",
                    ind.area_mm2,
                    "reject" if ind.confirmed else "dismissed",
                )
            )
