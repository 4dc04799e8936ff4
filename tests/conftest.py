"""Shared fixtures: one short baseline run for the whole session (helpers: core_support.py).

The short run (2.5 simulated days, 0.5-day warm-up) is made once through the Python API and
reused by the integration, genealogy and determinism tests, so the suite stays fast.
"""

from __future__ import annotations

import pytest
from core_support import BASELINE, SHORT, RunArtifacts

from mill.model.run import run_scenario
from mill.scenario import load_scenario


@pytest.fixture(scope="session")
def baseline_run(tmp_path_factory: pytest.TempPathFactory) -> RunArtifacts:
    """scenarios/baseline.toml on a short horizon, run once through the Python API."""
    out = tmp_path_factory.mktemp("baseline_run") / "baseline-short"
    sc = load_scenario(BASELINE, SHORT)
    result = run_scenario(sc, out)
    return RunArtifacts(path=out, scenario=sc, result=result)
