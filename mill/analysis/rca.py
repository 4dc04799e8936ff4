"""A ground-truth data set for root-cause analysis: one row per detected nonconformity of a
run, with what a mill's own systems would hold about it and the true root cause as the label
(``mill export RUN --rca FILE.csv``; columns in ``mill.trace.dictionary.RCA``).

A detected nonconformity is

* a true defect an inspection found and confirmed (defects.csv ``is_true`` and ``detected``;
  also one later ground off, re-levelled or cut away: it was found). UT false calls are not
  nonconformities (nothing is wrong) and are left out; so are defects nobody found;
* a failed test (tests.csv ``pass`` false): one row per hardness reading, per Charpy set
  (its three specimens are one result) and per flatness reading, except a failed flatness
  reading of a plate with a true flatness defect (true value above the tolerance): that
  defect's own row already stands for it.

The label of a defect is its recorded ``root_cause``. A failed test has no defect object: its
label is ``measurement_noise`` when the true value behind it met the specification, else the
true property out of specification (``PROPERTY_CAUSES``): the model computes hardness and
toughness from chemistry, quench and temper together and names no single cause for them.

The features are what the mill records: lineage ids, the heat analysis, casting and rolling
conditions, heat treatment, cutting, the plate's measurements and the finding as the
inspection reports it (UT reports an indication, not its mechanism). Model-only truths
(cooling rates, martensite fraction, true hardness, RE recovery) stay out of the features.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from mill.analysis.load import AnalysisError, Run, RunLike, as_run
from mill.trace.dictionary import RCA
from mill.trace.writer import TableWriter

__all__ = ["PROPERTY_CAUSES", "rca_dataset", "write_rca_dataset"]

COLUMNS: tuple[str, ...] = tuple(c.name for c in RCA)
PROPERTY_CAUSES: dict[str, tuple[str, str, str]] = {
    # test kind: (property, label when true value is above spec_high, ... below spec_low)
    "hardness_surface": ("hardness", "true_hardness_above_window", "true_hardness_below_window"),
    "hardness_centre": ("centre_hardness", "", "true_centre_hardness_low"),
    "charpy": ("toughness", "", "true_toughness_low"),
    "flatness": ("flatness", "", ""),
}
"""The label of a failed test whose true value is out of specification, by test kind."""
NOISE = "measurement_noise"
_UT = ("ut", "manual_ut")
_HEAT_COLS = [c for c in COLUMNS if c.endswith("_pct") and c != "re_added_pct"] + [
    "seq_heat_index", "cev", "ideal_diameter_mm", "vacuum_degassed", "hydrogen_ppm",
    "re_added_pct", "re_s_ratio", "superheat_c", "soft_reduction",
]  # fmt: skip
_SLAB_COLS = {"thickness_mm": "slab_thickness_mm", "descale_pressure_bar": "descale_pressure_bar",
              "passes": "passes"}  # fmt: skip


def _base(ids: pd.Series) -> pd.Series:
    """The plate a piece belongs to (``...-P3R1-X`` → ``...-P3``)."""
    return ids.astype("string").str.replace(r"-X\d*$", "", regex=True).str.split("R").str[0]


def _label(kind: str, true: float, lo: float, hi: float) -> str:
    _, above, below = PROPERTY_CAUSES[kind]
    if not math.isnan(hi) and true > hi and above:
        return above
    if not math.isnan(lo) and true < lo and below:
        return below
    return NOISE


def _defect_rows(r: Run) -> pd.DataFrame:
    d = r.defects
    d = d[d["is_true"] & d["detected"]]
    by = d["detected_by"].astype("string")
    mech = d["mechanism"].astype("string")
    return pd.DataFrame({
        "nonconformity_id": d["defect_id"],
        "source": "defect",
        "found_by": by,
        "finding": mech.where(~by.isin(_UT), "ut_indication"),
        "call": d["call"].astype("string"),
        "measured_area_mm2": d["measured_area_mm2"],
        "x_mm": d["x_mm"], "y_mm": d["y_mm"], "z_frac": d["z_frac"],
        "zone": d["zone"].astype("string"),
        "entity_id": d["entity_id"],
        "label_root_cause": d["root_cause"],
        "label_mechanism": mech,
        "label_origin_stage": d["origin_stage"].astype("string"),
        "label_true_area_mm2": d["area_mm2"],
    })  # fmt: skip


def _test_rows(r: Run) -> pd.DataFrame:
    t = r.tests[~r.tests["pass"]].copy()
    t["kind"] = t["kind"].astype("string")
    t["unit"] = t["unit"].astype("string")
    charpy = t["kind"] == "charpy"
    # a Charpy set is one result: its specimens share plate, lot and retest flag
    sets = t[charpy].groupby(["entity_id", "lot_id", "kind", "retest"], sort=False)
    sets_t = sets.agg(
        test_id=("test_id", "first"), value=("value", "mean"), unit=("unit", "first"),
        true_value=("true_value", "first"), spec_low=("spec_low", "first"),
        spec_high=("spec_high", "first"), temp_c=("temp_c", "first"),
        time_min=("time_min", "first"),
    ).reset_index()  # fmt: skip
    t = pd.concat([t[~charpy], sets_t[[c for c in t.columns if c in sets_t.columns]]])
    t = t[~((t["kind"] == "flatness") & (t["true_value"] > t["spec_high"]))]
    labels = [
        _label(k, float(v), float(lo), float(hi))
        for k, v, lo, hi in zip(
            t["kind"], t["true_value"], t["spec_low"], t["spec_high"], strict=True
        )
    ]
    return pd.DataFrame({
        "nonconformity_id": t["test_id"],
        "source": "test",
        "found_by": t["kind"],
        "finding": t["kind"] + "_fail",
        "test_value": t["value"],
        "test_unit": t["unit"].astype("string"),
        "spec_low": t["spec_low"], "spec_high": t["spec_high"], "test_temp_c": t["temp_c"],
        "retest": t["retest"],
        "entity_id": t["entity_id"],
        "label_root_cause": labels,
        "label_mechanism": [PROPERTY_CAUSES[k][0] for k in t["kind"]],
        "label_true_value": t["true_value"],
        "_order": t["time_min"],
    })  # fmt: skip


def rca_dataset(run: RunLike) -> pd.DataFrame:
    """One row per detected nonconformity of ``run`` (defects first in file order, then failed
    tests in time order), with the columns of ``mill.trace.dictionary.RCA``."""
    r = as_run(run)
    tests = _test_rows(r).sort_values("_order", kind="stable").drop(columns="_order")
    rows = pd.concat([_defect_rows(r), tests], ignore_index=True)
    plates = r.plates.assign(_base=_base(r.plates["plate_id"])).drop_duplicates(
        "_base", keep="last"
    )
    rows["_base"] = _base(rows["entity_id"])
    lineage = [c for c in COLUMNS if c in plates.columns and c not in rows.columns]
    rows = rows.merge(plates[["_base", *lineage]], on="_base", how="left", validate="many_to_one")
    heats = r.heats[["heat_id", *_HEAT_COLS]]
    rows = rows.merge(heats, on="heat_id", how="left", validate="many_to_one")
    slabs = r.slabs[["slab_id", *_SLAB_COLS]].rename(columns=_SLAB_COLS)
    rows = rows.merge(slabs, on="slab_id", how="left", validate="many_to_one")
    if rows["plate_id"].isna().any():
        bad = rows.loc[rows["plate_id"].isna(), "entity_id"].iloc[0]
        raise AnalysisError(f"{r.path}: {bad} traces to no plate in plates.csv")
    return rows.reindex(columns=list(COLUMNS))


def _cell(v: Any) -> Any:
    return None if v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)) else v


def write_rca_dataset(run: RunLike, path: str | Path) -> tuple[Path, int]:
    """Write :func:`rca_dataset` of ``run`` to ``path`` atomically (a temporary sibling,
    renamed when complete); returns the path and the row count."""
    r = as_run(run)
    frame = rca_dataset(r)
    target = Path(path)
    if r.path.resolve() in target.resolve().parents:
        raise AnalysisError(f"refusing to write {target}: it is inside the run folder {r.path}")
    if target.is_dir():
        raise AnalysisError(f"cannot write {target}: it is a folder, give a file name")
    if not target.parent.is_dir():
        raise AnalysisError(f"cannot write {target}: no folder {target.parent}")
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    writer = TableWriter("rca", tmp, RCA)
    try:
        for row in frame.astype(object).itertuples(index=False):
            writer.write(tuple(_cell(v) for v in row))
        writer.close()
        os.replace(tmp, target)
    except BaseException:
        writer.discard()
        tmp.unlink(missing_ok=True)
        raise
    return target, len(frame)
