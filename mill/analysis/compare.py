"""Headline KPIs of a run and two runs side by side (``mill compare RUN_A RUN_B``).

The KPIs are read from the run's ``summary.json`` (what the run itself reported, over its KPI
window); a KPI a run does not report shows as ``–``, so runs made by different versions still
compare.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from mill.analysis.load import UNIT_ORDER, Run, RunLike, as_run

__all__ = ["HEADLINE_KPIS", "PROCESS_SCRAP_T", "compare_kpis", "compare_text", "kpis"]

#: (label with unit, path in summary.json, better when: "high" / "low" / "")
HEADLINE_KPIS: tuple[tuple[str, str, str], ...] = (
    ("plates released", "plates.released", "high"),
    ("plates prime", "plates.prime", "high"),
    ("plates downgraded", "plates.downgraded", "low"),
    ("plates scrapped", "plates.scrap", "low"),
    ("released (t)", "tonnes.released_t", "high"),
    ("prime (t)", "tonnes.prime_t", "high"),
    ("downgraded (t)", "tonnes.downgraded_t", "low"),
    ("scrapped plates (t)", "tonnes.scrap_t", "low"),
    ("throughput (t/h)", "throughput_t_per_h", "high"),
    ("slab → prime yield (%)", "yield_by_tonnage.slab_to_prime_pct", "high"),
    ("slab → released yield (%)", "yield_by_tonnage.slab_to_released_pct", "high"),
    ("slab → process scrap (%)", "yield_by_tonnage.slab_to_process_scrap_pct", "low"),
    ("prime of disposed (%)", "yield_by_tonnage.prime_pct_of_disposed", "high"),
    ("lead time mean (h)", "lead_time_h.mean", "low"),
    ("lead time p90 (h)", "lead_time_h.p90", "low"),
    ("flow time mean (h)", "flow_time_h.mean", "low"),
    ("flow time p90 (h)", "flow_time_h.p90", "low"),
    ("late (%)", "late_pct", "low"),
    ("escapes (plates)", "escapes.plates", "low"),
    ("escapes (per million prime)", "escapes.per_million_prime", "low"),
    ("false rejects (plates)", "false_rejects.plates", "low"),
    ("WIP mean (t)", "wip.mean_t", ""),
    ("WIP mean (pieces)", "wip.mean_pieces", ""),
)


def _get(data: dict[str, Any], path: str) -> float:
    node: Any = data
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return math.nan
        node = node[key]
    try:
        return float(node)
    except (TypeError, ValueError):
        return math.nan


#: The process scrap in tonnes, shown after the scrapped plates' tonnes: crops, side trims,
#: cutting skeletons, kerf and cut-outs of the slabs whose plates were disposed in the window.
PROCESS_SCRAP_T = "process scrap (t)"


def _process_scrap_t(summary: dict[str, Any]) -> float:
    """Process scrap tonnes: the summary's slab tonnes times its share that went to process
    scrap (``yield_by_tonnage``; the share is written to 3 decimals, so this is good to about
    0.1 t on 25,000 t). The summary gives no tonnes of its own for it."""
    return (
        _get(summary, "yield_by_tonnage.slab_t")
        * _get(summary, "yield_by_tonnage.slab_to_process_scrap_pct")
        / 100.0
    )


def kpis(run: RunLike) -> pd.Series:
    """Headline KPIs of a run (from ``summary.json``), then true and detected defects per
    mechanism and utilisation per unit. Index: a label with its unit; values: floats.

    Scrap is named for what it is: ``plates scrapped`` and ``scrapped plates (t)`` are whole
    product plates given the scrap disposition; ``process scrap (t)`` and ``slab → process
    scrap (%)`` are the crops, trims, kerf and cut-outs every slab loses on its way to plates."""
    r: Run = as_run(run)
    s = r.summary
    out: dict[str, float] = {}
    for label, path, _ in HEADLINE_KPIS:
        out[label] = _get(s, path)
        if path == "tonnes.scrap_t":
            out[PROCESS_SCRAP_T] = _process_scrap_t(s)
    mech = s.get("defects", {}).get("by_mechanism", {})
    for m in sorted(mech):
        out[f"defects: {m} true"] = _get(mech, f"{m}.true")
        out[f"defects: {m} detected"] = _get(mech, f"{m}.detected")
    util = s.get("utilisation", {})
    order = [u for u in UNIT_ORDER if u in util] + [u for u in util if u not in UNIT_ORDER]
    for unit in order:
        out[f"utilisation: {unit} (%)"] = 100.0 * _get(util[unit], "utilisation")
    return pd.Series(out, name=r.name, dtype="float64")


def compare_kpis(run_a: RunLike, run_b: RunLike) -> pd.DataFrame:
    """KPIs of two runs side by side: columns a, b, diff (b − a), diff_pct."""
    a, b = as_run(run_a), as_run(run_b)
    ka, kb = kpis(a), kpis(b)
    index = list(ka.index) + [k for k in kb.index if k not in ka.index]
    frame = pd.DataFrame({"a": ka.reindex(index), "b": kb.reindex(index)})
    frame["diff"] = frame["b"] - frame["a"]
    frame["diff_pct"] = 100.0 * frame["diff"] / frame["a"].abs().where(frame["a"] != 0)
    frame.index.name = "kpi"
    return frame


def _num(v: float) -> str:
    if v is None or math.isnan(v):
        return "–"
    if float(v).is_integer() and abs(v) < 1e9:
        return f"{v:,.0f}"
    return f"{v:,.2f}" if abs(v) < 1e5 else f"{v:,.0f}"


def _delta(v: float) -> str:
    if math.isnan(v):
        return "–"
    if v == 0:
        return "0"
    return ("+" if v > 0 else "") + _num(v)


def compare_text(run_a: RunLike, run_b: RunLike) -> str:
    """The KPIs of two runs side by side with the differences, as aligned text."""
    a, b = as_run(run_a), as_run(run_b)
    table = compare_kpis(a, b)
    better = {label: how for label, _, how in HEADLINE_KPIS}
    head_a = f"A: {a.path.name}"
    head_b = f"B: {b.path.name}"
    width = max(len(str(k)) for k in table.index) + 2
    lines = [
        f"A = {a.path}  (name {a.name}, seed {a.manifest.get('seed', '?')}, "
        f"scenario sha256 {str(a.manifest.get('scenario_sha256', '?'))[:12]})",
        f"B = {b.path}  (name {b.name}, seed {b.manifest.get('seed', '?')}, "
        f"scenario sha256 {str(b.manifest.get('scenario_sha256', '?'))[:12]})",
    ]
    win_a, win_b = a.summary.get("window", {}), b.summary.get("window", {})
    if win_a.get("hours") != win_b.get("hours"):
        lines.append(
            f"note: KPI windows differ ({win_a.get('hours', '?')} h vs {win_b.get('hours', '?')} h)"
        )
    lines.append("")
    header = f"{'KPI':<{width}}{head_a[:14]:>14}{head_b[:14]:>14}{'Δ (B−A)':>12}{'Δ %':>9}"
    lines += [header, "─" * len(header)]
    section = ""
    for kpi, row in table.iterrows():
        name = str(kpi)
        new_section = name.split(":")[0] if ":" in name else ""
        if new_section != section:
            lines.append("")
            section = new_section
        pct = "–" if math.isnan(row["diff_pct"]) else f"{row['diff_pct']:+.1f}"
        mark = ""
        how = better.get(name, "")
        if how and not math.isnan(row["diff"]) and row["diff"] != 0:
            mark = "  ▲ better" if (row["diff"] > 0) == (how == "high") else "  ▼ worse"
        lines.append(
            f"{name:<{width}}{_num(row['a']):>14}{_num(row['b']):>14}"
            f"{_delta(row['diff']):>12}{pct:>9}{mark}"
        )
    return "\n".join(lines)
