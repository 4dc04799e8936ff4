"""Planning: the order book, and orders → mother plates → slabs → heats → cast sequences.

A product plate is laid out on a mother plate in a grid (up to two across the width when
the mill is wide enough); a slab is sized so that, after scale loss, it rolls into its
mother plates plus head/tail crop and side trim (``slab_design``); slabs of one grade fill a
heat to the converter's heat size. Labelled assumption: one order per mother plate (no mixed
nesting), which under-states the yield a nesting optimiser would reach.

No slab leaves planning outside the caster's and the mill's limits (``plant.caster``
slab_length_min/max_mm, slab_mass_min/max_t): a mother plate joins a slab only while the slab
stays under the maxima and can still be brought up to the minima; a slab short of them is
completed with plates of the same thickness from other open orders of its make-up, then with
stock plates (as a mill rolls a short slab's surplus to stock).
"""

from __future__ import annotations

import math
from collections import deque

from mill.model.aims import Aims
from mill.model.entities import HeatPlan, MotherPlan, Order, SlabPlan, mass_t
from mill.model.orders import OrderGenerator
from mill.model.slab_design import EDGE_ALLOWANCE_MM, SlabDesign
from mill.scenario import Scenario

MAX_ACROSS = 2
STOCK_PLATE_MAX_MM = 12_000.0
"""Stock plates that complete a short slab are cut at most this long (the product mix's
longest plate, ``orders.length_mm``)."""


Key = tuple[str, int]
"""A heat's make-up: (grade, gauge class). Each gauge class is cast from its designed aim."""


class OrderBook:
    """Open order lines per heat make-up, in arrival order, with the plates still to plan."""

    def __init__(self, aims: Aims) -> None:
        self.aims = aims
        self.lines: dict[Key, deque[list[object]]] = {}
        self.open_t: dict[Key, float] = {}

    def key(self, order: Order) -> Key:
        """The heat make-up an order's plates are cast in."""
        return order.grade, self.aims.index(order.grade, order.thickness_mm)

    def add(self, order: Order) -> None:
        k = self.key(order)
        self.lines.setdefault(k, deque()).append([order, order.quantity])
        self.open_t[k] = self.open_t.get(k, 0.0) + order.plate_mass_t * order.quantity

    def most_open(self) -> Key | None:
        """The make-up with the most open tonnes (ties: sorted order, for determinism)."""
        best = None
        for k in sorted(self.open_t):
            if self.open_t[k] > 1e-9 and (best is None or self.open_t[k] > self.open_t[best]):
                best = k
        return best

    def longest_waiting(self, now: float, max_wait_min: float) -> Key | None:
        """The make-up whose oldest open order has waited ``max_wait_min`` or longer since
        it arrived (orders in hand at the start arrived before it), the earliest due first;
        None if none has. Stock lines never wait."""
        best: tuple[float, Key] | None = None
        for k in sorted(self.lines):
            q = self.lines[k]
            if not q or self.open_t.get(k, 0.0) <= 1e-9:
                continue
            oldest = q[0][0]
            assert isinstance(oldest, Order)
            if oldest.stock or now - oldest.arrival_min < max_wait_min:
                continue
            if best is None or oldest.due_min < best[0]:
                best = (oldest.due_min, k)
        return None if best is None else best[1]

    def take(self, key: Key, max_plates: int) -> tuple[Order, int] | None:
        """Take up to ``max_plates`` plates of the first open line of ``key``."""
        q = self.lines.get(key)
        if not q:
            return None
        line = q[0]
        order, left = line[0], line[1]
        assert isinstance(order, Order) and isinstance(left, int)
        n = min(left, max_plates)
        line[1] = left - n
        if left - n == 0:
            q.popleft()
        self.open_t[key] -= order.plate_mass_t * n
        return order, n

    def take_thickness(self, key: Key, t: float, max_plates: int) -> tuple[Order, int] | None:
        """Take up to ``max_plates`` plates of the first open line of ``key`` whose plates are
        ``t`` thick (to complete a short slab)."""
        q = self.lines.get(key)
        if not q:
            return None
        for i, line in enumerate(q):
            order, left = line[0], line[1]
            assert isinstance(order, Order) and isinstance(left, int)
            if order.thickness_mm != t:
                continue
            n = min(left, max_plates)
            line[1] = left - n
            if left - n == 0:
                del q[i]
            self.open_t[key] -= order.plate_mass_t * n
            return order, n
        return None

    def put_back(self, order: Order, n: int) -> None:
        """Return plates taken but not planned (to the front of the queue)."""
        k = self.key(order)
        self.lines.setdefault(k, deque()).appendleft([order, n])
        self.open_t[k] = self.open_t.get(k, 0.0) + order.plate_mass_t * n


class Planner:
    """Designs mother plates, slabs and heats for one cast sequence at a time."""

    def __init__(self, sc: Scenario, book: OrderBook, orders: OrderGenerator) -> None:
        self.sc = sc
        self.book = book
        self.orders = orders
        p = sc.plant
        self.side_trim = p.shear_line.side_trim_mm
        self.crop = p.shear_line.crop_mm
        self.kerf = max(p.cutting.plasma_kerf_mm, p.cutting.oxyfuel_kerf_mm)
        self.max_rolled_w = p.plate_mill.max_width_mm
        self.scale = p.plate_mill.scale_loss_pct / 100.0
        self.design = SlabDesign(sc)

    # ---- mother plates -----------------------------------------------------------------
    def _mother(self, order: Order, n: int) -> tuple[MotherPlan, int]:
        """Lay out up to ``n`` plates of ``order`` on one mother plate; returns (plan, used)."""
        sc = self.sc.planning
        w, ln = order.width_mm, order.length_mm
        usable_w = self.max_rolled_w - 2 * self.side_trim - 2 * EDGE_ALLOWANCE_MM
        across = max(
            1,
            min(
                MAX_ACROSS,
                int((usable_w + self.kerf) // (w + self.kerf)),
                n,
                sc.max_products_per_mother,
            ),
        )
        # length budget: the mother-plate limit and the slab it must come from
        max_len = sc.mother_max_length_mm - 2 * EDGE_ALLOWANCE_MM
        along_max = max(1, int((max_len + self.kerf) // (ln + self.kerf)))
        while True:
            along = min(along_max, math.ceil(n / across), sc.max_products_per_mother // across or 1)
            along = max(1, min(along, self._along_bound(order, across) + 2))
            while along > 1 and self.design.too_big(self._grid(order, across, along)):
                along -= 1
            # one row of two plates across too heavy or long for a slab: one across
            if across == 1 or not self.design.too_big(self._grid(order, across, along)):
                break
            across -= 1
        count = min(n, across * along, sc.max_products_per_mother)
        along = math.ceil(count / across)  # a partly filled last row shrinks the grid
        plan = self._grid_mother(order, across, along, count)
        return plan, count

    def _along_bound(self, order: Order, across: int) -> int:
        """Rows along whose grid slab is about the caster's longest: the slab length is linear
        in the rows (``_slab``), so this solves for it directly. The caller checks from two
        rows above it downwards, so float rounding here cannot change its answer; it only
        spares trying every row count from the mother-plate limit down."""
        # the slab's width and the rolled width do not depend on the rows: take them from a
        # one-row grid, as ``_slab`` makes them
        one_row = self._grid(order, across, 1)
        rw, sw = one_row.rolled_width_mm, one_row.width_mm
        # slab length = t·rw·rl / ((1 − scale)·slab_t·sw), rl = along·(ln + kerf) − kerf + edges
        st = one_row.thickness_mm
        longest = self.design.longest_mm(st, sw)
        rl_max = longest * (1.0 - self.scale) * st * sw / (order.thickness_mm * rw)
        fixed = 2 * EDGE_ALLOWANCE_MM + 2 * self.crop - self.kerf
        return max(0, int((rl_max - fixed) // (order.length_mm + self.kerf)))

    def _grid_mother(self, order: Order, across: int, along: int, count: int) -> MotherPlan:
        """A mother plate holding ``count`` plates of ``order`` in an across × along grid."""
        mw = across * order.width_mm + (across - 1) * self.kerf + 2 * EDGE_ALLOWANCE_MM
        ml = along * order.length_mm + (along - 1) * self.kerf + 2 * EDGE_ALLOWANCE_MM
        return MotherPlan(order, across, along, count, mw, ml)

    def _grid(self, order: Order, across: int, along: int) -> SlabPlan:
        """The slab a full across × along grid of ``order`` would need on its own."""
        mother = self._grid_mother(order, across, along, across * along)
        return self._slab([mother], order.thickness_mm)

    # ---- slabs -------------------------------------------------------------------------
    def _slab(self, mothers: list[MotherPlan], t: float) -> SlabPlan:
        return self.design.slab(mothers, t)

    def _stock_slots(self, slab: SlabPlan) -> int:
        """Stock mother plates a slab short of the minima needs (0 when it is not short)."""
        lack = self.design.short_by_mm(slab)
        if lack <= 0.0:
            return 0
        return math.ceil(lack / (self.sc.planning.mother_max_length_mm - 2 * EDGE_ALLOWANCE_MM))

    def _fits(self, mothers: list[MotherPlan], extra: MotherPlan, t: float) -> bool:
        """The extra mother plate may join: the slab stays inside the maxima and, if it is
        still short, has mother-plate places and rolled length left to be completed."""
        trial = self._slab([*mothers, extra], t)
        slots = self.sc.planning.max_mother_plates_per_slab - len(mothers) - 1
        if slots < 0 or self.design.too_big(trial):
            return False
        rolled_max = self.sc.plant.plate_mill.max_length_mm
        if trial.rolled_length_mm > rolled_max:
            return False
        lack = self.design.short_by_mm(trial)
        return self._stock_slots(trial) <= slots and trial.rolled_length_mm + lack <= rolled_max

    def _complete(self, mothers: list[MotherPlan], key: Key, now: float) -> list[MotherPlan]:
        """A slab short of the minimum length or mass, completed with plates of its thickness
        from other open orders of its make-up, then with stock plates."""
        t = mothers[0].order.thickness_mm
        per_mother = self.sc.planning.max_products_per_mother * MAX_ACROSS
        while self.design.short_by_mm(self._slab(mothers, t)) > 0.0:
            taken = self.book.take_thickness(key, t, per_mother)
            if taken is None:
                break
            order, n = taken
            mother, used = self._mother(order, n)
            if not self._fits(mothers, mother, t):
                self.book.put_back(order, n)
                break
            if used < n:
                self.book.put_back(order, n - used)
            mothers = [*mothers, mother]
        while (lack := self.design.short_by_mm(self._slab(mothers, t))) > 0.0:
            if not self.sc.planning.stock_fill:
                break  # no stock: the slab stays short, and the slab_limits invariant says so
            if len(mothers) >= self.sc.planning.max_mother_plates_per_slab:
                break  # cannot happen when _fits admitted every mother (the invariant says)
            mothers = [*mothers, self._stock_mother(mothers, key, lack, now)]
        return mothers

    def _stock_mother(
        self, mothers: list[MotherPlan], key: Key, lack_mm: float, now: float
    ) -> MotherPlan:
        """A mother plate of stock plates as wide as the slab's widest mother plate, long
        enough to supply ``lack_mm`` of rolled length (up to the mother-plate limit)."""
        t = mothers[0].order.thickness_mm
        width = max(m.width_mm for m in mothers) - 2 * EDGE_ALLOWANCE_MM
        length = min(lack_mm, self.sc.planning.mother_max_length_mm - 2 * EDGE_ALLOWANCE_MM)
        along = math.ceil(length / STOCK_PLATE_MAX_MM)
        piece = math.ceil((length - (along - 1) * self.kerf) / along / 10.0) * 10.0
        order = self.orders.stock_plates(key[0], t, width, piece, along, now)
        return self._grid_mother(order, 1, along, along)

    # ---- heats -------------------------------------------------------------------------
    def plan_heat(self, key: Key, now: float) -> HeatPlan:
        """Fill one heat of make-up ``key`` with slabs for open orders (stock fill if short).

        Mother plates of one thickness share a slab while it stays within the caster's
        slab length and the mill's plate length; the heat closes when its cast tonnes
        reach the converter's heat size times the casting yield (3 % overshoot allowed).
        """
        conv = self.sc.plant.converter
        target = conv.heat_size_t * conv.casting_yield_pct / 100.0
        max_slabs = self.sc.planning.max_slabs_per_heat
        slabs: list[SlabPlan] = []
        closed_t = 0.0
        current: list[MotherPlan] = []
        while True:
            taken = self.book.take(key, self.sc.planning.max_products_per_mother * MAX_ACROSS)
            if taken is None:
                if not self.sc.planning.stock_fill:
                    break
                d = self.book.aims.design(*key)
                self.book.add(self.orders.stock(key[0], d.above_mm, d.upto_mm, now))
                continue
            order, n = taken
            mother, used = self._mother(order, n)
            if used < n:
                self.book.put_back(order, n - used)
            t = order.thickness_mm
            joins = (
                bool(current)
                and current[0].order.thickness_mm == t
                and self._fits(current, mother, t)
            )
            open_t = self._mass(current) if current else 0.0
            after = closed_t + (
                self._mass([*current, mother]) if joins else open_t + self._mass([mother])
            )
            if (slabs or current) and after > 1.03 * target:
                self.book.put_back(order, used)
                break
            if not joins and current:
                current = self._complete(current, key, now)
                slabs.append(self._slab(current, current[0].order.thickness_mm))
                closed_t += self._mass(current)
                current = []
                if len(slabs) >= max_slabs:
                    self.book.put_back(order, used)
                    break
            current.append(mother)
            if closed_t + self._mass(current) >= target:
                break
        if current:
            current = self._complete(current, key, now)
            slabs.append(self._slab(current, current[0].order.thickness_mm))
        return HeatPlan(key[0], slabs, self.book.aims.design(*key))

    def _mass(self, mothers: list[MotherPlan]) -> float:
        """Mass of the slab these mother plates need."""
        s = self._slab(mothers, mothers[0].order.thickness_mm)
        return mass_t(s.thickness_mm, s.width_mm, s.length_mm)

    def plan_sequence(self, heats: int, now: float, default: Key) -> list[HeatPlan]:
        """Plan ``heats`` heats, each for the make-up with the most open tonnes (a mixed
        sequence of NM grades, as casters run them), fewer if the book runs dry. A make-up
        whose oldest order has waited ``planning.max_wait_days`` goes first (earliest due
        first), so the rarer grades and gauges are not starved by the common ones."""
        out: list[HeatPlan] = []
        max_wait = self.sc.planning.max_wait_days * 1440.0
        for _ in range(heats):
            key = (
                self.book.longest_waiting(now, max_wait)
                or self.book.most_open()
                or (default if self.sc.planning.stock_fill else None)
            )
            if key is None:
                break
            plan = self.plan_heat(key, now)
            if not plan.slabs:
                break
            out.append(plan)
        return out
