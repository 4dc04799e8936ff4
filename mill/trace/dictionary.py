"""The whole data dictionary: the run folder and the experiment folder (``mill.trace.schema``)
and the tables derived from a finished run: ``mill rescore``'s plates table and the
root-cause-analysis data set (``mill export --rca``). ``mill schema`` prints it and
``docs/data-dictionary.md`` is its Markdown.

The derived columns reuse the run folder's names, units and meanings where they carry the
same value (a heat's chemistry, a plate's process parameters), so one name means one thing.
"""

from __future__ import annotations

from mill.trace import schema
from mill.trace.run_tables import _c
from mill.trace.schema import CHEMISTRY_ELEMENTS, Column

_BY_NAME = {
    table: {c.name: c for c in cols} for table, cols in schema.TABLES.items()
}  # fmt: skip


def _from(table: str, name: str, rename: str = "", meaning: str = "") -> Column:
    """A run-folder column carried into a derived table (optionally renamed or re-worded)."""
    c = _BY_NAME[table][name]
    return Column(rename or c.name, c.unit, c.dtype, meaning or c.meaning, c.decimals)


_OUTCOME = ("disposition", "reason", "grade_released", "nonconforming_true", "escape",
            "false_reject")  # fmt: skip

RESCORE_PLATES: tuple[Column, ...] = (
    _from("plates", "plate_id"),
    _from("plates", "grade_ordered"),
    _from("plates", "thickness_mm"),
    _from("plates", "mass_t"),
    _from("plates", "in_window"),
    _c("reworked", "", "bool", "the plate went through rework in the run (re-temper, "
       "re-level, grind, cut-out): its first measurements were replaced, so it is re-scored "
       "only when the overrides cannot touch its path"),
    *(_from("plates", n, f"{n}_original",
            f"as the run recorded it: {_BY_NAME['plates'][n].meaning}") for n in _OUTCOME),
    _c("status", "", "category", "unchanged (same outcome), changed (the overrides change its "
       "outcome), needs_resimulation (its outcome depends on measurements the run never made: "
       "see note), wip (in progress at the run end, not judged)"),
    *(_from("plates", n, n, f"re-scored (empty when it needs re-simulation): "
            f"{_BY_NAME['plates'][n].meaning}") for n in _OUTCOME),
    _c("note", "", "string", "why the plate needs re-simulation, or what changed"),
)  # fmt: skip

RCA: tuple[Column, ...] = (
    _c("nonconformity_id", "", "string", "the defect id (defects.csv), or the test id of the "
       "failed test (tests.csv; a Charpy set: its first specimen)"),
    _c("source", "", "category", "defect (a defect an inspection found and confirmed) or test "
       "(a failed hardness, Charpy or flatness test)"),
    _c("found_by", "", "category", "the inspection or test that found it: ut, manual_ut, "
       "visual, flatness, or the test kind hardness_surface, hardness_centre, charpy, flatness"),
    _c("finding", "", "category", "what the mill's own record calls it: ut_indication (UT "
       "cannot tell an inclusion from porosity or a flake), the visual classification "
       "(surface_crack, rolled_in_scale, quench_crack, cut_edge_crack; assumed right), "
       "flatness, or KIND_fail for a failed test"),
    _from("defects", "call"),
    _from("defects", "measured_area_mm2"),
    _from("defects", "x_mm", meaning="position of the finding along the plate (empty for a test)"),
    _from("defects", "y_mm", meaning="position across the width (empty for a test)"),
    _from("defects", "z_frac", meaning="depth as a fraction of thickness (empty for a test)"),
    _from("defects", "zone", meaning="body or edge (EN 10160 edge zone); empty for a test"),
    _c("test_value", "", "float", "measured value of the failed test (HBW, J mean of the set, "
       "mm/m)", 2),
    _from("tests", "unit", "test_unit"),
    _from("tests", "spec_low"),
    _from("tests", "spec_high"),
    _from("tests", "temp_c", "test_temp_c"),
    _from("tests", "retest"),
    _from("plates", "plate_id", meaning="product plate as finally recorded in plates.csv "
          "(re-sized plates carry R)"),
    _c("entity_id", "", "string", "the plate (or the piece cut away from it) as it was when "
       "found"),
    _from("plates", "heat_id"),
    _from("plates", "slab_id"),
    _from("plates", "mother_id"),
    _from("plates", "sequence_id"),
    _from("heats", "seq_heat_index"),
    _from("plates", "seq_position"),
    _from("plates", "ht_batch_id"),
    _from("plates", "order_id"),
    _from("plates", "grade_ordered"),
    _from("plates", "ut_class_ordered"),
    _from("plates", "thickness_mm"),
    _from("plates", "width_mm"),
    _from("plates", "length_mm"),
    *(_from("heats", f"{el.lower()}_pct") for el in CHEMISTRY_ELEMENTS),
    _from("heats", "cev"),
    _from("heats", "ideal_diameter_mm"),
    _from("heats", "vacuum_degassed"),
    _from("heats", "hydrogen_ppm"),
    _from("heats", "re_added_pct"),
    _from("heats", "re_pct"),
    _from("heats", "re_s_ratio"),
    _from("heats", "superheat_c"),
    _from("heats", "soft_reduction"),
    _from("slabs", "thickness_mm", "slab_thickness_mm"),
    _from("plates", "charge"),
    _from("plates", "reheat_temp_c"),
    _from("slabs", "descale_pressure_bar"),
    _from("slabs", "passes"),
    _from("plates", "rolling_reduction_ratio"),
    _from("plates", "aust_temp_c"),
    _from("plates", "aust_min"),
    _from("plates", "quench_htc_w_m2k"),
    _from("plates", "quench_uniformity"),
    _from("plates", "temper_temp_c"),
    _from("plates", "temper_min"),
    _from("plates", "retempers"),
    _from("plates", "relevels"),
    _from("plates", "cutting_method"),
    _from("plates", "preheat_c"),
    _from("plates", "preheat_required_c"),
    _from("plates", "hardness_meas_hbw"),
    _from("plates", "hardness_centre_meas_hbw"),
    _from("plates", "charpy_meas_avg_j"),
    _from("plates", "ut_indications"),
    _from("plates", "ut_body_class"),
    _from("plates", "ut_edge_class"),
    _c("label_root_cause", "", "string", "ground truth: the root cause (defects.csv root_cause "
       "for a defect; for a failed test measurement_noise when the true value met the "
       "specification, else true_hardness_above_window, true_hardness_below_window, "
       "true_centre_hardness_low or true_toughness_low: the model computes properties from "
       "chemistry, quench and temper together and names no single cause for them)"),
    _c("label_mechanism", "", "category", "ground truth: the defect mechanism, or the property "
       "out of specification (hardness, centre_hardness, toughness, flatness) for a test"),
    _c("label_origin_stage", "", "category", "ground truth: stage where the defect was born "
       "(empty for a test)"),
    _c("label_true_area_mm2", "mm²", "float", "ground truth: the defect's true area (empty for "
       "a test)", 2),
    _c("label_true_value", "", "float", "ground truth: the true value behind the failed test "
       "(same unit as test_value; empty for a defect)", 2),
)  # fmt: skip

DERIVED_TABLES: dict[str, tuple[Column, ...]] = {
    "rescore plates": RESCORE_PLATES,
    "rca": RCA,
}
"""Tables derived from a finished run folder (not part of the run folder itself)."""
_TITLE = "Tables derived from a run"
_NOTE = (
    "`mill rescore RUN` writes `plates.csv` (the `rescore plates` table) beside its "
    "`summary.json`; `mill export RUN --rca FILE.csv` writes the `rca` table, one row per "
    "detected nonconformity with its true root cause as the label."
)


def markdown() -> str:
    """The whole data dictionary as Markdown (``mill schema --markdown``, the docs)."""
    lines = [schema.markdown().rstrip(), "", f"# {_TITLE}", "", _NOTE, ""]
    for table, cols in DERIVED_TABLES.items():
        name = "plates.csv (mill rescore)" if table == "rescore plates" else "FILE.csv (--rca)"
        lines += schema.table_markdown(name, cols)
    return "\n".join(lines)


def text() -> str:
    """The whole data dictionary as aligned plain text (``mill schema``)."""
    out = [schema.text().rstrip(), "", f"{_TITLE}:", _NOTE.replace("`", ""), ""]
    for table, cols in DERIVED_TABLES.items():
        out += schema.table_text(table, cols)
    return "\n".join(out)
