"""Speed-up of an experiment on 1 and 2 local workers and on a 2-worker Dask LocalCluster.

Runs the same experiment (``experiments/rare_earth.toml``: 2 alternatives, ``--replications``
each, on a ``--days`` horizon) three times into temporary folders:

* ``1 worker``: every run in this process, one after another (the reference);
* ``2 processes``: ``--workers 2``, a pool of local worker processes;
* ``Dask 2 workers``: ``--dask local``, a ``LocalCluster`` of 2 single-threaded workers,
  started and closed inside the measured time.

It prints the wall time of each, the speed-up over the reference, and the per-run overhead:
(wall time × workers − the runs' own wall times summed) ÷ runs, i.e. what the executor costs a
run beyond the simulation itself (pool or cluster start-up, task transfer, the Dask copy of the
files). The aim is a speed-up of at least 1.8 with 2 workers on a 2-core machine; a shared
machine's load moves single figures by ±10–30 %, so ``--repeat`` re-measures and the median
is printed with the range.

Usage::

    python benchmarks/experiment_scaling.py                      # 4 replications, 16 days
    python benchmarks/experiment_scaling.py --replications 6 --days 4 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from mill.experiment import make_executor, plan, read_experiment, run_experiment

ROOT = Path(__file__).resolve().parents[1]
STUDY = ROOT / "experiments" / "rare_earth.toml"


def measure(replications: int, days: float, workers: int, dask: str | None) -> tuple[float, float]:
    """Wall time of one experiment and the summed wall time of its runs."""
    overrides = [f"run.horizon_days={days}", f"run.warmup_days={min(2.0, days / 4)}"]
    spec, scenario = read_experiment(STUDY, overrides, replications)
    p = plan(spec, STUDY, scenario)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        executor = make_executor(workers, dask)
        try:
            result = run_experiment(p, Path(tmp) / "exp", executor, keep="summary")
        finally:
            executor.close()
        wall = time.perf_counter() - t0
    if result.failed:
        raise SystemExit(f"runs failed: {[o.run_id for o in result.failed]}")
    return wall, sum(o.wall_s for o in result.outcomes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=4, help="replications per alternative")
    ap.add_argument("--days", type=float, default=16.0, help="simulated days per run")
    ap.add_argument("--repeat", type=int, default=2, help="measurements of each executor")
    args = ap.parse_args()
    runs = 2 * args.replications
    print(
        f"experiment: {STUDY.name}, 2 alternatives × {args.replications} replications = {runs} "
        f"runs of {args.days:g} simulated days; {args.repeat} measurement(s) each"
    )
    setups = (("1 worker", 1, None), ("2 processes", 2, None), ("Dask 2 workers", 2, "local"))
    walls: dict[str, list[float]] = {name: [] for name, _, _ in setups}
    overheads: dict[str, list[float]] = {name: [] for name, _, _ in setups}
    for _ in range(args.repeat):
        for name, workers, dask in setups:
            wall, inside = measure(args.replications, args.days, workers, dask)
            walls[name].append(wall)
            overheads[name].append((wall * workers - inside) / runs)
    ref = statistics.median(walls["1 worker"])
    print(f"{'executor':<16}{'wall s (median)':>16}{'range':>18}{'speed-up':>10}"
          f"{'overhead s/run':>16}")  # fmt: skip
    for name, _, _ in setups:
        w = walls[name]
        med = statistics.median(w)
        print(f"{name:<16}{med:>16.2f}{f'{min(w):.2f}–{max(w):.2f}':>18}{ref / med:>10.2f}"
              f"{statistics.median(overheads[name]):>16.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
