"""EN 10204 type 3.1 inspection certificate of a released plate, from the run folder's trace.

The certificate states what the mill measured (never the simulator's ground truth): heat
analysis, dimensions and mass, the hardness and Charpy results that stand for the plate with
their specimen position and temperature, the UT standard and class met, the delivery condition,
and the statement of compliance. Only a plate released as prime gets one.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from mill import __version__
from mill.analysis.load import AnalysisError, Run, RunLike, as_run, write_file

__all__ = ["certificate_data", "write_certificate"]

MANUFACTURER = "mill — simulated wear-resistant plate mill (synthetic data)"
PRODUCT_STANDARD = "GB/T 24186 (wear-resistant steel plate)"
ELEMENTS = ("C", "Si", "Mn", "P", "S", "Cr", "Ni", "Mo", "Cu", "Ti", "B", "Al", "N")


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
    return {
        "method": "Charpy V-notch, ISO 148-1",
        "position": _clean(best["position"].iloc[0]) if best is not None else None,
        "temperature_c": _clean(plate["charpy_test_temp_c"]),
        "average_j": _clean(avg),
        "individual_j": [] if best is None else [_clean(v) for v in best["value"]],
        "lot_id": _clean(best["lot_id"].iloc[0]) if best is not None else None,
        "test_plate": _clean(ref) if best is not None else None,
        "spec_min_average_j": _clean(spec.get("charpy_min_j")),
    }


def _ut(plate: pd.Series) -> dict[str, Any]:
    ordered = str(plate["ut_class_ordered"])
    if ordered.upper().startswith("A578"):
        standard = "ASTM A578/A578M"
    elif ordered == "none":
        standard = "EN 10160 (no class ordered)"
    else:
        standard = "EN 10160"
    return {
        "standard": standard,
        "class_ordered": ordered,
        "body_class_met": _clean(plate["ut_body_class"]),
        "edge_class_met": _clean(plate["ut_edge_class"]),
        "result": "meets ordered class" if bool(plate["ut_pass"]) else "does not meet",
    }


def certificate_data(run: RunLike, plate_id: str) -> dict[str, Any]:
    """The certificate of ``plate_id`` as a dict (what the JSON file holds)."""
    r = as_run(run)
    hit = r.plates[r.plates["plate_id"] == plate_id]
    if hit.empty:
        raise AnalysisError(f"unknown product plate {plate_id!r} in run {r.path}")
    p = hit.iloc[0]
    if str(p["disposition"]) != "prime":
        reason = f" ({p['reason']})" if isinstance(p["reason"], str) else ""
        raise AnalysisError(
            f"plate {plate_id} was not released as prime (disposition: {p['disposition']}"
            f"{reason}); no EN 10204 3.1 certificate is issued for it"
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
    return {
        "certificate": {
            "type": "EN 10204:2004 type 3.1 inspection certificate",
            "number": f"3.1-{plate_id}",
            "date": _clean(p["done_iso"]),
            "issued_by": "authorised inspection representative, independent of manufacturing",
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
            "grade_ordered": _clean(p["grade_ordered"]),
            "ut_class_ordered": _clean(p["ut_class_ordered"]),
        },
        "product": {
            "description": "quenched and tempered wear-resistant steel plate",
            "standard": PRODUCT_STANDARD,
            "grade": _clean(p["grade_released"]),
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
        "chemistry": {
            "analysis": "heat (ladle) analysis, wt %",
            "heat_id": _clean(h["heat_id"]),
            "elements_pct": {el: _clean(h[f"{el.lower()}_pct"]) for el in ELEMENTS},
            "cev": _clean(h["cev"]),
            "cet": _clean(h["cet"]),
            "pcm": _clean(h["pcm"]),
            "re_pct": _clean(h["re_pct"]),
        },
        "hardness": hardness,
        "charpy": charpy,
        "ultrasonic": _ut(p),
        "flatness": {
            "value_mm_per_m": _clean(flat["value"].iloc[-1]) if not flat.empty else None,
            "tolerance_mm_per_m": _clean(flat["spec_high"].iloc[-1]) if not flat.empty else None,
        },
        "delivery_condition": {
            "condition": "quenched and tempered (Q+T)",
            "austenitising_c": _clean(p["aust_temp_c"]),
            "temper_temp_c": _clean(p["temper_temp_c"]),
            "temper_min": _clean(p["temper_min"]),
            "cutting_method": _clean(p["cutting_method"]),
            "ht_batch_id": _clean(p["ht_batch_id"]),
        },
        "compliance": {
            "compliant": True,
            "statement": (
                "We hereby certify that the product described above has been manufactured, "
                "inspected and tested in accordance with the order and complies with its "
                "requirements; the results above are from specific inspection of the test "
                "unit that stands for it (EN 10204:2004, 3.1)."
            ),
        },
    }


def _v(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return html.escape(f"{text} {unit}".strip())


def _rows(pairs: list[tuple[str, str]]) -> str:
    return "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in pairs)


def certificate_html(data: dict[str, Any]) -> str:
    """The certificate as a self-contained, printable HTML page."""
    c, prod, chem = data["certificate"], data["product"], data["chemistry"]
    hard, kv, ut, dc = (
        data["hardness"],
        data["charpy"],
        data["ultrasonic"],
        data["delivery_condition"],
    )
    els = chem["elements_pct"]
    chem_head = "".join(f"<th>{e}</th>" for e in els) + "<th>CEV</th><th>RE</th>"
    chem_vals = "".join(f"<td>{_v(v)}</td>" for v in els.values())
    chem_vals += f"<td>{_v(chem['cev'])}</td><td>{_v(chem['re_pct'])}</td>"
    s = hard["surface"]
    hard_rows = [
        (
            "Surface hardness",
            f"{_v(s['value_hbw'], 'HBW')} at {_v(s['position'])} "
            f"(spec {_v(s['spec_min_hbw'])}–{_v(s['spec_max_hbw'])} HBW)",
        )
    ]
    if "centre" in hard:
        ce = hard["centre"]
        hard_rows.append(
            (
                "Mid-thickness hardness",
                f"{_v(ce['value_hbw'], 'HBW')} (min {_v(ce['spec_min_hbw'], 'HBW')})",
            )
        )
    hard_rows.append(
        ("Test unit", f"lot {_v(hard['lot_id'])}, test plate {_v(hard['test_plate'])}")
    )
    singles = ", ".join(_v(x) for x in kv["individual_j"]) or "–"
    kv_rows = [
        ("Specimen", f"{_v(kv['position'])} at {_v(kv['temperature_c'], '°C')}"),
        ("Individual values", f"{singles} J"),
        ("Average", f"{_v(kv['average_j'], 'J')} (min {_v(kv['spec_min_average_j'], 'J')})"),
        ("Test unit", f"lot {_v(kv['lot_id'])}, test plate {_v(kv['test_plate'])}"),
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Inspection certificate {html.escape(c["number"])}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }}
h1 {{ font-size: 1.4rem; border-bottom: 3px solid #264653; padding-bottom: .4rem; }}
h2 {{ font-size: 1.05rem; color: #264653; margin-top: 1.4rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; font-size: .9rem; }}
th {{ background: #f1f3f5; width: 16rem; }}
.chem th, .chem td {{ width: auto; text-align: center; }}
.statement {{ background: #e9f5f3; padding: .8rem; border-left: 4px solid #2a9d8f; }}
.small {{ color: #666; font-size: .8rem; }}
</style></head><body>
<h1>{html.escape(c["type"])}<br>No. {html.escape(c["number"])}</h1>
<table>{
        _rows(
            [
                ("Manufacturer", _v(data["manufacturer"]["name"])),
                ("Works / scenario", _v(data["manufacturer"]["works"])),
                ("Date", _v(c["date"])),
                ("Order", _v(data["order"]["order_id"])),
                ("Grade ordered", _v(data["order"]["grade_ordered"])),
            ]
        )
    }</table>
<h2>Product</h2>
<table>{
        _rows(
            [
                ("Description", _v(prod["description"])),
                ("Standard", _v(prod["standard"])),
                ("Grade", _v(prod["grade"])),
                ("Plate", _v(prod["plate_id"])),
                ("Heat / slab", f"{_v(prod['heat_id'])} / {_v(prod['slab_id'])}"),
                (
                    "Dimensions",
                    f"{_v(prod['thickness_mm'])} × {_v(prod['width_mm'])} × "
                    f"{_v(prod['length_mm'])} mm",
                ),
                ("Mass", _v(prod["mass_t"], "t")),
                ("Quantity", _v(prod["quantity"])),
            ]
        )
    }</table>
<h2>Chemical composition — {_v(chem["analysis"])}, heat {_v(chem["heat_id"])}</h2>
<table class="chem"><tr>{chem_head}</tr><tr>{chem_vals}</tr></table>
<h2>Hardness — {_v(hard["method"])}</h2>
<table>{_rows(hard_rows)}</table>
<h2>Impact test — {_v(kv["method"])}</h2>
<table>{_rows(kv_rows)}</table>
<h2>Ultrasonic testing</h2>
<table>{
        _rows(
            [
                ("Standard", _v(ut["standard"])),
                ("Class ordered", _v(ut["class_ordered"])),
                (
                    "Body / edge class met",
                    f"{_v(ut['body_class_met'])} / {_v(ut['edge_class_met'])}",
                ),
                ("Result", _v(ut["result"])),
            ]
        )
    }</table>
<h2>Delivery condition</h2>
<table>{
        _rows(
            [
                ("Condition", _v(dc["condition"])),
                ("Austenitising", _v(dc["austenitising_c"], "°C")),
                ("Tempering", f"{_v(dc['temper_temp_c'], '°C')}, {_v(dc['temper_min'], 'min')}"),
                ("Heat-treatment batch", _v(dc["ht_batch_id"])),
                ("Cutting", _v(dc["cutting_method"])),
                ("Flatness", _v(data["flatness"]["value_mm_per_m"], "mm/m")),
            ]
        )
    }</table>
<h2>Statement of compliance</h2>
<p class="statement">{html.escape(data["compliance"]["statement"])}</p>
<p>{html.escape(c["issued_by"])}</p>
<p class="small">Generated by {html.escape(c["source"]["generator"])} from run
{html.escape(c["source"]["run"])} (seed {_v(c["source"]["seed"])}). Synthetic data.</p>
</body></html>
"""


def write_certificate(
    run_dir: RunLike, plate_id: str, out_dir: str | Path | None = None
) -> tuple[Path, Path]:
    """Write the EN 10204 3.1 certificate of a prime plate as HTML and JSON.

    Default folder: ``RUN/certificates/``. Returns ``(html_path, json_path)``; raises
    :class:`AnalysisError` for an unknown plate or one not released as prime.
    """
    run = as_run(run_dir)
    data = certificate_data(run, plate_id)
    folder = Path(out_dir) if out_dir is not None else run.path / "certificates"
    stem = f"cert-{plate_id}"
    html_path, json_path = folder / f"{stem}.html", folder / f"{stem}.json"
    write_file(html_path, certificate_html(data), run=run)
    write_file(json_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", run=run)
    return html_path, json_path
