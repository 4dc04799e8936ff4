"""Mother-plate layout: the rows along a mother plate are the most whose slab still fits the
caster. The planner solves the linear slab-length relation for a starting point instead of
trying every row count; this pins that it lands on the same layout as trying them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mill.model.aims import Aims
from mill.model.entities import Order
from mill.model.orders import OrderGenerator
from mill.model.planning import OrderBook, Planner
from mill.rng import Streams
from mill.scenario import load_scenario

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"


@pytest.fixture(scope="module")
def planner() -> Planner:
    sc = load_scenario(BASELINE, [])
    book = OrderBook(Aims(sc))
    return Planner(sc, book, OrderGenerator(sc, Streams(1)))


@settings(max_examples=300, deadline=None)
@given(
    t=st.floats(6.0, 120.0),
    w=st.floats(800.0, 3200.0),
    ln=st.floats(1000.0, 12000.0),
    n=st.integers(1, 60),
)
def test_the_layout_is_the_one_found_by_trying_every_row_count(
    planner: Planner, t: float, w: float, ln: float, n: int
) -> None:
    order = Order("O1", "NM400", round(t, 1), round(w), round(ln), n, "none", 0.0, 1e9)
    fast = planner._mother(order, n)
    try:
        planner._along_bound = lambda *_: 10**9  # type: ignore[method-assign]
        every = planner._mother(order, n)
    finally:
        del planner._along_bound
    assert fast == every
    plan, used = fast
    assert 1 <= used <= n
    grid = planner._grid(order, plan.across, plan.along)
    assert (plan.along == 1 and plan.across == 1) or not planner.design.too_big(grid)
