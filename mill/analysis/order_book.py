"""The order book over time: whether the plant runs in steady state. Work in process, the
lead time of customer plates (order arrival → disposition), the share of them late, and the
share of released tonnes that went to stock, per period of the run. Reads the run folder only.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from mill.analysis.load import RunLike, as_run
from mill.analysis.statistics import STOCK_PREFIX, wip_throughput
from mill.analysis.style import KIND_COLOURS, tidy

__all__ = ["orders_over_time", "plot_orders_over_time"]


def orders_over_time(run: RunLike, bin_h: float = 24.0) -> pd.DataFrame:
    """Per period of ``bin_h`` hours by disposition time: released_t, stock_pct (of released
    tonnes), customer plates released, their lead time p50/p90 (h) and late_pct, and the mean
    WIP (t). Periods index the frame as their start, in hours from the run start."""
    r = as_run(run)
    p = r.plates[r.plates["disposition"].astype(str).isin(["prime", "downgraded"])].copy()
    p["period_h"] = (p["done_min"].astype(float) // (bin_h * 60.0)) * bin_h
    p["stock"] = p["order_id"].astype(str).str.startswith(STOCK_PREFIX)
    ordered = p[~p["stock"]]
    out = pd.DataFrame({"released_t": p.groupby("period_h")["mass_t"].sum()})
    stock_t = p[p["stock"]].groupby("period_h")["mass_t"].sum()
    out["stock_pct"] = 100.0 * stock_t.reindex(out.index, fill_value=0.0) / out["released_t"]
    lead = ordered.groupby("period_h")["lead_time_h"]
    out["customer_plates"] = lead.size()
    out["lead_time_p50_h"] = lead.median()
    out["lead_time_p90_h"] = lead.quantile(0.9)
    out["late_pct"] = 100.0 * ordered.groupby("period_h")["late"].mean()
    wip = wip_throughput(r, 60.0, bin_h)
    wip["period_h"] = (wip["time_h"] // bin_h) * bin_h
    out["wip_t"] = wip.groupby("period_h")["wip_t"].mean()
    return out.fillna({"customer_plates": 0})


def plot_orders_over_time(run: RunLike, bin_h: float = 24.0) -> Figure:
    """WIP, customer lead time (p50 and p90) and the late and stock shares per period: the
    plant in steady state shows flat lines after the warm-up."""
    r = as_run(run)
    data = orders_over_time(r, bin_h)
    t = data.index.to_numpy() + bin_h / 2.0
    fig, (wip, lead, share) = plt.subplots(3, 1, figsize=(11.0, 7.5), sharex=True)
    wip.plot(t, data["wip_t"], color=KIND_COLOURS["slab"], lw=2, marker="o", ms=3)
    wip.set_ylabel("WIP (t)")
    wip.set_ylim(bottom=0)
    wip.set_title(f"The order book over time (per {bin_h:g} h, by disposition time)")
    lead.plot(t, data["lead_time_p50_h"], color="#333333", lw=2, marker="o", ms=3, label="p50")
    lead.plot(t, data["lead_time_p90_h"], color="#333333", lw=1, ls="--", label="p90")
    lead.set_ylabel("Lead time (h)")
    lead.legend(frameon=False, fontsize=8, loc="upper left")
    share.plot(t, data["late_pct"], color="#c0392b", lw=2, marker="o", ms=3, label="late")
    share.plot(t, data["stock_pct"], color=KIND_COLOURS["prime"], lw=2, ls="--", label="stock")
    share.set_ylabel("Share (%)")
    share.set_ylim(bottom=0)
    share.legend(frameon=False, fontsize=8, loc="upper left")
    share.set_xlabel("Time from run start (h)")
    warm = r.window[0] / 60.0
    for ax in (wip, lead, share):
        if warm > 0:
            ax.axvspan(0, warm, color="#000000", alpha=0.05, lw=0)
        tidy(ax)
    fig.tight_layout()
    return fig
