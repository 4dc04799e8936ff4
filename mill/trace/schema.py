"""The data dictionary of the run folder: every table, every column, its unit and meaning.

This is the contract between simulating and analysing (DESIGN.md, the run folder). Writers
emit rows in exactly this column order; ``mill schema`` prints it; tests check every CSV's
header against it. Column names carry their unit (``_mm``, ``_t``, ``_c``, ``_min``, ``_h``,
``_hbw``, ``_j``, ``_pct``...); times are minutes from the run start, with ISO timestamps
(``_iso``) where people read them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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
        "heat-treatment batch: the tempering-furnace shift "
        "(HTyyyymmdd + A 06-14, B 14-22, C 22-06) the mother plate was tempered in",
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
    _c("charpy_t50_c", "°C", "float", "true Charpy transition temperature (tanh midpoint)", 1),
    _c(
        "charpy_t27j_c",
        "°C",
        "float",
        "true temperature of 27 J mean energy, T27J (empty if the upper shelf is below 27 J)",
        1,
    ),
    _c("charpy_true_j", "J", "float", "true mean impact energy at the test temperature", 1),
    _c("charpy_meas_avg_j", "J", "float", "measured mean of the set that stands for it", 1),
    _c("charpy_test_plate", "", "string", "plate whose Charpy set stands for this plate"),
    _c("charpy_test_temp_c", "°C", "float", "Charpy test temperature", 1),
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
    _c("length_mm", "mm", "float", "true length in the rolling direction", 2),
    _c("width_mm", "mm", "float", "true width", 2),
    _c("area_mm2", "mm²", "float", "true area in the plate plane", 2),
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
        "reject, accept, dismissed (false call), missed, removed "
        "(repaired or cut away), scrapped (went with crop, trim or skeleton)",
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
    _c("value", "", "float", "measured value (HBW, J, mm/m)", 2),
    _c("unit", "", "category", "unit of value and spec"),
    _c("true_value", "", "float", "the true value behind the measurement", 2),
    _c("spec_low", "", "float", "lower specification limit (same unit as value)", 2),
    _c("spec_high", "", "float", "upper specification limit (same unit as value)", 2),
    _c("pass", "", "bool", "within specification"),
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

# ---- the experiment folder (mill experiment; written by mill/experiment/aggregate.py) -------
FACTOR_COLUMN = "<factor key>"
"""Stands for one column per factor of the design (its dotted scenario path)."""
KPI_COLUMN = "<KPI path>"
"""Stands for one column per KPI (its dotted path)."""


def _e(name: str, unit: str, dtype: str, meaning: str) -> Column:
    """A column of an experiment table (floats at full precision: no fixed decimals)."""
    return Column(name, unit, dtype, meaning)


_POINT = (
    _e("point", "", "category", "design point p01, p02... (alternatives outermost, then the "
       "factor levels in file order)"),
    _e("label", "", "category", "readable name of the point: the alternative and each factor "
       "level as LAST_KEY_PART=LEVEL ('base' when there are neither)"),
)  # fmt: skip
_KPI = (
    _e("kpi", "", "category", "KPI: its dotted path, a runs.csv column"),
    _e("better", "", "category", "high or low: the better direction of the KPI (fewer "
       "escapes, more yield); empty when it has none (WIP)"),
)  # fmt: skip
EXPERIMENT_RUNS: tuple[Column, ...] = (
    _e("run_id", "", "string", "run folder under runs/: POINT-rKKK"),
    *_POINT,
    _e("alternative", "", "category", "alternative's name (empty when the experiment has none)"),
    _e(FACTOR_COLUMN, "", "as given", "one column per factor, named by its dotted scenario "
       "path (grades.NM400.temper_temp_c): the level at this point"),
    _e("replication", "", "int", "replication k (1-based); replication k of every point ran "
       "with the same seed (common random numbers)"),
    _e("seed", "", "int", "run seed of replication k: first 32-bit word of "
       "SeedSequence(experiment seed, spawn_key=(k,))"),
    _e("status", "", "category", "ok; failed (the run raised); invariant_violated (the run "
       "finished but an invariant failed); only ok runs enter summary.csv and comparisons.csv"),
    _e("error", "", "string", "why the run failed (exception message or failed invariants); "
       "empty when ok"),
    _e(KPI_COLUMN, "", "float", "one column per KPI, in name order, named by its dotted path "
       "in the run's summary.json (escapes.per_million_prime, "
       "yield_by_tonnage.slab_to_prime_pct...), plus from plates.csv (released plates in the KPI "
       "window): ut_rejects_pct, ut_indications_per_plate, charpy_true_j.GRADE and "
       "hardness_true_hbw.GRADE (mean true values); empty when the run failed or the KPI is "
       "undefined"),
)  # fmt: skip
EXPERIMENT_SUMMARY: tuple[Column, ...] = (
    *_POINT,
    _e("alternative", "", "category", "alternative's name (empty when there are none)"),
    *_KPI,
    _e("n", "", "int", "replications the statistics use: successful runs (within the point's "
       "replications used) with a finite value"),
    _e("mean", "", "float", "mean of the KPI over the n replications (the KPI's unit)"),
    _e("sd", "", "float", "sample standard deviation (n − 1); empty when n < 2"),
    _e("ci_low", "", "float", "lower end of the 95 % Student-t interval for the mean, "
       "mean − t(n−1, 0.975)·sd/√n; empty when n < 2"),
    _e("ci_high", "", "float", "upper end of that interval"),
    _e("half_width", "", "float", "(ci_high − ci_low) / 2"),
    _e("in_best_subset", "", "bool", "the point is in the subset that contains the best point "
       "with 95 % confidence (Nelson et al. 2001 screening, common random numbers); empty for "
       "a KPI without a direction, a single point or fewer than 2 replications"),
)  # fmt: skip
EXPERIMENT_COMPARISONS: tuple[Column, ...] = (
    *_POINT,
    _e("reference", "", "category", "the point it is compared against: the first "
       "alternative at the same factor levels (with no alternatives, the first point)"),
    _e("reference_label", "", "category", "label of the reference"),
    *_KPI,
    _e("n", "", "int", "replication pairs: both points succeeded and both values are finite"),
    _e("reference_mean", "", "float", "mean of the reference over the replications both "
       "points have (its finite values)"),
    _e("point_mean", "", "float", "mean of the point over the same replications"),
    _e("diff_mean", "", "float", "mean of the paired differences point − reference "
       "(replication k against replication k: same seed)"),
    _e("diff_sd", "", "float", "standard deviation of the paired differences"),
    _e("diff_ci_low", "", "float", "lower end of the 95 % paired-t interval for the "
       "difference"),
    _e("diff_ci_high", "", "float", "upper end of that interval"),
    _e("diff_pct", "%", "float", "100 · diff_mean / |reference_mean|; empty when that is 0"),
    _e("excludes_zero", "", "bool", "the 95 % interval excludes 0: a difference shown at "
       "the 5 % level"),
    _e("bonferroni_m", "", "int", "m, the number of point-vs-reference comparisons of this "
       "KPI (the Bonferroni family: one KPI's comparisons, not all KPIs)"),
    _e("bonferroni_ci_low", "", "float", "lower end of the interval at level 1 − 0.05/m, so "
       "the m intervals of a KPI hold jointly with 95 % confidence"),
    _e("bonferroni_ci_high", "", "float", "upper end of that interval"),
    _e("bonferroni_excludes_zero", "", "bool", "the Bonferroni interval excludes 0"),
    _e("crn_variance_ratio", "", "float", "Var(differences) / (Var(point) + Var(reference)): "
       "below 1, common random numbers made the comparison that much more precise than "
       "independent runs"),
)  # fmt: skip
EXPERIMENT_TABLES: dict[str, tuple[Column, ...]] = {
    "runs": EXPERIMENT_RUNS,
    "summary": EXPERIMENT_SUMMARY,
    "comparisons": EXPERIMENT_COMPARISONS,
}
"""The tables of an experiment folder. Floats are written at full precision (not rounded to a
number of decimals); a missing value is an empty cell."""
_EXPERIMENT_TITLE = "The experiment folder"
_EXPERIMENT_NOTE = (
    "`mill experiment` writes these three tables beside its `runs/` folder of run folders. "
    "Floats are written at full precision; a missing value is an empty cell."
)


def column_names(table: str) -> list[str]:
    """Column names of ``table`` in file order."""
    return [c.name for c in TABLES[table]]


@functools.cache
def record(table: str) -> Callable[..., tuple[Any, ...]]:
    """The row maker of ``table``: ``record("plates")(plate_id=..., order_id=..., ...)``
    takes every column by name, in file order, and returns the row as a plain tuple for the
    table writer's template. A column missing, misspelt, extra or out of place is a
    ``TypeError`` naming it at the first row written (one comparison of the names checks
    them all: about 1 µs for the 64 columns of plates.csv)."""
    names = tuple(column_names(table))

    def row(**values: Any) -> tuple[Any, ...]:
        if tuple(values) != names:
            raise TypeError(_row_error(table, names, tuple(values)))
        return tuple(values.values())

    return row


def _row_error(table: str, names: tuple[str, ...], given: tuple[str, ...]) -> str:
    missing = [n for n in names if n not in given]
    extra = [n for n in given if n not in names]
    if missing or extra:
        return f"{table} row: missing columns {missing}, unknown columns {extra}"
    wrong = next(i for i, (a, b) in enumerate(zip(names, given, strict=True)) if a != b)
    return f"{table} row: column {wrong + 1} is {names[wrong]!r}, the row gives {given[wrong]!r}"


def table_markdown(heading: str, cols: tuple[Column, ...]) -> list[str]:
    """One table of the dictionary as Markdown lines: a heading, then a row per column."""
    lines = [f"## {heading}", "", "| column | unit | type | meaning |", "|---|---|---|---|"]
    lines += [f"| `{c.name}` | {c.unit} | {c.type_label} | {c.meaning} |" for c in cols]
    return [*lines, ""]


def table_text(heading: str, cols: tuple[Column, ...]) -> list[str]:
    """One table of the dictionary as aligned plain-text lines."""
    width = max(len(c.name) for c in cols)
    out = [heading]
    for c in cols:
        unit = f"[{c.unit}]" if c.unit else ""
        out.append(f"  {c.name:<{width}}  {unit:<9} {c.meaning}")
    return [*out, ""]


def markdown() -> str:
    """The data dictionary as Markdown tables (for the docs and ``mill schema --markdown``)."""
    lines = ["# Data dictionary", "", "The tables of a run folder (`mill run`).", ""]
    for title, tables in (("", TABLES), (_EXPERIMENT_TITLE, EXPERIMENT_TABLES)):
        if title:
            lines += [f"# {title}", "", _EXPERIMENT_NOTE, ""]
        for table, cols in tables.items():
            lines += table_markdown(f"{table}.csv", cols)
    return "\n".join(lines)


def text() -> str:
    """The data dictionary as aligned plain text (``mill schema``)."""
    out: list[str] = []
    for table, cols in [*TABLES.items(), *EXPERIMENT_TABLES.items()]:
        if table == next(iter(EXPERIMENT_TABLES)):
            out += [f"{_EXPERIMENT_TITLE}:", _EXPERIMENT_NOTE.replace("`", ""), ""]
        out += table_text(f"{table}.csv", cols)
    return "\n".join(out)
