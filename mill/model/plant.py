"""The plant: builds the SimPy environment, units, random streams and trace writers from a
scenario, starts the order book, planner and breakdowns, and runs to the horizon.

The stage processes live in their own modules (``steelmaking``, ``rolling``, ``finishing``,
``inspection``); they receive this object as their context.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import simpy

from mill.distributions import Sampler, _Spec, exponential
from mill.model.ledger import Ledger
from mill.model.metallurgy import Metallurgy
from mill.model.orders import OrderGenerator, read_orders_csv
from mill.model.planning import OrderBook, Planner
from mill.model.steelmaking import release_process
from mill.model.units import Unit
from mill.rng import Streams
from mill.scenario import Scenario
from mill.scenario.plant import Unit as UnitSpec
from mill.scenario.quality import Rule
from mill.trace.folder import RunFolder


class Plant:
    """Everything one run needs, wired together."""

    def __init__(self, sc: Scenario, folder: RunFolder) -> None:
        self.sc = sc
        self.folder = folder
        self.env = simpy.Environment()
        self.streams = Streams(sc.run.seed)
        self.horizon = sc.run.horizon_days * 1440.0
        self.warmup = sc.run.warmup_days * 1440.0
        self.ledger = Ledger(self)
        self.metallurgy = Metallurgy(self)
        self.units: dict[str, Unit] = {}
        self._samplers: dict[str, Sampler] = {}
        self._time_samplers: dict[str, Callable[[], float]] = {}
        p = sc.plant
        specs: dict[str, UnitSpec] = {
            "converter": p.converter,
            "ladle_furnace": p.ladle_furnace,
            "degasser": p.degasser,
            "caster": p.caster,
            "reheat_furnace": p.reheat_furnace,
            "plate_mill": p.plate_mill,
            "hot_leveller": p.hot_leveller,
            "cooling_bed": p.cooling_bed,
            "shear_line": p.shear_line,
            "austenitising_furnace": p.austenitising_furnace,
            "quench": p.quench,
            "tempering_furnace": p.tempering_furnace,
            "leveller": p.leveller,
            "ut": p.ut,
            "manual_ut": p.manual_ut,
            "lab": p.lab,
            "final_inspection": p.final_inspection,
        }
        self.specs = specs
        for name, spec in specs.items():
            self._add_unit(name, spec.capacity, spec)
        self._add_unit("plasma", p.cutting.plasma_tables, p.cutting)
        self._add_unit("oxyfuel", p.cutting.oxyfuel_tables, p.cutting)
        self.book = OrderBook({g: sc.grades[g].heavy_gauge_above_mm for g in sc.grades})
        self.order_gen = OrderGenerator(sc, self.streams)
        self.planner = Planner(sc, self.book, self.order_gen)
        # the scenario is fixed for the run: its rule list keyed once, not per plate
        self.disposition_rules: dict[str, Rule] = {
            r.condition: r for r in sc.quality.disposition.rules
        }
        self.heat_counter = 0
        self.sequence_counter = 0
        # set by the run: row writers, the lab and the UT settings
        self.records: Any = None
        self.lab: Any = None
        self.metallurgy_ut: Any = None

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

    def sampler(self, purpose: str, spec: _Spec) -> Callable[[], float]:
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

    # ---- running -----------------------------------------------------------------------
    def _orders(self) -> list:
        o = self.sc.orders
        if o.source == "csv" and o.csv:
            return read_orders_csv(o.csv, self.sc)
        return self.order_gen.generate(self.horizon)

    def _order_arrivals(self, orders: list) -> simpy.events.ProcessGenerator:
        for order in orders:
            if order.arrival_min > self.env.now:
                yield self.env.timeout(order.arrival_min - self.env.now)
            self.book.add(order)

    def run(self, progress: Callable[[float, int], None] | None = None) -> None:
        """Simulate to the horizon; ``progress(now_min, plates_disposed)`` is called every
        simulated hour."""
        self.env.process(self._order_arrivals(self._orders()))
        self.env.process(release_process(self))
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
