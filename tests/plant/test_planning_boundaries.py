"""The planner's boundaries: when a heat is full, and how the rows of a mother plate are found.

A heat is filled with slabs until its cast tonnes reach the converter's heat size times the
casting yield (the target); a slab that would take the heat more than 3 % over the target waits
for the next heat, one that takes it to exactly 103 % still joins (``Planner.plan_heat``).
To test the boundaries exactly, the slab design is replaced by slabs of chosen tonnes (one
order line, one mother plate, one slab each); the target is 100 t (a 100 t heat, 100 %
casting yield), so 103 % is 103.0 t in floating point too.

A mother plate's rows along are searched downwards from two rows above the caster's slab
length bound until the grid's slab fits (``Planner._mother``).
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from mill.model.aims import Aims
from mill.model.entities import MotherPlan, Order, SlabPlan
from mill.model.orders import OrderGenerator
from mill.model.planning import OrderBook, Planner
from mill.rng import Streams
from mill.scenario import load_scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"
TARGET_T = 100.0


def _planner(overrides: list[str]) -> Planner:
    sc = load_scenario(BASELINE, overrides)
    return Planner(sc, OrderBook(Aims(sc)), OrderGenerator(sc, Streams(1)))


def _heat_of(tonnes: list[float], monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The tonnes of the slabs the planner puts in one heat, offered slabs of ``tonnes`` in
    that order (one plate each, none sharing a slab); the slabs it leaves stay in the book."""
    planner = _planner(
        [
            "plant.converter.heat_size_t=100",
            "plant.converter.casting_yield_pct=100",
            "planning.stock_fill=false",
            "planning.max_slabs_per_heat=20",
        ]
    )
    conv = planner.sc.plant.converter
    assert conv.heat_size_t * conv.casting_yield_pct / 100.0 == TARGET_T
    mass = {}
    orders = [
        Order(f"O{i}", "NM400", 20.0, 1500.0, 4000.0, 1, "none", 0.0, 1e9)
        for i in range(len(tonnes))
    ]
    for order, t in zip(orders, tonnes, strict=True):
        mass[order.order_id] = t
        planner.book.add(order)

    def one_mother(order: Order, n: int) -> tuple[MotherPlan, int]:
        return MotherPlan(order, 1, 1, 1, order.width_mm, order.length_mm), 1

    def slab(mothers: list[MotherPlan], t: float) -> SlabPlan:
        return SlabPlan(0.0, 0.0, 0.0, t, 0.0, 0.0, list(mothers))

    monkeypatch.setattr(planner, "_mother", one_mother)
    monkeypatch.setattr(planner, "_fits", lambda mothers, extra, t: False)
    monkeypatch.setattr(planner, "_complete", lambda mothers, key, now: mothers)
    monkeypatch.setattr(planner, "_slab", slab)
    monkeypatch.setattr(planner, "_mass", lambda ms: sum(mass[m.order.order_id] for m in ms))
    plan = planner.plan_heat(planner.book.key(orders[0]), 0.0)
    return [mass[s.mothers[0].order.order_id] for s in plan.slabs]


@pytest.mark.parametrize(
    ("offered", "heat"),
    [
        ([60.0, 40.0, 2.0], [60.0, 40.0]),  # exactly at the target: the heat is full
        ([60.0, 39.5, 3.0], [60.0, 39.5, 3.0]),  # half a tonne short: one more slab (102.5 t)
        ([60.0, 43.0, 5.0], [60.0, 43.0]),  # to exactly 103 %: the slab still joins
        ([60.0, 43.5, 5.0], [60.0]),  # past 103 %: it waits, and the heat closes short
    ],
)
def test_a_heat_fills_to_its_target_with_3_pct_overshoot_allowed(
    offered: list[float], heat: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A heat takes slabs while it is under the target (100 t): it closes as soon as its
    tonnes reach the target, takes a slab that brings it up to 103 t, and leaves a slab that
    would take it past 103 t for the next heat."""
    assert _heat_of(offered, monkeypatch) == heat


@pytest.mark.parametrize(
    ("t", "w", "ln"),
    [(100.0, 2000.0, 6000.0), (60.0, 2500.0, 3000.0)],
)
def test_the_rows_of_a_mother_plate_are_searched_downwards(
    t: float, w: float, ln: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For plates whose full grid would need a slab longer than the caster casts (the
    baseline's caster, 60 plates ordered), the search starts above the fitting row count and
    steps down one row at a time: the row counts it tries never rise, it ends on a grid whose
    slab fits, and one row more would not fit."""
    planner = _planner([])
    order = Order("O1", "NM400", t, w, ln, 60, "none", 0.0, 1e9)
    grid = planner._grid
    tried: list[int] = []

    def watched(o: Order, across: int, along: int) -> SlabPlan:
        tried.append(along)
        if len(tried) > 100:
            raise AssertionError(f"the row search does not end: {tried[:10]}…")
        return grid(o, across, along)

    monkeypatch.setattr(planner, "_grid", watched)
    plan, used = planner._mother(order, 60)
    search = tried[1:]  # the first call is _along_bound's one-row grid
    assert planner.design.too_big(grid(order, plan.across, search[0]))  # it had to step down
    assert all(b <= a for a, b in pairwise(search)), search
    assert not planner.design.too_big(grid(order, plan.across, plan.along))
    assert planner.design.too_big(grid(order, plan.across, plan.along + 1))
    assert used == plan.across * plan.along
