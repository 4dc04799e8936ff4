"""The order book of the planner by hand: which heat make-up an order is cast in (its grade,
and heavy gauge only *above* the grade's heavy-gauge limit), and its open tonnes per make-up
(plates still to plan × plate mass), which decide the next heat's make-up."""

from __future__ import annotations

import pytest

from mill.model.entities import Order, mass_t
from mill.model.planning import OrderBook


def _order(ident: str, thickness: float, quantity: int, grade: str = "NM400") -> Order:
    return Order(ident, grade, thickness, 2000.0, 5000.0, quantity, "none", 0.0, 1e5)


@pytest.mark.parametrize(
    ("thickness", "heavy"), [(39.9, False), (40.0, False), (40.1, True), (80.0, True)]
)
def test_heavy_gauge_starts_above_the_limit(thickness: float, heavy: bool) -> None:
    """With a 40 mm limit, a 40 mm order is standard gauge and 40.1 mm heavy gauge."""
    book = OrderBook({"NM400": 40.0})
    assert book.key(_order("O1", thickness, 1)) == ("NM400", heavy)


def test_open_tonnes_are_the_plates_still_to_plan() -> None:
    """Two 20 mm orders of one make-up hold (3 + 2) plates × their mass open; taking plates
    lowers the open tonnes by what was taken, putting plates back raises them again, and a
    make-up with nothing open is no longer the most open one."""
    book = OrderBook({"NM400": 40.0, "NM450": 40.0})
    plate_t = mass_t(20.0, 2000.0, 5000.0)
    a, b = _order("A", 20.0, 3), _order("B", 20.0, 2)
    book.add(a)
    book.add(b)
    book.add(_order("C", 60.0, 1, "NM450"))
    key = ("NM400", False)
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
    assert book.most_open() == ("NM450", True)
