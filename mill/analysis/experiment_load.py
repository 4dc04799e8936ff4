"""Load an experiment folder (``mill experiment``) into pandas.

Reads the folder only, like :func:`~mill.analysis.load.load_run` reads a run folder: the
manifest, ``runs.csv``, ``summary.csv`` and ``comparisons.csv``, each typed by the data
dictionary (:data:`mill.trace.schema.EXPERIMENT_TABLES`): points, labels, alternatives and
KPIs become categoricals in design order, counts become integers and the yes/no columns
become pandas' nullable booleans (empty where the statistic is undefined)::

    exp = load_experiment("experiments/rare_earth")
    exp.summary.query("kpi == 'escapes.per_million_prime'")
    exp.run("p02", 1)          # replication 1 of point p02 as a Run
"""

from __future__ import annotations

import difflib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from mill.analysis.load import AnalysisError, Run, load_run
from mill.trace import schema

__all__ = [
    "Experiment",
    "ExperimentLike",
    "as_experiment",
    "is_experiment_folder",
    "load_experiment",
]

TABLE_FILES: tuple[str, ...] = tuple(f"{t}.csv" for t in schema.EXPERIMENT_TABLES)
_STATUSES = ("ok", "failed", "invariant_violated")
_BETTER = ("high", "low")


@dataclass
class Experiment:
    """One experiment folder in memory: its three tables and its manifest."""

    path: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    """``runs.csv``: one row per run (point, factor levels, replication, seed, status, KPIs)."""
    summary: pd.DataFrame
    """``summary.csv``: one row per point and KPI (n, mean, sd, 95 % CI, best subset)."""
    comparisons: pd.DataFrame
    """``comparisons.csv``: one row per point, reference and KPI (paired differences)."""
    spec: dict[str, Any]
    """The effective ``experiment.toml`` (empty when the file is missing)."""

    @property
    def name(self) -> str:
        """The experiment's name (falls back to the folder name)."""
        return str(self.manifest.get("name") or self.path.name)

    @property
    def points(self) -> pd.DataFrame:
        """The design, one row per point (index ``point``, in design order): label,
        alternative, one column per factor, the replications used and why the point stopped."""
        rows = []
        used = self.manifest.get("replications_used", {})
        stop = self.manifest.get("stop", {})
        for p in self.manifest.get("points", []):
            rows.append({
                "point": p["point"], "label": p.get("label", ""),
                "alternative": p.get("alternative", ""), **p.get("factors", {}),
                "replications": used.get(p["point"]), "stop": stop.get(p["point"], ""),
            })  # fmt: skip
        frame = pd.DataFrame(rows)
        if frame.empty:
            return pd.DataFrame(columns=["label", "alternative", "replications", "stop"])
        frame["replications"] = frame["replications"].astype("Int64")
        return frame.set_index("point")

    @property
    def factors(self) -> list[str]:
        """The factor keys (dotted scenario paths), in file order."""
        points = self.manifest.get("points", [])
        return list(points[0].get("factors", {})) if points else []

    @property
    def alternatives(self) -> list[str]:
        """The alternatives' names in design order ([""] when the experiment has none)."""
        return list(
            dict.fromkeys(p.get("alternative", "") for p in self.manifest.get("points", []))
        )

    @property
    def kpis(self) -> list[str]:
        """Every KPI of the experiment (the KPI columns of ``runs.csv``), in name order."""
        return [str(k) for k in self.summary["kpi"].cat.categories]

    @property
    def warmup(self) -> dict[str, Any]:
        """The MSER-5 warm-up check of the manifest."""
        warm: dict[str, Any] = self.manifest.get("warmup", {}) or {}
        return warm

    @property
    def used_runs(self) -> pd.DataFrame:
        """The runs the statistics use: successful ones within each point's replications used
        (a sequential experiment may stop a point early); summary.csv is made from these."""
        ok = self.runs[self.runs["status"] == "ok"]
        used = self.manifest.get("replications_used")
        if not isinstance(used, dict):
            return ok
        limit = ok["point"].astype("string").map(used).astype("Float64").fillna(0)
        return ok[(ok["replication"] <= limit).fillna(False).astype(bool)]

    @property
    def failed(self) -> pd.DataFrame:
        """The runs that did not succeed (rows of ``runs``)."""
        return self.runs[self.runs["status"] != "ok"]

    def point_id(self, point: str) -> str:
        """The id of a point given by its id (``p02``) or its label (``no RE``)."""
        ids = [p["point"] for p in self.manifest.get("points", [])]
        if point in ids:
            return point
        labels = {str(p.get("label")): p["point"] for p in self.manifest.get("points", [])}
        if point in labels:
            return labels[point]
        known = ", ".join(f"{i} ({lab})" for lab, i in labels.items()) or ", ".join(ids)
        hint = difflib.get_close_matches(point, [*ids, *labels], n=1)
        tail = f"; did you mean {hint[0]!r}?" if hint else ""
        raise AnalysisError(f"{self.path}: no point {point!r}; the points are {known}{tail}")

    def kpi(self, kpi: str) -> str:
        """``kpi`` if the experiment has it, else :class:`AnalysisError` with the nearest."""
        names = self.kpis
        if kpi in names:
            return kpi
        hint = difflib.get_close_matches(kpi, names, n=3)
        tail = f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else ""
        raise AnalysisError(f"{self.path}: no KPI {kpi!r}{tail}")

    def run(self, point: str, replication: int) -> Run:
        """Replication ``replication`` (1-based) of ``point`` (id or label) as a loaded run."""
        pid = self.point_id(point)
        rows = self.runs[(self.runs["point"] == pid) & (self.runs["replication"] == replication)]
        if rows.empty:
            reps = sorted(int(r) for r in self.runs.loc[self.runs["point"] == pid, "replication"])
            raise AnalysisError(
                f"{self.path}: point {pid} has no replication {replication} (it has "
                f"{', '.join(map(str, reps)) or 'none'})"
            )
        folder = self.path / "runs" / str(rows["run_id"].iloc[0])
        if self.manifest.get("keep") == "summary":
            raise AnalysisError(
                f"{folder} holds only the run's manifest and summary: the experiment was made "
                "with --keep summary; run it again with --keep all to keep the run tables"
            )
        return load_run(folder)

    def __repr__(self) -> str:
        return (
            f"Experiment({str(self.path)!r}, points={len(self.manifest.get('points', []))}, "
            f"runs={len(self.runs)}, kpis={len(self.kpis)})"
        )


ExperimentLike = Experiment | str | Path


def as_experiment(exp: ExperimentLike) -> Experiment:
    """``exp`` itself if it is a loaded :class:`Experiment`, else :func:`load_experiment`."""
    return exp if isinstance(exp, Experiment) else load_experiment(exp)


def _manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_experiment_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder whose ``manifest.json`` says ``"kind": "experiment"``."""
    folder = Path(path)
    if not folder.is_dir():
        return False
    manifest = _manifest(folder)
    return manifest is not None and manifest.get("kind") == "experiment"


def _categorical(values: pd.Series, order: list[str]) -> pd.Series:
    text = values.astype("string").mask(values.isna() | (values.astype("string") == ""))
    observed = [v for v in dict.fromkeys(text.dropna()) if v not in order]
    cats = [o for o in order if o] + observed
    return pd.Series(pd.Categorical(text, categories=list(dict.fromkeys(cats))), index=values.index)


def _to_bool(values: pd.Series) -> pd.Series:
    """True/False/empty → a nullable boolean (empty where the statistic is undefined)."""
    words = {"true": True, "false": False, "1": True, "0": False}
    mapped = [words.get(str(v).strip().lower()) if pd.notna(v) else None for v in values]
    return pd.Series(pd.array(mapped, dtype="boolean"), index=values.index)


def _typed(frame: pd.DataFrame, table: str, order: dict[str, list[str]]) -> pd.DataFrame:
    """Type the columns of ``table`` by the data dictionary; placeholder columns (factors,
    KPIs) of runs.csv are typed by the caller."""
    for col in schema.EXPERIMENT_TABLES[table]:
        if col.name not in frame.columns:
            continue
        s = frame[col.name]
        if col.dtype == "float":
            frame[col.name] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif col.dtype == "int":
            numeric = pd.to_numeric(s, errors="coerce")
            frame[col.name] = numeric.round().astype("Int64" if numeric.isna().any() else "int64")
        elif col.dtype == "bool":
            frame[col.name] = _to_bool(s)
        elif col.dtype == "category":
            frame[col.name] = _categorical(s, order.get(col.name, []))
        elif col.dtype == "string":
            text = s.astype("string")
            frame[col.name] = text.mask(text == "")
    return frame


def _read(folder: Path, table: str) -> pd.DataFrame:
    path = folder / f"{table}.csv"
    text_cols = {
        c.name: "str"
        for c in schema.EXPERIMENT_TABLES[table]
        if c.dtype in ("string", "category", "bool")
    }
    try:
        frame = pd.read_csv(path, dtype=text_cols, keep_default_na=True)
    except pd.errors.EmptyDataError:
        return pd.DataFrame(columns=[c.name for c in schema.EXPERIMENT_TABLES[table]])
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise AnalysisError(f"{path} is not a readable experiment table: {exc}") from exc
    missing = [
        c.name
        for c in schema.EXPERIMENT_TABLES[table]
        if not c.name.startswith("<") and c.name not in frame.columns
    ]
    if missing and len(frame.columns):
        raise AnalysisError(f"{path} lacks the column(s) {', '.join(missing)}")
    return frame


def load_experiment(path: str | Path) -> Experiment:
    """Load the experiment folder at ``path``; :class:`AnalysisError` when it is not one (or
    not finished: no tables yet)."""
    folder = Path(path)
    if not folder.is_dir():
        raise AnalysisError(f"{folder} is not an experiment folder (no such directory)")
    manifest = _manifest(folder)
    if manifest is None or manifest.get("kind") != "experiment":
        what = "it has no readable manifest.json"
        if manifest is not None:
            what = (
                "it is a run folder: load it with load_run"
                if "scenario_sha256" in manifest
                else 'its manifest.json has no "kind": "experiment"'
            )
        raise AnalysisError(
            f"{folder} is not an experiment folder ({what}); make one with mill experiment"
        )
    missing = [f for f in TABLE_FILES if not (folder / f).is_file()]
    if missing:
        raise AnalysisError(
            f"{folder}: the experiment is not finished (status "
            f"{manifest.get('status', '?')}): missing {', '.join(missing)}; "
            "mill experiment --resume finishes it"
        )
    points = manifest.get("points", [])
    factor_keys = list(points[0].get("factors", {})) if points else []
    order = {
        "point": [p["point"] for p in points],
        "reference": [p["point"] for p in points],
        "label": [str(p.get("label", "")) for p in points],
        "reference_label": [str(p.get("label", "")) for p in points],
        "alternative": [str(p.get("alternative", "")) for p in points],
        "status": list(_STATUSES),
        "better": list(_BETTER),
    }
    runs = _read(folder, "runs")
    fixed = {c.name for c in schema.EXPERIMENT_RUNS} | set(factor_keys)
    kpi_names = sorted(c for c in runs.columns if c not in fixed)
    order["kpi"] = kpi_names
    runs = _typed(runs, "runs", order)
    for kpi in kpi_names:
        runs[kpi] = pd.to_numeric(runs[kpi], errors="coerce").astype("float64")
    summary = _typed(_read(folder, "summary"), "summary", order)
    comparisons = _typed(_read(folder, "comparisons"), "comparisons", order)
    try:
        spec = tomllib.loads((folder / "experiment.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        spec = {}
    return Experiment(folder, manifest, runs, summary, comparisons, spec)
