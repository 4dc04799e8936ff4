"""Charpy V-notch toughness of NM plate: the tanh transition curve, how hardness, tempering and
the plate's own inclusions move it, and the scatter of a three-specimen test set.

Source of the curve form: ASTM E2215 tanh fit, KV(T) = LS + (US − LS)/2·[1 + tanh((T − T50)/C)]
(Wallin & Baer, Int. J. Pres. Ves. Pip. 206 (2023) 105079; domain.md §3.7).

Inclusions act on the ductile part of the curve. Source: sulphur (MnS volume) has a large
detrimental effect on the fracture toughness K_Ic of 2¼Cr-1Mo steel at and above the
nil-ductility temperature, where fracture is by microvoid coalescence, and no significant
effect at −73 °C, where cleavage occurs ("Influence of sulfur content on the fracture
toughness of 2¼Cr-1Mo steel", J. Pressure Vessel Technol. 98(2) (1976) 135; abstract read,
authors not in it; compact-tension K_Ic, not Charpy). Assumption, anchored on it: in the
Charpy curve the plate's inclusion factor (cleanliness.upper_shelf_inclusion_factor: volume
fraction, MnS shape, spacing) multiplies the upper shelf and leaves the cleavage tail where it
is, which moves T50 by ΔT50 = (C/2)·ln(A/A_ref) (inclusion_t50_shift_c, exact for the tanh
form). So a cleaner plate is tougher at every temperature, by little low in the transition
(+2 % at T50 − C for a 20 % higher shelf) and by the shelf's gain near and above T50; its
mid-energy T50 rises a little while its T27J (plates.csv charpy_t27j_c) falls: read the T27J,
not the T50, for the transition an inclusion change moves. The heat-level RE/S shift of T50
(an interpolation of domain.md's assumed "−5…−15 °C with good RE treatment") is gone: rare
earth acts on toughness only through the inclusions it leaves in the plate (issue 11.3).

Calibration (Assumption, domain.md §3.7/§8, targets [SRC] SSAB datasheets, longitudinal
typicals at −40 °C): Hardox 400 45 J, Hardox 450 40–50 J, Hardox 500 37 J. With T50 = −83 °C at
400 HBW and the reference inclusion population (domain.md's −75 °C for NM400 with the −8 °C its
assumption gave a good RE treatment: the reference population is a fully RE-modified one),
+10 °C per +50 HBW, width C = 30 °C and LS = 4 J, the targets fix the upper shelf at ≈47 J
(RE-treated, 400 HBW) falling as (400/HBW)^0.32. BASE_UPPER_J is the shelf at the reference
population, fitted so that a treated heat (RE 0.004 %, S 0.003 %) at the median reduction
(factor ≈ 0.93) gives the Hardox typicals at 400/450/500 HBW (tests/quality/test_toughness.py).
The baseline's true means by grade run higher (README calibration table): they include thick
plate, softer at ¼ t, whose shelf rises towards SOFT_PLATE_UPPER_J. Note: domain.md's "US 60–110 J"
cannot be reconciled with these targets and T50 −75 °C (it would put 55–100 J at −40 °C), so the
sourced typicals were kept and the upper shelf lowered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "AS_QUENCHED_T50_SHIFT_C",
    "BAINITE_T50_SHIFT_C",
    "BASE_T50_C",
    "BASE_UPPER_J",
    "CHARPY_SPECIMEN_WIDTHS_MM",
    "IMPACT_MAX_THICKNESS_MM",
    "LOWER_SHELF_J",
    "MASTER_CURVE_EXPONENT_PER_C",
    "SOFT_PLATE_ANCHOR_HBW",
    "SOFT_PLATE_UPPER_J",
    "SPECIMEN_DEPTH_FRACTION",
    "T27J_ENERGY_J",
    "T50_PER_HBW_C",
    "TME_MAX_SHIFT_C",
    "UPPER_SHELF_CV",
    "UPPER_SHELF_HARDNESS_EXPONENT",
    "WIDTH_C",
    "TransitionCurve",
    "charpy_conforms",
    "charpy_energy_j",
    "charpy_failures",
    "charpy_set",
    "charpy_specimen_width_mm",
    "impact_requirement_applies",
    "inclusion_t50_shift_c",
    "temper_embrittlement_shift_c",
    "transition_curve",
    "transition_temperature_c",
    "upper_shelf_j",
]

#: Assumption: upper shelf (J) of a 400 HBW plate with the reference inclusion population
#: (cleanliness.REFERENCE_FV_EFF: aim S and Mn, every sulphide globular); calibrated (module doc).
BASE_UPPER_J = 50.5
#: Assumption: upper shelf falls with hardness as (base_hbw / HBW) ** this; calibrated.
UPPER_SHELF_HARDNESS_EXPONENT = 0.32
#: Assumption: lower shelf (J), domain.md 3–8 J.
LOWER_SHELF_J = 4.0
#: Assumption: tanh half-width C (°C), domain.md 20–35 °C.
WIDTH_C = 30.0
#: The energy (J) of the transition temperature T27J: the symbol Tt27 of GB/T 229-2020 Table 1
#: (the temperature of a specified 27 J absorbed energy), as used by BS 7910's Charpy correlations.
T27J_ENERGY_J = 27.0
#: Assumption: T50 (°C) of a 400 HBW plate tempered at 200 °C with the reference inclusion
#: population (module docstring: domain.md's −75 °C for NM400, −8 °C for a good RE treatment).
BASE_T50_C = -83.0
#: Assumption: T50 rises 10 °C per +50 HBW (low end of domain.md's +10…+20).
T50_PER_HBW_C = 0.2
#: Assumption: largest T50 shift from tempered-martensite embrittlement (domain.md +10…+30 °C).
TME_MAX_SHIFT_C = 20.0
#: Assumption: untempered (as-quenched) martensite has T50 10 °C higher than after a 200 °C temper.
AS_QUENCHED_T50_SHIFT_C = 10.0
#: Charpy specimens are taken with their axis at ¼ thickness (issue 11.2; EN 10025-6-type
#: sampling [MEMORY – verify]); the curve is built from the microstructure there.
SPECIMEN_DEPTH_FRACTION = 0.25
#: T50 rise per unit fraction of (upper) bainite in place of tempered martensite at equal
#: hardness. reference/models.md §2: upper bainite raises T50 by about 30–80 °C against fully
#: tempered martensite of similar strength [MEMORY – verify]; Assumption: the middle, 50 °C, and
#: linear in the bainite fraction.
BAINITE_T50_SHIFT_C = 50.0
#: Upper shelf of a soft quenched-and-tempered plate: Assumption anchored on reference/models.md
#: §3 (Q&T plate at 800–900 MPa UTS: longitudinal USE 150–250 J [MEMORY – verify]; 236 HBW ≈
#: 815 MPa with UTS ≈ 3.45·HBW) and issue 11.2 ("well over 100 J" at 236 HBW): 150 J, the low
#: end, at the reference inclusion population (the inclusion factor multiplies it).
SOFT_PLATE_UPPER_J = 150.0
SOFT_PLATE_ANCHOR_HBW = 236.0
#: Coefficient of variation of single specimens on the upper shelf. reference/models.md §4:
#: upper-shelf CoV ≈ 5–10 % [MEMORY – verify]; Assumption: 6 %.
UPPER_SHELF_CV = 0.06
#: Master-curve temperature dependence, K_med = 30 + 70·exp(0.019·(T − T0)) (ASTM E1921;
#: SINTAP/Wallin, reference/models.md §4): 0.019 per °C.
MASTER_CURVE_EXPONENT_PER_C = 0.019
#: Master-curve Weibull shape of K − 20 MPa√m (Wallin; ASTM E1921): 4.
_WEIBULL_SHAPE = 4.0


def charpy_energy_j(
    temp_c: ArrayLike, upper_j: float, lower_j: float, t50_c: float, width_c: float
) -> float | NDArray[np.float64]:
    """Charpy energy KV(T) = LS + (US − LS)/2·[1 + tanh((T − T50)/C)] (ASTM E2215 form).

    Vectorised over ``temp_c``; at T = T50 it returns the midpoint (US + LS)/2.
    """
    if isinstance(temp_c, float | int):  # one temperature (the simulation's call)
        return lower_j + 0.5 * (upper_j - lower_j) * (1.0 + math.tanh((temp_c - t50_c) / width_c))
    t = np.asarray(temp_c, dtype=np.float64)
    kv = lower_j + 0.5 * (upper_j - lower_j) * (1.0 + np.tanh((t - t50_c) / width_c))
    return float(kv) if kv.ndim == 0 else kv


@dataclass(frozen=True, slots=True)
class TransitionCurve:
    """A plate's Charpy transition curve (energies in J, temperatures in °C)."""

    upper_j: float
    lower_j: float
    t50_c: float
    width_c: float

    def energy_j(self, temp_c: ArrayLike) -> float | NDArray[np.float64]:
        """Mean Charpy energy at ``temp_c`` (tanh form, vectorised)."""
        return charpy_energy_j(temp_c, self.upper_j, self.lower_j, self.t50_c, self.width_c)


def _smoothstep(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return x * x * (3.0 - 2.0 * x)


def temper_embrittlement_shift_c(
    temper_temp_c: float, max_shift_c: float = TME_MAX_SHIFT_C
) -> float:
    """T50 shift (°C) from tempered-martensite embrittlement for a temper at ``temper_temp_c``.

    Sources: tempered-martensite embrittlement of low-alloy steels tempered in the 250–400 °C
    range (Horn & Ritchie, Metall. Trans. A 9 (1978) 1039 [MEMORY – verify]; the window as
    collected in domain.md §1.5 from a temper-embrittlement review); for a 500 HB
    wear steel toughness peaks at a 260 °C temper and embrittlement sets in above it (Metals 2019,
    9(1), 45). Assumption: smooth window rising 260 -> 300 °C, full ``max_shift_c`` to 380 °C,
    falling to 0 at 420 °C.
    """
    t = temper_temp_c
    return max_shift_c * _smoothstep((t - 260.0) / 40.0) * (1.0 - _smoothstep((t - 380.0) / 40.0))


def upper_shelf_j(
    hardness_hbw: float,
    upper_shelf_factor: float = 1.0,
    base_hardness_hbw: float = 400.0,
    base_upper_j: float = BASE_UPPER_J,
    us_hardness_exponent: float = UPPER_SHELF_HARDNESS_EXPONENT,
) -> float:
    """Upper-shelf energy (J) at the specimen's hardness.

    At and above ``base_hardness_hbw``: base_upper·(base_HBW/HBW)^n, calibrated on the Hardox
    typicals (module docstring). Below it the shelf rises log-linearly in HBW to
    SOFT_PLATE_UPPER_J at SOFT_PLATE_ANCHOR_HBW (Assumption: interpolation between the two
    anchors; a quenched and tempered plate at ≈240 HBW has well over 100 J, where the power law
    alone gave 55 J). Both branches meet at base_HBW and are multiplied by the inclusion
    factor ``upper_shelf_factor``.
    """
    hbw = max(hardness_hbw, 1.0)
    if hbw >= base_hardness_hbw:
        us = base_upper_j * (base_hardness_hbw / hbw) ** us_hardness_exponent
    else:
        k = math.log(SOFT_PLATE_UPPER_J / base_upper_j) / (
            base_hardness_hbw - SOFT_PLATE_ANCHOR_HBW
        )
        us = base_upper_j * math.exp(k * (base_hardness_hbw - hbw))
    return us * upper_shelf_factor


def inclusion_t50_shift_c(
    upper_j: float,
    reference_upper_j: float,
    lower_j: float = LOWER_SHELF_J,
    width_c: float = WIDTH_C,
) -> float:
    """T50 shift (°C) when the plate's inclusions move the upper shelf from
    ``reference_upper_j`` to ``upper_j`` and leave the cleavage tail where it is.

    Inclusions lower the toughness where fracture is ductile and not where it is cleavage
    (J. Pressure Vessel Technol. 98(2) (1976) 135: sulphur has a large effect at and above
    NDT, none significant in the cleavage region). Below T50 the tanh form (ASTM E2215) is
    KV − LS ≈ (US − LS)·exp(2(T − T50)/C); holding that tail fixed while US − LS goes from
    A_ref to A gives

        ΔT50 = (C/2)·ln(A / A_ref).

    The curve then is 1/(KV − LS) = 1/A + exp(−2(T − T50,ref)/C)/A_ref: a cleaner plate is
    tougher at every temperature, by nothing where cleavage controls. Its mid-energy T50
    rises a little (the midpoint of a taller curve), while the temperature at any fixed
    energy in the transition falls (transition_temperature_c).
    """
    a = max(upper_j - lower_j, 1e-9)
    a_ref = max(reference_upper_j - lower_j, 1e-9)
    return 0.5 * width_c * math.log(a / a_ref)


def transition_temperature_c(curve: TransitionCurve, energy_j: float) -> float:
    """Temperature (°C) at which the curve's mean energy is ``energy_j`` (e.g. T27J, the
    EN 10025 / BS 7910 transition temperature): T = T50 + C·artanh(2(E − LS)/(US − LS) − 1),
    the tanh form inverted. NaN when ``energy_j`` is not strictly between the shelves."""
    if not curve.lower_j < energy_j < curve.upper_j:
        return math.nan
    z = 2.0 * (energy_j - curve.lower_j) / (curve.upper_j - curve.lower_j) - 1.0
    return curve.t50_c + curve.width_c * math.atanh(z)


def transition_curve(
    hardness_hbw: float,
    temper_temp_c: float | None,
    upper_shelf_factor: float = 1.0,
    *,
    base_t50_c: float = BASE_T50_C,
    base_hardness_hbw: float = 400.0,
    base_upper_j: float = BASE_UPPER_J,
    lower_j: float = LOWER_SHELF_J,
    width_c: float = WIDTH_C,
    t50_per_hbw_c: float = T50_PER_HBW_C,
    us_hardness_exponent: float = UPPER_SHELF_HARDNESS_EXPONENT,
    bainite_fraction: float = 0.0,
) -> TransitionCurve:
    """Charpy transition curve of a Q&T NM plate (all shifts Assumptions, module docstring).

    ``hardness_hbw`` and ``bainite_fraction`` are those at the specimen position
    (SPECIMEN_DEPTH_FRACTION, ¼ t): a thick lean plate, softer and partly bainitic there, gets
    its own curve.

    T50 = base_t50 + t50_per_hbw·(HBW − base_HBW) + BAINITE_T50_SHIFT_C·f_B
          + inclusion_t50_shift_c(US, US at factor 1) + TME shift(temper)
          [+ AS_QUENCHED_T50_SHIFT_C when ``temper_temp_c`` is None, i.e. not tempered];
    US  = upper_shelf_j(HBW, upper_shelf_factor), kept ≥ LS + 1 J.
    ``upper_shelf_factor`` is the plate's own inclusion population
    (cleanliness.upper_shelf_inclusion_factor); it moves the upper shelf and, through the
    fixed cleavage tail, T50 (inclusion_t50_shift_c). Defaults give at −40 °C for a
    well-treated baseline heat at the median reduction: 400 HBW/200 °C ≈ 45 J,
    450 HBW ≈ 41 J, 500 HBW ≈ 37 J.
    """
    hbw = max(hardness_hbw, 1.0)
    f_b = min(max(bainite_fraction, 0.0), 1.0)
    t50 = base_t50_c + t50_per_hbw_c * (hbw - base_hardness_hbw)
    t50 += BAINITE_T50_SHIFT_C * f_b
    if temper_temp_c is None:
        t50 += AS_QUENCHED_T50_SHIFT_C
    else:
        t50 += temper_embrittlement_shift_c(temper_temp_c)
    reference = max(
        upper_shelf_j(hbw, 1.0, base_hardness_hbw, base_upper_j, us_hardness_exponent),
        lower_j + 1.0,
    )
    upper = max(reference * upper_shelf_factor, lower_j + 1.0)
    t50 += inclusion_t50_shift_c(upper, reference, lower_j, width_c)
    return TransitionCurve(upper, lower_j, t50, width_c)


def charpy_set(
    rng: np.random.Generator,
    curve: TransitionCurve,
    test_temp_c: float,
    n: int = 3,
    cv: float = UPPER_SHELF_CV,
) -> NDArray[np.float64]:
    """Energies (J) of ``n`` Charpy specimens tested at ``test_temp_c``.

    Scatter follows the region of the curve:
    * transition: each specimen behaves as the curve shifted by its own temperature offset
      δ = ln(W/W_med)/0.019 °C, W Weibull with shape 4 — the master-curve scatter of
      K − 20 MPa√m (P_f = 1 − exp{−[(K − 20)/(K0 − 20)]⁴}, ASTM E1921; Wallin; SINTAP,
      reference/models.md §4) carried into temperature through K_med ∝ exp(0.019·T) (exact
      where K ≫ 30 MPa√m; SD of δ ≈ 17 °C). Where the curve is steep (around T50) this gives
      large single-value scatter, on the shelves almost none;
    * upper shelf: a log-normal factor with coefficient of variation ``cv`` (UPPER_SHELF_CV,
      6 %; mean preserved: μ_ln = −σ²/2, σ² = ln(1 + cv²)), applied to every specimen.
    The median specimen lies on the curve.
    """
    w = rng.weibull(_WEIBULL_SHAPE, size=n)
    w_med = math.log(2.0) ** (1.0 / _WEIBULL_SHAPE)
    delta = np.log(w / w_med) / MASTER_CURVE_EXPONENT_PER_C
    kv = np.asarray(curve.energy_j(test_temp_c + delta), dtype=np.float64)
    if cv <= 0.0:
        return kv
    s2 = math.log1p(cv * cv)
    return kv * rng.lognormal(-0.5 * s2, math.sqrt(s2), size=n)


CHARPY_SPECIMEN_WIDTHS_MM: tuple[tuple[float, float], ...] = ((12.0, 10.0), (8.0, 7.5), (6.0, 5.0))
"""(least plate thickness, specimen width), mm: the widest ISO 148-1 Charpy V specimen a plate
gives, full size (10 mm) from 12 mm plate, sub-size 7.5 mm from 8 mm and 5 mm from 6 mm, none
under 6 mm (assumption, cited: the sub-size rule of EN 10025-1/-2 and GB/T 1591, whose
required energy falls in proportion to the width; domain.md §2.2)."""


IMPACT_MAX_THICKNESS_MM = 80.0
"""GB/T 24186's KV2 requirement of the D/E qualities applies to plate up to this thickness
(mm): "D/E grades KV2 ≥24 J longitudinal at −20/−40 °C (≤80 mm)", domain.md §2.1 [SRC
cehesteel]. Thicker plate's impact test is by agreement: the mill tests it for information."""


def impact_requirement_applies(thickness_mm: float) -> bool:
    """Whether the grade's impact requirement judges a plate of this thickness: from 6 mm
    (the narrowest specimen, ``charpy_specimen_width_mm``) up to IMPACT_MAX_THICKNESS_MM."""
    return charpy_specimen_width_mm(thickness_mm) is not None and (
        thickness_mm <= IMPACT_MAX_THICKNESS_MM
    )


def charpy_specimen_width_mm(thickness_mm: float) -> float | None:
    """The Charpy specimen width (mm) a plate of this thickness calls for
    (``CHARPY_SPECIMEN_WIDTHS_MM``); ``None`` under 6 mm, where no impact test is made."""
    for lowest, width in CHARPY_SPECIMEN_WIDTHS_MM:
        if thickness_mm >= lowest:
            return width
    return None


def charpy_conforms(
    first: ArrayLike,
    required_j: float,
    single_fraction: float,
    retest: ArrayLike | None = None,
) -> bool:
    """Whether a Charpy set (and its retest) meets a required average ``required_j``.

    First set of three: the mean at least ``required_j``, at most one value below it, and none
    below ``single_fraction``·``required_j`` (EN 10025-1 verification of impact properties and
    ASTM A20/A20M: one individual value may be below the specified average, not below 70 % of
    it [clause numbers not verified]). After a failed first set, a retest of three from the
    same plate: the mean of the six at least ``required_j``, at most two of the six below it
    and at most one below the single minimum (the EN 10021-style retest, as recalled:
    Assumption [MEMORY – verify])."""
    values, below_allowed, single_allowed = _judged_values(first, retest)
    return bool(
        values.mean() >= required_j
        and int((values < required_j).sum()) <= below_allowed
        and int((values < single_fraction * required_j).sum()) <= single_allowed
    )


def _judged_values(
    first: ArrayLike, retest: ArrayLike | None
) -> tuple[NDArray[np.float64], int, int]:
    """The values a Charpy verdict judges and how many of them may lie below the required
    average and below the single-value minimum: the set alone (one, none), or after a retest
    all six (two, one). The one statement of the rule ``charpy_conforms`` and
    ``charpy_failures`` share."""
    a = np.asarray(first, dtype=np.float64)
    if retest is None:
        return a, 1, 0
    return np.concatenate([a, np.asarray(retest, dtype=np.float64)]), 2, 1


def _j(value: float, limit: float) -> str:
    """``value`` (J) to 1 J, with more decimals only where rounding would hide which side of
    ``limit`` it lies on."""
    for dp in range(4):
        if (round(value, dp) < limit) == (value < limit) and round(value, dp) != limit:
            return f"{value:.{dp}f}"
    return f"{value:.4f}"


def _limit(value: float) -> str:
    """A required energy (J) as stated: to 0.1 J, trailing zeros dropped."""
    return f"{round(value, 1):g}"


def charpy_failures(
    first: ArrayLike,
    required_j: float,
    single_fraction: float,
    retest: ArrayLike | None = None,
) -> list[str]:
    """The rules of ``charpy_conforms`` the set (or, after a retest, the six) fails, each with
    its numbers; empty exactly when ``charpy_conforms`` is true. For a single set: the mean
    below ``required_j``; more than one value below it; a value below the single-value minimum
    ``single_fraction``·``required_j``. After a retest, the same three rules on all six
    values, with at most two below the average and at most one below the single minimum
    (the rules and their sources: ``charpy_conforms``)."""
    single = single_fraction * required_j
    req, smin = _limit(required_j), _limit(single)
    words = {0: "none", 1: "one", 2: "two"}
    values, avg_allowed, single_allowed = _judged_values(first, retest)
    if retest is None:
        prefix, noun = "", "the set"
    else:
        prefix, noun = "retest rule on all six values: ", "the six"
    out = []
    mean = float(values.mean())
    if mean < required_j:
        out.append(
            f"{prefix}mean of {noun} {_j(mean, required_j)} J below the required average {req} J"
        )
    low = values[values < required_j]
    if low.size > avg_allowed:
        shown = ", ".join(_j(float(v), required_j) for v in low)
        out.append(
            f"{prefix}{low.size} of {noun} ({shown} J) below the required average {req} J, "
            f"at most {words[avg_allowed]} allowed"
        )
    under = values[values < single]
    if under.size > single_allowed:
        shown = ", ".join(_j(float(v), single) for v in under)
        allowed = "none" if single_allowed == 0 else f"at most {words[single_allowed]}"
        out.append(
            f"{prefix}{under.size} of {noun} ({shown} J) below the single-value minimum "
            f"{smin} J ({single_fraction:.0%} of the average), {allowed} allowed"
        )
    return out
