"""Roller quench of a plate: through-thickness cooling rate and as-quenched hardness.

Two pieces:

* ``cooling_rate_c_per_s`` — the cooling rate at a given temperature (700 °C by default, the
  temperature Maynier's equations use) at a given depth of a plate quenched from both faces,
  from the exact transient-conduction solution of a plane wall with a convective boundary.
* Maynier, Jungmann & Dollet (1978) constituent hardness (martensite, bainite, ferrite–pearlite)
  and the as-quenched mixture hardness.

Sources: Carslaw & Jaeger, *Conduction of Heat in Solids*, 2nd ed. (1959) §3.11; Incropera &
DeWitt, *Fundamentals of Heat and Mass Transfer*, 6th ed. (2007) §5.5.1 eqs. 5.39–5.41;
Maynier, Jungmann & Dollet, "Hardenability Concepts with Applications to Steels", AIME (1978)
518–545 (coefficients per domain.md §3.2).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

__all__ = [
    "DEFAULT_HTC_W_M2K",
    "K_STEEL_W_MK",
    "STEEL_DIFFUSIVITY_M2_S",
    "as_quenched_hardness_hv",
    "bainite_hardness_hv",
    "cooling_rate_c_per_s",
    "ferrite_pearlite_hardness_hv",
    "grossmann_severity_per_in",
    "half_temperature_time_s",
    "martensite_hardness_hv",
    "plate_eigenvalues",
    "plate_fourier_number",
]

#: Assumption: thermal diffusivity of steel during the quench (m²/s). Austenite/ferrite between
#: 900 and 500 °C: k ≈ 25–30 W/(m·K), ρ ≈ 7800 kg/m³, c_p ≈ 600–700 J/(kg·K) without latent
#: heat -> α ≈ 5–6e-6 m²/s. Constant properties, no transformation heat.
STEEL_DIFFUSIVITY_M2_S = 5.5e-6

#: Assumption: thermal conductivity of steel during the quench (W/(m·K)), same basis.
K_STEEL_W_MK = 27.0

#: Assumption: default effective heat-transfer coefficient of the roller quench (W/(m²·K)),
#: constant in time. Chosen so the model lands in domain.md §1.5's roller-quench window:
#: centre of a 40 mm plate 16 °C/s (window 15–30) and 2–3 mm below the surface (where hardness is
#: tested, SSAB: 0.5–3 mm) 90–140 °C/s (window 50–150). The mathematical surface (depth 0)
#: reaches ~630 °C/s at 700 °C: a constant-h model cannot reproduce film boiling.
DEFAULT_HTC_W_M2K = 8000.0

_N_TERMS = 240


def is_scalar(x: ArrayLike) -> bool:
    """A plain number (checked first: np.ndim costs a microsecond) or a 0-d array."""
    return isinstance(x, float | int) or np.ndim(x) == 0


def grossmann_severity_per_in(htc_w_m2k: float, k_w_mk: float = K_STEEL_W_MK) -> float:
    """Grossmann quench severity H = h / (2k), returned in 1/in.

    Source: Grossmann, Asimow & Urban, "Hardenability, its prediction and measurement",
    ASM (1939); H is defined from the surface heat-transfer coefficient and the conductivity of
    the steel, so Biot number of a plate of thickness t (in) is Bi = h·(t/2)/k = H·t.
    """
    return htc_w_m2k / (2.0 * k_w_mk) * 0.0254


def _canonical_biot(biot: float) -> float:
    """Bi rounded to 12 significant digits (binary mantissa): the same plate reached by two
    formulas (h·L/k here, H·t in hardenability) differs in the last bit, and would otherwise
    miss the caches below and be solved twice. A 1e-12 relative change is far below any
    figure the model reports."""
    m, e = math.frexp(biot)
    return math.ldexp(round(m, 12), e)


def plate_eigenvalues(biot: float, n_terms: int = _N_TERMS) -> tuple[float, ...]:
    """Roots ζ_n of ζ·tan ζ = Bi (n = 1..n_terms), plane wall with convection on both faces.

    Source: Incropera & DeWitt (2007) eq. 5.39c; Carslaw & Jaeger (1959) §3.11. Each root lies in
    ((n−1)π, (n−1)π + π/2), where f(ζ) = ζ·sin ζ − Bi·cos ζ is monotone. For n ≥ 2 all roots at
    once: a start at the fixed point ζ = (n−1)π + arctan(Bi/ζ) iterated four times (a
    contraction there, factor ≤ 1/(2π)) brings each within 1e-3, then Newton steps
    (f' = (1 + Bi)·sin ζ + ζ·cos ζ) converge quadratically to machine precision; the first root
    by Brent's method and a Newton step. Bi = ∞ (and Bi so large that f(π/2) rounds to ≤ 0)
    gives the fixed-temperature roots (n − ½)π. Bi is first rounded to 12 significant digits
    (``_canonical_biot``).
    """
    return _eigenvalues(_canonical_biot(biot), n_terms)


@lru_cache(maxsize=4096)
def _eigenvalues(biot: float, n_terms: int) -> tuple[float, ...]:
    """``plate_eigenvalues`` of a canonical Biot number (cached)."""
    if n_terms <= 0:
        return ()
    if math.isinf(biot) or math.pi / 2.0 - biot * math.cos(math.pi / 2.0) <= 0.0:
        return tuple(((np.arange(n_terms) + 0.5) * math.pi).tolist())
    kp = np.arange(1, n_terms, dtype=np.float64) * math.pi
    z = kp + np.arctan(biot / kp)
    for _ in range(3):
        z = kp + np.arctan(biot / z)
    for _ in range(3):
        s, c = np.sin(z), np.cos(z)
        z = z - (z * s - biot * c) / ((1.0 + biot) * s + z * c)
    # ζ1 ≈ √Bi for small Bi: f(2√Bi) > 0, so [0, 2√Bi] brackets it and the tolerance can be
    # relative to it (an absolute 1e-15 would be coarse for Bi → 0)
    hi = min(math.pi / 2.0, 2.0 * math.sqrt(biot))
    z0 = (
        brentq(lambda x: x * math.sin(x) - biot * math.cos(x), 0.0, hi, xtol=1e-15 * hi)
        if hi > 0.0
        else 0.0
    )
    s0, c0 = math.sin(z0), math.cos(z0)
    slope = (1.0 + biot) * s0 + z0 * c0
    if slope > 0.0:  # 0 only for Bi = 0, where the root is exactly 0
        z0 -= (z0 * s0 - biot * c0) / slope
    return (z0, *z.tolist())


@lru_cache(maxsize=4096)
def _series(biot: float, xs: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(ζ_n, C_n·cos(ζ_n x*)) of the plane-wall series (read-only: they are cached)."""
    z = np.asarray(_eigenvalues(biot, _N_TERMS))
    c = 4.0 * np.sin(z) / (2.0 * z + np.sin(2.0 * z))
    a = c * np.cos(z * xs)
    z.setflags(write=False)
    a.setflags(write=False)
    return z, a


def _theta(fo: float, z: NDArray[np.float64], a: NDArray[np.float64]) -> float:
    """Dimensionless temperature θ = Σ C_n exp(−ζ_n² Fo) cos(ζ_n x*) (Incropera eq. 5.39a)."""
    return float(np.sum(a * np.exp(-(z**2) * fo)))


def plate_fourier_number(biot: float, xs: float, theta_target: float) -> float:
    """Fourier number at which θ(x*) falls to ``theta_target`` (Brent's method in log Fo;
    θ falls monotonically with Fo, so the root in [10⁻⁹, 10³] is unique)."""
    return _fourier_number(_canonical_biot(biot), xs, theta_target)


@lru_cache(maxsize=65536)
def _fourier_number(biot: float, xs: float, theta_target: float) -> float:
    z, a = _series(biot, xs)
    z2 = z**2

    def resid(log_fo: float) -> float:
        return float(a @ np.exp(-z2 * 10.0**log_fo)) - theta_target

    return float(10.0 ** brentq(resid, -9.0, 3.0, xtol=1e-13, rtol=1e-12))


@lru_cache(maxsize=65536)
def _rate_scalar(
    thickness_mm: float, depth_fraction: float, htc: float, t_start: float, t_water: float,
    at_c: float,
) -> float:  # fmt: skip
    half = thickness_mm / 2000.0  # half-thickness L in m
    biot = _canonical_biot(htc * half / K_STEEL_W_MK)
    xs = 1.0 - 2.0 * min(max(depth_fraction, 0.0), 1.0)  # x* = x/L, 1 at the faces, 0 at centre
    theta_target = (at_c - t_water) / (t_start - t_water)
    fo = _fourier_number(biot, xs, theta_target)
    z, a = _series(biot, xs)
    z2 = z**2
    dtheta_dfo = -float((z2 * a) @ np.exp(-z2 * fo))
    return -(t_start - t_water) * dtheta_dfo * STEEL_DIFFUSIVITY_M2_S / half**2


def cooling_rate_c_per_s(
    thickness_mm: ArrayLike,
    depth_fraction: ArrayLike,
    htc_w_m2k: float = DEFAULT_HTC_W_M2K,
    t_start_c: float = 900.0,
    t_water_c: float = 25.0,
    at_c: float = 700.0,
) -> float | NDArray[np.float64]:
    """Cooling rate (°C/s, positive) when the point at ``depth_fraction`` passes ``at_c``.

    Plate of thickness t quenched from both faces into water at ``t_water_c`` with a constant
    heat-transfer coefficient h from a uniform ``t_start_c``. depth_fraction 0 = surface,
    0.5 = mid-thickness (symmetric: 1 = the other face). Exact series solution of the plane wall
    with convection, θ = Σ C_n exp(−ζ_n² Fo) cos(ζ_n x/L), C_n = 4 sin ζ_n / (2ζ_n + sin 2ζ_n),
    ζ_n tan ζ_n = Bi = hL/k, Fo = αt/L² (Incropera & DeWitt 2007 eqs. 5.39–5.40; Carslaw & Jaeger
    1959 §3.11), 240 terms so the early-time surface solution is converged.

    Assumption: constant properties (STEEL_DIFFUSIVITY_M2_S, K_STEEL_W_MK), constant h (default
    DEFAULT_HTC_W_M2K), no latent heat of transformation. Vectorised over thickness and depth.
    """
    if not t_start_c > at_c > t_water_c:
        raise ValueError("need t_start_c > at_c > t_water_c")
    if is_scalar(thickness_mm) and is_scalar(depth_fraction):  # fast scalar path
        return _rate_scalar(
            float(thickness_mm),  # type: ignore[arg-type]
            float(depth_fraction),  # type: ignore[arg-type]
            float(htc_w_m2k),
            t_start_c,
            t_water_c,
            at_c,
        )
    t_arr, d_arr = np.broadcast_arrays(
        np.asarray(thickness_mm, dtype=np.float64), np.asarray(depth_fraction, dtype=np.float64)
    )
    out = np.array(
        [
            _rate_scalar(float(t), float(d), float(htc_w_m2k), t_start_c, t_water_c, at_c)
            for t, d in zip(t_arr.ravel(), d_arr.ravel(), strict=True)
        ]
    ).reshape(t_arr.shape)
    return float(out) if out.ndim == 0 else out


def half_temperature_time_s(
    thickness_mm: float, depth_fraction: float, htc_w_m2k: float = DEFAULT_HTC_W_M2K
) -> float:
    """Time (s) for the point at ``depth_fraction`` to cool half way (θ = 0.5), same solution.

    Grossmann's "half-temperature time" (Grossmann, Asimow & Urban 1939) used to compare the
    severity of cooling at different positions.
    """
    half = thickness_mm / 2000.0
    biot = htc_w_m2k * half / K_STEEL_W_MK
    xs = 1.0 - 2.0 * min(max(depth_fraction, 0.0), 1.0)
    return plate_fourier_number(biot, xs, 0.5) * half**2 / STEEL_DIFFUSIVITY_M2_S


def _log_vr(cooling_rate_c_per_s: ArrayLike) -> float | NDArray[np.float64]:
    """log10 of Vr in °C/h (Maynier's rate variable at 700 °C); rate floored at 1e-3 °C/s."""
    if isinstance(cooling_rate_c_per_s, float | int):  # scalar fast path (the simulation's)
        return math.log10(max(float(cooling_rate_c_per_s), 1e-3) * 3600.0)
    rate = np.maximum(np.asarray(cooling_rate_c_per_s, dtype=np.float64), 1e-3)
    return np.asarray(np.log10(rate * 3600.0), dtype=np.float64)


def _ret(x: float | NDArray[np.float64]) -> float | NDArray[np.float64]:
    if isinstance(x, float):
        return x
    return float(x) if x.ndim == 0 else x


def martensite_hardness_hv(
    chem: Mapping[str, float], cooling_rate_c_per_s: ArrayLike
) -> float | NDArray[np.float64]:
    """Martensite hardness, HV_M = 127 + 949C + 27Si + 11Mn + 8Ni + 16Cr + 21·log10(Vr).

    Vr = cooling rate at 700 °C in °C/h (= rate in °C/s × 3600). Source: Maynier, Jungmann &
    Dollet (1978); slope 21 (not the "211" typo seen in one public code), domain.md §3.2.
    """
    g = chem.get
    base = (
        127.0 + 949.0 * g("C", 0.0) + 27.0 * g("Si", 0.0) + 11.0 * g("Mn", 0.0)
        + 8.0 * g("Ni", 0.0) + 16.0 * g("Cr", 0.0)
    )  # fmt: skip
    return _ret(base + 21.0 * _log_vr(cooling_rate_c_per_s))


def bainite_hardness_hv(
    chem: Mapping[str, float], cooling_rate_c_per_s: ArrayLike
) -> float | NDArray[np.float64]:
    """Bainite hardness (Maynier, Jungmann & Dollet 1978; domain.md §3.2).

    HV_B = −323 + 185C + 330Si + 153Mn + 65Ni + 144Cr + 191Mo
           + (89 + 53C − 55Si − 22Mn − 10Ni − 20Cr − 33Mo)·log10(Vr),  Vr in °C/h.
    """
    g = chem.get
    c, si, mn, ni, cr, mo = (g(k, 0.0) for k in ("C", "Si", "Mn", "Ni", "Cr", "Mo"))
    base = -323.0 + 185 * c + 330 * si + 153 * mn + 65 * ni + 144 * cr + 191 * mo
    slope = 89.0 + 53 * c - 55 * si - 22 * mn - 10 * ni - 20 * cr - 33 * mo
    return _ret(base + slope * _log_vr(cooling_rate_c_per_s))


def ferrite_pearlite_hardness_hv(
    chem: Mapping[str, float], cooling_rate_c_per_s: ArrayLike
) -> float | NDArray[np.float64]:
    """Ferrite–pearlite hardness (Maynier, Jungmann & Dollet 1978; domain.md §3.2).

    HV_FP = 42 + 223C + 53Si + 30Mn + 12.6Ni + 7Cr + 19Mo
            + (10 − 19Si + 4Ni + 8Cr + 130V)·log10(Vr),  Vr in °C/h.
    """
    g = chem.get
    c, si, mn, ni, cr, mo, v = (g(k, 0.0) for k in ("C", "Si", "Mn", "Ni", "Cr", "Mo", "V"))
    base = 42.0 + 223 * c + 53 * si + 30 * mn + 12.6 * ni + 7 * cr + 19 * mo
    slope = 10.0 - 19 * si + 4 * ni + 8 * cr + 130 * v
    return _ret(base + slope * _log_vr(cooling_rate_c_per_s))


def as_quenched_hardness_hv(
    chem: Mapping[str, float], cooling_rate_c_per_s: ArrayLike, martensite_fraction: ArrayLike
) -> float | NDArray[np.float64]:
    """As-quenched hardness of a martensite + bainite mixture, HV = f_M·HV_M + (1 − f_M)·HV_B.

    Source: Maynier et al. (1978) linear mixture rule (domain.md §3.2).
    Assumption: the non-martensitic remainder of a roller-quenched NM plate is bainite (these
    B-treated Cr–Mo steels have no ferrite–pearlite at plate-quench rates), so f_FP = 0; and
    HV_B is capped at HV_M (Maynier's bainite fit can exceed HV_M far outside its data range).
    """
    if isinstance(martensite_fraction, float | int) and isinstance(
        cooling_rate_c_per_s, float | int
    ):  # scalar fast path: the same mixture rule without numpy's set-up
        fm = min(max(float(martensite_fraction), 0.0), 1.0)
        m = float(martensite_hardness_hv(chem, cooling_rate_c_per_s))
        b = min(float(bainite_hardness_hv(chem, cooling_rate_c_per_s)), m)
        return fm * m + (1.0 - fm) * b
    f = np.clip(np.asarray(martensite_fraction, dtype=np.float64), 0.0, 1.0)
    hv_m = np.asarray(martensite_hardness_hv(chem, cooling_rate_c_per_s))
    hv_b = np.minimum(np.asarray(bainite_hardness_hv(chem, cooling_rate_c_per_s)), hv_m)
    return _ret(np.asarray(f * hv_m + (1.0 - f) * hv_b, dtype=np.float64))
