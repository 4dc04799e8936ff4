"""The statistics behind experiments (mill.analysis.inference) against independent
computations: Student-t intervals, paired intervals, Bonferroni, Law's relative-precision rule,
Nelson et al.'s subset selection and MSER-5."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from mill.analysis.inference import (
    best_subset,
    bonferroni_level,
    mean_ci,
    mser5,
    paired_ci,
    relative_precision_met,
)


def test_mean_ci_is_the_student_t_interval() -> None:
    """X̄ ± t_{n−1,0.975} S/√n, as scipy computes it."""
    x = np.array([3.1, 2.7, 3.9, 3.3, 2.8, 3.6])
    ci = mean_ci(x)
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert (ci.n, ci.mean, ci.sd) == (6, pytest.approx(x.mean()), pytest.approx(x.std(ddof=1)))
    assert (ci.low, ci.high) == (pytest.approx(low), pytest.approx(high))


def test_mean_ci_is_undefined_for_one_value_and_drops_nan() -> None:
    """One replication gives no interval; NaN replications are left out."""
    assert math.isnan(mean_ci([4.0]).low)
    ci = mean_ci([1.0, float("nan"), 3.0])
    assert ci.n == 2 and ci.mean == 2.0


def test_paired_ci_is_the_interval_of_the_differences() -> None:
    """Paired by index: the t interval of b − a, narrower than the unpaired one when the
    pairs are positively correlated (common random numbers)."""
    rng = np.random.default_rng(1)
    common = rng.normal(0, 5, 20)
    a = 10 + common + rng.normal(0, 0.5, 20)
    b = 11 + common + rng.normal(0, 0.5, 20)
    d = paired_ci(a, b)
    ref = mean_ci(b - a)
    assert (d.low, d.high) == (ref.low, ref.high)
    assert d.excludes_zero
    welch = stats.ttest_ind(b, a, equal_var=False).confidence_interval()
    assert d.half_width < 0.5 * (welch.high - welch.low) / 2


def test_bonferroni_splits_alpha_over_the_comparisons() -> None:
    """m comparisons at a joint 95 % each use 1 − 0.05/m."""
    assert bonferroni_level(0.95, 1) == pytest.approx(0.95)
    assert bonferroni_level(0.95, 5) == pytest.approx(0.99)


def test_relative_precision_uses_laws_adjusted_gamma() -> None:
    """Met when half-width/|mean| ≤ γ/(1+γ): 0.0476 for γ = 0.05, not 0.05."""
    from mill.analysis.inference import Interval

    at = 100 * 0.05 / 1.05
    assert relative_precision_met(Interval(5, 100.0, 1.0, 100 - at, 100 + at), 0.05)
    assert not relative_precision_met(Interval(5, 100.0, 1.0, 100 - 4.9, 100 + 4.9), 0.05)
    assert not relative_precision_met(Interval(1, 100.0, math.nan, math.nan, math.nan), 0.05)


def test_best_subset_keeps_the_best_and_drops_clearly_worse_points() -> None:
    """Minimising: a point far above the best is screened out; points within noise stay."""
    rng = np.random.default_rng(3)
    common = rng.normal(0, 1, 10)
    x = np.vstack([5 + common, 5.05 + common + rng.normal(0, 0.2, 10), 9 + common])
    keep = best_subset(x, maximise=False)
    assert list(keep) == [True, True, False]
    assert list(best_subset(x, maximise=True)) == [False, False, True]


def test_best_subset_contains_the_best_at_least_95_percent_of_the_time() -> None:
    """Coverage over 400 simulated experiments of 4 normal systems (the true best is 0)."""
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(400):
        x = rng.normal([[0.0], [0.2], [0.4], [0.6]], 1.0, size=(4, 8))
        hits += bool(best_subset(x, maximise=False)[0])
    assert hits / 400 >= 0.95


def test_mser5_finds_an_initial_transient() -> None:
    """A series that climbs for 40 observations and then is stationary is truncated near 40,
    and a stationary series is hardly truncated."""
    rng = np.random.default_rng(5)
    ramp = np.concatenate([np.linspace(0, 100, 40), 100 + rng.normal(0, 3, 360)])
    assert 30 <= mser5(ramp) <= 60
    assert mser5(100 + rng.normal(0, 3, 400)) <= 40
    assert mser5([1.0, 2.0]) == 0
