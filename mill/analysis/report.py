"""A self-contained HTML report of a run (``mill report RUN``): KPIs, statistics and plots.

Images are embedded as base64 PNG, so the single file opens in any browser, can be mailed and
archived next to the run folder.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

import mill.analysis.plots as plots
import mill.analysis.quality_plots as quality_plots
from mill.analysis.compare import kpis
from mill.analysis.genealogy_plot import plot_genealogy
from mill.analysis.load import Run, RunLike, as_run, write_file
from mill.analysis.statistics import (
    defect_pareto,
    detection_confusion,
    disposition_reasons,
    escape_reasons,
    lead_times,
    origin_vs_detection,
    spec_compliance,
    unit_utilisation,
    yield_waterfall,
)

__all__ = ["figure_png", "report_html", "write_report"]

REPORT_CSS = """
body { font-family: system-ui, -apple-system, sans-serif; max-width: 72rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { border-bottom: 3px solid #264653; padding-bottom: .3rem; }
h2 { color: #264653; margin-top: 2.2rem; border-bottom: 1px solid #dee2e6; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .85rem; }
th, td { border: 1px solid #dee2e6; padding: .25rem .55rem; text-align: right; }
th { background: #f1f3f5; } td:first-child, th:first-child, .txt { text-align: left; }
figure { margin: 1rem 0 1.6rem; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: .9rem; margin-top: .3rem; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .6rem; }
.kpi { background: #f8f9fa; border-left: 4px solid #2a9d8f; padding: .5rem .7rem; }
.kpi b { display: block; font-size: 1.3rem; } .kpi span { color: #555; font-size: .8rem; }
.bad { color: #c1121f; } .ok { color: #2a9d8f; } .meta { color: #666; font-size: .85rem; }
"""

_TILES = (
    "released (t)",
    "prime (t)",
    "throughput (t/h)",
    "slab → prime yield (%)",
    "lead time mean (h)",
    "lead time p90 (h)",
    "escapes (plates)",
    "false rejects (plates)",
    "late (%)",
    "WIP mean (t)",
)


def figure_png(fig: Figure, dpi: int = 90) -> str:
    """``fig`` as a base64 PNG string (and close it)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _table(frame: pd.DataFrame, digits: int = 1) -> str:
    def fmt(v: Any) -> str:
        if isinstance(v, float):
            return "–" if pd.isna(v) else f"{v:,.{digits}f}"
        return html.escape(str(v))

    if frame.index.names == [None]:
        frame = frame.rename_axis("")  # no "index" header over an unnamed index
    frame = frame.reset_index()
    text_cols = [not pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    head = "".join(
        f"<th{' class=txt' if t else ''}>{html.escape(str(c))}</th>"
        for c, t in zip(frame.columns, text_cols, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=txt' if t else ''}>{fmt(v)}</td>"
            for v, t in zip(row, text_cols, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def figure_html(make: Callable[[], Figure], caption: str) -> str:
    """A plot as an embedded PNG with its caption; a plot that fails says so in place."""
    try:
        data = figure_png(make())
    except Exception as exc:  # a plot that cannot be drawn must not sink the whole report
        plt.close("all")
        return f"<p class='bad'>plot not drawn: {html.escape(str(exc))}</p>"
    return (
        f"<figure><img alt='{html.escape(caption[:60])}' src='data:image/png;base64,{data}'>"
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _is_count(label: str) -> bool:
    """A KPI that counts plates or defects (printed without decimals)."""
    return label.startswith(("plates ", "defects:")) or label.endswith("(plates)")


def _kpi_value(label: str, v: float) -> str:
    if pd.isna(v):
        return "–"
    if _is_count(label):
        return f"{v:,.0f}"
    return f"{v:,.1f}" if label.startswith("utilisation") else f"{v:,.2f}"


def _tiles(run: Run) -> str:
    k = kpis(run)
    out = []
    for label in _TILES:
        v = k.get(label)
        if v is None or pd.isna(v):
            continue
        text = f"{v:,.0f}" if _is_count(label) else f"{v:,.1f}"
        out.append(f"<div class='kpi'><b>{text}</b><span>{html.escape(label)}</span></div>")
    return "<div class='kpis'>" + "".join(out) + "</div>"


def _kpi_table(run: Run) -> str:
    """Every KPI of the summary: counts as integers, the rest to two decimals (utilisation
    to one), grouped as the summary groups them."""
    rows = []
    section = ""
    for label, v in kpis(run).items():
        name = str(label)
        group = name.split(":")[0] if ":" in name else ""
        if group != section:
            section = group
            rows.append(f"<tr><th colspan='2'>{html.escape(group)}</th></tr>")
        shown = name.split(": ", 1)[1] if group else name
        rows.append(f"<tr><td>{html.escape(shown)}</td><td>{_kpi_value(name, float(v))}</td></tr>")
    head = "<tr><th>KPI (after the warm-up)</th><th>value</th></tr>"
    return "<table>" + head + "".join(rows) + "</table>"


def _rework(run: Run) -> str:
    """How many disposed plates went through each rework before their disposition."""
    p = run.plates[run.plates["disposition"].astype("str") != "wip"]
    p = p[p["in_window"].astype(bool)]
    ids = p["plate_id"].astype("str")
    items = (
        ("re-tempered", int((p["retempers"].fillna(0) > 0).sum())),
        ("re-levelled", int((p["relevels"].fillna(0) > 0).sum())),
        ("re-sized after a cut-out", int(ids.str.contains(r"-P\d+R\d+$").sum())),
    )
    text = ", ".join(f"{n:,} {what}" for what, n in items)
    return f"<p>Rework of the {len(p):,} plates disposed after the warm-up: {text}.</p>"


def _escapes(run: Run) -> str:
    """The escapes after the warm-up by nonconformity and reason (the ground truth's view)."""
    table = escape_reasons(run)
    if table.empty:
        return "<p>No plate released prime was truly nonconforming (no escape).</p>"
    return (
        "<p class='meta'>Plates released prime although truly nonconforming, by what was wrong "
        "(rows) and why the inspection let it through (columns): missed by POD, sized below "
        "the recording level, not inspected by that method, lot-tested only, a measurement "
        "error, appeared after inspection, or accepted by a rule.</p>" + _table(table, 0)
    )


def _invariants(run: Run) -> str:
    inv = run.manifest.get("invariants", {})
    if not inv:
        return "<p class='meta'>The manifest reports no invariant checks.</p>"
    rows = []
    for name, v in inv.items():
        if isinstance(v, dict):
            ok = v.get("ok")
            cls = "ok" if ok else "bad"
            rows.append(f"<tr><td>{html.escape(name)}</td><td class='{cls}'>{ok}</td></tr>")
    return "<table><tr><th>invariant</th><th>ok</th></tr>" + "".join(rows) + "</table>"


def report_html(run: RunLike) -> str:
    """The report of a run as one HTML string."""
    r = as_run(run)
    m = r.manifest
    lo, hi = r.window
    meta = (
        f"Run folder <code>{html.escape(str(r.path))}</code> · seed {m.get('seed', '?')} · "
        f"mill {html.escape(str(m.get('mill_version', '?')))} · simulated "
        f"{r.horizon_min / 1440:g} days from {r.start:%Y-%m-%d %H:%M}, KPIs over "
        f"{lo / 60:g}–{hi / 60:g} h (after the warm-up) · "
        f"scenario {html.escape(str(m.get('scenario_sha256', ''))[:12])}"
    )
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>mill report — {html.escape(r.name)}</title>",
        f"<style>{REPORT_CSS}</style></head><body>",
        f"<h1>Plate mill run report: {html.escape(r.name)}</h1><p class='meta'>{meta}</p>",
        "<h2>Key figures</h2>",
        _tiles(r),
        _kpi_table(r),
        "<h2>Yield</h2>",
        figure_html(
            lambda: plots.plot_yield_waterfall(r),
            "Where the tonnes went, from liquid steel to prime plate, over the whole run; "
            "grey bars are material still in process at the end.",
        ),
        _table(yield_waterfall(r).set_index("step")),
        "<h2>Defects</h2>",
        figure_html(
            lambda: plots.plot_pareto(r),
            "True defects by mechanism (ground truth); the dark tick marks how many an "
            "inspection found.",
        ),
        _table(defect_pareto(r)),
        figure_html(
            lambda: plots.plot_origin_detection(r),
            "Stage where defects were born (rows) against where they were caught (columns).",
        ),
        "<h3>Truth vs inspection call</h3>",
        _table(detection_confusion(r)),
        _table(origin_vs_detection(r)),
        figure_html(
            lambda: quality_plots.plot_defect_map(r),
            "UT defect map of the plate with the most missed defects: filled = detected, "
            "red ring = missed, triangle = false call; orange band = EN 10160 edge zone.",
        ),
        "<h2>Dispositions and reason codes</h2>",
        "<p class='meta'>Plates disposed after the warm-up, by what the scenario's rule table "
        "decided and the reason code it gave; <i>rule</i> is the condition, its action and the "
        "fallback once the action was used up. Escapes and false rejects are the ground "
        "truth's verdict on those decisions.</p>",
        _table(disposition_reasons(r), 2),
        _rework(r),
        "<h3>Escapes: what was wrong, and why it got through</h3>",
        _escapes(r),
        "<h2>Properties against specification</h2>",
        figure_html(
            lambda: quality_plots.plot_hardness(r),
            "Brinell hardness by grade with the specification window shaded.",
        ),
        figure_html(
            lambda: quality_plots.plot_charpy(r),
            "Charpy V impact energy by grade at the test temperature: the solid line is the "
            "minimum average, the dotted one the single-value minimum; red specimens belong to "
            "sets that failed the set rule (mean, values below the average, single minimum; a "
            "retest judged on the six). The failed sets are what the table's Charpy pass_pct "
            "counts as not passing.",
        ),
        _table(spec_compliance(r), 2),
        "<h2>Flow</h2>",
        figure_html(
            lambda: plots.plot_wip_throughput(r),
            "Work in process by stage and released throughput over time (warm-up shaded).",
        ),
        figure_html(
            lambda: plots.plot_lead_time(r),
            "Customer lead time (order arrival to disposition) of the plates disposed after the "
            "warm-up, by grade: stock plates are left out, as in the KPIs and the table below.",
        ),
        _table(lead_times(r)),
        figure_html(lambda: plots.plot_utilisation(r), "Share of time per unit state."),
        figure_html(lambda: plots.plot_gantt(r), "Unit states over the whole run."),
        _table(unit_utilisation(r), 3),
        "<h2>Genealogy</h2>",
        figure_html(
            lambda: plot_genealogy(r),
            "One heat traced forward to its slabs, mother plates, product plates and scrap; "
            "link width is proportional to mass.",
        ),
        "<h2>Invariants</h2>",
        _invariants(r),
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(run_dir: RunLike, out: str | Path | None = None) -> Path:
    """Write the self-contained HTML report (default ``RUN/report.html``); returns its path."""
    r = as_run(run_dir)
    path = Path(out) if out is not None else r.path / "report.html"
    if path.is_dir():
        path = path / "report.html"
    write_file(path, report_html(r), run=r)
    return path
