"""The ground truth a plate is judged against, and why an escape got through.

``nonconformities`` lists, lazily and in a fixed order, each way the plate truly fails its
order (what makes a prime release an escape). For an escape, ``escape_reasons`` says why
each one got through the inspection the plate had; ``miss_reason`` says it for any true
defect no inspection found. The reasons:

- ``missed_by_pod``: a method that looks for this defect inspected the plate and missed it
  (its POD draw, or the manual re-check dismissed it);
- ``below_recording_level``: found, but sized below the acceptance limit (UT sizing error);
- ``not_inspected_by_method``: no method the plate went through looks for it (a plate under
  6 mm has no UT; a thin plate has no centre hardness test);
- ``lot_tested_only``: a test result of another plate of its lot stood for it;
- ``measurement_error``: the plate itself was measured, and the reading fell inside the limit;
- ``appeared_after_inspection``: a delayed cut-edge crack not yet visible when inspected
  (magnetic-particle testing before it appeared; or, without MT, the visual inspection
  before 48 h, whose lower POD stands for the cracks not yet visible: SSAB TechSupport #16);
- ``accepted_by_rule``: found, and the scenario's disposition rule released it.
"""

from __future__ import annotations

from collections.abc import Iterator

from mill.model.entities import Plate
from mill.model.plant import Plant
from mill.quality import disposition as rules_of
from mill.quality.acceptance import UT_MIN_THICKNESS_MM
from mill.quality.defects import Defect, is_internal
from mill.quality.detection import EDGE_CRACK_VISIBLE_H
from mill.quality.disposition import NONCONFORMITIES, Limits, TrueState

__all__ = ["NONCONFORMITIES", "REASONS", "escape_reasons", "miss_reason", "nonconformities"]

REASONS: tuple[str, ...] = (
    "missed_by_pod",
    "below_recording_level",
    "not_inspected_by_method",
    "lot_tested_only",
    "measurement_error",
    "appeared_after_inspection",
    "accepted_by_rule",
)


def plate_limits(plant: Plant, plate: Plate) -> Limits:
    """The acceptance limits the plate is judged by (its grade at its thickness)."""
    return rules_of.limits(plant.sc, plate.order.grade, plate.thickness_mm)


def true_state(plate: Plate) -> TrueState:
    """What the plate really is, as far as its order is concerned."""
    p = plate.truth
    return TrueState(
        p.hbw_surface,
        p.hbw_centre,
        p.kv_true,
        plate.order.ut_class,
        plate.thickness_mm,
        plate.width_mm,
        plate.length_mm,
        plate.defects,
    )


def nonconformities(plant: Plant, plate: Plate) -> Iterator[tuple[str, Defect | None]]:
    """Each way the live plate truly fails its order (``mill.quality.disposition``)."""
    # the live plate's defects are Defects
    yield from rules_of.nonconformities(true_state(plate), plate_limits(plant, plate))  # type: ignore[misc]


def _found(plate: Plate, d: Defect) -> bool:
    hit = plate.measured.det.get(d.defect_id)
    return bool(hit and hit[2])


def miss_reason(plant: Plant, plate: Plate, d: Defect) -> str:
    """Why no inspection found this true defect on the plate (empty if one did)."""
    m = plate.measured
    if d.mechanism == "flatness":  # judged on the last reading (re-levelling re-measures)
        if m.flatness != m.flatness:
            return "not_inspected_by_method"
        tol = plant.sc.quality.testing.flatness_tolerance_mm_per_m
        return "measurement_error" if m.flatness <= tol else ""
    if _found(plate, d):
        return ""
    if d.mechanism == "cut_edge_crack":
        if m.mt_age_h == m.mt_age_h:  # magnetic-particle tested: was it visible then?
            if m.visible_h.get(d.defect_id, 0.0) > m.mt_age_h:
                return "appeared_after_inspection"
            return "missed_by_pod"
        if m.final_age_h < EDGE_CRACK_VISIBLE_H:
            return "appeared_after_inspection"
        return "missed_by_pod"
    if is_internal(d.mechanism) and (m.ut_pass is None or plate.thickness_mm < UT_MIN_THICKNESS_MM):
        return "not_inspected_by_method"
    return "missed_by_pod"


def _test_reason(plate: Plate, ref: str, own_reading: bool = False) -> str:
    """Why a test let a truly failing plate through: its lot's result, or its own reading."""
    if ref == plate.plate_id or own_reading:
        return "measurement_error"
    return "lot_tested_only"


def escape_reasons(plant: Plant, plate: Plate) -> list[tuple[str, str]]:
    """For a plate released prime although truly nonconforming: (nonconformity, reason)."""
    m = plate.measured
    t = plant.sc.quality.testing
    out: list[tuple[str, str]] = []
    for what, d in nonconformities(plant, plate):
        if d is not None:
            reason = miss_reason(plant, plate, d) or "accepted_by_rule"
        elif what == "hardness_surface":
            reason = _test_reason(plate, m.hbw_ref, own_reading=m.hbw_inline == m.hbw_inline)
        elif what == "hardness_centre":
            if plate.thickness_mm < t.centre_test_min_thickness_mm:
                reason = "not_inspected_by_method"
            else:
                reason = _test_reason(plate, m.hbw_ref)
        elif what == "charpy":
            reason = _test_reason(plate, m.kv_ref)
        else:  # the UT class: a defect missed or dismissed, else one sized too small
            internal = [x for x in plate.defects if is_internal(x.mechanism)]
            reason = (
                "missed_by_pod"
                if any(not _found(plate, x) for x in internal)
                else "below_recording_level"
            )
        pair = (what, reason)
        if pair not in out:
            out.append(pair)
    return out
