"""summary.json's counts agree with the tables they summarise, on the hand plant with a
warm-up that ends while plates are being finished (0.4 d = 576 min) and one order due early
(A2 at day 0.44), so that the window and the late count both have something to decide.

- A plate belongs to the window when it was finished at or after the warm-up's end.
- The window's plates by disposition, and the late share of the released ones, are those of
  plates.csv's rows in the window.
- The defect tables of the summary are one count seen four ways (by mechanism, origin stage,
  detection stage, origin × detection): every count is positive and the four agree.
- A share is None only when its whole is nothing: a window under a tonne has its shares.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from plant_support import HAND_ORDERS, HAND_TOML, HandRun, shared_scope

from mill.model.run import run_scenario
from mill.scenario import load_scenario

WARMUP_MIN = 0.4 * 1440.0


@pytest.fixture(scope=shared_scope("module"))
def windowed(tmp_path_factory: pytest.TempPathFactory) -> HandRun:
    folder = tmp_path_factory.mktemp("window")
    toml = HAND_TOML.replace("warmup_days = 0.1", "warmup_days = 0.4")
    orders = HAND_ORDERS.replace(
        "A2,NM400,20,1500,4000,6,none,-1,10", "A2,NM400,20,1500,4000,6,none,-1,0.44"
    )
    assert toml != HAND_TOML and orders != HAND_ORDERS
    (folder / "hand.toml").write_text(toml, encoding="utf-8")
    (folder / "orders.csv").write_text(orders, encoding="utf-8")
    sc = load_scenario(folder / "hand.toml")
    return HandRun(folder / "run", sc, run_scenario(sc, folder / "run"))


def test_the_window_starts_when_the_warm_up_ends(windowed: HandRun) -> None:
    """in_window is done_min ≥ 576 min; the warm-up leaves some finished plates outside."""
    plates = windowed.table("plates")
    done = plates[plates["disposition"] != "wip"]
    assert (done["in_window"] == (done["done_min"] >= WARMUP_MIN)).all()
    assert (~done["in_window"]).sum() >= 1 and done["in_window"].sum() >= 10
    assert windowed.result.summary["window"]["start_min"] == WARMUP_MIN


def test_window_counts_and_the_late_share_are_those_of_plates_csv(windowed: HandRun) -> None:
    """The summary's plates by disposition are plates.csv's in the window; late_pct is the
    share of released plates (prime or downgraded) in the window finished after their due
    date (A2's, due at day 0.44)."""
    s = windowed.result.summary
    plates = windowed.table("plates")
    win = plates[plates["in_window"] & (plates["disposition"] != "wip")]
    for d in ("prime", "downgraded", "scrap"):
        assert s["plates"][d] == (win["disposition"] == d).sum(), d
    released = win[win["disposition"].isin(["prime", "downgraded"])]
    assert s["plates"]["released"] == len(released)
    late = (released["done_min"] > released["due_min"]).sum()
    assert 1 <= late < len(released)
    assert s["late_pct"] == pytest.approx(100.0 * late / len(released), abs=1e-3)


def test_the_defect_counts_of_the_summary_agree_with_each_other(windowed: HandRun) -> None:
    """Every defect counted in the window is counted once by mechanism, once by origin stage,
    once by detection stage and once by origin × detection; no count is negative."""
    d = windowed.result.summary["defects"]
    total = sum(m["true"] for m in d["by_mechanism"].values())
    assert total >= 5
    for table in ("by_origin_stage", "by_detection_stage", "origin_vs_detection"):
        assert all(n > 0 for n in d[table].values()), table
        assert sum(d[table].values()) == total, table
    for origin, n in d["by_origin_stage"].items():
        cross = sum(v for k, v in d["origin_vs_detection"].items() if k.split("->")[0] == origin)
        assert cross == n, origin


def test_the_tonnage_yields_add_up_and_follow_plates_csv(windowed: HandRun) -> None:
    """The slab tonnes of the window's plates go to prime, downgraded, scrapped plates,
    process scrap and scale loss: the five shares add up to 100 %; the shares of the
    disposed tonnes are plates.csv's masses in the window."""
    y = windowed.result.summary["yield_by_tonnage"]
    parts = ("prime", "downgraded", "scrapped_plates", "process_scrap", "scale_loss")
    assert sum(y[f"slab_to_{p}_pct"] for p in parts) == pytest.approx(100.0, abs=0.01)
    assert y["slab_to_released_pct"] == pytest.approx(
        y["slab_to_prime_pct"] + y["slab_to_downgraded_pct"], abs=0.002
    )
    plates = windowed.table("plates")
    win = plates[plates["in_window"] & (plates["disposition"] != "wip")]
    disposed = win["mass_t"].sum()
    for d, key in (("prime", "prime"), ("downgraded", "downgraded"), ("scrap", "scrap")):
        share = 100.0 * win.loc[win["disposition"] == d, "mass_t"].sum() / disposed
        assert y[f"{key}_pct_of_disposed"] == pytest.approx(share, abs=0.01), d


def test_each_units_departures_are_its_visits_ending_in_the_window(windowed: HandRun) -> None:
    """Without blocking or breakdowns a piece departs when its visit ends: a unit's
    departures are its events.csv rows ending inside the window."""
    s = windowed.result.summary
    ev = windowed.table("events")
    start, end = s["window"]["start_min"], s["window"]["end_min"]
    ending = ev[(ev["end_min"] >= start) & (ev["end_min"] <= end)].groupby("unit").size()
    assert ending.sum() >= 30
    for unit, stats in s["utilisation"].items():
        assert stats["departures"] == ending.get(unit, 0), unit


def test_lead_and_flow_times_are_those_of_the_released_plates(windowed: HandRun) -> None:
    """The summary's mean lead time (order arrival → done) and flow time (cast → done) are
    the means of plates.csv's columns over the plates released in the window."""
    s = windowed.result.summary
    plates = windowed.table("plates")
    released = plates[plates["in_window"] & plates["disposition"].isin(["prime", "downgraded"])]
    assert len(released) >= 10
    for kpi in ("lead_time_h", "flow_time_h"):
        assert s[kpi]["mean"] == pytest.approx(released[kpi].mean(), abs=0.006), kpi


def test_a_window_under_a_tonne_still_has_its_shares(tmp_path: Path) -> None:
    """A share of a whole under 1 t is still a share: a run whose window disposes one 10 mm
    plate of 0.47 t reports its tonnage yields and stock share (not None), the slab's five
    parts adding up to 100 %. A share is None only when there is nothing to share."""
    orders = HAND_ORDERS.splitlines()[0] + "\nA1,NM400,10,1500,4000,1,none,-1,10\n"
    (tmp_path / "hand.toml").write_text(HAND_TOML, encoding="utf-8")
    (tmp_path / "orders.csv").write_text(orders, encoding="utf-8")
    sc = load_scenario(tmp_path / "hand.toml", ["run.horizon_days=1.0"])
    s = run_scenario(sc, tmp_path / "run").summary
    assert s["plates"]["prime"] + s["plates"]["downgraded"] + s["plates"]["scrap"] == 1
    assert 0.0 < s["tonnes"]["released_t"] < 1.0
    y = s["yield_by_tonnage"]
    assert 0.0 < y["slab_t"] < 1.0
    assert None not in y.values()
    parts = ("prime", "downgraded", "scrapped_plates", "process_scrap", "scale_loss")
    assert sum(y[f"slab_to_{p}_pct"] for p in parts) == pytest.approx(100.0, abs=0.01)
    disposed = ("prime", "downgraded", "scrap")
    assert sum(y[f"{d}_pct_of_disposed"] for d in disposed) == pytest.approx(100.0, abs=0.01)
    assert s["stock"]["pct_of_released_t"] == 0.0  # no stock fill: none of it is stock
