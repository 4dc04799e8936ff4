"""One experiment end to end: design → runs on an executor → the experiment folder.

The experiment folder::

    experiment.toml      the effective experiment (overrides merged, scenario path absolute)
    manifest.json        provenance, the design, seeds, every run's status, error and hashes,
                         why each point stopped, the MSER-5 warm-up check
    runs.csv             one row per run (aggregate.py)
    summary.csv          one row per design point and KPI
    comparisons.csv      paired differences against the reference point
    runs/<point>-r<k>/   a run folder per replication (or its manifest, summary and kpis.json)

Each run follows the write-then-rename rule of run folders, and the manifest and tables are
replaced by a rename, so an interrupted experiment keeps every finished run; ``resume`` runs
only what is missing or failed and, since the tables are built from the run folders, gives the
same tables as an experiment that was never interrupted.
"""

from __future__ import annotations

import difflib
import json
import math
import platform
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import tomli_w

from mill import __version__
from mill.analysis.inference import mean_ci, mser5, relative_precision_met
from mill.experiment.aggregate import comparisons_table, runs_table, summary_table
from mill.experiment.design import (
    DesignPoint,
    design_points,
    point_scenario,
    replication_seed,
    with_seed,
)
from mill.experiment.executors import Executor
from mill.experiment.spec import ExperimentFile
from mill.experiment.task import KPI_FILE, WIP_STEP_MIN, RunOutcome, RunTask, write_atomic
from mill.model import check_scenario
from mill.scenario import Scenario, scenario_hash
from mill.trace.folder import OutputExistsError, check_replaceable, is_mill_folder

INITIAL_REPLICATIONS = 5
"""Replications made before the sequential procedure first looks at the precision (Law 2015,
§9.4.1 asks for n0 ≥ 2; 5 keeps the first variance estimate from being wildly off)."""


class ExperimentError(Exception):
    """A user error about the experiment folder or options (printed without a traceback)."""


@dataclass(frozen=True)
class Precision:
    """Law's sequential procedure: add replications until ``kpi``'s 95 % half-width is within
    ``relative`` of its mean at every point, or the replication cap is reached."""

    kpi: str
    relative: float


@dataclass
class ExperimentResult:
    """Where the experiment folder is and what became of its runs."""

    path: Path
    points: list[DesignPoint]
    outcomes: list[RunOutcome]
    failed: list[RunOutcome]
    stop: dict[str, str]
    warmup: dict[str, Any]
    wall_s: float
    ran: int = 0
    """Runs made by this call (fewer than all when resuming)."""
    swept: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """A validated experiment ready to run: its points and their scenarios."""

    spec: ExperimentFile
    source: Path
    scenario_path: Path
    points: list[DesignPoint]
    scenarios: dict[str, Scenario]

    def run_id(self, point: str, replication: int) -> str:
        return f"{point}-r{replication:03d}"

    def task(self, point: str, k: int, keep: Literal["all", "summary"]) -> RunTask:
        seed = replication_seed(self.spec.experiment.seed, k)
        return RunTask(self.run_id(point, k), point, k, seed, self.scenarios[point], keep)

    def fingerprint(self) -> dict[str, Any]:
        """What a resumed experiment must share with the folder it resumes."""
        return {
            "seed": self.spec.experiment.seed,
            "points": {
                p.id: scenario_hash(with_seed(self.scenarios[p.id], 0)) for p in self.points
            },
        }


def plan(spec: ExperimentFile, source: Path, scenario_path: Path) -> Plan:
    """Build and validate every design point's scenario (nothing is written)."""
    points = design_points(spec)
    scenarios = {}
    for p in points:
        sc = point_scenario(scenario_path, p)
        check_scenario(sc)
        scenarios[p.id] = sc
    return Plan(spec, source, scenario_path, points, scenarios)


def default_out(name: str) -> Path:
    """``experiments/NAME``, numbered ``-2``, ``-3``... when taken."""
    out, n = Path("experiments") / name, 2
    while out.exists():
        out, n = Path("experiments") / f"{name}-{n}", n + 1
    return out


def _effective_toml(p: Plan) -> str:
    data = p.spec.model_dump(mode="python")
    data["experiment"]["scenario"] = str(p.scenario_path)
    if not data["alternatives"]:
        del data["alternatives"]
    return tomli_w.dumps(data)


def _prepare(out: Path, p: Plan, resume: bool, force: bool) -> None:
    """Create, check (resume) or replace (force) the experiment folder."""
    if out.exists():
        if resume:
            old = _read_json(out / "manifest.json")
            if old.get("kind") != "experiment":
                raise ExperimentError(f"{out} is not an experiment folder: nothing to resume")
            if old.get("fingerprint") != p.fingerprint():
                raise ExperimentError(
                    f"{out} was made by a different experiment (other scenarios or seed); "
                    "resume it with the same file and options, or use another --out"
                )
            return
        if not force:
            raise ExperimentError(
                f"{out} exists (use --resume to finish it or --force to replace it)"
            )
        try:
            check_replaceable(out, protect=[p.source, p.scenario_path])
        except OutputExistsError as exc:
            raise ExperimentError(str(exc)) from None
        shutil.rmtree(out)
    elif resume:
        raise ExperimentError(f"--resume: {out} does not exist")
    (out / "runs").mkdir(parents=True)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _finished(p: Plan, runs_dir: Path, task: RunTask) -> RunOutcome | None:
    """The outcome of a run already in the folder, when it is complete and made from this
    point's scenario and seed."""
    folder = runs_dir / task.run_id
    try:
        outcome = RunOutcome.from_json((folder / KPI_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None
    manifest = _read_json(folder / "manifest.json")
    expected = scenario_hash(with_seed(p.scenarios[task.point], task.seed))
    if outcome.status != "ok" or manifest.get("scenario_sha256") != expected:
        return None
    if not (folder / "summary.json").is_file() or not is_mill_folder(folder):
        return None
    return outcome


def _stop_reasons(
    p: Plan, outcomes: dict[str, RunOutcome], cap: int, precision: Precision | None
) -> tuple[dict[str, int], dict[str, str], bool]:
    """Replications used per point, why each point stopped, and whether all are done."""
    used: dict[str, int] = {}
    stop: dict[str, str] = {}
    done = True
    for pt in p.points:
        made = sorted(
            o.replication for o in outcomes.values() if o.point == pt.id and o.status == "ok"
        )
        if precision is None:
            used[pt.id] = cap
            stop[pt.id] = f"fixed: {len(made)} of {cap} replications succeeded"
            continue
        values = [
            outcomes[p.run_id(pt.id, k)].kpis.get(precision.kpi, math.nan)
            for k in range(1, cap + 1)
            if p.run_id(pt.id, k) in outcomes and outcomes[p.run_id(pt.id, k)].status == "ok"
        ]
        n0 = min(cap, INITIAL_REPLICATIONS)
        met_at = None
        for n in range(n0, len(values) + 1):
            ci = mean_ci(values[:n])
            if relative_precision_met(ci, precision.relative):
                met_at = n
                break
        if met_at is not None:
            ci = mean_ci(values[:met_at])
            used[pt.id] = met_at
            stop[pt.id] = (
                f"precision met at n={met_at}: half-width {_rel(ci.half_width, ci.mean)} "
                f"of the mean of {precision.kpi}"
            )
        elif len(values) >= cap or max(made, default=0) >= cap:
            ci = mean_ci(values)
            used[pt.id] = cap
            stop[pt.id] = (
                f"replication cap {cap} reached: half-width {_rel(ci.half_width, ci.mean)} of "
                f"the mean of {precision.kpi} (target {100 * precision.relative:g} %)"
            )
        else:
            used[pt.id] = len(values)
            done = False  # no stop reason yet: the point needs more replications
    return used, stop, done


def _rel(half: float, mean: float) -> str:
    if not math.isfinite(half) or mean == 0:
        return "undefined"
    return f"{100 * half / abs(mean):.1f} %"


def _warmup(p: Plan, outcomes: list[RunOutcome]) -> dict[str, Any]:
    """MSER-5 on the WIP series pooled (averaged) over every successful run, per point and
    for all points (White 1997), beside the scenario's warm-up."""

    def truncation_days(series: list[list[float]]) -> float | None:
        series = [s for s in series if s]
        if not series:
            return None
        length = min(len(s) for s in series)
        pooled = np.mean([s[:length] for s in series], axis=0)
        return round(mser5(pooled) * WIP_STEP_MIN / 1440.0, 3)

    ok = [o for o in outcomes if o.status == "ok"]
    per_point = {
        pt.id: truncation_days([o.wip_t for o in ok if o.point == pt.id]) for pt in p.points
    }
    pooled = truncation_days([o.wip_t for o in ok])
    warmup = min(sc.run.warmup_days for sc in p.scenarios.values())
    return {
        "method": "MSER-5 (White 1997) on WIP tonnes sampled hourly, averaged over runs",
        "mser5_days": pooled,
        "mser5_days_by_point": per_point,
        "scenario_warmup_days": warmup,
        "warmup_shorter_than_mser5": pooled is not None and warmup < pooled,
    }


def run_experiment(
    p: Plan,
    out: Path,
    executor: Executor,
    keep: Literal["all", "summary"] = "all",
    resume: bool = False,
    force: bool = False,
    precision: Precision | None = None,
    on_outcome: Callable[[RunOutcome, int, int], None] | None = None,
    command: str = "",
) -> ExperimentResult:
    """Run the experiment ``p`` into ``out`` on ``executor``; see the module docstring."""
    t0 = time.perf_counter()
    _prepare(out, p, resume, force)
    runs_dir = out / "runs"
    cap = p.spec.experiment.replications
    write_atomic(out / "experiment.toml", _effective_toml(p))
    outcomes: dict[str, RunOutcome] = {}
    for pt in p.points:
        for k in range(1, cap + 1):
            found = _finished(p, runs_dir, p.task(pt.id, k, keep))
            if found is not None:
                outcomes[found.run_id] = found
    manifest = _manifest_base(p, out, executor, keep, precision, command)
    ran = 0
    while True:
        used, stop, _ = _stop_reasons(p, outcomes, cap, precision)
        todo = _next_round(p, outcomes, stop, cap, precision, keep)
        if not todo:
            break
        _write_manifest(out, manifest, outcomes, stop, "running")
        failed_now = False
        for i, outcome in enumerate(executor.run(todo, runs_dir), start=1):
            outcomes[outcome.run_id] = outcome
            ran += 1
            failed_now = failed_now or outcome.status != "ok"
            _write_manifest(out, manifest, outcomes, stop, "running")
            if on_outcome is not None:
                on_outcome(outcome, i, len(todo))
        if precision is None or failed_now:
            break  # a sequential study does not retry a failing run forever: --resume does
        _check_kpi(precision.kpi, outcomes)
    used, stop, _ = _stop_reasons(p, outcomes, cap, precision)
    ordered = sorted(outcomes.values(), key=lambda o: (o.point, o.replication))
    runs = runs_table(ordered, p.points)
    write_atomic(out / "runs.csv", runs.to_csv(index=False, lineterminator="\n"))
    write_atomic(
        out / "summary.csv",
        summary_table(runs, p.points, used).to_csv(index=False, lineterminator="\n"),
    )
    write_atomic(
        out / "comparisons.csv",
        comparisons_table(runs, p.points, used).to_csv(index=False, lineterminator="\n"),
    )
    warm = _warmup(p, ordered)
    failed = [o for o in ordered if o.status != "ok"]
    manifest["warmup"] = warm
    manifest["replications_used"] = used
    manifest["wall_time_s"] = round(time.perf_counter() - t0, 3)
    _write_manifest(out, manifest, outcomes, stop, "failed" if failed else "complete")
    return ExperimentResult(
        out, p.points, ordered, failed, stop, warm, time.perf_counter() - t0, ran
    )


def _check_kpi(kpi: str, outcomes: dict[str, RunOutcome]) -> None:
    """Refuse a ``--kpi`` that no successful run reports (with the nearest names)."""
    names = sorted({k for o in outcomes.values() if o.status == "ok" for k in o.kpis})
    if names and kpi not in names:
        hint = difflib.get_close_matches(kpi, names, n=3)
        tail = f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else ""
        raise ExperimentError(f"--kpi {kpi}: no run reports this KPI{tail}")


def _next_round(
    p: Plan,
    outcomes: dict[str, RunOutcome],
    stop: dict[str, str],
    cap: int,
    precision: Precision | None,
    keep: Literal["all", "summary"],
) -> list[RunTask]:
    """The runs to make next: every missing or failed one (fixed design), or, sequentially,
    the first ``INITIAL_REPLICATIONS`` and then one more at each point not yet precise."""
    tasks = []
    for pt in p.points:
        if precision is None:
            wanted = range(1, cap + 1)
        else:
            if pt.id in stop:
                continue  # precise enough, or capped
            have = sum(1 for o in outcomes.values() if o.point == pt.id and o.status == "ok")
            n0 = min(cap, INITIAL_REPLICATIONS)
            wanted = range(1, min(cap, max(n0, have + 1)) + 1)
        for k in wanted:
            rid = p.run_id(pt.id, k)
            if rid not in outcomes or outcomes[rid].status != "ok":
                tasks.append(p.task(pt.id, k, keep))
    return tasks


def _manifest_base(
    p: Plan,
    out: Path,
    executor: Executor,
    keep: str,
    precision: Precision | None,
    command: str,
) -> dict[str, Any]:
    cap = p.spec.experiment.replications
    return {
        "kind": "experiment",
        "mill_version": __version__,
        "name": p.spec.experiment.name,
        "experiment_file": str(p.source),
        "scenario_file": str(p.scenario_path),
        "command": command,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "executor": {"description": executor.description, "workers": executor.workers},
        "keep": keep,
        "seed": p.spec.experiment.seed,
        "replications": cap,
        "seeds": {str(k): replication_seed(p.spec.experiment.seed, k) for k in range(1, cap + 1)},
        "seed_rule": "replication k runs with SeedSequence(seed, spawn_key=(k,)).generate_state"
        "(1, uint32)[0] at every point (common random numbers)",
        "precision": None
        if precision is None
        else {"kpi": precision.kpi, "relative_half_width": precision.relative},
        "fingerprint": p.fingerprint(),
        "points": [
            {
                "point": pt.id,
                "label": pt.label,
                "alternative": pt.alternative,
                "factors": pt.factors,
                "overrides": pt.overrides,
                "scenario_sha256": p.fingerprint()["points"][pt.id],
            }
            for pt in p.points
        ],
    }


def _write_manifest(
    out: Path,
    base: dict[str, Any],
    outcomes: dict[str, RunOutcome],
    stop: dict[str, str],
    status: str,
) -> None:
    manifest = dict(base)
    manifest["status"] = status
    manifest["stop"] = stop
    manifest["runs"] = {
        rid: {
            "point": o.point,
            "replication": o.replication,
            "seed": o.seed,
            "status": o.status,
            "error": o.error,
            "traceback": o.traceback,
            "wall_s": o.wall_s,
            "checksums_sha256": o.checksums_sha256,
        }
        for rid, o in sorted(outcomes.items())
    }
    manifest["failed_runs"] = sorted(r for r, o in outcomes.items() if o.status != "ok")
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    write_atomic(out / "manifest.json", text + "\n")
