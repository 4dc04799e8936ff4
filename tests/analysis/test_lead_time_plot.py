"""The lead-time plot shows the customer lead time the KPIs report: stock plates are left out.

A stock plate (order id ``STOCK-…``) has no customer waiting for it; ``lead_times``, the run
summary and the console leave it out, so the plot must too, or the report gives two p50s.
"""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
from synthetic_run import E, F, G

from mill.analysis import Run, lead_times, plot_lead_time
from mill.analysis.statistics import STOCK_PREFIX


def _quantile_lines(ax: plt.Axes) -> list[float]:
    return sorted(float(line.get_xdata()[0]) for line in ax.get_lines())  # type: ignore[index]


def _with_stock_plates(syn: Run) -> Run:
    """The synthetic run (every disposed plate 10 h from order to disposition) with two of
    its prime plates made for stock and given a 60 h 'lead time'."""
    plates = syn.plates.copy()
    stock = plates["plate_id"].isin([F, G])
    plates.loc[stock, "order_id"] = f"{STOCK_PREFIX}000001"
    plates.loc[stock, "lead_time_h"] = 60.0
    plates.loc[plates["plate_id"] == E, "lead_time_h"] = 30.0
    return dataclasses.replace(syn, tables={**syn.tables, "plates": plates})


def test_stock_plates_are_left_out_of_the_lead_time_plot(syn: Run) -> None:
    """With 60 h stock plates in the run, the plot's p50 and p90 are those of the customer
    plates alone (the ``lead_times`` 'all' row), the legend counts customer plates and the
    title says how many stock plates were left out."""
    run = _with_stock_plates(syn)
    ax = plot_lead_time(run).axes[0]
    kpi = lead_times(run).loc[("all", "lead_time_h")]
    assert _quantile_lines(ax) == sorted([float(kpi["p50"]), float(kpi["p90"])])
    assert max(_quantile_lines(ax)) < 60.0
    assert ax.get_legend_handles_labels()[1] == [f"NM400 (n={int(kpi['n'])})"]
    assert "2 stock plates left out" in ax.get_title()


def test_the_plots_quantiles_are_the_summarys_lead_time(sim: Run) -> None:
    """On the shared run (which makes stock plates): the plot's p50 and p90 are the run
    summary's customer lead time, the figure the KPI table and the console print."""
    ax = plot_lead_time(sim).axes[0]
    summary = sim.summary["lead_time_h"]
    lines = _quantile_lines(ax)
    assert [round(v, 2) for v in lines] == [summary["p50"], summary["p90"]]
