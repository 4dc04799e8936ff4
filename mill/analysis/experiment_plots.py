"""Plots of an experiment folder: a KPI's mean with its 95 % interval at every design point,
and a KPI against the levels of a factor.

Like every plot of :mod:`mill.analysis`, each function returns its
:class:`~matplotlib.figure.Figure` and accepts ``ax=`` to draw into an existing axes. An
alternative keeps its colour in both plots (the reference, the first alternative, is dark).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from mill.analysis.experiment_load import Experiment, ExperimentLike, as_experiment
from mill.analysis.inference import mean_ci
from mill.analysis.load import AnalysisError
from mill.analysis.style import new_axes, tidy

__all__ = [
    "alternative_colour",
    "factor_effect",
    "factor_levels",
    "plot_factor_effect",
    "plot_kpi_by_point",
]

_ALTERNATIVE_COLOURS = ("#264653", "#e76f51", "#2a9d8f", "#e9c46a", "#457b9d", "#9d4edd",
                        "#8d99ae", "#f4a261")  # fmt: skip
_REPLICATION_COLOUR = "#adb5bd"
_LINE_STYLES = (("-", "o"), ("--", "s"), ("-.", "^"), (":", "D"))


def alternative_colour(exp: Experiment, alternative: Any) -> str:
    """The colour of an alternative: by its position in the design."""
    names = exp.alternatives
    key = "" if pd.isna(alternative) else str(alternative)
    index = names.index(key) if key in names else len(names)
    return _ALTERNATIVE_COLOURS[index % len(_ALTERNATIVE_COLOURS)]


def _direction(better: Any) -> str:
    if better == "low":
        return " (lower is better)"
    if better == "high":
        return " (higher is better)"
    return ""


def plot_kpi_by_point(
    exp: ExperimentLike, kpi: str, replications: bool = True, ax: Axes | None = None
) -> Figure:
    """``kpi`` at every design point: the mean over the replications with its 95 % Student-t
    interval as an error bar (from ``summary.csv``), one row per point in design order, coloured
    by alternative; with ``replications`` the individual replications as grey dots. For a KPI
    with a direction, a filled marker is a point in the subset that contains the best with 95 %
    confidence, a hollow one a point screened out."""
    e = as_experiment(exp)
    kpi = e.kpi(kpi)
    rows = e.summary[e.summary["kpi"] == kpi].reset_index(drop=True)
    fig, ax = new_axes(ax, (9.0, 1.0 + 0.55 * max(len(rows), 2)))
    y = np.arange(len(rows), dtype=float)
    runs = e.used_runs
    for i, (_, row) in enumerate(rows.iterrows()):
        colour = alternative_colour(e, row["alternative"])
        if replications:
            values = runs.loc[runs["point"] == row["point"], kpi].to_numpy(dtype=float)
            values = values[np.isfinite(values)]
            offsets = np.linspace(-0.18, 0.18, len(values)) if len(values) > 1 else [0.0]
            ax.scatter(values, y[i] + offsets, s=14, color=_REPLICATION_COLOUR, zorder=2,
                       label="replication" if i == 0 else None)  # fmt: skip
        low, high, mean = float(row["ci_low"]), float(row["ci_high"]), float(row["mean"])
        if np.isfinite(low) and np.isfinite(high):
            ax.errorbar(mean, y[i], xerr=[[mean - low], [high - mean]], fmt="none",
                        ecolor=colour, elinewidth=2.2, capsize=5, zorder=3)  # fmt: skip
        best = row["in_best_subset"]
        hollow = best is not pd.NA and not pd.isna(best) and not bool(best)
        ax.plot(mean, y[i], marker="o", ms=9, color=colour, zorder=4,
                markerfacecolor="white" if hollow else colour, markeredgewidth=2)  # fmt: skip
        ax.annotate(f"n={int(row['n'])}", (1.0, y[i]), xycoords=("axes fraction", "data"),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=8,
                    color="#555555")  # fmt: skip
    ax.set_yticks(y, [f"{p}  {lab}" for p, lab in zip(rows["point"], rows["label"], strict=True)])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    better = rows["better"].iloc[0] if len(rows) else None
    ax.set_xlabel(kpi + _direction(better))
    ax.set_title(f"{kpi}: mean and 95 % CI by design point ({e.name})", loc="left")
    handles = [Line2D([], [], color="#444444", marker="o", lw=2.2, label="mean, 95 % CI")]
    if replications:
        handles.append(Line2D([], [], color=_REPLICATION_COLOUR, marker="o", lw=0, ms=4,
                              label="one replication"))  # fmt: skip
    if rows["in_best_subset"].notna().any():
        handles += [
            Line2D([], [], color="#444444", marker="o", lw=0, ms=8, label="in the best subset"),
            Line2D([], [], color="#444444", marker="o", lw=0, ms=8, markerfacecolor="white",
                   markeredgewidth=2, label="screened out (95 %)"),
        ]  # fmt: skip
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="upper left",
              bbox_to_anchor=(1.07, 1.0))  # fmt: skip
    tidy(ax, "x")
    fig.tight_layout()
    return fig


def _factor_key(e: Experiment, factor: str) -> str:
    keys = e.factors
    if not keys:
        raise AnalysisError(
            f"{e.path}: the experiment has no factors (plot_kpi_by_point compares its points)"
        )
    if factor in keys:
        return factor
    short = [k for k in keys if k.rsplit(".", 1)[-1] == factor]
    if len(short) == 1:
        return short[0]
    raise AnalysisError(f"{e.path}: no factor {factor!r}; the factors are {', '.join(keys)}")


def factor_levels(exp: ExperimentLike, factor: str) -> list[Any]:
    """The levels of ``factor`` (its key, or the key's last part) in the design's order."""
    e = as_experiment(exp)
    key = _factor_key(e, factor)
    return list(dict.fromkeys(p["factors"][key] for p in e.manifest.get("points", [])))


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def factor_effect(exp: ExperimentLike, kpi: str, factor: str) -> pd.DataFrame:
    """The data of :func:`plot_factor_effect`: per alternative and level of ``factor``, the
    mean of ``kpi`` and its 95 % interval. Each replication's value is first averaged over the
    points at that level (the other factors' levels), which common random numbers make an
    i.i.d. sample across replications; with a single factor these are ``summary.csv``'s rows."""
    e = as_experiment(exp)
    kpi, key = e.kpi(kpi), _factor_key(e, factor)
    runs = e.used_runs
    rows = []
    for alt in e.alternatives:
        for level in factor_levels(e, key):
            ids = [p["point"] for p in e.manifest["points"]
                   if p.get("alternative", "") == alt and p["factors"][key] == level]  # fmt: skip
            sub = runs[runs["point"].isin(ids)]
            table = sub.pivot_table(index="replication", columns="point", values=kpi,
                                    observed=True, dropna=False)  # fmt: skip
            table = table.reindex(columns=ids).dropna()
            ci = mean_ci(table.mean(axis=1).to_numpy(dtype=float))
            rows.append({"alternative": alt, "level": level, "points": ", ".join(ids), "n": ci.n,
                         "mean": ci.mean, "ci_low": ci.low, "ci_high": ci.high})  # fmt: skip
    return pd.DataFrame(rows)


def plot_factor_effect(
    exp: ExperimentLike, kpi: str, factor: str, ax: Axes | None = None
) -> Figure:
    """``kpi`` against the levels of ``factor`` (its dotted key, or the key's last part): one
    line per alternative through the means, with its 95 % interval as a band. Numeric levels
    sit on a numeric axis; others are evenly spaced. With several factors, each level's value
    is averaged over the other factors' levels (:func:`factor_effect`)."""
    e = as_experiment(exp)
    data = factor_effect(e, kpi, factor)
    key = _factor_key(e, factor)
    levels = factor_levels(e, key)
    numeric = all(_is_number(v) for v in levels)
    position = {lv: (float(lv) if numeric else float(i)) for i, lv in enumerate(levels)}
    fig, ax = new_axes(ax, (8.0, 5.0))
    for k, (alt, grp) in enumerate(data.groupby("alternative", sort=False)):
        colour = alternative_colour(e, alt)
        style = _LINE_STYLES[k % len(_LINE_STYLES)]
        x = np.array([position[v] for v in grp["level"]])
        order = np.argsort(x)
        x = x[order]
        mean = grp["mean"].to_numpy(dtype=float)[order]
        low = grp["ci_low"].to_numpy(dtype=float)[order]
        high = grp["ci_high"].to_numpy(dtype=float)[order]
        name = str(alt) or "all points"
        ax.fill_between(x, low, high, color=colour, alpha=0.14, lw=0, label=f"{name}: 95 % CI")
        for edge in (low, high):
            ax.plot(x, edge, color=colour, lw=0.8, ls="--", alpha=0.7)
        # lines that coincide stay visible: each alternative its dash and marker, the first
        # drawn widest
        ax.plot(x, mean, color=colour, marker=style[1], ls=style[0], lw=max(1.2, 3.2 - k),
                ms=max(4.0, 9.0 - 2 * k), label=f"{name}: mean")  # fmt: skip
    if not numeric:
        ax.set_xticks([position[v] for v in levels], [str(v) for v in levels])
    else:
        ax.set_xticks([position[v] for v in levels], [f"{v:g}" for v in levels])
    better = e.summary.loc[e.summary["kpi"] == kpi, "better"]
    ax.set_xlabel(key)
    ax.set_ylabel(kpi + _direction(better.iloc[0] if len(better) else None))
    others = [k for k in e.factors if k != key]
    note = f" (averaged over {', '.join(others)})" if others else ""
    ax.set_title(f"{kpi} against {key.rsplit('.', 1)[-1]}{note}", loc="left")
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.margins(x=0.08)
    tidy(ax)
    fig.tight_layout()
    return fig
