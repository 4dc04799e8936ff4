"""The run folder's output options (``[output]``): Parquet tables that load exactly like the CSV
ones, and tables a study can leave out without changing what the run found."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from core_support import BASELINE, SHORT, TINY, RunArtifacts, run_cli

from mill.analysis import AnalysisError, load_run
from mill.analysis.load import _read_table
from mill.model.run import run_scenario
from mill.scenario import ScenarioError, load_scenario
from mill.scenario.output import RUN_TABLES
from mill.trace import parquet as parquet_writer
from mill.trace.parquet import ParquetTableWriter
from mill.trace.schema import TABLES, Column
from mill.trace.writer import TableWriter

SKIPPED = ["events", "equipment"]


@pytest.fixture(scope="module")
def parquet_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's short baseline run (same scenario, same seed), written as Parquet."""
    out = tmp_path_factory.mktemp("parquet") / "run"
    run_scenario(load_scenario(BASELINE, [*SHORT, "output.format=parquet"]), out)
    return out


@pytest.fixture(scope="module")
def lean_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same run without the events and equipment tables."""
    out = tmp_path_factory.mktemp("lean") / "run"
    skip = json.dumps(SKIPPED)
    run_scenario(load_scenario(BASELINE, [*SHORT, f"output.skip_tables={skip}"]), out)
    return out


def test_the_scenario_knows_every_table_of_the_data_dictionary() -> None:
    """``output.skip_tables`` accepts exactly the run folder's tables, in the same order."""
    assert tuple(TABLES) == RUN_TABLES


def test_a_parquet_run_loads_into_the_same_dataframes_as_the_csv_run(
    baseline_run: RunArtifacts, parquet_run: Path
) -> None:
    """Same scenario and seed: load_run gives equal tables (values, dtypes, categories) from
    CSV and from Parquet, and the same summary."""
    csv, pq_ = load_run(baseline_run.path), load_run(parquet_run)
    assert list(pq_.tables) == list(TABLES)
    for name in TABLES:
        assert len(csv.table(name)) > 0, name
        pd.testing.assert_frame_equal(csv.table(name), pq_.table(name), check_exact=True)
    assert csv.summary == pq_.summary
    assert csv.manifest["invariants"] == pq_.manifest["invariants"]


def test_a_parquet_run_folder_has_its_tables_manifest_and_checksums(parquet_run: Path) -> None:
    """Each table is TABLE.parquet (no CSV), with the row count and SHA-256 in the manifest,
    which names the format; no partial folder is left beside it."""
    manifest = json.loads((parquet_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "parquet"
    assert manifest["tables"] == list(TABLES)
    assert not list(parquet_run.glob("*.csv"))
    for name in TABLES:
        path = parquet_run / f"{name}.parquet"
        assert pq.ParquetFile(path).metadata.num_rows == manifest["rows"][name]
        assert f"{name}.parquet" in manifest["checksums_sha256"]
    assert [p.name for p in parquet_run.parent.iterdir()] == [parquet_run.name]


def test_parquet_columns_have_the_data_dictionary_types(parquet_run: Path) -> None:
    """Categories are dictionary-encoded, ints are 64-bit integers, flags booleans, ISO times
    timestamps, and each field carries its unit and meaning."""
    schema = pq.read_schema(parquet_run / "plates.parquet")
    assert pa.types.is_dictionary(schema.field("disposition").type)
    assert schema.field("retempers").type == pa.int64()
    assert schema.field("escape").type == pa.bool_()
    assert pa.types.is_timestamp(schema.field("done_iso").type)
    assert schema.field("plate_id").type == pa.string()
    meta = schema.field("thickness_mm").metadata
    assert meta[b"unit"] == b"mm" and meta[b"meaning"] == b"nominal thickness"


ODD_COLUMNS = (
    Column("id", "", "string", "an id"),
    Column("kind", "", "category", "a word"),
    Column("count", "", "int", "a count"),
    Column("ok", "", "bool", "a flag"),
    Column("at_iso", "", "datetime", "a time"),
    Column("x_mm", "mm", "float", "a length", 1),
    Column("m_t", "t", "float", "a mass", 4),
)
ODD_ROWS = [
    ("a", "hot", 3, True, "2026-01-05T06:00:00", 2.25, 1.00005),
    ("", None, None, None, "", None, ""),
    ("b, with comma", "cold", 0, False, "2026-02-01T23:59:59", float("nan"), float("inf")),
    (None, "", 7, True, None, -0.04, 12345.678951),
    ("c", "hot", 2, False, "2026-01-05T06:00:00", 2.35, 2.675),
]


def _both(tmp_path: Path, rows: list[tuple[object, ...]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    TABLES["odd"] = ODD_COLUMNS  # a table of its own, for the loader's dtypes
    try:
        frames = []
        for writer in (TableWriter, ParquetTableWriter):
            path = tmp_path / f"odd.{'csv' if writer is TableWriter else 'parquet'}"
            w = writer("odd", path, ODD_COLUMNS)
            for row in rows:
                w.write(row)
            w.close()
            assert w.rows == len(rows)
            frames.append(_read_table(path, "odd", [])[0])
        return frames[0], frames[1]
    finally:
        del TABLES["odd"]


def test_missing_values_rounding_and_text_load_alike_from_both_writers(tmp_path: Path) -> None:
    """Gaps (None, "", NaN, inf), half-way decimals, commas in text: whatever a row holds, the
    Parquet table loads as the CSV table does."""
    csv, parquet = _both(tmp_path, ODD_ROWS)
    pd.testing.assert_frame_equal(csv, parquet, check_exact=True)
    assert parquet["m_t"].isna().tolist() == [False, True, True, False, False]


def test_long_tables_are_written_in_several_row_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows go to the file as they come, a row group at a time (memory stays flat), and the
    table reads back whole and in order."""
    monkeypatch.setattr(parquet_writer, "BATCH_CELLS", 7 * 64)
    monkeypatch.setattr(parquet_writer, "GROUP_CELLS", 7 * 1024)
    rows = [(*ODD_ROWS[i % len(ODD_ROWS)][:2], i, *ODD_ROWS[0][3:]) for i in range(5000)]
    csv, parquet = _both(tmp_path, rows)
    assert pq.ParquetFile(tmp_path / "odd.parquet").metadata.num_row_groups >= 4
    pd.testing.assert_frame_equal(csv, parquet, check_exact=True)
    assert parquet["count"].tolist() == list(range(5000))


def test_parquet_bytes_repeat_for_the_same_scenario_and_seed(
    parquet_run: Path, tmp_path: Path
) -> None:
    """Same scenario and seed, same pyarrow: byte-identical Parquet files."""
    again = tmp_path / "again"
    run_scenario(load_scenario(BASELINE, [*SHORT, "output.format=parquet"]), again)
    for name in TABLES:
        assert (again / f"{name}.parquet").read_bytes() == (
            parquet_run / f"{name}.parquet"
        ).read_bytes(), name


def test_run_format_flag_writes_parquet(tmp_path: Path) -> None:
    """``mill run --format parquet`` is ``--set output.format=parquet``."""
    out = tmp_path / "r"
    sets = [a for o in TINY for a in ("--set", o)]
    proc = run_cli("run", str(BASELINE), "--out", str(out), "--format", "parquet", "--quiet", *sets)
    assert proc.returncode == 0, proc.stderr
    assert (out / "plates.parquet").is_file() and not (out / "plates.csv").exists()
    assert "output.format=parquet" not in (out / "scenario.toml").read_text(encoding="utf-8")
    assert 'format = "parquet"' in (out / "scenario.toml").read_text(encoding="utf-8")


def test_parquet_without_pyarrow_is_a_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no pyarrow installed, asking for Parquet is refused at validation, naming the
    field and the extra to install."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(BASELINE, ["output.format=parquet"])
    assert info.value.messages[0].startswith("output.format: Parquet output needs")


# ---- choosing the tables ------------------------------------------------------------------
def test_skipped_tables_change_neither_summary_nor_invariants(
    baseline_run: RunArtifacts, lean_run: Path
) -> None:
    """Leaving out events and equipment changes what is written, not what the run found: the
    summary and invariants are the same, and the other tables are byte-identical."""
    lean = json.loads((lean_run / "manifest.json").read_text(encoding="utf-8"))
    full = baseline_run.manifest
    assert json.loads((lean_run / "summary.json").read_text(encoding="utf-8")) == (
        baseline_run.summary
    )
    assert lean["invariants"] == full["invariants"]
    assert lean["tables"] == [t for t in TABLES if t not in SKIPPED]
    assert set(lean["rows"]) == set(lean["tables"])
    for name in TABLES:
        if name in SKIPPED:
            assert not (lean_run / f"{name}.csv").exists()
        else:
            assert (lean_run / f"{name}.csv").read_bytes() == (
                baseline_run.path / f"{name}.csv"
            ).read_bytes()


def test_a_skipped_table_is_named_when_an_analysis_needs_it(lean_run: Path) -> None:
    """load_run loads what was written; asking for a skipped table says which and why."""
    run = load_run(lean_run)
    assert list(run.tables) == [t for t in TABLES if t not in SKIPPED]
    assert len(run.plates) > 0
    with pytest.raises(AnalysisError, match=r"needs the events table.*skip_tables"):
        run.events  # noqa: B018


def test_an_analysis_command_on_a_lean_run_says_which_table_is_missing(lean_run: Path) -> None:
    """``mill report`` on a run without events and equipment exits 2 with a one-line message
    naming the first of them it needed."""
    proc = run_cli("report", str(lean_run), "--out", str(lean_run.parent / "r.html"))
    assert proc.returncode == 2
    assert re.search(r"needs the (events|equipment) table", proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert not (lean_run.parent / "r.html").exists()


def test_skip_tables_is_validated() -> None:
    """An unknown or repeated table name is refused, naming the field."""
    for value, text in (('["event"]', "must be"), ('["tests","tests"]', "more than once")):
        with pytest.raises(ScenarioError) as info:
            load_scenario(BASELINE, [f"output.skip_tables={value}"])
        assert info.value.messages[0].startswith("output.skip_tables") and text in str(info.value)
