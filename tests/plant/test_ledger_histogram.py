"""The ledger's streaming histogram of hours (lead and flow times), by hand: half-hour bins
up to 5000 h, a percentile is the midpoint of the bin where the cumulative count reaches
q % of the values, the mean is exact."""

from __future__ import annotations

import math

import pytest

from mill.model.ledger import Histogram


def test_percentiles_are_the_midpoints_of_the_bins_that_reach_them() -> None:
    """Ten values: 1.2 h three times (bin 1.0–1.5) and 7.9 h seven times (bin 7.5–8.0).
    The 30th percentile lies in the first bin (1.25 h), the 31st and the 95th in the second
    (7.75 h); the mean is the exact mean of the values."""
    h = Histogram()
    for v in [1.2] * 3 + [7.9] * 7:
        h.add(v)
    assert h.n == 10 and sum(h.counts) == 10
    assert h.counts[2] == 3 and h.counts[15] == 7
    assert h.percentile(30) == 1.25
    assert h.percentile(31) == 7.75 and h.percentile(95) == 7.75
    assert h.mean() == pytest.approx((3 * 1.2 + 7 * 7.9) / 10)


def test_values_outside_the_range_land_in_the_end_bins() -> None:
    """A negative value counts in the first bin, one beyond 5000 h in the last; the mean
    still uses the values themselves."""
    h = Histogram()
    h.add(-2.0)
    h.add(9000.0)
    assert h.counts[0] == 1 and h.counts[-1] == 1 and h.n == 2
    assert h.percentile(50) == 0.25 and h.percentile(100) == 5000.25
    assert h.mean() == pytest.approx(4499.0)


def test_an_empty_histogram_has_no_percentile_or_mean() -> None:
    """No values: NaN, not zero."""
    h = Histogram()
    assert math.isnan(h.percentile(50)) and math.isnan(h.mean())
