"""Fixtures for the analysis tests: the shared short simulated run and a hand-made run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import synthetic_run

from mill.analysis import Run, load_run


@pytest.fixture(scope="session")
def sim_dir(baseline_run: Any) -> Path:
    """The suite's shared short simulated run (tests/conftest.py: baseline, 2.5 days, 0.5-day
    warm-up), made once per session; the analysis only reads its folder."""
    path: Path = baseline_run.path
    return path


@pytest.fixture(scope="session")
def sim(sim_dir: Path) -> Run:
    return load_run(sim_dir)


@pytest.fixture(scope="session")
def syn_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_run.build(tmp_path_factory.mktemp("synthetic") / "run")


@pytest.fixture(scope="session")
def syn(syn_dir: Path) -> Run:
    return load_run(syn_dir)


@pytest.fixture(autouse=True)
def _close_figures() -> object:
    yield
    plt.close("all")
