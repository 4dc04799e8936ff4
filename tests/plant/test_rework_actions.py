"""Each rework action of the disposition, as it happens in a run: the hand plant with one
product plate per mother plate and raised defect rates, so that every rework occurs in a
three-day run; NM450's window is set far below its hardness (380–400 HBW), so that every NM450
plate is too hard, whatever the temper model's calibration.

A reworked plate comes back for a new decision, so each action is followed by the
inspection that judges it again.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from plant_support import HandRun, run_hand, shared_scope

DENSITY_T_PER_MM3 = 7.85e-9
REWORK = [
    "run.horizon_days=3",
    "planning.max_products_per_mother=1",  # a mother's flatness defect stays on its plate
    "quality.defect_rates.flatness_prob=0.3",
    "quality.defect_rates.scale_rate_per_m2=0.03",
    "quality.defect_rates.inclusion_rate_per_m2=0.1",
    "quality.defect_rates.cluster_area_median_mm2=200",
    "quality.defect_rates.cut_crack_prob_ok=0.3",
    "quality.defect_rates.cut_crack_prob_no_preheat=0.3",
    "quality.visual.edge_crack_pod_before_48h=1.0",
    # a window far below NM450's hardness: every NM450 plate is too hard, whatever the
    # temper model's calibration
    "grades.NM450.surface_hbw=[380,400]",
    "grades.NM450.surface_hbw_thick=[380,400]",
    "grades.NM450.temper_temp_c=150",
]
TEMPER_BASE, TEMPER_PER_MM, LEVELLER, FINAL, LAB = 30.0, 2.0, 2.0, 3.0, 30.0
EDGE_RECUT_MM = 30.0
SPEED = {10.0: 6000.0, 20.0: 6000.0 * 0.5**1.1, 50.0: 425.0, 60.0: 370.0}


@pytest.fixture(scope=shared_scope("module"))
def rework_run(tmp_path_factory: pytest.TempPathFactory) -> HandRun:
    return run_hand(tmp_path_factory.mktemp("rework"), REWORK)


def _rework(run: HandRun, unit: str) -> pd.DataFrame:
    ev = run.table("events")
    out = ev[(ev["stage"] == "rework") & (ev["unit"] == unit)].copy()
    out["minutes"] = out["end_min"] - out["start_min"]
    return out


def _base_id(plate_id: str) -> str:
    return plate_id.split("R")[0]


def test_the_rework_run_is_sound(rework_run: HandRun) -> None:
    """Every invariant holds with all the rework going on."""
    assert rework_run.result.invariants["ok"]


def test_retemper_soaks_the_plate_again_25_c_higher(rework_run: HandRun) -> None:
    """A too-hard plate goes back into the tempering furnace for the soak of its thickness
    (30 min + 2 min/mm) at the set point + 25 °C, then through the leveller and the lab, and
    is judged on its new hardness: plates.csv shows one re-temper, the new temperature and
    both soaks."""
    plates = rework_run.table("plates").set_index("plate_id")
    re = plates[plates["retempers"] > 0]
    assert len(re) >= 3 and set(re["grade_ordered"]) == {"NM450"}
    soak = TEMPER_BASE + TEMPER_PER_MM * re["thickness_mm"]
    furnace = _rework(rework_run, "tempering_furnace").set_index("entity_id")
    assert (furnace.loc[re.index, "minutes"] - soak).abs().max() < 1e-3
    assert (re["temper_temp_c"] == 175.0).all()
    assert (re["temper_min"] - 2 * soak).abs().max() < 1e-3
    level = _rework(rework_run, "leveller").set_index("entity_id")
    after = level.loc[re.index]
    assert (after["start_min"] == furnace.loc[re.index, "end_min"]).all()
    tests = rework_run.table("tests")
    retest = tests[tests["lot_id"].str.endswith("-RT")]
    assert set(retest["entity_id"]) == set(re.index)
    assert set(retest["kind"]) >= {"hardness_surface", "charpy"}
    hb_rows = retest[retest["kind"] == "hardness_surface"]
    assert hb_rows["retest"].eq(True).all()
    hb = hb_rows.groupby("entity_id")["value"].last()
    assert (hb - re.loc[hb.index, "hardness_meas_hbw"]).abs().max() <= 0.051  # 0.1 HBW cells
    # the plate is its own hardness test plate now, centre included (60 mm plates)
    assert (re["hardness_test_plate"] == re.index).all()
    # and its own Charpy test plate, with the mean of its own sets
    assert (re["charpy_test_plate"] == re.index).all()
    kv = retest[retest["kind"] == "charpy"].groupby("entity_id")["value"].mean()
    assert (kv - re.loc[kv.index, "charpy_meas_avg_j"]).abs().max() <= 0.051
    # one furnace visit per re-temper, and the plate is judged again (never scrapped for it)
    visits = furnace.groupby(level=0).size()
    assert (visits.loc[re.index] == re["retempers"]).all()
    assert set(re["disposition"]) <= {"prime", "downgraded"}
    centre = retest[retest["kind"] == "hardness_centre"].groupby("entity_id")["value"].last()
    assert len(centre) >= 1
    assert (centre - re.loc[centre.index, "hardness_centre_meas_hbw"]).abs().max() <= 0.051


def test_rework_visits_are_plate_visits(rework_run: HandRun) -> None:
    """Every rework row in events.csv is a product plate's visit."""
    ev = rework_run.table("events")
    rework = ev[ev["stage"] == "rework"]
    assert len(rework) >= 10 and (rework["entity_kind"] == "plate").all()


def test_a_successful_relevel_removes_the_flatness_defect(rework_run: HandRun) -> None:
    """A re-levelling that works takes the flatness defect off the plate (recorded as
    removed), its next reading is within 3 mm/m, and the plate is released prime."""
    plates = rework_run.table("plates").set_index("plate_id")
    defects = rework_run.table("defects")
    cured = defects[(defects["mechanism"] == "flatness") & (defects["call"] == "removed")]
    assert len(cured) >= 1
    assert set(cured["entity_id"]) <= set(plates.index[plates["relevels"] > 0])
    flat = rework_run.table("tests")
    flat = flat[flat["kind"] == "flatness"]
    for pid in cured["entity_id"]:
        assert flat[flat["entity_id"] == pid].sort_values("time_min")["value"].iloc[-1] <= 3.0
        assert plates.loc[pid, "disposition"] == "prime"
        assert not (defects[(defects["entity_id"] == pid) & (defects["call"] != "removed")]
                    ["mechanism"] == "flatness").any()  # fmt: skip


def test_relevel_runs_the_plate_through_the_leveller_and_measures_it_again(
    rework_run: HandRun,
) -> None:
    """A plate out of flatness is levelled (2 min) and gauged again at final inspection
    (3 min) once per re-levelling; its first reading failed the 3 mm/m tolerance, and the
    flatness readings after a re-levelling are marked as retests."""
    plates = rework_run.table("plates").set_index("plate_id")
    relevelled = plates[plates["relevels"] > 0]
    assert len(relevelled) >= 2
    level = _rework(rework_run, "leveller")
    final = _rework(rework_run, "final_inspection")
    tests = rework_run.table("tests")
    flat = tests[tests["kind"] == "flatness"]
    for pid, n in relevelled["relevels"].items():
        mine = level[(level["entity_id"] == pid)]
        assert len(mine) == n and (mine["minutes"] == LEVELLER).all()
        gauged = final[(final["entity_id"] == pid) & (final["minutes"] == FINAL)]
        assert len(gauged) == n
        assert (gauged["start_min"].to_numpy() >= mine["end_min"].to_numpy()).all()
        readings = flat[flat["entity_id"] == pid].sort_values("time_min")
        assert readings["value"].iloc[0] > 3.0 and not readings["retest"].iloc[0]
        after = readings[readings["time_min"] > mine["end_min"].min()]
        assert len(after) >= n and after["retest"].all()


def test_grinding_takes_longer_the_more_defects_are_ground(rework_run: HandRun) -> None:
    """A plate with surface defects found is ground at final inspection for 3 min ×
    (1 + 2 × the defects found), and what grinding removed is recorded as removed."""
    final = _rework(rework_run, "final_inspection")
    plates = rework_run.table("plates").set_index("plate_id")
    not_relevel_gauge = final[~final["entity_id"].isin(plates.index[plates["relevels"] > 0])
                              | (final["minutes"] != FINAL)]  # fmt: skip
    ground = not_relevel_gauge[not_relevel_gauge["minutes"] > FINAL]
    assert len(ground) >= 1
    found = (ground["minutes"] / FINAL - 1) / 2
    assert ((found == found.round()) & (found >= 1)).all()
    defects = rework_run.table("defects")
    removed = defects[defects["call"] == "removed"]
    surface = removed[removed["mechanism"].isin(["rolled_in_scale", "surface_crack"])]
    assert len(surface) >= 1
    assert set(surface["entity_id"].map(_base_id)) <= set(ground["entity_id"].map(_base_id))


def test_cut_out_and_re_size_keeps_a_sound_part_under_a_new_id(rework_run: HandRun) -> None:
    """A plate with a cut-edge crack is re-squared 30 mm inside every edge; a UT reject
    keeps the full width and the longest clear length (at least 40 % of it). The kept part
    gets the id + R1, a recut edge of its own mass (t·w·l·ρ), the cut (perimeter ÷ speed) on
    its cutting table, a new UT scan and a new flatness reading."""
    plates = rework_run.table("plates").set_index("plate_id")
    genealogy = rework_run.table("genealogy")
    recut = genealogy[genealogy["relation"] == "recut"].set_index("child_id")
    resized = plates[plates.index.str.endswith("R1")]
    assert len(resized) >= 3
    ev = rework_run.table("events")
    tests = rework_run.table("tests")
    order_size = {("NM400", 10.0): (1500, 4000), ("NM400", 20.0): (1500, 4000),
                  ("NM400", 50.0): (1500, 4000), ("NM450", 20.0): (2000, 3000),
                  ("NM450", 60.0): (1500, 4000)}  # fmt: skip
    kinds = set()
    for pid, row in resized.iterrows():
        w0, l0 = order_size[(row["grade_ordered"], row["thickness_mm"])]
        w, ln, t = row["width_mm"], row["length_mm"], row["thickness_mm"]
        if (w, ln) == (w0 - 2 * EDGE_RECUT_MM, l0 - 2 * EDGE_RECUT_MM):
            kinds.add("edge")
        else:
            assert w == w0 and 0.4 * l0 <= ln < l0
            kinds.add("ut")
        assert recut.loc[pid, "parent_id"] == _base_id(pid)
        assert recut.loc[pid, "mass_t"] == pytest.approx(t * w * ln * DENSITY_T_PER_MM3, abs=1e-4)
        cut = ev[(ev["entity_id"] == _base_id(pid)) & (ev["stage"] == "rework")
                 & ev["unit"].isin(["plasma", "oxyfuel"])]  # fmt: skip
        assert len(cut) == 1
        minutes = cut["end_min"].iloc[0] - cut["start_min"].iloc[0]
        assert minutes == pytest.approx(2 * (w + ln) / SPEED[t], abs=2e-3)
        again = ev[(ev["entity_id"] == pid)]
        assert "ut" in set(again["unit"])
        assert ((tests["entity_id"] == pid) & (tests["kind"] == "flatness")).any()
    assert kinds == {"edge", "ut"}


def test_resized_plates_leave_downgraded_in_their_own_grade(rework_run: HandRun) -> None:
    """A re-sized plate with nothing else wrong no longer has its ordered size: downgraded,
    reason RESIZED, sold in its ordered grade."""
    plates = rework_run.table("plates")
    resized = plates[plates["reason"] == "RESIZED"]
    assert len(resized) >= 1
    assert resized["plate_id"].str.contains("R").all()
    assert (resized["disposition"] == "downgraded").all()
    assert (resized["grade_released"] == resized["grade_ordered"]).all()


def test_rework_switched_off_leaves_no_rework_visits(tmp_path: Path) -> None:
    """With ``quality.disposition.rework = false`` no plate is re-tempered, re-levelled,
    ground or re-sized: every rule goes to its fallback, and events.csv has no rework."""
    run = run_hand(tmp_path, [*REWORK, "quality.disposition.rework=false"])
    ev = run.table("events")
    assert not (ev["stage"] == "rework").any()
    plates = run.table("plates")
    assert (plates[["retempers", "relevels"]] == 0).all().all()
    assert not plates["plate_id"].str.contains("R").any()
    assert set(plates["reason"].dropna()) >= {"HB-HIGH-RETEMPER"}


TWICE = [
    *REWORK,
    "quality.testing.retest=false",
    'quality.disposition.rules=[{condition = "hardness_high", action = "retemper", '
    'reason = "HB-HIGH-RETEMPER", max_times = 2, fallback = "downgrade"}]',
]


def test_a_plate_can_be_re_tempered_twice_and_then_tests_itself(tmp_path: Path) -> None:
    """With two re-tempers allowed and no lot retests, a lot's plates carry the failed lot
    result until re-tempered; then each is its own hardness test plate. A plate still too
    hard is re-tempered again: two furnace visits, three soaks in its temper time."""
    run = run_hand(tmp_path, TWICE)
    plates = run.table("plates").set_index("plate_id")
    re = plates[plates["retempers"] > 0]
    assert (re["hardness_test_plate"] == re.index.map(_base_id)).all()
    twice = re[re["retempers"] == 2]
    assert len(twice) >= 1
    soak = TEMPER_BASE + TEMPER_PER_MM * twice["thickness_mm"]
    assert (twice["temper_min"] - 3 * soak).abs().max() < 1e-3
    furnace = _rework(run, "tempering_furnace").groupby("entity_id").size()
    assert (furnace.loc[twice.index] == 2).all()


def test_a_cut_out_goes_to_scrap_under_the_old_id(rework_run: HandRun) -> None:
    """Re-sizing a plate writes two edges from its old id: ``recut`` to the kept part and
    ``scrap`` to the cut-out (old id + "-X"), which weighs the old plate's mass less the kept
    part's (genealogy.csv's masses, 4 decimals)."""
    g = rework_run.table("genealogy")
    recuts = g[g["relation"] == "recut"]
    assert len(recuts) >= 3
    made = g[g["relation"].isin(["cut", "recut"])].set_index("child_id")["mass_t"]
    by_child = g.set_index("child_id")
    for _, edge in recuts.iterrows():
        old = edge["parent_id"]
        cut_out = by_child.loc[f"{old}-X"]
        assert cut_out["parent_id"] == old
        assert cut_out["relation"] == "scrap"
        assert cut_out["mass_t"] == pytest.approx(made[old] - edge["mass_t"], abs=2e-4)


def test_each_defect_is_counted_under_the_stage_that_found_it(rework_run: HandRun) -> None:
    """summary.json's defect counts are defects.csv's true defects: by mechanism (true and
    detected) and by detection stage, where a defect's stage is the inspection that detected
    it, "scrap" for one that went unseen into scrap (crop, skeleton), and "none" for one on a
    plate that no inspection found, whether the plate left the mill or the defect was
    repaired or cut away. Every defect of this run is counted: the warm-up ends before the
    first slab is rolled."""
    g = rework_run.table("genealogy")
    assert g.loc[g["relation"] == "rolled", "time_min"].min() >= 1440.0 * 0.1
    d = rework_run.table("defects")
    d = d[d["is_true"]]
    stage = d["detected_by"].where(d["detected"], d["zone"].where(d["zone"] == "scrap", "none"))
    s = rework_run.result.summary["defects"]
    assert s["by_detection_stage"] == stage.value_counts().to_dict()
    assert {"scrap", "none"} <= set(stage) and len(set(stage)) >= 4
    found = d[d["detected"]]
    for mech, n in s["by_mechanism"].items():
        assert n["true"] == (d["mechanism"] == mech).sum(), mech
        assert n["detected"] == (found["mechanism"] == mech).sum(), mech
    cross = (d["origin_stage"] + "->" + stage).value_counts().to_dict()
    assert s["origin_vs_detection"] == cross
