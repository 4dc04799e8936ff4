"""Ultrasonic inspection of plates: probability of detection, sizing error, false calls.

The automated straight-beam scan finds each internal defect with probability POD(a), a the
equivalent diameter (disc of the same area), reports it with a log-normal sizing error, and
adds false calls; flagged zones are then re-checked by hand. Surface, flatness and hardness
mechanisms are invisible to UT (see ``mill.quality.defects.DETECTION``).

Sources: MIL-HDBK-1823A (2009) hit/miss probit model POD(a) = Φ((ln a − μ)/σ), a50 = e^μ,
a90 = e^(μ + 1.2816σ) (domain §5.5, statistical-engineering.com mh1823 pages; Gandossi &
Annis 2010, ENIQ Report 41). No published a50/a90 exists for automated plate UT, so the
defaults are the domain §5.5 assumption (a50 = 3 mm, a90 = 5 mm, calibrated on the EN 10160
S3 recording level); manual contact UT a90 ≈ 6–8 mm, false calls 0.01–0.1 per m² and scan
speed 0.5–1.0 m/s are domain §1.7/§5.5 assumptions too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr

from mill.distributions import draw_uniform
from mill.quality.defects import Defect, is_internal

Z90 = 1.2815515655446004  # Φ⁻¹(0.9)
EDGE_CRACK_VISIBLE_H = 48.0
"""Delayed cut-edge cracks become visible from 48 h after cutting (SSAB TechSupport #16): the
visual inspection's two edge-crack PODs switch here."""


def _probit_sigma(a50_mm: float, a90_mm: float) -> float:
    """σ of the probit POD curve through a50 and a90: (ln a90 − ln a50)/1.2816."""
    if not 0.0 < a50_mm < a90_mm:
        raise ValueError("need 0 < a50 < a90")
    return (math.log(a90_mm) - math.log(a50_mm)) / Z90


def pod(size_mm: ArrayLike, a50_mm: float, a90_mm: float) -> NDArray[np.float64]:
    """Probit POD (MIL-HDBK-1823A): Φ((ln a − ln a50)/σ), σ = (ln a90 − ln a50)/1.2816.

    Sizes ≤ 0 have POD 0. Array in, array out (a 0-d array for a scalar).
    """
    sigma = _probit_sigma(a50_mm, a90_mm)
    a = np.asarray(size_mm, dtype=float)
    with np.errstate(divide="ignore"):
        z = (np.log(np.where(a > 0, a, np.nan)) - math.log(a50_mm)) / sigma
    return np.asarray(np.where(a > 0, ndtr(z), 0.0), dtype=float)


def pod_one(size_mm: float, a50_mm: float, a90_mm: float) -> float:
    """``pod`` for one size, in plain floats (the simulation calls it per defect):
    Φ(z) = erfc(−z/√2)/2, the same probit curve."""
    sigma = _probit_sigma(a50_mm, a90_mm)
    if not size_mm > 0.0:
        return 0.0
    z = (math.log(size_mm) - math.log(a50_mm)) / sigma
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


@dataclass(frozen=True, slots=True)
class UTSettings:
    """Automated + manual UT settings. All values are "Assumption:" from domain §1.7/§5.5.

    Assumption: ``track_width_mm`` — the probe carriage covers a 1.2 m wide track per pass
    along the plate length (raster across the width); ``handling_min`` covers loading and
    squaring per plate. False-call sizes are log-normal around a50 (signals just above the
    threshold, σ_ln 0.3); a false call survives the manual re-check with probability
    1 − ``false_call_dismiss_prob`` (0.9 dismissed).
    """

    a50_mm: float = 3.0
    a90_mm: float = 5.0
    sizing_sigma_ln: float = 0.2
    false_calls_per_m2: float = 0.01
    manual_a50_mm: float = 4.0
    manual_a90_mm: float = 7.0
    scan_speed_m_per_s: float = 0.75
    coverage: float = 1.0
    position_sigma_mm: float = 2.0
    false_call_sigma_ln: float = 0.3
    false_call_dismiss_prob: float = 0.9
    track_width_mm: float = 1200.0
    handling_min: float = 1.0


@dataclass(slots=True)
class Indication:
    """One UT indication as reported (measured size and position)."""

    x_mm: float
    y_mm: float
    z_frac: float
    length_mm: float
    width_mm: float
    area_mm2: float
    true_defect_index: int  # index into the scanned defect list, -1 for a false call
    confirmed: bool = False  # set by manual_recheck


def ut_scan(
    rng: np.random.Generator,
    defects: Sequence[Defect],
    plate_t_mm: float,
    plate_w_mm: float,
    plate_l_mm: float,
    settings: UTSettings,
) -> list[Indication]:
    """Automated scan of one plate; ``defects`` in plate coordinates.

    Each UT-visible defect is found with probability coverage·POD(equivalent diameter);
    measured length and width carry independent log-normal errors (σ_ln = sizing_sigma_ln),
    the area is the ellipse of the measured axes; the position carries a small normal error
    clipped to the plate. False calls: Poisson(rate · area · coverage) at uniform positions.
    """
    out: list[Indication] = []
    idx = [i for i, d in enumerate(defects) if is_internal(d.mechanism)]
    if idx:
        size = np.array([defects[i].equivalent_diameter_mm for i in idx])
        hit = rng.random(len(idx)) < settings.coverage * pod(size, settings.a50_mm, settings.a90_mm)
        for i in np.asarray(idx)[hit]:
            d = defects[int(i)]
            f_l, f_w = np.exp(settings.sizing_sigma_ln * rng.standard_normal(2))
            dx, dy = settings.position_sigma_mm * rng.standard_normal(2)
            length, width = d.length_mm * f_l, d.width_mm * f_w
            out.append(
                Indication(
                    x_mm=min(max(float(d.x_mm + dx), 0.0), plate_l_mm),
                    y_mm=min(max(float(d.y_mm + dy), 0.0), plate_w_mm),
                    z_frac=d.z_frac,
                    length_mm=float(length),
                    width_mm=float(width),
                    area_mm2=float(math.pi / 4.0 * length * width),
                    true_defect_index=int(i),
                )
            )
    area_m2 = plate_w_mm * plate_l_mm / 1e6
    n_false = int(rng.poisson(settings.false_calls_per_m2 * area_m2 * settings.coverage))
    for _ in range(n_false):
        d_eq = settings.a50_mm * math.exp(settings.false_call_sigma_ln * rng.standard_normal())
        out.append(
            Indication(
                x_mm=draw_uniform(rng, 0.0, plate_l_mm),
                y_mm=draw_uniform(rng, 0.0, plate_w_mm),
                z_frac=draw_uniform(rng, 0.05, 0.95),
                length_mm=d_eq,
                width_mm=d_eq,
                area_mm2=math.pi / 4.0 * d_eq * d_eq,
                true_defect_index=-1,
            )
        )
    return out


def manual_recheck(
    rng: np.random.Generator,
    indications: Sequence[Indication],
    defects: Sequence[Defect],
    settings: UTSettings,
) -> list[Indication]:
    """Manual re-check of the flagged zones; returns copies with ``confirmed`` set.

    A true indication is confirmed with the manual POD of its defect's equivalent diameter;
    a false call is dismissed with probability ``false_call_dismiss_prob``. Every indication
    is returned (unconfirmed ones too) so the record keeps what the automated scan said.
    """
    out: list[Indication] = []
    for ind in indications:
        if ind.true_defect_index < 0:
            ok = rng.random() >= settings.false_call_dismiss_prob
        else:
            size = defects[ind.true_defect_index].equivalent_diameter_mm
            p = pod_one(size, settings.manual_a50_mm, settings.manual_a90_mm)
            ok = rng.random() < p
        out.append(replace(ind, confirmed=bool(ok)))
    return out


def ut_time_min(plate_w_mm: float, plate_l_mm: float, settings: UTSettings) -> float:
    """Scan time (min): ceil(w·coverage / track width) passes of the plate length at scan speed.

    Assumption: raster tracks of ``track_width_mm`` (1.2 m) along the length, plus
    ``handling_min`` per plate; manual re-check time is not included (domain §1.7: 5–15 min
    per plate with flagged zones, left to the simulation).
    """
    tracks = max(1, math.ceil(plate_w_mm * settings.coverage / settings.track_width_mm - 1e-9))
    seconds = tracks * (plate_l_mm / 1000.0) / settings.scan_speed_m_per_s
    return seconds / 60.0 + settings.handling_min


def flatness_reading(rng: np.random.Generator, true_mm_per_m: float, sd_mm_per_m: float) -> float:
    """A flatness gauge's reading of a plate whose true deviation is ``true_mm_per_m``.

    A flatness deviation is a magnitude (the largest gap under a straight edge, EN 10029
    §7 / ASTM A6 flatness tables), never negative, so the gauge reads |true + e| with
    e ~ N(0, sd): a folded normal reading (Leone, Nelson & Nottingham 1961, Technometrics
    3(4) 543–550), whose mean is ``folded_normal_mean`` and which equals true + e whenever
    the noise cannot cross zero."""
    return abs(true_mm_per_m + float(rng.normal(0.0, sd_mm_per_m)))


def folded_normal_mean(mu: float, sd: float) -> float:
    """Mean of |X|, X ~ N(mu, sd²) (Leone, Nelson & Nottingham 1961, eq. 2):
    sd·√(2/π)·exp(−mu²/2sd²) + mu·(1 − 2Φ(−mu/sd))."""
    return float(
        sd * math.sqrt(2.0 / math.pi) * math.exp(-(mu * mu) / (2.0 * sd * sd))
        + mu * (1.0 - 2.0 * ndtr(-mu / sd))
    )
