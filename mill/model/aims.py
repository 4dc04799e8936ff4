"""The chemistry aims of a run: one per grade and gauge class, designed from the scenario's
lean and rich aims, the quench and tempering practice and the GB/T 24186 Table 3 CEV limits
(``mill.quality.aim_design``). Gauge classes that come out with the same aim are one class:
their orders share heats.
"""

from __future__ import annotations

import bisect
from dataclasses import replace

from mill.quality.aim_design import AimDesign, design_aims
from mill.quality.chemistry import cev_limit, impact_quality
from mill.scenario import Scenario


class Aims:
    """Designed aims per grade, and the class a plate thickness falls in."""

    def __init__(self, sc: Scenario) -> None:
        self.by_grade: dict[str, list[AimDesign]] = {
            name: _merge(_design(sc, name)) for name in sc.grades
        }

    def index(self, grade: str, thickness_mm: float) -> int:
        """The gauge class of plate of this thickness (the last class takes thicker plate)."""
        designs = self.by_grade[grade]
        uppers = [d.upto_mm for d in designs]
        return min(bisect.bisect_left(uppers, thickness_mm), len(designs) - 1)

    def design(self, grade: str, index: int) -> AimDesign:
        return self.by_grade[grade][index]

    def table(self) -> list[dict[str, object]]:
        """The designs as rows (summary.json ``chemistry_design``)."""
        return [
            {
                "grade": grade,
                "gauge_class": d.label,
                "rich_share": d.step,
                "cev_aim": round(d.cev_aim, 4),
                "cev_limit": d.cev_limit,
                "ideal_diameter_mm": round(d.ideal_diameter_mm, 1),
                "centre_design_hbw": round(d.centre_hbw, 1),
                "surface_design_hbw": round(d.surface_hbw, 1),
                "meets_centre_margin": d.meets_centre,
                "aim_pct": d.aim_pct,
            }
            for grade, designs in self.by_grade.items()
            for d in designs
        ]


def _design(sc: Scenario, name: str) -> list[AimDesign]:
    g = sc.grades[name]
    quality = impact_quality(g.charpy_temp_c)
    tf = sc.plant.tempering_furnace
    base_min = float(tf.time_min.mean())

    def temper_h(t: float) -> float:
        per_mm = tf.residence_min_per_mm * t if tf.derived_time else 0.0
        return (base_min + per_mm) / 60.0

    return design_aims(
        g.aim_pct,
        g.aim_rich_pct,
        g.sigma_pct,
        [b for b in g.gauge_classes_mm if b < g.max_thickness_mm] + [g.max_thickness_mm],
        g.centre_min_hbw,
        lambda t: cev_limit(name, quality, t),
        float(sc.plant.quench.htc_w_m2k.mean()),
        float(g.temper_temp_c.mean() + tf.temp_scatter_c.mean()),
        temper_h,
        g.design_margin_hbw,
    )


def _merge(designs: list[AimDesign]) -> list[AimDesign]:
    """Neighbouring classes with the same aim become one class (their orders share heats);
    the merged class keeps the design point of its thickest plate."""
    out: list[AimDesign] = []
    for d in designs:
        if out and out[-1].aim_pct == d.aim_pct:
            out[-1] = replace(d, above_mm=out[-1].above_mm)
        else:
            out.append(d)
    return out
