"""EN 10160 body/edge classes and ASTM A578 levels, at and just past each limit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mill.quality.acceptance import (
    a578_circle_mm,
    a578_level,
    body_rank,
    edge_rank,
    en10160_body_class,
    en10160_edge_class,
    max_count_in_square,
    max_count_in_window,
    meets_en10160,
)

W, L, T = 2500.0, 10000.0, 30.0


def body(areas: list[float], xs: list[float] | None = None, ys: list[float] | None = None) -> str:
    n = len(areas)
    xs = xs if xs is not None else [1000.0 + 10.0 * i for i in range(n)]
    ys = ys if ys is not None else [1000.0] * n
    return en10160_body_class(areas, xs, ys, W, L, T)


def test_a_clean_plate_is_s3() -> None:
    assert body([]) == "S3"


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        (50.0, "S3"),
        (50.1, "S2"),
        (100.0, "S2"),
        (100.1, "S1"),
        (1000.0, "S1"),
        (1000.1, "S0"),
        (5000.0, "S0"),
        (5000.1, "none"),
    ],
)
def test_single_discontinuity_limits(area: float, expected: str) -> None:
    assert body([area]) == expected


@pytest.mark.parametrize(
    ("area", "n_ok", "cls", "next_cls"),
    [(30.0, 10, "S3", "S2"), (60.0, 10, "S2", "S1"), (500.0, 15, "S1", "S0")],
)
def test_cluster_count_in_one_square_metre(area: float, n_ok: int, cls: str, next_cls: str) -> None:
    assert body([area] * n_ok) == cls
    assert body([area] * (n_ok + 1)) == next_cls


def test_s0_allows_twenty_large_discontinuities_per_square_metre_but_not_21() -> None:
    assert body([2000.0] * 20) == "S0"
    assert body([2000.0] * 21) == "none"


def test_indications_below_the_counted_band_do_not_count() -> None:
    assert body([20.0] * 50) == "S3"  # S3 counts only 20 < S ≤ 50


def test_eleven_indications_spread_over_more_than_one_square_metre_still_meet_s2() -> None:
    xs = [500.0] * 6 + [2000.0] * 5  # 1.5 m apart: no 1 m square holds more than 6
    ys = [500.0 + 100 * i for i in range(6)] + [500.0 + 100 * i for i in range(5)]
    assert body([60.0] * 11, xs, ys) == "S2"
    xs_close = [500.0] * 6 + [1500.0] * 5  # exactly 1 m apart: one closed square holds all 11
    assert body([60.0] * 11, xs_close, ys) == "S1"


def test_densest_square_is_found_even_when_not_anchored_at_the_first_point() -> None:
    xs = [0.0, 1800.0, 1900.0, 2000.0, 2700.0]
    ys = [0.0, 500.0, 100.0, 900.0, 300.0]
    assert max_count_in_square(xs, ys) == 4
    assert max_count_in_square([], []) == 0


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(st.tuples(st.floats(0, 3000), st.floats(0, 3000)), min_size=1, max_size=25))
def test_densest_square_matches_a_brute_force_grid_search(pts: list[tuple[float, float]]) -> None:
    x = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    best = max_count_in_square(x, y)
    brute = 0
    for x0 in np.append(x, np.linspace(-1000, 3000, 21)):
        for y0 in np.append(y, np.linspace(-1000, 3000, 21)):
            inside = (x >= x0) & (x <= x0 + 1000) & (y >= y0) & (y <= y0 + 1000)
            brute = max(brute, int(inside.sum()))
    assert best == brute


def edge(areas: list[float], lengths: list[float], pos: list[float] | None = None) -> str:
    pos = pos if pos is not None else [100.0 * i for i in range(len(areas))]
    return en10160_edge_class(areas, lengths, pos, 10000.0)


@pytest.mark.parametrize(
    ("length", "area", "expected"),
    [
        (20.0, 50.0, "E4"),
        (20.1, 50.0, "E3"),
        (20.0, 50.1, "E3"),
        (30.0, 100.0, "E3"),
        (40.0, 500.0, "E2"),
        (50.0, 1000.0, "E1"),
        (100.0, 2000.0, "E0"),
        (100.1, 2000.0, "none"),
    ],
)
def test_edge_single_discontinuity_limits(length: float, area: float, expected: str) -> None:
    assert edge([area], [length]) == expected


@pytest.mark.parametrize(
    ("length", "n_ok", "cls", "next_cls"),
    [(10.0, 2, "E4", "E3"), (15.0, 3, "E3", "E2"), (25.0, 5, "E1", "E0")],
)
def test_edge_count_per_metre(length: float, n_ok: int, cls: str, next_cls: str) -> None:
    assert edge([10.0] * n_ok, [length] * n_ok) == cls
    assert edge([10.0] * (n_ok + 1), [length] * (n_ok + 1)) == next_cls


def test_edge_indications_shorter_than_lmin_are_not_counted() -> None:
    assert edge([10.0] * 10, [9.9] * 10) == "E4"


def test_edge_count_uses_a_sliding_one_metre_window() -> None:
    assert max_count_in_window([0, 600, 900, 1700, 1900]) == 3  # [0, 1000] or [900, 1900]
    assert edge([10.0] * 3, [10.0] * 3, [0.0, 1500.0, 3000.0]) == "E4"
    assert edge([10.0] * 3, [10.0] * 3, [0.0, 500.0, 1000.0]) == "E3"


def test_meets_en10160_compares_class_ranks() -> None:
    assert body_rank("S3") > body_rank("S0") > body_rank("none")
    assert edge_rank("E4") > edge_rank("E0") > edge_rank("none")
    assert meets_en10160("S3", "E2", "S2", "E2")
    assert not meets_en10160("S1", "E4", "S2", "E2")
    assert not meets_en10160("S3", "E1", "S2", "E2")
    assert meets_en10160("S0", "none", None, None)
    assert meets_en10160("S2", "none", "S2")


def test_a578_circle_is_75_mm_or_half_thickness_whichever_is_greater() -> None:
    assert a578_circle_mm("A", 100.0) == 75.0
    assert a578_circle_mm("B", 200.0) == 100.0
    assert a578_circle_mm("C", 200.0) == 25.0


@pytest.mark.parametrize(
    ("length", "t", "expected"),
    [(25.0, 30.0, "C"), (25.1, 30.0, "B"), (75.0, 30.0, "B"), (75.1, 30.0, "none"),
     (100.0, 200.0, "B"), (100.1, 200.0, "none")],
)  # fmt: skip
def test_a578_single_indication_circle_limits(length: float, t: float, expected: str) -> None:
    assert a578_level([(length, 5.0, 1000.0, 1000.0)], t) == expected


def test_a578_level_b_grouping_rule() -> None:
    far = [(20.0, 10.0, 0.0, 0.0), (20.0, 10.0, 100.0, 0.0)]  # gap 80 ≥ 20: separate
    assert a578_level(far, 30.0) == "C"
    near_fits = [(20.0, 10.0, 0.0, 0.0), (20.0, 10.0, 30.0, 0.0)]  # gap 10 < 20, span 50 ≤ 75
    assert a578_level(near_fits, 30.0) == "B"
    near_too_big = [(40.0, 10.0, 0.0, 0.0), (40.0, 10.0, 60.0, 0.0)]  # gap 20 < 40, span 100
    assert a578_level(near_too_big, 30.0) == "A"
    assert a578_level([], 30.0) == "C"
