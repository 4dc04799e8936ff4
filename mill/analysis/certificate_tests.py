"""The hardness and Charpy results a 3.1 certificate states, judged against the grade the plate
was released as.

A downgraded plate is certified as its released grade (``grade_released``), so every
requirement printed beside a result is that grade's: the surface hardness window for the
plate's thickness and the centre minimum (GB/T 24186 Table 4, ``[grades.NAME]`` of the run's
scenario), the Charpy temperature, required mean and single-value minimum. The limits the lab
wrote into tests.csv are the ordered grade's and are not used.

A result is judged only where the test made covers the requirement. A Charpy set tested at a
warmer temperature than the released grade requires (an NM500 plate tested at −20 °C released
as NM450, which requires −40 °C), or on another specimen size than the plate's own thickness
gives, does not verify the requirement: the certificate then states the test as made and that
the requirement was not tested (EN 10204:2004 3.1 states results of specific inspection, so an
untested requirement cannot be certified). A colder test than required is taken as covering it
(absorbed energy falls with temperature; assumption of common acceptance practice).

The Charpy verdict applies the lab's rule (``mill.model.lab``): the mean of the set at least
the required average, at most one value below it and none below ``charpy_single_min_frac``
(0.70, EN 10025) of it; after a retest set, the six by the retest rule
(``mill.quality.toughness.charpy_conforms``). A failed verdict names the rule that failed, with
its numbers (``charpy_failures``), in ``failed_rules``.

GB/T 24186's impact requirement applies to plate up to 80 mm (``IMPACT_MAX_THICKNESS_MM``):
a thicker plate's Charpy values are stated for information, with no verdict
(``requirement_applies`` false), and the grade's requirement for plate up to 80 mm beside them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from mill.analysis.load import Run
from mill.analysis.specification import (
    IMPACT_MAX_THICKNESS_MM,
    SINGLE_VALUE_FRACTION,
    charpy_specimen,
    table3_quality,
)
from mill.quality.toughness import charpy_conforms, charpy_failures

__all__ = ["charpy_result", "clean", "hardness_result", "tests_of"]


def clean(value: Any) -> Any:
    """JSON-safe scalar: NaN/NA → None, numpy → Python, timestamps → ISO."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def tests_of(run: Run, entity: str, kind: str) -> pd.DataFrame:
    """The tests.csv rows of one kind made on ``entity``, in time order."""
    t = run.tests
    return t[(t["entity_id"] == entity) & (t["kind"].astype("str") == kind)].sort_values("time_min")


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The tests as made (the lab's pass/fail, against the ordered grade, is left out)."""
    cols = ["test_id", "lot_id", "value", "retest"]
    return [{c: clean(r[c]) for c in cols} for _, r in frame.iterrows()]


def hardness_result(run: Run, plate: pd.Series, spec: dict[str, Any]) -> dict[str, Any]:
    """Surface (and centre) hardness of the plate's test, with the released grade's window for
    the plate's thickness and its centre minimum, and whether the value meets them."""
    test_plate = plate["hardness_test_plate"]
    source = str(test_plate) if isinstance(test_plate, str) else str(plate["plate_id"])
    surf = _lot_with(tests_of(run, source, "hardness_surface"), plate["hardness_meas_hbw"])
    core = _lot_with(tests_of(run, source, "hardness_centre"), plate["hardness_centre_meas_hbw"])
    thick = float(plate["thickness_mm"]) > float(spec.get("thick_above_mm", math.inf))
    low, high = spec.get("surface_hbw_thick" if thick else "surface_hbw") or [None, None]
    value = clean(plate["hardness_meas_hbw"])
    out: dict[str, Any] = {
        "method": "Brinell HBW 10/3000, ISO 6506-1",
        "test_plate": source,
        "lot_id": clean(surf["lot_id"].iloc[-1]) if not surf.empty else None,
        "surface": {
            "position": clean(surf["position"].iloc[0]) if not surf.empty else "surface",
            "value_hbw": value,
            "spec_min_hbw": clean(low),
            "spec_max_hbw": clean(high),
            "conforms": None if value is None or low is None else bool(low <= value <= high),
            "tests": _rows(surf),
        },
    }
    if not pd.isna(plate["hardness_centre_meas_hbw"]) or not core.empty:
        centre = clean(plate["hardness_centre_meas_hbw"])
        cmin = clean(spec.get("centre_min_hbw"))
        out["centre"] = {
            "position": clean(core["position"].iloc[0]) if not core.empty else "mid-thickness",
            "value_hbw": centre,
            "spec_min_hbw": cmin,
            "conforms": None if centre is None or cmin is None else bool(centre >= cmin),
            "tests": _rows(core),
        }
    return out


def _carried_lot(
    rows: pd.DataFrame, value: Any, matches: Callable[[pd.Series, float], bool]
) -> pd.DataFrame:
    """The tests whose result the plate carries, of those made on its test plate (one lot, or
    also a re-tempered plate's own ``-RT`` test): the latest lot whose values ``matches`` the
    plate's recorded value, else the last lot (the CSV rounds values to 0.01)."""
    if rows.empty:
        return rows
    lots = list(dict.fromkeys(rows["lot_id"]))
    if not pd.isna(value):
        for lot in reversed(lots):
            mine = rows[rows["lot_id"] == lot]
            if matches(mine["value"], float(value)):
                return mine
    return rows[rows["lot_id"] == lots[-1]]


def _lot_with(rows: pd.DataFrame, value: Any) -> pd.DataFrame:
    """Hardness: the lot with a reading equal to the plate's measured value."""
    return _carried_lot(rows, value, lambda v, x: bool(((v - x).abs() < 0.06).any()))


def _thickness(run: Run, plate_id: str) -> float | None:
    """A plate's thickness; a plate cut out and re-sized later has a new id of the same one."""
    plates = run.plates
    hit = plates[plates["plate_id"] == plate_id]
    if hit.empty:
        hit = plates[plates["plate_id"].astype(str).str.startswith(plate_id + "R")]
    return None if hit.empty else float(hit["thickness_mm"].iloc[0])


def _standing(sets: pd.DataFrame, average: Any) -> pd.DataFrame:
    """Charpy: the lot whose mean is the plate's average."""
    return _carried_lot(sets, average, lambda v, x: abs(float(v.mean()) - x) < 0.06)


def _meets(
    values: pd.Series, retest: pd.Series, average: float, fraction: float
) -> tuple[bool, list[str]]:
    """The lab's Charpy rule (``mill.quality.toughness.charpy_conforms``) on the sets shown
    (the first set, and the retest when there is one), and the rules they fail
    (``charpy_failures``)."""
    second = values[retest]
    first = values[~retest]
    again = None if second.empty else second.to_numpy()
    return (
        charpy_conforms(first.to_numpy(), average, fraction, retest=again),
        charpy_failures(first.to_numpy(), average, fraction, retest=again),
    )


def _not_impact_tested(plate: pd.Series, grade: str) -> dict[str, Any]:
    """The impact section of a plate under 6 mm: no specimen can be cut, so no impact test
    applies (``mill.quality.disposition.limits``) and there is nothing to meet."""
    t = float(plate["thickness_mm"])
    return {
        "method": "Charpy V-notch, ISO 148-1",
        "applicable": False,
        "not_required": (
            f"no impact test applies to {t:g} mm plate: no Charpy V specimen can be cut under "
            "6 mm (ISO 148-1 sub-size specimens go down to 5 mm width)"
        ),
        "position": None,
        "temperature_c": None,
        "specimen": {**charpy_specimen(t), "from_thickness_mm": None},
        "energy_basis": None,
        "average_j": None,
        "individual_j": [],
        "retest": [],
        "lot_id": None,
        "test_plate": None,
        "grade": grade,
        "spec_temperature_c": None,
        "spec_min_average_j": None,
        "spec_min_single_j": None,
        "single_value_rule": None,
        "requirement_applies": False,
        "failed_rules": [],
        "requirement_verified": True,
        "not_verified": [],
        "conforms": None,
    }


def charpy_result(run: Run, plate: pd.Series, grade: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The Charpy set(s) that stand for the plate (its lot's test plate, ``charpy_test_plate``:
    the lot whose result it carries, first set and any retest), with ``grade``'s requirement
    at its temperature for the specimen size, whether the test covers that requirement and,
    where it does, whether the values meet it."""
    if charpy_specimen(float(plate["thickness_mm"]))["width_mm"] is None:
        return _not_impact_tested(plate, grade)
    ref = plate.get("charpy_test_plate")
    rows: pd.DataFrame | None = None
    if isinstance(ref, str) and ref:
        c = tests_of(run, ref, "charpy")
        if not c.empty:
            rows = _standing(c, plate["charpy_meas_avg_j"])
    own_t = float(plate["thickness_mm"])
    tested_t = _thickness(run, ref) if rows is not None and isinstance(ref, str) else None
    tested_t = own_t if tested_t is None else tested_t
    specimen, own = charpy_specimen(tested_t), charpy_specimen(own_t)
    factor = specimen["energy_factor"] or 1.0
    testing = run.scenario.get("quality", {}).get("testing", {})
    fraction = float(testing.get("charpy_single_min_frac", SINGLE_VALUE_FRACTION))
    minimum = spec.get("charpy_min_j")
    required = None if minimum is None else float(minimum) * factor
    single = None if required is None else fraction * required
    temp_required = clean(spec.get("charpy_temp_c"))
    temp_tested = clean(rows["temp_c"].iloc[0]) if rows is not None else None
    if temp_tested is None:
        temp_tested = clean(plate["charpy_test_temp_c"])
    applies = own_t <= IMPACT_MAX_THICKNESS_MM
    not_verified = []
    if not applies:
        pass  # no requirement to verify: the values are for information
    elif temp_required is not None and temp_tested is not None and temp_tested > temp_required:
        not_verified.append(
            f"{grade} requires the impact test at {temp_required:g} °C"
            + (f" for impact quality {q}" if (q := table3_quality(grade, temp_required)) else "")
            + f"; the test above was made at "
            f"{temp_tested:g} °C, for {plate['grade_ordered']} as ordered"
        )
    if applies and own["width_mm"] != specimen["width_mm"]:
        not_verified.append(
            f"the plate ({own_t:g} mm) calls for {own['size']} specimens; the test above was "
            f"made on {specimen['size']} specimens from {tested_t:g} mm plate"
        )
    values = None if rows is None else rows["value"].astype(float) * factor
    conforms: bool | None = None
    failed: list[str] = []
    if (
        applies
        and values is not None
        and required is not None
        and single is not None
        and not not_verified
    ):
        conforms, failed = _meets(values, rows["retest"].astype(bool), required, fraction)  # type: ignore[index]
    rule = (
        f"the mean of the set at least the required average, at most one value below it and "
        f"none below {fraction:.0%} of it; after a retest set, the mean of all six, at most two "
        f"of the six below the average and at most one below {fraction:.0%} of it"
    )
    return {
        "method": "Charpy V-notch, ISO 148-1",
        "applicable": True,
        "not_required": None
        if applies
        else (
            f"GB/T 24186 sets its impact requirement for plate up to "
            f"{IMPACT_MAX_THICKNESS_MM:g} mm; for {own_t:g} mm plate the impact test is by "
            "agreement, and the values above are given for information"
        ),
        "position": clean(rows["position"].iloc[0]) if rows is not None else None,
        "temperature_c": temp_tested,
        "specimen": {**specimen, "from_thickness_mm": tested_t},
        "energy_basis": (
            "absorbed energy on the specimen tested"
            + (
                "; the simulated full-size energy × the width ratio (the proportional rule "
                "that reduces the requirement)"
                if factor != 1.0
                else ""
            )
        ),
        "average_j": None
        if clean(plate["charpy_meas_avg_j"]) is None
        else float(plate["charpy_meas_avg_j"]) * factor,
        "individual_j": [] if values is None else [clean(v) for v in values],
        "retest": [] if rows is None else [bool(v) for v in rows["retest"]],
        "lot_id": clean(rows["lot_id"].iloc[0]) if rows is not None else None,
        "test_plate": clean(ref) if rows is not None else None,
        "grade": grade,
        "spec_temperature_c": temp_required,
        "spec_min_average_j": required,
        "spec_min_single_j": single,
        "single_value_rule": rule,
        "requirement_applies": applies,
        "failed_rules": failed,
        "requirement_verified": not not_verified,
        "not_verified": not_verified,
        "conforms": conforms,
    }
