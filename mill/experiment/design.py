"""The design: points (alternative × factor combination), their scenarios, and the seeds.

A design point is one alternative crossed with one combination of factor levels (a full
factorial). Its scenario is the base scenario with, in this order, the experiment's ``set``
(and ``--set``), the alternative's ``set`` and the factor levels applied, each to the
effective scenario, as ``--set`` does.

Seeds: replication k (1, 2, ...) of every point runs with the same seed, derived from the
experiment seed and k alone (NumPy ``SeedSequence(seed, spawn_key=(k,))``), so points share
common random numbers, replications are independent streams, and a run's seed does not depend
on the worker count, the executor or the order in which runs finish (the pitfalls listed in
``reference/experiments.md``: forked workers sharing state, seeds by worker).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mill.experiment.spec import Alternative, ExperimentFile
from mill.scenario import Scenario, ScenarioError, load_scenario, validate
from mill.scenario.load import apply_override


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

    @property
    def id(self) -> str:
        """Short id used in folder names and tables: ``p01``, ``p02``..."""
        return f"p{self.index:02d}"

    @property
    def label(self) -> str:
        """A readable name: the alternative and the factor levels."""
        parts = [self.alternative] if self.alternative else []
        parts += [f"{key.rsplit('.', 1)[-1]}={value}" for key, value in self.factors.items()]
        return ", ".join(parts) or "base"


def design_points(spec: ExperimentFile) -> list[DesignPoint]:
    """Every design point of the experiment, in a fixed order."""
    alternatives: list[Alternative | None] = list(spec.alternatives) or [None]
    keys = list(spec.factors)
    combos = list(itertools.product(*(spec.factors[k] for k in keys))) if keys else [()]
    points: list[DesignPoint] = []
    for alt in alternatives:
        for combo in combos:
            levels = dict(zip(keys, combo, strict=True))
            overrides = {**spec.experiment.set, **(alt.set if alt else {}), **levels}
            points.append(DesignPoint(len(points) + 1, alt.name if alt else "", levels, overrides))
    return points


def replication_seed(seed: int, replication: int) -> int:
    """The run seed of replication ``replication`` (1-based) at every design point: the first
    32-bit word of ``SeedSequence(seed, spawn_key=(replication,))`` (NumPy's documented way to
    derive independent child streams; numpy.org, "Parallel random number generation")."""
    ss = np.random.SeedSequence(seed, spawn_key=(replication,))
    return int(ss.generate_state(1, np.uint32)[0])


def _where(point: DesignPoint) -> str:
    where = f"point {point.id}"
    if point.alternative:
        where += f" (alternative {point.alternative!r})"
    return where


def point_scenario(base: Path, point: DesignPoint) -> Scenario:
    """The validated scenario of ``point``; a bad override raises ``ScenarioError`` naming the
    point and the field."""
    sc = load_scenario(base)
    full = sc.model_dump(mode="python", by_alias=True)
    try:
        for key, value in point.overrides.items():
            apply_override(full, key.split("."), value)
        return validate(full)
    except ScenarioError as exc:
        raise ScenarioError([f"{_where(point)}: {m}" for m in exc.messages]) from None


def with_seed(sc: Scenario, seed: int) -> Scenario:
    """``sc`` with its run seed replaced."""
    return sc.model_copy(update={"run": sc.run.model_copy(update={"seed": seed})})
