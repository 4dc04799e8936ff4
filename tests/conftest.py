"""Shared fixtures: one short baseline run for the whole session (helpers: core_support.py),
and the Hypothesis profiles.

The short run (2.5 simulated days, 0.5-day warm-up) is made once through the Python API and
reused by the integration, genealogy and determinism tests, so the suite stays fast.

Hypothesis profiles (``HYPOTHESIS_PROFILE`` selects one; ``ci`` is the default):
- ``ci``: derandomized (the same examples on every run and machine), a fixed number of
  examples, no deadline and no example database, so a green run is a repeatable fact;
- ``explore``: random examples, many more of them, and the local example database, for a
  developer hunting for new failures (``HYPOTHESIS_PROFILE=explore python3 -m pytest``).
A test's own ``@settings(max_examples=...)`` keeps its count under either profile; every field
it does not give (derandomize, database, deadline) comes from the loaded profile.
"""

from __future__ import annotations

import os

import pytest
from core_support import BASELINE, SHORT, RunArtifacts
from hypothesis import settings

from mill.model.run import run_scenario
from mill.scenario import load_scenario

settings.register_profile(
    "ci", derandomize=True, max_examples=50, deadline=None, database=None, print_blob=True
)
settings.register_profile("explore", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def baseline_run(tmp_path_factory: pytest.TempPathFactory) -> RunArtifacts:
    """scenarios/baseline.toml on a short horizon, run once through the Python API."""
    out = tmp_path_factory.mktemp("baseline_run") / "baseline-short"
    sc = load_scenario(BASELINE, SHORT)
    result = run_scenario(sc, out)
    return RunArtifacts(path=out, scenario=sc, result=result)
