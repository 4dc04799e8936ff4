"""Rare-earth (Ce + La) ladle treatment: recovered RE, RE/S ratio and the inclusion population
it leaves, which drives inclusion-cluster UT flaws (defects.py) and, through the share of
sulphide it modifies, the plate's own fine inclusion population that sets the Charpy curve
(cleanliness.py, toughness.py).

Sources (domain.md §3.6): Pan et al., Materials 9 (2016) 417 (review: RE desulphurise and
deoxidise, form RE oxysulphides); Duy & Lee (2004) (elongated MnS -> globular RE oxysulphide/
sulphide once (Ce+La)/S ≳ 0.46); Metals 2025, 15(7), 802 (S355NL: 0.0011–0.0049 % Ce optimum,
inclusion count −70 %, no inclusions > 10 µm; 0.086 % Ce: > 1000 inclusions, coarse ones return,
KV falls); Liu et al., Mater. Des. 33 (2012) 306 (toughness peaks at 0.0047 % RE, 0.018 %
excessive); PMC8472719 (42CrMo4: 0.06 % Ce gives chained RE inclusions that start cracks);
Metals 2022, 12(8), 1358 (Hardox-400-type steel, 0.0030 % Ce: fine globular Ce inclusions,
better toughness at the same hardness).

Assumption (the whole interpolation below): the published results are points, not a law. The
effects are expressed as smooth functions of two state variables,

* modification m = 1 − exp(−(RE/S / 1.0)^1.5): share of sulphide converted to globular RE
  oxysulphide (m ≈ 0.63 at RE/S = 1, 0.94 at 2, ≈ 1 at 3 — the "effective RE/S ≈ 1–3" window);
* excess x = logistic((RE − 0.013 %) / 0.002 %): onset of clustering / coarse RE inclusions
  (x ≈ 0.01 at 0.004 %, 0.5 at 0.013 %, ≈ 1 above 0.02 %),

and the benefit b = m·(1 − x) scales the window effects on the UT-scale clusters (domain.md §3.6
mid-values): count −50 %, size −20 %; the excess x adds up to +100 % count and +50 % size.
Toughness is not set here: the Charpy curve follows the plate's own inclusions (m and x enter
cleanliness.effective_volume_fraction), not a heat-level shift (issue 11.3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "CLUSTER_RE_PCT",
    "InclusionPopulation",
    "excess_fraction",
    "inclusion_population",
    "modification_fraction",
    "re_s_ratio",
    "recovered_re_pct",
]

#: Assumption: RE content (wt %) at which clustering takes over (x = 0.5); domain.md: 0.01–0.02 %.
CLUSTER_RE_PCT = 0.013
_CLUSTER_WIDTH_PCT = 0.002
_S_FLOOR_PCT = 1e-4  # 1 ppm: S below this is treated as 1 ppm in RE/S

# Window (b = 1) and excess (x = 1) effect sizes, Assumption (domain.md §3.6 mid-values).
_RATE_WINDOW, _RATE_EXCESS = -0.50, +1.00
_SIZE_WINDOW, _SIZE_EXCESS = -0.20, +0.50


@dataclass(frozen=True, slots=True)
class InclusionPopulation:
    """Inclusion population of a heat relative to an untreated (no RE) heat.

    rate_factor: multiplies the Poisson rate of inclusion-cluster flaws (1.0 = untreated).
    size_factor: multiplies the median cluster area.
    globular_fraction: share (0..1) of inclusions modified to globular RE oxysulphides, which do
        not elongate in rolling (MnS stringers do).
    clustered: True when RE is far above the window (RE clusters, more and larger inclusions).
    """

    rate_factor: float
    size_factor: float
    globular_fraction: float
    clustered: bool


UNTREATED = InclusionPopulation(1.0, 1.0, 0.0, False)


def recovered_re_pct(added_pct: float, recovery_frac: float) -> float:
    """RE left in the steel (wt %) = added × recovery (domain.md §8: RE yield 40–60 %, drawn
    by the caller)."""
    return max(added_pct, 0.0) * min(max(recovery_frac, 0.0), 1.0)


def re_s_ratio(re_pct: float, s_pct: float) -> float:
    """Mass ratio RE/S; S is floored at 1 ppm so a sulphur-free heat gives a large, finite ratio."""
    return max(re_pct, 0.0) / max(s_pct, _S_FLOOR_PCT)


def modification_fraction(re_pct: float, s_pct: float) -> float:
    """Share of sulphides modified to globular RE oxysulphide, m = 1 − exp(−(RE/S)^1.5).

    Assumption (module docstring), anchored on Duy & Lee (2004) and the RE/S ≈ 1–3 window.
    """
    return 1.0 - math.exp(-(re_s_ratio(re_pct, s_pct) ** 1.5))


def excess_fraction(re_pct: float) -> float:
    """Degree (0..1) of RE excess / clustering, logistic in RE % centred on CLUSTER_RE_PCT.

    Assumption (module docstring), anchored on Liu et al. 2012 (0.018 % excessive) and
    Metals 2025 15(7) 802 (0.086 % Ce: many coarse inclusions).
    """
    if re_pct <= 0.0:
        return 0.0
    z = (re_pct - CLUSTER_RE_PCT) / _CLUSTER_WIDTH_PCT
    return 1.0 / (1.0 + math.exp(-z))


def inclusion_population(re_pct: float, s_pct: float) -> InclusionPopulation:
    """Inclusion population of a heat with ``re_pct`` RE and ``s_pct`` S.

    No RE -> MnS stringers (globular 0, all factors 1). In the window (RE/S ≈ 1–3, RE
    0.001–0.006 %) count ≈ −30…−50 %, size ≈ −13…−20 %; far above (RE > ~0.015 %)
    clustering: more and larger inclusions.
    Smooth in RE and S (see module docstring for the interpolation, an Assumption).
    """
    if re_pct <= 0.0:
        return UNTREATED
    m = modification_fraction(re_pct, s_pct)
    x = excess_fraction(re_pct)
    b = m * (1.0 - x)
    return InclusionPopulation(
        rate_factor=1.0 + _RATE_WINDOW * b + _RATE_EXCESS * x,
        size_factor=1.0 + _SIZE_WINDOW * b + _SIZE_EXCESS * x,
        globular_fraction=m,
        clustered=x > 0.5,
    )
