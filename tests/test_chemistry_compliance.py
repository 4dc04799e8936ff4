"""The baseline's heats meet the GB/T 24186 Table 3 CEV limit of the grade and of every
plate thickness cast from them (the issue found every NM450 heat and every heavy-gauge NM400
heat over it), and summary.json states the designed aims."""

from __future__ import annotations

import json

import pandas as pd
from core_support import RunArtifacts

from mill.quality.chemistry import cev_limit, impact_quality


def test_no_baseline_heat_exceeds_its_cev_limit(baseline_run: RunArtifacts) -> None:
    """Each heat's CEV is at most the strictest limit among its plates' thicknesses."""
    heats = pd.read_csv(baseline_run.path / "heats.csv").set_index("heat_id")
    plates = pd.read_csv(baseline_run.path / "plates.csv", low_memory=False)
    grades = baseline_run.scenario.grades
    checked = 0
    for heat_id, group in plates.groupby("heat_id"):
        grade = heats.loc[heat_id, "grade"]
        quality = impact_quality(grades[grade].charpy_temp_c)
        limits = [cev_limit(grade, quality, t) for t in group["thickness_mm"].unique()]
        limits = [x for x in limits if x is not None]
        if limits:
            assert heats.loc[heat_id, "cev"] <= min(limits), heat_id
            checked += 1
    assert checked >= 10


def test_summary_states_the_designed_aims(baseline_run: RunArtifacts) -> None:
    """One row per grade and gauge class: aim, CEV against its limit, design-point hardness."""
    rows = json.loads((baseline_run.path / "summary.json").read_text())["chemistry_design"]
    assert {r["grade"] for r in rows} == set(baseline_run.scenario.grades)
    for r in rows:
        if r["cev_limit"] is not None:
            assert r["cev_aim"] < r["cev_limit"]
        assert r["aim_pct"]["C"] > 0
