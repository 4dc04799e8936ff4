"""The UT defect map's legend sits under the x-axis label for a plate of any shape.

A long narrow plate drawn to scale has a short axes; a legend placed a fraction of the axes
height below it landed on "Position along the length (mm)" in the notebook (a 12 m x 1.5 m
plate). The legend is placed a measured distance under the label and tick labels instead.
"""

from __future__ import annotations

import dataclasses

import pytest
from matplotlib.figure import Figure
from synthetic_run import A

from mill.analysis import Run, plot_defect_map


def _reshaped(syn: Run, length_mm: float, width_mm: float) -> Run:
    plates = syn.plates.copy()
    mine = plates["plate_id"] == A
    plates.loc[mine, ["length_mm", "width_mm", "thickness_mm"]] = [length_mm, width_mm, 60.0]
    return dataclasses.replace(syn, tables={**syn.tables, "plates": plates})


def _assert_legend_clear_of_the_x_axis(fig: Figure) -> None:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert legend is not None
    box = legend.get_window_extent(renderer)
    label = ax.xaxis.label.get_window_extent(renderer)
    ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    assert box.y1 < label.y0, (box, label)
    assert all(box.y1 < t.y0 for t in ticks)
    assert all(not box.overlaps(t) for t in [label, *ticks])


@pytest.mark.parametrize(
    ("length_mm", "width_mm"),
    [(12000.0, 1500.0), (6000.0, 2000.0), (24000.0, 1500.0), (4000.0, 3000.0)],
)
def test_the_legend_is_under_the_x_label_whatever_the_plates_shape(
    syn: Run, length_mm: float, width_mm: float
) -> None:
    """A 12 m x 1.5 m plate (the notebook's case), the synthetic 6 m x 2 m one, a 24 m strip
    and a near-square plate: the legend is below the x label and tick labels, overlapping
    neither."""
    fig = plot_defect_map(_reshaped(syn, length_mm, width_mm), A)
    _assert_legend_clear_of_the_x_axis(fig)


def test_the_shared_runs_default_defect_map_is_laid_out_the_same(sim: Run) -> None:
    """The plate the report and notebook draw by default (most missed defects)."""
    _assert_legend_clear_of_the_x_axis(plot_defect_map(sim))
