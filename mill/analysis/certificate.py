"""EN 10204 type 3.1 inspection certificate of a released plate, from the run folder's trace.

The certificate states what the mill measured (never the simulator's ground truth): heat
analysis with the GB/T 24186 limits beside it, dimensions and mass, the hardness and Charpy
results that stand for the plate with their specimen position, size and temperature, the UT
standard and class met, the tolerances, surface and marking references, the delivery condition,
and the statement of compliance. A plate released as prime gets one for its order; a downgraded
plate gets one as the grade it was released as (``grade_released``), and every requirement it
states is that grade's (``certificate_tests``): hardness window and centre minimum, Charpy
temperature, required mean and single-value minimum, impact quality, CEV maximum and chemistry
limits. A requirement the tests made do not cover (an NM500 plate tested at −20 °C released as
NM450, which requires −40 °C) is stated as not tested, and compliance is not claimed. A
scrapped plate or one in progress gets none.

A Table 3 impact quality (D/E) is named only for a grade with a GB/T 24186 Table 3 row
(``table3_quality``); NM500 has none, so its impact test (energy and temperature) is stated
instead (``product.impact_requirement``). A failed Charpy result is stated by the rule it
failed, with its numbers (``charpy.failed_rules``). Chemistry quoted in the statement has the
decimals the table prints (``chemistry_text``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from mill import __version__
from mill.analysis.certificate_html import certificate_html
from mill.analysis.certificate_tests import charpy_result, hardness_result, tests_of
from mill.analysis.certificate_tests import clean as _clean
from mill.analysis.load import AnalysisError, RunLike, as_run, write_file
from mill.analysis.specification import (
    TOLERANCES,
    chemistry_limits,
    chemistry_text,
    table3_quality,
)

__all__ = ["certificate_data", "write_certificate"]

MANUFACTURER = "mill — simulated wear-resistant plate mill (synthetic data)"
PRODUCT_STANDARD = "GB/T 24186 (wear-resistant steel plate)"
ELEMENTS = ("C", "Si", "Mn", "P", "S", "Cr", "Ni", "Mo", "Cu", "Ti", "B", "Al", "N")
INSPECTOR = "Q. A. Inspector (synthetic), quality department"
"""The default authorised inspection representative named on a certificate (``--inspector``)."""


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
            outside.append(f"{el} {chemistry_text(el, v, lim['max'])} > {lim['max']:g} max")
        if lim["min"] is not None and v < lim["min"]:
            outside.append(f"{el} {chemistry_text(el, v, lim['min'])} < {lim['min']:g} min")
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
    flat = tests_of(r, plate_id, "flatness")
    grade = str(p["grade_released"])
    spec = r.grade_spec(grade)  # every requirement stated is the released grade's
    hardness, charpy = hardness_result(r, p, spec), charpy_result(r, p, grade, spec)
    if not hardness["surface"]["tests"] or (charpy["applicable"] and not charpy["individual_j"]):
        what = "surface hardness" if not hardness["surface"]["tests"] else "Charpy"
        raise AnalysisError(
            f"plate {plate_id}: tests.csv holds no {what} test that stands for it; a 3.1 "
            "certificate states test results, so none is issued (is the run folder damaged?)"
        )
    # no impact quality is claimed for plate no impact test applies to (under 6 mm), nor a
    # Table 3 quality for a grade without a Table 3 row (NM500): its impact test is stated
    temp = spec.get("charpy_temp_c")
    quality = table3_quality(grade, temp) if charpy["applicable"] else None
    impact = None
    if charpy["applicable"] and temp is not None and spec.get("charpy_min_j") is not None:
        impact = (
            f"KV2 ≥ {float(spec['charpy_min_j']):g} J at {float(temp):g} °C (average of "
            "three full-size specimens, sub-size in proportion)"
            + ("" if charpy["requirement_applies"] else ", for plate up to 80 mm")
        )
    chemistry = _chemistry(h, grade, quality or "", float(p["thickness_mm"]))
    flatness = _flatness(flat)
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
            "impact_quality_verified": charpy["requirement_verified"],
            "impact_requirement": impact,
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
        "flatness": flatness,
        "references": dict(TOLERANCES),
        "delivery_condition": {
            "condition": "quenched and tempered (Q+T)",
            "austenitising_c": _clean(p["aust_temp_c"]),
            "temper_temp_c": _clean(p["temper_temp_c"]),
            "temper_min": _clean(p["temper_min"]),
            "cutting_method": _clean(p["cutting_method"]),
            "ht_batch_id": _clean(p["ht_batch_id"]),
        },
        "compliance": _compliance(
            p,
            grade,
            chemistry["outside_limits"],
            _findings(hardness, charpy, flatness) + _downgrade_cause(r.scenario, p),
            charpy,
        ),
    }


_NOT_ON_THE_CERTIFICATE = {
    "surface_defect": "surface quality: a surface defect that grinding did not remove",
    "ut_fail": "internal soundness: the ultrasonic indications that failed the ordered class",
    "cut_edge_crack": "cut edge: a cut-edge crack",
}
"""A disposition condition whose nonconformity a downgrade leaves in the plate and that no
result on the certificate shows (the hardness, Charpy and flatness ones are judged above)."""


def _downgrade_cause(scenario: dict[str, Any], p: pd.Series) -> list[str]:
    """The nonconformity a downgraded plate was released with, when a result row does not
    already show it: its reason code's rule condition (``quality.disposition.rules``)."""
    if str(p["disposition"]) != "downgraded" or not isinstance(p["reason"], str):
        return []
    rules = scenario.get("quality", {}).get("disposition", {}).get("rules", [])
    cond = next((r.get("condition") for r in rules if r.get("reason") == p["reason"]), None)
    what = _NOT_ON_THE_CERTIFICATE.get(str(cond))
    return [] if what is None else [f"{what} (downgraded, reason {p['reason']})"]


def _flatness(flat: pd.DataFrame) -> dict[str, Any]:
    """The last flatness measurement, its tolerance and whether it is within it."""
    value = _clean(flat["value"].iloc[-1]) if not flat.empty else None
    tol = _clean(flat["spec_high"].iloc[-1]) if not flat.empty else None
    ok = None if value is None or tol is None else bool(value <= tol)
    return {"value_mm_per_m": value, "tolerance_mm_per_m": tol, "conforms": ok}


def _findings(
    hardness: dict[str, Any], charpy: dict[str, Any], flatness: dict[str, Any]
) -> list[str]:
    """The results that do not meet the requirement stated beside them."""
    out = []
    s = hardness["surface"]
    if s["conforms"] is False:
        out.append(
            f"surface hardness {s['value_hbw']:.0f} HBW outside "
            f"{s['spec_min_hbw']:g}–{s['spec_max_hbw']:g} HBW"
        )
    c = hardness.get("centre")
    if c is not None and c["conforms"] is False:
        out.append(f"mid-thickness hardness {c['value_hbw']:.0f} HBW < {c['spec_min_hbw']:g} HBW")
    if charpy["conforms"] is False:
        out.append(
            f"impact energy at {charpy['temperature_c']:g} °C, "
            + ", and ".join(charpy.get("failed_rules") or ["values below the requirement"])
        )
    if flatness["conforms"] is False:
        out.append(
            f"flatness {flatness['value_mm_per_m']:.1f} mm/m > "
            f"{flatness['tolerance_mm_per_m']:.1f} mm/m"
        )
    return out


def _compliance(
    p: pd.Series, grade: str, outside: list[str], failed: list[str], charpy: dict[str, Any]
) -> dict[str, Any]:
    """The statement: compliance with the order for a prime plate; with the grade it was
    released as for a downgraded one. It claims compliance only when every stated result
    meets its requirement and every requirement was tested; otherwise it names the results
    that fail, the requirements not tested and the heat-analysis deviations."""
    unit = "(EN 10204:2004, 3.1)"
    untested = charpy["not_verified"]
    all_met = not (outside or failed or untested)
    complies = " and complies with its requirements" if all_met else ""
    if str(p["disposition"]) == "prime":
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
            f"above has been inspected and tested and is released as {grade}{complies}; the "
            "results "
            f"above are from specific inspection of the test unit that stands for it {unit}."
        )
    if failed:
        text += f" The product does not meet these {grade} requirements: " + "; ".join(failed) + "."
    if untested:
        text += (
            f" The {grade} impact requirement was not tested: "
            + "; ".join(untested)
            + ". This certificate does not state compliance with it."
        )
    if charpy["not_required"]:  # under 6 mm, or above the standard's thickness for impact
        text += f" {charpy['not_required'][0].upper()}{charpy['not_required'][1:]}."
    if outside:
        text += (
            " The heat analysis is outside the GB/T 24186 limits stated above ("
            + "; ".join(outside)
            + "): the product does not comply with the standard in this respect."
        )
    return {
        "compliant": all_met,
        "nonconforming_results": failed,
        "requirements_not_tested": untested,
        "statement": text,
    }


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
