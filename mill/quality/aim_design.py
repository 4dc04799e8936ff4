"""Chemistry aims by gauge class, designed the way a plate mill designs them: for each class of
plate thickness the leanest aim whose hardenability brings the centre of the thickest plate of
the class to the grade's centre-hardness minimum, within the carbon-equivalent limit of the grade
and thickness.

The hardness chain is the simulation's own (``plate_hardness``, used by the model for every
plate): ideal diameter DI (ASTM A255 with the boron factor, ``hardenability``) → critical
diameter under the quench severity H → martensite fraction at depth → as-quenched hardness
(Maynier, Jungmann & Dollet 1978) → tempered hardness (Hollomon–Jaffe, ``temper``) → HBW
(ASTM E140, ``conversion``).

Design rule (labelled assumption; how a mill's metallurgists set an aim, not a published
procedure): aims lie on the line from the grade's lean aim to its richest aim,
aim(s) = lean + s·(rich − lean), s = 0, 1/STEPS, …, 1; a class gets the smallest s that meets

* centre hardness ≥ centre minimum + ``margin_hbw`` at the design point (aim chemistry, the
  class's thickest plate, the mean quench and tempering practice), and
* CEV(aim) + Z_CEV·σ_CEV ≤ the CEV limit of every thickness in the class (GB/T 24186-2022
  Table 3, ``chemistry.cev_limit``), σ_CEV the heat-to-heat scatter of CEV propagated from the
  element scatter (a linear formula: σ² = Σ (a_i·σ_i)², elements independent).

Z_CEV = 3 is the usual process-capability requirement Cpk ≥ 1 (Montgomery, *Introduction to
Statistical Quality Control*, 7th ed. 2013, §8.2): a heat exceeds the limit with probability
≈ 0.13 %. A class whose centre requirement cannot be met inside its CEV limit takes the richest
aim the limit allows, and its design says so (``meets_centre`` False); so does a class whose
lean aim is already over its limit (it keeps the lean aim).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from mill.quality.chemistry import cev
from mill.quality.conversion import hv_to_hbw
from mill.quality.hardenability import ideal_diameter_mm, martensite_fraction
from mill.quality.quench import (
    as_quenched_hardness_hv,
    cooling_rate_c_per_s,
    grossmann_severity_per_in,
)
from mill.quality.temper import tempered_hardness_hv, tempering_floor_hv

__all__ = [
    "CEV_COEFFICIENTS",
    "STEPS",
    "SURFACE_DEPTH_MM",
    "Z_CEV",
    "AimDesign",
    "PlateHardness",
    "cev_sigma",
    "design_aims",
    "plate_hardness",
]

SURFACE_DEPTH_MM = 2.0
"""Hardness is tested 0.5–3 mm below the surface (SSAB datasheets, domain.md §2.2)."""

STEPS = 20
"""Aims are designed in twentieths of the way from the lean to the rich aim (assumption: a
mill's aims move in steps of a few hundredths of a per cent)."""

Z_CEV = 3.0
"""CEV aim at least three heat-to-heat standard deviations inside the limit (Cpk ≥ 1)."""

CEV_COEFFICIENTS: dict[str, float] = {
    "C": 1.0, "Mn": 1 / 6, "Cr": 1 / 5, "Mo": 1 / 5, "V": 1 / 5, "Ni": 1 / 15, "Cu": 1 / 15,
}  # fmt: skip
"""IIW CEV = C + Mn/6 + (Cr+Mo+V)/5 + (Ni+Cu)/15 (IIW Doc. IX-535-67; GB/T 24186 Table 3)."""


@dataclass(frozen=True, slots=True)
class PlateHardness:
    """The quench-and-temper result at one depth of a plate."""

    cooling_c_per_s: float
    martensite_frac: float
    hv_as_quenched: float
    hv_tempered: float
    hbw: float


def plate_hardness(
    chem: Mapping[str, float],
    di_mm: float,
    floor_hv: float,
    thickness_mm: float,
    depth_fraction: float,
    htc_w_m2k: float,
    temper_c: float,
    temper_h: float,
) -> PlateHardness:
    """Cooling rate at 700 °C, martensite fraction, as-quenched and tempered hardness at
    ``depth_fraction`` (0 surface, 0.5 centre) of a plate quenched with ``htc_w_m2k`` and
    tempered at ``temper_c`` for ``temper_h``: the chain named in the module docstring."""
    rate = float(cooling_rate_c_per_s(thickness_mm, depth_fraction, htc_w_m2k))
    h = grossmann_severity_per_in(htc_w_m2k)
    fm = float(martensite_fraction(di_mm, thickness_mm, depth_fraction, h))
    hv_aq = float(as_quenched_hardness_hv(chem, rate, fm))
    hv = float(tempered_hardness_hv(hv_aq, floor_hv, temper_c, temper_h, chem))
    return PlateHardness(rate, fm, hv_aq, hv, float(hv_to_hbw(hv)))


def cev_sigma(sigma_pct: Mapping[str, float]) -> float:
    """Heat-to-heat standard deviation of CEV from independent element scatter (wt %)."""
    return math.sqrt(sum((a * sigma_pct.get(el, 0.0)) ** 2 for el, a in CEV_COEFFICIENTS.items()))


@dataclass(frozen=True, slots=True)
class AimDesign:
    """The aim of one gauge class: plate over ``above_mm`` up to ``upto_mm``."""

    above_mm: float
    upto_mm: float
    step: float
    """s: the share of the way from the lean to the rich aim (0 lean, 1 rich)."""
    aim_pct: dict[str, float]
    cev_aim: float
    cev_limit: float | None
    centre_hbw: float
    """Centre hardness of the class's thickest plate at the design point."""
    surface_hbw: float
    ideal_diameter_mm: float
    meets_centre: bool

    @property
    def label(self) -> str:
        """The class as heats.csv names it, e.g. ``25-40`` (over 25 mm up to 40 mm)."""
        return f"{self.above_mm:g}-{self.upto_mm:g}"


def _blend(lean: Mapping[str, float], rich: Mapping[str, float], s: float) -> dict[str, float]:
    out = {}
    for el in sorted(set(lean) | set(rich)):
        a = lean.get(el, 0.0)
        out[el] = round(a + s * (rich.get(el, a) - a), 5)
    return out


def design_aims(
    lean_pct: Mapping[str, float],
    rich_pct: Mapping[str, float],
    sigma_pct: Mapping[str, float],
    class_bounds_mm: Sequence[float],
    centre_min_hbw: float,
    cev_limit: Callable[[float], float | None],
    htc_w_m2k: float,
    temper_c: float,
    temper_h: Callable[[float], float],
    margin_hbw: float = 0.0,
) -> list[AimDesign]:
    """One aim per gauge class; ``class_bounds_mm`` are the classes' upper bounds, ascending
    (the first class starts at 0). ``rich_pct`` overrides elements of ``lean_pct``.
    ``cev_limit(t)`` is the CEV maximum of plate of thickness t (None: no limit);
    ``temper_h(t)`` the tempering time of plate of thickness t. See the module docstring."""
    rich = {**lean_pct, **rich_pct}
    spread = cev_sigma(sigma_pct)
    out: list[AimDesign] = []
    above = 0.0
    for upto in class_bounds_mm:
        limits = [x for x in (cev_limit(above + 1e-6), cev_limit(upto)) if x is not None]
        limit = min(limits) if limits else None
        chosen: AimDesign | None = None
        for i in range(STEPS + 1):
            s = i / STEPS
            aim = _blend(lean_pct, rich, s)
            c_aim = cev(aim)
            over = limit is not None and c_aim + Z_CEV * spread > limit
            if over and chosen is not None:
                break  # leaner steps were inside the limit: keep the richest of them
            di = ideal_diameter_mm(aim)
            floor = tempering_floor_hv(aim)
            hours = temper_h(upto)
            centre = plate_hardness(aim, di, floor, upto, 0.5, htc_w_m2k, temper_c, hours)
            depth = min(0.5, SURFACE_DEPTH_MM / upto)
            surf = plate_hardness(aim, di, floor, upto, depth, htc_w_m2k, temper_c, hours)
            ok = centre.hbw >= centre_min_hbw + margin_hbw
            chosen = AimDesign(
                above, upto, s, aim, c_aim, limit, centre.hbw, surf.hbw, di, ok and not over
            )
            if ok or over:  # met, or even the lean aim is over the limit: keep it, flagged
                break
        assert chosen is not None
        out.append(chosen)
        above = upto
    return out
