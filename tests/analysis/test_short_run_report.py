"""A run too short to release a plate still gets its report, trace and compare: the tables
come out empty instead of the commands failing (found by running `mill report` on a 0.3-day
run: KeyError in spec_compliance)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from core_support import BASELINE

from mill.analysis import load_run, report_html, spec_compliance
from mill.model.run import run_scenario
from mill.scenario import load_scenario


@pytest.fixture(scope="module")
def short_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("short") / "run"
    # 0.25 days: the first plates are still in heat treatment (0.3 days now tests one)
    run_scenario(load_scenario(BASELINE, ["run.horizon_days=0.25", "run.warmup_days=0.05"]), out)
    return out


def test_a_run_without_released_plates_has_an_empty_spec_compliance(short_run: Path) -> None:
    """No hardness or Charpy test yet: an empty table with the usual columns and index."""
    table = spec_compliance(load_run(short_run))
    assert table.empty
    assert list(table.index.names) == ["grade", "kind"]
    assert {"n", "mean", "pass_pct", "cpk"} <= set(table.columns)


def test_the_report_of_a_run_without_released_plates_is_written_quietly(short_run: Path) -> None:
    """The HTML report is made without an exception or a plotting warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        page = report_html(load_run(short_run))
    assert "<html" in page
