"""Queueing-theory validation: the plant run as an open Jackson network.

``scenarios/tandem_validation.toml`` turns the plant into a tandem line of single-server FIFO
stations: heats arrive as a Poisson stream with rate λ, every unit has one server with
exponential process times of rate μ, nothing breaks down, nothing blocks, and one heat makes
exactly one slab, one mother plate and one product plate, so every job follows the same
route. Each station is then an M/M/1 node (Burke's theorem: the output of an M/M/1 queue is
again Poisson), and over a long run each station must show

    utilisation           ρ = Λ / μ
    mean time in system   W = 1 / (μ − Λ)        (per visit)
    Little's law          L = Λ · W

where Λ = visits per job × λ is the station's own arrival rate. Every station is visited once
per job except the lab, which tests each plate twice (hardness, then Charpy): Λ_lab = 2λ.
Both lab visits join the back of the same FIFO queue and take the same exponential test time,
which makes the line a Kelly network (fixed routes, FIFO, class-independent exponential
service): it keeps the product form, so the lab is an M/M/1 node with arrival rate 2λ and
each visit's mean time in system is 1/(μ − 2λ). ``test_route`` checks from events.csv that
every job really takes this route, which is what entitles us to the formulas.

How close must the simulation come? The relative standard error of a mean sojourn over N
jobs at an M/M/1 node is about sqrt(2(1 + ρ) / ((1 − ρ)² N)) (Whitt 1989, "Planning queueing
simulations"; Lindley-recursion replications give 10–25 % less). The default run has
N ≈ 19 400 jobs and 0.25 ≤ ρ ≤ 0.4, so that error is ≤ 2.0 %: a 6 % tolerance on W is ≥ 3
standard errors at the busiest nodes and ≥ 4 at the quietest (a node at ρ = 0.8 would need
11× the run for the same tolerance, more than a unit test can spend). A utilisation is a sum
of N exponential service times over a Poisson count, relative error ≈ sqrt(2 / N) = 1.0 %:
4 % is 4 standard errors (the arrival count's luck is shared by every station, so their
utilisation errors move together).

Rather than trust the formula, each test also measures the batch-means standard error of its
own run and checks that the tolerance is at least the 95 % confidence half-width (2 standard
errors): a run too short for its tolerance fails loudly instead of passing by luck. Little's
law compares two independent records of the same run — the unit's own time-integral of
pieces present (summary.json) against Λ̂·Ŵ from the visit rows (events.csv) — and holds to
rounding and window edges: 1 %.

The run takes 30–50 s. Set MILL_VALIDATION_DAYS (e.g. 1000) for a longer run.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mill.model import run_scenario
from mill.scenario import Scenario, load_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "tandem_validation.toml"
HORIZON_DAYS = float(os.environ.get("MILL_VALIDATION_DAYS", "170"))
"""170 days at λ = 0.08 per min: ≈ 19 400 jobs after the warm-up, 30–50 s of simulation."""

ROUTE: tuple[tuple[str, str], ...] = (
    ("converter", "heat"),
    ("ladle_furnace", "heat"),
    ("degasser", "heat"),
    ("caster", "heat"),
    ("reheat_furnace", "slab"),
    ("plate_mill", "slab"),
    ("hot_leveller", "slab"),
    ("cooling_bed", "slab"),
    ("shear_line", "slab"),
    ("austenitising_furnace", "mother"),
    ("quench", "mother"),
    ("tempering_furnace", "mother"),
    ("leveller", "mother"),
    ("plasma", "mother"),
    ("ut", "plate"),
    ("lab", "plate"),  # hardness test
    ("lab", "plate"),  # Charpy set
    ("final_inspection", "plate"),
)
"""(unit, entity kind) of each visit of a job, in order: heat → slab → mother → plate."""

ROUTE_UNITS: tuple[str, ...] = tuple(unit for unit, _ in ROUTE)
STATIONS: tuple[str, ...] = tuple(dict.fromkeys(ROUTE_UNITS))
VISITS: dict[str, int] = {u: ROUTE_UNITS.count(u) for u in STATIONS}
"""Visits per job: 1 everywhere, 2 at the lab."""

REL_TOL_W = 0.06
"""Mean time in system vs 1/(μ − Λ): ≥ 3 standard errors at ρ = 0.4 for 19 400 jobs."""
REL_TOL_RHO = 0.04
"""Utilisation vs Λ/μ: 4 standard errors (≈ sqrt(2/N) = 1.0 %)."""
REL_TOL_LITTLE = 0.01
"""L vs Λ̂·Ŵ on the same run: rounding (L to 0.001) and window edges only."""
BATCHES = 20
"""Batch means: the window's visits in 20 consecutive batches by arrival time."""
TAIL_MIN = 720.0
"""Visits still inside a unit at the horizon are not in events.csv; arrivals in the last 12 h
are left out so that none is missing (P(a visit lasts > 12 h) < e⁻⁵⁰ at these rates)."""


@dataclass(frozen=True)
class Theory:
    """Jackson-network prediction for one station."""

    arrival_rate: float  # Λ = visits per job × λ, per minute
    service_rate: float  # μ, per minute

    @property
    def utilisation(self) -> float:
        return self.arrival_rate / self.service_rate

    @property
    def time_in_system(self) -> float:
        return 1.0 / (self.service_rate - self.arrival_rate)


@dataclass(frozen=True)
class Observed:
    """What the run shows for one station, after the warm-up."""

    visits: int
    time_in_system: float  # Ŵ, mean of end_min − arrive_min
    time_in_system_se: float  # its batch-means standard error
    arrival_rate: float  # Λ̂, visits per minute of the window
    utilisation: float  # summary.json: busy server-minutes / window
    utilisation_se: float  # batch-means standard error of the busy fraction (from events)
    mean_in_unit: float  # summary.json: time-average of pieces present (L)


def mean_process_time(sc: Scenario, unit: str) -> float:
    """The scenario's mean process time of a unit (plasma tables use the cutting table)."""
    spec = sc.plant.cutting if unit == "plasma" else getattr(sc.plant, unit)
    return spec.time_min.mean()


def theory(sc: Scenario, unit: str) -> Theory:
    """Λ = visits × λ with λ = 1/mean interarrival time; μ = 1/mean process time."""
    job_rate = 1.0 / sc.planning.interarrival_min.mean()
    return Theory(VISITS[unit] * job_rate, 1.0 / mean_process_time(sc, unit))


@dataclass(frozen=True)
class Run:
    sc: Scenario
    events: pd.DataFrame
    plates: pd.DataFrame
    observed: dict[str, Observed]


def observe(events: pd.DataFrame, summary: dict, start: float, end: float) -> dict[str, Observed]:
    """Per station: visits arriving in [start, end), their mean sojourn and its batch-means
    standard error, the arrival rate, and the unit's own utilisation and L from summary."""
    window = events[(events.arrive_min >= start) & (events.arrive_min < end)]
    out: dict[str, Observed] = {}
    for unit, visits in window.groupby("unit", observed=True):
        sojourn = visits.end_min - visits.arrive_min
        batch = np.minimum(
            ((visits.arrive_min - start) / (end - start) * BATCHES).astype(int), BATCHES - 1
        )
        batch_means = sojourn.groupby(batch).mean()
        busy = (visits.end_min - visits.start_min).groupby(batch).sum() * BATCHES / (end - start)
        stats = summary["utilisation"][unit]
        out[str(unit)] = Observed(
            visits=len(visits),
            time_in_system=float(sojourn.mean()),
            time_in_system_se=float(batch_means.std(ddof=1) / math.sqrt(len(batch_means))),
            arrival_rate=len(visits) / (end - start),
            utilisation=stats["utilisation"],
            utilisation_se=float(busy.std(ddof=1) / math.sqrt(len(busy))),
            mean_in_unit=stats["mean_in_unit"],
        )
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    sc = load_scenario(SCENARIO, [f"run.horizon_days={HORIZON_DAYS}"])
    result = run_scenario(sc, tmp_path_factory.mktemp("jackson") / "run")
    assert result.invariants["ok"], result.invariants
    events = pd.read_csv(
        result.path / "events.csv",
        usecols=["entity_id", "entity_kind", "unit", "arrive_min", "start_min", "end_min"],
        dtype={"unit": "category", "entity_kind": "category"},
    )
    plates = pd.read_csv(result.path / "plates.csv", usecols=["plate_id", "disposition"])
    summary = json.loads((result.path / "summary.json").read_text())
    start = summary["window"]["start_min"]
    end = summary["window"]["end_min"] - TAIL_MIN
    return Run(sc, events, plates, observe(events, summary, start, end))


def test_route(run: Run) -> None:
    """Every finished job visited exactly ROUTE, in order: one heat, one slab, one mother
    plate and one product plate per job, no manual UT, no oxy-fuel, no rework, all prime."""
    done = run.plates[run.plates.disposition != "wip"]
    assert len(done) > 0.95 * len(run.plates)
    assert (done.disposition == "prime").all(), done.disposition.value_counts()
    assert done.plate_id.str.endswith("-S01-M1-P1").all(), "a heat made more than one plate"

    ev = run.events.assign(job=run.events.entity_id.str.split("-", n=1).str[0])
    ev = ev[ev.job.isin(set(done.plate_id.str.split("-", n=1).str[0]))]
    ev = ev.sort_values(["job", "arrive_min", "end_min"], kind="stable")
    per_job = ev.groupby("job").size()
    assert len(per_job) == len(done)
    assert (per_job == len(ROUTE)).all(), per_job.value_counts()
    visited = ev[["unit", "entity_kind"]].astype(str).to_numpy().reshape(len(done), len(ROUTE), 2)
    off_route = (visited != np.array(ROUTE)).any(axis=(1, 2))
    assert not off_route.any(), f"{off_route.sum()} jobs off ROUTE, e.g. {visited[off_route][0]}"


@pytest.mark.parametrize("unit", STATIONS)
def test_utilisation_is_arrival_rate_over_service_rate(run: Run, unit: str) -> None:
    """ρ = Λ/μ (the lab: Λ = 2λ); the run is long enough for the tolerance (batch means)."""
    expected = theory(run.sc, unit).utilisation
    obs = run.observed[unit]
    assert 0.25 - 1e-9 <= expected <= 0.4 + 1e-9, "ρ outside 0.25–0.4: the tolerances assume it"
    half_width_95 = 2.0 * obs.utilisation_se / expected
    assert half_width_95 <= REL_TOL_RHO, (
        f"{unit}: run too short: 95 % CI ±{half_width_95:.1%} is wider than the tolerance"
    )
    assert obs.utilisation == pytest.approx(expected, rel=REL_TOL_RHO), (
        f"{unit}: ρ {obs.utilisation:.4f} vs theory {expected:.4f} (±{half_width_95:.1%} at 95 %)"
    )


@pytest.mark.parametrize("unit", STATIONS)
def test_mean_time_in_system_is_one_over_mu_minus_lambda(run: Run, unit: str) -> None:
    """W = 1/(μ − Λ) per visit; the run is long enough for the tolerance (batch means)."""
    expected = theory(run.sc, unit).time_in_system
    obs = run.observed[unit]
    half_width_95 = 2.0 * obs.time_in_system_se / expected
    assert half_width_95 <= REL_TOL_W, (
        f"{unit}: run too short: 95 % CI ±{half_width_95:.1%} is wider than the tolerance"
    )
    assert obs.time_in_system == pytest.approx(expected, rel=REL_TOL_W), (
        f"{unit}: W {obs.time_in_system:.3f} min vs theory {expected:.3f} min "
        f"(±{half_width_95:.1%} at 95 %, {obs.visits} visits)"
    )


@pytest.mark.parametrize("unit", STATIONS)
def test_littles_law(run: Run, unit: str) -> None:
    """L (the unit's time-average of pieces present) = Λ̂ · Ŵ (from the visit rows)."""
    obs = run.observed[unit]
    lw = obs.arrival_rate * obs.time_in_system
    assert obs.mean_in_unit == pytest.approx(lw, rel=REL_TOL_LITTLE), f"{unit}: L vs ΛW"
