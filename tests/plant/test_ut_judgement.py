"""How the plant turns confirmed UT indications into EN 10160 classes, by hand: the edge
zone of the plate, positions along the perimeter for the per-metre edge count, and the
classes a set of indications meets (a 2000 × 4000 mm plate of 20 mm: 50 mm edge zone)."""

from __future__ import annotations

import pytest

from mill.quality.acceptance import perimeter_position, ut_classes, ut_zone
from mill.quality.detection import Indication

W, L = 2000.0, 4000.0


@pytest.mark.parametrize(
    ("x", "y", "along"),
    [
        (1000.0, 10.0, 1000.0),  # bottom edge, walked from the origin along the length
        (3990.0, 1000.0, 5000.0),  # right edge: the length, then up
        (1000.0, 1990.0, 9000.0),  # top edge: back along the length
        (10.0, 1500.0, 10500.0),  # left edge: back down to the origin
    ],
)
def test_perimeter_position_walks_round_the_plate(x: float, y: float, along: float) -> None:
    """A point near an edge sits at its distance along the perimeter from the origin,
    walking bottom → right → top → left."""
    assert perimeter_position(x, y, W, L) == pytest.approx(along)


@pytest.mark.parametrize(
    ("x", "y", "t", "zone"),
    [
        (2000.0, 1000.0, 20.0, "body"),
        (49.9, 1000.0, 20.0, "edge"),  # 50 mm edge zone up to 50 mm plate
        (50.0, 1000.0, 20.0, "body"),
        (2000.0, 1950.1, 20.0, "edge"),
        (3950.1, 1000.0, 20.0, "edge"),
        (2000.0, 60.0, 60.0, "edge"),  # 75 mm over 50 mm
        (2000.0, 75.0, 60.0, "body"),
    ],
)
def test_ut_zone_is_the_en10160_edge_zone(x: float, y: float, t: float, zone: str) -> None:
    """Within the edge-zone width of any edge is the edge zone, the rest is body."""
    assert ut_zone(x, y, t, W, L) == zone


def _ind(x: float, y: float, length: float, width: float) -> Indication:
    area = 3.141592653589793 / 4.0 * length * width
    return Indication(x, y, 0.25, length, width, area, 0, True)


def test_no_indication_meets_the_best_classes() -> None:
    """Nothing confirmed: S3, E4 and A578 level C."""
    assert ut_classes([], 20.0, W, L) == ("S3", "E4", "C")


def test_a_body_indication_sets_the_body_class_only() -> None:
    """One 201 mm² indication in the body: past S2's 100 mm² single limit, so S1; the edge
    stays E4."""
    body, edge, _ = ut_classes([_ind(2000.0, 1000.0, 16.0, 16.0)], 20.0, W, L)
    assert (body, edge) == ("S1", "E4")


def test_an_edge_indication_sets_the_edge_class_only() -> None:
    """One 45 mm long indication in the edge zone: past E2's 40 mm, within E1's 50 mm; the
    body stays S3."""
    body, edge, _ = ut_classes([_ind(2000.0, 20.0, 45.0, 2.0)], 20.0, W, L)
    assert (body, edge) == ("S3", "E1")


def test_edge_indications_are_counted_per_metre_of_perimeter() -> None:
    """Three 16 mm edge indications within one metre of the perimeter break E4 (at most two
    of ≥ 10 mm per metre) and meet E3; the same three spread along different edges, metres
    apart on the perimeter, meet E4."""
    close = [_ind(x, 10.0, 16.0, 2.0) for x in (1000.0, 1300.0, 1600.0)]
    assert ut_classes(close, 20.0, W, L)[1] == "E3"
    apart = [_ind(1000.0, 10.0, 16.0, 2.0), _ind(3990.0, 1000.0, 16.0, 2.0),
             _ind(1000.0, 1990.0, 16.0, 2.0)]  # fmt: skip
    assert ut_classes(apart, 20.0, W, L)[1] == "E4"
