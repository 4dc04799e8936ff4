"""Experiments: replications with confidence intervals, factorial designs and paired
comparisons with common random numbers, on this process, local processes or a Dask cluster.

    from mill.experiment import read_experiment, plan, run_experiment, make_executor
    spec, scenario = read_experiment("experiments/rare_earth.toml")
    result = run_experiment(plan(spec, path, scenario), out, make_executor(2, None))
"""

from mill.experiment.design import (
    DesignPoint,
    Plan,
    default_out,
    design_points,
    plan,
    replication_seed,
)
from mill.experiment.executors import DaskMissingError, make_executor
from mill.experiment.sequential import Precision
from mill.experiment.spec import ExperimentFile, experiment_json_schema, read_experiment
from mill.experiment.study import (
    ExperimentError,
    ExperimentResult,
    Interrupted,
    check_kpi,
    check_out,
    run_experiment,
)

__all__ = [
    "DaskMissingError",
    "DesignPoint",
    "ExperimentError",
    "ExperimentFile",
    "ExperimentResult",
    "Interrupted",
    "Plan",
    "Precision",
    "check_kpi",
    "check_out",
    "default_out",
    "design_points",
    "experiment_json_schema",
    "make_executor",
    "plan",
    "read_experiment",
    "replication_seed",
    "run_experiment",
]
