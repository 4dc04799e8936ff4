"""Slab design within the caster's and the mill's limits: the slab thickness for a plate
thickness, the slab a set of mother plates needs, and whether it is inside the limits.

Volume is conserved apart from scale: slab t·w·l = rolled t·w·l / (1 − scale). The slab is as
wide as the rolled plate (50 mm steps inside the caster's width range) and as long as its
volume needs; its thickness is the thinnest of the caster's thicknesses whose ratio to the
plate thickness reaches ``planning.min_reduction_ratio`` (the thickest if none does).
"""

from __future__ import annotations

import math

from mill.model.entities import DENSITY_T_PER_MM3, MotherPlan, SlabPlan, mass_t
from mill.scenario import Scenario

EDGE_ALLOWANCE_MM = 15.0
"""Assumption: cutting allowance along each mother-plate edge before the first cut."""


class SlabDesign:
    """The slab geometry of one scenario."""

    def __init__(self, sc: Scenario) -> None:
        p, c = sc.plant, sc.plant.caster
        self.side_trim = p.shear_line.side_trim_mm
        self.crop = p.shear_line.crop_mm
        self.scale = p.plate_mill.scale_loss_pct / 100.0
        self.thicknesses = sorted(c.slab_thicknesses_mm)
        self.ratio = sc.planning.min_reduction_ratio
        self.width = (c.slab_width_min_mm, c.slab_width_max_mm)
        self.length = (c.slab_length_min_mm, c.slab_length_max_mm)
        self.mass = (c.slab_mass_min_t, c.slab_mass_max_t)
        self.kerf = max(p.cutting.plasma_kerf_mm, p.cutting.oxyfuel_kerf_mm)
        self.max_rolled_length = p.plate_mill.max_length_mm
        self.max_mother_length = sc.planning.mother_max_length_mm

    def thickness(self, plate_mm: float) -> float:
        """The thinnest slab giving the minimum reduction ratio (the thickest if none does)."""
        for t in self.thicknesses:
            if t >= self.ratio * plate_mm - 1e-9:
                return t
        return self.thicknesses[-1]

    def slab(self, mothers: list[MotherPlan], t: float) -> SlabPlan:
        """The slab these mother plates (all of plate thickness ``t``) are rolled from."""
        rw = max(max(m.width_mm for m in mothers) + 2 * self.side_trim, self.width[0])
        rl = sum(m.length_mm for m in mothers) + 2 * self.crop
        vol = t * rw * rl / (1.0 - self.scale)
        st = self.thickness(t)
        # slab widths come in 50 mm steps inside the caster's range
        sw = min(max(round(rw / 50.0) * 50.0, self.width[0]), self.width[1])
        return SlabPlan(sw, vol / (st * sw), st, t, rw, rl, mothers)

    def longest_mm(self, slab_t: float, slab_w: float) -> float:
        """The longest slab of this section inside both the length and the mass maximum."""
        return min(self.length[1], self.mass[1] / (DENSITY_T_PER_MM3 * slab_t * slab_w))

    def too_big(self, s: SlabPlan) -> bool:
        return s.length_mm > self.longest_mm(s.thickness_mm, s.width_mm) * (1 + 1e-12)

    def short_by_mm(self, s: SlabPlan) -> float:
        """Rolled length (mm) the slab lacks to reach the minimum length and mass (0 if none)."""
        shortest = max(
            self.length[0], self.mass[0] / (DENSITY_T_PER_MM3 * s.thickness_mm * s.width_mm)
        )
        lack = shortest - s.length_mm
        if lack <= 1e-9:
            return 0.0
        per_rolled = (
            s.plate_thickness_mm
            * s.rolled_width_mm
            / ((1.0 - self.scale) * s.thickness_mm * s.width_mm)
        )  # slab length per mm of rolled length
        return lack / per_rolled

    def violations(self, s: SlabPlan) -> list[str]:
        """What is outside the limits (empty inside them), for the manifest's invariant."""
        m = mass_t(s.thickness_mm, s.width_mm, s.length_mm)
        out = []
        lo, hi = self.length
        if not lo - 1e-6 <= s.length_mm <= hi + 1e-6:
            out.append(f"length {s.length_mm:.0f} mm outside {lo:g}–{hi:g}")
        lo, hi = self.mass
        if not lo - 1e-9 <= m <= hi + 1e-9:
            out.append(f"mass {m:.2f} t outside {lo:g}–{hi:g}")
        if s.thickness_mm not in self.thicknesses:
            out.append(f"thickness {s.thickness_mm:g} mm not cast")
        return out

    def max_plate_length_mm(self, t: float, w: float) -> float:
        """The longest product plate of thickness ``t`` and width ``w`` one slab inside the
        limits can give (one plate on its own mother plate, inside the mother-plate and the
        mill's rolled length): orders are capped at it."""
        rw = max(w + 2 * EDGE_ALLOWANCE_MM + 2 * self.side_trim, self.width[0])
        st = self.thickness(t)
        sw = min(max(round(rw / 50.0) * 50.0, self.width[0]), self.width[1])
        rl = self.longest_mm(st, sw) * (1.0 - self.scale) * st * sw / (t * rw)
        mother = min(rl, self.max_rolled_length) - 2 * self.crop
        return math.floor(min(mother, self.max_mother_length) - 2 * EDGE_ALLOWANCE_MM)
