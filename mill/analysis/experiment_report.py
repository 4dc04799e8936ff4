"""A self-contained HTML report of an experiment folder (``mill report EXPERIMENT_DIR``).

The design, the means of the headline KPIs with their 95 % intervals and the best subset, the
paired comparisons with a verdict each, the plots, the MSER-5 warm-up check and the failed runs,
in one file with its images embedded (base64 PNG), like the run report (:mod:`report`).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from mill.analysis.experiment_compare import default_kpis, verdict
from mill.analysis.experiment_load import TABLE_FILES, Experiment, ExperimentLike, as_experiment
from mill.analysis.experiment_plots import plot_factor_effect, plot_kpi_by_point
from mill.analysis.load import AnalysisError, write_file
from mill.analysis.report import REPORT_CSS, figure_html

__all__ = ["PLOTTED_KPIS", "experiment_report_html", "write_experiment_report"]

PLOTTED_KPIS: tuple[str, ...] = (
    "escapes.per_million_prime",
    "yield_by_tonnage.slab_to_prime_pct",
    "throughput_t_per_h",
    "ut_rejects_pct",
    "lead_time_h.mean",
)
"""The KPIs drawn by point (those the experiment has); the first two also against each factor."""

_EXTRAREPORT_CSS = """
td.best { font-weight: 600; background: #e9f5f3; } td.out { color: #777; }
td small { color: #666; display: block; } details { margin: 1rem 0; }
summary { cursor: pointer; color: #264653; font-weight: 600; }
td.better { color: #2a9d8f; font-weight: 600; } td.worse { color: #c1121f; font-weight: 600; }
td.better, td.worse, td.plain { white-space: nowrap; text-align: left; }
td.ci { white-space: nowrap; }
.note { background: #fff8e6; border-left: 4px solid #e9c46a; padding: .5rem .8rem; }
.good { background: #eef8f6; border-left: 4px solid #2a9d8f; padding: .5rem .8rem; }
code { font-size: .85em; }
"""


def _num(v: Any, dp: int | None = None) -> str:
    """A number for a table cell: integers as integers, floats to ``dp`` decimals (by default
    by their magnitude); missing as "–"."""
    if v is None or v is pd.NA or (isinstance(v, Real) and not math.isfinite(float(v))):
        return "–"
    if isinstance(v, bool) or not isinstance(v, Real):
        return html.escape(str(v))
    x = float(v)
    if isinstance(v, Integral) or (dp is None and x.is_integer() and abs(x) < 1e15):
        return f"{round(x):,}"
    if dp is None:
        dp = 0 if abs(x) >= 1e4 else 2 if abs(x) >= 10 else 3
    return f"{x:,.{dp}f}"


def _dp(*values: float) -> int:
    big = max((abs(float(v)) for v in values if pd.notna(v) and math.isfinite(v)), default=0.0)
    return 0 if big >= 1e4 else 2 if big >= 10 else 3


Cell = str | tuple[str, str]
"""An HTML table cell: its HTML, or its HTML and a CSS class."""


def _html_table(head: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """A table from cells that are already HTML (a cell may be ``(html, css_class)``)."""
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, tuple):
                cells.append(f"<td class='{cell[1]}'>{cell[0]}</td>")
            else:
                cells.append(f"<td>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{th}</tr>{''.join(body)}</table>"


def _design(e: Experiment) -> str:
    points = e.points
    factors = e.factors
    head = ["point", "label", "alternative", *factors, "replications used", "stopped because"]
    rows: list[list[Cell]] = []
    for pid, p in points.iterrows():
        rows.append([
            html.escape(str(pid)), html.escape(str(p["label"])),
            html.escape(str(p["alternative"]) or "–"), *(html.escape(str(p[f])) for f in factors),
            _num(p["replications"]), html.escape(str(p["stop"])),
        ])  # fmt: skip
    seeds = e.manifest.get("seeds", {})
    seed_text = ", ".join(f"{k}: {v}" for k, v in list(seeds.items())[:12])
    if len(seeds) > 12:
        seed_text += f", … ({len(seeds)} in all)"
    overrides = "".join(
        f"<li><b>{html.escape(p['point'])}</b>: "
        + (
            ", ".join(
                f"<code>{html.escape(k)} = {html.escape(json.dumps(v))}</code>"
                for k, v in p.get("overrides", {}).items()
            )
            or "none"
        )
        + "</li>"
        for p in e.manifest.get("points", [])
    )
    return (
        _html_table(head, rows)
        + f"<p class='meta'>Replication k of every point ran with the same seed (common random "
        f"numbers), so points are compared pair by pair. Seeds by replication: "
        f"{html.escape(seed_text)}.</p>"
        + f"<details><summary>Scenario overrides of each point</summary><ul>{overrides}</ul>"
        "</details>"
    )


def _means(e: Experiment, kpis: Sequence[str]) -> str:
    """KPI × point table of means with their 95 % intervals; the best subset in bold."""
    s = e.summary
    points = list(e.points.index)
    labels = e.points["label"].to_dict()
    head = ["KPI", "better", *(f"{p} {labels[p]}" for p in points)]
    rows: list[list[Cell]] = []
    for kpi in kpis:
        sub = s[s["kpi"] == kpi].set_index("point")
        better = sub["better"].iloc[0] if len(sub) else None
        row: list[Cell] = [f"<code>{html.escape(kpi)}</code>", "" if pd.isna(better) else better]
        dp = _dp(*sub["mean"].to_numpy())
        for p in points:
            if p not in sub.index:
                row.append("–")
                continue
            r = sub.loc[p]
            cell = (
                f"{_num(r['mean'], dp)}<small>[{_num(r['ci_low'], dp)}, "
                f"{_num(r['ci_high'], dp)}] n={_num(r['n'])}</small>"
            )
            best = r["in_best_subset"]
            css = "" if pd.isna(best) else ("best" if bool(best) else "out")
            row.append((cell, css) if css else cell)
        rows.append(row)
    return _html_table(head, rows)


def _comparisons(e: Experiment, kpis: Sequence[str]) -> str:
    c = e.comparisons
    if c.empty:
        return "<p class='meta'>A single design point: nothing to compare.</p>"
    head = ["KPI", "point", "against", "n", "Δ mean", "95 % CI of Δ", "Δ %", "verdict",
            "Bonferroni", "CRN variance ratio"]  # fmt: skip
    rows: list[list[Cell]] = []
    for kpi in kpis:
        for _, r in c[c["kpi"] == kpi].iterrows():
            dp = _dp(r["reference_mean"], r["point_mean"])
            says = verdict(r, subject="")
            css = (
                "better"
                if says.endswith("better")
                else "worse"
                if says.endswith("worse")
                else "plain"
            )
            bonf = r["bonferroni_excludes_zero"]
            rows.append([
                f"<code>{html.escape(kpi)}</code>",
                f"<span title='{html.escape(str(r['label']))}'>{html.escape(str(r['point']))}"
                "</span>",
                f"<span title='{html.escape(str(r['reference_label']))}'>"
                f"{html.escape(str(r['reference']))}</span>", _num(r["n"]),
                _num(r["diff_mean"], dp),
                (f"[{_num(r['diff_ci_low'], dp)}, {_num(r['diff_ci_high'], dp)}]", "ci"),
                _num(r["diff_pct"], 1), (html.escape(says), css),
                "–" if pd.isna(bonf) else ("excludes 0" if bool(bonf) else "includes 0"),
                _num(r["crn_variance_ratio"], 2),
            ])  # fmt: skip
    m = int(c["bonferroni_m"].iloc[0])
    return _html_table(head, rows) + (
        "<p class='meta'>Δ = point − reference (the design table names the points), paired by "
        "replication. A verdict is given "
        "when the 95 % interval excludes 0. Bonferroni: the same at level 1 − 0.05/"
        f"{m} (the {m} comparison{'s' if m != 1 else ''} of a KPI hold jointly). CRN variance "
        "ratio below 1: common random numbers made the comparison that much more precise "
        "than independent runs would.</p>"
    )


def _days(v: Any) -> str:
    return f"{float(v):g}" if isinstance(v, Real) and not isinstance(v, bool) else "–"


def _warmup(e: Experiment) -> str:
    w = e.warmup
    if not w:
        return "<p class='meta'>The manifest holds no warm-up check.</p>"
    longest, scen = _days(w.get("mser5_days")), _days(w.get("scenario_warmup_days"))
    by_point = w.get("mser5_days_by_point", {}) or {}
    if w.get("warmup_shorter_than_mser5"):
        verdict_html = (
            f"<p class='note'>The scenario's warm-up ({scen} days) is shorter than the "
            f"MSER-5 truncation point ({longest} days): the KPIs may carry start-up bias. "
            f"Set <code>run.warmup_days</code> to at least {longest} and run again.</p>"
        )
    elif w.get("mser5_days") is None:
        verdict_html = "<p class='meta'>No run gave a WIP series, so MSER-5 was not computed.</p>"
    elif w.get("conclusive") is False:
        verdict_html = (
            "<p class='meta'>The runs are too short for MSER-5 to tell (fewer than 20 batches "
            "of 5 hourly WIP samples): the truncation points below are no verdict on the "
            f"scenario's warm-up ({scen} days).</p>"
        )
    else:
        verdict_html = (
            f"<p class='good'>The scenario's warm-up ({scen} days) covers the MSER-5 "
            f"truncation point ({longest} days).</p>"
        )
    rows: list[list[Cell]] = [["longest point", longest]]
    rows += [[html.escape(p), _days(v)] for p, v in by_point.items()]
    return (
        verdict_html
        + _html_table(["runs", "MSER-5 truncation (days)"], rows)
        + f"<p class='meta'>{html.escape(str(w.get('method', '')))}.</p>"
    )


def _failed(e: Experiment) -> str:
    runs = e.manifest.get("runs", {})
    bad = {rid: r for rid, r in runs.items() if r.get("status") != "ok"}
    if not bad:
        return f"<p class='good'>All {len(runs)} runs succeeded.</p>"
    rows: list[list[Cell]] = [
        [html.escape(rid), html.escape(str(r.get("point", ""))), _num(r.get("replication")),
         html.escape(str(r.get("seed"))), (html.escape(str(r.get("status", ""))), "worse"),
         f"<code>{html.escape(str(r.get('error', '')))}</code>"]
        for rid, r in sorted(bad.items())
    ]  # fmt: skip
    return (
        f"<p class='note'>{len(bad)} of {len(runs)} runs did not succeed; the statistics use "
        "the successful runs only. <code>mill experiment --resume</code> runs them again; "
        "each run's traceback is in manifest.json.</p>"
        + _html_table(["run", "point", "replication", "seed", "status", "error"], rows)
    )


_BY_POINT_CAPTION = (
    "{kpi}: mean over the replications with its 95 % confidence interval at every design "
    "point; grey dots are single replications; a hollow marker is a point screened out of the "
    "best subset."
)
_EFFECT_CAPTION = (
    "{kpi} against {factor}: a line per alternative through the means, the band its 95 % "
    "confidence interval."
)


def _by_point(e: Experiment, kpi: str) -> Callable[[], Figure]:
    return lambda: plot_kpi_by_point(e, kpi)


def _effect(e: Experiment, kpi: str, factor: str) -> Callable[[], Figure]:
    return lambda: plot_factor_effect(e, kpi, factor)


def experiment_report_html(exp: ExperimentLike) -> str:
    """The report of an experiment folder as one HTML string."""
    e = as_experiment(exp)
    m = e.manifest
    headline = default_kpis(e)
    plotted = [k for k in PLOTTED_KPIS if k in e.kpis]
    status = str(m.get("status", "?"))
    executor = m.get("executor", {}) or {}
    meta = (
        f"Experiment folder <code>{html.escape(str(e.path))}</code> · status "
        f"<b class='{'ok' if status == 'complete' else 'bad'}'>{html.escape(status)}</b> · "
        f"{len(e.points)} design points × up to {m.get('replications', '?')} replications "
        f"({len(e.runs)} runs) · seed {m.get('seed', '?')} · mill "
        f"{html.escape(str(m.get('mill_version', '?')))} · "
        f"{html.escape(str(executor.get('description', '?')))} · wall time "
        f"{_num(m.get('wall_time_s'), 1)} s · scenario "
        f"<code>{html.escape(str(m.get('scenario_file', '?')))}</code>"
    )
    figures = [figure_html(_by_point(e, k), _BY_POINT_CAPTION.format(kpi=k)) for k in plotted]
    for factor in e.factors:
        figures += [
            figure_html(_effect(e, k, factor), _EFFECT_CAPTION.format(kpi=k, factor=factor))
            for k in plotted[:2]
        ]
    all_table = _means(e, e.kpis)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>mill experiment report — {html.escape(e.name)}</title>",
        f"<style>{REPORT_CSS}{_EXTRAREPORT_CSS}</style></head><body>",
        f"<h1>Experiment report: {html.escape(e.name)}</h1><p class='meta'>{meta}</p>",
        "<h2>Design</h2>",
        _design(e),
        "<h2>Headline KPIs: means with 95 % confidence intervals</h2>",
        "<p class='meta'>Each cell: the mean over the replications, its 95 % Student-t "
        "interval and the number of replications. For a KPI with a direction, bold cells are "
        "the points in the subset that contains the best with 95 % confidence (Nelson et al. "
        "2001); grey ones were screened out.</p>",
        _means(e, headline),
        "<h2>Comparisons against the reference</h2>",
        _comparisons(e, headline),
        "<h2>Plots</h2>",
        *figures,
        "<h2>Warm-up check (MSER-5)</h2>",
        _warmup(e),
        "<h2>Failed runs</h2>",
        _failed(e),
        "<h2>All KPIs</h2>",
        f"<details><summary>Means and 95 % intervals of all {len(e.kpis)} KPIs</summary>"
        f"{all_table}</details>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_experiment_report(exp: ExperimentLike, out: str | Path | None = None) -> Path:
    """Write the experiment report (default ``EXPERIMENT/report.html``); returns its path.
    Written by a temporary file and a rename; never over a file of the experiment itself."""
    e = as_experiment(exp)
    path = Path(out) if out is not None else e.path / "report.html"
    if path.is_dir():
        path = path / "report.html"
    own = {(e.path / f).resolve() for f in (*TABLE_FILES, "manifest.json", "experiment.toml")}
    if path.resolve() in own:
        raise AnalysisError(f"refusing to write {path}: it is a file of the experiment itself")
    write_file(path, experiment_report_html(e))
    return path
