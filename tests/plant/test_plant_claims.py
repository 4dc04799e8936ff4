"""The README's claims about the plant that are not process-time formulas: plate above a
grade's heavy-gauge limit is cast from the richer heavy-gauge aim; units break down (clock
based, the work in hand paused for the repair); with blocking, a furnace keeps its slab until
the mill takes it. Checked on the hand plant."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from plant_support import HandRun, run_hand, shared_scope

ELEMENTS = ("C", "Si", "Mn", "P", "S", "Cr", "Ni", "Mo", "Ti", "B", "Al")
NO_SCATTER = [
    f"grades.{g}.sigma_pct={{{', '.join(f'{el} = 0.0' for el in ELEMENTS)}}}"
    for g in ("NM400", "NM450")
]


def test_heats_are_heavy_gauge_exactly_when_their_plate_is_over_the_limit(
    hand_run: HandRun,
) -> None:
    """A heat is cast as heavy gauge when its plates are thicker than the grade's limit
    (NM400 25 mm, NM450 30 mm), and as standard otherwise; both kinds occur."""
    heats = hand_run.table("heats").set_index("heat_id")
    plates = hand_run.table("plates")
    limit = plates["grade_ordered"].map(
        {g: hand_run.scenario.grades[g].heavy_gauge_above_mm for g in ("NM400", "NM450")}
    )
    heavy = (plates["thickness_mm"] > limit).groupby(plates["heat_id"]).agg(["all", "any"])
    assert (heavy["all"] == heavy["any"]).all()  # no heat mixes the two
    expected = heavy["all"].map({True: "heavy", False: "standard"})
    assert (heats.loc[expected.index, "gauge_class"] == expected).all()
    assert set(expected) == {"heavy", "standard"}


def test_heavy_gauge_heats_are_cast_from_the_richer_aim(tmp_path: Path) -> None:
    """With no chemistry scatter a heat's analysis is its aim: the heavy-gauge aim (more Mn,
    Cr, Ni and Mo) for heavy heats, the standard aim otherwise, and the heavy heats have the
    larger ideal critical diameter."""
    run = run_hand(tmp_path, NO_SCATTER)
    heats = run.table("heats")
    seen = set()
    for _, heat in heats.iterrows():
        grade = run.scenario.grades[heat["grade"]]
        aim = dict(grade.aim_pct)
        if heat["gauge_class"] == "heavy":
            aim.update(grade.aim_heavy_pct)
        for el in ("C", "Mn", "Cr", "Ni", "Mo"):
            assert heat[f"{el.lower()}_pct"] == pytest.approx(aim[el], abs=5e-5), (heat, el)
        seen.add((heat["grade"], heat["gauge_class"]))
    assert {("NM400", "heavy"), ("NM400", "standard")} <= seen
    di = heats.groupby(["grade", "gauge_class"])["ideal_diameter_mm"].mean()
    assert di["NM400", "heavy"] > 1.5 * di["NM400", "standard"]


# ---- breakdowns ----------------------------------------------------------------------------
BREAKDOWNS = [
    "plant.reheat_furnace.breakdown={mtbf_h = 4.0, mttr_min = 30.0}",
    "plant.cooling_bed.breakdown={mtbf_h = 3.0, mttr_min = 20.0}",
]


@pytest.fixture(scope=shared_scope("module"))
def breakdown_run(tmp_path_factory: pytest.TempPathFactory) -> HandRun:
    return run_hand(tmp_path_factory.mktemp("breakdowns"), BREAKDOWNS)


def _overlap(start: float, end: float, down: pd.DataFrame) -> float:
    lo = down["start_min"].clip(lower=start)
    hi = down["end_min"].clip(upper=end)
    return float((hi - lo).clip(lower=0.0).sum())


def test_breakdowns_are_recorded_as_down_intervals_of_the_repair_time(
    breakdown_run: HandRun,
) -> None:
    """Only units with a breakdown go down; each down interval lasts the repair time (30 and
    20 min; the last one may be cut short by the end of the run), and the summary reports
    the down share."""
    eq = breakdown_run.table("equipment")
    down = eq[eq["state"] == "down"]
    assert set(down["unit"]) == {"reheat_furnace", "cooling_bed"}
    horizon = breakdown_run.scenario.run.horizon_days * 1440.0
    for unit, mttr in (("reheat_furnace", 30.0), ("cooling_bed", 20.0)):
        spells = down[down["unit"] == unit]
        assert len(spells) >= 3
        whole = spells[spells["end_min"] < horizon]
        assert (whole["duration_min"] - mttr).abs().max() < 1e-3
        assert breakdown_run.result.summary["utilisation"][unit]["down_frac"] > 0


def test_a_breakdown_pauses_the_work_in_hand(breakdown_run: HandRun) -> None:
    """A slab in the furnace when it breaks down is held for its residence plus the down
    time that falls in its stay (work resumes after the repair); some slabs are hit."""
    eq = breakdown_run.table("equipment")
    down = eq[(eq["state"] == "down") & (eq["unit"] == "reheat_furnace")]
    slabs = breakdown_run.table("slabs").set_index("slab_id")
    ev = breakdown_run.table("events")
    furnace = ev[ev["unit"] == "reheat_furnace"].set_index("entity_id")
    hit = 0
    for sid, row in furnace.iterrows():
        residence = 10.0 + 0.5 * 200.0 * (0.6 if slabs.loc[sid, "charge"] == "hot" else 1.0)
        lost = _overlap(row["start_min"], row["end_min"], down)
        assert row["end_min"] - row["start_min"] == pytest.approx(residence + lost, abs=2e-3)
        hit += lost > 0
    assert hit >= 1


# ---- blocking ------------------------------------------------------------------------------
def test_without_blocking_nothing_is_ever_blocked(hand_run: HandRun) -> None:
    """With blocking off a piece leaves each unit when its work ends: no blocked state."""
    eq = hand_run.table("equipment")
    assert "blocked" not in set(eq["state"])
    assert all(u["blocked_frac"] == 0 for u in hand_run.result.summary["utilisation"].values())


def test_with_blocking_the_furnace_keeps_its_slab_until_the_mill_takes_it(
    tmp_path: Path,
) -> None:
    """With blocking on and a slow mill (an hour a slab), every slab leaves the reheating
    furnace at the instant the mill starts on it, some only after their residence has
    ended (blocked time is recorded); a slow quench holds mother plates in the
    austenitising furnace in the same way."""
    run = run_hand(
        tmp_path,
        ["plant.blocking=true", "plant.plate_mill.time_min=60", "plant.quench.time_min=60"],
    )
    ev = run.table("events")
    furnace = ev[ev["unit"] == "reheat_furnace"].set_index("entity_id")
    mill = ev[ev["unit"] == "plate_mill"].set_index("entity_id")
    assert (furnace["end_min"] - mill.loc[furnace.index, "start_min"]).abs().max() < 1e-9
    slabs = run.table("slabs").set_index("slab_id")
    residence = 10.0 + 100.0 * slabs["charge"].map({"hot": 0.6, "cold": 1.0})
    stay = furnace["end_min"] - furnace["start_min"]
    assert (stay >= residence.loc[stay.index] - 1e-6).all()
    assert (stay > residence.loc[stay.index] + 1.0).any()
    assert run.result.summary["utilisation"]["reheat_furnace"]["blocked_frac"] > 0
    # heat treatment is a blocking line too: a mother plate leaves the austenitising furnace
    # only when the (slow, 60 min) quench takes it, and the quench when the tempering
    # furnace takes it
    for first, second in (("austenitising_furnace", "quench"), ("quench", "tempering_furnace")):
        a = ev[ev["unit"] == first].set_index("entity_id")
        b = ev[ev["unit"] == second].set_index("entity_id")
        assert (a["end_min"] - b.loc[a.index, "start_min"]).abs().max() < 1e-9
    aus = ev[ev["unit"] == "austenitising_furnace"].set_index("entity_id")
    mm = run.table("plates").groupby("mother_id")["thickness_mm"].first()
    held = aus["end_min"] - aus["start_min"] - (20.0 + 1.8 * mm.loc[aus.index])
    assert held.min() > -1e-6 and held.max() > 1.0
