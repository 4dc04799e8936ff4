"""Plots of quality against specification: hardness and Charpy histograms with the spec window
drawn, and the UT defect map of one plate (true vs detected vs missed, body vs edge zone).

Spec windows come from the run's effective scenario (``[grades.NAME]``), falling back to the
``spec_low`` / ``spec_high`` each test carries.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from mill.analysis.load import AnalysisError, Run, RunLike, as_run
from mill.analysis.specification import SINGLE_VALUE_FRACTION
from mill.analysis.statistics import defect_table, property_tests
from mill.analysis.style import (
    KIND_COLOURS,
    OUTCOME_COLOURS,
    count_axis,
    legend_below,
    legend_under_xlabel,
    tidy,
)
from mill.quality.geometry import edge_zone_width_mm

__all__ = ["charpy_sets", "edge_zone_mm", "plot_charpy", "plot_defect_map", "plot_hardness"]

_SPEC_FILL = "#2a9d8f"
_SPEC_LINE = "#1b6f65"


def _grades(t: pd.DataFrame) -> list[str]:
    return sorted(g for g in t["grade"].dropna().unique())


def _grid(n: int) -> tuple[Figure, list[Axes]]:
    n = max(n, 1)
    # the extra height holds each panel's legend below its axis, clear of the bars
    fig, axes = plt.subplots(1, n, figsize=(4.6 * n, 5.0), squeeze=False)
    return fig, list(axes[0])


def _spec(run: Run, grade: str) -> dict[str, Any]:
    try:
        return run.grade_spec(grade)
    except AnalysisError:
        return {}


def plot_hardness(run: RunLike, window: bool = False) -> Figure:
    """Surface (filled) and mid-thickness (outline) Brinell hardness by grade, with the surface
    window shaded and bounded by solid lines, the thick-plate window dashed and the centre
    minimum dotted."""
    r = as_run(run)
    t = property_tests(r, window)
    t = t[t["kind"].astype("str").isin(["hardness_surface", "hardness_centre"])]
    grades = _grades(t)
    fig, axes = _grid(len(grades))
    for ax, grade in zip(axes, grades, strict=False):
        sub = t[t["grade"] == grade]
        surf = sub[sub["kind"].astype("str") == "hardness_surface"]
        core = sub[sub["kind"].astype("str") == "hardness_centre"]
        spec = _spec(r, grade)
        window_s = spec.get("surface_hbw") or [surf["spec_low"].min(), surf["spec_high"].max()]
        lo, hi = float(window_s[0]), float(window_s[1])
        ax.axvspan(lo, hi, color=_SPEC_FILL, alpha=0.12, lw=0, label="surface spec")
        for v in (lo, hi):
            ax.axvline(v, color=_SPEC_LINE, lw=1.5)
        thick = spec.get("surface_hbw_thick")
        if thick and list(thick) != list(window_s):
            for v in thick:
                ax.axvline(float(v), color=_SPEC_LINE, lw=1, ls="--")
            above = spec.get("thick_above_mm")
            label = f"spec > {float(above):g} mm" if above is not None else "thick-plate spec"
            ax.plot([], [], color=_SPEC_LINE, ls="--", lw=1, label=label)
        centre_min = spec.get("centre_min_hbw")
        if centre_min is None and not core.empty:
            centre_min = core["spec_low"].min()
        values = pd.concat([surf["value"], core["value"]]).dropna()
        span = (
            [lo - 30, hi + 30]
            if values.empty
            else [min(values.min(), lo) - 10, max(values.max(), hi) + 10]
        )
        bins = np.linspace(span[0], span[1], 36)
        ax.hist(
            surf["value"].dropna(),
            bins=list(bins),
            color=KIND_COLOURS["measured"],
            alpha=0.85,
            label=f"surface (n={len(surf)})",
        )
        if not core.empty:
            ax.hist(
                core["value"].dropna(),
                bins=list(bins),
                histtype="step",
                lw=1.8,
                color="#6d597a",
                label=f"mid-thickness (n={len(core)})",
            )
        if centre_min is not None and not pd.isna(centre_min):
            ax.axvline(
                float(centre_min),
                color="#6d597a",
                ls=":",
                lw=1.5,
                label=f"centre min {float(centre_min):g}",
            )
        inside = surf["value"].between(lo, hi).mean() * 100 if len(surf) else float("nan")
        ax.set_title(f"{grade}: {inside:.0f} % of surface tests in {lo:g}–{hi:g} HBW")
        ax.set_xlabel("Hardness (HBW)")
        ax.set_ylabel("Tests (count)")
        count_axis(ax)
        legend_below(ax)
        tidy(ax)
    if not grades:
        axes[0].set_title("No hardness tests in this run")
        axes[0].set_xlabel("Hardness (HBW)")
        axes[0].set_ylabel("Tests (count)")
    fig.suptitle("Hardness against specification", fontweight="bold")
    fig.tight_layout()
    return fig


def charpy_sets(run: RunLike, window: bool = False) -> pd.DataFrame:
    """One row per Charpy set of three (``tests.csv`` rows grouped by lot, tested plate and
    retest flag): grade, lot_id, entity_id, retest, n, mean_j, min_j and passed, the lab's
    verdict on the set by ``mill.quality.toughness.charpy_conforms`` (mean at least the
    minimum, at most one value below it, none below the single-value minimum; a retest judged
    on the six). A set that failed on one low value has a mean above the minimum, so its mean
    alone does not say whether it failed. ``window`` keeps the sets tested in the KPI window."""
    t = property_tests(as_run(run), window)
    t = t[t["kind"].astype("str") == "charpy"]
    keys = ["grade", "lot_id", "entity_id", "retest"]
    columns = [*keys, "n", "mean_j", "min_j", "passed"]
    if t.empty:
        return pd.DataFrame(columns=columns)
    t = t.assign(retest=t["retest"].astype(bool), passed=t["pass"].astype(bool))
    sets = t.groupby(keys, sort=True, observed=True).agg(
        n=("value", "size"),
        mean_j=("value", "mean"),
        min_j=("value", "min"),
        passed=("passed", "all"),
    )
    return sets.reset_index()[columns]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _single_min_j(run: Run, minimum: float) -> float:
    """The single-value minimum of a set: the scenario's fraction of the required average
    (``quality.testing.charpy_single_min_frac``, its default when the scenario has none)."""
    testing = run.scenario.get("quality", {}).get("testing", {})
    return float(testing.get("charpy_single_min_frac", SINGLE_VALUE_FRACTION)) * minimum


def plot_charpy(run: RunLike, window: bool = False) -> Figure:
    """Charpy V impact energy of every specimen by grade, at the grade's test temperature, with
    the minimum average shaded as the acceptance side and drawn as a solid line, the
    single-value minimum dotted, and the specimens of sets that failed the set rule (the lab's
    verdict, ``charpy_sets``) stacked in red. The title counts the failed sets, and the
    failed of the first sets and of the retests, so it agrees with ``spec_compliance``'s
    Charpy pass_pct."""
    r = as_run(run)
    t = property_tests(r, window)
    t = t[t["kind"].astype("str") == "charpy"]
    all_sets = charpy_sets(r, window)
    grades = _grades(t)
    fig, axes = _grid(len(grades))
    for ax, grade in zip(axes, grades, strict=False):
        sub = t[t["grade"] == grade]
        spec = _spec(r, grade)
        minimum = float(spec.get("charpy_min_j", sub["spec_low"].min()))
        temp = spec.get("charpy_temp_c", sub["temp_c"].median())
        v = sub["value"].dropna()
        top = max(float(v.max()) if len(v) else 0.0, minimum * 2) * 1.1
        ax.axvspan(minimum, top, color=_SPEC_FILL, alpha=0.12, lw=0, label="meets minimum")
        ax.axvline(minimum, color=_SPEC_LINE, lw=1.5, label=f"min average {minimum:g} J")
        single = _single_min_j(r, minimum)
        ax.axvline(
            single, color=_SPEC_LINE, lw=1.2, ls=":", label=f"single-value min {single:.3g} J"
        )
        ok = sub["pass"].astype(bool)
        good, bad = sub["value"][ok].dropna(), sub["value"][~ok].dropna()
        ax.hist(
            [good, bad],
            bins=list(np.linspace(0, top, 30)),
            stacked=True,
            color=[KIND_COLOURS["measured"], OUTCOME_COLOURS["missed"]],
            alpha=0.85,
            label=[
                f"specimens, set passed (n={len(good)})",
                f"specimens, set failed (n={len(bad)})",
            ],
        )
        sets = all_sets[all_sets["grade"] == grade]
        retest = sets["retest"].astype(bool)
        failed = ~sets["passed"].astype(bool)
        ax.set_title(
            f"{grade}: KV2 at {float(temp):g} °C\n"
            f"{int(failed.sum())} of {len(sets)} sets failed the set rule\n"
            f"({int((failed & ~retest).sum())} of {_count(int((~retest).sum()), 'first set')}, "
            f"{int((failed & retest).sum())} of {_count(int(retest.sum()), 'retest')})"
        )
        ax.set_xlim(0, top)
        ax.set_xlabel(f"Impact energy at {float(temp):g} °C (J)")
        ax.set_ylabel("Specimens (count)")
        count_axis(ax)
        legend_below(ax)
        tidy(ax)
    if not grades:
        axes[0].set_title("No Charpy tests in this run")
        axes[0].set_xlabel("Impact energy (J)")
        axes[0].set_ylabel("Specimens (count)")
    fig.suptitle("Charpy toughness against specification", fontweight="bold")
    fig.tight_layout()
    return fig


def edge_zone_mm(thickness_mm: float) -> float:
    """Width of the EN 10160 edge zone for a plate of this thickness: the same function the
    simulation classified the indications with (``mill.quality.geometry``)."""
    return edge_zone_width_mm(thickness_mm)


def _pick_plate(run: Run) -> str:
    d = defect_table(run, window=False)
    d = d[d["entity_id"].isin(run.plates["plate_id"])]
    if d.empty:
        if run.plates.empty:
            raise AnalysisError("the run has no product plates")
        return str(run.plates["plate_id"].iloc[0])
    counts = d.groupby("entity_id").agg(
        n=("is_true", "size"), missed=("detection", lambda s: int((s == "missed").sum()))
    )
    return str(counts.sort_values(["missed", "n"], ascending=False).index[0])


def plot_defect_map(run: RunLike, plate_id: str | None = None, ax: Axes | None = None) -> Figure:
    """UT defect map of one plate (default: the plate with most missed defects): every true
    defect at its position, marker area ∝ its true area, filled if detected and a red ring if
    missed; false calls as grey triangles; the EN 10160 edge zone shaded."""
    r = as_run(run)
    pid = plate_id or _pick_plate(r)
    plate = r.plates[r.plates["plate_id"] == pid]
    if plate.empty:
        raise AnalysisError(f"unknown product plate {pid!r} in run {r.path}")
    p = plate.iloc[0]
    length, width, thick = float(p["length_mm"]), float(p["width_mm"]), float(p["thickness_mm"])
    d = defect_table(r, window=False)
    d = d[d["entity_id"] == pid]
    if ax is None:
        fig_w = 11.0
        fig_h = min(max(fig_w * width / length * 0.9 + 1.6, 3.2), 8.0)
        fig, ax = plt.subplots(figsize=(fig_w, fig_h))
    else:
        fig = ax.get_figure()  # type: ignore[assignment]
    edge = edge_zone_mm(thick)
    ax.add_patch(Rectangle((0, 0), length, width, facecolor="#f1f3f5", edgecolor="#343a40", lw=1.2))
    for rect in (
        (0, 0, length, edge),
        (0, width - edge, length, edge),
        (0, 0, edge, width),
        (length - edge, 0, edge, width),
    ):
        ax.add_patch(Rectangle(rect[:2], rect[2], rect[3], facecolor="#ffd8a8", lw=0, alpha=0.7))
    true = d[d["is_true"].astype(bool)]
    size = 12 + 6 * np.sqrt(true["area_mm2"].fillna(1).to_numpy())
    det = true["detected"].astype(bool).to_numpy()
    ax.scatter(
        true["x_mm"][det],
        true["y_mm"][det],
        s=size[det],
        color=OUTCOME_COLOURS["detected"],
        alpha=0.85,
        zorder=3,
    )
    ax.scatter(
        true["x_mm"][~det],
        true["y_mm"][~det],
        s=size[~det],
        facecolors="none",
        edgecolors=OUTCOME_COLOURS["missed"],
        linewidths=1.8,
        zorder=3,
    )
    fc = d[~d["is_true"].astype(bool)]
    ax.scatter(
        fc["x_mm"],
        fc["y_mm"],
        marker="^",
        s=40,
        color=OUTCOME_COLOURS["false_call"],
        edgecolors="#495057",
        zorder=3,
    )
    handles = [
        Line2D(
            [],
            [],
            ls="none",
            marker="o",
            color=OUTCOME_COLOURS["detected"],
            label=f"detected ({int(det.sum())})",
        ),
        Line2D(
            [],
            [],
            ls="none",
            marker="o",
            mfc="none",
            mec=OUTCOME_COLOURS["missed"],
            mew=1.8,
            label=f"missed ({int((~det).sum())})",
        ),
        Line2D(
            [],
            [],
            ls="none",
            marker="^",
            color=OUTCOME_COLOURS["false_call"],
            mec="#495057",
            label=f"false call ({len(fc)})",
        ),
        Rectangle((0, 0), 1, 1, facecolor="#ffd8a8", label=f"edge zone ({edge:g} mm)"),
    ]
    mechs = ", ".join(sorted({str(m).replace("_", " ") for m in true["mechanism"]})) or "none"
    ax.set_title(
        f"UT defect map {pid}: {thick:g} mm {p['grade_ordered']}, "
        f"UT class {p['ut_class_ordered']}, {p['disposition']}\n"
        f"true defects: {len(true)} ({mechs}); marker area ∝ defect area",
        fontsize=10,
    )
    pad = 0.02 * length
    ax.set_xlim(-pad, length + pad)
    ax.set_ylim(-pad * width / length * 4 - 30, width + pad * width / length * 4 + 30)
    ax.set_aspect("equal" if length / max(width, 1.0) < 12 else "auto")
    ax.set_xlabel("Position along the length (mm)")
    ax.set_ylabel("Across the width (mm)")
    # under the x-axis label whatever the plate's shape: a long narrow plate drawn to scale has
    # a short axes, where an offset in axes fractions lands on the label
    legend_under_xlabel(ax, handles=handles, ncol=4)
    if not math.isfinite(length) or not math.isfinite(width):
        raise AnalysisError(f"plate {pid!r} has no dimensions")
    assert isinstance(fig, Figure)
    fig.tight_layout()
    return fig
