"""Hardenability of NM plate steel: Grossmann ideal diameter (ASTM A255), the boron factor,
critical diameter under a real quench, and the martensite fraction through a plate's thickness.

GB/T 24186 sets separate centre-hardness minima because a lean heat rolled to a thick plate
does not harden through; this module says how much martensite each depth gets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import PchipInterpolator
from scipy.optimize import brentq
from scipy.special import j0, j1

from mill.quality.quench import is_scalar, plate_fourier_number

__all__ = [
    "MARTENSITE_TRANSITION_EXPONENT",
    "PLATE_EQUIVALENT_ROUND_FACTOR",
    "alloy_factor",
    "boron_multiplier",
    "carbon_factor_in",
    "critical_diameter_mm",
    "critical_ratio_exact",
    "ideal_diameter_mm",
    "martensite_fraction",
]

MM_PER_IN = 25.4

#: Assumption: a plate of thickness t cools at its centre like a round bar of diameter 1.5·t
#: (domain.md §3.3 gives 1.4–1.6·t; the ideal-quench half-temperature times of a plane wall and a
#: cylinder give 1.37·t).
PLATE_EQUIVALENT_ROUND_FACTOR = 1.5

#: Assumption: steepness n of the martensite-fraction curve f = 1/(1 + (D/D_crit)^n); with n = 5
#: a position hardens to 90 % martensite at 0.64·D_crit and to 10 % at 1.55·D_crit, about the
#: 90 %/50 % Jominy-distance ratio (0.5–0.65) of low-alloy steels.
MARTENSITE_TRANSITION_EXPONENT = 5.0


def carbon_factor_in(c_pct: float) -> float:
    """ASTM A255 carbon multiplying factor (in), grain size ASTM 7 (domain.md §3.3)."""
    c = c_pct
    if c <= 0.39:
        return 0.54 * c
    if c <= 0.55:
        return 0.171 + 0.001 * c + 0.265 * c * c
    if c <= 0.65:
        return 0.115 + 0.268 * c - 0.038 * c * c
    if c <= 0.75:
        return 0.143 + 0.2 * c
    return 0.062 + 0.409 * c - 0.135 * c * c


def alloy_factor(chem: Mapping[str, float]) -> float:
    """Product of the ASTM A255 alloy multiplying factors (Si, Mn, Cr, Ni, Cu, Mo, V, Zr).

    Source: ASTM A255-10(2014) as transcribed in mxteen/metallurgical-engineers-handbook
    ``hardenability-calculation.md`` (domain.md §3.3). Validity: Mn ≤ 1.95, Cr ≤ 2.5, Ni ≤ 3.5 %.
    """
    g = chem.get
    si, mn, cr, ni = g("Si", 0.0), g("Mn", 0.0), g("Cr", 0.0), g("Ni", 0.0)
    f_mn = 1.0 + 3.3333 * mn if mn <= 1.2 else 5.1 * mn - 1.12
    if ni <= 1.5:
        f_ni = 1.0 + 0.363 * ni
    else:
        f_ni = 0.3211 + 1.4501 * ni - 0.6119 * ni**2 + 0.1253 * ni**3
    return (
        (1.0 + 0.7 * si)
        * f_mn
        * (1.0 + 2.16 * cr)
        * f_ni
        * (1.0 + 0.365 * g("Cu", 0.0))
        * (1.0 + 3.0 * g("Mo", 0.0))
        * (1.0 + 1.73 * g("V", 0.0))
        * (1.0 + 2.5 * g("Zr", 0.0))
    )


def free_boron_pct(chem: Mapping[str, float]) -> float:
    """Boron left in solution after nitrogen is tied up (wt %).

    Assumption: Ti takes N as stoichiometric TiN first (Ti/N = 47.87/14.01 = 3.42); nitrogen left
    over takes B as BN (B/N = 10.81/14.01 = 0.77). Al nitride is ignored (it forms too late to
    protect B). Basis: industrialheating.com "Boron in steel" (domain.md §2.3) — Ti must protect B
    from N.
    """
    g = chem.get
    free_n = max(g("N", 0.0) - g("Ti", 0.0) / 3.42, 0.0)
    return max(g("B", 0.0) - 0.77 * free_n, 0.0)


def boron_multiplier(chem: Mapping[str, float]) -> float:
    """Boron hardenability factor multiplying the A255 ideal diameter.

    Assumption (domain.md §3.3; A255's own boron-factor chart was not transcribed):
    * effective only if free (Ti-protected) B ≥ 0.0005 wt % (5 ppm, the GB/T 24186 minimum);
      ramps to full effect between 5 and 8 ppm;
    * full factor BF = 1 + 2.0·k_C/(1 + AF/15) with k_C = clip((0.85 − C)/0.65, 0, 1) and AF the
      A255 alloy factor — boron's effect falls with carbon (none at eutectoid C) and with alloy
      content, as in A255; gives ≈1.9 for an NM400-type and ≈1.5 for an NM500-type heat
      (domain.md: 1.5–2.5 for 0.15–0.30 % C with 10–25 ppm protected B);
    * above 30 ppm the boost fades linearly to half at 60 ppm (B segregates to grain boundaries,
      industrialheating.com "Boron in steel").
    Returns 1.0 when B is ineffective.
    """
    b_ppm = free_boron_pct(chem) * 1e4
    if b_ppm < 5.0:
        return 1.0
    k_c = min(max((0.85 - chem.get("C", 0.0)) / 0.65, 0.0), 1.0)
    boost = 2.0 * k_c / (1.0 + alloy_factor(chem) / 15.0)
    ramp = min((b_ppm - 5.0) / 3.0, 1.0)
    excess = 1.0 - 0.5 * min(max((b_ppm - 30.0) / 30.0, 0.0), 1.0)
    return 1.0 + boost * ramp * excess


def ideal_diameter_mm(chem: Mapping[str, float], boron_factor: float | None = None) -> float:
    """Grossmann ideal critical diameter DI (mm), ASTM A255 multiplying factors, grain size 7.

    DI = 25.4·f_C·f_Si·f_Mn·f_Cr·f_Ni·f_Cu·f_Mo·f_V·f_Zr·BF (domain.md §3.3). ``boron_factor``
    None computes ``boron_multiplier(chem)`` (a labelled assumption); pass 1.0 to disable boron.
    """
    bf = boron_multiplier(chem) if boron_factor is None else boron_factor
    return MM_PER_IN * carbon_factor_in(chem.get("C", 0.0)) * alloy_factor(chem) * bf


_J0_ROOT = 2.404825557695773
"""First zero of the Bessel function J0."""


def _cyl_first_root(biot: float) -> float:
    """First root of ζ·J1(ζ)/J0(ζ) = Bi for a cylinder (Incropera & DeWitt 2007 eq. 5.52c)."""
    return float(brentq(lambda z: z * j1(z) - biot * j0(z), 1e-12, _J0_ROOT - 1e-12))


def _cyl_half_time_factor(biot: float) -> float:
    """ln(C1/0.5)/ζ1², so the centre half-temperature time of a bar is t = R²/α · this."""
    if math.isinf(biot):
        z = _J0_ROOT
        c1 = 2.0 / z / j1(z)
    else:
        z = _cyl_first_root(biot)
        c1 = 2.0 / z * j1(z) / (j0(z) ** 2 + j1(z) ** 2)
    return math.log(c1 / 0.5) / z**2


def critical_diameter_mm(ideal_diameter_mm: float, severity_h: float) -> float:
    """Critical diameter D (mm): the bar that gets 50 % martensite at its centre under severity H.

    Grossmann's definition (Grossmann, Asimow & Urban 1939): D under severity H (1/in) is the bar
    whose centre has the same half-temperature time as the centre of the ideal-quench (H = ∞) bar
    of diameter DI. Computed here from the first term of the cylinder conduction solution
    (Incropera & DeWitt 2007 §5.6.2, valid for Fo > 0.2, which the centre at θ = 0.5 satisfies),
    with Bi = h·R/k = H·D:  D²·F(H·D) = DI²·F(∞), F(Bi) = ln(C1/0.5)/ζ1².
    This reproduces the shape of Grossmann's D–DI–H charts (which were drawn from the same heat-
    flow solutions, Russell 1938); it replaces the unverified D = DI·H^0.4/(1+H^0.4) of domain §3.3.
    """
    if ideal_diameter_mm <= 0.0:
        return 0.0
    if math.isinf(severity_h):
        return ideal_diameter_mm
    if severity_h <= 0.0:
        return 0.0
    grid, ratio = _critical_ratio_table()
    x = math.log10(severity_h * ideal_diameter_mm / MM_PER_IN)
    return ideal_diameter_mm * float(np.interp(x, grid, ratio))


def critical_ratio_exact(severity_times_di: float) -> float:
    """D/DI solved directly; depends only on the dimensionless product H·DI (H in 1/in, DI in in).

    (D/DI)²·F(H·DI·D/DI) = F(∞): see critical_diameter_mm.
    """
    target = _cyl_half_time_factor(math.inf)

    def resid(r: float) -> float:
        return r * r * _cyl_half_time_factor(severity_times_di * r) - target

    return float(brentq(resid, 1e-12, 1.0))


@lru_cache(maxsize=1)
def _critical_ratio_table() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """D/DI tabulated on log10(H·DI) from −4 to 5 for linear interpolation (ends: ratio → 0 for
    H·DI → 0, → 1 for H·DI → ∞). Built once, on first use, with no root finding: the solution
    curve is explicit in the first cylinder eigenvalue ζ1 ∈ (0, 2.40483). For a given ζ1,
    Bi = ζ1·J1(ζ1)/J0(ζ1) and F(Bi) = ln(2·C1)/ζ1² are closed-form, and with Bi = (H·DI)·r the
    equation r²·F(Bi) = F(∞) gives r = sqrt(F(∞)/F) and H·DI = Bi/r. 3001 values of ζ1
    (logistic spacing, dense at both ends) are interpolated onto the grid by monotone cubic
    (PCHIP); relative error < 1e-4 against ``critical_ratio_exact`` everywhere (tested)."""
    zeta = _J0_ROOT / (1.0 + np.exp(-np.linspace(-14.0, 18.0, 3001)))
    j0z, j1z = j0(zeta), j1(zeta)
    biot = zeta * j1z / j0z
    c1 = 2.0 / zeta * j1z / (j0z**2 + j1z**2)
    ratio = np.sqrt(_cyl_half_time_factor(math.inf) / (np.log(c1 / 0.5) / zeta**2))
    log_s = np.log10(biot / ratio)
    grid = np.linspace(-4.0, 5.0, 1801)
    return grid, np.asarray(PchipInterpolator(log_s, ratio)(grid), dtype=np.float64)


@lru_cache(maxsize=65536)
def _position_diameter_ratio(biot: float, depth_fraction: float) -> float:
    """sqrt(t½(depth)/t½(centre)) for a plate at Biot number Bi = H·t (both faces cooled)."""
    xs = 1.0 - 2.0 * min(max(depth_fraction, 0.0), 1.0)
    return math.sqrt(
        plate_fourier_number(biot, abs(xs), 0.5) / plate_fourier_number(biot, 0.0, 0.5)
    )


def martensite_fraction(
    ideal_diameter_mm: ArrayLike,
    thickness_mm: ArrayLike,
    depth_fraction: ArrayLike,
    severity_h: float,
) -> float | NDArray[np.float64]:
    """Martensite volume fraction (0..1) at ``depth_fraction`` of a quenched plate.

    depth_fraction 0 = surface, 0.5 = mid-thickness. Steps:
    1. D_crit = critical_diameter_mm(DI, H): 50 % martensite at the centre of that bar (Grossmann).
    2. Assumption: the plate centre behaves as a bar of D_eq = 1.5·t
       (PLATE_EQUIVALENT_ROUND_FACTOR).
    3. Assumption: a point below the surface behaves as the centre of a bar whose diameter scales
       with the square root of its half-temperature time (centre half-times of similar bodies go
       as size²): D_pos = D_eq·sqrt(t½(depth)/t½(centre)), t½ from the plane-wall solution with
       Bi = H·t (quench.py).
    4. Assumption: f_M = 1 / (1 + (D_pos/D_crit)^n), n = MARTENSITE_TRANSITION_EXPONENT (= 0.5 at
       D_pos = D_crit, Grossmann's anchor).
    Vectorised over DI, thickness and depth (broadcast).
    """
    if is_scalar(ideal_diameter_mm) and is_scalar(thickness_mm) and is_scalar(depth_fraction):
        return _martensite_fraction_scalar(
            float(ideal_diameter_mm),  # type: ignore[arg-type]
            float(thickness_mm),  # type: ignore[arg-type]
            float(depth_fraction),  # type: ignore[arg-type]
            severity_h,
        )
    di, t, d = np.broadcast_arrays(
        np.asarray(ideal_diameter_mm, dtype=np.float64),
        np.asarray(thickness_mm, dtype=np.float64),
        np.asarray(depth_fraction, dtype=np.float64),
    )
    out = np.array(
        [
            _martensite_fraction_scalar(float(a), float(b), float(c), severity_h)
            for a, b, c in zip(di.ravel(), t.ravel(), d.ravel(), strict=True)
        ]
    ).reshape(di.shape)
    return float(out) if out.ndim == 0 else out


def _martensite_fraction_scalar(
    di_mm: float, thickness_mm: float, depth_fraction: float, severity_h: float
) -> float:
    d_crit = critical_diameter_mm(di_mm, severity_h)
    if d_crit <= 0.0:
        return 0.0
    biot = severity_h * thickness_mm / MM_PER_IN
    d_pos = (
        PLATE_EQUIVALENT_ROUND_FACTOR
        * thickness_mm
        * _position_diameter_ratio(biot, depth_fraction)
    )
    return 1.0 / (1.0 + (d_pos / d_crit) ** MARTENSITE_TRANSITION_EXPONENT)
