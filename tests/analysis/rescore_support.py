"""A 4-day baseline run (the scenario's own seed) shared by the rescore and RCA tests."""

from __future__ import annotations

from pathlib import Path

from core_support import BASELINE

from mill.model.run import run_scenario
from mill.scenario import load_scenario


def four_day_run(folder: Path) -> Path:
    """scenarios/baseline.toml for 4 days (2-day warm-up) into ``folder``/b4."""
    out = folder / "b4"
    run_scenario(load_scenario(BASELINE, ["run.horizon_days=4", "run.warmup_days=2"]), out)
    return out
