"""The experiment folder's ``manifest.json`` and ``experiment.toml``: provenance, the design,
the seeds, every run's status, why each point stopped and the warm-up check.

The manifest is the first file written (so even an experiment killed in its first second
leaves a folder mill recognises, for ``--resume`` and ``--force``) and is replaced by a rename
as the runs finish, at most every few seconds and at the end.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any

import tomli_w

from mill import __version__
from mill.experiment.design import Plan, replication_seed
from mill.experiment.task import RunOutcome
from mill.trace.folder import write_atomic

EVERY_S = 5.0
"""Least time between two rewrites of the manifest while runs finish (each rewrite holds every
run, so rewriting after each of thousands of runs would cost more than the runs)."""


def effective_toml(p: Plan) -> str:
    """The experiment as run: overrides merged, the scenario path absolute."""
    data = p.spec.model_dump(mode="python")
    data["experiment"]["scenario"] = str(p.scenario_path)
    if not data["alternatives"]:
        del data["alternatives"]
    return tomli_w.dumps(data)


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from a file; {} when missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class Manifest:
    """The experiment's manifest, kept up to date as runs finish."""

    def __init__(
        self,
        out: Path,
        p: Plan,
        executor: str,
        workers: int,
        keep: str,
        precision: dict[str, Any] | None,
        command: str,
    ) -> None:
        self.path = out / "manifest.json"
        self._last = 0.0
        cap = p.spec.experiment.replications
        self.data: dict[str, Any] = {
            "kind": "experiment",
            "mill_version": __version__,
            "name": p.spec.experiment.name,
            "experiment_file": str(p.source),
            "scenario_file": str(p.scenario_path),
            "command": command,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "executor": {"description": executor, "workers": workers},
            "keep": keep,
            "seed": p.spec.experiment.seed,
            "replications": cap,
            "seeds": {
                str(k): replication_seed(p.spec.experiment.seed, k) for k in range(1, cap + 1)
            },
            "seed_rule": "replication k runs with SeedSequence(seed, spawn_key=(k,))"
            ".generate_state(1, uint32)[0] at every point (common random numbers)",
            "precision": precision,
            "fingerprint": p.fingerprint,
            "points": [
                {
                    "point": pt.id,
                    "label": pt.label,
                    "alternative": pt.alternative,
                    "factors": pt.factors,
                    "overrides": pt.overrides,
                    "scenario_sha256": p.fingerprint["points"][pt.id],
                }
                for pt in p.points
            ],
            "status": "running",
            "stop": {},
            "runs": {},
            "failed_runs": [],
        }

    def update(
        self, outcomes: dict[str, RunOutcome], stop: dict[str, str], status: str, force: bool
    ) -> None:
        """Record the runs and the status; written now when ``force``, else at most every
        ``EVERY_S`` seconds."""
        now = time.monotonic()
        if not force and now - self._last < EVERY_S:
            return
        self._last = now
        self.data["status"] = status
        self.data["stop"] = stop
        self.data["runs"] = {
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
        self.data["failed_runs"] = sorted(r for r, o in outcomes.items() if o.status != "ok")
        text = json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False, default=str)
        write_atomic(self.path, text + "\n")
