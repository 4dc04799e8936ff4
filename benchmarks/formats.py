"""CSV against Parquet for one scenario: run cost, size on disk and ``load_run`` time.

For each horizon and format, in a fresh interpreter each: the run as ``mill run`` makes it
(wall and CPU seconds, peak RSS), the folder's size per table, then ``load_run`` of the folder
(with its checksum verification, as every ``mill`` command does) timed ``--loads`` times in a
second fresh interpreter (the median is reported, with the range). Both formats run with the
same seed, so the tables hold the same rows; the CPU-time difference of the two runs is the
extra cost of writing one format over the other (the simulation is the same).

    nice -n 10 python3 benchmarks/formats.py --days 365
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing it
    sys.path.insert(0, str(REPO))

FORMATS = ("csv", "parquet")


def _run(days: float, fmt: str, scenario: Path, out: Path) -> dict[str, Any]:
    from mill.model import run_scenario
    from mill.scenario import load_scenario

    sc = load_scenario(scenario, [f"run.horizon_days={days}", f"output.format={fmt}"])
    t0, c0 = time.perf_counter(), time.process_time()
    run_scenario(sc, out)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "rss_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        "bytes": sizes,
        "rows": manifest["rows"],
    }


def _load(folder: Path, loads: int) -> dict[str, Any]:
    from mill.analysis import load_run

    times = []
    for _ in range(loads):
        t0 = time.perf_counter()
        run = load_run(folder)
        times.append(time.perf_counter() - t0)
        del run
    return {
        "load_s": [round(t, 2) for t in times],
        "load_rss_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
    }


def _python(*args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _mib(n: float) -> str:
    return f"{n / 2**20:,.1f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=float, nargs="+", default=[365.0])
    ap.add_argument("--loads", type=int, default=3, help="load_run timings per folder")
    ap.add_argument("--scenario", type=Path, default=REPO / "scenarios" / "baseline.toml")
    ap.add_argument(
        "--child-run", nargs=3, metavar=("DAYS", "FORMAT", "OUT"), help=argparse.SUPPRESS
    )
    ap.add_argument("--child-load", nargs=2, metavar=("OUT", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_run:
        days, fmt, out = args.child_run
        print(json.dumps(_run(float(days), fmt, args.scenario, Path(out))))
        return 0
    if args.child_load:
        print(json.dumps(_load(Path(args.child_load[0]), int(args.child_load[1]))))
        return 0
    for days in args.days:
        results: dict[str, dict[str, Any]] = {}
        with tempfile.TemporaryDirectory(prefix="mill-formats-") as tmp:
            for fmt in FORMATS:
                out = Path(tmp) / fmt
                results[fmt] = _python("--child-run", str(days), fmt, str(out),
                                       "--scenario", str(args.scenario))  # fmt: skip
                results[fmt].update(_python("--child-load", str(out), str(args.loads)))
        csv, pq = results["csv"], results["parquet"]
        print(f"\n{days:g} days of {args.scenario.name}: {csv['rows'].get('plates', 0):,} plates")
        print(f"{'table':<12} {'rows':>10} {'CSV MiB':>9} {'Parquet MiB':>12} {'ratio':>6}")
        for table, rows in csv["rows"].items():
            c, p = csv["bytes"][f"{table}.csv"], pq["bytes"][f"{table}.parquet"]
            print(f"{table:<12} {rows:>10,} {_mib(c):>9} {_mib(p):>12} {p / c:6.3f}")
        c_all, p_all = sum(csv["bytes"].values()), sum(pq["bytes"].values())
        print(f"{'folder':<12} {'':>10} {_mib(c_all):>9} {_mib(p_all):>12} {p_all / c_all:6.3f}")
        print(f"{'format':<8} {'run wall s':>10} {'run CPU s':>10} {'peak RSS MiB':>13} "
              f"{'load_run s (median, range)':>28} {'load peak RSS MiB':>18}")  # fmt: skip
        for fmt, r in results.items():
            loads = r["load_s"]
            span = f"{statistics.median(loads):.2f} ({min(loads):.2f}-{max(loads):.2f})"
            print(f"{fmt:<8} {r['wall_s']:>10.1f} {r['cpu_s']:>10.1f} {r['rss_peak_mib']:>13.1f} "
                  f"{span:>28} {r['load_rss_peak_mib']:>18.1f}")  # fmt: skip
        print(f"Parquet - CSV run CPU: {pq['cpu_s'] - csv['cpu_s']:+.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
