"""``mill experiment`` passes the run folder's output options through to every run: Parquet
tables (the ``--format`` flag or ``output.format`` in the file's ``set``) give the same KPIs as
CSV, and a study may not skip a table the experiment itself reads."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from experiment_support import call, write_experiment

from mill.trace.schema import TABLES


def _run(tmp_path: Path, name: str, *flags: str) -> tuple[int, str, Path]:
    path = write_experiment(tmp_path, name=name, replications=2)
    out = tmp_path / f"{name}-out"
    status, _, stderr = call("experiment", str(path), "--out", str(out), "--workers", "1",
                             "--quiet", *flags)  # fmt: skip
    return status, stderr, out


def test_the_format_flag_reaches_every_run_and_changes_no_kpi(tmp_path: Path) -> None:
    """``--format parquet``: each run folder holds Parquet tables and says so in its manifest;
    runs.csv (every KPI, table KPIs included) equals the CSV experiment's."""
    status, stderr, pq_out = _run(tmp_path, "pq", "--format", "parquet")
    assert status == 0, stderr
    status, stderr, csv_out = _run(tmp_path, "csv")
    assert status == 0, stderr
    for run in sorted((pq_out / "runs").iterdir()):
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["format"] == "parquet"
        assert {f"{t}.parquet" for t in TABLES} <= {p.name for p in run.iterdir()}
    pq_runs = pd.read_csv(pq_out / "runs.csv")
    csv_runs = pd.read_csv(csv_out / "runs.csv")
    assert (pq_runs["status"] == "ok").all()
    kpis = [c for c in csv_runs.columns if c not in ("run_id",)]
    pd.testing.assert_frame_equal(pq_runs[kpis], csv_runs[kpis], check_exact=True)


def test_an_experiment_may_not_skip_the_tables_it_reads(tmp_path: Path) -> None:
    """Skipping plates would leave the table KPIs without data: refused before any run, with
    the field named."""
    status, stderr, out = _run(tmp_path, "lean", "--set", 'output.skip_tables=["plates"]')
    assert status == 2
    assert "output.skip_tables: an experiment reads plates" in stderr
    assert not out.exists()
