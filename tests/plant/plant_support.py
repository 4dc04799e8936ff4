"""A small plant whose every process time is a constant, so the tests can work out by hand
what each unit must take: the *hand plant*.

Its figures are chosen for easy arithmetic, not realism. Breakdowns are off and blocking is
off (a piece leaves a unit the moment its work ends), so an events.csv row lasts exactly its
process time. The orders come from a small CSV that is in hand at the start; stock fill is
off, so every plate belongs to one of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mill.model.run import RunResult, run_scenario
from mill.scenario import Scenario, load_scenario

HAND_TOML = """
[run]
name = "hand"
seed = 7
horizon_days = 2.0
warmup_days = 0.1

[planning]
stock_fill = false
heats_per_sequence = 2
max_products_per_mother = 2
max_mother_plates_per_slab = 2

[orders]
source = "csv"
csv = "orders.csv"

[plant]
blocking = false

[plant.converter]
time_min = 40
heat_size_t = 60

[plant.ladle_furnace]
time_min = 30

[plant.degasser]
time_min = 20

[plant.caster]
time_min = 5
strands = 2
slab_thicknesses_mm = [200]
slab_length_min_mm = 100
slab_length_max_mm = 4800
slab_mass_min_t = 0.1
slab_mass_max_t = 100
casting_speed_m_per_min = 1.0
turnaround_min = 60
superheat_c = 25

[plant.reheat_furnace]
capacity = 2
time_min = 10
residence_min_per_mm = 0.5
hot_charge_factor = 0.6
hot_charge_within_h = 0.5
discharge_temp_c = 1200
descale_pressure_bar = 200

[plant.plate_mill]
time_min = 1
reduction_per_pass = 0.4
pass_time_s = 6
reversal_s = 3

[plant.hot_leveller]
time_min = 2

[plant.cooling_bed]
time_min = 30

[plant.shear_line]
time_min = 2

[plant.austenitising_furnace]
time_min = 20
residence_min_per_mm = 1.8
temp_c = 900

[plant.quench]
time_min = 1
htc_w_m2k = 9000
uniformity = 1.0

[plant.tempering_furnace]
time_min = 30
residence_min_per_mm = 2.0
temp_scatter_c = 0

[plant.leveller]
time_min = 2

[plant.cutting]
time_min = 0
pierce_s = 6
handling_min = 5

[plant.ut]
time_min = 0.5
scan_speed_m_per_s = 0.5
raster_width_mm = 500

[plant.manual_ut]
time_min = 10

[plant.lab]
time_min = 30

[plant.final_inspection]
time_min = 3

[grades.NM400]
temper_temp_c = 220

[grades.NM450]
temper_temp_c = 205
"""

HAND_ORDERS = """\
order_id,grade,thickness_mm,width_mm,length_mm,quantity,ut_class,arrival_day,due_day
A1,NM400,10,1500,4000,6,S2E2,-1,10
A2,NM400,20,1500,4000,6,none,-1,10
A3,NM400,50,1500,4000,4,S2E2,-1,10
A4,NM450,20,2000,3000,4,S1E1,-1,10
A5,NM450,60,1500,4000,3,none,-1,10
"""


def shared_scope(broad: str) -> object:
    """The scope for a fixture holding a run: ``broad`` (module or session), except while
    mutmut collects which tests run which code (``MUTANT_UNDER_TEST=stats``). It credits the
    code a fixture runs to the first test that used it and later runs only the credited
    tests against a mutant, so there each test runs its own plant to be credited with all
    the code it checks; against the mutants the runs are shared again (fast)."""

    def scope(fixture_name: str, config: object) -> str:
        return "function" if os.environ.get("MUTANT_UNDER_TEST") == "stats" else broad

    return scope


def hand_scenario(folder: Path, overrides: list[str] | None = None) -> Scenario:
    """The hand plant's scenario, written into ``folder`` with its orders CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hand.toml").write_text(HAND_TOML, encoding="utf-8")
    (folder / "orders.csv").write_text(HAND_ORDERS, encoding="utf-8")
    return load_scenario(folder / "hand.toml", overrides)


@dataclass
class HandRun:
    """A finished hand-plant run: its scenario, result and tables (pandas, numbers parsed)."""

    path: Path
    scenario: Scenario
    result: RunResult

    def table(self, name: str) -> pd.DataFrame:
        return pd.read_csv(self.path / f"{name}.csv", low_memory=False)


def run_hand(folder: Path, overrides: list[str] | None = None) -> HandRun:
    """Run the hand plant (with ``overrides``) into ``folder / 'run'``."""
    sc = hand_scenario(folder, overrides)
    out = folder / "run"
    return HandRun(out, sc, run_scenario(sc, out))
