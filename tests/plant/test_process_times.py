"""Each process-time formula of the README's unit table, checked on the hand plant (every
time a constant, no breakdowns, no blocking) against the value worked out by hand.

With blocking off, a piece leaves a unit the moment its work ends, so the events.csv row of
a visit lasts exactly the process time the formula gives.
"""

from __future__ import annotations

import pandas as pd
import pytest
from plant_support import HandRun

from mill.model.stages.cutting import cutting_speed_mm_per_min
from mill.model.stages.rolling import pass_count

DENSITY_T_PER_MM3 = 7.85e-9  # 7.85 t/m³, written out here rather than imported

# hand-plant constants (plant_support.HAND_TOML)
SLAB_MM = 200.0
REDUCTION = 0.4
PASS_S, REVERSAL_S, MILL_BASE = 6.0, 3.0, 1.0
REHEAT_BASE, REHEAT_PER_MM, HOT_FACTOR, HOT_WITHIN_MIN = 10.0, 0.5, 0.6, 30.0
CASTER_BASE, SPEED_M_PER_MIN, STRANDS, TURNAROUND = 5.0, 1.0, 2, 60.0
AUST_BASE, AUST_PER_MM = 20.0, 1.8
TEMPER_BASE, TEMPER_PER_MM = 30.0, 2.0
HANDLING, PIERCE_S = 5.0, 6.0
UT_BASE, UT_HANDLING, SCAN_M_PER_S, RASTER_MM = 0.5, 1.0, 0.5, 500.0

# passes by hand: the smallest n with 0.6ⁿ ≤ h₁/h₀ (0.6⁶ = 0.047 ≤ 0.05 < 0.6⁵ = 0.078, ...)
PASSES_BY_PLATE_MM = {10.0: 6, 20.0: 5, 50.0: 3, 60.0: 3}
# cutting speed by hand: plasma 6000·(10/t)^1.1 up to 40 mm, oxy-fuel 700 − 5.5·t above
SPEED_BY_PLATE_MM = {10.0: 6000.0, 20.0: 6000.0 * 0.5**1.1, 50.0: 425.0, 60.0: 370.0}


def _visits(run: HandRun, unit: str) -> pd.DataFrame:
    ev = run.table("events")
    out = ev[ev["unit"] == unit].copy()
    out["minutes"] = out["end_min"] - out["start_min"]
    return out


def _slab_plate_mm(run: HandRun) -> pd.Series:
    plates = run.table("plates")
    per_slab = plates.groupby("slab_id")["thickness_mm"]
    assert (per_slab.nunique() == 1).all()
    return per_slab.first()


@pytest.mark.parametrize(
    ("h0", "h1", "r", "expected"),
    [
        (200.0, 10.0, 0.4, 6),
        (200.0, 20.0, 0.4, 5),
        (200.0, 50.0, 0.4, 3),
        (250.0, 25.0, 0.14, 16),  # 0.86¹⁵ = 0.104 > 0.1 ≥ 0.86¹⁶ = 0.090
        (100.0, 99.0, 0.1, 1),
        (100.0, 100.0, 0.1, 1),  # nothing to reduce: one pass
        (100.0, 150.0, 0.1, 1),
    ],
)
def test_pass_count_is_the_fewest_passes_that_reach_the_plate(
    h0: float, h1: float, r: float, expected: int
) -> None:
    """passes = ⌈ln(h₀/h₁)/−ln(1−r)⌉: the fewest passes at reduction r that bring h₀ down to h₁
    (and one pass when there is nothing to reduce)."""
    assert pass_count(h0, h1, r) == expected


def test_every_slab_gets_its_hand_worked_pass_count(hand_run: HandRun) -> None:
    """slabs.csv's passes are the pass schedule's count for the slab's plate thickness."""
    slabs = hand_run.table("slabs").set_index("slab_id")
    plate_mm = _slab_plate_mm(hand_run)
    assert set(plate_mm) == set(PASSES_BY_PLATE_MM)
    expected = plate_mm.map(PASSES_BY_PLATE_MM)
    assert (slabs.loc[expected.index, "passes"] == expected).all()


def test_plate_mill_time_is_the_pass_schedule(hand_run: HandRun) -> None:
    """The mill takes its base time plus every pass and every reversal between passes:
    1 min + (n·6 s + (n − 1)·3 s)/60."""
    mill = _visits(hand_run, "plate_mill").set_index("entity_id")
    n = _slab_plate_mm(hand_run).map(PASSES_BY_PLATE_MM)
    expected = MILL_BASE + (n * PASS_S + (n - 1) * REVERSAL_S) / 60.0
    assert len(mill) == len(n)
    assert (mill.loc[n.index, "minutes"] - expected).abs().max() < 1e-3


def test_reheat_residence_is_per_mm_of_slab_and_shorter_for_hot_charge(
    hand_run: HandRun,
) -> None:
    """Residence = 10 min + 0.5 min/mm × 200 mm: 110 min cold, ×0.6 on the per-mm part
    (70 min) for a slab charged within 30 min of casting; both kinds occur."""
    slabs = hand_run.table("slabs").set_index("slab_id")
    furnace = _visits(hand_run, "reheat_furnace").set_index("entity_id")
    waited = slabs["reheat_start_min"] - slabs["cast_min"]
    hot = waited <= HOT_WITHIN_MIN + 1e-6
    assert (slabs["charge"] == hot.map({True: "hot", False: "cold"})).all()
    assert hot.any() and not hot.all()
    expected = REHEAT_BASE + REHEAT_PER_MM * SLAB_MM * hot.map({True: HOT_FACTOR, False: 1.0})
    assert set(expected.round(6)) == {70.0, 110.0}
    assert (furnace.loc[slabs.index, "minutes"] - expected).abs().max() < 1e-3


def test_caster_time_is_heat_length_over_speed_and_strands(hand_run: HandRun) -> None:
    """A heat occupies the caster for 5 min + Σ slab length / (speed × strands) (the heat's
    tonnes over t·w·v·ρ·strands); the last heat of a sequence holds it 60 min longer for the
    tundish turnaround, and the last slab leaves the strand when casting ends."""
    heats = hand_run.table("heats").set_index("heat_id")
    slabs = hand_run.table("slabs")
    # tonnes ÷ (t·w·v·ρ·strands), from each slab's own size and mass
    rate = slabs["thickness_mm"] * slabs["width_mm"] * SPEED_M_PER_MIN * 1000.0 * DENSITY_T_PER_MM3
    minutes = (slabs["mass_t"] / (rate * STRANDS)).groupby(slabs["heat_id"]).sum() + CASTER_BASE
    by_length = (slabs["length_mm"] / 1000.0 / (SPEED_M_PER_MIN * STRANDS)).groupby(
        slabs["heat_id"]
    ).sum() + CASTER_BASE
    assert (minutes - by_length).abs().max() < 1e-3
    cast = heats["cast_end_min"] - heats["cast_start_min"]
    assert (cast.loc[minutes.index] - minutes).abs().max() < 2e-3
    caster = _visits(hand_run, "caster").set_index("entity_id")
    last = heats["seq_heat_index"] == heats["seq_heats"]
    assert last.any() and not last.all()
    held = minutes + last.loc[minutes.index].map({True: TURNAROUND, False: 0.0})
    assert (caster.loc[held.index, "minutes"] - held).abs().max() < 2e-3
    last_slab = slabs.groupby("heat_id")["cast_min"].max()
    assert (last_slab - heats.loc[last_slab.index, "cast_end_min"]).abs().max() < 2e-3


def test_austenitising_and_temper_soak_are_per_mm_of_plate(hand_run: HandRun) -> None:
    """Austenitising 20 min + 1.8 min/mm and tempering soak 30 min + 2 min/mm of the mother
    plate's thickness, in events.csv and in plates.csv's aust_min and temper_min."""
    plates = hand_run.table("plates")
    mother_mm = plates.groupby("mother_id")["thickness_mm"].first()
    aust = _visits(hand_run, "austenitising_furnace").set_index("entity_id")
    temper = _visits(hand_run, "tempering_furnace").set_index("entity_id")
    exp_aust = AUST_BASE + AUST_PER_MM * mother_mm
    exp_temper = TEMPER_BASE + TEMPER_PER_MM * mother_mm
    assert (aust.loc[mother_mm.index, "minutes"] - exp_aust).abs().max() < 1e-3
    assert (temper.loc[mother_mm.index, "minutes"] - exp_temper).abs().max() < 1e-3
    assert (
        plates["aust_min"] - (AUST_BASE + AUST_PER_MM * plates["thickness_mm"])
    ).abs().max() < 1e-3
    assert (
        plates["temper_min"] - (TEMPER_BASE + TEMPER_PER_MM * plates["thickness_mm"])
    ).abs().max() < 1e-3


@pytest.mark.parametrize(
    ("method", "t", "speed"),
    [
        ("plasma", 10.0, 6000.0),
        ("plasma", 5.0, 6000.0),  # capped at 6000 mm/min
        ("plasma", 20.0, 6000.0 * 0.5**1.1),
        ("plasma", 80.0, 1200.0),  # floored at 1200 mm/min
        ("oxyfuel", 40.0, 480.0),
        ("oxyfuel", 100.0, 150.0),
        ("oxyfuel", 150.0, 150.0),  # floored at 150 mm/min
    ],
)
def test_cutting_speed_by_method_and_thickness(method: str, t: float, speed: float) -> None:
    """Plasma 6000·(10/t)^1.1 mm/min within 1200–6000; oxy-fuel 700 − 5.5·t, at least 150."""
    assert cutting_speed_mm_per_min(method, t) == pytest.approx(speed, rel=1e-12)


def _mother_size(order: pd.Series, pieces: int, mass_t: float) -> tuple[float, float]:
    """The mother plate's width and length: the pieces side by side across the width or one
    behind the other along the length, 4 mm kerf between them and 15 mm edge allowance on
    every side; the layout is the one whose mass matches the mother's mass in genealogy."""
    w, ln, t = order["width_mm"], order["length_mm"], order["thickness_mm"]
    layouts = {
        (pieces * w + (pieces - 1) * 4.0 + 30.0, ln + 30.0),
        (w + 30.0, pieces * ln + (pieces - 1) * 4.0 + 30.0),
    }
    # genealogy masses are written to 0.1 kg
    fits = [(mw, ml) for mw, ml in layouts if abs(t * mw * ml * DENSITY_T_PER_MM3 - mass_t) < 1e-4]
    assert len(fits) == 1, (order["order_id"], pieces, mass_t)
    return fits[0]


def test_cutting_time_is_cut_length_over_speed_plus_pierces(hand_run: HandRun) -> None:
    """A mother plate is on its table for 5 min handling + guillotine cut length ÷ speed +
    one 6 s pierce per product plate; the cut length is half of every piece's perimeter plus
    half the mother's (inner edges are shared). Plates up to 40 mm go to plasma, thicker to
    oxy-fuel; mothers with two pieces and with one both occur."""
    plates = hand_run.table("plates")
    genealogy = hand_run.table("genealogy")
    rolled = genealogy[genealogy["relation"] == "rolled"].set_index("child_id")["mass_t"]
    ev = hand_run.table("events")
    cut = ev[ev["stage"] == "cutting"].set_index("entity_id")
    counts = set()
    for mother_id, group in plates.groupby("mother_id"):
        order = group.iloc[0]
        pieces = len(group)
        counts.add(pieces)
        t = order["thickness_mm"]
        mw, ml = _mother_size(order, pieces, rolled[mother_id])
        cut_len = pieces * (order["width_mm"] + order["length_mm"]) + (mw + ml)
        expected = HANDLING + cut_len / SPEED_BY_PLATE_MM[t] + pieces * PIERCE_S / 60.0
        row = cut.loc[mother_id]
        assert row["unit"] == ("plasma" if t <= 40.0 else "oxyfuel")
        assert (group["cutting_method"] == row["unit"]).all()
        assert row["end_min"] - row["start_min"] == pytest.approx(expected, abs=2e-3), mother_id
    assert counts == {1, 2}


def test_ut_time_is_raster_tracks_over_the_plate_length(hand_run: HandRun) -> None:
    """Automated UT takes 0.5 min + 1 min handling + ⌈width / 500 mm⌉ tracks × length ÷
    0.5 m/s: 3 tracks for a 1500 mm plate, 4 for a 2000 mm one."""
    plates = hand_run.table("plates").set_index("plate_id")
    ut = _visits(hand_run, "ut").set_index("entity_id")
    tracks = plates["width_mm"].map({1500.0: 3, 2000.0: 4})
    assert tracks.notna().all()
    expected = UT_BASE + UT_HANDLING + tracks * plates["length_mm"] / 1000.0 / SCAN_M_PER_S / 60.0
    assert (ut.loc[plates.index, "minutes"] - expected).abs().max() < 1e-3


@pytest.mark.parametrize(
    ("unit", "minutes"),
    [
        ("converter", 40.0),
        ("ladle_furnace", 30.0),
        ("degasser", 20.0),
        ("hot_leveller", 2.0),
        ("cooling_bed", 30.0),
        ("shear_line", 2.0),
        ("quench", 1.0),
        ("leveller", 2.0),
        ("lab", 30.0),
        ("final_inspection", 3.0),
    ],
)
def test_units_without_a_derived_time_take_their_time_min(
    hand_run: HandRun, unit: str, minutes: float
) -> None:
    """A unit whose time has no physics (or has it switched off) takes its time_min on a
    plate's way through (rework visits are timed by their own rules)."""
    visits = _visits(hand_run, unit)
    visits = visits[visits["stage"] != "rework"]
    assert len(visits) > 0
    assert (visits["minutes"] - minutes).abs().max() < 1e-3
