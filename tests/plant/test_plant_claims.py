"""The README's claims about the plant that are not process-time formulas: each gauge class
is cast from the aim designed for it, richer for heavier gauge; units break down (clock
based, the work in hand paused for the repair); with blocking, a furnace keeps its slab until
the mill takes it. Checked on the hand plant."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from plant_support import HandRun, run_hand, shared_scope

from mill.model.aims import Aims

ELEMENTS = ("C", "Si", "Mn", "P", "S", "Cr", "Ni", "Mo", "Ti", "B", "Al", "Cu", "N")
NO_SCATTER = [
    f"grades.{g}.sigma_pct={{{', '.join(f'{el} = 0.0' for el in ELEMENTS)}}}"
    for g in ("NM400", "NM450")
]


def test_heats_are_cast_for_the_gauge_class_of_their_plates(hand_run: HandRun) -> None:
    """A heat's gauge class (over the first, up to the second figure, mm) holds every plate
    cast from it, and it is the class the run's designed aims give that thickness; NM400's
    10/20 mm and 50 mm orders fall in different classes."""
    aims = Aims(hand_run.scenario)
    heats = hand_run.table("heats").set_index("heat_id")
    plates = hand_run.table("plates")
    for heat_id, group in plates.groupby("heat_id"):
        label = heats.loc[heat_id, "gauge_class"]
        above, upto = (float(x) for x in label.split("-"))
        assert ((group["thickness_mm"] > above) & (group["thickness_mm"] <= upto)).all()
        grade = heats.loc[heat_id, "grade"]
        t = group["thickness_mm"].iloc[0]
        assert aims.design(grade, aims.index(grade, t)).label == label
    nm400 = heats[heats["grade"] == "NM400"]["gauge_class"]
    assert nm400.nunique() >= 2


def test_heats_are_cast_from_the_aim_designed_for_their_class(tmp_path: Path) -> None:
    """With no chemistry scatter a heat's analysis is the aim designed for its gauge class,
    and the heavier class has the larger ideal critical diameter."""
    run = run_hand(tmp_path, NO_SCATTER)
    aims = Aims(run.scenario)
    heats = run.table("heats")
    by_label = {(g, d.label): d for g, ds in aims.by_grade.items() for d in ds}
    for _, heat in heats.iterrows():
        aim = by_label[heat["grade"], heat["gauge_class"]].aim_pct
        for el in ("C", "Mn", "Cr", "Ni", "Mo"):
            assert heat[f"{el.lower()}_pct"] == pytest.approx(aim[el], abs=5e-5), (heat, el)
    di = heats[heats["grade"] == "NM400"].groupby("gauge_class")["ideal_diameter_mm"].mean()
    thin, thick = sorted(di.index, key=lambda label: float(label.split("-")[0]))[:: len(di) - 1]
    assert di[thick] > 1.3 * di[thin]


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
