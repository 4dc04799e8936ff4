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
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from mill.analysis.inference import mser5
from mill.experiment.aggregate import comparisons_table, runs_table, summary_table
from mill.experiment.design import Plan, with_seed
from mill.experiment.executors import Executor
from mill.experiment.manifest import Manifest, effective_toml, read_json
from mill.experiment.sequential import DONE, Precision, next_round, stop_reasons
from mill.experiment.task import (
    KPI_FILE,
    WIP_STEP_MIN,
    RunOutcome,
    RunTask,
    flatten,
    table_kpis,
)
from mill.model import run_scenario
from mill.scenario import scenario_hash
from mill.trace.folder import (
    OutputExistsError,
    check_replaceable,
    is_mill_folder,
    sweep_leftovers,
    write_atomic,
)

MSER_MIN_BATCHES = 20
"""Fewer batches of 5 than this in the WIP series and the MSER-5 point is not trusted (the
statistic needs a stationary tail to compare against): the check says the runs are too short."""


class ExperimentError(Exception):
    """A user error about the experiment folder or options (printed without a traceback)."""


@dataclass
class ExperimentResult:
    """Where the experiment folder is and what became of its runs."""

    path: Path
    outcomes: list[RunOutcome]
    failed: list[RunOutcome]
    stop: dict[str, str]
    warmup: dict[str, Any]
    wall_s: float
    ran: int = 0
    """Runs made by this call (fewer than all when resuming)."""
    swept: list[Path] = field(default_factory=list)
    """Partial run folders of killed runs removed before starting."""


class Interrupted(Exception):
    """The experiment was interrupted; finished runs are kept (``--resume`` goes on)."""

    def __init__(self, path: Path, kept: int, cause: BaseException) -> None:
        super().__init__(f"{kept} finished runs kept in {path}; --resume makes the rest")
        self.path = path
        self.kept = kept
        self.cause = cause


def check_kpi(p: Plan, kpi: str) -> None:
    """Refuse a ``--kpi`` no run would report, before anything is written: its names come
    from a one-day probe run of the first point (in a temporary folder) and the table KPIs."""
    sc = p.scenarios[p.points[0].id]
    sc = sc.model_copy(update={"run": sc.run.model_copy(
        update={"horizon_days": min(1.0, sc.run.horizon_days),
                "warmup_days": min(0.25, sc.run.warmup_days)})})  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="mill-probe-") as tmp:
        result = run_scenario(with_seed(sc, 1), Path(tmp) / "probe")
        names = set(flatten(result.summary)) | set(table_kpis(Path(tmp) / "probe")[0])
    names |= {f"{k}.{g}" for k in ("charpy_true_j", "hardness_true_hbw") for g in sc.grades}
    names |= {"ut_rejects_pct", "ut_indications_per_plate"}
    parents = {n.rsplit(".", 1)[0] for n in names if "." in n}
    if kpi in names or (kpi.rsplit(".", 1)[0] in parents and kpi.count(".") >= 2):
        return  # a mechanism, cause or unit the probe did not meet is still a valid path
    hint = difflib.get_close_matches(kpi, sorted(names), n=3)
    tail = f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else ""
    raise ExperimentError(f"--kpi {kpi}: no run reports this KPI{tail}")


def check_out(out: Path, resume: bool, force: bool) -> None:
    """Refuse an output folder the options cannot use: one that exists without ``resume`` or
    ``force``, or a missing one to resume (checked before any pool or cluster starts)."""
    if out.exists() and not (resume or force):
        raise ExperimentError(f"{out} exists (use --resume to finish it or --force to replace it)")
    if resume and not out.exists():
        raise ExperimentError(f"--resume: {out} does not exist")


def _prepare(out: Path, p: Plan, resume: bool, force: bool) -> None:
    """Check (resume) or replace (force) an existing experiment folder, or create one."""
    check_out(out, resume, force)
    if out.exists():
        if resume:
            old = read_json(out / "manifest.json")
            if old.get("kind") != "experiment":
                raise ExperimentError(f"{out} is not an experiment folder: nothing to resume")
            if old.get("fingerprint") != p.fingerprint:
                raise ExperimentError(
                    f"{out} was made by a different experiment (other scenarios, orders, seed "
                    "or mill version); resume it with the same file and options, or use "
                    "another --out"
                )
            (out / "runs").mkdir(exist_ok=True)
            return
        try:
            check_replaceable(out, protect=[p.source, p.scenario_path])
        except OutputExistsError as exc:
            raise ExperimentError(str(exc)) from None
        shutil.rmtree(out)
    (out / "runs").mkdir(parents=True)


def _finished(p: Plan, runs_dir: Path, task: RunTask) -> RunOutcome | None:
    """The outcome of a run already in the folder, when it is complete and was made by this
    mill version from this point's scenario and seed (a run whose invariants failed counts:
    it would fail again)."""
    folder = runs_dir / task.run_id
    try:
        outcome = RunOutcome.from_json((folder / KPI_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None
    manifest = read_json(folder / "manifest.json")
    expected = scenario_hash(with_seed(p.scenarios[task.point], task.seed))
    if outcome.status not in DONE or manifest.get("scenario_sha256") != expected:
        return None
    if manifest.get("mill_version") != p.fingerprint["mill_version"]:
        return None
    if not (folder / "summary.json").is_file() or not is_mill_folder(folder):
        return None
    return outcome


def _warmup(p: Plan, outcomes: list[RunOutcome]) -> dict[str, Any]:
    """MSER-5 (White 1997) on two series averaged over each point's successful runs: the WIP
    and the tonnes released per hour. The WIP can fill to the release cap in a day while the
    output still ramps up (plates wait for the first lab lots), so each point's truncation is
    the later of the two; the warning looks at the longest point, and the check says so when
    the runs are too short for the statistic to mean anything."""

    def truncation(series: list[list[float]]) -> tuple[float | None, bool]:
        series = [s for s in series if s]
        if not series:
            return None, False
        length = min(len(s) for s in series)
        pooled = np.mean([s[:length] for s in series], axis=0)
        d = mser5(pooled)
        batches = length // 5
        trusted = batches >= MSER_MIN_BATCHES and d < 5 * (batches // 2)
        return round(d * WIP_STEP_MIN / 1440.0, 3), trusted

    ok = [o for o in outcomes if o.status == "ok"]
    by_series: dict[str, dict[str, tuple[float | None, bool]]] = {
        name: {
            pt.id: truncation([getattr(o, name) for o in ok if o.point == pt.id]) for pt in p.points
        }
        for name in ("wip_t", "released_t_per_h")
    }
    per_point: dict[str, tuple[float | None, bool]] = {}
    for pt in p.points:
        found = [
            (d, t) for d, t in (series[pt.id] for series in by_series.values()) if d is not None
        ]
        per_point[pt.id] = (
            (max(d for d, _ in found), all(t for _, t in found)) if found else (None, False)
        )
    days = [d for d, _ in per_point.values() if d is not None]
    trusted = bool(per_point) and all(t for _, t in per_point.values())
    longest = max(days) if days else None
    warmup = min(sc.run.warmup_days for sc in p.scenarios.values())
    return {
        "method": "MSER-5 (White 1997) on WIP tonnes and on tonnes released per hour, sampled "
        "hourly and averaged over each point's runs; a point's truncation is the later of the "
        "two, the longest point counts",
        "mser5_days": longest,
        "mser5_days_by_point": {k: d for k, (d, _) in per_point.items()},
        "mser5_days_by_series": {
            name: {k: d for k, (d, _) in points.items()} for name, points in by_series.items()
        },
        "conclusive": trusted,
        "scenario_warmup_days": warmup,
        "warmup_shorter_than_mser5": trusted and longest is not None and warmup < longest,
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
    """Run the experiment ``p`` into ``out`` on ``executor``; see the module docstring.
    Raises ``Interrupted`` (finished runs kept, the manifest says so) on Ctrl-C or SIGTERM."""
    t0 = time.perf_counter()
    _prepare(out, p, resume, force)
    runs_dir = out / "runs"
    cap = p.spec.experiment.replications
    manifest = Manifest(
        out, p, executor.description, executor.workers, keep,
        None if precision is None else {"kpi": precision.kpi, "relative": precision.relative},
        command,
    )  # fmt: skip
    manifest.update({}, {}, "running", force=True)  # first: the folder is mill's from now on
    write_atomic(out / "experiment.toml", effective_toml(p))
    swept = sweep_leftovers(runs_dir)
    outcomes: dict[str, RunOutcome] = {}
    for pt in p.points:
        for k in range(1, cap + 1):
            found = _finished(p, runs_dir, p.task(pt.id, k, keep))
            if found is not None:
                outcomes[found.run_id] = found
    ran = 0
    try:
        while True:
            _, stop = stop_reasons(p, outcomes, cap, precision)
            todo = next_round(p, outcomes, stop, cap, precision, keep)
            if not todo:
                break
            failed_now = False
            for i, outcome in enumerate(executor.run(todo, runs_dir), start=1):
                outcomes[outcome.run_id] = outcome
                ran += 1
                failed_now = failed_now or outcome.status != "ok"
                manifest.update(outcomes, stop, "running", force=False)
                if on_outcome is not None:
                    on_outcome(outcome, i, len(todo))
            if precision is None or failed_now:
                break  # a sequential study does not retry a failing run forever: --resume does
    except BaseException as exc:  # Ctrl-C, SIGTERM, a crash: say what is kept, then go
        manifest.update(outcomes, stop_reasons(p, outcomes, cap, precision)[1], "interrupted",
                        force=True)  # fmt: skip
        if isinstance(exc, Exception):
            raise
        raise Interrupted(out, len(outcomes), exc) from exc
    used, stop = stop_reasons(p, outcomes, cap, precision)
    ordered = sorted(outcomes.values(), key=lambda o: (o.point, o.replication))
    runs = runs_table(ordered, p.points)
    write_atomic(out / "runs.csv", runs.to_csv(index=False, lineterminator="\n"))
    for name, table in (
        ("summary.csv", summary_table(runs, p.points, used)),
        ("comparisons.csv", comparisons_table(runs, p.points, used)),
    ):
        write_atomic(out / name, table.to_csv(index=False, lineterminator="\n"))
    warm = _warmup(p, ordered)
    failed = [o for o in ordered if o.status != "ok"]
    manifest.data["warmup"] = warm
    manifest.data["replications_used"] = used
    manifest.data["wall_time_s"] = round(time.perf_counter() - t0, 3)
    manifest.update(outcomes, stop, "failed" if failed else "complete", force=True)
    return ExperimentResult(out, ordered, failed, stop, warm, time.perf_counter() - t0, ran, swept)
