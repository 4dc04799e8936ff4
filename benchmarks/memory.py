"""Memory against run length: resident memory (RSS) against simulated days and plates.

Each horizon runs in a fresh interpreter (so a peak RSS, ``getrusage(RUSAGE_SELF).ru_maxrss``,
belongs to that run alone) as ``mill run`` does it: the plant, the summary, the checksums and
the manifest, the folder renamed into place. During the run the current RSS (``VmRSS``) is
sampled every ``--every`` simulated days with the plates disposed so far; the peak covers the
whole run, the writing of the manifest included.

    nice -n 10 python3 benchmarks/memory.py --days 16 100 365 [--format parquet]

Aim (issue 13.1): the peak RSS of a one-year run at most 1.15 x that of the 16-day run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing it
    sys.path.insert(0, str(REPO))

AIM = 1.15
"""Largest peak-RSS ratio of the longest run to the shortest that counts as flat."""


def rss_mib() -> float:
    """The process's resident memory now (Linux ``/proc/self/status``), MiB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def peak_rss_mib() -> float:
    """The process's peak resident memory so far, MiB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _child(days: float, every: float, fmt: str, scenario: Path) -> dict[str, Any]:
    """One run of ``days`` in this process: the RSS samples, the peak and the wall time."""
    from mill.model import run_scenario
    from mill.scenario import load_scenario

    sc = load_scenario(scenario, [f"run.horizon_days={days}", f"output.format={fmt}"])
    samples: list[tuple[float, int, float]] = []
    rss_start = rss_mib()

    def progress(now_min: float, plates: int) -> None:
        day = now_min / 1440.0
        last = now_min >= sc.run.horizon_days * 1440.0
        if not samples or day - samples[-1][0] >= every - 1e-9 or last:
            samples.append((round(day, 2), plates, round(rss_mib(), 1)))

    with tempfile.TemporaryDirectory(prefix="mill-memory-") as tmp:
        t0 = time.perf_counter()
        result = run_scenario(sc, Path(tmp) / "run", progress=progress)
        wall = time.perf_counter() - t0
        manifest = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
        plates = int(manifest["rows"].get("plates", samples[-1][1]))  # rows of plates.csv
        size = sum(p.stat().st_size for p in result.path.iterdir())
    return {
        "days": days,
        "format": fmt,
        "plates": plates,
        "wall_s": round(wall, 1),
        "rss_start_mib": round(rss_start, 1),
        "rss_peak_mib": round(peak_rss_mib(), 1),
        "folder_mib": round(size / 2**20, 1),
        "samples": samples,
    }


def _spawn(days: float, every: float, fmt: str, scenario: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", str(days), "--every", str(every),
           "--format", fmt, "--scenario", str(scenario)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=float, nargs="+", default=[16.0, 100.0, 365.0])
    ap.add_argument("--every", type=float, default=30.0, help="sample every N simulated days")
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv")
    ap.add_argument("--scenario", type=Path, default=REPO / "scenarios" / "baseline.toml")
    ap.add_argument("--child", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    if args.child is not None:
        print(json.dumps(_child(args.child, args.every, args.format, args.scenario)))
        return 0
    runs = [_spawn(d, args.every, args.format, args.scenario) for d in args.days]
    if args.json:
        print(json.dumps(runs, indent=1))
        return 0
    print(f"RSS against run length ({args.scenario.name}, {args.format}, fresh process each)")
    print(f"{'days':>7} {'plates':>9} {'RSS MiB':>8}   (sampled during the run)")
    for run in runs:
        for day, plates, rss in run["samples"]:
            print(f"{day:7.1f} {plates:9,d} {rss:8.1f}")
        print(f"{'':7} {'':9} {run['rss_peak_mib']:8.1f}   peak of the {run['days']:g}-day run "
              f"({run['plates']:,} plates, {run['wall_s']:.1f} s, folder {run['folder_mib']:.1f} "
              "MiB)")  # fmt: skip
    first, last = runs[0], runs[-1]
    ratio = last["rss_peak_mib"] / first["rss_peak_mib"]
    per_k = (last["rss_peak_mib"] - first["rss_peak_mib"]) / max(
        1, (last["plates"] - first["plates"]) / 1000
    )
    verdict = "flat" if ratio <= AIM else "NOT flat"
    print(f"peak RSS {last['days']:g} d / {first['days']:g} d = {ratio:.3f} (aim <= {AIM}): "
          f"{verdict}; {per_k:+.3f} MiB per 1000 more plates")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
