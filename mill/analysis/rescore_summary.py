"""The summary of a re-scoring (``mill rescore``): the run's own figures from its
summary.json, the re-scored ones (the original plus the change of every plate in the KPI
window whose outcome changed), their difference, and the plates by status."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any

import pandas as pd

from mill.analysis.load import Run


def _figures(s: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The figures of a run's summary.json that re-scoring can move."""
    return {
        "plates": {k: s["plates"][k] for k in ("prime", "downgraded", "scrap", "released")},
        "tonnes": {k: s["tonnes"][k] for k in ("prime_t", "downgraded_t", "scrap_t", "released_t")},
        "escapes": {k: s["escapes"][k] for k in ("plates", "per_million_prime")},
        "false_rejects": {"plates": s["false_rejects"]["plates"]},
    }


def rescore_summary(
    run: Run, f: pd.DataFrame, applied: list[str], mismatches: list[str]
) -> dict[str, Any]:
    """Original figures from the run's summary.json; the re-scored ones are the original plus
    the change of each plate in the KPI window whose outcome changed (a plate that needs
    re-simulation leaves the figures and is counted apart)."""
    orig = _figures(run.summary)
    win = f[f["in_window"]]
    dn: Counter[str] = Counter()
    dt: Counter[str] = Counter()
    moved = win[win["status"].isin(["changed", "needs_resimulation"])]
    p: Any
    for rec in moved.to_dict("records"):
        p = SimpleNamespace(**{str(k): v for k, v in rec.items()})
        dn[p.disposition_original] -= 1
        dt[p.disposition_original] -= p.mass_t
        dn["escape"] -= int(p.escape_original)
        dn["false_reject"] -= int(p.false_reject_original)
        if p.status == "changed":
            dn[p.disposition] += 1
            dt[p.disposition] += p.mass_t
            dn["escape"] += int(p.escape)
            dn["false_reject"] += int(p.false_reject)
    plates = {k: orig["plates"][k] + dn[k] for k in ("prime", "downgraded", "scrap")}
    plates["released"] = plates["prime"] + plates["downgraded"]
    tonnes = {
        f"{k}_t": round(orig["tonnes"][f"{k}_t"] + dt[k], 2)
        for k in ("prime", "downgraded", "scrap")
    }
    tonnes["released_t"] = round(orig["tonnes"]["released_t"] + dt["prime"] + dt["downgraded"], 2)
    escapes = orig["escapes"]["plates"] + dn["escape"]
    rescored = {
        "plates": plates,
        "tonnes": tonnes,
        "escapes": {
            "plates": escapes,
            "per_million_prime": round(1e6 * escapes / plates["prime"], 1)
            if plates["prime"]
            else None,
        },
        "false_rejects": {"plates": orig["false_rejects"]["plates"] + dn["false_reject"]},
    }
    diff = {
        group: {
            k: (None if v is None or orig[group][k] is None else round(v - orig[group][k], 4))
            for k, v in vals.items()
        }
        for group, vals in rescored.items()
    }
    resim = win[win["status"] == "needs_resimulation"]
    return {
        "source_run": str(run.path),
        "overrides": applied,
        "window": "plates disposed after the warm-up (in_window), as in the run's summary.json",
        "original": orig,
        "rescored": rescored,
        "difference": diff,
        "plates_by_status": {
            k: int(v) for k, v in win["status"].value_counts().sort_index().items()
        },
        "needs_resimulation": {"plates": len(resim), "t": round(float(resim["mass_t"].sum()), 2)},
        "record_check": {
            "mismatches": len(set(mismatches)),
            "plates": sorted(set(mismatches))[:20],
        },
    }


def summary_text(s: dict[str, Any]) -> str:
    """A re-scoring summary as a short table for the terminal."""
    lines = [
        f"rescore of {s['source_run']}"
        + (f" with {', '.join(s['overrides'])}" if s["overrides"] else " (no overrides)"),
        f"  {'figure (KPI window)':<30} {'original':>12} {'rescored':>12} {'difference':>11}",
    ]
    for group, vals in s["rescored"].items():
        for k, v in vals.items():
            o, d = s["original"][group][k], s["difference"][group][k]
            lines.append(f"  {group + '.' + k:<30} {_fmt(o):>12} {_fmt(v):>12} {_fmt(d, True):>11}")
    status = ", ".join(f"{k} {v}" for k, v in s["plates_by_status"].items())
    lines.append(f"  plates: {status}")
    n = s["needs_resimulation"]
    if n["plates"]:
        lines.append(
            f"  {n['plates']} plates ({n['t']} t) need re-simulation: their outcome depends "
            "on measurements the run never made (see plates.csv note); they are left out of "
            "the rescored figures"
        )
    if s["record_check"]["mismatches"]:
        lines.append(
            f"  warning: {s['record_check']['mismatches']} plates re-judged under the run's own "
            "settings differ from the record (see summary.json record_check)"
        )
    return "\n".join(lines)


def _fmt(v: Any, signed: bool = False) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:+,.2f}" if signed else f"{v:,.2f}"
    return f"{v:+,d}" if signed else f"{v:,d}"
