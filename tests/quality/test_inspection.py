"""Ultrasonic inspection: POD curve, detection, sizing error, false calls and scan time."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mill.quality.defects import Defect
from mill.quality.detection import (
    Indication,
    UTSettings,
    manual_recheck,
    pod,
    pod_one,
    ut_scan,
    ut_time_min,
)

PLATE = (30.0, 2500.0, 10000.0)  # t, w, l
QUIET = UTSettings(false_calls_per_m2=0.0, position_sigma_mm=0.0)


def _disc(d_eq: float, mech: str = "inclusion_cluster", x: float = 5000.0) -> Defect:
    return Defect(mech, "steelmaking", "mns_stringer", x, 1000.0, 0.25, d_eq, d_eq, "globular")


def test_pod_is_one_half_at_a50_and_nine_tenths_at_a90() -> None:
    assert pod(3.0, 3.0, 5.0) == pytest.approx(0.5)
    assert pod(5.0, 3.0, 5.0) == pytest.approx(0.9)


def test_pod_matches_the_domain_worked_values_and_takes_arrays() -> None:
    p = pod([2.0, 4.0, 8.0], 3.0, 5.0)  # domain §5.5: 0.16, 0.77, 0.99
    assert p.shape == (3,)
    assert p == pytest.approx([0.16, 0.77, 0.99], abs=0.01)
    assert np.all(np.diff(pod(np.linspace(0.5, 20, 50), 3.0, 5.0)) > 0)


def test_pod_is_zero_for_non_positive_sizes_and_rejects_bad_parameters() -> None:
    assert pod([0.0, -1.0], 3.0, 5.0).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError):
        pod(1.0, 5.0, 3.0)


def test_scan_detects_internal_defects_at_the_pod_rate() -> None:
    rng = np.random.default_rng(0)
    defects = [_disc(3.0, x=10.0 * i) for i in range(4000)]
    found = ut_scan(rng, defects, *PLATE, QUIET)
    assert abs(len(found) / 4000 - 0.5) < 0.03
    assert all(0 <= ind.true_defect_index < 4000 for ind in found)


def test_surface_flatness_and_hardness_defects_are_invisible_to_ut() -> None:
    rng = np.random.default_rng(1)
    big = [_disc(50.0, m) for m in ("rolled_in_scale", "flatness", "hardness_out_of_window")]
    assert ut_scan(rng, big, *PLATE, QUIET) == []
    assert len(ut_scan(rng, [_disc(50.0, "hydrogen_flake")], *PLATE, QUIET)) == 1


def test_measured_size_scatters_log_normally_around_the_true_size() -> None:
    rng = np.random.default_rng(2)
    found = ut_scan(rng, [_disc(20.0) for _ in range(3000)], *PLATE, QUIET)
    ln_ratio = np.log([ind.length_mm / 20.0 for ind in found])
    assert abs(ln_ratio.mean()) < 0.02
    assert ln_ratio.std() == pytest.approx(0.2, rel=0.1)
    ind = found[0]
    assert ind.area_mm2 == pytest.approx(math.pi / 4 * ind.length_mm * ind.width_mm)


def test_false_calls_follow_a_poisson_rate_per_m2_inside_the_plate() -> None:
    rng = np.random.default_rng(3)
    s = UTSettings(false_calls_per_m2=0.03)
    counts = np.array([len(ut_scan(rng, [], *PLATE, s)) for _ in range(4000)])
    lam = 0.03 * 25.0  # 2.5 m x 10 m
    assert counts.mean() == pytest.approx(lam, rel=0.05)
    assert counts.var() == pytest.approx(lam, rel=0.1)  # Poisson: variance = mean
    calls = [i for _ in range(200) for i in ut_scan(rng, [], *PLATE, s)]
    assert all(i.true_defect_index == -1 and not i.confirmed for i in calls)
    assert all(0 <= i.x_mm <= PLATE[2] and 0 <= i.y_mm <= PLATE[1] for i in calls)


def test_manual_recheck_confirms_big_defects_and_dismisses_most_false_calls() -> None:
    rng = np.random.default_rng(4)
    defects = [_disc(30.0)]
    real = Indication(5000, 1000, 0.25, 30, 30, 700, true_defect_index=0)
    false = [Indication(10, 10, 0.5, 3, 3, 7, true_defect_index=-1) for _ in range(5000)]
    checked = manual_recheck(rng, [real, *false], defects, UTSettings())
    assert checked[0].confirmed and not real.confirmed  # copies, input untouched
    kept = sum(i.confirmed for i in checked[1:]) / 5000
    assert kept == pytest.approx(0.1, abs=0.015)


def test_manual_recheck_uses_the_coarser_manual_pod() -> None:
    rng = np.random.default_rng(5)
    s = UTSettings()
    defects = [_disc(s.manual_a50_mm)]
    inds = [Indication(0, 0, 0.2, 4, 4, 12.6, true_defect_index=0) for _ in range(4000)]
    rate = sum(i.confirmed for i in manual_recheck(rng, inds, defects, s)) / 4000
    assert rate == pytest.approx(0.5, abs=0.03)


def test_scan_time_counts_raster_tracks_along_the_length() -> None:
    s = UTSettings(scan_speed_m_per_s=0.75, track_width_mm=1200.0, handling_min=1.0)
    # 2.5 m wide -> 3 tracks of 12 m at 0.75 m/s = 48 s
    assert ut_time_min(2500.0, 12000.0, s) == pytest.approx(1.0 + 48.0 / 60.0)
    assert ut_time_min(1200.0, 12000.0, s) == pytest.approx(1.0 + 16.0 / 60.0)


def test_the_scalar_pod_is_the_same_probit_curve() -> None:
    """pod_one (plain floats, used per defect) agrees with the array pod to 1e-12."""
    sizes = [0.0, -1.0, 0.1, 1.0, 2.9, 3.0, 4.2, 5.0, 8.0, 40.0]
    for a50, a90 in [(3.0, 5.0), (4.0, 7.0), (0.5, 0.6)]:
        expected = pod(np.array(sizes), a50, a90)
        got = [pod_one(s, a50, a90) for s in sizes]
        assert np.allclose(got, expected, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError):
        pod_one(3.0, 5.0, 3.0)


def test_a_flatness_reading_is_never_negative_and_folds_the_gauge_noise() -> None:
    """A flatness deviation is a magnitude: a gauge reading near a flat plate (true 0.1 mm/m,
    noise sd 0.3 mm/m, where half the raw noise would cross zero) is never below zero, and
    its mean is the folded normal's (Leone et al. 1961), not the true value."""
    from mill.quality.detection import flatness_reading, folded_normal_mean

    rng = np.random.default_rng(3)
    reads = np.array([flatness_reading(rng, 0.1, 0.3) for _ in range(20_000)])
    assert reads.min() >= 0.0
    assert reads.mean() == pytest.approx(folded_normal_mean(0.1, 0.3), rel=0.02)
    assert folded_normal_mean(0.1, 0.3) > 0.2  # folding lifts the mean well above 0.1
    # far from zero the fold never acts: the reading is true + noise
    far = np.array([flatness_reading(rng, 5.0, 0.3) for _ in range(5_000)])
    assert far.mean() == pytest.approx(5.0, abs=0.02)
    assert folded_normal_mean(5.0, 0.3) == pytest.approx(5.0)
