"""The plant: one run's SimPy environment, its units, random streams and trace writers, and the
systems that follow the steel (ledger, metallurgy, lab, records, planner), all built from the
scenario and complete when constructed.

The plant knows the route only as data (``mill.model.stage.Route``): when a stage hands on a
new piece, the plant starts whatever the route says comes next for that kind of piece. It
imports no stage, and the systems it builds do not import it (DESIGN.md: no import loop).
"""

from __future__ import annotations

import gc
import math
from collections import Counter
from collections.abc import Callable, Generator, Iterable
from datetime import timedelta
from typing import Any

import simpy

from mill.distributions import Sampler, Spec, exponential
from mill.model.aims import Aims
from mill.model.entities import Order, SlabPlan
from mill.model.lab import Lab
from mill.model.ledger import Ledger
from mill.model.metallurgy import Metallurgy, ut_settings
from mill.model.orders import OrderGenerator, read_orders_csv
from mill.model.planning import OrderBook, Planner
from mill.model.records import Records
from mill.model.stage import Process, Route
from mill.model.units import Unit
from mill.quality.detection import UTSettings
from mill.rng import Streams
from mill.scenario import Scenario
from mill.scenario.equipment import UnitSpec
from mill.scenario.quality import Rule
from mill.trace.folder import RunFolder


class Plant:
    """Everything one run needs, wired together."""

    def __init__(self, sc: Scenario, folder: RunFolder, route: Route) -> None:
        self.sc = sc
        self.folder = folder
        self.route = route
        self._legs: dict[str, tuple[Process, ...]] = route.legs()
        self.env = simpy.Environment()
        self.streams = Streams(sc.run.seed)
        self.horizon = sc.run.horizon_days * 1440.0
        self.warmup = sc.run.warmup_days * 1440.0
        self._samplers: dict[str, Sampler] = {}
        self._time_samplers: dict[str, Callable[[], float]] = {}
        self.specs: dict[str, UnitSpec] = {}
        self.units: dict[str, Unit] = {}
        units = sc.plant.units()
        # the cutting tables are built last, as they always were: each unit's breakdown process
        # starts as it is built, and that order fixes the order of simultaneous events
        for name in sorted(units, key=lambda n: n in ("plasma", "oxyfuel")):
            capacity, spec = units[name]
            self.specs[name] = spec
            self._add_unit(name, capacity, spec)
        self.records = Records(folder, sc, self.warmup, self.iso)
        self.lab = Lab(
            sc, self.env, self.streams, folder["tests"], self.units["lab"],
            lambda: self.base_time("lab"),
        )  # fmt: skip
        self.ledger = Ledger(self.env, self.warmup, folder["genealogy"], self.records, self.lab)
        self.metallurgy = Metallurgy(sc, self.streams)
        self.ut: UTSettings = ut_settings(sc)
        self.aims = Aims(sc)
        self.book = OrderBook(self.aims)
        self.order_gen = OrderGenerator(sc, self.streams)
        self.planner = Planner(sc, self.book, self.order_gen)
        self.slabs_checked = 0
        self.slab_violations: list[str] = []
        # the scenario is fixed for the run: its rule list keyed once, not per plate
        self.disposition_rules: dict[str, Rule] = {
            r.condition: r for r in sc.quality.disposition.rules
        }
        self.heat_counter = 0
        self.sequence_counter = 0
        self.regime_counts: Counter[str] = Counter()
        """What the inspection regimes did (flags, false calls, confirmations)."""
        # rolled since the last work-roll change: tonnes, km (stages/rolling.py)
        self.roll_wear = [0.0, 0.0]
        pm = sc.plant.plate_mill
        if "plate_mill" in self.units and (pm.roll_change_every_t or pm.roll_change_every_km):
            self.units["plate_mill"].fails = True
        self._planned = sc.calendar.stop_times(sc.run.start, self.horizon)
        for _, _, name, _ in self._planned:
            if name in self.units:
                self.units[name].fails = True

    def _add_unit(self, name: str, capacity: int, spec: UnitSpec) -> None:
        if capacity <= 0:
            return  # e.g. no plasma tables: every plate goes to oxy-fuel
        unit = Unit(
            self.env, name, capacity, self.folder["equipment"], self.folder["events"], self.warmup
        )
        self.units[name] = unit
        if spec.breakdown is not None:
            bd = spec.breakdown
            ttf = self.sampler(f"breakdown/{name}/ttf", exponential(bd.mtbf_h * 60.0))
            ttr = self.sampler(f"breakdown/{name}/ttr", bd.mttr_min)
            unit.fails = True
            self.env.process(unit.breakdowns(ttf, ttr))

    def sampler(self, purpose: str, spec: Spec) -> Callable[[], float]:
        """A block sampler of ``spec`` on the stream named ``purpose`` (one per purpose)."""
        s = self._samplers.get(purpose)
        if s is None:
            s = self.streams.sampler(purpose, spec)
            self._samplers[purpose] = s
        return s

    def base_time(self, unit: str) -> float:
        """A draw of the unit's base process time ``time_min``."""
        draw = self._time_samplers.get(unit)
        if draw is None:
            spec = self.specs.get(unit, self.sc.plant.cutting)
            draw = self._time_samplers[unit] = self.sampler(f"time/{unit}", spec.time_min)
        v = draw()
        return v if v > 0.0 else 0.0

    def check_slab(self, slab_id: str, plan: SlabPlan) -> None:
        """Note a cast slab outside the caster's and the mill's limits (the manifest's
        ``slab_limits`` invariant)."""
        self.slabs_checked += 1
        for what in self.planner.design.violations(plan):
            self.slab_violations.append(f"{slab_id}: {what}")

    def temper_soak_min(self, thickness_mm: float) -> float:
        """Tempering soak for a plate: base time plus per-mm soak (domain.md §1.5)."""
        tf = self.sc.plant.tempering_furnace
        soak = self.base_time("tempering_furnace")
        if tf.derived_time:
            soak += tf.residence_min_per_mm * thickness_mm
        return soak

    def iso(self, minutes: float) -> str:
        """ISO 8601 timestamp of a simulation time."""
        if not math.isfinite(minutes):
            return ""
        return (self.sc.run.start + timedelta(minutes=minutes)).isoformat(timespec="seconds")

    # ---- the route ---------------------------------------------------------------------
    def hand_on(self, kind: str, piece: Any) -> None:
        """Start the route's stages for a new piece of this kind (a heat, slab, mother plate or
        product plate), one after the other in a process of its own."""
        steps = self._legs.get(kind, ())
        if len(steps) == 1:
            self.env.process(steps[0](self, piece))
        elif steps:
            self.env.process(self._leg(steps, piece))

    def _leg(self, steps: tuple[Process, ...], piece: Any) -> Generator[Any, Any, None]:
        for step in steps:
            yield from step(self, piece)

    # ---- running -----------------------------------------------------------------------
    def _orders(self) -> Iterable[Order]:
        o = self.sc.orders
        if o.source == "csv" and o.csv:
            return read_orders_csv(o.csv, self.sc)
        return self.order_gen.generate(self.horizon)

    def _order_arrivals(self, orders: Iterable[Order]) -> simpy.events.ProcessGenerator:
        for order in orders:
            if order.arrival_min > self.env.now:
                yield self.env.timeout(order.arrival_min - self.env.now)
            self.book.add(order)

    def _calendar(self) -> simpy.events.ProcessGenerator:
        """Start each planned stop of the calendar at its time."""
        for at, minutes, name, reason in self._planned:
            unit = self.units.get(name)
            if unit is None:
                continue  # e.g. a stop for plasma tables the plant does not have
            if at > self.env.now:
                yield self.env.timeout(at - self.env.now)
            self.env.process(unit.stop(reason, minutes))

    def _split_units(self, _event: simpy.Event) -> None:
        for unit in self.units.values():
            unit.split()

    def run(self, progress: Callable[[float, int], None] | None = None) -> None:
        """Simulate to the horizon; ``progress(now_min, plates_disposed)`` is called every
        simulated hour."""
        self.env.process(self._order_arrivals(self._orders()))
        self.env.process(self.route.source(self))
        if self._planned:
            self.env.process(self._calendar())
        if 0.0 < self.warmup < self.horizon:
            # equipment.csv rows break at the end of the warm-up: the window is whole rows
            self.env.timeout(self.warmup).callbacks.append(self._split_units)
        # what exists now (scenario, plant, orders, modules) lives through the whole run: keep
        # it out of the cyclic collector's full passes (each one walks every live object).
        # Left alone if the host process froze objects itself (e.g. before forking workers).
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        try:
            if progress is None:
                self.env.run(until=self.horizon)
            else:
                step = 60.0
                t = 0.0
                while t < self.horizon:
                    t = min(t + step, self.horizon)
                    self.env.run(until=t)
                    progress(t, sum(self.ledger.plates_done.values()))
        finally:
            if freeze:
                gc.unfreeze()
        for unit in self.units.values():
            unit.close()
