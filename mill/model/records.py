"""Row builders: heats, slabs, product plates and defects as rows of the run folder's tables,
in the column order of ``mill.trace.schema``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from mill.model.entities import Heat, Plate, Slab
from mill.model.inspection import ut_zone
from mill.quality.rare_earth import re_s_ratio
from mill.trace.schema import CHEMISTRY_ELEMENTS

if TYPE_CHECKING:
    from mill.model.plant import Plant


def _r(x: float, digits: int = 3) -> float | str:
    """Round for the CSV; NaN and infinities become empty cells."""
    if x is None or not math.isfinite(x):
        return ""
    return round(x, digits)


class Records:
    """Writes the entity tables as entities complete."""

    def __init__(self, plant: Plant) -> None:
        self.plant = plant
        self.f = plant.folder

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
                _r(h.liquid_mass_t),
                _r(h.cast_mass_t),
                _r(h.liquid_mass_t - h.cast_mass_t),
                _r(h.released_min),
                _r(h.tapped_min),
                _r(h.degassed_min),
                _r(h.cast_start_min),
                _r(h.cast_end_min),
                self.plant.iso(h.cast_start_min),
                *(_r(chem.get(el, 0.0), 5) if chem else "" for el in CHEMISTRY_ELEMENTS),
                _r(d.get("cev", math.nan), 4),
                _r(d.get("cet", math.nan), 4),
                _r(d.get("pcm", math.nan), 4),
                _r(d.get("ideal_diameter_mm", math.nan), 1),
                _r(d.get("ms_c", math.nan), 1),
                *(self._treatment(h) if math.isfinite(h.degassed_min) else [""] * 8),
                *(
                    (_r(h.superheat_c, 1), h.soft_reduction)
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
            _r(h.hydrogen_ppm, 2),
            _r(h.re_added_pct, 5),
            _r(h.re_recovery_frac, 3),
            _r(h.re_pct, 5),
            _r(re_s_ratio(h.re_pct, h.chemistry.get("S", 0.0)), 3),
            _r(inc.rate_factor, 3),
            _r(inc.globular_fraction, 3),
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
                _r(s.thickness_mm, 1),
                _r(s.width_mm, 1),
                _r(s.length_mm, 1),
                _r(s.mass_t),
                _r(s.cast_min),
                s.charge if s.reheat_start_min else "",
                _r(s.reheat_start_min) if s.reheat_start_min else "",
                _r(s.reheat_end_min) if s.reheat_end_min else "",
                _r(s.reheat_temp_c, 1) if s.reheat_temp_c else "",
                _r(s.descale_pressure_bar, 1) if s.descale_pressure_bar else "",
                s.passes if done else "",
                _r(s.rolled_min) if done else "",
                _r(s.rolled_mass_t) if done else "",
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
        in_window = done >= self.plant.warmup
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
                _r(p.thickness_mm, 1),
                _r(p.width_mm, 1),
                _r(p.length_mm, 1),
                _r(p.mass_t, 4),
                order.ut_class,
                slab.charge,
                _r(slab.reheat_temp_c, 1),
                _r(slab.thickness_mm / p.thickness_mm, 2),
                _r(m.aust_temp_c, 1),
                _r(m.aust_min, 1),
                _r(m.htc_w_m2k, 0),
                _r(m.uniformity, 3),
                _r(pr.get("cooling_surface", math.nan), 2),
                _r(pr.get("cooling_centre", math.nan), 2),
                _r(p.temper_temp_c, 1),
                _r(p.temper_min, 1),
                p.retempers,
                p.relevels,
                p.cutting_method,
                _r(p.preheat_c, 0),
                _r(p.preheat_required_c, 0),
                _r(pr.get("fm_centre", math.nan), 3),
                _r(pr.get("hbw_surface", math.nan), 1),
                _r(pr.get("hbw_centre", math.nan), 1),
                _r(me.get("hbw", math.nan), 1),
                me.get("hbw_ref", ""),
                _r(me.get("hbw_centre", math.nan), 1),
                _r(pr.get("t50", math.nan), 1),
                _r(pr.get("kv_true", math.nan), 1),
                _r(me.get("kv_avg", math.nan), 1),
                me.get("kv_ref", ""),
                self.plant.sc.grades[order.grade].charpy_temp_c,
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
                _r(order.arrival_min),
                _r(slab.cast_min),
                _r(p.cut_min),
                _r(done) if done >= 0 else "",
                self.plant.iso(done) if done >= 0 else "",
                _r(order.due_min),
                (done > order.due_min) if done >= 0 and p.disposition != "scrap" else "",
                _r((done - max(order.arrival_min, 0.0)) / 60.0) if done >= 0 else "",
                _r((done - slab.cast_min) / 60.0) if done >= 0 else "",
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
                    _r(d.x_mm, 1),
                    _r(d.y_mm, 1),
                    _r(d.z_frac, 3),
                    _r(d.length_mm, 2),
                    _r(d.width_mm, 2),
                    _r(d.area_mm2, 2),
                    zone,
                    detected,
                    by,
                    _r(hit[1], 2) if detected else "",
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
                    _r(ind.x_mm, 1),
                    _r(ind.y_mm, 1),
                    _r(ind.z_frac, 3),
                    _r(ind.length_mm, 2),
                    _r(ind.width_mm, 2),
                    _r(ind.area_mm2, 2),
                    ut_zone(
                        ind.x_mm, ind.y_mm, plate.thickness_mm, plate.width_mm, plate.length_mm
                    ),
                    True,
                    "manual_ut" if ind.confirmed else "ut",
                    _r(ind.area_mm2, 2),
                    "reject" if ind.confirmed else "dismissed",
                )
            )
