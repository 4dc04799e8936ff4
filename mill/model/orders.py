"""The order book: orders generated from the scenario's product mix, or read from a CSV.

Generated orders arrive as a Poisson stream whose mean tonnage per day is the plant's
capacity times the load factor (``orders.load_factor × orders.capacity_t_per_day``, or
``orders.tonnes_per_day`` when given); the book starts with ``BACKLOG_DAYS`` of orders already
in hand, as a running mill has. Each order's due date is quoted as a mill quotes it: the
tonnes in the book ahead of it over the plant's capacity (a fluid model of the book: it grows
with every order and is worked off at capacity from the run's start), plus
``orders.due_days``. Labelled assumption: a quote from a fluid model of the book, not from a
finite-capacity schedule. An orders CSV is validated like a scenario: a bad row names its line
and column, and nothing is written.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from mill.distributions import Empirical, exponential
from mill.model.entities import Order, mass_t
from mill.model.slab_design import SlabDesign
from mill.rng import Streams
from mill.scenario import Scenario, ScenarioError
from mill.scenario.products import is_ut_class

BACKLOG_DAYS = 10.0
"""Assumption: a plate mill runs with about two weeks of order book; ten days are in hand."""

CSV_COLUMNS = (
    "order_id",
    "grade",
    "thickness_mm",
    "width_mm",
    "length_mm",
    "quantity",
    "ut_class",
    "arrival_day",
    "due_day",
)
OPTIONAL_CSV_COLUMNS = ("customer", "customer_po", "customer_item")
"""Columns an orders CSV may have: who ordered the plates (for the 3.1 certificate)."""


def _index_spec(shares: dict[str, float]) -> Empirical:
    """A draw of the index of a share table (0, 1, ... in the table's order)."""
    return Empirical(values=[float(i) for i in range(len(shares))], weights=list(shares.values()))


def _mean_order_t(sc: Scenario) -> float:
    o = sc.orders
    return float(
        mass_t(o.thickness_mm.mean(), o.width_mm.mean(), o.length_mm.mean())
        * max(1.0, o.plates_per_order.mean())
    )


class OrderGenerator:
    """Draws orders from the product mix; also makes stock-fill orders for a grade.

    Each attribute of a generated order (gap to the next arrival, grade, thickness, width,
    length, quantity, UT class, due time) comes from its own stream, drawn in blocks: order k
    gets the k-th draw of each, so a shorter horizon gives a prefix of a longer one's orders,
    and changing one attribute's distribution leaves the others' draws alone."""

    def __init__(self, sc: Scenario, streams: Streams) -> None:
        self.sc = sc
        self.slabs = SlabDesign(sc)
        self.stock_rng = streams.generator("orders/stock")
        o = sc.orders
        self.grades = list(o.grade_shares)
        self.ut = list(o.ut_class_shares)
        rate_per_min = o.intake_t_per_day / _mean_order_t(sc) / 1440.0
        self._gap = streams.sampler("orders/gap", exponential(1.0 / rate_per_min))
        self._grade = streams.sampler("orders/grade", _index_spec(o.grade_shares))
        self._ut = streams.sampler("orders/ut_class", _index_spec(o.ut_class_shares))
        self._thickness = streams.sampler("orders/thickness", o.thickness_mm)
        self._width = streams.sampler("orders/width", o.width_mm)
        self._length = streams.sampler("orders/length", o.length_mm)
        self._quantity = streams.sampler("orders/quantity", o.plates_per_order)
        self._due = streams.sampler("orders/due", o.due_days)
        self._stock_n = 0

    def _sized(self, grade: str, t: float, w: float, ln: float) -> tuple[float, float, float]:
        """Thickness capped at the grade's maximum, length at the longest plate one slab
        inside the limits gives (a mill quotes no plate it cannot roll); sizes rounded as an
        order states them."""
        t = round(min(t, self.sc.grades[grade].max_thickness_mm), 1)
        w = round(w, 0)
        return t, w, round(min(ln, self.slabs.max_plate_length_mm(t, w)), 0)

    def _size(self, rng: np.random.Generator, grade: str) -> tuple[float, float, float]:
        o = self.sc.orders
        t = float(o.thickness_mm.draw(rng, 1)[0])
        w = float(o.width_mm.draw(rng, 1)[0])
        ln = float(o.length_mm.draw(rng, 1)[0])
        return self._sized(grade, t, w, ln)

    def generate(self, horizon_min: float) -> Iterator[Order]:
        """Orders arriving from −BACKLOG_DAYS to the horizon, in arrival order, made as they
        are asked for: a run holds the order book, not every order of its horizon (memory
        does not grow with the run's length; the draws are the same, each attribute having
        its own stream)."""
        t = -BACKLOG_DAYS * 1440.0
        n = 0
        book_t, book_at = 0.0, 0.0  # tonnes in the book ahead, and when they were counted
        cap_per_min = self.sc.orders.capacity_t_per_day / 1440.0
        while True:
            t += self._gap()
            if t > horizon_min:
                return
            n += 1
            grade = self.grades[int(self._grade())]
            th, w, ln = self._sized(grade, self._thickness(), self._width(), self._length())
            qty = max(1, round(self._quantity()))
            ut = self.ut[int(self._ut())]
            now = max(t, 0.0)  # the plant works the book from the run's start
            book_t = max(0.0, book_t - cap_per_min * (now - book_at))
            book_at = now
            due = now + book_t / cap_per_min + self._due() * 1440.0
            order = Order(f"O{n:06d}", grade, th, w, ln, qty, ut, t, due)
            book_t += order.plate_mass_t * qty
            order.customer, order.customer_po, order.customer_item = synthetic_customer(n)
            yield order

    def stock(self, grade: str, above_mm: float, upto_mm: float, now: float) -> Order:
        """A stock-fill order line for a heat make-up (a grade and its gauge class over
        ``above_mm`` up to ``upto_mm``): a standard plate of the product mix in that gauge
        range, no UT class, no due date."""
        self._stock_n += 1
        for _ in range(1000):
            th, w, ln = self._size(self.stock_rng, grade)
            if above_mm < th <= upto_mm:
                break
        else:
            th, w, ln = self._sized(grade, upto_mm, w, ln)  # length capped at this gauge
        return Order(
            f"STOCK-{grade}-{self._stock_n:05d}",
            grade,
            th,
            w,
            ln,
            4,
            "none",
            now,
            math.inf,
            stock=True,
        )

    def stock_plates(self, grade: str, t: float, w: float, ln: float, n: int, now: float) -> Order:
        """A stock order line of ``n`` plates of the given size: the surplus of a slab
        completed to the minimum slab length or mass."""
        self._stock_n += 1
        return Order(
            f"STOCK-{grade}-{self._stock_n:05d}", grade, t, w, ln, n, "none", now, math.inf,
            stock=True,
        )  # fmt: skip


SYNTHETIC_CUSTOMERS = 25
"""Generated orders are spread over this many synthetic customers (labelled assumption: a
plate mill's wear-plate book has a few dozen regular buyers)."""


def synthetic_customer(n: int) -> tuple[str, str, str]:
    """(customer, purchase order, item) of generated order number ``n``: no random draw, so
    the order stream and every other draw stay as they were."""
    return f"Customer {1 + (7 * n) % SYNTHETIC_CUSTOMERS:02d}", f"PO-{n:06d}", "1"


def read_orders_csv(path: str | Path, sc: Scenario) -> list[Order]:
    """Read and validate an orders CSV (columns ``CSV_COLUMNS``); days are from run start."""
    path = Path(path)
    try:
        return _read_orders(path, sc)
    except UnicodeDecodeError:
        raise ScenarioError([f"{path}: not a UTF-8 text file"]) from None
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read ({exc.strerror or exc})"]) from None


def _read_orders(path: Path, sc: Scenario) -> list[Order]:
    errors: list[str] = []
    out: list[Order] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ScenarioError([f"{path}: missing column(s): {', '.join(missing)}"])
        for line, row in enumerate(reader, start=2):
            where = f"{path.name} line {line}"
            try:
                order = _row_to_order(row, sc)
            except ValueError as exc:
                errors.append(f"{where}: {exc}")
                continue
            out.append(order)
    if errors:
        raise ScenarioError(
            errors[:20] + ([f"... {len(errors) - 20} more"] if len(errors) > 20 else [])
        )
    if not out:
        raise ScenarioError([f"{path}: no orders"])
    out.sort(key=lambda o: (o.arrival_min, o.order_id))
    return out


def _num(row: dict[str, str], col: str, lo: float, hi: float) -> float:
    try:
        v = float(row[col])
    except (TypeError, ValueError):
        raise ValueError(f"{col}: {row[col]!r} is not a number") from None
    if not lo <= v <= hi:
        raise ValueError(f"{col}: must be between {lo:g} and {hi:g}")
    return v


def _row_to_order(row: dict[str, str], sc: Scenario) -> Order:
    grade = (row["grade"] or "").strip()
    if grade not in sc.grades:
        raise ValueError(f"grade: {grade!r} is not defined in the scenario's grades")
    ut = (row["ut_class"] or "none").strip()
    if ut != "none" and not is_ut_class(ut):
        raise ValueError(f"ut_class: {ut!r} is not a UT class (S0E0..S3E4, A578A/B/C, none)")
    t = _num(row, "thickness_mm", 3, sc.grades[grade].max_thickness_mm)
    w = _num(row, "width_mm", 500, 4000)
    ln = _num(row, "length_mm", 1000, 24_000)
    longest = SlabDesign(sc).max_plate_length_mm(t, w)
    if ln > longest:
        raise ValueError(
            f"length_mm: {ln:g} mm is longer than the {longest:g} mm one slab inside the "
            f"caster's limits gives at {t:g} × {w:g} mm"
        )
    qty = _num(row, "quantity", 1, 10_000)
    if not qty.is_integer():
        raise ValueError("quantity: must be a whole number")
    arrival = _num(row, "arrival_day", -365, 3650)
    due = _num(row, "due_day", -365, 3650)
    if due < arrival:
        raise ValueError("due_day: must not be before arrival_day")
    oid = (row["order_id"] or "").strip()
    if not oid:
        raise ValueError("order_id: empty")
    order = Order(oid, grade, t, w, ln, int(qty), ut, arrival * 1440.0, due * 1440.0)
    # optional columns: who ordered it (shown on the 3.1 certificate)
    order.customer = (row.get("customer") or "").strip()
    order.customer_po = (row.get("customer_po") or "").strip()
    order.customer_item = (row.get("customer_item") or "").strip()
    return order
