"""The EN 10204 3.1 certificate as a printable HTML page (from ``certificate_data``'s dict).

Numbers are printed as a receiving inspector reads them: dimensions in whole millimetres
(thickness to 0.1 mm), mass to the kilogram, each element to the decimals its limits use (more
where a non-zero value would print as zero: ``chemistry_decimals``), hardness to 1 HBW and
impact energy to 1 J; hardness and Charpy retests are printed after the first reading, marked
as retests; the chemistry table is split in two rows of elements so it fits an A4 page.
"""

from __future__ import annotations

import html
from typing import Any

from mill.analysis.specification import CHEMISTRY_DECIMALS, chemistry_decimals

__all__ = ["certificate_html", "number"]

_CHEM_ROWS = (("C", "Si", "Mn", "P", "S", "Cr", "Ni", "Mo"),
              ("Cu", "Ti", "B", "Al", "N", "CEV", "CET", "Pcm", "RE"))  # fmt: skip


def number(value: Any, decimals: int = 0, unit: str = "") -> str:
    """``value`` fixed-point with ``decimals`` and thousands separators (never ``1e+04``);
    ``–`` where there is none."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
    else:
        text = f"{value:,.{decimals}f}"
    return html.escape(f"{text} {unit}".strip())


def _thickness(value: Any) -> str:
    if value is None:
        return "–"
    return number(value, 0 if float(value).is_integer() else 1)


def _rows(pairs: list[tuple[str, str]]) -> str:
    return "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in pairs)


def _crossed(value: Any, lim: dict[str, Any]) -> float | None:
    """The limit ``value`` is outside of (its maximum or minimum), or None."""
    if value is None:
        return None
    if lim.get("max") is not None and value > lim["max"]:
        return float(lim["max"])
    if lim.get("min") is not None and value < lim["min"]:
        return float(lim["min"])
    return None


def _chemistry(chem: dict[str, Any]) -> str:
    values = {**chem["elements_pct"], "CEV": chem["cev"], "CET": chem["cet"],
              "Pcm": chem["pcm"], "RE": chem["re_pct"]}  # fmt: skip
    limits = chem["limits"]
    outside = {s.split()[0] for s in chem["outside_limits"]}
    tables = []
    for row in _CHEM_ROWS:
        head = "".join(f"<th>{e}</th>" for e in row)
        vals, mins, maxs = [], [], []
        for e in row:
            dp = CHEMISTRY_DECIMALS.get(e, 3)
            cls = " class='bad'" if e in outside else ""
            lim, v = limits.get(e, {}), values.get(e)
            shown = number(v, chemistry_decimals(e, v, _crossed(v, lim)))
            vals.append(f"<td{cls}>{shown}</td>")
            mins.append(
                f"<td>{number(lim.get('min'), dp) if lim.get('min') is not None else ''}</td>"
            )
            maxs.append(
                f"<td>{number(lim.get('max'), dp) if lim.get('max') is not None else ''}</td>"
            )
        tables.append(
            f"<table class='chem'><tr><th class='rowhead'>wt %</th>{head}</tr>"
            f"<tr><th class='rowhead'>heat analysis</th>{''.join(vals)}</tr>"
            f"<tr><th class='rowhead'>min</th>{''.join(mins)}</tr>"
            f"<tr><th class='rowhead'>max</th>{''.join(maxs)}</tr></table>"
        )
    note = (
        f"Limits: {html.escape(chem['limits_standard'])}; {html.escape(chem['cev_formula'])}. "
        "Limits are compared on the unrounded analysis. "
        "RE (Ce + La) is a producer's option, not a specified element."
    )
    return "".join(tables) + f"<p class='small'>{note}</p>"


def _verdict(conforms: bool | None, text: str) -> str:
    """``text``, marked as failing (red) when the result does not meet it."""
    return f"<span class='bad'>{text}; not met</span>" if conforms is False else text


def _readings(tests: list[dict[str, Any]], low: Any, high: Any) -> str:
    """The readings of one position as made, retests marked as the Charpy retests are, each
    outside ``low``–``high`` (HBW; either may be None) in red."""
    sets: dict[bool, list[str]] = {False: [], True: []}
    for t in tests:
        v = t["value"]
        bad = v is not None and (
            (low is not None and round(v) < round(low))
            or (high is not None and round(v) > round(high))
        )
        sets[bool(t["retest"])].append(
            f"<span class='bad'>{number(v)}</span>" if bad else number(v)
        )
    shown = sets[False] + (["retest " + sets[True][0], *sets[True][1:]] if sets[True] else [])
    return ", ".join(shown) + " HBW"


def _hardness(hard: dict[str, Any], grade: str) -> list[tuple[str, str]]:
    s = hard["surface"]
    rows = [
        (
            "Surface hardness",
            f"{number(s['value_hbw'], 0, 'HBW')} at {number(s['position'])} "
            + _verdict(
                s["conforms"],
                f"(required for {html.escape(grade)}: "
                f"{number(s['spec_min_hbw'])}–{number(s['spec_max_hbw'])} HBW)",
            ),
        )
    ]
    if any(t["retest"] for t in s["tests"]):
        rows.append(
            ("Surface readings", _readings(s["tests"], s["spec_min_hbw"], s["spec_max_hbw"]))
        )
    if "centre" in hard:
        ce = hard["centre"]
        rows.append(
            (
                "Mid-thickness hardness",
                f"{number(ce['value_hbw'], 0, 'HBW')} "
                + _verdict(
                    ce["conforms"],
                    f"(required for {html.escape(grade)}: min "
                    f"{number(ce['spec_min_hbw'], 0, 'HBW')})",
                ),
            )
        )
        if any(t["retest"] for t in ce["tests"]):
            rows.append(
                ("Mid-thickness readings", _readings(ce["tests"], ce["spec_min_hbw"], None))
            )
    rows.append(
        ("Test unit", f"lot {number(hard['lot_id'])}, test plate {number(hard['test_plate'])}")
    )
    return rows


def _energy_decimals(value: Any) -> int:
    """A required energy to 1 J, or to 0.1 J where it is not a whole number (12.6 J, 70 % of
    18 J, is not printed as 13 J)."""
    return 0 if value is None or float(round(value, 1)).is_integer() else 1


def _charpy(kv: dict[str, Any], thickness_mm: Any) -> list[tuple[str, str]]:
    spec = kv["specimen"]
    if not kv.get("applicable", True):  # plate under 6 mm: no specimen, no test
        return [
            ("Specimen", f"{number(spec['size'])}; {number(spec['standard'])}"),
            ("Result", "not required: " + html.escape(kv["not_required"])),
        ]
    single_min = kv["spec_min_single_j"]
    sets: dict[bool, list[str]] = {False: [], True: []}
    flags = kv["retest"] or [False] * len(kv["individual_j"])
    for v, again in zip(kv["individual_j"], flags, strict=True):
        low = single_min is not None and v is not None and round(v) < round(single_min)
        sets[bool(again)].append(f"<span class='bad'>{number(v)}</span>" if low else number(v))
    singles = sets[False] + (["retest " + sets[True][0], *sets[True][1:]] if sets[True] else [])
    required = (
        f"{html.escape(kv['grade'])}: average ≥ {number(kv['spec_min_average_j'], 0, 'J')}, "
        f"single value ≥ {number(single_min, _energy_decimals(single_min), 'J')} at "
        f"{number(kv['spec_temperature_c'], 0, '°C')} ({number(kv['single_value_rule'])})"
    )
    if not kv.get("requirement_applies", True):
        required = (
            f"not required for {_thickness(thickness_mm)} mm plate: GB/T 24186 sets {required} "
            "for plate up to 80 mm only; above it the impact test is by agreement"
        )
        result = "values given for information (no requirement applies)"
    elif not kv["requirement_verified"]:
        result = (
            "<span class='bad'>requirement not tested: "
            + html.escape("; ".join(kv["not_verified"]))
            + "</span>"
        )
    elif kv["conforms"] is False:
        rules = "; ".join(kv.get("failed_rules") or [])
        result = (
            "<span class='bad'>does not meet the requirement"
            + (f": {html.escape(rules)}" if rules else "")
            + "</span>"
        )
    else:
        result = "meets the requirement"
    return [
        (
            "Specimen",
            f"{number(spec['size'])}, {number(kv['position'])}, from "
            f"{_thickness(spec['from_thickness_mm'])} mm plate; {number(spec['standard'])}",
        ),
        ("Test temperature", number(kv["temperature_c"], 0, "°C")),
        ("Individual values", (", ".join(singles) or "–") + " J"),
        ("Average", number(kv["average_j"], 0, "J")),
        ("Required", required),
        ("Result", result),
        ("Basis", number(kv["energy_basis"])),
        ("Test unit", f"lot {number(kv['lot_id'])}, test plate {number(kv['test_plate'])}"),
    ]


def certificate_html(data: dict[str, Any]) -> str:
    """The certificate as a self-contained, printable HTML page."""
    c, prod, order = data["certificate"], data["product"], data["order"]
    ut, dc, refs = data["ultrasonic"], data["delivery_condition"], data["references"]
    quality = prod["impact_quality"]
    if quality and not prod.get("impact_quality_verified", True):
        quality += " not tested: see the impact test"
    grade = prod["grade"] + (f" (impact quality {quality})" if quality else "")
    if not quality and prod.get("impact_requirement"):  # no Table 3 quality (NM500)
        grade += f"; impact test {prod['impact_requirement']}; no GB/T 24186 Table 3 quality"
    released = prod["released_as"] + (f", reason {prod['reason']}" if prod["reason"] else "")
    flat = data["flatness"]
    compliance = data["compliance"]
    head_rows = [
        ("Manufacturer", number(data["manufacturer"]["name"])),
        ("Works / scenario", number(data["manufacturer"]["works"])),
        ("Date", number(c["date"])),
        ("Order", number(order["order_id"])),
        ("Grade ordered", number(order["grade_ordered"])),
    ]
    for key, label in (("customer", "Customer"), ("customer_po", "Customer order"),
                       ("customer_item", "Customer order item")):  # fmt: skip
        if order.get(key):
            head_rows.append((label, number(order[key])))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Inspection certificate {html.escape(c["number"])}</title>
<style>
@page {{ size: A4; margin: 14mm; }}
body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 1.5rem auto; color: #222; }}
h1 {{ font-size: 1.3rem; border-bottom: 3px solid #264653; padding-bottom: .4rem; }}
h2 {{ font-size: 1rem; color: #264653; margin: 1.2rem 0 .3rem; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: .3rem; }}
th, td {{ border: 1px solid #ccc; padding: .25rem .45rem; text-align: left; font-size: .85rem; }}
th {{ background: #f1f3f5; width: 13rem; font-weight: 600; }}
table.chem {{ table-layout: fixed; }}
.chem th, .chem td {{ width: auto; text-align: center; padding: .2rem .1rem; font-size: .8rem; }}
.chem th.rowhead {{ width: 7rem; text-align: left; padding-left: .4rem; }}
.bad {{ color: #c1121f; font-weight: 600; }}
.statement {{ background: #e9f5f3; padding: .7rem; border-left: 4px solid #2a9d8f; }}
.statement.bad {{ background: #fdecea; border-left-color: #c1121f; font-weight: normal; }}
.small {{ color: #555; font-size: .78rem; }}
.sign td {{ height: 2.2rem; }}
</style></head><body>
<h1>{html.escape(c["type"])}<br>No. {html.escape(c["number"])}</h1>
<table>{_rows(head_rows)}</table>
<h2>Product</h2>
<table>{
        _rows(
            [
                ("Description", number(prod["description"])),
                ("Standard", number(prod["standard"])),
                ("Grade", number(grade)),
                ("Released as", number(released)),
                ("Plate", number(prod["plate_id"])),
                ("Heat / slab", f"{number(prod['heat_id'])} / {number(prod['slab_id'])}"),
                (
                    "Dimensions",
                    f"{_thickness(prod['thickness_mm'])} × {number(prod['width_mm'])} × "
                    f"{number(prod['length_mm'])} mm",
                ),
                ("Mass", number(prod["mass_t"], 3, "t")),
                ("Quantity", number(prod["quantity"])),
            ]
        )
    }</table>
<h2>Chemical composition — {number(data["chemistry"]["analysis"])}, heat {
        number(data["chemistry"]["heat_id"])
    }</h2>
{_chemistry(data["chemistry"])}
<h2>Hardness — {number(data["hardness"]["method"])}</h2>
<table>{_rows(_hardness(data["hardness"], prod["grade"]))}</table>
<h2>Impact test — {number(data["charpy"]["method"])}</h2>
<table>{_rows(_charpy(data["charpy"], prod["thickness_mm"]))}</table>
<h2>Ultrasonic testing</h2>
<table>{
        _rows(
            [
                ("Standard", number(ut["standard"])),
                ("Class ordered", number(ut["class_ordered"])),
                (
                    "Body / edge class found",
                    f"{number(ut['body_class_met'])} / {number(ut['edge_class_met'])}",
                ),
                ("Result", number(ut["result"])),
            ]
        )
    }</table>
<h2>Dimensions, surface and marking</h2>
<table>{
        _rows(
            [
                ("Tolerances", number(refs["dimensions"])),
                (
                    "Flatness",
                    f"{number(flat['value_mm_per_m'], 1, 'mm/m')} measured "
                    + _verdict(
                        flat.get("conforms"),
                        f"(tolerance {number(flat['tolerance_mm_per_m'], 1, 'mm/m')})",
                    )
                    + f"; {number(refs['flatness'])}",
                ),
                ("Surface quality", number(refs["surface"])),
                ("Marking", number(refs["marking"])),
            ]
        )
    }</table>
<h2>Delivery condition</h2>
<table>{
        _rows(
            [
                ("Condition", number(dc["condition"])),
                ("Austenitising", number(dc["austenitising_c"], 0, "°C")),
                (
                    "Tempering",
                    f"{number(dc['temper_temp_c'], 0, '°C')}, {number(dc['temper_min'], 0, 'min')}",
                ),
                ("Heat-treatment batch", number(dc["ht_batch_id"])),
                ("Cutting", number(dc["cutting_method"])),
            ]
        )
    }</table>
<h2>Statement of compliance</h2>
<p class="statement{"" if compliance["compliant"] else " bad"}">{
        html.escape(compliance["statement"])
    }</p>
<table class="sign">{
        _rows(
            [
                ("Authorised inspection representative", number(c["inspection_representative"])),
                ("Capacity", number(c["issued_by"])),
                ("Date", number(c["date"])),
                ("Signature / stamp", ""),
            ]
        )
    }</table>
<p class="small">Generated by {html.escape(c["source"]["generator"])} from run
{html.escape(c["source"]["run"])} (seed {html.escape(str(c["source"]["seed"]))}).
Synthetic data.</p>
</body></html>
"""
