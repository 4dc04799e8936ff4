"""Cutting defects: delayed cut-edge cracks and the oxy-fuel preheat that prevents them.

Sources: SSAB TechSupport #16 "Cutting of Hardox wear plate" (hydrogen-type cut-edge
cracking, delayed 48 h to weeks, risk rising with hardness and thickness) and the SSAB
Welding Handbook Table 11.4 (oxy-fuel preheat by grade and thickness), both via domain.md §1.6.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from mill.distributions import draw_uniform
from mill.quality.defects import Defect, DefectRates, lognormal_draw, new_defect
from mill.scenario.products import preheat_class


def cut_edge_defects(
    rng: np.random.Generator,
    method: str,
    thickness_mm: float,
    hardness_hbw: float,
    preheat_c: float,
    required_preheat_c: float,
    edge_length_mm: float,
    rates: DefectRates,
) -> list[Defect]:
    """Delayed cut-edge cracks (SSAB TS #16: hydrogen-type, risk ↑ with hardness, thickness).

    Edge coordinates: x = distance along the cut edge (0..edge_length_mm), y = 0 (at the cut
    face). Assumption: expected count = p·exp(b·(HBW − 450))·edge/6 m, p = 0.3 % per part when
    oxy-fuel preheat is below SSAB Table 11.4 (domain §4: 0.1–0.5 %), 0.02 % otherwise;
    plasma ×0.5 (smaller HAZ).
    """
    if method not in ("plasma", "oxyfuel"):
        raise ValueError(f"unknown cutting method {method!r}")
    deficient = preheat_c < required_preheat_c
    if method == "oxyfuel" and deficient:
        p, cause = rates.cut_crack_prob_no_preheat, "no_preheat_oxyfuel"
    else:
        p, cause = rates.cut_crack_prob_ok, "cut_edge_hydrogen"
    if method == "plasma":
        p *= rates.cut_crack_plasma_factor
    p *= math.exp(
        rates.cut_crack_hardness_slope * (hardness_hbw - rates.cut_crack_hardness_ref_hbw)
    )
    lam = p * edge_length_mm / rates.cut_reference_edge_mm
    out = []
    for _ in range(int(rng.poisson(lam))):
        depth = min(lognormal_draw(rng, 5.0, 0.5), thickness_mm)  # Assumption: ~5 mm deep
        pos = (draw_uniform(rng, 0.0, edge_length_mm), 0.0, draw_uniform(rng, 0.1, 0.9))
        # Assumption: a hairline crack 0.5 mm wide on the cut face
        out.append(new_defect("cut_edge_crack", "cutting", cause, pos, (depth, 0.5), "planar"))
    return out


# SSAB Welding Handbook Table 11.4 (domain §1.6): (upper thickness bound mm, preheat °C).
# Assumption: beyond the table's 80 mm the last value (175 °C) holds (max preheat 225 °C).
_PREHEAT: Mapping[int, tuple[tuple[float, float], ...]] = {
    400: ((45.0, 0.0), (60.0, 100.0), (80.0, 150.0), (math.inf, 175.0)),
    450: ((40.0, 0.0), (50.0, 100.0), (70.0, 150.0), (math.inf, 175.0)),
    500: ((25.0, 0.0), (50.0, 100.0), (60.0, 150.0), (math.inf, 175.0)),
}


def required_preheat_c(grade: str, thickness_mm: float) -> float:
    """Oxy-fuel cutting preheat (°C, 0 = none) per SSAB Welding Handbook Table 11.4.

    NM400 ≈ Hardox 400, NM450 ≈ Hardox 450, NM500 ≈ Hardox 500 (suffixes like "D"/"E"
    ignored). Table bands (mm): H400 <45 none, 45–59.9 100, 60–80 150, >80 175; H450 <40,
    40–49.9 100, 50–69.9 150, 70–80 175; H500 <25, 25–49.9 100, 50–59.9 150, 60–80 175.
    Bands are half-open [lower, upper) except that 80 mm itself stays in the 60–80 / 70–80
    band. Assumption: above 80 mm (end of the table) 175 °C holds for all three grades.
    """
    cls = preheat_class(grade)  # the same function refuses such a grade in the scenario
    if cls is None:
        raise ValueError(f"no preheat table for grade {grade!r}")
    for upper, temp in _PREHEAT[cls]:
        if thickness_mm < upper or (upper == 80.0 and thickness_mm <= upper):
            return temp
    return _PREHEAT[cls][-1][1]
