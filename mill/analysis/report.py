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
th { background: #f1f3f5; } td:first-child, th:first-child { text-align: left; }
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

    frame = frame.reset_index()
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{fmt(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _figure(make: Callable[[], Figure], caption: str) -> str:
    try:
        data = figure_png(make())
    except Exception as exc:  # a plot that cannot be drawn must not sink the whole report
        plt.close("all")
        return f"<p class='bad'>plot not drawn: {html.escape(str(exc))}</p>"
    return (
        f"<figure><img alt='{html.escape(caption[:60])}' src='data:image/png;base64,{data}'>"
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _tiles(run: Run) -> str:
    k = kpis(run)
    out = []
    for label in _TILES:
        v = k.get(label)
        if v is None or pd.isna(v):
            continue
        out.append(f"<div class='kpi'><b>{v:,.1f}</b><span>{html.escape(label)}</span></div>")
    return "<div class='kpis'>" + "".join(out) + "</div>"


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
        _table(kpis(r).to_frame("value"), 2),
        "<h2>Yield</h2>",
        _figure(
            lambda: plots.plot_yield_waterfall(r),
            "Where the tonnes went, from liquid steel to prime plate, over the whole run; "
            "grey bars are material still in process at the end.",
        ),
        _table(yield_waterfall(r).set_index("step")),
        "<h2>Defects</h2>",
        _figure(
            lambda: plots.plot_pareto(r),
            "True defects by mechanism (ground truth); the dark tick marks how many an "
            "inspection found.",
        ),
        _table(defect_pareto(r)),
        _figure(
            lambda: plots.plot_origin_detection(r),
            "Stage where defects were born (rows) against where they were caught (columns).",
        ),
        "<h3>Truth vs inspection call</h3>",
        _table(detection_confusion(r)),
        _table(origin_vs_detection(r)),
        _figure(
            lambda: quality_plots.plot_defect_map(r),
            "UT defect map of the plate with the most missed defects: filled = detected, "
            "red ring = missed, triangle = false call; orange band = EN 10160 edge zone.",
        ),
        "<h2>Properties against specification</h2>",
        _figure(
            lambda: quality_plots.plot_hardness(r),
            "Brinell hardness by grade with the specification window shaded.",
        ),
        _figure(
            lambda: quality_plots.plot_charpy(r),
            "Charpy V impact energy by grade at the test temperature; the line is the "
            "minimum average.",
        ),
        _table(spec_compliance(r), 2),
        "<h2>Flow</h2>",
        _figure(
            lambda: plots.plot_wip_throughput(r),
            "Work in process by stage and released throughput over time (warm-up shaded).",
        ),
        _figure(lambda: plots.plot_lead_time(r), "Order lead time of disposed plates by grade."),
        _table(lead_times(r)),
        _figure(lambda: plots.plot_utilisation(r), "Share of time per unit state."),
        _figure(lambda: plots.plot_gantt(r), "Unit states over the whole run."),
        _table(unit_utilisation(r), 3),
        "<h2>Genealogy</h2>",
        _figure(
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
