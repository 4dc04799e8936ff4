"""The geometry of cut-out and re-size, by hand: which part of a plate is kept after a UT
reject (the longest clear length, 50 mm clear of each rejecting indication, at least 40 % of
the length) or a cut-edge crack (re-squared 30 mm inside every edge), and how the kept part
is re-identified and re-weighed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from disposition_support import defect, plate

from mill.model.rework import _keep_rect, _resize, rework_plate
from mill.quality.detection import Indication
from mill.quality.geometry import Rect

DENSITY_T_PER_MM3 = 7.85e-9


def _plate_with(indications: list[tuple[float, float]], length: float = 4000.0) -> Any:
    """A 2000 mm wide plate with confirmed indications at (x, length along the plate)."""
    p = plate()
    p.length_mm = length
    p.indications = [Indication(x, 1000.0, 0.25, ln, 5.0, 50.0, 0, True) for x, ln in indications]
    return p


@pytest.mark.parametrize(
    ("indications", "length", "kept"),
    [
        ([(1000.0, 100.0)], 4000.0, (1100.0, 4000.0)),  # 900..1100 bad: the long tail is kept
        ([(3000.0, 200.0)], 4000.0, (0.0, 2850.0)),  # 2850..3150 bad: the head is kept
        ([(2000.0, 100.0)], 4000.0, (0.0, 1900.0)),  # two equal parts: the first one
        ([(200.0, 100.0), (1400.0, 100.0)], 2800.0, (1500.0, 2800.0)),  # the longest of three
        ([(20.0, 100.0)], 4000.0, (120.0, 4000.0)),  # bad part clipped at the plate end
        ([(2750.0, 2200.0)], 4000.0, (0.0, 1600.0)),  # exactly 40 % left: still worth it
    ],
)
def test_a_ut_cut_out_keeps_the_longest_clear_length(
    indications: list[tuple[float, float]], length: float, kept: tuple[float, float]
) -> None:
    """Each indication spoils its length plus 50 mm either side; the longest clear stretch
    (the first of equal ones) is kept at full width."""
    rect = _keep_rect(None, _plate_with(indications, length), "ut_fail")
    assert rect == Rect(kept[0], 0.0, kept[1], 2000.0)


def test_a_ut_cut_out_leaving_under_40_pct_is_not_worth_it() -> None:
    """If the longest clear stretch is under 40 % of the length, nothing is kept."""
    assert _keep_rect(None, _plate_with([(2000.0, 1000.0)]), "ut_fail") is None  # 1450 < 1600
    assert _keep_rect(None, _plate_with([(2749.0, 2200.0)]), "ut_fail") is None  # 1599 mm


@pytest.mark.parametrize(
    ("w", "ln", "kept"),
    [
        (2000.0, 4000.0, Rect(30.0, 30.0, 3970.0, 1970.0)),
        (61.0, 4000.0, Rect(30.0, 30.0, 3970.0, 31.0)),
        (60.0, 4000.0, None),  # nothing left across the width
        (2000.0, 60.0, None),  # nothing left along the length
        (2000.0, 61.0, Rect(30.0, 30.0, 31.0, 1970.0)),
    ],
)
def test_a_cracked_edge_is_re_squared_30_mm_inside(w: float, ln: float, kept: Rect | None) -> None:
    """A cut-edge crack removes 30 mm from every edge; a plate without 60 mm to spare in
    either direction cannot be re-squared."""
    p = plate()
    p.width_mm, p.length_mm = w, ln
    assert _keep_rect(None, p, "cut_edge_crack") == kept


def test_re_sizing_renames_re_weighs_and_drops_what_was_cut_away() -> None:
    """The kept part gets the id + R1 (a second re-size R2, not R1R2), its own mass, only the
    defects inside it (in its own coordinates), no indications, and the ledger books the old
    id, the new id, the new mass and the removed defects."""
    booked: list[tuple[str, str, float, list[str]]] = []
    ledger = SimpleNamespace(
        resized=lambda p, old, new, mass, removed: booked.append(
            (old, new, mass, [d.defect_id for d in removed])
        )
    )
    plant = SimpleNamespace(ledger=ledger)
    inside, outside = (
        defect("surface_crack", x=3000.0, ident="in"),
        defect("surface_crack", x=500.0, ident="out"),
    )
    p = _plate_with([(1000.0, 100.0)])
    p.defects = [inside, outside]
    p.measured.det = {"in": ("visual", 1.0, True), "out": ("visual", 1.0, True)}
    _resize(plant, p, Rect(1100.0, 0.0, 4000.0, 2000.0))
    assert p.plate_id == "H000001-S01-M1-P1R1" and p.resizes == 1
    assert (p.width_mm, p.length_mm) == (2000.0, 2900.0)
    assert p.mass_t == pytest.approx(20.0 * 2000.0 * 2900.0 * DENSITY_T_PER_MM3)
    assert [d.defect_id for d in p.defects] == ["in"]
    assert p.defects[0].x_mm == pytest.approx(1900.0)
    assert set(p.measured.det) == {"in"} and p.indications == []
    assert booked == [("H000001-S01-M1-P1", "H000001-S01-M1-P1R1", p.mass_t, ["out"])]
    p.measured.det = {}  # a plate nothing was found on yet has no detections to filter
    _resize(plant, p, Rect(0.0, 0.0, 2000.0, 2000.0))
    assert p.measured.det == {}
    assert p.plate_id == "H000001-S01-M1-P1R2" and p.resizes == 2
    assert booked[-1][:2] == ("H000001-S01-M1-P1R1", "H000001-S01-M1-P1R2")


def _outcome(p: Any, action: str, condition: str) -> bool:
    """What ``rework_plate`` reports for an action that ends before any unit is visited."""
    plant = SimpleNamespace(units={})
    with pytest.raises(StopIteration) as stop:
        next(rework_plate(plant, p, action, condition))
    return bool(stop.value.value)


def test_a_cut_out_with_nothing_worth_keeping_is_reported_as_not_possible() -> None:
    """When no part is worth keeping (under 40 % clear after a UT reject, or no 60 mm to spare
    for re-squaring a cracked edge), the cut-out visits no unit and reports the rework as not
    possible (False): the disposition scraps the plate instead of judging it again."""
    assert _outcome(_plate_with([(2000.0, 1000.0)]), "cutout_resize", "ut_fail") is False
    narrow = plate()
    narrow.width_mm = 60.0
    assert _outcome(narrow, "cutout_resize", "cut_edge_crack") is False


def test_an_unknown_rework_action_is_refused() -> None:
    """An action the rework does not know is an error, not a silent pass."""
    with pytest.raises(ValueError, match="unknown rework action 'polish'"):
        _outcome(plate(), "polish", "ut_fail")
