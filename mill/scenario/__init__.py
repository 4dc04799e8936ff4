"""The validated scenario (pydantic), its loading with overrides, and the effective dump."""

from mill.scenario.load import (
    ScenarioError,
    dump_scenario,
    load_scenario,
    scenario_hash,
    validate,
)
from mill.scenario.root import Planning, RunControl, Scenario

__all__ = [
    "Planning",
    "RunControl",
    "Scenario",
    "ScenarioError",
    "dump_scenario",
    "load_scenario",
    "scenario_hash",
    "validate",
]
