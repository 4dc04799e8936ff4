"""Plots of defects, yield and flow: Pareto, origin vs detection, yield waterfall, Gantt,
utilisation, WIP and throughput, lead time.

Every function draws with matplotlib and returns its :class:`~matplotlib.figure.Figure`, so a
notebook can restyle it; most accept ``ax=`` to draw into an existing axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from mill.analysis.load import RunLike, as_run
from mill.analysis.statistics import (
    STOCK_PREFIX,
    defect_pareto,
    origin_vs_detection,
    unit_utilisation,
    wip_throughput,
    yield_waterfall,
)
from mill.analysis.style import (
    KIND_COLOURS,
    OUTCOME_COLOURS,
    STATE_COLOURS,
    count_axis,
    legend_below,
    mechanism_colour,
    new_axes,
    tidy,
)

__all__ = [
    "plot_gantt",
    "plot_lead_time",
    "plot_origin_detection",
    "plot_pareto",
    "plot_utilisation",
    "plot_wip_throughput",
    "plot_yield_waterfall",
]


def plot_pareto(
    run: RunLike, by: str = "mechanism", window: bool = True, ax: Axes | None = None
) -> Figure:
    """Pareto of true defects: one bar per ``by`` value (mechanism by default), most first,
    with the detected count marked on each bar and the cumulative share on the right axis."""
    table = defect_pareto(run, by, window)
    fig, ax = new_axes(ax, (9.0, 5.0))
    x = np.arange(len(table))
    names = [str(i) for i in table.index]
    colours = [mechanism_colour(n) if by == "mechanism" else KIND_COLOURS["slab"] for n in names]
    ax.bar(x, table["true"], color=colours, edgecolor="white", label="true defects")
    ax.plot(
        x,
        table["detected"],
        linestyle="none",
        marker="_",
        markersize=28,
        mew=3,
        color=OUTCOME_COLOURS["detected"],
        label="of which detected",
    )
    for xi, t in enumerate(table["true"]):
        ax.annotate(
            f"{t}",
            (xi, t),
            ha="center",
            va="bottom",
            fontsize=9,
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.set_xticks(x, [n.replace("_", " ") for n in names], rotation=30, ha="right")
    ax.set_ylabel("True defects (count)")
    count_axis(ax)
    ax.set_xlabel(by.replace("_", " ").capitalize())
    scope = "after warm-up" if window else "whole run"
    ax.set_title(f"Defect Pareto by {by.replace('_', ' ')} ({scope})")
    tidy(ax)
    twin = ax.twinx()
    twin.plot(x, table["cum_pct"], color="#333333", marker="o", ms=4, lw=1.5, label="cumulative")
    twin.set_ylim(0, 105)
    twin.set_ylabel("Cumulative share (%)")
    twin.spines["top"].set_visible(False)
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="center right", frameon=False)
    if len(table):
        ax.set_ylim(0, float(table["true"].max()) * 1.12)
    fig.tight_layout()
    return fig


def plot_origin_detection(run: RunLike, window: bool = True, ax: Axes | None = None) -> Figure:
    """Heat map of true defects: the stage that made them (rows) vs where they were caught
    (columns; ``scrap`` = left with scrap uninspected, ``missed`` = nobody found them)."""
    table = origin_vs_detection(run, window)
    fig, ax = new_axes(ax, (8.0, 4.5))
    data = table.to_numpy(dtype=float)
    im = ax.imshow(data, cmap="Blues", aspect="auto")
    ax.set_xticks(range(table.shape[1]), [str(c).replace("_", " ") for c in table.columns])
    ax.set_yticks(range(table.shape[0]), [str(r).replace("_", " ") for r in table.index])
    vmax = data.max() if data.size else 0
    for (i, j), v in np.ndenumerate(data):
        ax.text(
            j,
            i,
            f"{v:.0f}",
            ha="center",
            va="center",
            color="white" if v > vmax / 2 else "#222222",
            fontsize=10,
        )
    ax.set_xlabel("Detection stage")
    ax.set_ylabel("Origin stage (ground truth)")
    ax.set_title("Where defects are born vs where they are found")
    bar = fig.colorbar(im, ax=ax, label="True defects (count)")
    count_axis(bar.ax)
    fig.tight_layout()
    return fig


def plot_yield_waterfall(run: RunLike, ax: Axes | None = None) -> Figure:
    """Yield waterfall by tonnage: running totals (dark) from liquid steel to prime plate, the
    tonnes lost at each step (orange), still in process (grey) and downgraded (amber)."""
    table = yield_waterfall(run)
    fig, ax = new_axes(ax, (11.0, 5.5))
    level = 0.0
    for i, row in enumerate(table.itertuples()):
        mass = float(row.mass_t)  # type: ignore[arg-type]
        if row.kind == "total":
            bottom, height = 0.0, mass
            level = mass
            colour = KIND_COLOURS["prime" if i == len(table) - 1 else "total"]
        else:
            level -= mass
            bottom, height = level, mass
            colour = KIND_COLOURS[str(row.kind)]
        ax.bar(i, height, bottom=bottom, color=colour, edgecolor="white", width=0.75)
        ax.annotate(
            f"{mass:,.0f} t\n{row.pct_of_cast:.1f} %",
            (i, bottom + height),
            ha="center",
            va="bottom",
            fontsize=7.5,
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.set_xticks(range(len(table)), list(table["step"]), rotation=35, ha="right")
    ax.set_ylabel("Mass (t)")
    ax.set_title("Yield waterfall: where the cast tonnes went (whole run)", pad=24)
    legend = [
        Patch(color=KIND_COLOURS[k], label=lbl)
        for k, lbl in (
            ("total", "running total"),
            ("loss", "scrap or loss"),
            ("wip", "still in process"),
            ("product", "downgraded"),
            ("prime", "prime"),
        )
    ]
    # the legend sits below the title, clear of the value labels on the bars
    ax.legend(
        handles=legend,
        frameon=False,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=len(legend),
        fontsize=8,
    )
    ax.set_ylim(0, float(table["mass_t"].max()) * 1.15 if len(table) else 1)
    tidy(ax)
    fig.tight_layout()
    return fig


def plot_gantt(
    run: RunLike,
    start_h: float | None = None,
    end_h: float | None = None,
    units: list[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Gantt chart of the units from ``equipment.csv``: one row per unit in process order,
    coloured by state (busy, idle, blocked, down), time in hours from the run start."""
    r = as_run(run)
    eq = r.equipment
    t0 = 0.0 if start_h is None else start_h * 60.0
    t1 = float(eq["end_min"].max()) if end_h is None else end_h * 60.0
    eq = eq[(eq["end_min"] > t0) & (eq["start_min"] < t1)]
    order = [str(u) for u in eq["unit"].cat.categories if (eq["unit"] == u).any()]
    if units is not None:
        order = [u for u in order if u in units]
    fig, ax = new_axes(ax, (12.0, 0.38 * len(order) + 1.8))
    for i, unit in enumerate(order):
        sub = eq[eq["unit"].astype("str") == unit]
        for state, grp in sub.groupby(sub["state"].astype("str")):
            s = grp["start_min"].clip(lower=t0).to_numpy() / 60.0
            e = grp["end_min"].clip(upper=t1).to_numpy() / 60.0
            ax.broken_barh(
                list(zip(s, e - s, strict=True)),
                (i - 0.4, 0.8),
                facecolors=STATE_COLOURS.get(state, "#999999"),
                linewidth=0,
            )
    warm = r.window[0] / 60.0
    if t0 / 60.0 < warm < t1 / 60.0:
        ax.axvline(warm, color="#333333", lw=1, ls="--")
        ax.annotate(  # above the first row: at the bottom it ran into the time axis
            "end of warm-up",
            (warm, 1.0),
            xycoords=("data", "axes fraction"),
            fontsize=8,
            ha="left",
            va="bottom",
            xytext=(3, 2),
            textcoords="offset points",
        )
    ax.set_yticks(range(len(order)), [u.replace("_", " ") for u in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlim(t0 / 60.0, t1 / 60.0)
    ax.set_xlabel("Time from run start (h)")
    ax.set_ylabel("Unit")
    ax.set_title("Unit states over time", pad=14)
    ax.legend(
        handles=[Patch(color=c, label=s) for s, c in STATE_COLOURS.items()],
        ncol=4,
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
    )
    tidy(ax, "x")
    fig.tight_layout()
    return fig


def plot_utilisation(run: RunLike, window: bool = True, ax: Axes | None = None) -> Figure:
    """Share of time each unit's slots spent busy, blocked, down and idle (stacked horizontal
    bars), by slot occupancy as ``unit_utilisation`` and the run summary define it: a furnace
    with a quarter of its slots working is 25 % busy."""
    table = unit_utilisation(run, window)
    fig, ax = new_axes(ax, (9.0, 0.35 * len(table) + 1.8))
    left = np.zeros(len(table))
    y = np.arange(len(table))
    for state in ("busy", "blocked", "down", "idle"):
        v = 100.0 * table[f"{state}_frac"].fillna(0.0).to_numpy()
        ax.barh(y, v, left=left, color=STATE_COLOURS[state], label=state, height=0.75)
        left += v
    ax.set_yticks(y, [u.replace("_", " ") for u in table.index])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of slot time (%)")
    ax.set_title("Unit utilisation, blocked and down time" + (" (after warm-up)" if window else ""))
    ax.legend(ncol=4, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8)
    tidy(ax, "x")
    fig.tight_layout()
    return fig


def plot_wip_throughput(run: RunLike, step_min: float = 60.0, bin_h: float = 8.0) -> Figure:
    """Work in process (tonnes of slabs, mother plates and product plates, stacked) and
    released throughput (t/h over the last ``bin_h`` hours) over time."""
    r = as_run(run)
    data = wip_throughput(r, step_min, bin_h)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(11.0, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 2]}
    )
    t = data["time_h"].to_numpy()
    top.stackplot(
        t,
        data["wip_slab_t"],
        data["wip_mother_t"],
        data["wip_plate_t"],
        labels=["slabs", "mother plates", "product plates"],
        colors=[KIND_COLOURS["slab"], KIND_COLOURS["mother"], KIND_COLOURS["product"]],
        alpha=0.9,
    )
    top.set_ylabel("WIP (t)")
    top.set_title("Work in process and throughput over time", pad=22)
    # between the title and the axes: inside, it covered the WIP peaks
    top.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize=9)
    bottom.plot(t, data["throughput_t_per_h"], color=KIND_COLOURS["prime"], lw=2)
    bottom.set_ylabel(f"Released (t/h, last {bin_h:g} h)")
    bottom.set_xlabel("Time from run start (h)")
    warm = r.window[0] / 60.0
    for ax in (top, bottom):
        if warm > 0:
            ax.axvspan(0, warm, color="#000000", alpha=0.05, lw=0)
        tidy(ax)
    if warm > 0:
        top.annotate(
            "warm-up",
            (warm / 2, 0.95),
            xycoords=("data", "axes fraction"),
            ha="center",
            fontsize=8,
            color="#555555",
        )
    bottom.set_xlim(t[0], t[-1])
    fig.tight_layout()
    return fig


def plot_lead_time(run: RunLike, window: bool = True, ax: Axes | None = None) -> Figure:
    """Distribution of customer lead time (order arrival → disposition) by grade, with median
    and p90: the plates ``lead_times`` and the run summary count, so stock plates (order id
    ``STOCK-…``: no customer waits for them) are left out and the title says how many."""
    r = as_run(run)
    p = r.plates[r.plates["disposition"].astype("str") != "wip"]
    if window:
        p = p[p["in_window"].astype(bool)]
    stock = p["order_id"].astype("str").str.startswith(STOCK_PREFIX)
    p = p[~stock]
    fig, ax = new_axes(ax, (9.0, 4.5))
    values = p["lead_time_h"].dropna()
    bins = list(np.histogram_bin_edges(values, bins=30)) if len(values) else 10
    for grade, sub in p.groupby("grade_ordered", observed=True):
        ax.hist(
            sub["lead_time_h"].dropna(),
            bins=bins,
            histtype="stepfilled",
            alpha=0.45,
            label=f"{grade} (n={len(sub)})",
        )
    if len(values):
        for q, ls in ((0.5, "-"), (0.9, "--")):
            v = float(values.quantile(q))
            ax.axvline(v, color="#333333", ls=ls, lw=1)
            ax.annotate(
                f"p{int(q * 100)} {v:.1f} h",
                (v, 0.97),
                xycoords=("data", "axes fraction"),
                ha="left",
                va="top",
                fontsize=8,
                xytext=(3, 0),
                textcoords="offset points",
            )
    ax.set_xlabel("Lead time, order arrival to disposition (h)")
    ax.set_ylabel("Plates (count)")
    count_axis(ax)
    n_stock = int(stock.sum())
    left_out = f"{n_stock} stock plate{'' if n_stock == 1 else 's'} left out"
    ax.set_title(
        f"Customer lead-time distribution ({'after warm-up, ' if window else ''}{left_out})"
    )
    # below the axis, not over the bars; no legend when no plate was disposed yet
    legend_below(ax, ncol=4, offset=-0.16, fontsize=9)
    tidy(ax)
    fig.tight_layout()
    return fig
