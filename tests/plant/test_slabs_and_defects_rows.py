"""slabs.csv and defects.csv hold what they name, on the hand plant: a slab's rolled mass
after the 0.8 % scale loss, its furnace and mill times, its mother plates; each found defect
names the inspection that found it. And plate thinner than EN 10160's 6 mm is not UT-tested."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
from disposition_support import plate
from plant_support import HandRun

from mill.model.stages.inspection import ut_step
from mill.quality.detection import UTSettings

SCALE_LOSS = 0.008  # plate_mill.scale_loss_pct default 0.8 %


def test_slab_rows_hold_their_rolling_record(hand_run: HandRun) -> None:
    """Rolled mass = cast mass × (1 − 0.8 %), and the difference is the slab's scale-loss
    edge in genealogy; reheating starts and ends with the furnace visit (blocking off: the
    mill starts on it then); rolled when the mill is done; mother plates as sheared."""
    slabs = hand_run.table("slabs").set_index("slab_id")
    ev = hand_run.table("events")
    furnace = ev[ev["unit"] == "reheat_furnace"].set_index("entity_id")
    mill = ev[ev["unit"] == "plate_mill"].set_index("entity_id")
    gen = hand_run.table("genealogy")
    assert ((slabs["rolled_mass_t"] - slabs["mass_t"] * (1 - SCALE_LOSS)).abs() < 1e-3).all()
    loss = gen[gen["relation"] == "loss"].set_index("parent_id")["mass_t"]
    assert ((loss.loc[slabs.index] - slabs["mass_t"] * SCALE_LOSS).abs() < 1e-3).all()
    idx = slabs.index
    assert ((slabs["reheat_start_min"] - furnace.loc[idx, "start_min"]).abs() < 1e-3).all()
    assert ((slabs["reheat_end_min"] - mill.loc[idx, "start_min"]).abs() < 1e-3).all()
    assert ((slabs["rolled_min"] - mill.loc[idx, "end_min"]).abs() < 1e-3).all()
    rolled = gen[gen["relation"] == "rolled"].groupby("parent_id").size()
    assert (slabs["mother_plates"] == rolled.loc[idx]).all()
    assert (slabs["reheat_temp_c"] == 1200.0).all() and (
        slabs["descale_pressure_bar"] == 200.0
    ).all()


def test_found_defects_name_the_inspection_that_found_them(hand_run: HandRun) -> None:
    """Internal defects are found by the manual UT re-check, surface defects and cut-edge
    cracks by the visual/MT inspection, flatness by the gauge; a UT false call is 'ut' when
    dismissed and 'manual_ut' when upheld. What nobody found is 'none' and 'missed' (or
    'scrapped' when it left with scrap)."""
    d = hand_run.table("defects")
    found = d[d["detected"]]
    by = {"inclusion_cluster": "manual_ut", "centre_porosity": "manual_ut",
          "hydrogen_flake": "manual_ut", "rolled_in_scale": "visual", "surface_crack": "visual",
          "quench_crack": "visual", "cut_edge_crack": "visual", "flatness": "flatness",
          }  # fmt: skip
    true_found = found[found["is_true"]]
    assert len(true_found) >= 2
    assert (true_found["detected_by"] == true_found["mechanism"].map(by)).all()
    assert {"manual_ut", "visual"} <= set(true_found["detected_by"])
    false = d[~d["is_true"]]
    assert ((false["detected_by"] == "manual_ut") == false["call"].isin(["accept", "reject"])).all()
    assert ((false["detected_by"] == "ut") == (false["call"] == "dismissed")).all()
    missed = d[d["is_true"] & ~d["detected"]]
    assert (missed["detected_by"] == "none").all()
    assert set(missed["call"]) <= {"missed", "scrapped", "removed"}


class _Unit:
    def __init__(self) -> None:
        self.visits: list[tuple[Any, ...]] = []

    def visit(self, *args: Any) -> Any:
        self.visits.append(args)
        return
        yield


def _ut(thickness: float) -> tuple[Any, _Unit]:
    unit = _Unit()
    plant = SimpleNamespace(
        ut=UTSettings(false_calls_per_m2=0.0),
        base_time=lambda name: 0.5,
        sc=SimpleNamespace(plant=SimpleNamespace(ut=SimpleNamespace(derived_time=False))),
        units={"ut": unit, "manual_ut": _Unit()},
    )
    p = plate(thickness=thickness)
    p.rng = np.random.default_rng(1)
    for _ in ut_step(plant, p):
        pass
    return p, unit


def test_plate_under_6_mm_is_not_ut_tested() -> None:
    """EN 10160 covers 6–200 mm: a 5.9 mm plate skips the UT (no visit, no classes, passed);
    a 6 mm plate is scanned as a plate visit of the inspection stage and, clean, meets S3/E4
    and A578 C."""
    thin, unit = _ut(5.9)
    assert unit.visits == []
    m = thin.measured
    assert (m.ut_body, m.ut_edge, m.ut_level, m.ut_pass) == ("", "", "", True)
    six, unit = _ut(6.0)
    assert unit.visits == [(six.plate_id, "plate", "inspection", 0.5)]
    m = six.measured
    assert (m.ut_body, m.ut_edge, m.ut_level) == ("S3", "E4", "C")
    assert m.ut_pass is True and m.scan == []


def test_test_rows_state_position_unit_spec_and_verdict(hand_run: HandRun) -> None:
    """tests.csv, on the hand plant's NM400/NM450 plates (≤ 80 mm): surface hardness 2 mm
    below the surface in HBW against the grade's window, passed inside it (limits included);
    centre hardness at mid-thickness against the centre minimum; Charpy at ¼ t, longitudinal
    KV2, in J at −40 °C against 24 J; flatness over the full plate in mm/m against 3 mm/m."""
    tests = hand_run.table("tests")
    plates = hand_run.table("plates").set_index("plate_id")
    g = hand_run.scenario.grades
    grade = tests["entity_id"].map(plates["grade_ordered"])
    expect = {
        "hardness_surface": ("surface -2 mm", "HBW"),
        "hardness_centre": ("mid-thickness", "HBW"),
        "charpy": ("1/4 t, longitudinal, KV2", "J"),
        "flatness": ("full plate", "mm/m"),
    }
    assert set(tests["kind"]) == set(expect)
    for kind, (position, unit) in expect.items():
        rows = tests[tests["kind"] == kind]
        assert (rows["position"] == position).all() and (rows["unit"] == unit).all(), kind
    hb = tests[tests["kind"] == "hardness_surface"]
    lo = grade[hb.index].map(lambda x: g[x].surface_hbw[0])
    hi = grade[hb.index].map(lambda x: g[x].surface_hbw[1])
    assert (hb["spec_low"] == lo).all() and (hb["spec_high"] == hi).all()
    assert (hb["pass"] == ((hb["value"] >= lo) & (hb["value"] <= hi))).all()
    hc = tests[tests["kind"] == "hardness_centre"]
    cmin = grade[hc.index].map(lambda x: g[x].centre_min_hbw)
    assert (hc["spec_low"] == cmin).all() and hc["spec_high"].isna().all()
    assert (hc["pass"] == (hc["value"] >= cmin)).all()
    kv = tests[tests["kind"] == "charpy"]
    assert (kv["temp_c"] == -40.0).all() and (kv["spec_low"] == 24.0).all()
    fl = tests[tests["kind"] == "flatness"]
    assert fl["spec_low"].isna().all() and (fl["spec_high"] == 3.0).all()
    assert (fl["pass"] == (fl["value"] <= 3.0)).all()
    assert (tests[tests["kind"] != "charpy"]["temp_c"]).isna().all()
