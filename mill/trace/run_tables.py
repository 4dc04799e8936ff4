"""The run folder's eight tables, column by column: the declarations of the data dictionary.

Column names carry their unit (``_mm``, ``_t``, ``_c``, ``_min``, ``_h``, ``_hbw``, ``_j``,
``_pct``...); times are minutes from the run start, with ISO timestamps (``_iso``) where people
read them. Code uses these tables through :mod:`mill.trace.schema` (the row maker, the
renderers), which re-exports every name here; a new column is declared here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    """One column: name (with unit suffix), unit, pandas dtype, meaning, and for a float the
    decimals it is written with (fixed-point; NaN and missing values are empty cells)."""

    name: str
    unit: str
    dtype: str
    meaning: str
    decimals: int | None = None

    @property
    def type_label(self) -> str:
        """The dtype as the data dictionary shows it (``float, 3 dp``)."""
        return f"{self.dtype}, {self.decimals} dp" if self.decimals is not None else self.dtype


def _c(name: str, unit: str, dtype: str, meaning: str, dp: int = 3) -> Column:
    """A column; a float is written with ``dp`` decimals (default 3: minutes to 0.06 s,
    tonnes to the kilogram)."""
    return Column(name, unit, dtype, meaning, dp if dtype == "float" else None)


#: Elements of the heat analysis in heats.csv (column ``<el>_pct``), in file order.
CHEMISTRY_ELEMENTS = ("C", "Si", "Mn", "P", "S", "Cr", "Ni", "Mo", "Cu", "Ti", "B", "Al", "N")

HEATS: tuple[Column, ...] = (
    _c("heat_id", "", "string", "heat number, H + 6 digits"),
    _c("sequence_id", "", "string", "caster sequence (tundish) the heat was cast in"),
    _c("seq_heat_index", "", "int", "1-based position of the heat in its sequence"),
    _c("seq_heats", "", "int", "number of heats in the sequence"),
    _c("grade", "", "category", "steel grade the heat was made to"),
    _c(
        "gauge_class",
        "",
        "category",
        "plate thickness class the heat's aim was designed for: over the first, up to the "
        "second figure (mm), e.g. 25-40",
    ),
    _c("liquid_mass_t", "t", "float", "liquid steel tapped"),
    _c("cast_mass_t", "t", "float", "slab tonnes cast from the heat"),
    _c("casting_loss_t", "t", "float", "ladle skull and tundish loss (liquid - cast)"),
    _c("released_min", "min", "float", "time the heat was released to the converter"),
    _c("tapped_min", "min", "float", "converter tap time"),
    _c("degassed_min", "min", "float", "end of vacuum degassing and RE addition"),
    _c("cast_start_min", "min", "float", "start of casting"),
    _c("cast_end_min", "min", "float", "end of casting"),
    _c("cast_start_iso", "", "datetime", "start of casting, ISO 8601"),
    *(
        _c(f"{el.lower()}_pct", "wt %", "float", f"heat analysis: {el}", 5)
        for el in CHEMISTRY_ELEMENTS
    ),
    _c("cev", "wt %", "float", "IIW carbon equivalent C+Mn/6+(Cr+Mo+V)/5+(Ni+Cu)/15", 4),
    _c("cet", "wt %", "float", "CET carbon equivalent (EN 1011-2)", 4),
    _c("pcm", "wt %", "float", "Ito-Bessyo Pcm", 4),
    _c("ideal_diameter_mm", "mm", "float", "Grossmann ideal critical diameter (ASTM A255)", 1),
    _c("ms_c", "°C", "float", "martensite start (Andrews 1965)", 1),
    _c("vacuum_degassed", "", "bool", "heat went through vacuum degassing"),
    _c("hydrogen_ppm", "ppm", "float", "dissolved hydrogen after secondary metallurgy", 2),
    _c("re_added_pct", "wt %", "float", "rare-earth (Ce+La) added, as wt % of the heat", 5),
    _c("re_recovery_frac", "", "float", "fraction of the added RE recovered in the steel"),
    _c("re_pct", "wt %", "float", "rare-earth content of the steel", 5),
    _c("re_s_ratio", "", "float", "RE/S mass ratio"),
    _c("inclusion_rate_factor", "", "float", "RE effect on inclusion-cluster rate (1 = none)"),
    _c(
        "globular_fraction", "", "float", "share of inclusions modified to globular RE oxysulphides"
    ),
    _c("superheat_c", "°C", "float", "tundish superheat", 1),
    _c("soft_reduction", "", "bool", "dynamic soft reduction was available for the heat"),
    _c("slabs", "", "int", "slabs cast from the heat (so far, for a heat in progress)"),
)

SLABS: tuple[Column, ...] = (
    _c("slab_id", "", "string", "slab number HEAT-Snn"),
    _c("heat_id", "", "string", "heat the slab was cast from"),
    _c("sequence_id", "", "string", "caster sequence"),
    _c("seq_position", "", "category", "first / middle / last slab of the cast sequence"),
    _c("thickness_mm", "mm", "float", "slab thickness", 1),
    _c("width_mm", "mm", "float", "slab width", 1),
    _c("length_mm", "mm", "float", "slab length", 1),
    _c("mass_t", "t", "float", "slab mass (density 7.85 t/m³)"),
    _c("cast_min", "min", "float", "time the slab was cut off the strand"),
    _c("charge", "", "category", "hot or cold charge into the reheating furnace"),
    _c("reheat_start_min", "min", "float", "charged into the reheating furnace"),
    _c("reheat_end_min", "min", "float", "discharged from the reheating furnace"),
    _c("reheat_temp_c", "°C", "float", "discharge temperature", 1),
    _c("descale_pressure_bar", "bar", "float", "primary descaling pressure", 1),
    _c("passes", "", "int", "rolling passes in the pass schedule"),
    _c("rolled_min", "min", "float", "end of rolling"),
    _c("rolled_mass_t", "t", "float", "plate mass after rolling (after scale loss)"),
    _c(
        "mother_plates",
        "",
        "int",
        "mother plates sheared from the rolled plate (empty until sheared)",
    ),
    _c("slab_defects", "", "int", "internal defects born in the slab (ground truth)"),
    _c(
        "porosity_closed",
        "",
        "int",
        "centre-porosity voids the rolling reduction closed (counted in slab_defects, not "
        "carried to the plate)",
    ),
)

PLATES: tuple[Column, ...] = (
    _c("plate_id", "", "string", "product plate HEAT-Snn-Mn-Pn (re-sized plates add R)"),
    _c("order_id", "", "string", "order the plate was made for (STOCK-... for stock fill)"),
    _c(
        "customer",
        "",
        "string",
        "customer of the order (from the orders CSV, or synthetic "
        "for generated orders; empty for stock fill)",
    ),
    _c("customer_po", "", "string", "the customer's purchase order number"),
    _c("customer_item", "", "string", "the item (line) of that purchase order"),
    _c("grade_ordered", "", "category", "grade on the order"),
    _c("grade_released", "", "category", "grade the plate was released as (empty if not)"),
    _c("heat_id", "", "string", "heat"),
    _c("slab_id", "", "string", "slab"),
    _c("mother_id", "", "string", "mother plate"),
    _c("sequence_id", "", "string", "caster sequence"),
    _c("seq_position", "", "category", "first / middle / last slab of the sequence"),
    _c(
        "ht_batch_id",
        "",
        "string",
        "heat-treatment batch: the calendar shift the mother plate entered the tempering "
        "furnace in (HTyyyymmdd of the shift's start + shift name; default A 06-14, B 14-22, "
        "C 22-06)",
    ),
    _c("thickness_mm", "mm", "float", "nominal thickness", 1),
    _c("width_mm", "mm", "float", "width as cut", 1),
    _c("length_mm", "mm", "float", "length as cut", 1),
    _c("mass_t", "t", "float", "mass as cut (to the gram: many plates of one size must add up)", 6),
    _c("ut_class_ordered", "", "category", "UT acceptance ordered: none, EN 10160 SxEy, A578A/B/C"),
    _c("charge", "", "category", "hot or cold charge of the slab"),
    _c("reheat_temp_c", "°C", "float", "slab discharge temperature", 1),
    _c("rolling_reduction_ratio", "", "float", "slab thickness / plate thickness", 2),
    _c("aust_temp_c", "°C", "float", "austenitising temperature", 1),
    _c("aust_min", "min", "float", "austenitising residence", 1),
    _c("quench_htc_w_m2k", "W/m²K", "float", "quench heat-transfer coefficient", 0),
    _c("quench_uniformity", "", "float", "quench uniformity across the plate (1 = ideal)"),
    _c("cooling_surface_c_per_s", "°C/s", "float", "cooling rate at 700 °C, 2 mm below surface", 2),
    _c("cooling_centre_c_per_s", "°C/s", "float", "cooling rate at 700 °C, mid-thickness", 2),
    _c("temper_temp_c", "°C", "float", "tempering temperature (last temper)", 1),
    _c("temper_min", "min", "float", "tempering residence (all tempers, as equivalent)", 1),
    _c("retempers", "", "int", "re-temper cycles"),
    _c("relevels", "", "int", "re-levelling cycles"),
    _c("cutting_method", "", "category", "plasma or oxyfuel"),
    _c("preheat_c", "°C", "float", "preheat applied before oxy-fuel cutting (0 = none)", 0),
    _c("preheat_required_c", "°C", "float", "preheat the SSAB table asks for", 0),
    _c("martensite_centre_frac", "", "float", "true martensite fraction at mid-thickness"),
    _c("hardness_true_hbw", "HBW", "float", "true surface hardness", 1),
    _c("hardness_centre_true_hbw", "HBW", "float", "true mid-thickness hardness", 1),
    _c("hardness_meas_hbw", "HBW", "float", "surface hardness the lot test reported for it", 1),
    _c("hardness_test_plate", "", "string", "plate whose test stands for this plate"),
    _c(
        "hardness_centre_meas_hbw",
        "HBW",
        "float",
        "measured centre hardness (empty if not tested)",
        1,
    ),
    _c(
        "charpy_t50_c",
        "°C",
        "float",
        "true mid-energy temperature of the tanh curve (half-way up the upper shelf; it rises "
        "a little as a cleaner plate's shelf rises with the cleavage tail fixed, so compare "
        "toughness by charpy_t27j_c or charpy_true_j)",
        1,
    ),
    _c(
        "charpy_t27j_c",
        "°C",
        "float",
        "true temperature of 27 J mean energy, T27J (empty if the upper shelf is below 27 J)",
        1,
    ),
    _c("charpy_true_j", "J", "float", "true mean impact energy at the test temperature", 1),
    _c(
        "charpy_meas_avg_j",
        "J",
        "float",
        "measured mean of the set that stands for it, as full-size (10 mm) energy like "
        "tests.csv's values, also for a sub-size lot (the certificate prints it scaled by the "
        "specimen width)",
        1,
    ),
    _c(
        "charpy_test_plate",
        "",
        "string",
        "plate whose Charpy set stands for this plate (empty under 6 mm: no impact test)",
    ),
    _c("charpy_test_temp_c", "°C", "float", "Charpy test temperature (empty if not tested)", 1),
    _c("defects_true", "", "int", "true defects in the plate (all mechanisms)"),
    _c("defects_detected", "", "int", "true defects detected by any inspection"),
    _c("ut_indications", "", "int", "confirmed UT indications (true or false)"),
    _c(
        "false_calls",
        "",
        "int",
        "confirmed UT false calls: of ut_indications, those with no defect behind them "
        "(the manual re-check did not dismiss them)",
    ),
    _c("ut_body_class", "", "category", "best EN 10160 body class met (S3 best .. none)"),
    _c("ut_edge_class", "", "category", "best EN 10160 edge class met (E4 best .. none)"),
    _c("ut_pass", "", "bool", "meets the ordered UT class (true if none ordered)"),
    _c("nonconforming_true", "", "bool", "truth: the plate does not meet its order"),
    _c("disposition", "", "category", "prime, downgraded, scrap, or wip at the run end"),
    _c(
        "reason",
        "",
        "string",
        "reason code of the disposition (empty for a prime plate that met every check)",
    ),
    _c("escape", "", "bool", "released prime although truly nonconforming"),
    _c(
        "escape_reasons",
        "",
        "string",
        "for an escape, each nonconformity and why it got through, as nonconformity:reason "
        "joined by ; (reasons: missed_by_pod, below_recording_level, not_inspected_by_method, "
        "lot_tested_only, measurement_error, appeared_after_inspection, accepted_by_rule); "
        "empty otherwise",
    ),
    _c(
        "false_reject", "", "bool", "not released prime although truly conforming when first judged"
    ),
    _c("order_arrival_min", "min", "float", "order entered the order book"),
    _c("cast_min", "min", "float", "slab cast"),
    _c("cut_min", "min", "float", "plate cut from its mother plate"),
    _c("done_min", "min", "float", "disposition decided"),
    _c("done_iso", "", "datetime", "disposition decided, ISO 8601"),
    _c("due_min", "min", "float", "order due"),
    _c("late", "", "bool", "released after the due time (empty if scrapped or in progress)"),
    _c("lead_time_h", "h", "float", "order arrival to disposition"),
    _c("flow_time_h", "h", "float", "slab cast to disposition"),
    _c("in_window", "", "bool", "disposed after the warm-up (counts in the KPIs)"),
)

GENEALOGY: tuple[Column, ...] = (
    _c("parent_id", "", "string", "parent entity"),
    _c("child_id", "", "string", "child entity, scrap piece (-Xn) or loss (-LOSS)"),
    _c("relation", "", "category", "cast, rolled, cut, recut, scrap, loss"),
    _c("mass_t", "t", "float", "mass passed to the child", 4),
    _c("time_min", "min", "float", "when"),
)

EVENTS: tuple[Column, ...] = (
    _c("entity_id", "", "string", "heat, slab, mother plate or product plate"),
    _c("entity_kind", "", "category", "heat, slab, mother, plate"),
    _c(
        "stage",
        "",
        "category",
        "steelmaking, casting, rolling, heat_treatment, cutting, inspection, rework",
    ),
    _c("unit", "", "category", "unit visited"),
    _c("arrive_min", "min", "float", "arrived at the unit's queue"),
    _c("start_min", "min", "float", "processing started"),
    _c("end_min", "min", "float", "left the unit"),
)

DEFECTS: tuple[Column, ...] = (
    _c("defect_id", "", "string", "defect or false-call id"),
    _c("entity_id", "", "string", "plate (or scrap piece) carrying it"),
    _c("heat_id", "", "string", "heat"),
    _c("is_true", "", "bool", "a real defect (false: a UT false call)"),
    _c("mechanism", "", "category", "defect mechanism (false_call for false calls)"),
    _c("origin_stage", "", "category", "stage where it was born (ground truth)"),
    _c("root_cause", "", "string", "root cause code (ground truth)"),
    _c("x_mm", "mm", "float", "position along the length of its carrier", 1),
    _c("y_mm", "mm", "float", "position across the width", 1),
    _c("z_frac", "", "float", "depth as fraction of thickness (0.5 = mid)"),
    _c("length_mm", "mm", "float", "true length in the rolling direction (empty: false call)", 2),
    _c("width_mm", "mm", "float", "true width (empty for a false call)", 2),
    _c("area_mm2", "mm²", "float", "true area in the plate plane (empty for a false call)", 2),
    _c("zone", "", "category", "body or edge (EN 10160 edge zone) or scrap"),
    _c("detected", "", "bool", "found by an inspection"),
    _c(
        "detected_by",
        "",
        "category",
        "ut, manual_ut, visual, flatness, surface_inspection, edge_mt, or none",
    ),
    _c("measured_area_mm2", "mm²", "float", "area the inspection reported (empty if missed)", 2),
    _c(
        "call",
        "",
        "category",
        "accept (found, on a plate released prime), reject (found, on a plate downgraded or "
        "scrapped), dismissed (a false call the manual re-check dismissed), missed, removed "
        "(repaired or cut away), scrapped (went with crop, trim or skeleton), wip (on a plate "
        "still in process at the run's end); an upheld false call is called like a found "
        "defect",
    ),
    _c(
        "missed_reason",
        "",
        "category",
        "for a true defect no inspection found on a disposed plate, why: missed_by_pod, "
        "not_inspected_by_method, measurement_error (flatness), appeared_after_inspection "
        "(a delayed cut-edge crack); empty otherwise",
    ),
)

TESTS: tuple[Column, ...] = (
    _c("test_id", "", "string", "test number"),
    _c("entity_id", "", "string", "plate tested"),
    _c("lot_id", "", "string", "test lot the result stands for"),
    _c(
        "kind",
        "",
        "category",
        "hardness_surface, hardness_centre, hardness_portable, charpy, flatness",
    ),
    _c("position", "", "string", "specimen position"),
    _c("temp_c", "°C", "float", "test temperature (Charpy)", 1),
    _c(
        "value",
        "",
        "float",
        "measured value (HBW, J, mm/m); a Charpy value is the full-size (10 mm) energy, also "
        "for a sub-size lot (lot id ending -W7.5 or -W5), whose certificate prints it and the "
        "requirement scaled by the specimen width",
        2,
    ),
    _c("unit", "", "category", "unit of value and spec"),
    _c("true_value", "", "float", "the true value behind the measurement", 2),
    _c("spec_low", "", "float", "lower specification limit (same unit as value)", 2),
    _c("spec_high", "", "float", "upper specification limit (same unit as value)", 2),
    _c(
        "pass",
        "",
        "bool",
        "within specification: a hardness reading within its limits; for Charpy, the verdict "
        "of the set the specimen belongs to (set rule, or the six-value retest rule), on "
        "every specimen of the set",
    ),
    _c("retest", "", "bool", "a retest"),
    _c("time_min", "min", "float", "when the result was known"),
)

EQUIPMENT: tuple[Column, ...] = (
    _c("unit", "", "category", "unit"),
    _c(
        "state",
        "",
        "category",
        "down (unit stopped), else busy (any slot working), blocked (no slot working, one "
        "holding a finished piece) or idle",
    ),
    _c("start_min", "min", "float", "interval start"),
    _c("end_min", "min", "float", "interval end"),
    _c("duration_min", "min", "float", "interval length"),
    _c(
        "busy_slot_min",
        "min",
        "float",
        "slot-minutes worked in the interval (a furnace of 12 slots, 12 working for 10 min: "
        "120); busy_slot_min / (capacity x window) is the unit's utilisation",
    ),
    _c(
        "blocked_slot_min",
        "min",
        "float",
        "slot-minutes held by finished pieces waiting for the next unit in the interval",
    ),
    _c(
        "stop",
        "",
        "category",
        "why a down unit is stopped: breakdown, roll_change, maintenance or off_shift (the "
        "earliest of overlapping stops); empty when not down",
    ),
    _c(
        "stop_type",
        "",
        "category",
        "planned (roll_change, maintenance, off_shift) or unplanned (breakdown); empty when "
        "not down",
    ),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "heats": HEATS,
    "slabs": SLABS,
    "plates": PLATES,
    "genealogy": GENEALOGY,
    "events": EVENTS,
    "defects": DEFECTS,
    "tests": TESTS,
    "equipment": EQUIPMENT,
}
