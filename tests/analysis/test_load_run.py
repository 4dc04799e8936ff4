"""load_run: every table with schema columns and proper dtypes; clear errors for non-runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from mill.analysis import AnalysisError, Run, load_run
from mill.trace import schema


def test_every_table_has_schema_columns_and_manifest_rows(sim: Run) -> None:
    for table in schema.TABLES:
        frame = sim.table(table)
        assert list(frame.columns[: len(schema.TABLES[table])]) == schema.column_names(table)
        rows = sim.manifest.get("rows", {})
        if table in rows:
            assert len(frame) == rows[table]
    assert sim.missing_columns == {}


def test_dtypes(sim: Run) -> None:
    p = sim.plates
    assert isinstance(p["grade_ordered"].dtype, pd.CategoricalDtype)
    assert p["grade_ordered"].cat.ordered
    assert {"NM400", "NM450", "NM500"} <= set(p["grade_ordered"].cat.categories)
    assert list(p["disposition"].cat.categories[:4]) == ["prime", "downgraded", "scrap", "wip"]
    assert pd.api.types.is_datetime64_any_dtype(p["done_iso"])
    assert pd.api.types.is_datetime64_any_dtype(sim.heats["cast_start_iso"])
    assert p["in_window"].dtype == bool
    assert pd.api.types.is_float_dtype(p["mass_t"])
    assert pd.api.types.is_integer_dtype(p["defects_true"])
    assert isinstance(sim.defects["mechanism"].dtype, pd.CategoricalDtype)
    stage = sim.events["stage"].dtype
    assert isinstance(stage, pd.CategoricalDtype) and stage.ordered
    assert list(stage.categories[:2]) == ["steelmaking", "casting"]


def test_run_properties(sim: Run) -> None:
    assert sim.start == pd.Timestamp(sim.scenario["run"]["start"])
    assert sim.horizon_min == pytest.approx(2.5 * 1440)
    lo, hi = sim.window
    assert lo == pytest.approx(0.5 * 1440) and hi == pytest.approx(2.5 * 1440)
    assert "surface_hbw" in sim.grade_spec("NM400")
    with pytest.raises(AnalysisError):
        sim.grade_spec("NM999")
    assert "plates=" in repr(sim)


def test_not_a_run_folder(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="no such directory"):
        load_run(tmp_path / "nope")
    with pytest.raises(AnalysisError, match="missing"):
        load_run(tmp_path)


def test_incomplete_run_names_the_missing_file(sim_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(sim_dir, copy)
    (copy / "defects.csv").unlink()
    with pytest.raises(AnalysisError, match=r"defects\.csv"):
        load_run(copy)


def test_analysis_does_not_import_the_model() -> None:
    import subprocess
    import sys

    code = "import sys, mill.analysis; print('mill.model' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
