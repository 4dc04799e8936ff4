"""Tempering of quenched NM plate: Hollomon–Jaffe parameter and tempered hardness.

Plate model (domain.md §3.5 "suggested plate model", Assumption there):

    HV_t = HV_floor + (HV_aq − HV_floor) · g(P),
    g(P) = clip((P_end − P) / (P_end − P_onset), 0, 1) ** q,   P_end = P_end0 + k_Mo · Mo,

with P the Hollomon–Jaffe parameter (C = 20, t in hours, /1000), HV_aq the as-quenched
hardness, HV_floor the fully softened (ferrite + spheroidised carbide) hardness. The constants
P_onset, P_end0, k_Mo and q are calibrated (scipy.optimize.least_squares on HRC) against the
packaged Grange & Baughman (1956) data for AISI 1026 and 4027 (``data/tempering_grange_baughman_
1956.csv``, points with HRC ≥ 20 = 63 points; below HRC 20 the Rockwell C scale is not valid),
with HV_aq = Maynier martensite at REFERENCE_QUENCH_RATE_C_PER_S and HV_floor = Maynier
ferrite–pearlite at FLOOR_RATE_C_PER_S, HV <-> HRC by ASTM E140 Table 1.

Assumption: Mo is the only alloy retarding softening (it is the only one varied in the data,
Grange, Hribal & Porter 1977 show Mo is the strongest); the Cr and Si of NM steels would retard it
a little more, so the model is slightly conservative (soft) at high P. At NM tempering (P ≈ 9–11)
g ≈ 0.9–0.95 and the alloy term hardly matters.
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
    "FLOOR_RATE_C_PER_S",
    "HJ_CONSTANT",
    "K_MO",
    "P_END0",
    "P_ONSET",
    "Q_EXPONENT",
    "REFERENCE_QUENCH_RATE_C_PER_S",
    "equivalent_hours",
    "fit_tempering_constants",
    "hollomon_jaffe",
    "load_tempering_data",
    "retempered_hv",
    "softening_fraction",
    "tempered_hardness_hrc",
    "tempered_hardness_hv",
    "tempered_hardness_hv_at_p",
    "tempering_fit_rmse_hrc",
    "tempering_floor_hv",
]

DATA_FILE = Path(__file__).parent / "data" / "tempering_grange_baughman_1956.csv"

#: Hollomon–Jaffe constant C (t in hours). Source: Hollomon & Jaffe, Trans. AIME 162 (1945) 223;
#: C ≈ 20 for low-alloy steels (domain.md §3.5).
HJ_CONSTANT = 20.0

#: Assumption: as-quenched reference for a "fully martensitic start": Maynier HV_M at 1000 °C/s
#: (small brine-quenched laboratory specimens, as in Grange & Baughman 1956).
REFERENCE_QUENCH_RATE_C_PER_S = 1000.0

#: Assumption: softened floor = Maynier ferrite–pearlite hardness at 1 °C/s.
FLOOR_RATE_C_PER_S = 1.0

# Calibrated on the packaged Grange & Baughman (1956) data by fit_tempering_constants()
# (RMSE 1.10 HRC on 63 points; tests re-run the fit and check these values).
#: Hollomon–Jaffe parameter at which softening starts (g = 1 below it).
P_ONSET = 8.923
#: Hollomon–Jaffe parameter at which a Mo-free steel is fully softened (g = 0).
P_END0 = 22.291
#: Shift of P_end per wt % Mo (Mo retards tempering).
K_MO = 8.489
#: Shape exponent q of g (q > 1: slow start, faster later).
Q_EXPONENT = 1.532


def hollomon_jaffe(
    temp_c: ArrayLike, hours: ArrayLike, c: float = HJ_CONSTANT
) -> float | NDArray[np.float64]:
    """Hollomon–Jaffe tempering parameter P = T_K·(C + log10 t_h) / 1000.

    Source: Hollomon & Jaffe, Trans. AIME 162 (1945) 223 (domain.md §3.5). T_K in kelvin, t in
    hours. Convention: divided by 1000, so a 200 °C / 1 h temper gives P ≈ 9.46.
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


def softening_fraction(
    p: ArrayLike,
    mo_pct: float = 0.0,
    p_onset: float = P_ONSET,
    p_end0: float = P_END0,
    k_mo: float = K_MO,
    q: float = Q_EXPONENT,
) -> float | NDArray[np.float64]:
    """Retained fraction g(P) of the hardening above the floor (1 = as-quenched, 0 = softened).

    g(P) = clip((P_end − P)/(P_end − P_onset), 0, 1)^q, P_end = P_end0 + k_Mo·Mo (module docstring).
    """
    p_end = p_end0 + k_mo * mo_pct
    if isinstance(p, float | int):  # scalar fast path
        return float(min(max((p_end - float(p)) / (p_end - p_onset), 0.0), 1.0) ** q)
    g = np.clip((p_end - np.asarray(p, dtype=np.float64)) / (p_end - p_onset), 0.0, 1.0) ** q
    return float(g) if np.ndim(g) == 0 else np.asarray(g)


def tempered_hardness_hv_at_p(
    hv_as_quenched: ArrayLike, hv_floor: ArrayLike, p: ArrayLike, mo_pct: float = 0.0
) -> float | NDArray[np.float64]:
    """HV_t = HV_floor + (HV_aq − HV_floor)·g(P) for a given Hollomon–Jaffe parameter."""
    if all(isinstance(v, float | int) for v in (hv_as_quenched, hv_floor, p)):
        aq_s = float(hv_as_quenched)  # type: ignore[arg-type]
        fl_s = min(float(hv_floor), aq_s)  # type: ignore[arg-type]
        return fl_s + (aq_s - fl_s) * float(softening_fraction(p, mo_pct))
    aq = np.asarray(hv_as_quenched, dtype=np.float64)
    fl = np.minimum(np.asarray(hv_floor, dtype=np.float64), aq)
    hv = fl + (aq - fl) * np.asarray(softening_fraction(p, mo_pct))
    return float(hv) if np.ndim(hv) == 0 else np.asarray(hv)


def tempered_hardness_hv(
    hv_as_quenched: ArrayLike,
    hv_floor: ArrayLike,
    temp_c: float,
    hours: float,
    mo_pct: float = 0.0,
) -> float | NDArray[np.float64]:
    """Tempered hardness (HV) from any as-quenched start (e.g. a martensite–bainite mixture).

    Model of the module docstring, isothermal temper at ``temp_c`` for ``hours`` (≤ 0 hours =
    not tempered -> HV_aq). Assumption: the bainite in a partially martensitic plate softens
    along the same g(P) as martensite.
    """
    if hours <= 0.0:
        aq = np.asarray(hv_as_quenched, dtype=np.float64)
        return float(aq) if aq.ndim == 0 else aq
    return tempered_hardness_hv_at_p(
        hv_as_quenched, hv_floor, hollomon_jaffe(temp_c, hours), mo_pct
    )


def tempering_floor_hv(chem: Mapping[str, float]) -> float:
    """Softened floor HV_floor = Maynier ferrite–pearlite hardness at FLOOR_RATE_C_PER_S."""
    return float(ferrite_pearlite_hardness_hv(chem, FLOOR_RATE_C_PER_S))


def tempered_hardness_hrc(chem: Mapping[str, float], temp_c: float, hours: float) -> float:
    """HRC after tempering a fully martensitic specimen of ``chem`` at ``temp_c`` for ``hours``.

    HV_aq = Maynier martensite at REFERENCE_QUENCH_RATE_C_PER_S, HV_floor = tempering_floor_hv,
    calibrated g(P); converted to HRC with ASTM E140 Table 1. E.g. 0.25 % C, 200 °C / 1 h ->
    48.7 HRC (Grange & Baughman's AISI 1026 at 204 °C / 1 h: 48.9 HRC).
    """
    hv_aq = float(martensite_hardness_hv(chem, REFERENCE_QUENCH_RATE_C_PER_S))
    hv = tempered_hardness_hv(hv_aq, tempering_floor_hv(chem), temp_c, hours, chem.get("Mo", 0.0))
    return float(hv_to_hrc(hv))


def retempered_hv(
    hv_as_quenched: float,
    hv_floor: float,
    first_temp_c: float,
    first_hours: float,
    second_temp_c: float,
    second_hours: float,
    mo_pct: float = 0.0,
    c: float = HJ_CONSTANT,
) -> float:
    """Hardness after a second temper (e.g. re-tempering a plate that came out too hard).

    Additivity of the Hollomon–Jaffe parameter (equivalent-time method, e.g. Canale, Yao, Gu &
    Totten, Int. J. Microstructure & Materials Properties 3 (2008) 474): the first temper is
    converted to the time t_eq at the second temperature giving the same P, then
    P_total = T2_K·(C + log10(t_eq + t2))/1000 ≥ P_first. Re-tempering below the first
    temperature adds little because t_eq is then very long.
    """
    p1 = float(hollomon_jaffe(first_temp_c, first_hours, c))
    t_eq = equivalent_hours(p1, second_temp_c, c)
    p_total = max(p1, float(hollomon_jaffe(second_temp_c, t_eq + second_hours, c)))
    return float(tempered_hardness_hv_at_p(hv_as_quenched, hv_floor, p_total, mo_pct))


@lru_cache(maxsize=1)
def load_tempering_data(min_hrc: float = 20.0) -> tuple[tuple[dict[str, float], float, float,
                                                               float], ...]:  # fmt: skip
    """Packaged Grange & Baughman (1956) rows as (chemistry, temp °C, hours, HRC), HRC ≥ min_hrc.

    Source: Grange & Baughman, Trans. ASM 48 (1956) 165, via the GitHub repository
    trabanttrump-source/Heat-treatment-education-software-kit (domain.md §7).
    """
    rows = []
    with DATA_FILE.open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            hrc = float(r["HRC"])
            if hrc < min_hrc:
                continue
            chem = {k: float(r[k]) for k in ("C", "Mn", "Si", "Mo")}
            rows.append((chem, float(r["temp_C"]), float(r["time_s"]) / 3600.0, hrc))
    return tuple(rows)


def _predict_hrc(params: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    p_onset, p_end0, k_mo, q = (float(x) for x in params)
    pred, obs = [], []
    for chem, temp, hours, hrc in load_tempering_data():
        hv_aq = float(martensite_hardness_hv(chem, REFERENCE_QUENCH_RATE_C_PER_S))
        g = float(softening_fraction(hollomon_jaffe(temp, hours), chem["Mo"], p_onset, p_end0,
                                     k_mo, q))  # fmt: skip
        floor = tempering_floor_hv(chem)
        pred.append(float(hv_to_hrc(floor + (hv_aq - floor) * g)))
        obs.append(hrc)
    return np.asarray(pred), np.asarray(obs)


def fit_tempering_constants() -> tuple[float, float, float, float]:
    """Re-run the calibration: least-squares (HRC) fit of (P_onset, P_end0, k_Mo, q) on the data."""
    x0 = np.array([8.0, 21.0, 5.0, 1.0])

    def resid(x: NDArray[np.float64]) -> NDArray[np.float64]:
        pred, obs = _predict_hrc(x)
        return pred - obs

    res = least_squares(resid, x0, bounds=([0.0, 12.0, 0.0, 0.3], [12.0, 40.0, 40.0, 4.0]))
    a, b, k, q = (float(v) for v in res.x)
    return a, b, k, q


def tempering_fit_rmse_hrc() -> float:
    """RMSE (HRC) of tempered_hardness_hrc's model with the module constants on the data."""
    pred, obs = _predict_hrc(np.array([P_ONSET, P_END0, K_MO, Q_EXPONENT]))
    return float(math.sqrt(float(np.mean((pred - obs) ** 2))))
