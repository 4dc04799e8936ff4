"""How many replications each design point needs: a fixed count, or Law's sequential
procedure for a relative precision, and which runs to make next.

Sequential procedure (Law 2015, *Simulation Modeling and Analysis*, 5th ed., §9.4.1): make
n0 replications; stop at the first n ≥ n0 at which the KPI's 95 % half-width δ(n) satisfies
δ(n)/|X̄(n)| ≤ γ/(1+γ); else add a replication. Each point is judged on its own, on the
replications k = 1, 2, ... it has without a gap, so the stopping point depends on the seeds
only, not on the number of workers or the order runs finish in. The interval at the stopping
point covers the mean somewhat less often than its nominal 95 % (the price of a data-dependent
stop; Law §9.4.1): keep γ small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mill.analysis.inference import mean_ci, relative_precision_met
from mill.experiment.design import Plan
from mill.experiment.task import RunOutcome, RunTask

INITIAL_REPLICATIONS = 5
"""n0: replications made before the procedure first looks at the precision (Law asks for
n0 ≥ 2; 5 keeps the first variance estimate from being wildly off). Labelled assumption."""
DONE = ("ok", "invariant_violated")
"""Run statuses that will not change if the run is made again (a run is deterministic)."""


@dataclass(frozen=True)
class Precision:
    """Add replications until ``kpi``'s 95 % half-width is within ``relative`` of its mean at
    every point, or the replication cap is reached."""

    kpi: str
    relative: float


def _prefix(p: Plan, point: str, outcomes: dict[str, RunOutcome], cap: int) -> list[RunOutcome]:
    """The point's successful runs k = 1, 2, ... up to the first that is missing or failed."""
    out = []
    for k in range(1, cap + 1):
        o = outcomes.get(p.run_id(point, k))
        if o is None or o.status != "ok":
            break
        out.append(o)
    return out


def stop_reasons(
    p: Plan, outcomes: dict[str, RunOutcome], cap: int, precision: Precision | None
) -> tuple[dict[str, int], dict[str, str]]:
    """For each point: the replications its statistics use (k ≤ that number), and why it
    stopped (no entry while a sequential point still needs replications)."""
    used: dict[str, int] = {}
    stop: dict[str, str] = {}
    for pt in p.points:
        if precision is None:
            ok = sum(1 for k in range(1, cap + 1)
                     if (o := outcomes.get(p.run_id(pt.id, k))) and o.status == "ok")  # fmt: skip
            used[pt.id] = cap
            stop[pt.id] = f"fixed: {ok} of {cap} replications succeeded"
            continue
        runs = _prefix(p, pt.id, outcomes, cap)
        values = [o.kpis.get(precision.kpi, math.nan) for o in runs]
        n0 = min(cap, INITIAL_REPLICATIONS)
        used[pt.id] = len(values)
        for n in range(n0, len(values) + 1):
            ci = mean_ci(values[:n])
            if relative_precision_met(ci, precision.relative):
                used[pt.id] = n
                half = _rel(ci.half_width, ci.mean)
                stop[pt.id] = (
                    f"precision met at n={n}: half-width {half} of the mean of {precision.kpi}"
                )
                break
        else:
            if len(values) >= cap:
                ci = mean_ci(values)
                stop[pt.id] = (
                    f"replication cap {cap} reached: half-width {_rel(ci.half_width, ci.mean)} "
                    f"of the mean of {precision.kpi} (target {100 * precision.relative:g} %)"
                )
    return used, stop


def _rel(half: float, mean: float) -> str:
    if not math.isfinite(half) or mean == 0:
        return "undefined"
    return f"{100 * half / abs(mean):.1f} %"


def next_round(
    p: Plan,
    outcomes: dict[str, RunOutcome],
    stop: dict[str, str],
    cap: int,
    precision: Precision | None,
    keep: str,
) -> list[RunTask]:
    """The runs to make next: every missing or failed one (fixed design), or, sequentially,
    the first n0 and then the next replication at each point not yet precise."""
    tasks = []
    for pt in p.points:
        if precision is None:
            wanted = range(1, cap + 1)
        elif pt.id in stop:
            continue  # precise enough, or capped
        else:
            have = len(_prefix(p, pt.id, outcomes, cap))
            wanted = range(1, min(cap, max(min(cap, INITIAL_REPLICATIONS), have + 1)) + 1)
        for k in wanted:
            o = outcomes.get(p.run_id(pt.id, k))
            if o is None or o.status not in DONE:
                tasks.append(p.task(pt.id, k, keep))  # type: ignore[arg-type]
    return tasks
