"""Start-up cost: importing the model leaves scipy.stats unloaded, and the scipy-free shortcuts
that make that possible (the truncated normal's mean bounds, the exponential's tail
probabilities) agree with scipy."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from mill.distributions import exponential, normal


def test_import_model_does_not_load_scipy_stats() -> None:
    """``import mill.model`` (which validates the plant's default fields) does not import
    scipy.stats, about half of the start-up time; a run loads it when it first draws."""
    code = "import sys, mill.model; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_truncated_normal_mean_lies_in_its_scipy_free_range() -> None:
    """For normals cut on one side or both, the exact mean (scipy) lies inside
    ``mean_range()``, over means, spreads and cut points far into either tail."""
    rng = np.random.default_rng(7)
    for _ in range(300):
        mu = float(rng.normal(0.0, 50.0))
        sd = float(rng.exponential(5.0)) + 1e-3
        cut = mu + float(rng.normal(0.0, 3.0)) * sd
        width = float(rng.exponential(2.0)) * sd + 1e-3
        for spec in (
            normal(mu, sd, low=cut),
            normal(mu, sd, high=cut),
            normal(mu, sd, low=cut, high=cut + width),
        ):
            lo, hi = spec.mean_range()
            m = spec.mean()
            slack = 1e-9 * max(1.0, abs(m))
            assert lo - slack <= m <= hi + slack, (spec, m, lo, hi)


def test_untruncated_mean_range_is_the_mean() -> None:
    """A spec without a cut reports its exact mean as the range (no loosening)."""
    assert normal(40.0, 6.0).mean_range() == (40.0, 40.0)
    assert exponential(3.0).mean_range() == (3.0, 3.0)


@pytest.mark.parametrize("mean", [0.5, 3.0, 100.0, 1e4])
@pytest.mark.parametrize(
    ("lo", "hi"), [(0.0, 1e5), (1.0, 10.0), (-1.0, math.inf), (5.0, 2e3), (-math.inf, 0.3)]
)
def test_exponential_outside_matches_scipy(mean: float, lo: float, hi: float) -> None:
    """The closed-form exponential tail probability equals scipy's expon to rounding."""
    from scipy import stats

    spec = exponential(mean)
    frozen = stats.expon(scale=mean)
    want = float(min(1.0, frozen.cdf(lo) + frozen.sf(hi)))
    assert spec.outside(lo, hi) == pytest.approx(want, rel=1e-13, abs=1e-300)
