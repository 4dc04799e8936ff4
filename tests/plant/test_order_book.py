"""The order book of the planner by hand: which heat make-up an order is cast in (its grade
and the gauge class its thickness falls in: the class whose upper bound is the first at or
above it), and its open tonnes per make-up (plates still to plan × plate mass), which decide
the next heat's make-up."""

from __future__ import annotations

import pytest

from mill.model.aims import Aims
from mill.model.entities import Order, mass_t
from mill.model.planning import OrderBook
from mill.scenario import Scenario

AIMS = Aims(Scenario())


def _order(ident: str, thickness: float, quantity: int, grade: str = "NM400") -> Order:
    return Order(ident, grade, thickness, 2000.0, 5000.0, quantity, "none", 0.0, 1e5)


def test_an_order_is_cast_in_the_gauge_class_its_thickness_falls_in() -> None:
    """A class ends at its upper bound (inclusive): a plate at a bound is in that class, one
    0.1 mm thicker in the next; the last class takes anything thicker."""
    book = OrderBook(AIMS)
    designs = AIMS.by_grade["NM400"]
    assert len(designs) > 1
    for i, d in enumerate(designs[:-1]):
        assert book.key(_order("O1", d.upto_mm, 1)) == ("NM400", i)
        assert book.key(_order("O2", d.upto_mm + 0.1, 1)) == ("NM400", i + 1)
    assert book.key(_order("O3", 500.0, 1)) == ("NM400", len(designs) - 1)


def test_open_tonnes_are_the_plates_still_to_plan() -> None:
    """Two 20 mm orders of one make-up hold (3 + 2) plates × their mass open; taking plates
    lowers the open tonnes by what was taken, putting plates back raises them again, and a
    make-up with nothing open is no longer the most open one."""
    book = OrderBook(AIMS)
    plate_t = mass_t(20.0, 2000.0, 5000.0)
    a, b = _order("A", 20.0, 3), _order("B", 20.0, 2)
    book.add(a)
    book.add(b)
    c = _order("C", 60.0, 1, "NM450")
    book.add(c)
    key = book.key(a)
    assert book.open_t[key] == pytest.approx(5 * plate_t)
    assert book.most_open() == key
    assert book.take(key, 2) == (a, 2)
    assert book.open_t[key] == pytest.approx(3 * plate_t)
    book.put_back(a, 1)
    assert book.open_t[key] == pytest.approx(4 * plate_t)
    # the plate put back is taken first, on its own line, then the rest of A, then B
    assert book.take(key, 9) == (a, 1)
    assert book.take(key, 9) == (a, 1)
    assert book.take(key, 9) == (b, 2)
    assert book.open_t[key] == pytest.approx(0.0, abs=1e-9)
    assert book.take(key, 9) is None
    assert book.most_open() == book.key(c)
