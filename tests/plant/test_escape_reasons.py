"""Why an escape got through (``mill.model.escapes``), judged by hand on single NM450 plates
of 20 mm (window 420–480 HBW): each reason is the one the plate's own inspection history
gives, and nothing else."""

from __future__ import annotations

import math

from disposition_support import defect, plate, stand_in_plant

from mill.model.escapes import REASONS, escape_reasons, miss_reason, nonconformities
from mill.scenario import Scenario


def test_a_hardness_escape_carried_by_its_lots_result_is_lot_tested_only() -> None:
    """Truly 490 HBW, measured 450 on another plate of its lot: the lot's result stood for it."""
    p = plate()
    p.truth.hbw_surface = 490.0
    p.measured.hbw_ref = "H000001-S01-M1-P2"
    assert escape_reasons(stand_in_plant(), p) == [("hardness_surface", "lot_tested_only")]


def test_a_hardness_escape_read_on_the_plate_itself_is_a_measurement_error() -> None:
    """The plate's own test read inside the window although its truth is outside."""
    p = plate()
    p.truth.hbw_surface = 490.0
    p.measured.hbw_ref = p.plate_id
    assert escape_reasons(stand_in_plant(), p) == [("hardness_surface", "measurement_error")]


def test_a_portable_reading_makes_a_hardness_escape_a_measurement_error() -> None:
    """Lot-tested, but its own portable reading fell inside the window too."""
    p = plate()
    p.truth.hbw_surface = 490.0
    p.measured.hbw_ref = "H000001-S01-M1-P2"
    p.measured.hbw_inline = 470.0
    assert escape_reasons(stand_in_plant(), p) == [("hardness_surface", "measurement_error")]


def test_centre_hardness_on_a_plate_too_thin_for_the_centre_test_was_not_inspected() -> None:
    """Centre tests start at 40 mm (the scenario's default); a 20 mm plate never has one."""
    p = plate()
    p.truth.hbw_centre = 300.0
    assert escape_reasons(stand_in_plant(), p) == [("hardness_centre", "not_inspected_by_method")]


def test_a_missed_surface_crack_was_missed_by_pod() -> None:
    """Visual inspection looked for it (every plate has it) and did not find it."""
    p = plate(defects=[defect("surface_crack", ident="C1")])
    assert escape_reasons(stand_in_plant(), p) == [("surface_crack", "missed_by_pod")]


def test_a_found_defect_released_by_the_rule_was_accepted_by_rule() -> None:
    p = plate(defects=[defect("surface_crack", ident="C1")], seen=["C1"])
    assert escape_reasons(stand_in_plant(), p) == [("surface_crack", "accepted_by_rule")]


def test_an_edge_crack_seen_before_48_hours_without_mt_appeared_after_inspection() -> None:
    """Without MT the visual inspection before 48 h stands for the cracks not yet visible."""
    p = plate(defects=[defect("cut_edge_crack", ident="E1")])
    p.measured.final_age_h = 30.0
    assert miss_reason(stand_in_plant(), p, p.defects[0]) == "appeared_after_inspection"
    p.measured.final_age_h = 50.0
    assert miss_reason(stand_in_plant(), p, p.defects[0]) == "missed_by_pod"


def test_an_edge_crack_that_became_visible_after_mt_appeared_after_inspection() -> None:
    """MT at 48 h; the crack became visible at 60 h: it was not there to find. One visible
    at 20 h was there, so MT missed it."""
    p = plate(defects=[defect("cut_edge_crack", ident="E1")])
    p.measured.mt_age_h = 48.0
    p.measured.final_age_h = 49.0
    p.measured.visible_h["E1"] = 60.0
    assert miss_reason(stand_in_plant(), p, p.defects[0]) == "appeared_after_inspection"
    p.measured.visible_h["E1"] = 20.0
    assert miss_reason(stand_in_plant(), p, p.defects[0]) == "missed_by_pod"


def test_a_flatness_defect_read_within_tolerance_is_a_measurement_error() -> None:
    """The gauge read 2.9 mm/m (tolerance 3) on a truly unflat plate; unread, not inspected."""
    p = plate(defects=[defect("flatness", ident="F1")], flatness=2.9)
    assert escape_reasons(stand_in_plant(), p) == [("flatness", "measurement_error")]
    p.measured.flatness = math.nan
    assert escape_reasons(stand_in_plant(), p) == [("flatness", "not_inspected_by_method")]


def test_a_ut_class_escape_with_every_defect_found_was_sized_below_the_limit() -> None:
    """A 201 mm² inclusion fails S2 (100 mm²); found (at its true area here) it can only have
    passed by its measured size; unfound, the scan missed it."""
    big = defect("inclusion_cluster", 16.0, 16.0, ident="I1")
    found = plate(defects=[big], seen=["I1"])
    assert escape_reasons(stand_in_plant(), found) == [("ut_class", "below_recording_level")]
    missed = plate(defects=[big])
    assert escape_reasons(stand_in_plant(), missed) == [("ut_class", "missed_by_pod")]
    thin = plate(defects=[big], thickness=5.0)
    thin.measured.ut_pass = None
    assert miss_reason(stand_in_plant(), thin, big) == "not_inspected_by_method"


def test_every_nonconformity_gets_one_known_reason_in_the_truths_order() -> None:
    """A plate wrong in three ways lists all three, in ``nonconformities``' order."""
    p = plate(defects=[defect("surface_crack", ident="C1"), defect("quench_crack", ident="Q1")])
    p.truth.kv_true = 10.0
    p.measured.kv_ref = "other plate"
    sc = Scenario()
    pairs = escape_reasons(stand_in_plant(sc), p)
    assert [w for w, _ in pairs] == [w for w, _ in nonconformities(stand_in_plant(sc), p)]
    assert pairs == [
        ("charpy", "lot_tested_only"),
        ("surface_crack", "missed_by_pod"),
        ("quench_crack", "missed_by_pod"),
    ]
    assert all(why in REASONS for _, why in pairs)
