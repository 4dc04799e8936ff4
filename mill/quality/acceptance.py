"""Acceptance of UT indications against EN 10160 classes and ASTM A578 levels.

Given the indications of one plate (measured areas, lengths, positions), return the best
class or level the plate meets; the simulation compares it with the order's requirement.

Sources (domain §5.1–5.2):
- EN 10160:1999 Table 3 (body, double-transducer probes, t ≤ 60 mm; may be used above 60 mm
  if sizing is not by 6 dB drop) and Table 5 (edges), as transcribed by dnaop.com and the
  Ruukki UT brochure. Body class: no single discontinuity above the class limit, and at most
  N discontinuities of the class's counted area band in the most populated 1 m x 1 m square.
  Edge class: no single discontinuity longer than Emax or larger than Smax, and at most N
  discontinuities of length ≥ Lmin per 1 m of edge length.
- ASTM A578/A578M Levels A, B, C (A ≡ first clause of B: a discontinuity that cannot be
  encompassed in a circle of max(75 mm, t/2) rejects; B adds the grouping rule; C uses a
  25 mm circle [MEMORY – verify]).

Simplifications (Assumption:): every indication passed in is recordable (A578's
back-reflection recording rules are not modelled); A578 indications are ellipses with axes
(length, width), so the smallest circle encompassing one has diameter max(length, width),
and the grouping rule is applied pair by pair (not to chains of three or more).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from mill.quality.geometry import edge_zone_width_mm

UT_MIN_THICKNESS_MM = 6.0
"""EN 10160 scope: plate of 6–200 mm; thinner plate is not UT-tested (Ruukki 2011: minimum
6 mm)."""

BODY_CLASSES: tuple[str, ...] = ("none", "S0", "S1", "S2", "S3")  # worst → best
EDGE_CLASSES: tuple[str, ...] = ("none", "E0", "E1", "E2", "E3", "E4")
A578_LEVELS: tuple[str, ...] = ("none", "A", "B", "C")

# EN 10160 Table 3: class, unacceptable single area > limit, counted band (lo, hi], max count.
_BODY_TABLE: tuple[tuple[str, float, float, float, int], ...] = (
    ("S3", 50.0, 20.0, 50.0, 10),
    ("S2", 100.0, 50.0, 100.0, 10),
    ("S1", 1000.0, 100.0, 1000.0, 15),
    ("S0", 5000.0, 1000.0, 5000.0, 20),
)
# EN 10160 Table 5: class, Emax (mm), Smax (mm²), Lmin (mm), max count per 1 m of edge.
_EDGE_TABLE: tuple[tuple[str, float, float, float, int], ...] = (
    ("E4", 20.0, 50.0, 10.0, 2),
    ("E3", 30.0, 100.0, 15.0, 3),
    ("E2", 40.0, 500.0, 20.0, 4),
    ("E1", 50.0, 1000.0, 25.0, 5),
    ("E0", 100.0, 2000.0, 50.0, 6),
)
SQUARE_MM = 1000.0


def body_rank(cls: str) -> int:
    """0 for "none", 1 for S0 … 4 for S3 (higher is better)."""
    return BODY_CLASSES.index(cls)


def edge_rank(cls: str) -> int:
    """0 for "none", 1 for E0 … 5 for E4 (higher is better)."""
    return EDGE_CLASSES.index(cls)


def max_count_in_square(xs: ArrayLike, ys: ArrayLike, side_mm: float = SQUARE_MM) -> int:
    """Most points inside any axis-aligned closed square of side ``side_mm``.

    Exact: an optimal square can be slid right and up until its left edge touches a point's
    x and its bottom edge a point's y, so only squares anchored at (x_i, y_j) need checking.
    count[i, j] = #{k : x_i ≤ x_k ≤ x_i + s and y_j ≤ y_k ≤ y_j + s} = (X @ Yᵀ)[i, j].
    """
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    if x.size == 0:
        return 0
    in_x = ((x[None, :] >= x[:, None]) & (x[None, :] <= x[:, None] + side_mm)).astype(np.int64)
    in_y = ((y[None, :] >= y[:, None]) & (y[None, :] <= y[:, None] + side_mm)).astype(np.int64)
    return int((in_x @ in_y.T).max())


def max_count_in_window(positions: ArrayLike, window_mm: float = SQUARE_MM) -> int:
    """Most points inside any closed interval of length ``window_mm`` (1-D sliding window)."""
    p = np.sort(np.asarray(positions, dtype=float))
    if p.size == 0:
        return 0
    ends = np.searchsorted(p, p + window_mm, side="right")
    return int((ends - np.arange(p.size)).max())


def en10160_body_class(
    areas_mm2: Sequence[float],
    xs_mm: Sequence[float],
    ys_mm: Sequence[float],
    plate_w_mm: float,
    plate_l_mm: float,
    thickness_mm: float,
) -> str:
    """Best EN 10160 body class ("S3" best … "S0") the indications meet, else "none".

    For each class: no area above the single-discontinuity limit (a limit is the largest
    acceptable area: 100 mm² meets S2, 100.1 does not) and at most N indications with area
    in the class's band (lo, hi] in the densest 1 m x 1 m square. A plate smaller than
    1 m x 1 m is counted as a whole (the sliding square then covers it). ``plate_w_mm``,
    ``plate_l_mm`` and ``thickness_mm`` are kept for the record; Table 3 is applied at every
    thickness (allowed above 60 mm when sizing is not by 6 dB drop).
    """
    a = np.asarray(areas_mm2, dtype=float)
    x = np.asarray(xs_mm, dtype=float)
    y = np.asarray(ys_mm, dtype=float)
    if not a.shape == x.shape == y.shape:
        raise ValueError("areas, xs and ys must have the same length")
    for cls, single, lo, hi, n_max in _BODY_TABLE:
        if a.size and a.max() > single:
            continue
        band = (a > lo) & (a <= hi)
        if max_count_in_square(x[band], y[band]) <= n_max:
            return cls
    return "none"


def en10160_edge_class(
    areas_mm2: Sequence[float],
    lengths_mm: Sequence[float],
    positions_mm: Sequence[float],
    edge_length_mm: float,
) -> str:
    """Best EN 10160 edge class ("E4" best … "E0") the edge-zone indications meet, else "none".

    For each class: every indication has length ≤ Emax and area ≤ Smax, and at most N
    indications of length ≥ Lmin lie in any 1 m of edge (positions measured along the edge;
    an edge shorter than 1 m is counted as a whole). [MEMORY – verify] whether Lmin is
    inclusive.
    """
    a = np.asarray(areas_mm2, dtype=float)
    ln = np.asarray(lengths_mm, dtype=float)
    pos = np.asarray(positions_mm, dtype=float)
    if not a.shape == ln.shape == pos.shape:
        raise ValueError("areas, lengths and positions must have the same length")
    for cls, e_max, s_max, l_min, n_max in _EDGE_TABLE:
        if a.size and (ln.max() > e_max or a.max() > s_max):
            continue
        if max_count_in_window(pos[ln >= l_min]) <= n_max:
            return cls
    return "none"


def meets_en10160(
    body_class: str,
    edge_class: str,
    required_body: str | None,
    required_edge: str | None = None,
) -> bool:
    """True if the plate's classes are at least as good as required (None/"" = no demand)."""
    ok_body = not required_body or body_rank(body_class) >= body_rank(required_body)
    ok_edge = not required_edge or edge_rank(edge_class) >= edge_rank(required_edge)
    return ok_body and ok_edge


def a578_circle_mm(level: str, thickness_mm: float) -> float:
    """Diameter of the acceptance circle: A/B max(75 mm, t/2); C 25 mm [MEMORY – verify]."""
    if level == "C":
        return 25.0
    if level in ("A", "B"):
        return max(75.0, thickness_mm / 2.0)
    raise ValueError(f"unknown A578 level {level!r}")


def _meets_a578(ext: np.ndarray, x: np.ndarray, y: np.ndarray, circle: float, group: bool) -> bool:
    if ext.size == 0:
        return True
    if ext.max() > circle:
        return False
    if not group or ext.size < 2:
        return True
    dist = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    half = (ext[:, None] + ext[None, :]) / 2.0
    gap = dist - half  # edge-to-edge distance of the encompassing circles
    larger = np.maximum(ext[:, None], ext[None, :])
    together = dist + half <= circle  # the pair fits in one acceptance circle
    bad = (gap < larger) & ~together
    np.fill_diagonal(bad, False)
    return not bool(bad.any())


def a578_level(
    indications: Sequence[tuple[float, float, float, float]], thickness_mm: float
) -> str:
    """Best ASTM A578 level met ("C" most stringent, then "B", "A"), else "none".

    ``indications`` are (length_mm, width_mm, x_mm, y_mm). Level A: each indication fits in
    the circle of max(75 mm, t/2). Level B: A plus grouping — two indications closer
    (edge to edge) than the greatest dimension of the larger must together fit in the
    circle. Level C: the B rules with a 25 mm circle [MEMORY – verify].
    """
    arr = np.asarray(indications, dtype=float).reshape(-1, 4)
    ext = np.maximum(arr[:, 0], arr[:, 1])
    x, y = arr[:, 2], arr[:, 3]
    for level, group in (("C", True), ("B", True), ("A", False)):
        if _meets_a578(ext, x, y, a578_circle_mm(level, thickness_mm), group):
            return level
    return "none"


# ---- a plate's indications against the ordered class -----------------------------------------
def ut_zone(x: float, y: float, t: float, w: float, length: float) -> str:
    """EN 10160 zone of a point: edge within the edge-zone width of any edge, else body."""
    e = edge_zone_width_mm(t)
    return "edge" if min(x, y, length - x, w - y) < e else "body"


def perimeter_position(x: float, y: float, w: float, length: float) -> float:
    """Position along the perimeter of the nearest edge point (for the per-metre count)."""
    d = {"bottom": y, "right": length - x, "top": w - y, "left": x}
    side = min(d, key=d.__getitem__)
    if side == "bottom":
        return x
    if side == "right":
        return length + y
    if side == "top":
        return length + w + (length - x)
    return 2 * length + w + (w - y)


def ut_classes(indications: list, t: float, w: float, length: float) -> tuple[str, str, str]:
    """(EN 10160 body class, edge class, ASTM A578 level) the indications meet."""
    if not indications:
        return "S3", "E4", "C"
    zones = [ut_zone(i.x_mm, i.y_mm, t, w, length) for i in indications]
    body = [i for i, z in zip(indications, zones, strict=True) if z == "body"]
    edge = [i for i, z in zip(indications, zones, strict=True) if z == "edge"]
    body_cls = en10160_body_class(
        [i.area_mm2 for i in body], [i.x_mm for i in body], [i.y_mm for i in body], w, length, t
    )
    edge_cls = en10160_edge_class(
        [i.area_mm2 for i in edge],
        [i.length_mm for i in edge],
        [perimeter_position(i.x_mm, i.y_mm, w, length) for i in edge],
        2 * (w + length),
    )
    level = a578_level([(i.length_mm, i.width_mm, i.x_mm, i.y_mm) for i in indications], t)
    return body_cls, edge_cls, level


def meets_ut(ordered: str, body: str, edge: str, level: str) -> bool:
    """Does a plate with these classes meet the ordered UT class (EN 10160 "S2E2" or ASTM
    A578 "A578B"; "none" when no UT class was ordered)?"""
    if ordered == "none":
        return True
    if ordered.startswith("A578"):
        rank = {"none": 0, "A": 1, "B": 2, "C": 3}
        return rank[level] >= rank[ordered[-1]]
    return meets_en10160(body, edge, ordered[:2], ordered[2:])


SURFACE = ("rolled_in_scale", "surface_crack", "quench_crack")
"""Defect mechanisms found on the surface by visual/MT inspection."""


def is_surface_defect(mechanism: str, area_mm2: float, scale_max_mm2: float) -> bool:
    """A surface finding that needs action: any crack, or rolled-in scale beyond an
    imperfection (EN 10163-2's imperfection/defect distinction, with the scenario's limit)."""
    if mechanism == "rolled_in_scale":
        return area_mm2 > scale_max_mm2
    return mechanism in SURFACE
