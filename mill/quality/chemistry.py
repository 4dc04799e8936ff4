"""Heat chemistry of NM400/NM450/NM500 plate steel: carbon equivalents, Andrews transformation
temperatures, the GB/T 24186 chemistry limits and the random draw of a heat's analysis.

A chemistry is a ``Mapping[str, float]`` of element symbol -> wt % (keys such as "C", "Si",
"Mn", "P", "S", "Cr", "Ni", "Mo", "Cu", "V", "Ti", "B", "Al", "N", "RE"); a missing key means 0.
All functions are pure; the only randomness comes from the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "GBT24186_LIMITS",
    "GBT24186_TABLE3",
    "ac1_andrews_c",
    "ac3_andrews_c",
    "cet",
    "cev",
    "cev_limit",
    "draw_heat_chemistry",
    "el",
    "impact_quality",
    "limit_violations",
    "ms_andrews_c",
    "pcm",
]

Chemistry = Mapping[str, float]


def el(chem: Chemistry, symbol: str) -> float:
    """Content of one element in wt % (0.0 when the key is missing)."""
    return float(chem.get(symbol, 0.0))


def cev(chem: Chemistry) -> float:
    """IIW carbon equivalent CEV = C + Mn/6 + (Cr+Mo+V)/5 + (Ni+Cu)/15 (wt %).

    Source: IIW Doc. IX-535-67; the form used by GB/T 24186-2022 Table 3 (domain.md §2.1, §2.4).
    """
    c = chem.get
    return (
        el(chem, "C")
        + el(chem, "Mn") / 6.0
        + (c("Cr", 0.0) + c("Mo", 0.0) + c("V", 0.0)) / 5.0
        + (c("Ni", 0.0) + c("Cu", 0.0)) / 15.0
    )


def cet(chem: Chemistry) -> float:
    """CET = C + (Mn+Mo)/10 + (Cr+Cu)/20 + Ni/40 (wt %).

    Source: EN 1011-2:2001 Annex C, method B (Uwer & Höhne); quoted by SSAB for Hardox
    (domain.md §2.2, §2.4).
    """
    c = chem.get
    return (
        el(chem, "C")
        + (c("Mn", 0.0) + c("Mo", 0.0)) / 10.0
        + (c("Cr", 0.0) + c("Cu", 0.0)) / 20.0
        + c("Ni", 0.0) / 40.0
    )


def pcm(chem: Chemistry) -> float:
    """Ito–Bessyo crack parameter Pcm = C + Si/30 + (Mn+Cu+Cr)/20 + Ni/60 + Mo/15 + V/10 + 5B.

    Source: Ito & Bessyo, IIW Doc. IX-576-68 (1968) (domain.md §2.4).
    """
    c = chem.get
    return (
        el(chem, "C")
        + c("Si", 0.0) / 30.0
        + (c("Mn", 0.0) + c("Cu", 0.0) + c("Cr", 0.0)) / 20.0
        + c("Ni", 0.0) / 60.0
        + c("Mo", 0.0) / 15.0
        + c("V", 0.0) / 10.0
        + 5.0 * c("B", 0.0)
    )


def ms_andrews_c(chem: Chemistry) -> float:
    """Martensite-start temperature, Andrews linear formula (°C).

    Ms = 539 − 423C − 30.4Mn − 17.7Ni − 12.1Cr − 7.5Mo.
    Source: K.W. Andrews, JISI 203 (1965) 721–727 (domain.md §3.4).
    """
    c = chem.get
    return (
        539.0
        - 423.0 * c("C", 0.0)
        - 30.4 * c("Mn", 0.0)
        - 17.7 * c("Ni", 0.0)
        - 12.1 * c("Cr", 0.0)
        - 7.5 * c("Mo", 0.0)
    )


def ac1_andrews_c(chem: Chemistry) -> float:
    """Lower critical temperature Ac1, Andrews (°C).

    Ac1 = 723 − 10.7Mn − 16.9Ni + 29.1Si + 16.9Cr + 290As + 6.38W.
    Source: K.W. Andrews, JISI 203 (1965) 721–727 (domain.md §3.4).
    """
    c = chem.get
    return (
        723.0
        - 10.7 * c("Mn", 0.0)
        - 16.9 * c("Ni", 0.0)
        + 29.1 * c("Si", 0.0)
        + 16.9 * c("Cr", 0.0)
        + 290.0 * c("As", 0.0)
        + 6.38 * c("W", 0.0)
    )


def ac3_andrews_c(chem: Chemistry, full: bool = True) -> float:
    """Upper critical temperature Ac3, Andrews (°C).

    Ac3 = 910 − 203√C − 15.2Ni + 44.7Si + 104V + 31.5Mo + 13.1W
          [− 30Mn − 11Cr − 20Cu + 700P + 400Al + 120As + 400Ti]   (bracket: ``full=True``)
    Source: K.W. Andrews, JISI 203 (1965) 721–727. domain.md §3.4 quotes only the first line; the
    bracketed terms are Andrews' second group (elements "in smaller amounts") as implemented in the
    public codes that domain.md cites. ``full=False`` gives the short form.
    """
    c = chem.get
    ac3 = (
        910.0
        - 203.0 * math.sqrt(max(c("C", 0.0), 0.0))
        - 15.2 * c("Ni", 0.0)
        + 44.7 * c("Si", 0.0)
        + 104.0 * c("V", 0.0)
        + 31.5 * c("Mo", 0.0)
        + 13.1 * c("W", 0.0)
    )
    if full:
        ac3 += (
            -30.0 * c("Mn", 0.0)
            - 11.0 * c("Cr", 0.0)
            - 20.0 * c("Cu", 0.0)
            + 700.0 * c("P", 0.0)
            + 400.0 * c("Al", 0.0)
            + 120.0 * c("As", 0.0)
            + 400.0 * c("Ti", 0.0)
        )
    return ac3


_INF = math.inf

#: GB/T 24186-2022 Table 2 chemistry limits (heat analysis, wt %), grade -> element -> (min, max).
#: Source: domain.md §2.1 (cehesteel.com transcription of GB/T 24186-2022). NM500's row is marked
#: [MEMORY – verify] there. "Al" is acid-soluble Al (Als ≥ 0.010, no maximum -> inf); B is
#: specified as 0.0005–0.006. Elements without a lower bound have min 0.
GBT24186_LIMITS: dict[str, dict[str, tuple[float, float]]] = {
    "NM400": {
        "C": (0.0, 0.30), "Si": (0.0, 0.70), "Mn": (0.0, 1.60), "P": (0.0, 0.025),
        "S": (0.0, 0.010), "Cr": (0.0, 1.20), "Ni": (0.0, 0.70), "Mo": (0.0, 0.50),
        "Ti": (0.0, 0.05), "B": (0.0005, 0.006), "Al": (0.010, _INF),
    },
    "NM450": {
        "C": (0.0, 0.35), "Si": (0.0, 0.70), "Mn": (0.0, 1.70), "P": (0.0, 0.025),
        "S": (0.0, 0.010), "Cr": (0.0, 1.40), "Ni": (0.0, 0.80), "Mo": (0.0, 0.55),
        "Ti": (0.0, 0.05), "B": (0.0005, 0.006), "Al": (0.010, _INF),
    },
    "NM500": {
        "C": (0.0, 0.38), "Si": (0.0, 0.70), "Mn": (0.0, 1.70), "P": (0.0, 0.020),
        "S": (0.0, 0.010), "Cr": (0.0, 1.50), "Ni": (0.0, 1.00), "Mo": (0.0, 0.65),
        "Ti": (0.0, 0.05), "B": (0.0005, 0.006), "Al": (0.010, _INF),
    },
}  # fmt: skip

#: GB/T 24186-2022 Table 3 (the D/E low-temperature qualities): tighter maxima (wt %), the Als
#: minimum and the CEV maximum for plate ≤ 50 mm and > 50 mm. Source: domain.md §2.1
#: (cehesteel.com transcription). No NM500 row was found there, so NM500 has no CEV maximum.
#: The certificate (analysis.specification) and the chemistry design read this one table.
GBT24186_TABLE3: dict[str, dict[str, Any]] = {
    "NM400": {"max": {"C": 0.25, "P": 0.020, "S": 0.005, "Mo": 0.60}, "als_min": 0.015,
              "cev_max": (0.57, 0.67)},
    "NM450": {"max": {"C": 0.30, "Ni": 1.00, "Mo": 0.60}, "cev_max": (0.59, 0.74)},
    "NM600": {"max": {}, "cev_max": (0.84, 0.94)},
}  # fmt: skip

CEV_THICKNESS_SPLIT_MM = 50.0
"""GB/T 24186 Table 3 gives one CEV maximum up to 50 mm and another above (domain.md §2.1)."""


def impact_quality(charpy_temp_c: float | None) -> str:
    """The GB/T 24186 impact quality a plate is tested for: ``E`` (−40 °C), ``D`` (−20 °C)
    or ``""`` (no low-temperature impact requirement)."""
    if charpy_temp_c is None:
        return ""
    if charpy_temp_c <= -40:
        return "E"
    return "D" if charpy_temp_c <= -20 else ""


def cev_limit(grade: str, quality: str, thickness_mm: float) -> float | None:
    """The CEV maximum GB/T 24186 Table 3 sets for a D/E quality plate of this grade and
    thickness, or None where it sets none (standard quality, or a grade without a row)."""
    row = GBT24186_TABLE3.get(grade) if quality in ("D", "E") else None
    if row is None:
        return None
    thin, thick = row["cev_max"]
    return float(thin if thickness_mm <= CEV_THICKNESS_SPLIT_MM else thick)


# Decimals used when reporting a limit (as the standard writes it).
_DECIMALS = {"C": 2, "Si": 2, "Mn": 2, "Cr": 2, "Ni": 2, "Mo": 2, "P": 3, "S": 3, "Ti": 3,
             "Al": 3, "B": 4}  # fmt: skip


def limit_violations(grade: str, chem: Chemistry) -> list[str]:
    """Human-readable list of GB/T 24186-2022 Table 2 chemistry limits ``chem`` violates.

    Example entries: ``"C 0.33 > max 0.30"``, ``"B 0.0003 < min 0.0005"``. Empty list = conforms.
    Raises KeyError for an unknown grade.
    """
    out: list[str] = []
    for symbol, (lo, hi) in GBT24186_LIMITS[grade].items():
        value = el(chem, symbol)
        d = _DECIMALS.get(symbol, 4)
        if value > hi:
            out.append(f"{symbol} {value:.{d}f} > max {hi:.{d}f}")
        elif value < lo:
            out.append(f"{symbol} {value:.{d}f} < min {lo:.{d}f}")
    return out


def draw_heat_chemistry(
    aim: Mapping[str, float],
    sigma: Mapping[str, float],
    rng: np.random.Generator,
    limits: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, float]:
    """Draw one heat's analysis around the aim chemistry.

    Each element of ``aim`` is drawn from normal(aim, sigma) truncated to [0, inf) and, when
    ``limits`` are given, also to that element's (min, max) — a truncated normal
    (scipy.stats.truncnorm sampled with ``rng``), so the draw is deterministic given ``rng``.
    Elements are drawn in sorted key order so the result does not depend on dict order.
    A missing or zero sigma returns the aim clipped into the bounds.

    Assumption: heat-to-heat scatter is independent between elements (no correlation between,
    e.g., Mn and Si additions); domain.md §2.3 gives σ_C ≈ 0.010, σ_Mn ≈ 0.04 wt %.
    """
    out: dict[str, float] = {}
    drawn: list[tuple[str, float, float, float, float]] = []  # symbol, mu, sd, lo, hi
    for symbol in sorted(aim):
        mu = float(aim[symbol])
        sd = float(sigma.get(symbol, 0.0))
        lo, hi = 0.0, _INF
        if limits is not None and symbol in limits:
            lo = max(lo, float(limits[symbol][0]))
            hi = min(hi, float(limits[symbol][1]))
        if hi < lo:
            raise ValueError(f"empty limits for {symbol}: ({lo}, {hi})")
        if sd <= 0.0:
            out[symbol] = min(max(mu, lo), hi)
        else:
            drawn.append((symbol, mu, sd, lo, hi))
    if drawn:
        # one vectorised truncated-normal draw for all elements (a scalar call costs ~0.5 ms)
        mu_a = np.array([d[1] for d in drawn])
        sd_a = np.array([d[2] for d in drawn])
        lo_a = np.array([d[3] for d in drawn])
        hi_a = np.array([d[4] for d in drawn])
        # imported here: scipy.stats is ~0.4 s of start-up (python -X importtime)
        from scipy.stats import truncnorm

        values = truncnorm.rvs(
            (lo_a - mu_a) / sd_a, (hi_a - mu_a) / sd_a, loc=mu_a, scale=sd_a, random_state=rng
        )
        for (symbol, mu, _sd, lo, hi), value in zip(drawn, np.atleast_1d(values), strict=True):
            v = float(value)
            if not math.isfinite(v):  # aim far outside the bounds: truncnorm fails in the tail
                v = lo if mu < lo else hi
            out[symbol] = min(max(v, lo), hi)
    return dict(sorted(out.items()))
