"""Shared look of the analysis plots: one colour per meaning, used by every figure.

A state, disposition, mechanism or inspection outcome has the same colour in every plot, so a
reader learns the palette once.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

__all__ = [
    "DISPOSITION_COLOURS",
    "KIND_COLOURS",
    "OUTCOME_COLOURS",
    "STATE_COLOURS",
    "count_axis",
    "legend_below",
    "legend_under_xlabel",
    "mechanism_colour",
    "new_axes",
    "tidy",
]

STATE_COLOURS: dict[str, str] = {
    "busy": "#2a9d8f",
    "idle": "#dee2e6",
    "blocked": "#f4a261",
    "down": "#e63946",
}
DISPOSITION_COLOURS: dict[str, str] = {
    "prime": "#2a9d8f",
    "downgraded": "#e9c46a",
    "scrap": "#e63946",
    "wip": "#8d99ae",
}
OUTCOME_COLOURS: dict[str, str] = {
    "detected": "#1d3557",
    "missed": "#e63946",
    "false_call": "#adb5bd",
    "scrap": "#8d99ae",
}
KIND_COLOURS: dict[str, str] = {
    "total": "#264653",
    "loss": "#e76f51",
    "wip": "#8d99ae",
    "product": "#e9c46a",
    "prime": "#2a9d8f",
    "heat": "#264653",
    "slab": "#457b9d",
    "mother": "#a8dadc",
    "spec": "#2a9d8f",
    "measured": "#457b9d",
}
_MECHANISMS = (
    "inclusion_cluster",
    "rolled_in_scale",
    "centre_porosity",
    "surface_crack",
    "centre_segregation",
    "hydrogen_flake",
    "quench_crack",
    "flatness",
    "hardness",
    "cut_edge_crack",
)
_TAB = plt.get_cmap("tab10").colors  # type: ignore[attr-defined]


def mechanism_colour(mechanism: str) -> Any:
    """Stable colour of a defect mechanism (known ones fixed, others hashed)."""
    if mechanism in _MECHANISMS:
        return _TAB[_MECHANISMS.index(mechanism) % len(_TAB)]
    return _TAB[sum(map(ord, mechanism)) % len(_TAB)]


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (9.0, 5.0)) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: ``ax``'s own, or a fresh pair."""
    if ax is not None:
        fig = ax.get_figure()
        assert isinstance(fig, Figure)
        return fig, ax
    fig, new = plt.subplots(figsize=figsize)
    return fig, new


def tidy(ax: Axes, grid_axis: str = "y") -> None:
    """Light grid behind the data, no top/right spines."""
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    if grid_axis:
        ax.grid(axis=grid_axis, alpha=0.3)  # type: ignore[arg-type]
    ax.set_axisbelow(True)


def count_axis(ax: Axes, axis: str = "y") -> None:
    """Integer ticks on a count axis (no 0.5 plate, no 2.5 tests on a short run)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(integer=True))


def legend_below(ax: Axes, ncol: int = 2, offset: float = -0.2, **kwargs: Any) -> None:
    """The axes' legend below its x-axis label, off the data: a legend inside a histogram
    covers its tallest bars whenever they are where the legend is."""
    if not ax.get_legend_handles_labels()[0] and "handles" not in kwargs:
        return
    kwargs.setdefault("fontsize", 8)
    ax.legend(frameon=False, ncol=ncol, loc="upper center", bbox_to_anchor=(0.5, offset), **kwargs)


def legend_under_xlabel(ax: Axes, gap_pt: float = 4.0, **kwargs: Any) -> None:
    """The axes' legend just under its x-axis label and tick labels, at a distance measured in
    points from the bottom of the axes: right for an axes of any height (``legend_below``'s
    offset is a fraction of the axes height, too little under a short, wide axes). Call it
    after the x label, ticks and limits are set."""
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    renderer = getattr(fig.canvas, "get_renderer", lambda: None)()
    axis_box = ax.xaxis.get_tightbbox(renderer)
    drop_px = ax.get_window_extent(renderer).y0 - (axis_box.y0 if axis_box else 0.0)
    drop_in = max(drop_px, 0.0) / fig.dpi + gap_pt / 72.0
    kwargs.setdefault("fontsize", 8)
    kwargs.setdefault("frameon", False)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=ax.transAxes + ScaledTranslation(0.0, -drop_in, fig.dpi_scale_trans),
        **kwargs,
    )
