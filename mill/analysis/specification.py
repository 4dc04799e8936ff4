"""What the product standard and the test standards require, as a certificate states it.

Sources (shared reference/domain.md §2.1, §2.2, §6): GB/T 24186-2022 Table 2 (heat analysis
maxima of the standard grades) and Table 3 (the D/E low-temperature qualities: tighter C, P,
S, Mo, Als and a CEV maximum by thickness). NM500's Table 2 row is marked "verify" there and no
NM500 Table 3 row was found, so no NM500 D/E quality and no CEV maximum is stated: an NM500
certificate states the impact test the grade requires (temperature and energy) instead
(``table3_quality``). A plate of a grade with a Table 3 row Charpy-tested at −40 °C is of the E
quality, at −20 °C of the D quality (GB/T 24186: KV2 ≥ 24 J at −20/−40 °C, longitudinal,
t ≤ 80 mm: domain.md §2.1, cehesteel); above 80 mm the impact test is not a requirement of the
standard (``IMPACT_MAX_THICKNESS_MM``), so the values are given for information.

Decimals (``chemistry_decimals``): each element to the decimals its limits use, with more where
the analysis would otherwise print as zero, or print equal to a limit it is outside of (limits
are compared on the unrounded analysis).

Marking: hardened wear plate is paint-stencilled; the certificate does not claim hard stamping
(domain.md §6.1 lists stamping and stencilling as plate-mill practice, and the identification
EN 10021 and EN 10204 traceability require; no clause on stamping hardened plate was read).

Charpy specimen size (assumption, cited): ISO 148-1 sub-size specimens of 7.5 and 5 mm width
for plate too thin for a 10 mm specimen, with the required energy reduced in proportion to the
width, as EN 10025-1/-2 and GB/T 1591 do (10 mm from 12 mm plate, 7.5 mm from 8 mm, 5 mm from
6 mm; no impact test below 6 mm). One single value may fall below the required average, not
below 70 % of it (EN 10025-2; domain.md §2.2, SSAB practice).
"""

from __future__ import annotations

from typing import Any

from mill.quality.chemistry import GBT24186_TABLE3, cev_limit, impact_quality
from mill.quality.toughness import IMPACT_MAX_THICKNESS_MM, charpy_specimen_width_mm
from mill.scenario.quality import Testing

__all__ = [
    "CHEMISTRY_DECIMALS",
    "IMPACT_MAX_THICKNESS_MM",
    "SINGLE_VALUE_FRACTION",
    "TOLERANCES",
    "charpy_specimen",
    "chemistry_decimals",
    "chemistry_limits",
    "chemistry_text",
    "impact_quality",
    "table3_quality",
]


#: Decimals a certificate gives each element (heat analysis, wt %).
CHEMISTRY_DECIMALS: dict[str, int] = {
    "C": 3, "Si": 2, "Mn": 2, "P": 3, "S": 3, "Cr": 2, "Ni": 2, "Mo": 2, "Cu": 2, "Ti": 3,
    "B": 4, "Al": 3, "N": 4, "CEV": 2, "CET": 2, "Pcm": 2, "RE": 4,
}  # fmt: skip

#: GB/T 24186-2022 Table 2, maxima (wt %) of the standard grades; B a window, Als a minimum.
_ELEMENTS_2 = ("C", "Si", "Mn", "P", "S", "Cr", "Ni", "Mo", "Ti")
_TABLE_2: dict[str, dict[str, float]] = {
    grade: dict(zip(_ELEMENTS_2, maxima, strict=True))
    for grade, maxima in {
        "NM400": (0.30, 0.70, 1.60, 0.025, 0.010, 1.20, 0.70, 0.50, 0.05),
        "NM450": (0.35, 0.70, 1.70, 0.025, 0.010, 1.40, 0.80, 0.55, 0.05),
        "NM500": (0.38, 0.70, 1.70, 0.020, 0.010, 1.50, 1.00, 0.65, 0.05),
        "NM600": (0.45, 0.70, 1.90, 0.020, 0.010, 1.60, 2.00, 0.80, 0.05),
    }.items()
}
_B_WINDOW = (0.0005, 0.006)
_ALS_MIN = 0.010

#: The single-value fraction of a Charpy requirement when the run folder's scenario has none:
#: the scenario's own default (``quality.testing.charpy_single_min_frac``).
SINGLE_VALUE_FRACTION: float = Testing.model_fields["charpy_single_min_frac"].default

#: The standards a receiving inspector checks the plate against besides the product standard.
TOLERANCES: dict[str, str] = {
    "dimensions": "EN 10029 (thickness class A; width, length) / GB/T 709",
    "flatness": "EN 10029 flatness (deviation over a 1 m measuring length)",
    "surface": "EN 10163-2 class A, subclass 3",
    "marking": (
        "paint-stencilled (hardened wear plate is not hard-stamped): manufacturer, standard "
        "and grade, heat number, plate number and test unit, inspection representative's mark "
        "(EN 10021, EN 10204 traceability between product and document)"
    ),
}


def chemistry_limits(grade: str, quality: str, thickness_mm: float) -> dict[str, dict[str, Any]]:
    """Element → ``{"min": ..., "max": ...}`` (wt %, ``None`` where none applies), with
    ``CEV`` where GB/T 24186 gives one for this grade, quality and thickness."""
    base = _TABLE_2.get(grade, {})
    limits: dict[str, dict[str, Any]] = {el: {"min": None, "max": v} for el, v in base.items()}
    if base:
        limits["B"] = {"min": _B_WINDOW[0], "max": _B_WINDOW[1]}
        limits["Al"] = {"min": _ALS_MIN, "max": None}
    extra = GBT24186_TABLE3.get(grade) if quality in ("D", "E") else None
    if extra:
        for el, v in extra["max"].items():
            limits.setdefault(el, {"min": None, "max": None})["max"] = v
        if "als_min" in extra:
            limits["Al"] = {"min": extra["als_min"], "max": None}
        limits["CEV"] = {"min": None, "max": cev_limit(grade, quality, thickness_mm)}
    return limits


def charpy_specimen(thickness_mm: float) -> dict[str, Any]:
    """The Charpy specimen a plate of this thickness gives (``charpy_specimen_width_mm``): its
    width (mm), whether sub-size, and the factor its required energy is reduced by;
    ``width_mm`` None below 6 mm."""
    width = charpy_specimen_width_mm(thickness_mm)
    if width is not None:
        return {
            "width_mm": width,
            "size": f"10 × {width:g} × 55 mm" + (" (sub-size)" if width < 10 else ""),
            "subsize": width < 10,
            "energy_factor": width / 10.0,
            "standard": "ISO 148-1"
            + ("; sub-size energy reduced in proportion (EN 10025-1/-2)" if width < 10 else ""),
        }
    return {"width_mm": None, "size": "none (plate under 6 mm)", "subsize": False,
            "energy_factor": None, "standard": "no impact test under 6 mm"}  # fmt: skip


def table3_quality(grade: str, charpy_temp_c: float | None) -> str:
    """The GB/T 24186 Table 3 impact quality (``D``/``E``) of ``grade`` tested at this
    temperature, or ``""`` where the grade has no Table 3 row (NM500: none was found) or the
    temperature names no quality."""
    return impact_quality(charpy_temp_c) if grade in GBT24186_TABLE3 else ""


def chemistry_decimals(element: str, value: float | None, limit: float | None = None) -> int:
    """The decimals to print ``value`` of ``element`` (wt %) with: the decimals its limits use
    (``CHEMISTRY_DECIMALS``), more while a non-zero value would print as zero, and, given the
    ``limit`` it is compared with, more while it would print equal to a limit it differs from
    (limits are compared on the unrounded value); at most 6."""
    dp = CHEMISTRY_DECIMALS.get(element, 3)
    if value is None:
        return dp
    while dp < 6 and value != 0 and round(value, dp) == 0:
        dp += 1
    while dp < 6 and limit is not None and value != limit and round(value, dp) == limit:
        dp += 1
    return dp


def chemistry_text(element: str, value: float, limit: float | None = None) -> str:
    """``value`` with ``chemistry_decimals`` decimals, as the certificate prints it."""
    return f"{value:.{chemistry_decimals(element, value, limit)}f}"
