"""Every column of plates.csv holds the value it names, on the hand plant (constant process
figures, orders from a small CSV): each column is derived here from the orders, the scenario's
constants, the other tables of the run or the published model it names, and compared.
``test_every_plates_column_is_checked`` fails when a column has no check here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from plant_support import HAND_ORDERS, HandRun, run_hand, shared_scope

from mill.model.metallurgy import Metallurgy
from mill.quality.cutting import required_preheat_c
from mill.quality.hardenability import martensite_fraction
from mill.quality.quench import cooling_rate_c_per_s, grossmann_severity_per_in
from mill.quality.toughness import transition_temperature_c
from mill.trace.schema import TABLES

DENSITY_T_PER_MM3 = 7.85e-9
Frame = pd.DataFrame


class Ctx:
    """The run's tables, indexed for lookups, the orders as written in the CSV, and each
    plate's last Charpy transition curve with its test temperature."""

    def __init__(self, run: HandRun, curves: dict[str, tuple[Any, float]]) -> None:
        self.run = run
        self.curves = curves
        self.p = run.table("plates").set_index("plate_id", drop=False)
        self.heats = run.table("heats").set_index("heat_id")
        self.slabs = run.table("slabs").set_index("slab_id")
        self.events = run.table("events")
        self.tests = run.table("tests")
        self.defects = run.table("defects")
        self.genealogy = run.table("genealogy")
        lines = HAND_ORDERS.strip().splitlines()
        rows = [dict(zip(lines[0].split(","), ln.split(","), strict=True)) for ln in lines[1:]]
        self.orders = pd.DataFrame(rows).set_index("order_id")
        self.order = self.orders.loc[self.p["order_id"]].set_index(self.p.index)

    def order_num(self, col: str) -> pd.Series:
        return self.order[col].astype(float)

    def parent(self, relation: str) -> pd.Series:
        g = self.genealogy[self.genealogy["relation"] == relation]
        return g.set_index("child_id")["parent_id"]


def _eq(a: pd.Series, b: pd.Series | object, tol: float = 0.0) -> None:
    if isinstance(a.dtype, np.dtype) and a.dtype.kind == "f":
        diff = (a - b).abs()
        assert (diff <= tol + 1e-12).all(), diff[diff > tol].head()
    else:
        assert (a == b).all(), a[a != b].head()


def _lineage(c: Ctx) -> None:
    mother = c.parent("cut")
    slab = c.parent("rolled")
    heat = c.parent("cast")
    _eq(c.p["mother_id"], mother.loc[c.p.index].to_numpy())
    _eq(c.p["slab_id"], slab.loc[c.p["mother_id"]].to_numpy())
    _eq(c.p["heat_id"], heat.loc[c.p["slab_id"]].to_numpy())


def _order_columns(c: Ctx) -> None:
    _eq(c.p["grade_ordered"], c.order["grade"])
    _eq(c.p["ut_class_ordered"], c.order["ut_class"])
    _eq(c.p["order_arrival_min"], c.order_num("arrival_day") * 1440.0, 1e-3)
    _eq(c.p["due_min"], c.order_num("due_day") * 1440.0, 1e-3)
    # the hand plant's orders CSV has no customer columns: those cells stay empty
    for col in ("customer", "customer_po", "customer_item"):
        assert col not in c.orders.columns
        assert c.p[col].isna().all() or (c.p[col].fillna("") == "").all()


def _grade_released(c: Ctx) -> None:
    """Prime: its own grade, no reason; downgraded: a reason and a grade; scrap: a reason
    and no grade. The hand plant makes mostly prime."""
    prime = c.p["disposition"] == "prime"
    assert prime.mean() > 0.8 and set(c.p["disposition"]) <= {"prime", "downgraded", "scrap"}
    _eq(c.p.loc[prime, "grade_released"], c.p.loc[prime, "grade_ordered"])
    assert c.p.loc[prime, "reason"].isna().all() and c.p.loc[~prime, "reason"].notna().all()
    scrap = c.p["disposition"] == "scrap"
    assert c.p.loc[scrap, "grade_released"].isna().all()
    assert c.p.loc[~scrap, "grade_released"].notna().all()


def _sequence(c: Ctx) -> None:
    _eq(c.p["sequence_id"], c.heats.loc[c.p["heat_id"], "sequence_id"].to_numpy())
    _eq(c.p["seq_position"], c.slabs.loc[c.p["slab_id"], "seq_position"].to_numpy())
    _eq(c.p["charge"], c.slabs.loc[c.p["slab_id"], "charge"].to_numpy())
    _eq(c.p["cast_min"], c.slabs.loc[c.p["slab_id"], "cast_min"].to_numpy())


def _ht_batch(c: Ctx) -> None:
    """The tempering shift the mother plate entered the furnace in: A 06–14, B 14–22,
    C 22–06 (a C shift after midnight belongs to the day it started)."""
    ev = c.events[c.events["unit"] == "tempering_furnace"].set_index("entity_id")
    start = c.run.scenario.run.start
    expected = []
    for mother in c.p["mother_id"]:
        when = start + dt.timedelta(minutes=float(ev.loc[mother, "start_min"]))
        shift, day = ("A", when.date()) if 6 <= when.hour < 14 else ("B", when.date())
        if not 6 <= when.hour < 22:
            shift, day = "C", (when - dt.timedelta(hours=6)).date()
        expected.append(f"HT{day:%Y%m%d}{shift}")
    _eq(c.p["ht_batch_id"], pd.Series(expected, index=c.p.index))


def _size(c: Ctx) -> None:
    for col in ("thickness_mm", "width_mm", "length_mm"):
        _eq(c.p[col], c.order_num(col))
    mass = c.p["thickness_mm"] * c.p["width_mm"] * c.p["length_mm"] * DENSITY_T_PER_MM3
    _eq(c.p["mass_t"], mass, 1e-4)


def _constants(c: Ctx) -> None:
    """Scenario constants of the hand plant, and the formulas of its process times."""
    t = c.p["thickness_mm"]
    _eq(c.p["reheat_temp_c"], 1200.0)
    _eq(c.p["rolling_reduction_ratio"], 200.0 / t, 0.0051)  # written to 0.01
    _eq(c.p["aust_temp_c"], 900.0)
    _eq(c.p["aust_min"], 20.0 + 1.8 * t, 1e-3)
    _eq(c.p["quench_htc_w_m2k"], 9000.0)
    _eq(c.p["quench_uniformity"], 1.0)
    # a re-tempered plate: 25 °C above the set point, one more soak per re-temper
    n = c.p["retempers"]
    set_point = c.p["grade_ordered"].map({"NM400": 220.0, "NM450": 205.0})
    _eq(c.p["temper_temp_c"], set_point + 25.0 * (n > 0))
    _eq(c.p["temper_min"], (1 + n) * (30.0 + 2.0 * t), 1e-3)
    rework = c.events[c.events["stage"] == "rework"]
    visits = rework.groupby(["unit", "entity_id"]).size()
    furnace = visits.get("tempering_furnace", pd.Series(dtype=int)).reindex(c.p.index).fillna(0)
    leveller = visits.get("leveller", pd.Series(dtype=int)).reindex(c.p.index).fillna(0)
    _eq(c.p["retempers"], furnace)
    _eq(c.p["relevels"], leveller - furnace)  # a re-temper passes the leveller too
    _eq(c.p["charpy_test_temp_c"], -40.0)


def _cooling(c: Ctx) -> None:
    """Cooling rates at 700 °C, 2 mm below the surface and at mid-thickness (plane wall)."""
    for col, depth in (("cooling_surface_c_per_s", None), ("cooling_centre_c_per_s", 0.5)):
        exp = [
            float(cooling_rate_c_per_s(t, depth or min(0.5, 2.0 / t), 9000.0))
            for t in c.p["thickness_mm"]
        ]
        _eq(c.p[col], pd.Series(exp, index=c.p.index), 0.0051)


def _martensite(c: Ctx) -> None:
    h = grossmann_severity_per_in(9000.0)
    di = c.heats.loc[c.p["heat_id"], "ideal_diameter_mm"].to_numpy()
    exp = [
        float(martensite_fraction(d, t, 0.5, h))
        for d, t in zip(di, c.p["thickness_mm"], strict=True)
    ]
    _eq(c.p["martensite_centre_frac"], pd.Series(exp, index=c.p.index), 2e-3)


def _cutting(c: Ctx) -> None:
    t = c.p["thickness_mm"]
    _eq(c.p["cutting_method"], np.where(t <= 40.0, "plasma", "oxyfuel"))
    req = [required_preheat_c(g, x) for g, x in zip(c.p["grade_ordered"], t, strict=True)]
    _eq(c.p["preheat_required_c"], pd.Series(req, index=c.p.index))
    given = c.p["preheat_c"]
    assert ((given == 0) | (given == c.p["preheat_required_c"])).all()
    assert (given[t <= 40.0] == 0).all()
    cut = c.events[c.events["stage"] == "cutting"].set_index("entity_id")
    _eq(c.p["cut_min"], cut.loc[c.p["mother_id"], "end_min"].to_numpy(), 1e-3)


def _hardness(c: Ctx) -> None:
    """True hardness is the true value beside the plate's own tests; the measured value is
    its lot's test result, taken on the test plate it names."""
    tests = c.tests[c.tests["lot_id"].str.contains("-H")]
    for kind, true_col, meas_col in (
        ("hardness_surface", "hardness_true_hbw", "hardness_meas_hbw"),
        ("hardness_centre", "hardness_centre_true_hbw", "hardness_centre_meas_hbw"),
    ):
        rows = tests[tests["kind"] == kind].groupby("entity_id").last()
        own = c.p.index.intersection(rows.index)
        assert len(own) >= 2
        _eq(c.p.loc[own, true_col], rows.loc[own, "true_value"], 0.051)
        ref = c.p["hardness_test_plate"]
        has = ref.isin(rows.index)
        _eq(c.p.loc[has, meas_col], rows.loc[ref[has], "value"].to_numpy(), 0.051)
        if kind == "hardness_centre":
            thick = c.p["thickness_mm"] >= 40.0  # only thick plate has a centre test
            assert c.p.loc[~thick, meas_col].isna().all() and has[thick].all()
            assert c.p[true_col].notna().all()
    same = c.p.loc[c.p["hardness_test_plate"]]
    _eq(same["heat_id"], c.p["heat_id"].to_numpy())
    _eq(same["thickness_mm"], c.p["thickness_mm"].to_numpy())


def _charpy(c: Ctx) -> None:
    """The true columns are the plate's own transition curve (its T50 and its energy at the
    grade's test temperature), as the metallurgy made it; the measured average is the mean of
    its test plate's first set of three, and the true value beside the plate's own tests."""
    assert set(c.curves) == set(c.p.index)
    t50 = pd.Series({pid: cv.t50_c for pid, (cv, _) in c.curves.items()})
    kv = pd.Series({pid: float(cv.energy_j(t)) for pid, (cv, t) in c.curves.items()})
    _eq(c.p["charpy_t50_c"], t50.loc[c.p.index], 0.051)
    t27 = pd.Series({pid: transition_temperature_c(cv, 27.0) for pid, (cv, _) in c.curves.items()})
    _eq(c.p["charpy_t27j_c"], t27.loc[c.p.index], 0.051)
    _eq(c.p["charpy_true_j"], kv.loc[c.p.index], 0.051)
    kv_tests = c.tests[(c.tests["kind"] == "charpy") & ~c.tests["retest"]]
    first = kv_tests.groupby("entity_id")["value"].mean()
    _eq(c.p["charpy_meas_avg_j"], first.loc[c.p["charpy_test_plate"]].to_numpy(), 0.051)
    true = kv_tests.groupby("entity_id")["true_value"].first()
    own = c.p.index.intersection(true.index)
    _eq(c.p.loc[own, "charpy_true_j"], true.loc[own], 0.051)


def _defect_counts(c: Ctx) -> None:
    d = c.defects[c.defects["call"] != "removed"]
    mine = d[d["entity_id"].isin(c.p.index)]
    true = mine[mine["is_true"]]
    _eq(c.p["defects_true"], true.groupby("entity_id").size().reindex(c.p.index, fill_value=0))
    det = true[true["detected"]].groupby("entity_id").size()
    _eq(c.p["defects_detected"], det.reindex(c.p.index, fill_value=0))
    confirmed = mine[mine["detected_by"] == "manual_ut"]
    _eq(
        c.p["ut_indications"],
        confirmed.groupby("entity_id").size().reindex(c.p.index, fill_value=0),
    )
    fc = confirmed[~confirmed["is_true"]].groupby("entity_id").size()
    _eq(c.p["false_calls"], fc.reindex(c.p.index, fill_value=0))
    assert c.p["defects_true"].sum() > 0


def _ut(c: Ctx) -> None:
    """No confirmed indication: the best classes S3/E4; the plate passes when its classes
    reach the ordered ones (an order without UT always passes)."""
    clean = c.p["ut_indications"] == 0
    _eq(c.p.loc[clean, "ut_body_class"], "S3")
    _eq(c.p.loc[clean, "ut_edge_class"], "E4")
    body = ["S0", "S1", "S2", "S3"]
    edge = ["E0", "E1", "E2", "E3", "E4"]
    ok = []
    for _, row in c.p.iterrows():
        want = row["ut_class_ordered"]
        ok.append(want == "none" or (
            body.index(row["ut_body_class"]) >= body.index(want[:2])
            and edge.index(row["ut_edge_class"]) >= edge.index(want[2:])
        ))  # fmt: skip
    _eq(c.p["ut_pass"], pd.Series(ok, index=c.p.index))


def _truth(c: Ctx) -> None:
    """Escape = released prime and truly nonconforming, and only an escape has escape
    reasons; false reject = rejected though conforming; a sound hand plant has neither, and
    every plate conforms."""
    _eq(c.p["escape"], (c.p["disposition"] == "prime") & c.p["nonconforming_true"])
    assert c.p.loc[~c.p["escape"].astype(bool), "escape_reasons"].isna().all()
    rejected = c.p["disposition"].isin(["downgraded", "scrap"])
    _eq(c.p["false_reject"], rejected & ~c.p["nonconforming_true"])
    g = c.run.scenario.grades
    lo = c.p["grade_ordered"].map(lambda x: g[x].surface_hbw[0])
    hi = c.p["grade_ordered"].map(lambda x: g[x].surface_hbw[1])
    inside = (c.p["hardness_true_hbw"] >= lo) & (c.p["hardness_true_hbw"] <= hi)
    no_defect = c.p["defects_true"] == 0
    assert not c.p.loc[inside & no_defect, "nonconforming_true"].any()


def _times(c: Ctx) -> None:
    """Done when its last inspection ended; lead time from the order's arrival (not before
    the run start), flow time from casting; late after the due time; in the KPI window after
    the warm-up."""
    last = c.events.groupby("entity_id")["end_min"].max()
    done = c.p["done_min"]
    _eq(done, last.loc[c.p.index], 1e-3)
    start = c.run.scenario.run.start
    iso = [(start + dt.timedelta(minutes=float(m))).isoformat(timespec="seconds") for m in done]
    _eq(c.p["done_iso"], pd.Series(iso, index=c.p.index))
    _eq(c.p["late"], done > c.p["due_min"])
    _eq(c.p["lead_time_h"], (done - c.p["order_arrival_min"].clip(lower=0.0)) / 60.0, 1e-3)
    _eq(c.p["flow_time_h"], (done - c.p["cast_min"]) / 60.0, 1e-3)
    _eq(c.p["in_window"], done >= c.run.scenario.run.warmup_days * 1440.0)
    assert c.p["in_window"].all() and (c.p["order_arrival_min"] < 0).all()


CHECKS: dict[str, tuple[Callable[[Ctx], None], ...]] = {}
for fn, cols in (
    (_lineage, "mother_id slab_id heat_id"),
    (
        _order_columns,
        "order_id customer customer_po customer_item grade_ordered ut_class_ordered "
        "order_arrival_min due_min",
    ),
    (_grade_released, "grade_released disposition reason"),
    (_sequence, "sequence_id seq_position charge cast_min"),
    (_ht_batch, "ht_batch_id"),
    (_size, "plate_id thickness_mm width_mm length_mm mass_t"),
    (
        _constants,
        "reheat_temp_c rolling_reduction_ratio aust_temp_c aust_min quench_htc_w_m2k "
        "quench_uniformity temper_temp_c temper_min retempers relevels "
        "charpy_test_temp_c",
    ),
    (_cooling, "cooling_surface_c_per_s cooling_centre_c_per_s"),
    (_martensite, "martensite_centre_frac"),
    (_cutting, "cutting_method preheat_c preheat_required_c cut_min"),
    (
        _hardness,
        "hardness_true_hbw hardness_centre_true_hbw hardness_meas_hbw "
        "hardness_test_plate hardness_centre_meas_hbw",
    ),
    (_charpy, "charpy_t50_c charpy_t27j_c charpy_true_j charpy_meas_avg_j charpy_test_plate"),
    (_defect_counts, "defects_true defects_detected ut_indications false_calls"),
    (_ut, "ut_body_class ut_edge_class ut_pass"),
    (_truth, "nonconforming_true escape escape_reasons false_reject"),
    (_times, "done_min done_iso late lead_time_h flow_time_h in_window"),
):
    for col in cols.split():
        CHECKS[col] = (*CHECKS.get(col, ()), fn)


def test_every_plates_column_is_checked() -> None:
    """Each column of the data dictionary's plates table has a check below."""
    assert set(CHECKS) == {c.name for c in TABLES["plates"]}


@pytest.fixture(scope=shared_scope("module"))
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Ctx:
    """The hand plant, run with the metallurgy's Charpy curves recorded per plate."""
    made: list[tuple[Any, Any, float]] = []
    original = Metallurgy.toughness

    def toughness(self: Metallurgy, plate: Any) -> None:
        original(self, plate)
        made.append((plate, plate.measured.curve, self.sc.grades[plate.order.grade].charpy_temp_c))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Metallurgy, "toughness", toughness)
        run = run_hand(tmp_path_factory.mktemp("columns"))
    curves = {plate.plate_id: (curve, t) for plate, curve, t in made}  # the last one counts
    return Ctx(run, curves)


@pytest.mark.parametrize(
    "check",
    sorted({fn for fns in CHECKS.values() for fn in fns}, key=lambda f: f.__name__),
    ids=lambda f: f.__name__.strip("_"),
)
def test_plates_columns_hold_what_they_name(ctx: Ctx, check: Callable[[Ctx], None]) -> None:
    """The columns of one group agree with the value derived independently."""
    assert not ctx.p.empty
    check(ctx)
