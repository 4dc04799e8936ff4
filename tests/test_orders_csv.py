"""An order book read from a CSV drives the plan: its orders become plates with their sizes,
grades and UT classes, and the heats are topped up with stock plate when the book runs dry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mill.model import run_scenario
from mill.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def test_orders_from_a_csv_become_plates_of_the_ordered_size(tmp_path: Path) -> None:
    """Every plate of a CSV order has the order's grade, thickness, width, length and UT
    class (unless re-sized), and no order gets more plates than it asked for."""
    sc = load_scenario(ROOT / "scenarios" / "orders_from_csv.toml", ["run.horizon_days=3"])
    run_scenario(sc, tmp_path / "run")
    orders = pd.read_csv(ROOT / "scenarios" / "orders_example.csv").set_index("order_id")
    plates = pd.read_csv(tmp_path / "run" / "plates.csv")
    ours = plates[plates.order_id.isin(orders.index)]
    assert len(ours) > 0
    joined = ours.merge(orders, left_on="order_id", right_index=True, suffixes=("", "_order"))
    assert (joined.grade_ordered == joined.grade).all()
    assert (joined.thickness_mm == joined.thickness_mm_order).all()
    assert (joined.ut_class_ordered == joined.ut_class).all()
    whole = joined[~joined.plate_id.str.contains("R")]
    assert (whole.width_mm == whole.width_mm_order).all()
    assert (whole.length_mm == whole.length_mm_order).all()
    made = ours.groupby("order_id").size()
    assert (made <= orders.loc[made.index, "quantity"]).all()
    others = plates[~plates.order_id.isin(orders.index)]
    assert others.order_id.str.startswith("STOCK-").all()
