"""The ledger: where every tonne and every plate is, the genealogy edges as they happen, the
run's KPI accumulators, and the invariants every run checks (DESIGN.md).

Mass balance: tonnes cast = prime + downgraded + scrap + yield loss + work in progress, with
work in progress summed from the live entities, not derived. Traceability: each piece is
made from the piece its id extends (slab from heat, mother from slab, plate from mother, a
re-sized plate from the plate it was), and a plate leaves naming a heat that was cast.
Memory stays flat: only live entities are held; lead and flow times are kept as one 8-byte
float per released plate, so their summary percentiles are exact.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
import simpy

from mill.model.entities import Heat, Mother, Plate, Slab
from mill.model.genealogy_check import EdgeCheck
from mill.model.lab import Lab
from mill.model.records import Records
from mill.trace.writer import TableWriter


class Hours:
    """Every value of a time KPI in hours (8 bytes each: 8 MB for a million plates), for
    exact percentiles."""

    def __init__(self) -> None:
        self.values = array("d")
        self.total = 0.0

    @property
    def n(self) -> int:
        return len(self.values)

    def add(self, hours: float) -> None:
        self.values.append(hours)
        self.total += hours

    def percentile(self, q: float) -> float:
        """The exact q-th percentile, linearly interpolated between order statistics (numpy's
        and pandas' default, Hyndman & Fan 1996 definition 7); NaN when empty."""
        if not self.values:
            return float("nan")
        return float(np.percentile(np.frombuffer(self.values, dtype=np.float64), q))

    def mean(self) -> float:
        return self.total / self.n if self.n else float("nan")


class Ledger:
    """Mass, counts, genealogy and KPIs."""

    def __init__(
        self,
        env: simpy.Environment,
        warmup_min: float,
        genealogy: TableWriter,
        records: Records,
        lab: Lab,
    ) -> None:
        self.env = env
        self.warmup = warmup_min
        self.records = records
        self.lab = lab
        self._edge_line = genealogy.line_format()
        self._add_edge = genealogy.add_line
        self.live: dict[str, Any] = {}
        self.live_t = 0.0
        self.cast_t = 0.0
        self.out_t: defaultdict[str, float] = defaultdict(float)  # prime, downgraded, scrap, loss
        self.heat_open: dict[str, int] = {}
        self.heats_open: dict[str, Heat] = {}  # released, row not yet written
        self.plates_created = 0
        self.plates_done = Counter[str]()
        self.violations: list[str] = []
        self.trace_violations: list[str] = []
        self.edge_check = EdgeCheck()  # traceability through the edges as written
        # KPI window accumulators
        self._last = 0.0
        self.int_live_t = 0.0
        self.int_live_n = 0.0
        self.win = Counter[str]()
        self.win_t: defaultdict[str, float] = defaultdict(float)
        self.lead = Hours()
        self.flow = Hours()
        self.defects_true = Counter[str]()
        self.defects_detected = Counter[str]()
        self.defect_origin = Counter[str]()
        self.defect_detection = Counter[str]()
        self.defect_cross = Counter[tuple[str, str]]()
        self.causes = Counter[str]()
        self.reasons = Counter[str]()
        # escapes by what was wrong and why it got through (mill.model.escapes)
        self.escape_what = Counter[str]()
        self.escape_why = Counter[str]()
        self.escape_pairs = Counter[str]()

    # ---- live registry and WIP ---------------------------------------------------------
    def _advance(self) -> None:
        now = self.env.now
        lo = max(self._last, self.warmup)
        if now > lo:
            self.int_live_t += self.live_t * (now - lo)
            self.int_live_n += len(self.live) * (now - lo)
        self._last = now

    def _add(self, key: str, entity: Any, mass: float) -> None:
        self._advance()
        self.live[key] = entity
        self.live_t += mass

    def _remove(self, key: str, mass: float) -> None:
        self._advance()
        del self.live[key]
        self.live_t -= mass

    def _edge(self, parent: str, child: str, relation: str, mass: float) -> None:
        # internal ids, a relation word and finite numbers: the writer's unchecked path
        self._add_edge(self._edge_line(parent, child, relation, mass, self.env.now))
        self.edge_check.edge(parent, child, relation)

    # ---- flow of material --------------------------------------------------------------
    def _traced(self, child: str, parent: str, made_from: object, expected: object) -> None:
        """Traceability: ``child`` extends its parent's id and was made from that parent."""
        if made_from is not expected or not child.startswith(parent):
            self.trace_violations.append(f"{child}: not made from {parent}")

    def cast(self, slab: Slab) -> None:
        heat = slab.heat
        self._traced(slab.slab_id, f"{heat.heat_id}-S", heat, heat)
        self.edge_check.heat(heat.heat_id)
        if heat.heat_id not in self.heat_open:
            self.heat_open[heat.heat_id] = sum(m.count for s in heat.plan.slabs for m in s.mothers)
        self.cast_t += slab.mass_t
        self._add(slab.slab_id, slab, slab.mass_t)
        self._edge(heat.heat_id, slab.slab_id, "cast", slab.mass_t)

    def casting_loss(self, heat: Heat) -> None:
        self.edge_check.heat(heat.heat_id)
        self._edge(
            heat.heat_id, f"{heat.heat_id}-LOSS", "loss", heat.liquid_mass_t - heat.cast_mass_t
        )

    def sheared(
        self, slab: Slab, mothers: list[Mother], rolled_l: float, scrap_defects: list, now: float
    ) -> None:
        self._remove(slab.slab_id, slab.mass_t)
        scale = slab.mass_t - slab.rolled_mass_t
        scrap = slab.rolled_mass_t - sum(m.mass_t for m in mothers)
        if scrap < -1e-9:
            self.violations.append(f"{slab.slab_id}: mother plates heavier than the rolled plate")
        self.out_t["loss"] += scale
        self.out_t["scrap"] += scrap
        for m in mothers:
            self._traced(m.mother_id, f"{slab.slab_id}-M", m.slab, slab)
            self._add(m.mother_id, m, m.mass_t)
            self._edge(slab.slab_id, m.mother_id, "rolled", m.mass_t)
        self._edge(slab.slab_id, f"{slab.slab_id}-X", "scrap", scrap)
        self._edge(slab.slab_id, f"{slab.slab_id}-LOSS", "loss", scale)
        planned = sum(m.count for m in slab.plan.mothers)
        made = sum(m.plan.count for m in mothers)
        if planned != made:
            self.violations.append(
                f"{slab.slab_id}: {made} plates planned on mothers, {planned} on slab"
            )
        self.records.defects(f"{slab.slab_id}-X", slab.heat.heat_id, scrap_defects, None)
        self._count_defects(scrap_defects, None)

    def cut(self, mother: Mother, plates: list[Plate], scrap_defects: list, now: float) -> None:
        self._remove(mother.mother_id, mother.mass_t)
        scrap = mother.mass_t - sum(p.mass_t for p in plates)
        if scrap < -1e-9 or len(plates) != mother.plan.count:
            self.violations.append(
                f"{mother.mother_id}: cut {len(plates)} plates of {mother.plan.count} planned, "
                f"scrap {scrap:.4f} t"
            )
            self.heat_open[mother.slab.heat.heat_id] -= mother.plan.count - len(plates)
        self.out_t["scrap"] += scrap
        for p in plates:
            self._traced(p.plate_id, f"{mother.mother_id}-P", p.mother, mother)
            self._add(p.plate_id, p, p.mass_t)
            self._edge(mother.mother_id, p.plate_id, "cut", p.mass_t)
            self.plates_created += 1
        self._edge(mother.mother_id, f"{mother.mother_id}-X", "scrap", scrap)
        self.records.defects(f"{mother.mother_id}-X", mother.slab.heat.heat_id, scrap_defects, None)
        self._count_defects(scrap_defects, None)

    def resized(
        self, plate: Plate, old_id: str, new_id: str, new_mass: float, removed: list
    ) -> None:
        scrap = plate.mass_t - new_mass
        self._traced(new_id, f"{old_id.split('R')[0]}R", plate, plate)
        self._remove(old_id, plate.mass_t)
        self._add(new_id, plate, new_mass)
        self.out_t["scrap"] += scrap
        self._edge(old_id, new_id, "recut", new_mass)
        self._edge(old_id, f"{old_id}-X", "scrap", scrap)
        self.records.defects(
            f"{old_id}-X", plate.mother.slab.heat.heat_id, removed, plate, call_override="removed"
        )
        self._count_defects(removed, plate)

    def remove_defects(self, plate: Plate, gone: list) -> None:
        """Defects repaired away (ground off, flattened): recorded, then off the plate."""
        if not gone:
            return
        ids = {d.defect_id for d in gone}
        self.records.defects(
            plate.plate_id, plate.mother.slab.heat.heat_id, gone, plate, call_override="removed"
        )
        self._count_defects(gone, plate)
        plate.defects = [d for d in plate.defects if d.defect_id not in ids]

    def dispose(
        self, plate: Plate, disposition: str, reason: str, grade: str, nonconforming: bool
    ) -> None:
        """The plate leaves the mill: prime, downgraded or scrap; ``nonconforming`` is its
        ground truth (the disposition judges it)."""
        now = self.env.now
        plate.disposition, plate.reason, plate.grade_released = disposition, reason, grade
        plate.done_min = now
        self._remove(plate.plate_id, plate.mass_t)
        self.out_t[disposition] += plate.mass_t
        self.plates_done[disposition] += 1
        self.records.plate(plate, nonconforming)
        self.records.findings(plate)
        self._count_defects(plate.defects, plate)
        if now >= self.warmup:
            self._kpi(plate, nonconforming)
        heat_id = plate.mother.slab.heat.heat_id
        if heat_id not in self.heat_open or not plate.plate_id.startswith(f"{heat_id}-"):
            self.trace_violations.append(f"{plate.plate_id}: does not trace to heat {heat_id}")
        self.edge_check.plate(plate.plate_id, heat_id)
        self.heat_open[heat_id] -= 1
        if self.heat_open[heat_id] == 0:
            del self.heat_open[heat_id]
            self.lab.forget_heat(heat_id)
            self.edge_check.forget(heat_id)

    def _kpi(self, plate: Plate, nonconforming: bool) -> None:
        d = plate.disposition
        self.win[d] += 1
        self.win_t[d] += plate.mass_t
        self.win_t["slab_share"] += plate.slab_share_t
        if d == "prime":
            self.win["escape"] += int(nonconforming)
            for what, why in plate.escape_reasons:
                self.escape_pairs[f"{what}:{why}"] += 1
            self.escape_what.update({what for what, _ in plate.escape_reasons})
            self.escape_why.update({why for _, why in plate.escape_reasons})
        elif not (nonconforming if plate.measured.nc_first is None else plate.measured.nc_first):
            self.win["false_reject"] += 1
        if d != "scrap":
            self.flow.add((plate.done_min - plate.mother.slab.cast_min) / 60.0)
            if plate.order.stock:  # stock has no customer: no lead time, never late
                self.win["stock"] += 1
                self.win_t["stock"] += plate.mass_t
            else:
                self.win["ordered"] += 1
                self.lead.add((plate.done_min - max(plate.order.arrival_min, 0.0)) / 60.0)
                self.win["late"] += int(plate.done_min > plate.order.due_min)
        if plate.reason:
            self.reasons[plate.reason] += 1

    def _count_defects(self, items: list, plate: Plate | None) -> None:
        if self.env.now < self.warmup:
            return
        det = plate.measured.det if plate is not None else {}
        for d in items:
            self.defects_true[d.mechanism] += 1
            self.defect_origin[d.origin_stage] += 1
            self.causes[d.root_cause] += 1
            hit = det.get(d.defect_id)
            stage = hit[0] if hit and hit[2] else ("scrap" if plate is None else "none")
            if hit and hit[2]:
                self.defects_detected[d.mechanism] += 1
            self.defect_detection[stage] += 1
            self.defect_cross[(d.origin_stage, stage)] += 1

    # ---- the end of the run ------------------------------------------------------------
    def finish(self, nonconforming: Callable[[Plate], bool]) -> None:
        """Write what is still in progress (rows with disposition ``wip``), each plate with
        its ground truth by ``nonconforming``."""
        self._advance()
        for heat in list(self.heats_open.values()):
            self.records.heat(heat)
        for key, entity in self.live.items():
            if isinstance(entity, Slab):
                self.records.slab(entity, None)
            elif isinstance(entity, Plate) and key == entity.plate_id:
                self.records.plate(entity, nonconforming(entity))
                # its defects too, called "wip" (no call made yet), so that every count
                # plates.csv gives it has its rows in defects.csv
                self.records.findings(entity, "wip")
                self.edge_check.plate(entity.plate_id, entity.mother.slab.heat.heat_id)
