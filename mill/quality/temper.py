"""Tempering of quenched NM plate: tempered-martensite hardness in which carbon's contribution
falls as tempering proceeds.

Structure (Grange, Hribal & Porter, Metall. Trans. A 8A (1977) 1775, abstract: the as-quenched
hardness depends on carbon alone; on tempering "the effect of carbon on hardness decreases
markedly with increasing tempering temperature"; alloy effects are additive increments). The
paper's base-hardness curve and increment tables could not be obtained (searched; only the
abstract is public), so the carbon term is taken from the published regression of Maynier,
Jungmann & Dollet (1978) and only a carbon-free softening term is fitted:

    HV_TM(chem, P) = HV_M(chem) − (949 − s_C(T₁))·C − D(T₁) + ΔHV_Mo(T₁),        (1)
    s_C(T₁) = min(949, −434 + 616·1000/T₁),                                    (2)
    D(T₁) = D_max·σ((T₁ − T_mid)/w),  ΔHV_Mo(T₁) = A_Mo·Mo·σ((T₁ − T_Mo)/w),    (3)
    P = T_K·(c(C) + log10 t_h) / 1000,  c(C) = 21.3 − 5.8·C,  T₁ = 1000·P / c(C),  (4)

with σ(z) = 1/(1 + e^(−z)).

* HV_M: Maynier martensite hardness (127 + 949C + 27Si + 11Mn + 8Ni + 16Cr + 21·log10 Vr;
  Maynier, Jungmann & Dollet, "Hardenability Concepts with Applications to Steel", AIME 1978,
  p. 518) at REFERENCE_QUENCH_RATE_C_PER_S; 949 HV per % C is its carbon coefficient.
* T₁: the one-hour tempering temperature (K) equivalent to the temper. Grange, Hribal &
  Porter's carbon base and alloy increments are for one-hour tempers at given temperatures
  (abstract; reference/models.md §1a), so every term here is a function of T₁; another time is
  reduced to T₁ by the steel's own Hollomon–Jaffe parameter (for a given steel, equal P gives
  equal hardness: Hollomon & Jaffe 1945). So two steels tempered one hour at the same
  temperature differ only through their chemistry terms, and the carbon-free softening D does
  not depend on carbon.
* s_C: the carbon coefficient (HV per wt % C) of Maynier et al.'s tempered-martensite
  regression, HV = −74 − 434C − … + (1000/Pa)·(260 + 616C + …), with their parameter Pa (K)
  evaluated as T₁ (Pa = T for a 1 h temper). Source seen:
  the Creusot-Loire/Maynier implementation by Jan Paw (class ``Mayiner``), reference/models.md
  §1c. So carbon keeps 868 HV/% after 200 °C/1 h, 481 after 400 °C, 271 after 600 °C: its
  as-quenched 949 HV/% falls as tempering proceeds. Only the carbon coefficient is used: the
  full Maynier tempered equation overshoots the as-quenched hardness below ≈400 °C and puts
  4027 ≈160 HV above 1026 at 204 °C where the data show none (checked on ../data).
* c(C): Hollomon & Jaffe's carbon-dependent constant (Trans. AIME 162 (1945) 223), as Eq. 20
  of Khan & Gautham (2018, ICME carburise–quench–temper model; reference/models.md §1b).
* D: softening not carried by carbon (recovery of the martensite's dislocation structure,
  carbide coarsening). Assumption: logistic in T₁.
* ΔHV_Mo: Grange, Hribal & Porter's additive alloy increment for molybdenum, the only alloy
  varied in the data (their abstract: every element raises tempered hardness, more with more
  of it; Mo acts at high tempering temperatures). Assumption: linear in Mo, logistic in T₁ with
  the same width. The Mn, Si, Ni and Cr increments (published but not obtained) are left out,
  so alloyed NM steels come out slightly soft at high P; at NM tempering (P ≈ 9–10) they are
  small.
* D_max, T_mid, w, A_Mo and T_Mo are calibrated (scipy.optimize.least_squares on
  HRC) on the packaged Grange & Baughman (1956) data for AISI 1026 and 4027
  (``data/tempering_grange_baughman_1956.csv``, the 63 points with HRC ≥ 20; below HRC 20 the
  Rockwell C scale is not valid). HV_TM is kept between the softened floor and HV_M.

A plate that is not fully martensitic starts lower: its hardening above the floor keeps the
same retained fraction r = (HV_TM − HV_floor)/(HV_M − HV_floor) (Assumption, as before: the
bainite softens along the martensite's curve).

Validation: RMSE 0.88 HRC over the 63 points. Leave one steel out (fit on one steel, predict
the other) gives 3.1 HRC RMSE on 1026 and 3.3 HRC on 4027 (``leave_one_steel_out_rmse_hrc``);
with only one steel to fit on, the Mo increment cannot be identified and is set to zero in each
fold, so these errors are mostly the 4027's molybdenum. Both steels carry 0.25–0.26 % C: the
data cannot test the carbon term, which rests on Maynier et al.'s regression alone. Held-back
Grange & Baughman plain-carbon steels of 0.31–0.45 % C (tests/quality/test_temper_heldout.py)
come out 2.1–3.2 HRC too hard on average (RMSE 2.2–3.3 HRC): Maynier's coefficient keeps more
of carbon's hardening after tempering than these steels show.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import least_squares

from mill.quality.conversion import hv_to_hrc
from mill.quality.quench import ferrite_pearlite_hardness_hv, martensite_hardness_hv

__all__ = [
    "A_MO_HV",
    "D_MAX_HV",
    "FLOOR_RATE_C_PER_S",
    "HJ_CONSTANT",
    "REFERENCE_QUENCH_RATE_C_PER_S",
    "T_MID_K",
    "T_MO_K",
    "WIDTH_K",
    "carbon_coefficient_hv",
    "equivalent_hours",
    "fit_tempering_constants",
    "hj_constant",
    "hollomon_jaffe",
    "leave_one_steel_out_rmse_hrc",
    "load_tempering_data",
    "molybdenum_increment_hv",
    "one_hour_temperature_k",
    "retained_fraction",
    "retempered_hv",
    "softening_hv",
    "tempered_hardness_hrc",
    "tempered_hardness_hv",
    "tempered_hardness_hv_at_p",
    "tempered_martensite_hv",
    "tempering_fit_rmse_hrc",
    "tempering_floor_hv",
]

DATA_FILE = Path(__file__).parent / "data" / "tempering_grange_baughman_1956.csv"

#: Hollomon–Jaffe constant C (t in hours) when no carbon content is given. Source: Hollomon &
#: Jaffe, Trans. AIME 162 (1945) 223; C ≈ 20 for low-alloy steels (domain.md §3.5).
HJ_CONSTANT = 20.0

#: Assumption: as-quenched reference for a "fully martensitic start": Maynier HV_M at 1000 °C/s
#: (small brine-quenched laboratory specimens, as in Grange & Baughman 1956).
REFERENCE_QUENCH_RATE_C_PER_S = 1000.0

#: Assumption: softened floor = Maynier ferrite–pearlite hardness at 1 °C/s.
FLOOR_RATE_C_PER_S = 1.0

#: Maynier et al. (1978) carbon coefficients: as-quenched martensite (HV per % C) and the
#: tempered-martensite regression's constant and 1000/Pa terms (module docstring, Eq. 2).
_C_AS_QUENCHED = 949.0
_C_TEMPERED_CONST = -434.0
_C_TEMPERED_PER_INV_PA = 616.0

# Calibrated on the packaged Grange & Baughman (1956) data by fit_tempering_constants()
# (RMSE 0.88 HRC on 63 points; tests re-run the fit and check these values).
#: Largest carbon-free softening D (HV), Eq. 3.
D_MAX_HV = 146.89
#: One-hour tempering temperature (K) at which half of D_MAX_HV is lost.
T_MID_K = 745.51
#: Width w (K) of the logistic steps in T₁ (softening and Mo increment).
WIDTH_K = 83.42
#: Full Mo increment per wt % Mo (HV), Eq. 3.
A_MO_HV = 191.5
#: One-hour tempering temperature (K) at which half of the Mo increment is reached.
T_MO_K = 762.69


def hj_constant(c_pct: float) -> float:
    """Hollomon–Jaffe constant falling with carbon, c = 21.3 − 5.8·C (wt %).

    Source: Hollomon & Jaffe, Trans. AIME 162 (1945) 223, as Eq. 20 of Khan & Gautham (2018),
    "Integrated Modeling of Carburizing-Quenching-Tempering of Steel Gears for an ICME
    Framework" (reference/models.md §1b). 0.25 % C -> 19.85.
    """
    return 21.3 - 5.8 * c_pct


def hollomon_jaffe(
    temp_c: ArrayLike, hours: ArrayLike, c: float = HJ_CONSTANT
) -> float | NDArray[np.float64]:
    """Hollomon–Jaffe tempering parameter P = T_K·(C + log10 t_h) / 1000.

    Source: Hollomon & Jaffe, Trans. AIME 162 (1945) 223 (domain.md §3.5). T_K in kelvin, t in
    hours. Convention: divided by 1000, so a 200 °C / 1 h temper gives P ≈ 9.46 with C = 20.
    """
    if isinstance(temp_c, float | int) and isinstance(hours, float | int):  # scalar fast path
        return (float(temp_c) + 273.15) * (c + math.log10(float(hours))) / 1000.0
    p = (
        (np.asarray(temp_c, dtype=np.float64) + 273.15)
        * (c + np.log10(np.asarray(hours, dtype=np.float64)))
        / 1000.0
    )
    return float(p) if np.ndim(p) == 0 else np.asarray(p)


def equivalent_hours(p: float, temp_c: float, c: float = HJ_CONSTANT) -> float:
    """Hours at ``temp_c`` that give Hollomon–Jaffe parameter ``p``: t = 10^(1000·P/T_K − C)."""
    return float(10.0 ** (1000.0 * p / (temp_c + 273.15) - c))


def one_hour_temperature_k(p: float, c_pct: float) -> float:
    """T₁ (K): the temperature of a one-hour temper with the same Hollomon–Jaffe parameter,
    T₁ = 1000·P / c(C), Eq. 4 (P computed with ``hj_constant(c_pct)``; module docstring)."""
    return 1000.0 * p / hj_constant(c_pct)


def carbon_coefficient_hv(t1_k: float) -> float:
    """Hardening per wt % C left after a temper equivalent to one hour at ``t1_k`` (K), s_C
    (HV per %), Eq. 2.

    s_C = min(949, −434 + 616·1000/T₁). Source: Maynier, Jungmann & Dollet (1978)
    tempered-martensite regression (carbon terms, their Pa = T₁), with 949 their as-quenched
    martensite coefficient (module docstring).
    """
    s = _C_TEMPERED_CONST + _C_TEMPERED_PER_INV_PA * 1000.0 / max(t1_k, 1.0)
    return min(_C_AS_QUENCHED, s)


def _sigmoid(z: float) -> float:
    if z < -50.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def softening_hv(
    t1_k: float, d_max: float = D_MAX_HV, t_mid_k: float = T_MID_K, width_k: float = WIDTH_K
) -> float:
    """Carbon-free softening D(T₁) = D_max·σ((T₁ − T_mid)/w) (HV), Eq. 3 (Assumption,
    calibrated on Grange & Baughman 1956; module docstring)."""
    return d_max * _sigmoid((t1_k - t_mid_k) / width_k)


def molybdenum_increment_hv(
    t1_k: float,
    mo_pct: float,
    a_mo: float = A_MO_HV,
    t_mo_k: float = T_MO_K,
    width_k: float = WIDTH_K,
) -> float:
    """Grange–Hribal–Porter-type additive Mo increment ΔHV_Mo = A_Mo·Mo·σ((T₁ − T_Mo)/w) (HV),
    Eq. 3: negligible at NM tempering, ≈ +50 HV for 0.26 % Mo after 600 °C / 1 h (Assumption,
    calibrated on Grange & Baughman's 4027 against their 1026; module docstring)."""
    return a_mo * mo_pct * _sigmoid((t1_k - t_mo_k) / width_k)


def _reference_martensite_hv(chem: Mapping[str, float]) -> float:
    return float(martensite_hardness_hv(chem, REFERENCE_QUENCH_RATE_C_PER_S))


def tempering_floor_hv(chem: Mapping[str, float]) -> float:
    """Softened floor HV_floor = Maynier ferrite–pearlite hardness at FLOOR_RATE_C_PER_S."""
    return float(ferrite_pearlite_hardness_hv(chem, FLOOR_RATE_C_PER_S))


Params = tuple[float, float, float, float, float]


def _tm_hv(chem: Mapping[str, float], p: float, params: Params) -> float:
    d_max, t_mid_k, width_k, a_mo, t_mo_k = params
    c = chem.get("C", 0.0)
    t1_k = one_hour_temperature_k(p, c)
    hv_m = _reference_martensite_hv(chem)
    hv = (
        hv_m
        - (_C_AS_QUENCHED - carbon_coefficient_hv(t1_k)) * c
        - softening_hv(t1_k, d_max, t_mid_k, width_k)
        + molybdenum_increment_hv(t1_k, chem.get("Mo", 0.0), a_mo, t_mo_k, width_k)
    )
    return min(max(hv, tempering_floor_hv(chem)), hv_m)


def tempered_martensite_hv(chem: Mapping[str, float], p: float) -> float:
    """Tempered hardness HV_TM of a fully martensitic ``chem`` at parameter ``p`` (Eq. 1).

    ``p`` must use the carbon-dependent constant (``hj_constant(chem['C'])``). Kept between the
    softened floor and the as-quenched Maynier martensite hardness.
    """
    return _tm_hv(chem, p, (D_MAX_HV, T_MID_K, WIDTH_K, A_MO_HV, T_MO_K))


def retained_fraction(chem: Mapping[str, float], p: float) -> float:
    """Share r of the as-quenched hardening above the floor kept at parameter ``p``:
    r = (HV_TM − HV_floor)/(HV_M − HV_floor), 0..1 (module docstring)."""
    hv_m = _reference_martensite_hv(chem)
    floor = tempering_floor_hv(chem)
    if hv_m <= floor:
        return 1.0
    return min(max((tempered_martensite_hv(chem, p) - floor) / (hv_m - floor), 0.0), 1.0)


def tempered_hardness_hv_at_p(
    hv_as_quenched: float, hv_floor: float, p: float, chem: Mapping[str, float]
) -> float:
    """HV_t = HV_floor + (HV_aq − HV_floor)·r(chem, P) for any as-quenched start (e.g. a
    martensite–bainite mixture); ``p`` with the constant ``hj_constant(chem['C'])``."""
    fl = min(float(hv_floor), float(hv_as_quenched))
    return fl + (float(hv_as_quenched) - fl) * retained_fraction(chem, p)


def tempered_hardness_hv(
    hv_as_quenched: float,
    hv_floor: float,
    temp_c: float,
    hours: float,
    chem: Mapping[str, float],
) -> float:
    """Tempered hardness (HV) of a plate of ``chem`` from its as-quenched hardness.

    Model of the module docstring, isothermal temper at ``temp_c`` for ``hours`` (≤ 0 hours =
    not tempered -> HV_aq), P with the carbon-dependent Hollomon–Jaffe constant.
    """
    if hours <= 0.0:
        return float(hv_as_quenched)
    c = hj_constant(chem.get("C", 0.0))
    p = float(hollomon_jaffe(temp_c, hours, c))
    return tempered_hardness_hv_at_p(hv_as_quenched, hv_floor, p, chem)


def tempered_hardness_hrc(chem: Mapping[str, float], temp_c: float, hours: float) -> float:
    """HRC after tempering a fully martensitic specimen of ``chem`` at ``temp_c`` for ``hours``.

    HV_TM of Eq. 1 converted with ASTM E140 Table 1. E.g. AISI 1026 at 204 °C / 1 h -> 48.0 HRC
    (Grange & Baughman 1956: 48.9 HRC).
    """
    hv_m = _reference_martensite_hv(chem)
    hv = tempered_hardness_hv(hv_m, tempering_floor_hv(chem), temp_c, hours, chem)
    return float(hv_to_hrc(hv))


def retempered_hv(
    hv_as_quenched: float,
    hv_floor: float,
    first_temp_c: float,
    first_hours: float,
    second_temp_c: float,
    second_hours: float,
    chem: Mapping[str, float],
) -> float:
    """Hardness after a second temper (e.g. re-tempering a plate that came out too hard).

    Additivity of the Hollomon–Jaffe parameter (equivalent-time method, e.g. Canale, Yao, Gu &
    Totten, Int. J. Microstructure & Materials Properties 3 (2008) 474): the first temper is
    converted to the time t_eq at the second temperature giving the same P, then
    P_total = T2_K·(C + log10(t_eq + t2))/1000 ≥ P_first, C = hj_constant(C %). Re-tempering
    below the first temperature adds little because t_eq is then very long.
    """
    c = hj_constant(chem.get("C", 0.0))
    p1 = float(hollomon_jaffe(first_temp_c, first_hours, c))
    t_eq = equivalent_hours(p1, second_temp_c, c)
    p_total = max(p1, float(hollomon_jaffe(second_temp_c, t_eq + second_hours, c)))
    return tempered_hardness_hv_at_p(hv_as_quenched, hv_floor, p_total, chem)


@lru_cache(maxsize=1)
def load_tempering_data(min_hrc: float = 20.0) -> tuple[tuple[str, dict[str, float], float,
                                                               float, float], ...]:  # fmt: skip
    """Packaged Grange & Baughman (1956) rows as (steel, chemistry, temp °C, hours, HRC),
    HRC ≥ min_hrc.

    Source: Grange & Baughman, Trans. ASM 48 (1956) 165, via the GitHub repository
    trabanttrump-source/Heat-treatment-education-software-kit (domain.md §7). Two steels:
    AISI 1026 (0.25 C, 0.79 Mn, 0.11 Si) and 4027 (0.26 C, 0.87 Mn, 0.29 Si, 0.26 Mo), tempered
    0.17, 1, 4 and 24 h at 204–704 °C.
    """
    rows = []
    with DATA_FILE.open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            hrc = float(r["HRC"])
            if hrc < min_hrc:
                continue
            chem = {k: float(r[k]) for k in ("C", "Mn", "Si", "Mo")}
            rows.append((r["steel"], chem, float(r["temp_C"]), float(r["time_s"]) / 3600.0, hrc))
    return tuple(rows)


def _errors_hrc(params: Params, steels: frozenset[str] | None = None) -> NDArray[np.float64]:
    err = []
    for steel, chem, temp, hours, hrc in load_tempering_data():
        if steels is not None and steel not in steels:
            continue
        p = float(hollomon_jaffe(temp, hours, hj_constant(chem["C"])))
        err.append(float(hv_to_hrc(_tm_hv(chem, p, params))) - hrc)
    return np.asarray(err)


def fit_tempering_constants(steels: frozenset[str] | None = None, with_mo: bool = True) -> Params:
    """Least-squares (HRC) fit of (D_max, T_mid, w, A_Mo, T_Mo) on the data (all steels, or
    ``steels``); ``with_mo=False`` holds A_Mo at 0 (needed when the steels do not vary in Mo)."""
    x0 = [140.0, 740.0, 80.0] + ([100.0, 760.0] if with_mo else [])
    lo = [0.0, 400.0, 5.0] + ([0.0, 400.0] if with_mo else [])
    hi = [800.0, 1500.0, 500.0] + ([2000.0, 1500.0] if with_mo else [])

    def full(x: NDArray[np.float64]) -> Params:
        mo = (float(x[3]), float(x[4])) if with_mo else (0.0, T_MO_K)
        return (float(x[0]), float(x[1]), float(x[2]), *mo)

    res = least_squares(lambda x: _errors_hrc(full(x), steels), x0, bounds=(lo, hi))
    return full(res.x)


def tempering_fit_rmse_hrc() -> float:
    """RMSE (HRC) of the model with the module constants on the 63 data points."""
    e = _errors_hrc((D_MAX_HV, T_MID_K, WIDTH_K, A_MO_HV, T_MO_K))
    return float(math.sqrt(float(np.mean(e**2))))


def leave_one_steel_out_rmse_hrc() -> dict[str, float]:
    """RMSE (HRC) on each steel when the constants are fitted on the other steel(s) only.

    With one steel left to fit on, Mo does not vary, so the Mo increment is held at 0 in each
    fold (the fold knows nothing of molybdenum); see the module docstring for what this does
    and does not test.
    """
    steels = sorted({s for s, *_ in load_tempering_data()})
    out = {}
    for held in steels:
        train = frozenset(steels) - {held}
        params = fit_tempering_constants(train, with_mo=False)
        e = _errors_hrc(params, frozenset({held}))
        out[held] = float(math.sqrt(float(np.mean(e**2))))
    return out
