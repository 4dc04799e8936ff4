"""Closure of the slab's centre porosity by rolling (pure functions).

Shrinkage voids at the slab's mid-thickness are pressed shut by the rolling reduction, but only
by the share of it that reaches the centre:

1. Closure against reduction (published): in hot rolling, voids lying along the rolling and
   transverse directions close as the reduction grows and are almost entirely closed at 40 %
   thickness reduction; the void's width falls almost linearly with the reduction, and the
   rolling temperature (1000 or 1300 °C) hardly matters (ISIJ International 63 (2023)
   1145–1152, S10C plate rolled at 10 % a pass). Hence the open fraction of a void after a
   centre reduction ε_c is ``open_fraction(ε_c) = max(0, 1 − ε_c / 0.40)``.
2. Penetration to the centre (shape factor): whether a pass compresses the centre depends on
   the roll gap's shape factor m = l_d / h_m, the contact length l_d = √(R·Δh) over the mean
   thickness h_m; passes with a small m deform the surface layers and leave the centre
   unpressed, and void closure in rolling is governed by this factor (Saby, Bouchard &
   Bernacki 2015, J. Manuf. Processes 19:239–250, review of void closure in hot forming).
   Assumption (no published weighting found): a pass passes the share
   w(m) = clip((m − 0.5)/(1.0 − 0.5), 0, 1) of its true strain ln(h₀/h₁) to the centre, so
   ε_c = 1 − exp(−Σ w(mᵢ)·ln(hᵢ₋₁/hᵢ)).

A pass schedule at a constant relative reduction r per pass (``stages/rolling.py``) from the
slab to the plate gives the passes. Soft reduction at the caster acts before this, on how
often a slab has a loose centre at all (``defects.DefectRates``).
"""

from __future__ import annotations

import math

CLOSED_AT_REDUCTION = 0.40
"""Thickness reduction at which rolling-direction and transverse voids are closed (ISIJ
International 63 (2023) 1145–1152)."""
SHAPE_FACTOR_NONE = 0.5
"""Assumption: below this shape factor a pass does not press the centre."""
SHAPE_FACTOR_FULL = 1.0
"""Assumption: from this shape factor on a pass presses the centre with its full strain."""


def open_fraction(centre_reduction: float, closed_at: float = CLOSED_AT_REDUCTION) -> float:
    """Share of a centre void still open after a centre thickness reduction (0–1): falls
    linearly with the reduction, 0 from ``closed_at`` on (ISIJ Int. 63 (2023) 1145)."""
    return min(1.0, max(0.0, 1.0 - centre_reduction / closed_at))


def centre_weight(shape_factor: float) -> float:
    """Share of a pass's strain that reaches mid-thickness, from its shape factor l_d/h_m
    (assumption: linear from 0 at 0.5 to 1 at 1.0; Saby et al. 2015 on the shape factor)."""
    span = SHAPE_FACTOR_FULL - SHAPE_FACTOR_NONE
    return min(1.0, max(0.0, (shape_factor - SHAPE_FACTOR_NONE) / span))


def pass_shape_factors(
    slab_t_mm: float, plate_t_mm: float, reduction_per_pass: float, roll_radius_mm: float
) -> list[tuple[float, float]]:
    """(true strain, shape factor l_d/h_m) of each pass from the slab to the plate at a
    constant relative reduction per pass (the last pass takes what is left)."""
    out: list[tuple[float, float]] = []
    h = slab_t_mm
    while h > plate_t_mm * (1.0 + 1e-9):
        h1 = max(h * (1.0 - reduction_per_pass), plate_t_mm)
        dh = h - h1
        out.append((math.log(h / h1), math.sqrt(roll_radius_mm * dh) / (0.5 * (h + h1))))
        h = h1
    return out


def centre_reduction(
    slab_t_mm: float, plate_t_mm: float, reduction_per_pass: float, roll_radius_mm: float
) -> float:
    """Thickness reduction the centre sees: 1 − exp(−Σ w(mᵢ)·εᵢ) over the passes."""
    strain = sum(
        e * centre_weight(m)
        for e, m in pass_shape_factors(slab_t_mm, plate_t_mm, reduction_per_pass, roll_radius_mm)
    )
    return 1.0 - math.exp(-strain)


def porosity_open_fraction(
    slab_t_mm: float, plate_t_mm: float, reduction_per_pass: float, roll_radius_mm: float
) -> float:
    """Open fraction of a centre void after rolling the slab to the plate."""
    return open_fraction(
        centre_reduction(slab_t_mm, plate_t_mm, reduction_per_pass, roll_radius_mm)
    )
