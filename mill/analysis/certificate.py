"""EN 10204 type 3.1 inspection certificate of a released plate, from the run folder's trace.

The certificate states what the mill measured (never the simulator's ground truth): heat
analysis with the GB/T 24186 limits beside it, dimensions and mass, the hardness and Charpy
results that stand for the plate with their specimen position, size and temperature, the UT
standard and class met, the tolerances, surface and marking references, the delivery condition,
and the statement of compliance. A plate released as prime gets one for its order; a downgraded
plate gets one as the grade it was released as; a scrapped plate or one in progress gets none.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from mill import __version__
from mill.analysis.certificate_html import certificate_html
from mill.analysis.load import AnalysisError, Run, RunLike, as_run, write_file
from mill.analysis.specification import (
    SINGLE_VALUE_FRACTION,
    TOLERANCES,
    charpy_specimen,
    chemistry_limits,
    impact_quality,
)

__all__ = ["certificate_data", "write_certificate"]

MANUFACTURER = "mill — simulated wear-resistant plate mill (synthetic data)"
PRODUCT_STANDARD = "GB/T 24186 (wear-resistant steel plate)"
ELEMENTS = ("C", "Si", "Mn", "P", "S", "Cr", "Ni", "Mo", "Cu", "Ti", "B", "Al", "N")
INSPECTOR = "Q. A. Inspector (synthetic), quality department"
"""The default authorised inspection representative named on a certificate (``--inspector``)."""


def _clean(value: Any) -> Any:
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


def _tests(run: Run, entity: str, kind: str) -> pd.DataFrame:
    t = run.tests
    return t[(t["entity_id"] == entity) & (t["kind"].astype("str") == kind)].sort_values("time_min")


def _test_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols = ["test_id", "lot_id", "value", "retest", "pass"]
    return [{c: _clean(r[c]) for c in cols} for _, r in frame.iterrows()]


def _hardness(run: Run, plate: pd.Series) -> dict[str, Any]:
    test_plate = plate["hardness_test_plate"]
    source = str(test_plate) if isinstance(test_plate, str) else str(plate["plate_id"])
    surf = _tests(run, source, "hardness_surface")
    core = _tests(run, source, "hardness_centre")
    spec = run.grade_spec(str(plate["grade_released"]))
    thick = float(plate["thickness_mm"]) > float(spec.get("thick_above_mm", math.inf))
    window = spec.get("surface_hbw_thick" if thick else "surface_hbw") or [None, None]
    out: dict[str, Any] = {
        "method": "Brinell HBW 10/3000, ISO 6506-1",
        "test_plate": source,
        "lot_id": _clean(surf["lot_id"].iloc[-1]) if not surf.empty else None,
        "surface": {
            "position": _clean(surf["position"].iloc[0]) if not surf.empty else "surface",
            "value_hbw": _clean(plate["hardness_meas_hbw"]),
            "spec_min_hbw": _clean(surf["spec_low"].iloc[-1]) if not surf.empty else window[0],
            "spec_max_hbw": _clean(surf["spec_high"].iloc[-1]) if not surf.empty else window[1],
            "tests": _test_rows(surf),
        },
    }
    if not pd.isna(plate["hardness_centre_meas_hbw"]) or not core.empty:
        out["centre"] = {
            "position": _clean(core["position"].iloc[0]) if not core.empty else "mid-thickness",
            "value_hbw": _clean(plate["hardness_centre_meas_hbw"]),
            "spec_min_hbw": _clean(spec.get("centre_min_hbw")),
            "tests": _test_rows(core),
        }
    return out


def _charpy(run: Run, plate: pd.Series) -> dict[str, Any]:
    """The Charpy set(s) that stand for the plate: those of its lot's test plate
    (``charpy_test_plate``), first set and any retest."""
    avg = plate["charpy_meas_avg_j"]
    t = run.tests
    ref = plate.get("charpy_test_plate")
    best: pd.DataFrame | None = None
    if isinstance(ref, str) and ref:
        c = t[(t["kind"].astype("str") == "charpy") & (t["entity_id"] == ref)]
        best = c if not c.empty else None
    spec = run.grade_spec(str(plate["grade_released"]))
    tested = run.plates[run.plates["plate_id"] == ref] if isinstance(ref, str) else None
    thickness = (
        float(tested["thickness_mm"].iloc[0])
        if tested is not None and not tested.empty
        else float(plate["thickness_mm"])
    )
    specimen = charpy_specimen(thickness)
    factor = specimen["energy_factor"] or 1.0
    minimum = spec.get("charpy_min_j")
    required = None if minimum is None else float(minimum) * factor

    def scaled(v: Any) -> Any:
        v = _clean(v)
        return None if v is None else v * factor

    return {
        "method": "Charpy V-notch, ISO 148-1",
        "position": _clean(best["position"].iloc[0]) if best is not None else None,
        "temperature_c": _clean(plate["charpy_test_temp_c"]),
        "specimen": {**specimen, "from_thickness_mm": thickness},
        "energy_basis": (
            "absorbed energy on the specimen tested"
            + (
                "; the simulated full-size energy × the width ratio (the proportional rule "
                "that reduces the requirement)"
                if factor != 1.0
                else ""
            )
        ),
        "average_j": scaled(avg),
        "individual_j": [] if best is None else [scaled(v) for v in best["value"]],
        "retest": [] if best is None else [bool(v) for v in best["retest"]],
        "lot_id": _clean(best["lot_id"].iloc[0]) if best is not None else None,
        "test_plate": _clean(ref) if best is not None else None,
        "spec_min_average_j": required,
        "spec_min_single_j": None if required is None else SINGLE_VALUE_FRACTION * required,
        "single_value_rule": (
            f"one single value may be below the required average, none below "
            f"{SINGLE_VALUE_FRACTION:.0%} of it"
        ),
    }


def _ut(plate: pd.Series) -> dict[str, Any]:
    ordered = str(plate["ut_class_ordered"])
    if ordered.upper().startswith("A578"):
        standard = "ASTM A578/A578M"
    elif ordered == "none":
        standard = "EN 10160 (no class ordered)"
    else:
        standard = "EN 10160"
    if ordered == "none":
        result = "no UT class ordered: the classes found are given for information"
    else:
        result = "meets ordered class" if bool(plate["ut_pass"]) else "does not meet ordered class"
    return {
        "standard": standard,
        "class_ordered": ordered,
        "body_class_met": _clean(plate["ut_body_class"]),
        "edge_class_met": _clean(plate["ut_edge_class"]),
        "result": result,
    }


def _chemistry(h: pd.Series, grade: str, quality: str, thickness_mm: float) -> dict[str, Any]:
    """Heat analysis with the GB/T 24186 limits for the grade, quality and thickness, and the
    values outside them."""
    limits = chemistry_limits(grade, quality, thickness_mm)
    values = {el: _clean(h[f"{el.lower()}_pct"]) for el in ELEMENTS}
    values["CEV"] = _clean(h["cev"])
    outside = []
    for el, lim in limits.items():
        v = values.get(el)
        if v is None:
            continue
        if lim["max"] is not None and v > lim["max"]:
            outside.append(f"{el} {v:.4g} > {lim['max']:g} max")
        if lim["min"] is not None and v < lim["min"]:
            outside.append(f"{el} {v:.4g} < {lim['min']:g} min")
    return {
        "analysis": "heat (ladle) analysis, wt %",
        "heat_id": _clean(h["heat_id"]),
        "elements_pct": {el: values[el] for el in ELEMENTS},
        "cev": values["CEV"],
        "cet": _clean(h["cet"]),
        "pcm": _clean(h["pcm"]),
        "re_pct": _clean(h["re_pct"]),
        "cev_formula": "CEV = C + Mn/6 + (Cr+Mo+V)/5 + (Ni+Cu)/15",
        "limits_standard": "GB/T 24186-2022 Table 2"
        + (f" and Table 3 ({quality} quality)" if quality else ""),
        "limits": limits,
        "outside_limits": outside,
    }


def certificate_data(run: RunLike, plate_id: str, inspector: str = INSPECTOR) -> dict[str, Any]:
    """The certificate of ``plate_id`` as a dict (what the JSON file holds); ``inspector`` is
    the authorised inspection representative it names."""
    r = as_run(run)
    hit = r.plates[r.plates["plate_id"] == plate_id]
    if hit.empty:
        raise AnalysisError(f"unknown product plate {plate_id!r} in run {r.path}")
    p = hit.iloc[0]
    disposition = str(p["disposition"])
    if disposition not in ("prime", "downgraded"):
        reason = f" ({p['reason']})" if isinstance(p["reason"], str) else ""
        raise AnalysisError(
            f"plate {plate_id} was not released as prime or downgraded (disposition: "
            f"{disposition}{reason}); no EN 10204 3.1 certificate is issued for it"
        )
    heat = r.heats[r.heats["heat_id"] == p["heat_id"]]
    if heat.empty:
        raise AnalysisError(f"heat {p['heat_id']} of plate {plate_id} is not in the run")
    h = heat.iloc[0]
    flat = _tests(r, plate_id, "flatness")
    hardness, charpy = _hardness(r, p), _charpy(r, p)
    if not hardness["surface"]["tests"] or not charpy["individual_j"]:
        what = "surface hardness" if not hardness["surface"]["tests"] else "Charpy"
        raise AnalysisError(
            f"plate {plate_id}: tests.csv holds no {what} test that stands for it; a 3.1 "
            "certificate states test results, so none is issued (is the run folder damaged?)"
        )
    grade = str(p["grade_released"])
    spec = r.grade_spec(grade)
    quality = impact_quality(spec.get("charpy_temp_c"))
    chemistry = _chemistry(h, grade, quality, float(p["thickness_mm"]))
    return {
        "certificate": {
            "type": "EN 10204:2004 type 3.1 inspection certificate",
            "number": f"3.1-{plate_id}",
            "date": _clean(p["done_iso"]),
            "issued_by": "authorised inspection representative, independent of manufacturing",
            "inspection_representative": inspector,
            "source": {
                "run": str(r.path),
                "seed": _clean(r.manifest.get("seed")),
                "scenario_sha256": r.manifest.get("scenario_sha256"),
                "generator": f"mill {__version__}",
            },
        },
        "manufacturer": {"name": MANUFACTURER, "works": r.name},
        "order": {
            "order_id": _clean(p["order_id"]),
            "customer": _clean(p.get("customer", "")),
            "customer_po": _clean(p.get("customer_po", "")),
            "customer_item": _clean(p.get("customer_item", "")),
            "grade_ordered": _clean(p["grade_ordered"]),
            "ut_class_ordered": _clean(p["ut_class_ordered"]),
        },
        "product": {
            "description": "quenched and tempered wear-resistant steel plate",
            "standard": PRODUCT_STANDARD,
            "grade": grade,
            "impact_quality": quality,
            "released_as": disposition,
            "reason": _clean(p["reason"]) or None,
            "plate_id": plate_id,
            "heat_id": _clean(p["heat_id"]),
            "slab_id": _clean(p["slab_id"]),
            "mother_id": _clean(p["mother_id"]),
            "quantity": 1,
            "thickness_mm": _clean(p["thickness_mm"]),
            "width_mm": _clean(p["width_mm"]),
            "length_mm": _clean(p["length_mm"]),
            "mass_t": _clean(p["mass_t"]),
        },
        "chemistry": chemistry,
        "hardness": hardness,
        "charpy": charpy,
        "ultrasonic": _ut(p),
        "flatness": {
            "value_mm_per_m": _clean(flat["value"].iloc[-1]) if not flat.empty else None,
            "tolerance_mm_per_m": _clean(flat["spec_high"].iloc[-1]) if not flat.empty else None,
        },
        "references": dict(TOLERANCES),
        "delivery_condition": {
            "condition": "quenched and tempered (Q+T)",
            "austenitising_c": _clean(p["aust_temp_c"]),
            "temper_temp_c": _clean(p["temper_temp_c"]),
            "temper_min": _clean(p["temper_min"]),
            "cutting_method": _clean(p["cutting_method"]),
            "ht_batch_id": _clean(p["ht_batch_id"]),
        },
        "compliance": _compliance(p, grade, chemistry["outside_limits"]),
    }


def _compliance(p: pd.Series, grade: str, outside: list[str]) -> dict[str, Any]:
    """The statement: compliance with the order for a prime plate; with the grade it was
    released as for a downgraded one; the heat-analysis deviations where there are any."""
    unit = "(EN 10204:2004, 3.1)"
    if str(p["disposition"]) == "prime":
        complies = "" if outside else " and complies with its requirements"
        text = (
            "We hereby certify that the product described above has been manufactured, "
            f"inspected and tested in accordance with the order{complies}; the results above "
            f"are from specific inspection of the test unit that stands for it {unit}."
        )
    else:
        reason = p["reason"] if isinstance(p["reason"], str) and p["reason"] else "not given"
        text = (
            f"Downgraded material (reason {reason}), not delivered against order "
            f"{p['order_id']}'s requirements. We hereby certify that the product described "
            f"above has been inspected and tested and is released as {grade}; the results "
            f"above are from specific inspection of the test unit that stands for it {unit}."
        )
    if outside:
        text += (
            " The heat analysis is outside the GB/T 24186 limits stated above ("
            + "; ".join(outside)
            + "): the product does not comply with the standard in this respect."
        )
    return {"compliant": not outside, "statement": text}


def write_certificate(
    run_dir: RunLike,
    plate_id: str,
    out_dir: str | Path | None = None,
    inspector: str = INSPECTOR,
) -> tuple[Path, Path]:
    """Write the EN 10204 3.1 certificate of a released plate as HTML and JSON.

    Default folder: ``RUN/certificates/``. Returns ``(html_path, json_path)``; raises
    :class:`AnalysisError` for an unknown plate or one scrapped or still in progress.
    """
    run = as_run(run_dir)
    data = certificate_data(run, plate_id, inspector)
    folder = Path(out_dir) if out_dir is not None else run.path / "certificates"
    stem = f"cert-{plate_id}"
    html_path, json_path = folder / f"{stem}.html", folder / f"{stem}.json"
    write_file(html_path, certificate_html(data), run=run)
    write_file(json_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", run=run)
    return html_path, json_path
