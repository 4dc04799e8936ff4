"""One replication of one design point: run it, read its KPIs, keep what was asked for.

A task is plain data (picklable), so the same function runs in the calling process, in a local
worker process or on a Dask worker, and makes the same bytes in each (the seed is in the task,
nothing is taken from the worker's state).

Besides the run folder, each replication leaves ``kpis.json``: every scalar KPI of its
``summary.json`` (dotted paths), the table KPIs below, and the two series of the warm-up check
(WIP and tonnes released per step), so that ``--keep summary`` can drop the tables and the
experiment still has all it needs.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from mill.analysis import load_run, wip_throughput
from mill.model import run_scenario
from mill.scenario import Scenario
from mill.trace.folder import leftover_path, write_atomic

KPI_FILE = "kpis.json"
TABLES_READ = ("plates", "genealogy")
"""The tables ``table_kpis`` reads: an experiment's scenario may not skip them."""
KEPT_WITH_SUMMARY = ("manifest.json", "summary.json", KPI_FILE)
"""What ``--keep summary`` leaves of a run folder."""
WIP_STEP_MIN = 60.0
"""Sampling step of the two series (WIP, tonnes released) used by the MSER-5 warm-up check."""

Status = Literal["ok", "failed", "invariant_violated"]


@dataclass(frozen=True)
class RunTask:
    """What a worker needs to make one replication."""

    run_id: str
    point: str
    replication: int
    seed: int
    scenario: Scenario
    keep: Literal["all", "summary"] = "all"
    mill_version: str = ""
    """The version that planned the run: a worker running another version refuses it."""
    orders_sha256: str = ""
    """SHA-256 of the scenario's orders CSV ("" when orders are generated): a worker whose copy
    differs refuses the run."""


@dataclass
class RunOutcome:
    """What became of a replication (also what ``kpis.json`` holds)."""

    run_id: str
    point: str
    replication: int
    seed: int
    status: Status
    wall_s: float = 0.0
    error: str = ""
    traceback: str = ""
    kpis: dict[str, float] = field(default_factory=dict)
    wip_t: list[float] = field(default_factory=list)
    released_t_per_h: list[float] = field(default_factory=list)
    checksums_sha256: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True, allow_nan=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> RunOutcome:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return cls(**data)


def flatten(data: Any, prefix: str = "") -> dict[str, float]:
    """Every number in a nested mapping under its dotted path (lists and text skipped)."""
    out: dict[str, float] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(data, int | float):  # bool is an int: True counts 1
        out[prefix[:-1]] = float(data)
    elif data is None and prefix:
        out[prefix[:-1]] = float("nan")
    return out


def table_kpis(folder: Path) -> tuple[dict[str, float], list[float], list[float]]:
    """KPIs that ``summary.json`` does not hold, from the run's tables (released plates in
    the KPI window), and the two series of the warm-up check, every ``WIP_STEP_MIN``: the WIP
    (tonnes in process) and the tonnes released in each step (prime and downgraded):

    - ``ut_rejects_pct``: released plates cut out and re-sized or downgraded on UT (reason
      RESIZED or UT-*), % of released plates;
    - ``ut_indications_per_plate``: confirmed UT indications per released plate;
    - ``charpy_true_j.GRADE``: mean true Charpy energy of released plates by grade;
    - ``hardness_true_hbw.GRADE``: mean true surface hardness of released plates by grade.
    """
    run = load_run(folder, verify=False)  # written and checksummed a moment ago, here
    p = run.plates
    rel = p[
        p["in_window"].astype(bool) & p["disposition"].astype(str).isin(["prime", "downgraded"])
    ]
    out: dict[str, float] = {}
    n = len(rel)
    reason = rel["reason"].astype("string").fillna("")
    out["ut_rejects_pct"] = 100.0 * float(reason.str.match("RESIZED|UT").sum()) / n if n else np.nan
    out["ut_indications_per_plate"] = float(rel["ut_indications"].mean()) if n else np.nan
    for grade, g in rel.groupby(rel["grade_ordered"].astype(str)):
        out[f"charpy_true_j.{grade}"] = float(g["charpy_true_j"].mean())
        out[f"hardness_true_hbw.{grade}"] = float(g["hardness_true_hbw"].mean())
    series = wip_throughput(run, step_min=WIP_STEP_MIN)
    wip = series["wip_t"].to_numpy(dtype=float)
    released = np.diff(series["released_t"].to_numpy(dtype=float))
    return out, [round(float(v), 3) for v in wip], [round(float(v), 3) for v in released]


def _check_worker(task: RunTask, sc: Scenario) -> None:
    """Refuse to run with another mill version or another orders CSV than the plan's (a Dask
    worker on another machine has its own of both)."""
    from mill import __version__

    if task.mill_version and task.mill_version != __version__:
        raise RuntimeError(
            f"this worker runs mill {__version__}, the experiment was planned with "
            f"{task.mill_version}: install the same version on every worker"
        )
    if task.orders_sha256 and sc.orders.csv:
        here = hashlib.sha256(Path(sc.orders.csv).read_bytes()).hexdigest()
        if here != task.orders_sha256:
            raise RuntimeError(
                f"the orders CSV {sc.orders.csv} on this worker differs from the one the "
                "experiment was planned with"
            )


def run_task(task: RunTask, out: Path) -> RunOutcome:
    """Run ``task`` into the run folder ``out`` (replacing a folder left by an earlier attempt);
    never raises for a failing run: the outcome says what went wrong."""
    t0 = time.perf_counter()
    sc = task.scenario.model_copy(
        update={"run": task.scenario.run.model_copy(update={"seed": task.seed})}
    )
    outcome = RunOutcome(task.run_id, task.point, task.replication, task.seed, "ok")
    try:
        _check_worker(task, sc)
        result = run_scenario(sc, out, force=out.exists())
        kpis, wip, released = table_kpis(out)
        outcome.kpis = {**flatten(result.summary), **kpis}
        outcome.wip_t = wip
        outcome.released_t_per_h = released
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        outcome.checksums_sha256 = manifest["checksums_sha256"]
        if not result.invariants["ok"]:
            bad = [k for k, v in result.invariants.items() if isinstance(v, dict) and not v["ok"]]
            outcome.status = "invariant_violated"
            outcome.error = f"invariant violated: {', '.join(bad)}"
    except Exception as exc:  # a failing run is recorded, the others go on (issue: faults)
        outcome.status = "failed"
        outcome.error = "".join(traceback.format_exception_only(exc)).strip()
        outcome.traceback = "".join(traceback.format_exception(exc))
    outcome.wall_s = round(time.perf_counter() - t0, 3)
    if out.is_dir():
        if task.keep == "summary":
            for entry in out.iterdir():
                if entry.name not in KEPT_WITH_SUMMARY:
                    entry.unlink()
        write_atomic(out / KPI_FILE, outcome.to_json())
    return outcome


def run_task_detached(task: RunTask) -> tuple[RunOutcome, dict[str, bytes]]:
    """Run ``task`` in a temporary folder of the worker and return its outcome and files: for
    a Dask worker on another machine, whose disk the experiment folder is not on."""
    with tempfile.TemporaryDirectory(prefix="mill-run-") as tmp:
        out = Path(tmp) / task.run_id
        outcome = run_task(task, out)
        files = {p.name: p.read_bytes() for p in sorted(out.iterdir())} if out.is_dir() else {}
    return outcome, files


def place_files(files: dict[str, bytes], out: Path) -> None:
    """Write a detached run's files as the run folder ``out``, by a temporary sibling and a
    rename (the write-then-rename rule of run folders)."""
    tmp = leftover_path(out)
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
