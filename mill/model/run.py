"""One run, end to end: scenario → plant → run folder with manifest and summary."""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from mill import __version__
from mill.model.disposition import truly_nonconforming
from mill.model.escapes import miss_reason
from mill.model.metallurgy import defect_rates
from mill.model.orders import read_orders_csv
from mill.model.plant import Plant
from mill.model.route import ROUTE
from mill.model.stage import Route
from mill.model.summary import invariants, summary, unit_stats
from mill.scenario import Scenario, ScenarioError, dump_scenario, scenario_hash
from mill.trace.folder import RunFolder

PACKAGES = ("simpy", "numpy", "scipy", "pandas", "pydantic", "pyarrow")


@dataclass
class RunResult:
    """Where the run folder is, and what it found."""

    path: Path
    summary: dict[str, Any]
    invariants: dict[str, Any]
    wall_s: float
    swept: list[Path]
    """Partial folders of killed runs removed from the output's parent before this run."""


def check_scenario(sc: Scenario) -> None:
    """Checks that need the model layer (defect-rate names); raise ``ScenarioError``."""
    try:
        defect_rates(dict(sc.quality.defect_rates))
    except KeyError as exc:
        raise ScenarioError([f"quality.defect_rates: unknown rate(s): {exc.args[0]}"]) from None
    if sc.orders.source == "csv" and sc.orders.csv:
        read_orders_csv(sc.orders.csv, sc)  # validated like the scenario, before any output


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "mill": __version__}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


def run_scenario(
    sc: Scenario,
    out: str | Path,
    force: bool = False,
    progress: Callable[[float, int], None] | None = None,
    protect: Iterable[Path] = (),
    route: Route = ROUTE,
) -> RunResult:
    """Simulate ``sc`` along ``route`` and write its run folder at ``out`` atomically.

    ``force`` replaces an existing run folder (never one holding a path in ``protect``, the
    working folder or a folder that is not mill's: see ``mill.trace.folder``)."""
    check_scenario(sc)
    t0 = time.perf_counter()
    with RunFolder(
        out, force, protect, file_format=sc.output.format, tables=sc.output.tables
    ) as folder:
        folder.write_text("scenario.toml", dump_scenario(sc))
        plant = Plant(sc, folder, route)
        plant.records.miss_reason = lambda plate, d: miss_reason(plant, plate, d)
        plant.run(progress)
        plant.ledger.finish(lambda plate: truly_nonconforming(plant, plate))
        stats = unit_stats(plant)
        inv = invariants(plant, stats)
        summ = summary(plant, stats)
        rows = folder.close_tables()
        folder.write_json("summary.json", summ)
        wall = time.perf_counter() - t0
        manifest = {
            "mill_version": __version__,
            "seed": sc.run.seed,
            "scenario_name": sc.run.name,
            "scenario_sha256": scenario_hash(sc),
            "command": " ".join(sys.argv),
            "versions": _versions(),
            "platform": platform.platform(),
            "wall_time_s": round(wall, 3),
            "simulated_days": sc.run.horizon_days,
            **folder.layout(),
            "rows": rows,
            "invariants": inv,
            "checksums_sha256": folder.checksums(),
        }
        folder.write_json("manifest.json", manifest)
        path = folder.commit()
    return RunResult(path, summ, inv, wall, folder.swept)
