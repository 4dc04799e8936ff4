"""From replication outcomes to the experiment's tables: runs, summary, comparisons.

- ``runs.csv``: one row per run with its point, factor values, seed, status and every KPI.
- ``summary.csv``: one row per design point and KPI: n, mean, sd, the 95 % Student-t interval,
  and, for a KPI with a direction (fewer escapes is better), whether the point is in the subset
  that contains the best with 95 % confidence (Nelson et al. 2001).
- ``comparisons.csv``: every point against its reference at the same factor values (the first
  alternative; with factors only, the first point): the paired difference by replication
  (common random numbers), its 95 % interval, whether it excludes 0, the same with a Bonferroni
  correction over the comparisons made, and how much pairing shrank the variance.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from mill.analysis.compare import HEADLINE_KPIS
from mill.analysis.inference import best_subset, bonferroni_level, mean_ci, paired_ci
from mill.experiment.design import DesignPoint
from mill.experiment.task import RunOutcome

LEVEL = 0.95

SUMMARY_COLUMNS = (
    "point", "label", "alternative", "kpi", "better", "n", "mean", "sd", "ci_low", "ci_high",
    "half_width", "in_best_subset",
)  # fmt: skip
COMPARISON_COLUMNS = (
    "point", "label", "reference", "reference_label", "kpi", "better", "n", "reference_mean",
    "point_mean", "diff_mean", "diff_sd", "diff_ci_low", "diff_ci_high", "diff_pct",
    "excludes_zero", "bonferroni_m", "bonferroni_ci_low", "bonferroni_ci_high",
    "bonferroni_excludes_zero", "crn_variance_ratio",
)  # fmt: skip

_BETTER_TABLE_KPIS = (
    (r"ut_rejects_pct", "low"),
    (r"ut_indications_per_plate", "low"),
    (r"charpy_true_j\..+", "high"),
    (r"escapes\..+", "low"),
    (r"false_rejects\.plates", "low"),
)


def better(kpi: str) -> str:
    """ "high" or "low" when the KPI has a direction (what is better), "" when it has none."""
    for _, path, way in HEADLINE_KPIS:
        if path == kpi:
            return way
    for pattern, way in _BETTER_TABLE_KPIS:
        if re.fullmatch(pattern, kpi):
            return way
    return ""


def runs_table(outcomes: Sequence[RunOutcome], points: Sequence[DesignPoint]) -> pd.DataFrame:
    """``runs.csv``: one row per run, sorted by point and replication."""
    by_id = {p.id: p for p in points}
    factor_keys = list(points[0].factors) if points else []
    rows = []
    for o in sorted(outcomes, key=lambda o: (o.point, o.replication)):
        p = by_id[o.point]
        row: dict[str, object] = {
            "run_id": o.run_id,
            "point": o.point,
            "label": p.label,
            "alternative": p.alternative,
            **{k: p.factors[k] for k in factor_keys},
            "replication": o.replication,
            "seed": o.seed,
            "status": o.status,
            "error": o.error,
        }
        row.update(o.kpis)
        rows.append(row)
    fixed = ["run_id", "point", "label", "alternative", *factor_keys, "replication", "seed",
             "status", "error"]  # fmt: skip
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=fixed)
    kpis = sorted(c for c in frame.columns if c not in fixed)
    return frame[fixed + kpis]


def kpi_columns(runs: pd.DataFrame, points: Sequence[DesignPoint]) -> list[str]:
    """The KPI columns of a runs table."""
    factor_keys = list(points[0].factors) if points else []
    fixed = {"run_id", "point", "label", "alternative", *factor_keys, "replication", "seed",
             "status", "error"}  # fmt: skip
    return [c for c in runs.columns if c not in fixed]


def _matrix(ok: pd.DataFrame, ids: Sequence[str], kpi: str) -> np.ndarray:
    """(points × replications) of one KPI over the replications every point has."""
    common = set.intersection(*(set(ok.loc[ok["point"] == i, "replication"]) for i in ids))
    reps = sorted(common)
    out = np.empty((len(ids), len(reps)))
    for row, pid in enumerate(ids):
        sub = ok[ok["point"] == pid].set_index("replication")[kpi]
        out[row] = sub.reindex(reps).to_numpy(dtype=float)
    return out


def summary_table(
    runs: pd.DataFrame, points: Sequence[DesignPoint], used: dict[str, int]
) -> pd.DataFrame:
    """``summary.csv``: per point and KPI, over the first ``used[point]`` replications that
    succeeded."""
    ok = _used(runs, used)
    kpis = kpi_columns(runs, points)
    ids = [p.id for p in points]
    rows = []
    subsets: dict[str, np.ndarray] = {}
    for kpi in kpis:
        way = better(kpi)
        if way and len(ids) > 1:
            m = _matrix(ok, ids, kpi)
            finite = np.isfinite(m).all(axis=0)
            if finite.sum() >= 2:
                subsets[kpi] = best_subset(m[:, finite], maximise=way == "high", level=LEVEL)
    for index, p in enumerate(points):
        sub = ok[ok["point"] == p.id]
        for kpi in kpis:
            ci = mean_ci(sub[kpi].to_numpy(dtype=float), LEVEL)
            in_best: object = ""
            if kpi in subsets:
                in_best = bool(subsets[kpi][index])
            rows.append({
                "point": p.id, "label": p.label, "alternative": p.alternative, "kpi": kpi,
                "better": better(kpi), "n": ci.n, "mean": ci.mean, "sd": ci.sd,
                "ci_low": ci.low, "ci_high": ci.high, "half_width": ci.half_width,
                "in_best_subset": in_best,
            })  # fmt: skip
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def reference_of(point: DesignPoint, points: Sequence[DesignPoint]) -> DesignPoint | None:
    """The point ``point`` is compared against: the first alternative at the same factor
    levels; with a single alternative, the first point. None for the reference itself."""
    alternatives = list(dict.fromkeys(p.alternative for p in points))
    if len(alternatives) > 1:
        ref = next(
            p for p in points if p.alternative == alternatives[0] and p.factors == point.factors
        )
    else:
        ref = points[0]
    return None if ref.id == point.id else ref


def comparisons_table(
    runs: pd.DataFrame, points: Sequence[DesignPoint], used: dict[str, int]
) -> pd.DataFrame:
    """``comparisons.csv``: paired differences (point − reference) by replication."""
    ok = _used(runs, used)
    pairs = [(p, ref) for p in points if (ref := reference_of(p, points)) is not None]
    m = len(pairs)
    adjusted = bonferroni_level(LEVEL, m)
    rows = []
    for p, ref in pairs:
        a = ok[ok["point"] == ref.id].set_index("replication")
        b = ok[ok["point"] == p.id].set_index("replication")
        reps = sorted(set(a.index) & set(b.index))
        for kpi in kpi_columns(runs, points):
            xa = a.loc[reps, kpi].to_numpy(dtype=float)
            xb = b.loc[reps, kpi].to_numpy(dtype=float)
            d = paired_ci(xa, xb, LEVEL)
            dadj = paired_ci(xa, xb, adjusted)
            # pairs with both values finite: the means, variances and difference share them
            both = np.isfinite(xa) & np.isfinite(xb)
            pa, pb = xa[both], xb[both]
            va = float(np.var(pa, ddof=1)) if pa.size > 1 else math.nan
            vb = float(np.var(pb, ddof=1)) if pb.size > 1 else math.nan
            ref_mean = float(pa.mean()) if pa.size else math.nan
            point_mean = float(pb.mean()) if pb.size else math.nan
            with np.errstate(divide="ignore", invalid="ignore"):
                crn = d.sd**2 / (va + vb) if va + vb > 0 else math.nan
                rel = 100.0 * d.mean / abs(ref_mean) if ref_mean else math.nan
            rows.append({
                "point": p.id, "label": p.label, "reference": ref.id,
                "reference_label": ref.label, "kpi": kpi, "better": better(kpi), "n": d.n,
                "reference_mean": ref_mean, "point_mean": point_mean,
                "diff_mean": d.mean, "diff_sd": d.sd, "diff_ci_low": d.low,
                "diff_ci_high": d.high, "diff_pct": rel, "excludes_zero": d.excludes_zero,
                "bonferroni_m": m, "bonferroni_ci_low": dadj.low, "bonferroni_ci_high": dadj.high,
                "bonferroni_excludes_zero": dadj.excludes_zero, "crn_variance_ratio": crn,
            })  # fmt: skip
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))


def _used(runs: pd.DataFrame, used: dict[str, int]) -> pd.DataFrame:
    """Successful runs within each point's used replications (sequential mode may stop a
    point before others)."""
    if runs.empty:
        return runs
    ok = runs[runs["status"] == "ok"]
    # a plain array: mapping an empty text column keeps its text dtype (pandas 3 with pyarrow),
    # which no integer compares with
    limit = np.array([used.get(str(p), 0) for p in ok["point"]], dtype=np.int64)
    return ok[ok["replication"].to_numpy() <= limit]
