"""``mill compare`` on experiment points: paired differences with 95 % confidence intervals.

A side of a comparison is written ``EXPERIMENT_DIR:POINT`` (the point's id, ``p02``, or its
label, ``no RE``); an experiment folder with a single point may be named alone. Two points of
one experiment are paired by replication: replication k of every point ran with the same seed
(common random numbers), so the differences Z_k = B_k − A_k are i.i.d. and the paired-t
interval applies (Law 2015, §10.2.1). Points of two experiment folders are paired the same way
when their replications' seeds match; otherwise the replications are independent and the
interval is Welch's (Law 2015, §10.2.2), and the text says so.

Two run folders still compare (:func:`mill.analysis.compare.compare_text`), KPI by KPI, with a
plain warning: one run per side cannot tell a real difference from noise.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mill.analysis.compare import HEADLINE_KPIS, compare_text
from mill.analysis.experiment_load import Experiment, is_experiment_folder, load_experiment
from mill.analysis.inference import Interval, paired_ci, welch_ci
from mill.analysis.load import AnalysisError

__all__ = [
    "ONE_RUN_NOTE",
    "PointRef",
    "compare_points",
    "comparison_text",
    "default_kpis",
    "point_ref",
    "verdict",
]

LEVEL = 0.95
ONE_RUN_NOTE = (
    "note: one run per side cannot tell a real difference from noise; another seed moves "
    "these KPIs too. Make replications with `mill experiment` (the two set-ups as alternatives "
    "of an experiment file) and compare its points with 95 % confidence intervals: "
    "`mill compare EXP:p01 EXP:p02`."
)
_FOOTER = (
    "Δ = B − A; means over the replications used. A verdict is given when the 95 % interval "
    "excludes 0; of many KPIs compared, about 1 in 20 does so by chance when nothing differs "
    "(comparisons.csv of an experiment has Bonferroni intervals)."
)
_TABLE_KPIS = (r"ut_rejects_pct", r"ut_indications_per_plate", r"charpy_true_j\..+",
               r"hardness_true_hbw\..+")  # fmt: skip


@dataclass(frozen=True)
class PointRef:
    """One side of a comparison: a design point of a loaded experiment."""

    experiment: Experiment
    point: str
    """The point's id (``p01``)."""

    @property
    def label(self) -> str:
        return str(self.experiment.points.loc[self.point, "label"])

    def values(self, kpi: str) -> pd.Series:
        """The KPI by replication over the point's successful, used replications."""
        runs = self.experiment.used_runs
        ok = runs[runs["point"] == self.point]
        return ok.set_index("replication")[kpi].astype(float).sort_index()

    def seeds(self) -> pd.Series:
        """The seed of each replication used."""
        runs = self.experiment.used_runs
        return runs[runs["point"] == self.point].set_index("replication")["seed"]

    def __str__(self) -> str:
        return f"{self.experiment.path}:{self.point}"


def point_ref(side: str | Path | PointRef | tuple[Experiment | str | Path, str]) -> PointRef:
    """A side given as ``"EXP:POINT"``, ``"EXP"`` (a single-point experiment), a
    ``(experiment, point)`` pair or a :class:`PointRef`."""
    if isinstance(side, PointRef):
        return side
    if isinstance(side, tuple):
        exp, name = side
        e = exp if isinstance(exp, Experiment) else load_experiment(exp)
        return PointRef(e, e.point_id(name))
    folder, point = _split(str(side))
    if not is_experiment_folder(folder):
        raise AnalysisError(
            f"{folder} is not an experiment folder: POINT in EXP:POINT names a design point "
            "of a mill experiment folder"
            if point is not None
            else f"{folder} is not an experiment folder"
        )
    exp = load_experiment(folder)
    if point is None:
        ids = list(exp.points.index)
        if len(ids) != 1:
            names = ", ".join(f"{folder}:{i} ({exp.points.loc[i, 'label']})" for i in ids)
            raise AnalysisError(
                f"{folder} has {len(ids)} design points; name one as EXP:POINT: {names}"
            )
        point = ids[0]
    return PointRef(exp, exp.point_id(point))


def _split(arg: str) -> tuple[Path, str | None]:
    """``"EXP:POINT"`` → (EXP, POINT); a path that exists as given is never split."""
    if Path(arg).exists() or ":" not in arg:
        return Path(arg), None
    head, _, point = arg.rpartition(":")
    if not head or not Path(head).is_dir():
        raise AnalysisError(f"{head or arg} is not a run or experiment folder (no such directory)")
    return Path(head), point


def default_kpis(exp: Experiment) -> list[str]:
    """The KPIs compared unless asked otherwise: the headline KPIs of ``mill compare`` and the
    table KPIs (UT rejects, Charpy and hardness by grade) the experiment has."""
    have = exp.kpis
    chosen = [path for _, path, _ in HEADLINE_KPIS if path in have]
    chosen += [k for k in have if any(re.fullmatch(p, k) for p in _TABLE_KPIS)]
    return list(dict.fromkeys(chosen))


def _better(exp: Experiment) -> dict[str, str]:
    s = exp.summary.drop_duplicates("kpi")
    return {
        str(k): ("" if pd.isna(b) else str(b)) for k, b in zip(s["kpi"], s["better"], strict=True)
    }


def _pairing(a: PointRef, b: PointRef) -> tuple[bool, list[int], str]:
    """Whether to pair, over which replications, and a sentence saying why."""
    sa, sb = a.seeds(), b.seeds()
    common = sorted(set(sa.index) & set(sb.index))
    same_folder = a.experiment.path.resolve() == b.experiment.path.resolve()
    if common and all(int(sa[k]) == int(sb[k]) for k in common):
        why = "(one experiment: common random numbers)" if same_folder else "(the seeds match)"
        span = f"{common[0]}–{common[-1]}" if len(common) > 1 else f"{common[0]}"
        return True, common, (
            f"paired by replication: replications {span} of A and B ran with the same seeds "
            f"{why}; 95 % paired-t intervals for B − A"
        )  # fmt: skip
    return False, [], (
        "not paired: the replications of A and B ran with different seeds, so they are "
        "independent samples; 95 % Welch intervals for B − A (wider than a paired comparison "
        "would give: run both set-ups as alternatives of one experiment to pair them)"
    )  # fmt: skip


def compare_points(
    a: str | Path | PointRef | tuple[Experiment | str | Path, str],
    b: str | Path | PointRef | tuple[Experiment | str | Path, str],
    kpis: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Point B against point A, KPI by KPI: the means, the difference B − A with its 95 %
    interval (paired by replication when the seeds match, else Welch), Δ % of A and whether
    the interval excludes 0. Index: the KPI path. ``attrs["pairing"]`` holds the sentence
    saying how the replications were paired."""
    ra, rb = point_ref(a), point_ref(b)
    if kpis is None:
        kpis = [k for k in default_kpis(ra.experiment) if k in rb.experiment.kpis]
    else:
        kpis = [rb.experiment.kpi(ra.experiment.kpi(k)) for k in kpis]
    paired, reps, why = _pairing(ra, rb)
    better = {**_better(rb.experiment), **_better(ra.experiment)}
    rows = []
    for kpi in kpis:
        xa, xb = ra.values(kpi), rb.values(kpi)
        if paired:
            xa, xb = xa.reindex(reps), xb.reindex(reps)
            d: Interval = paired_ci(xa.to_numpy(), xb.to_numpy(), LEVEL)
            keep = np.isfinite(xa.to_numpy()) & np.isfinite(xb.to_numpy())
            xa, xb = xa[keep], xb[keep]
        else:
            xa, xb = xa[np.isfinite(xa)], xb[np.isfinite(xb)]
            d = welch_ci(xa.to_numpy(), xb.to_numpy(), LEVEL)
        mean_a = float(xa.mean()) if len(xa) else math.nan
        mean_b = float(xb.mean()) if len(xb) else math.nan
        rows.append({
            "kpi": kpi, "better": better.get(kpi, ""), "n_a": len(xa), "n_b": len(xb),
            "mean_a": mean_a, "mean_b": mean_b, "diff_mean": d.mean, "diff_ci_low": d.low,
            "diff_ci_high": d.high,
            "diff_pct": 100.0 * d.mean / abs(mean_a) if mean_a else math.nan,
            "excludes_zero": d.excludes_zero, "method": "paired" if paired else "welch",
        })  # fmt: skip
    frame = pd.DataFrame(rows).set_index("kpi") if rows else pd.DataFrame()
    frame.attrs["pairing"] = why
    frame.attrs["a"], frame.attrs["b"] = str(ra), str(rb)
    return frame


def verdict(row: pd.Series, subject: str = "B") -> str:
    """What the interval says about B (``subject``) against A: "no difference shown", or
    "B higher"/"B lower" with ": better"/": worse" for a KPI with a direction."""
    if not (math.isfinite(row["diff_ci_low"]) and math.isfinite(row["diff_ci_high"])):
        return "undefined (fewer than 2 replications)"
    excludes = row["excludes_zero"]
    if pd.isna(excludes) or not bool(excludes):
        return "no difference shown"
    higher = row["diff_mean"] > 0
    way = f"{subject} {'higher' if higher else 'lower'}".strip()
    if row["better"] in ("high", "low"):
        way += ": better" if higher == (row["better"] == "high") else ": worse"
    return way


def _decimals(*values: float) -> int:
    """Decimals for a row of numbers: by the largest magnitude among them."""
    big = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    return 0 if big >= 1e5 else 2 if big >= 10 else 3


def _num(v: float, dp: int, sign: bool = False) -> str:
    if not math.isfinite(v):
        return "–"
    if v == 0:
        return "0"
    return f"{v:+,.{dp}f}" if sign else f"{v:,.{dp}f}"


def _describe(ref: PointRef) -> str:
    exp = ref.experiment
    n = int((exp.runs["point"] == ref.point).sum())
    ok = len(ref.values(exp.kpis[0])) if exp.kpis else 0
    return (
        f"{exp.path} point {ref.point} ({ref.label}): {ok} of {n} replications used, "
        f"experiment {exp.name}, seed {exp.manifest.get('seed', '?')}"
    )


def _points_text(a: PointRef, b: PointRef, kpis: Sequence[str] | None) -> str:
    table = compare_points(a, b, kpis)
    head_a, head_b = f"A: {a.label}", f"B: {b.label}"
    rows = []
    for kpi, row in table.iterrows():
        dp = _decimals(row["mean_a"], row["mean_b"])
        low, high = _num(row["diff_ci_low"], dp, True), _num(row["diff_ci_high"], dp, True)
        rows.append((
            str(kpi), _num(row["mean_a"], dp), _num(row["mean_b"], dp),
            _num(row["diff_mean"], dp, True), f"[{low}, {high}]",
            "–" if not math.isfinite(row["diff_pct"]) else f"{row['diff_pct']:+.1f}", verdict(row),
        ))  # fmt: skip
    names = ("KPI", head_a, head_b, "Δ (B−A)", "95 % CI of Δ", "Δ %", "verdict")
    widths = [max(len(r[i]) for r in [names, *rows]) for i in range(len(names))]

    def line(cells: Sequence[str]) -> str:
        first, *middle, ci, pct, last = cells
        w = widths
        nums = "".join(f"{c:>{wi + 2}}" for c, wi in zip(middle, w[1:4], strict=True))
        return f"{first:<{w[0]}}{nums}  {ci:<{w[4]}}{pct:>{w[5] + 2}}  {last}".rstrip()

    pairing = textwrap.fill(table.attrs["pairing"], 100)
    lines = [f"A = {_describe(a)}", f"B = {_describe(b)}", pairing, ""]
    body = [line(r) for r in rows]
    lines += [line(names), "─" * max(len(x) for x in [line(names), *body]), *body]
    lines += ["", textwrap.fill(_FOOTER, 100)]
    return "\n".join(lines)


def comparison_text(
    a: str | Path, b: str | Path, kpis: Sequence[str] | None = None, all_kpis: bool = False
) -> str:
    """What ``mill compare A B`` prints: experiment points (``EXP:POINT``) with paired 95 %
    intervals (``kpis`` or, with ``all_kpis``, every KPI both have; by default the headline
    ones), or two run folders side by side with the warning that one run is no evidence."""
    folder_a, point_a = _split(str(a))
    folder_b, point_b = _split(str(b))
    exp_a, exp_b = is_experiment_folder(folder_a), is_experiment_folder(folder_b)
    if exp_a or exp_b or point_a is not None or point_b is not None:
        if not (exp_a and exp_b):
            run = folder_b if exp_a else folder_a
            raise AnalysisError(
                f"{run} is not an experiment folder: compare two runs, or two experiment "
                "points (EXP:POINT), not one of each"
            )
        ra, rb = point_ref(str(a)), point_ref(str(b))
        if all_kpis:
            kpis = [k for k in ra.experiment.kpis if k in rb.experiment.kpis]
        return _points_text(ra, rb, kpis)
    if kpis or all_kpis:
        raise AnalysisError("--kpi and --all select KPIs of experiment points, not of two runs")
    return compare_text(folder_a, folder_b) + "\n\n" + ONE_RUN_NOTE
