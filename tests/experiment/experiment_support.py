"""Helpers for the experiment tests: small experiment files and running them in this process."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import tomli_w
from core_support import BASELINE

from mill.cli import main

QUICK = {"run.horizon_days": 1.0, "run.warmup_days": 0.1}
"""Overrides that make every run of a test experiment short (about a second; a day, so that
every replication releases plates of each grade while the oldest orders go first)."""


def write_experiment(
    folder: Path,
    name: str = "study",
    replications: int = 3,
    alternatives: list[dict[str, object]] | None = None,
    factors: dict[str, list[object]] | None = None,
    seed: int = 7,
    scenario: Path = BASELINE,
) -> Path:
    """An experiment file in ``folder`` on the baseline with the QUICK horizon."""
    data: dict[str, object] = {
        "experiment": {
            "name": name,
            "scenario": str(scenario),
            "replications": replications,
            "seed": seed,
            "set": dict(QUICK),
        }
    }
    if alternatives is not None:
        data["alternatives"] = alternatives
    if factors is not None:
        data["factors"] = factors
    path = folder / f"{name}.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


RE_ALTERNATIVES: list[dict[str, object]] = [
    {"name": "RE"},
    {"name": "no RE", "set": {"plant.degasser.re_addition_pct": 0.0}},
]


def call(*argv: str) -> tuple[int, str, str]:
    """``mill ARGV`` in this process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def csv_bytes(run_folder: Path) -> dict[str, bytes]:
    """Every CSV of a run folder (name → bytes)."""
    return {p.name: p.read_bytes() for p in sorted(run_folder.glob("*.csv"))}


def die_once_on_replication_2(task, out):  # type: ignore[no-untyped-def]
    """A worker's work that kills its process the first time it gets replication 2 (a marker
    file beside the run folder remembers it), then runs tasks normally."""
    import os

    from mill.experiment.task import run_task

    marker = out.parent / f".died-{task.run_id}"
    if task.replication == 2 and not marker.exists():
        marker.write_text("x", encoding="utf-8")
        os._exit(1)
    return run_task(task, out)


def always_die_on_p02_r001(task, out):  # type: ignore[no-untyped-def]
    """A worker's work that kills its process every time it gets run p02-r001."""
    import os

    from mill.experiment.task import run_task

    if task.run_id == "p02-r001":
        os._exit(1)
    return run_task(task, out)


def interrupt_run(monkeypatch: object, at: int) -> object:
    """Make the ``at``-th run of the experiment (in this process) raise KeyboardInterrupt, as
    Ctrl-C would; returns the real ``run_scenario`` so a test can put it back."""
    import mill.experiment.task as task_module

    real = task_module.run_scenario
    calls = {"n": 0}

    def interrupted(sc, out, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == at:
            raise KeyboardInterrupt
        return real(sc, out, **kwargs)

    monkeypatch.setattr(task_module, "run_scenario", interrupted)  # type: ignore[attr-defined]
    return real
