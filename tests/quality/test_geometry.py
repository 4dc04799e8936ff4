"""Cutting layouts, defect-to-piece assignment and EN 10160 edge zones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mill.quality.defects import Defect
from mill.quality.geometry import (
    Rect,
    assign_to_pieces,
    cut_plan,
    edge_zone_width_mm,
    in_edge_zone,
    scrap_area_mm2,
    to_piece_coordinates,
    union_area,
)


def _at(x: float, y: float) -> Defect:
    return Defect("inclusion_cluster", "steelmaking", "mns_stringer", x, y, 0.25, 5, 2, "stringer")


def test_rect_dimensions() -> None:
    r = Rect(100, 50, 2100, 1050)
    assert (r.length, r.width, r.area) == (2000, 1000, 2_000_000)


def test_defects_in_pieces_get_the_piece_index_and_others_scrap() -> None:
    pieces = [Rect(0, 0, 1000, 1000), Rect(1000, 0, 2000, 1000)]
    defects = [_at(500, 500), _at(1500, 10), _at(2500, 500), _at(1000, 500), _at(500, 1000)]
    assert assign_to_pieces(defects, pieces) == [0, 1, -1, 1, -1]  # shared edge → the right one
    assert assign_to_pieces([], pieces) == []
    assert assign_to_pieces(defects[:1], []) == [-1]


def test_piece_coordinates_are_relative_to_the_piece_origin() -> None:
    d = to_piece_coordinates(_at(1500, 700), Rect(1000, 200, 2000, 1200))
    assert (d.x_mm, d.y_mm) == (500, 500)


@pytest.mark.parametrize(("t", "ez"), [(6, 50), (50, 50), (50.1, 75), (100, 75), (120, 100)])
def test_edge_zone_width_follows_en10160(t: float, ez: float) -> None:
    assert edge_zone_width_mm(t) == ez


def test_in_edge_zone_looks_at_all_four_edges() -> None:
    t, w, length = 30.0, 2000.0, 8000.0
    assert in_edge_zone(_at(4000, 49), t, w, length)
    assert in_edge_zone(_at(7960, 1000), t, w, length)
    assert not in_edge_zone(_at(4000, 1000), t, w, length)
    assert not in_edge_zone(_at(50, 1000), t, w, length)


def test_cut_plan_places_pieces_along_the_length_after_crop_and_trim() -> None:
    plan = cut_plan(2500, 12000, [(2000, 4000), (2000, 4000)], trim_mm=50, crop_mm=500, kerf_mm=5)
    assert plan == [Rect(500, 50, 4500, 2050), Rect(4505, 50, 8505, 2050)]


def test_cut_plan_puts_narrow_pieces_side_by_side() -> None:
    plan = cut_plan(2500, 7000, [(1000, 3000), (1000, 2000), (1000, 3000)], 50, 300, 5)
    assert plan is not None
    assert plan[1] == Rect(300, 1055, 2300, 2055)  # beside the first piece
    assert plan[2].x0 == 3305


def test_cut_plan_returns_none_when_pieces_do_not_fit() -> None:
    assert cut_plan(2500, 8000, [(2000, 4000), (2000, 4000)], 50, 500, 5) is None
    assert cut_plan(2500, 8000, [(2450, 1000)], 50, 500, 5) is None  # too wide after trim


pieces_st = st.lists(st.tuples(st.floats(200, 3000), st.floats(500, 8000)), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None, database=None)
@given(
    w=st.floats(1500, 4000),
    length=st.floats(4000, 30000),
    pieces=pieces_st,
    trim=st.floats(0, 60),
    crop=st.floats(0, 1000),
    kerf=st.floats(0, 5),
)
def test_cut_plan_pieces_never_overlap_and_stay_inside_the_trimmed_plate(
    w: float,
    length: float,
    pieces: list[tuple[float, float]],
    trim: float,
    crop: float,
    kerf: float,
) -> None:
    plan = cut_plan(w, length, pieces, trim, crop, kerf)
    if plan is None:
        return
    sizes = [v for r in plan for v in (r.width, r.length)]
    assert sizes == pytest.approx([v for p in pieces for v in p])
    eps = 1e-6
    for i, r in enumerate(plan):
        assert r.x0 >= crop - eps and r.x1 <= length - crop + eps
        assert r.y0 >= trim - eps and r.y1 <= w - trim + eps
        assert not any(r.overlaps(o) for o in plan[i + 1 :])
    # mass (area x thickness at constant t) is conserved: pieces + scrap == mother plate
    union = union_area(plan)
    assert union == pytest.approx(sum(r.area for r in plan), rel=1e-9)
    scrap = scrap_area_mm2(w, length, plan)
    assert sum(r.area for r in plan) + scrap == pytest.approx(w * length, rel=1e-9)
    assert scrap >= w * length - (w - 2 * trim) * (length - 2 * crop) - 1e-3


@settings(max_examples=200, deadline=None, database=None)
@given(
    pieces=pieces_st,
    points=st.lists(st.tuples(st.floats(0, 20000), st.floats(0, 3000)), max_size=30),
)
def test_each_defect_lands_in_exactly_one_piece_or_in_scrap(
    pieces: list[tuple[float, float]], points: list[tuple[float, float]]
) -> None:
    plan = cut_plan(3000, 20000, pieces, 30, 300, 0.0)  # zero kerf: pieces touch
    if plan is None:
        return
    defects = [_at(x, y) for x, y in points]
    for d, idx in zip(defects, assign_to_pieces(defects, plan), strict=True):
        holders = [i for i, r in enumerate(plan) if r.contains(d.x_mm, d.y_mm)]
        assert holders == ([idx] if idx >= 0 else [])
