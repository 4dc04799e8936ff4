"""Generated orders follow the product mix, and are a function of the seed alone: a shorter
horizon gives a prefix of a longer one's orders, and one attribute's distribution can change
without moving the others' draws (each attribute has its own stream)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from mill.model.orders import BACKLOG_DAYS, OrderGenerator
from mill.rng import Streams
from mill.scenario import load_scenario

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"


def _orders(days: float, *overrides: str) -> list:
    sc = load_scenario(BASELINE, list(overrides))
    return list(OrderGenerator(sc, Streams(sc.run.seed)).generate(days * 1440.0))


def test_a_shorter_horizon_gives_a_prefix_of_the_orders() -> None:
    short, long = _orders(5.0), _orders(20.0)
    assert 0 < len(short) < len(long)
    assert long[: len(short)] == short


def test_changing_one_attribute_leaves_the_other_draws_alone() -> None:
    base = _orders(10.0)
    other = _orders(10.0, "orders.due_days=30")
    assert [(o.arrival_min, o.grade, o.thickness_mm, o.quantity) for o in base] == [
        (o.arrival_min, o.grade, o.thickness_mm, o.quantity) for o in other
    ]
    # the quote is the book's wait plus due_days: 10 more days move every due date by 10 days
    sooner = _orders(10.0, "orders.due_days=20")
    assert all(
        abs(a.due_min - b.due_min - 10 * 1440.0) < 1e-6 for a, b in zip(other, sooner, strict=True)
    )


def test_grades_arrive_in_their_shares() -> None:
    sc = load_scenario(BASELINE, [])
    orders = _orders(200.0)
    assert orders[0].arrival_min > -BACKLOG_DAYS * 1440.0
    n = Counter(o.grade for o in orders)
    for grade, share in sc.orders.grade_shares.items():
        # binomial 4-sigma band around the share
        p = n[grade] / len(orders)
        assert abs(p - share) < 4.0 * (share * (1 - share) / len(orders)) ** 0.5, grade
