"""Lineage as a readable text tree (``mill trace ID --run DIR``).

A heat, slab or mother plate is shown forward: everything it became (slabs, mother plates,
product plates with their disposition, scrap and losses) with tonnages. A product plate is shown
backward: plate → (re-cut parents) → mother plate → slab → heat, with the key process
parameters each received.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mill.analysis.genealogy import Lineage, trace_back, trace_forward
from mill.analysis.load import AnalysisError, Run, RunLike, as_run, entity_kind

__all__ = ["trace_text"]

_SCRAP_NOTE = {
    "heat_loss": "ladle skull and tundish loss",
    "slab_loss": "scale loss",
    "slab_scrap": "crop and side trim",
    "mother_scrap": "cutting skeleton",
    "plate_scrap": "cut-out at re-size",
}


def _fmt(value: Any, unit: str = "") -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        text = f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"
    else:
        text = str(value)
    return f"{text} {unit}".strip() if unit else text


def _node_label(run: Run, entity_id: str, relation: str, mass_t: float) -> str:
    kind = entity_kind(entity_id)
    mass = f"{mass_t:.3f} t"
    if kind == "slab":
        slab = run.slabs[run.slabs["slab_id"] == entity_id]
        pos = f", {slab.iloc[0]['seq_position']} slab" if not slab.empty else ""
        return f"{entity_id}  slab  {mass}{pos}"
    if kind == "mother":
        return f"{entity_id}  mother plate  {mass}"
    if kind == "plate":
        p = run.plates[run.plates["plate_id"] == entity_id]
        if p.empty:
            return f"{entity_id}  plate  {mass}  (re-cut)"
        r = p.iloc[0]
        dims = f"{r['thickness_mm']:g}×{r['width_mm']:g}×{r['length_mm']:g} mm"
        disp = str(r["disposition"])
        if disp in ("prime", "downgraded"):
            disp += f" as {r['grade_released']}"
        if isinstance(r["reason"], str):
            disp += f" ({r['reason']})"
        return f"{entity_id}  plate {dims}  {mass}  {disp}  → order {r['order_id']}"
    note = _SCRAP_NOTE.get(kind, relation)
    return f"{entity_id}  {relation}  {mass}  ({note})"


def _forward_text(run: Run, entity_id: str) -> str:
    edges = trace_forward(run, entity_id)
    kind = entity_kind(entity_id)
    lines = [_root_label(run, entity_id, kind)]
    depths = edges["depth"].tolist()
    for i, rec in enumerate(edges.to_dict("records")):
        depth = int(rec["depth"])
        prefix = ""
        for d in range(1, depth):
            # is there a later sibling at depth d of this row's ancestor?
            prefix += "│   " if _has_later(depths, i, d) else "    "
        branch = "├── " if _has_later(depths, i, depth) else "└── "
        lines.append(
            prefix
            + branch
            + _node_label(run, str(rec["child_id"]), str(rec["relation"]), float(rec["mass_t"]))
        )
    plates = edges[edges["disposition"].notna()]
    if not plates.empty:
        by = plates.groupby("disposition", observed=True)["mass_t"].agg(["count", "sum"])
        parts = [f"{d} {int(r['count'])} plates {r['sum']:.1f} t" for d, r in by.iterrows()]
        scrap = edges[edges["relation"].isin(["scrap", "loss"])]["mass_t"].sum()
        lines += ["", "products: " + ", ".join(parts) + f"; scrap and losses {scrap:.1f} t"]
    return "\n".join(lines)


def _has_later(depths: list[int], i: int, depth: int) -> bool:
    for d in depths[i + 1 :]:
        if d < depth:
            return False
        if d == depth:
            return True
    return False


def _root_label(run: Run, entity_id: str, kind: str) -> str:
    if kind == "heat":
        h = run.heats[run.heats["heat_id"] == entity_id]
        if not h.empty:
            r = h.iloc[0]
            return (
                f"{entity_id}  heat {r['grade']}  sequence {r['sequence_id']} "
                f"({r['seq_heat_index']}/{r['seq_heats']})  liquid {r['liquid_mass_t']:.1f} t, "
                f"cast {r['cast_mass_t']:.1f} t  cast {_fmt(r['cast_start_iso'])}"
            )
    if kind == "slab":
        s = run.slabs[run.slabs["slab_id"] == entity_id]
        if not s.empty:
            r = s.iloc[0]
            return (
                f"{entity_id}  slab  {r['mass_t']:.3f} t  of heat {r['heat_id']}  "
                f"{r['thickness_mm']:g}×{r['width_mm']:g}×{r['length_mm']:g} mm"
            )
    return f"{entity_id}  {kind or 'entity'}"


def _params_block(lineage: Lineage, level: str, indent: str) -> list[str]:
    params = lineage.parameters()
    sub = params[params["level"] == level]
    items = [f"{r.parameter} {_fmt(r.value, str(r.unit))}" for r in sub.itertuples()]
    lines: list[str] = []
    line = ""
    for item in items:
        if line and len(line) + len(item) + 2 > 92:
            lines.append(indent + line)
            line = ""
        line = f"{line}, {item}" if line else item
    if line:
        lines.append(indent + line)
    return lines


def _backward_text(run: Run, plate_id: str) -> str:
    lin = trace_back(run, plate_id)
    p = lin.plate
    head = _node_label(run, plate_id, "cut", float(p["mass_t"]))
    lines = [head]
    lines += _params_block(lin, "plate", "│   ")
    lines += _event_lines(lin, [plate_id], "│   ")
    edges = lin.edges.iloc[::-1].to_dict("records")  # plate end first
    indent = ""
    for i, rec in enumerate(edges):
        parent = str(rec["parent_id"])
        kind = entity_kind(parent)
        verb = {
            "recut": "re-cut from",
            "cut": "cut from",
            "rolled": "rolled from",
            "cast": "cast from",
        }.get(str(rec["relation"]), str(rec["relation"]))
        when = _fmt(run.to_timestamp(rec["time_min"]))
        lines.append(f"{indent}└── {verb} {parent}  ({kind})  at {when}")
        indent += "    "
        sub = indent + ("│   " if i < len(edges) - 1 else "    ")
        level = {"mother": "mother", "slab": "slab", "heat": "heat"}.get(kind)
        if level:
            lines += _params_block(lin, level, sub)
        lines += _event_lines(lin, [parent], sub)
    return "\n".join(lines)


def _event_lines(lin: Lineage, ids: list[str], indent: str) -> list[str]:
    ev = lin.events[lin.events["entity_id"].isin(ids)]
    if ev.empty:
        return []
    route = " → ".join(f"{r.unit}" for r in ev.itertuples())
    return [f"{indent}route: {route}"]


def trace_text(run_dir: RunLike, entity_id: str) -> str:
    """The lineage of ``entity_id`` as a readable tree (forward for a heat, slab or mother;
    backward with process parameters for a product plate)."""
    run = as_run(run_dir)
    entity_id = entity_id.strip()
    kind = entity_kind(entity_id)
    if kind == "plate" and (run.plates["plate_id"] == entity_id).any():
        return _backward_text(run, entity_id)
    if kind in ("heat", "slab", "mother", "plate"):
        return _forward_text(run, entity_id)
    if not kind:
        raise AnalysisError(
            f"{entity_id!r} is not a heat, slab, mother-plate or plate ID "
            "(e.g. H000123, H000123-S04, H000123-S04-M1, H000123-S04-M1-P3)"
        )
    raise AnalysisError(f"{entity_id!r} is a scrap or loss piece; trace its parent instead")
