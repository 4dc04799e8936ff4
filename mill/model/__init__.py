"""The SimPy plant: units, stage processes, routing, disposition, and a run end to end."""

from mill.model.run import RunResult, check_scenario, run_scenario

__all__ = ["RunResult", "check_scenario", "run_scenario"]
