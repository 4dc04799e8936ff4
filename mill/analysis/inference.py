"""Statistics across replications: confidence intervals, paired comparisons, subset selection,
sequential precision and the MSER-5 warm-up point. Pure numpy/scipy, no I/O.

A replication of a simulation is one independent observation of each KPI; the estimators here
treat the n replications of a design point as an i.i.d. sample (Law 2015, *Simulation Modeling
and Analysis*, 5th ed., ch. 9). Points run with common random numbers share replication k's seed,
so differences are taken pairwise by replication (Law 2015, §10.2 and §11.2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "Interval",
    "best_subset",
    "mean_ci",
    "mser5",
    "paired_ci",
    "relative_precision_met",
    "welch_ci",
]


@dataclass(frozen=True)
class Interval:
    """A sample mean with its two-sided confidence interval (NaN where n < 2)."""

    n: int
    mean: float
    sd: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return 0.5 * (self.high - self.low)

    @property
    def excludes_zero(self) -> bool:
        """Whether the interval lies wholly on one side of 0 (False when undefined)."""
        return bool(self.low > 0.0 or self.high < 0.0)


def _clean(values: Sequence[float] | np.ndarray) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    return x[np.isfinite(x)]


def mean_ci(values: Sequence[float] | np.ndarray, level: float = 0.95) -> Interval:
    """Student-t interval for the mean of i.i.d. replications:
    X̄(n) ± t_{n−1, 1−α/2} √(S²(n)/n) (Law 2015, eq. 4.12 and §9.4.1). Non-finite values are
    dropped; with one value the interval is undefined (NaN)."""
    x = _clean(values)
    n = int(x.size)
    if n == 0:
        return Interval(0, math.nan, math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if n == 1:
        return Interval(1, mean, math.nan, math.nan, math.nan)
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1)) * sd / math.sqrt(n)
    return Interval(n, mean, sd, mean - half, mean + half)


def paired_ci(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, level: float = 0.95
) -> Interval:
    """Paired-t interval for E[b − a] from replications paired by index (common random
    numbers: replication k of both points ran with the same seed). Law 2015, §10.2.1: the
    differences Z_k = b_k − a_k are i.i.d. and the t interval applies to them. Pairs with a
    non-finite member are dropped."""
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if xa.shape != xb.shape:
        raise ValueError("paired replications must have equal length")
    keep = np.isfinite(xa) & np.isfinite(xb)
    return mean_ci(xb[keep] - xa[keep], level)


def welch_ci(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, level: float = 0.95
) -> Interval:
    """Welch interval for E[b] − E[a] from two independent samples (no pairing: the runs did
    not share their seeds). Law 2015, §10.2.2: X̄_b − X̄_a ± t_{f̂, 1−α/2} √(S²_a/n_a + S²_b/n_b)
    with f̂ the Welch–Satterthwaite degrees of freedom. Non-finite values are dropped. The
    returned ``n`` is n_a + n_b and ``sd`` is the standard error of the difference; the
    interval is undefined (NaN) when either sample has fewer than 2 values."""
    xa, xb = _clean(a), _clean(b)
    na, nb = int(xa.size), int(xb.size)
    if na == 0 or nb == 0:
        return Interval(na + nb, math.nan, math.nan, math.nan, math.nan)
    diff = float(xb.mean() - xa.mean())
    if na < 2 or nb < 2:
        return Interval(na + nb, diff, math.nan, math.nan, math.nan)
    va, vb = float(xa.var(ddof=1)) / na, float(xb.var(ddof=1)) / nb
    se = math.sqrt(va + vb)
    if se == 0.0:
        return Interval(na + nb, diff, 0.0, diff, diff)
    dof = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    half = float(stats.t.ppf(0.5 + level / 2.0, dof)) * se
    return Interval(na + nb, diff, se, diff - half, diff + half)


def bonferroni_level(level: float, comparisons: int) -> float:
    """Individual confidence level that keeps the family of ``comparisons`` intervals at
    ``level`` jointly (Bonferroni inequality; Law 2015, §10.3)."""
    return 1.0 - (1.0 - level) / max(1, comparisons)


def best_subset(samples: np.ndarray, maximise: bool, level: float = 0.95) -> np.ndarray:
    """Points that contain the best (largest or smallest mean) with probability ≥ ``level``.

    ``samples`` is (k points × n replications), replication j of every point made with the same
    seed. The screening procedure of Nelson, Swann, Goldsman & Song (2001, *Operations
    Research* 49(6), 950–963, §2): keep point i when X̄_i ≥ X̄_j − W_ij for every j ≠ i
    (maximising). With common random numbers W_ij = t S_ij/√n, S²_ij the sample variance of the
    paired differences X_i − X_j and t = t_{n−1, 1−α/(k−1)} (the Bonferroni form for correlated
    systems, Kim & Nelson 2006, *Handbooks in OR & MS* 13, ch. 17, §3.2). Returns a boolean
    mask; every point is kept when n < 2."""
    x = np.asarray(samples, dtype=float)
    k, n = x.shape
    if k == 1 or n < 2:
        return np.ones(k, dtype=bool)
    sign = 1.0 if maximise else -1.0
    y = sign * x
    t = float(stats.t.ppf(1.0 - (1.0 - level) / (k - 1), n - 1))
    means = y.mean(axis=1)
    keep = np.ones(k, dtype=bool)
    for i in range(k):
        for j in range(k):
            if i == j:
                continue
            s_ij = float(np.std(y[i] - y[j], ddof=1))
            if means[i] < means[j] - t * s_ij / math.sqrt(n):
                keep[i] = False
                break
    return keep


def relative_precision_met(interval: Interval, gamma: float) -> bool:
    """Law's sequential stopping rule for a relative error γ: stop when
    δ(n, α)/|X̄(n)| ≤ γ' = γ/(1 + γ) (Law 2015, §9.4.1, "a sequential procedure"; γ' corrects
    for using X̄ rather than μ in the denominator). A zero mean with zero half-width counts as
    met (every replication agreed); n < 2 never does."""
    if interval.n < 2 or not math.isfinite(interval.half_width):
        return False
    target = gamma / (1.0 + gamma)
    if interval.mean == 0.0:
        return interval.half_width == 0.0
    return interval.half_width / abs(interval.mean) <= target


def mser5(series: Sequence[float] | np.ndarray) -> int:
    """MSER-5 truncation point of an output series, in observations (White 1997; White,
    Cobb & Spratt 2000, WSC): average the series in batches of 5, then choose the number of
    batches d to delete that minimises MSER(d) = Σ_{i>d} (Z_i − Z̄_d)² / (m − d)², searching
    d over the first half of the m batches (the standard restriction: a minimum in the second
    half means the run is too short to tell). Returns 5·d*."""
    x = _clean(series)
    m = x.size // 5
    if m < 2:
        return 0
    z = x[: 5 * m].reshape(m, 5).mean(axis=1)
    best_d, best = 0, math.inf
    for d in range(0, m // 2 + 1):
        tail = z[d:]
        value = float(((tail - tail.mean()) ** 2).sum()) / float(tail.size) ** 2
        if value < best:
            best_d, best = d, value
    return 5 * best_d
