"""The design: points (alternative × factor combination), their scenarios, the seeds, and the
validated plan an experiment runs.

A design point is one alternative crossed with one combination of factor levels (a full
factorial). Its scenario is the base scenario with, in this order, the experiment's ``set``
(and ``--set``), the alternative's ``set`` and the factor levels applied, each to the
effective scenario, as ``--set`` does.

Seeds: replication k (1, 2, ...) of every point runs with the same seed, derived from the
experiment seed and k alone (NumPy ``SeedSequence(seed, spawn_key=(k,))``), so points share
common random numbers, replications are independent streams, and a run's seed does not depend
on the worker count, the executor or the order in which runs finish (the pitfalls listed in
``reference/experiments.md``: forked workers sharing state, seeds by worker). A design may
therefore not set ``run.seed`` itself.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from mill import __version__
from mill.experiment.spec import Alternative, ExperimentFile
from mill.experiment.task import TABLES_READ, RunTask
from mill.model import check_scenario
from mill.scenario import Scenario, ScenarioError, load_scenario, scenario_hash, validate
from mill.scenario.load import apply_override

SEED_KEY = "run.seed"
"""Set by the design for every replication: a file or ``--set`` may not set it."""


@dataclass(frozen=True)
class DesignPoint:
    """One alternative × one factor combination."""

    index: int
    """1-based position in the design (alternatives outermost, then factors in file order)."""
    alternative: str
    """The alternative's name ("" when the experiment has none)."""
    factors: dict[str, Any] = field(default_factory=dict)
    """Factor key → level at this point."""
    overrides: dict[str, Any] = field(default_factory=dict)
    """Every override of the point, in the order applied."""
    label: str = ""
    """A readable name: the alternative and the factor levels ("base" when neither)."""

    @property
    def id(self) -> str:
        """Short id used in folder names and tables: ``p01``, ``p02``..."""
        return f"p{self.index:02d}"


def factor_names(keys: list[str]) -> dict[str, str]:
    """Each factor key's shortest dotted suffix that no other factor key ends with (so two
    factors ``grades.NM400.temper_temp_c`` and ``grades.NM450.temper_temp_c`` are labelled
    ``NM400.temper_temp_c`` and ``NM450.temper_temp_c``)."""
    names = {}
    for key in keys:
        parts = key.split(".")
        for n in range(1, len(parts) + 1):
            suffix = ".".join(parts[-n:])
            others = [k for k in keys if k != key]
            if not any(k == suffix or k.endswith("." + suffix) for k in others):
                names[key] = suffix
                break
        else:
            names[key] = key
    return names


def design_points(spec: ExperimentFile) -> list[DesignPoint]:
    """Every design point of the experiment, in a fixed order; a design that sets the run
    seed, or lets an alternative set a factor's key, raises ``ScenarioError``."""
    _check_design(spec)
    alternatives: list[Alternative | None] = list(spec.alternatives) or [None]
    keys = list(spec.factors)
    short = factor_names(keys)
    combos = list(itertools.product(*(spec.factors[k] for k in keys))) if keys else [()]
    points: list[DesignPoint] = []
    for alt in alternatives:
        for combo in combos:
            levels = dict(zip(keys, combo, strict=True))
            overrides = {**spec.experiment.set, **(alt.set if alt else {}), **levels}
            parts = [alt.name] if alt else []
            parts += [f"{short[k]}={v}" for k, v in levels.items()]
            points.append(
                DesignPoint(
                    len(points) + 1,
                    alt.name if alt else "",
                    levels,
                    overrides,
                    ", ".join(parts) or "base",
                )
            )
    return points


def _check_design(spec: ExperimentFile) -> None:
    problems = []
    if SEED_KEY in spec.experiment.set:
        problems.append(f"experiment.set: {SEED_KEY} is set by the design (experiment.seed)")
    for i, alt in enumerate(spec.alternatives):
        if SEED_KEY in alt.set:
            problems.append(f"alternatives.{i}.set: {SEED_KEY} is set by the design")
        for key in alt.set:
            if key in spec.factors:
                problems.append(
                    f"alternatives.{i}.set: {key} is also a factor; the factor's levels would "
                    "silently replace it"
                )
    if SEED_KEY in spec.factors:
        problems.append(
            f"factors.{SEED_KEY}: replications already vary the seed; use --replications"
        )
    if problems:
        raise ScenarioError(problems)


def replication_seed(seed: int, replication: int) -> int:
    """The run seed of replication ``replication`` (1-based) at every design point: the first
    32-bit word of ``SeedSequence(seed, spawn_key=(replication,))`` (NumPy's documented way to
    derive independent child streams; numpy.org, "Parallel random number generation")."""
    ss = np.random.SeedSequence(seed, spawn_key=(replication,))
    return int(ss.generate_state(1, np.uint32)[0])


def with_seed(sc: Scenario, seed: int) -> Scenario:
    """``sc`` with its run seed replaced."""
    return sc.model_copy(update={"run": sc.run.model_copy(update={"seed": seed})})


def _where(point: DesignPoint) -> str:
    where = f"point {point.id}"
    if point.alternative:
        where += f" (alternative {point.alternative!r})"
    return where


def point_scenario(base: Scenario, point: DesignPoint) -> Scenario:
    """The validated scenario of ``point`` (the base scenario with its overrides); a bad
    override raises ``ScenarioError`` naming the point and the field."""
    full = base.model_dump(mode="python", by_alias=True)
    try:
        for key, value in point.overrides.items():
            apply_override(full, key.split("."), value)
        return validate(full)
    except ScenarioError as exc:
        raise ScenarioError([f"{_where(point)}: {m}" for m in exc.messages]) from None


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class Plan:
    """A validated experiment ready to run: its points, their scenarios, and the fingerprint
    a resumed experiment must match."""

    spec: ExperimentFile
    source: Path
    scenario_path: Path
    points: list[DesignPoint]
    scenarios: dict[str, Scenario]
    fingerprint: dict[str, Any]
    """Mill version, experiment seed, each point's scenario hash, the orders CSVs' hashes:
    what a resumed experiment must share with the folder it resumes."""

    def run_id(self, point: str, replication: int) -> str:
        return f"{point}-r{replication:03d}"

    def task(self, point: str, k: int, keep: Literal["all", "summary"]) -> RunTask:
        seed = replication_seed(self.spec.experiment.seed, k)
        return RunTask(
            self.run_id(point, k), point, k, seed, self.scenarios[point], keep,
            mill_version=__version__, orders_sha256=self.fingerprint["orders_sha256"][point],
        )  # fmt: skip


def plan(spec: ExperimentFile, source: Path, scenario_path: Path) -> Plan:
    """Build and validate every design point's scenario (nothing is written)."""
    points = design_points(spec)
    base = load_scenario(scenario_path)
    seeds = [
        replication_seed(spec.experiment.seed, k)
        for k in range(1, spec.experiment.replications + 1)
    ]
    if len(set(seeds)) != len(seeds):  # 32-bit words: a collision is ~1e-4 likely at 1000
        raise ScenarioError(["experiment.seed: two replications would share a seed; pick another"])
    scenarios: dict[str, Scenario] = {}
    hashes: dict[str, str] = {}
    orders: dict[str, str] = {}
    csv_hashes: dict[str, str] = {}
    for p in points:
        sc = point_scenario(base, p)
        check_scenario(sc)
        needed = [t for t in TABLES_READ if t in sc.output.skip_tables]
        if needed:
            raise ScenarioError(
                [
                    f"output.skip_tables: an experiment reads {' and '.join(needed)} for its "
                    "table KPIs and warm-up check; do not skip "
                    f"{'it' if len(needed) == 1 else 'them'}"
                ]
            )
        scenarios[p.id] = sc
        hashes[p.id] = scenario_hash(with_seed(sc, 0))
        csv = sc.orders.csv if sc.orders.source == "csv" and sc.orders.csv else ""
        if csv and csv not in csv_hashes:
            csv_hashes[csv] = file_sha256(csv)
        orders[p.id] = csv_hashes.get(csv, "")
    fingerprint = {
        "mill_version": __version__,
        "seed": spec.experiment.seed,
        "points": hashes,
        "orders_sha256": orders,
    }
    return Plan(spec, source, scenario_path, points, scenarios, fingerprint)


def default_out(name: str, resume: bool = False) -> Path:
    """``experiments/NAME``, numbered ``-2``, ``-3``... when taken; with ``resume``, the
    plain name (the folder a default run made)."""
    out, n = Path("experiments") / name, 2
    while out.exists() and not resume:
        out, n = Path("experiments") / f"{name}-{n}", n + 1
    return out
