"""Order loading in steady state (issue 14.3): order intake is the plant's capacity times a
load factor; due dates are quoted from the order book (tonnes ahead ÷ capacity, plus
orders.due_days); stock plates are a small share, reported in summary.json, and kept out of
the customer lead time and lateness; the order book over time is a table and a plot."""

from __future__ import annotations

import pandas as pd
import pytest
from core_support import BASELINE, RunArtifacts

from mill.analysis import load_run, orders_over_time, plot_orders_over_time
from mill.model.orders import OrderGenerator
from mill.rng import Streams
from mill.scenario import load_scenario


def _orders(days: float, *overrides: str) -> list:
    sc = load_scenario(BASELINE, list(overrides))
    return list(OrderGenerator(sc, Streams(sc.run.seed)).generate(days * 1440.0))


@pytest.mark.parametrize("load", [0.5, 0.9, 1.2])
def test_intake_is_the_load_factor_times_capacity(load: float) -> None:
    """Over 120 days after the run start the orders' tonnes per day are load × capacity
    (capacity 1,475 t/d) within 10 %; tonnes_per_day, when given, overrides them."""
    orders = [o for o in _orders(120.0, f"orders.load_factor={load}") if o.arrival_min >= 0]
    per_day = sum(o.plate_mass_t * o.quantity for o in orders) / 120.0
    assert per_day == pytest.approx(load * 1475.0, rel=0.10)
    fixed = [o for o in _orders(120.0, "orders.tonnes_per_day=300") if o.arrival_min >= 0]
    assert sum(o.plate_mass_t * o.quantity for o in fixed) / 120.0 == pytest.approx(300, rel=0.1)


def test_due_dates_are_quoted_from_the_order_book() -> None:
    """With due_days = 0 an order's quote is the tonnes ordered before it and not yet worked
    off at capacity (from the run's start), over the capacity: recomputed here from the
    orders; a heavier load quotes longer."""
    orders = _orders(30.0, "orders.due_days=0")
    cap = 1475.0 / 1440.0
    book, at = 0.0, 0.0
    for o in orders:
        now = max(o.arrival_min, 0.0)
        book = max(0.0, book - cap * (now - at))
        at = now
        assert o.due_min == pytest.approx(now + book / cap, abs=1e-6)
        book += o.plate_mass_t * o.quantity
    light = _orders(30.0, "orders.due_days=0", "orders.load_factor=0.6")
    heavy = _orders(30.0, "orders.due_days=0", "orders.load_factor=1.3")

    def wait(os: list) -> float:
        late = [o.due_min - o.arrival_min for o in os if o.arrival_min > 20 * 1440.0]
        return sum(late) / len(late)

    assert wait(heavy) > 2 * wait(light)


def test_stock_is_a_small_reported_share_outside_lead_time(baseline_run: RunArtifacts) -> None:
    """summary.json's stock share is plates.csv's (released stock plates in the window) and
    under 5 % of released tonnes; late_pct counts customer plates only."""
    s = baseline_run.summary
    p = pd.read_csv(baseline_run.path / "plates.csv", low_memory=False)
    w = p[p["in_window"] & p["disposition"].isin(["prime", "downgraded"])]
    stock = w["order_id"].str.startswith("STOCK-")
    assert s["stock"]["plates"] == int(stock.sum())
    assert s["stock"]["released_t"] == pytest.approx(w.loc[stock, "mass_t"].sum(), abs=0.01)
    assert s["stock"]["pct_of_released_t"] < 5.0
    assert s["late_pct"] == pytest.approx(100 * w.loc[~stock, "late"].mean(), abs=1e-3)


def test_the_order_book_over_time(baseline_run: RunArtifacts) -> None:
    """Per day: released tonnes add up to plates.csv's; the plot has its three panels."""
    run = load_run(baseline_run.path)
    table = orders_over_time(run)
    p = run.plates[run.plates["disposition"].astype(str).isin(["prime", "downgraded"])]
    assert table["released_t"].sum() == pytest.approx(p["mass_t"].sum())
    assert {"wip_t", "lead_time_p50_h", "late_pct", "stock_pct"} <= set(table.columns)
    assert (table["stock_pct"].between(0, 100)).all()
    assert len(plot_orders_over_time(run).axes) == 3


def test_a_make_up_whose_oldest_order_has_waited_goes_first() -> None:
    """The make-up with the most open tonnes is cast next, unless another's oldest order has
    waited planning.max_wait_days (7): then that one, earliest due first (no make-up is
    starved by a commoner one)."""
    from mill.model.aims import Aims
    from mill.model.entities import Order
    from mill.model.planning import OrderBook, Planner

    sc = load_scenario(BASELINE, [])
    aims = Aims(sc)
    book = OrderBook(aims)
    day = 1440.0
    common = Order("C1", "NM400", 10.0, 2000, 6000, 200, "none", 0.0, 30 * day)
    rare_late = Order("R1", "NM500", 100.0, 2000, 4000, 1, "none", 0.0, 20 * day)
    rare_soon = Order("R2", "NM450", 80.0, 2000, 4000, 1, "none", 0.0, 12 * day)
    for o in (common, rare_late, rare_soon):
        book.add(o)
    assert book.most_open() == book.key(common)
    assert book.longest_waiting(6.9 * day, 7 * day) is None
    assert book.longest_waiting(7 * day, 7 * day) == book.key(rare_soon)
    planner = Planner(sc, book, OrderGenerator(sc, Streams(1)))
    (first,) = planner.plan_sequence(1, 7 * day, book.key(common))
    assert first.grade == "NM450"
    assert book.longest_waiting(7 * day, 7 * day) == book.key(rare_late)
