"""Every plot renders with Agg and carries what it should: units, bars, spec windows."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from synthetic_run import A

from mill.analysis import (
    Run,
    defect_pareto,
    edge_zone_mm,
    origin_vs_detection,
    plot_charpy,
    plot_defect_map,
    plot_gantt,
    plot_genealogy,
    plot_hardness,
    plot_lead_time,
    plot_origin_detection,
    plot_pareto,
    plot_utilisation,
    plot_wip_throughput,
    plot_yield_waterfall,
    unit_utilisation,
)
from mill.analysis.statistics import STOCK_PREFIX

UNIT = re.compile(r"\((?:[^()]*)\)\s*$")


def _labelled(fig: Figure) -> None:
    """Every data axes has an x or y label ending in a unit, and the figure draws."""
    fig.canvas.draw()
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert axes
    for ax in axes:
        labels = [ax.get_xlabel(), ax.get_ylabel()]
        if not any(labels):
            continue
        assert any(UNIT.search(lbl) for lbl in labels if lbl), labels


def _vlines(ax: plt.Axes) -> set[float]:
    return {
        round(float(line.get_xdata()[0]), 3)  # type: ignore[index]
        for line in ax.get_lines()
        if len(set(line.get_xdata())) == 1  # type: ignore[arg-type]
    }


def test_pareto_one_bar_per_mechanism(sim: Run) -> None:
    fig = plot_pareto(sim)
    _labelled(fig)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    table = defect_pareto(sim)
    assert len(bars) == len(table)
    assert [b.get_height() for b in bars] == list(table["true"])
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == [m.replace("_", " ") for m in table.index]
    assert "Cumulative share (%)" in fig.axes[1].get_ylabel()


def test_origin_detection(sim: Run) -> None:
    """The heat map is the origin × detection table: its cells, its row and column labels,
    and the count written in each cell."""
    fig = plot_origin_detection(sim)
    _labelled(fig)
    ax = fig.axes[0]
    table = origin_vs_detection(sim)
    assert table.to_numpy().sum() > 0
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), table.to_numpy(dtype=float))
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        str(r).replace("_", " ") for r in table.index
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        str(c).replace("_", " ") for c in table.columns
    ]
    cells = [t.get_text() for t in ax.texts]
    assert cells == [f"{v:.0f}" for v in table.to_numpy(dtype=float).ravel()]


def test_yield_waterfall(sim: Run) -> None:
    fig = plot_yield_waterfall(sim)
    _labelled(fig)
    assert fig.axes[0].get_ylabel() == "Mass (t)"
    assert len(fig.axes[0].patches) == 15


def test_gantt_has_a_row_per_unit(sim: Run) -> None:
    fig = plot_gantt(sim)
    _labelled(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Time from run start (h)"
    units = {str(u) for u in sim.equipment["unit"].unique()}
    assert len(ax.get_yticklabels()) == len(units)
    zoom = plot_gantt(sim, start_h=20, end_h=30, units=["ut", "quench"])
    assert zoom.axes[0].get_xlim() == (20.0, 30.0)
    assert len(zoom.axes[0].get_yticklabels()) == 2


def test_utilisation(sim: Run) -> None:
    fig = plot_utilisation(sim)
    _labelled(fig)
    assert len(fig.axes[0].get_yticklabels()) == len(unit_utilisation(sim))


def test_wip_throughput(sim: Run) -> None:
    fig = plot_wip_throughput(sim)
    _labelled(fig)
    assert fig.axes[0].get_ylabel() == "WIP (t)"
    assert "t/h" in fig.axes[1].get_ylabel()


def test_lead_time(sim: Run) -> None:
    """One histogram per grade holding every customer plate disposed in the window (n in its
    label; stock plates have no customer lead time), and the median and p90 lines at the
    lead-time quantiles."""
    fig = plot_lead_time(sim)
    _labelled(fig)
    ax = fig.axes[0]
    p = sim.plates[sim.plates["disposition"].astype(str) != "wip"]
    p = p[p["in_window"].astype(bool)]
    p = p[~p["order_id"].astype(str).str.startswith(STOCK_PREFIX)]
    counts = p.groupby("grade_ordered", observed=True).size()
    labels = ax.get_legend_handles_labels()[1]
    assert [lbl for lbl in labels if lbl.startswith("NM")] == [
        f"{g} (n={n})" for g, n in counts.items()
    ]
    values = p["lead_time_h"].dropna()
    expected = {round(float(values.quantile(q)), 3) for q in (0.5, 0.9)}
    assert expected <= _vlines(ax)


def test_hardness_spec_window(sim: Run) -> None:
    fig = plot_hardness(sim)
    _labelled(fig)
    grades = sorted(set(sim.plates["grade_ordered"].astype(str)) & set(sim.scenario["grades"]))
    tested = [ax for ax in fig.axes if ax.get_title()[:5] in grades]
    assert tested
    for ax in tested:
        grade = ax.get_title().split(":")[0]
        spec = sim.grade_spec(grade)
        lines = _vlines(ax)
        assert set(map(float, spec["surface_hbw"])) <= lines
        assert float(spec["centre_min_hbw"]) in lines
        assert ax.get_xlabel() == "Hardness (HBW)"
        spans = [p for p in ax.patches if not isinstance(p, Rectangle) or p.get_alpha() == 0.12]
        assert spans  # the shaded window


def test_charpy_minimum(sim: Run) -> None:
    fig = plot_charpy(sim)
    _labelled(fig)
    for ax in fig.axes:
        grade = ax.get_title().split(":")[0]
        if grade in sim.scenario["grades"]:
            assert float(sim.grade_spec(grade)["charpy_min_j"]) in _vlines(ax)
            assert ax.get_xlabel().endswith("(J)")


def test_defect_map(sim: Run, syn: Run) -> None:
    _labelled(plot_defect_map(sim))
    fig = plot_defect_map(syn, A)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Position along the length (mm)"
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    offsets = sorted(tuple(map(float, o)) for c in scatters for o in c.get_offsets())
    assert offsets == [(1000.0, 500.0), (3000.0, 30.0), (4000.0, 900.0)]
    assert edge_zone_mm(20) == 50 and edge_zone_mm(60) == 75 and edge_zone_mm(120) == 100
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "detected (1)" in legend and "missed (1)" in legend and "false call (1)" in legend


def test_genealogy(sim: Run, syn: Run) -> None:
    fig = plot_genealogy(syn, "H000001")
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["Heat", "Slabs", "Mother plates", "Product plates", "Re-cut plates"]
    assert "H000001" in ax.get_title()
    plot_genealogy(sim).canvas.draw()


def test_plots_accept_a_path(sim: Run) -> None:
    fig = plot_pareto(sim.path, by="origin_stage", window=False)
    assert isinstance(fig, Figure)
    with pytest.raises(Exception, match="unknown"):
        plot_defect_map(sim, "H999999-S01-M1-P1")
