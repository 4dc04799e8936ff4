"""The genealogy of one heat drawn as a tree: heat → slabs → mother plates → product plates.

Columns are generations (heat, slab, mother plate, plate, re-cut plate); each link's width is
proportional to the tonnes it carried, product plates are coloured by disposition and scrap
pieces and losses are grey, so the picture reads like a Sankey diagram of the heat.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from mill.analysis.genealogy import trace_forward
from mill.analysis.load import AnalysisError, RunLike, as_run, entity_kind
from mill.analysis.style import DISPOSITION_COLOURS, KIND_COLOURS, OUTCOME_COLOURS

__all__ = ["plot_genealogy"]

_LEVELS = ("Heat", "Slabs", "Mother plates", "Product plates", "Re-cut plates")


def _default_heat(plates: pd.DataFrame) -> str:
    done = plates[plates["disposition"].astype("str") != "wip"]
    src = done if not done.empty else plates
    if src.empty:
        raise AnalysisError("the run has no product plates to draw a genealogy for")
    return str(src.groupby("heat_id").size().sort_values(ascending=False).index[0])


def plot_genealogy(run: RunLike, heat_id: str | None = None, show_losses: bool = True) -> Figure:
    """Genealogy tree of ``heat_id`` (default: the heat with most finished plates)."""
    r = as_run(run)
    heat = heat_id or _default_heat(r.plates)
    edges = trace_forward(r, heat)
    if not show_losses:
        edges = edges[edges["relation"].astype("str") != "loss"]
    children: dict[str, list[dict[str, Any]]] = {}
    records: list[dict[str, Any]] = edges.to_dict("records")  # type: ignore[assignment]
    for rec in records:
        children.setdefault(str(rec["parent_id"]), []).append(rec)
    ypos: dict[str, float] = {}
    depth: dict[str, int] = {heat: 0}
    leaves = [0]

    def place(node: str, level: int) -> float:
        kids = children.get(node, [])
        if not kids:
            ypos[node] = float(leaves[0])
            leaves[0] += 1
            return ypos[node]
        ys = []
        for rec in kids:
            child = str(rec["child_id"])
            depth[child] = level + 1
            ys.append(place(child, level + 1))
        ypos[node] = sum(ys) / len(ys)
        return ypos[node]

    place(heat, 0)
    n_leaves = max(leaves[0], 1)
    fig, ax = plt.subplots(figsize=(11.0, min(max(0.11 * n_leaves + 1.8, 4.0), 16.0)))
    max_mass = float(edges["mass_t"].max()) if len(edges) else 1.0
    info = edges.set_index("child_id")
    for rec in records:
        parent, child = str(rec["parent_id"]), str(rec["child_id"])
        x0, x1 = depth[parent], depth[child]
        y0, y1 = ypos[parent], ypos[child]
        kind = entity_kind(child)
        colour = _colour(kind, info.loc[child, "disposition"] if child in info.index else None)
        lw = 0.6 + 9.0 * float(rec["mass_t"]) / max_mass
        xm = (x0 + x1) / 2
        ax.plot(
            [x0, xm, xm, x1],
            [y0, y0, y1, y1],
            color=colour,
            lw=lw,
            alpha=0.55,
            solid_capstyle="butt",
            zorder=1,
        )
    for node, y in ypos.items():
        kind = entity_kind(node)
        disp = info.loc[node, "disposition"] if node in info.index else None
        ax.scatter(
            depth[node],
            y,
            s=26 if node != heat else 90,
            color=_colour(kind, disp),
            edgecolors="white",
            linewidths=0.6,
            zorder=2,
        )
        if kind in ("heat", "slab"):
            label = node if kind == "heat" else node.split("-")[-1]
            ax.annotate(
                label,
                (depth[node], y),
                fontsize=7,
                xytext=(-4, 3),
                textcoords="offset points",
                ha="right",
            )
    max_depth = max(depth.values()) if depth else 0
    ax.set_xticks(range(max_depth + 1), list(_LEVELS[: max_depth + 1]))
    ax.xaxis.tick_top()
    ax.set_yticks([])
    ax.set_ylim(n_leaves, -1)
    ax.set_xlim(-0.4, max_depth + 0.3)
    for side in ("left", "right", "bottom"):
        ax.spines[side].set_visible(False)
    handles = [Line2D([], [], color=c, lw=4, label=d) for d, c in DISPOSITION_COLOURS.items()]
    handles += [
        Line2D([], [], color=OUTCOME_COLOURS["scrap"], lw=4, alpha=0.5, label="scrap / loss"),
        Line2D([], [], color=KIND_COLOURS["slab"], lw=4, label="slab / mother plate"),
    ]
    ax.legend(
        handles=handles,
        frameon=False,
        fontsize=8,
        ncol=6,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
    )
    h = r.heats[r.heats["heat_id"] == heat]
    grade = f" {h.iloc[0]['grade']}" if not h.empty else ""
    plates = edges[edges["disposition"].notna()]
    ax.set_title(
        f"Genealogy of heat {heat}{grade}: {len(plates)} product plates, "
        f"{plates['mass_t'].sum():.1f} t; link width ∝ mass (t)",
        pad=24,
    )
    fig.tight_layout()
    return fig


def _colour(kind: str, disposition: Any) -> str:
    if kind.endswith("_scrap") or kind.endswith("_loss"):
        return "#b0b7bf"
    if kind == "plate" and isinstance(disposition, str):
        return DISPOSITION_COLOURS.get(disposition, "#999999")
    if kind == "plate":
        return KIND_COLOURS["mother"]
    return KIND_COLOURS.get(kind, "#666666")
