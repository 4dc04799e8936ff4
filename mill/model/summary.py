"""The run's invariants and its KPIs (``summary.json``)."""

from __future__ import annotations

import math
from typing import Any

from mill.model.escapes import NONCONFORMITIES, REASONS
from mill.model.plant import Plant
from mill.model.regimes import regimes_on

MASS_TOL_REL = 1e-6
LITTLE_TOL_REL = 1e-6
"""Little's law on the window, each visit counted for its time inside it, is exact."""
LITTLE_MIN_DEPARTURES = 50


def _num(x: float, digits: int = 4) -> float | None:
    return round(x, digits) if math.isfinite(x) else None


UnitStats = dict[str, dict[str, float]]


def unit_stats(plant: Plant) -> UnitStats:
    """Each unit's window statistics at the end of the run (compute once, pass to both
    ``invariants`` and ``summary``)."""
    window = plant.horizon - plant.warmup
    return {name: unit.stats(window) for name, unit in plant.units.items()}


def invariants(plant: Plant, stats: UnitStats) -> dict[str, Any]:
    """Check mass balance, plate conservation, traceability, Little's law and the slab
    limits (every cast slab inside the caster's and the mill's length and mass limits, of a
    thickness the caster casts); report each."""
    lg = plant.ledger
    out: dict[str, Any] = {}
    accounted = (
        lg.out_t["prime"]
        + lg.out_t["downgraded"]
        + lg.out_t["scrap"]
        + lg.out_t["loss"]
        + lg.live_t
    )
    wip_sum = sum(getattr(e, "mass_t", 0.0) for e in lg.live.values())
    err = abs(lg.cast_t - accounted)
    out["mass_balance"] = {
        "cast_t": _num(lg.cast_t, 3),
        "prime_t": _num(lg.out_t["prime"], 3),
        "downgraded_t": _num(lg.out_t["downgraded"], 3),
        "scrap_t": _num(lg.out_t["scrap"], 3),
        "yield_loss_t": _num(lg.out_t["loss"], 3),
        "wip_t": _num(wip_sum, 3),
        "error_t": _num(err, 9),
        "ok": err <= MASS_TOL_REL * max(1.0, lg.cast_t)
        and abs(wip_sum - lg.live_t) <= 1e-6 * max(1.0, lg.cast_t),
    }
    live_plates = sum(
        1 for k, e in lg.live.items() if type(e).__name__ == "Plate" and k == e.plate_id
    )
    done = sum(lg.plates_done.values())
    out["plate_conservation"] = {
        "cut": lg.plates_created,
        "disposed": done,
        "wip": live_plates,
        "ok": lg.plates_created == done + live_plates and not lg.violations,
        "violations": lg.violations[:20],
    }
    ec = lg.edge_check
    out["traceability"] = {
        "plates": lg.plates_created,
        "plates_traced_by_edges": ec.plates_checked,
        "edges": ec.edges,
        "ok": not lg.trace_violations and not ec.violations,
        "violations": (lg.trace_violations + ec.violations)[:20],
    }
    little: dict[str, Any] = {}
    ok = True
    for name, st in stats.items():
        big_l = st["mean_in_unit"]
        lw = st["window_lambda"] * st["window_w"]
        err = abs(big_l - lw) / max(big_l, 1e-9) if big_l > 0 or lw > 0 else 0.0
        good = err <= LITTLE_TOL_REL
        ok = ok and good
        entry: dict[str, Any] = {
            "L": _num(big_l),
            "lambda_per_min": _num(st["window_lambda"], 6),
            "W_min": _num(st["window_w"]),
            "rel_error": _num(err, 9),
            "ok": good,
        }
        if st["departures"] >= LITTLE_MIN_DEPARTURES:  # the steady-state form, for information
            entry["steady_state_rel_error"] = _num(
                abs(big_l - st["littles_law_lw"]) / max(big_l, 1e-9)
            )
        little[name] = entry
    out["littles_law"] = {"tolerance_rel": LITTLE_TOL_REL, "units": little, "ok": ok}
    c = plant.sc.plant.caster
    out["slab_limits"] = {
        "slabs": plant.slabs_checked,
        "length_mm": [c.slab_length_min_mm, c.slab_length_max_mm],
        "mass_t": [c.slab_mass_min_t, c.slab_mass_max_t],
        "thicknesses_mm": list(c.slab_thicknesses_mm),
        "ok": not plant.slab_violations,
        "violations": plant.slab_violations[:20],
    }
    out["ok"] = all(v["ok"] for v in out.values() if isinstance(v, dict) and "ok" in v)
    return out


def _pct(part: float, whole: float) -> float | None:
    return _num(100.0 * part / whole, 3) if whole > 0 else None


def _yields(plant: Plant, wt: Any, share: float, disposed_t: float) -> dict[str, Any]:
    """Where the slab tonnes of the plates disposed in the window went. Each plate carries
    its share of its slab's mass; scale is the mill's scale loss, the rest of the share is
    process scrap (crop, side trim, cutting skeleton and kerf, cut-outs)."""
    loss = share * plant.sc.plant.plate_mill.scale_loss_pct / 100.0
    process_scrap = share - loss - wt["prime"] - wt["downgraded"] - wt["scrap"]
    return {
        "slab_t": _num(share, 2),
        "slab_to_prime_pct": _pct(wt["prime"], share),
        "slab_to_downgraded_pct": _pct(wt["downgraded"], share),
        "slab_to_scrapped_plates_pct": _pct(wt["scrap"], share),
        "slab_to_process_scrap_pct": _pct(process_scrap, share),
        "slab_to_scale_loss_pct": _pct(loss, share),
        "slab_to_released_pct": _pct(wt["prime"] + wt["downgraded"], share),
        "prime_pct_of_disposed": _pct(wt["prime"], disposed_t),
        "downgraded_pct_of_disposed": _pct(wt["downgraded"], disposed_t),
        "scrap_pct_of_disposed": _pct(wt["scrap"], disposed_t),
    }


def summary(plant: Plant, stats: UnitStats) -> dict[str, Any]:
    """KPIs over the observation window (after the warm-up)."""
    lg = plant.ledger
    window_min = plant.horizon - plant.warmup
    hours = window_min / 60.0
    w, wt = lg.win, lg.win_t
    released = w["prime"] + w["downgraded"]
    disposed_t = wt["prime"] + wt["downgraded"] + wt["scrap"]
    share = wt["slab_share"]
    units = {}
    for name, st in stats.items():
        units[name] = {
            "capacity": st["capacity"],
            "utilisation": _num(st["utilisation"]),
            "blocked_frac": _num(st["blocked_frac"]),
            "down_frac": _num(st["down_frac"]),
            "planned_down_frac": _num(st["planned_down_frac"]),
            "unplanned_down_frac": _num(st["down_frac"] - st["planned_down_frac"]),
            "availability": _num(1.0 - st["down_frac"]),
            "mean_in_unit": _num(st["mean_in_unit"], 3),
            "mean_time_in_unit_min": _num(st["mean_time_in_unit_min"], 3),
            "departures": st["departures"],
        }
    mech = sorted(set(lg.defects_true) | set(lg.defects_detected))
    pareto = sorted(lg.defects_true.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "window": {"start_min": plant.warmup, "end_min": plant.horizon, "hours": hours},
        "plates": {
            "prime": w["prime"],
            "downgraded": w["downgraded"],
            "scrap": w["scrap"],
            "released": released,
        },
        "tonnes": {
            "prime_t": _num(wt["prime"], 2),
            "downgraded_t": _num(wt["downgraded"], 2),
            "scrap_t": _num(wt["scrap"], 2),
            "released_t": _num(wt["prime"] + wt["downgraded"], 2),
        },
        "yield_by_tonnage": _yields(plant, wt, share, disposed_t),
        "throughput_t_per_h": _num((wt["prime"] + wt["downgraded"]) / hours, 3) if hours else None,
        "lead_time_h": {
            "mean": _num(lg.lead.mean(), 2),
            "p50": _num(lg.lead.percentile(50), 2),
            "p90": _num(lg.lead.percentile(90), 2),
            "p95": _num(lg.lead.percentile(95), 2),
        },
        "flow_time_h": {
            "mean": _num(lg.flow.mean(), 2),
            "p50": _num(lg.flow.percentile(50), 2),
            "p90": _num(lg.flow.percentile(90), 2),
            "p95": _num(lg.flow.percentile(95), 2),
        },
        "late_pct": _num(100 * w["late"] / w["ordered"], 3) if w["ordered"] else None,
        "stock": {
            "plates": w["stock"],
            "released_t": _num(wt["stock"], 2),
            "pct_of_released_t": _pct(wt["stock"], wt["prime"] + wt["downgraded"]),
        },
        "wip": {
            "mean_t": _num(lg.int_live_t / window_min, 2),
            "mean_pieces": _num(lg.int_live_n / window_min, 2),
        },
        "utilisation": units,
        "defects": {
            "by_mechanism": {
                m: {"true": lg.defects_true[m], "detected": lg.defects_detected[m]} for m in mech
            },
            "by_origin_stage": dict(sorted(lg.defect_origin.items())),
            "by_detection_stage": dict(sorted(lg.defect_detection.items())),
            "origin_vs_detection": {
                f"{o}->{d}": n for (o, d), n in sorted(lg.defect_cross.items())
            },
            "by_root_cause": dict(sorted(lg.causes.items())),
            "pareto": [{"mechanism": m, "true": n} for m, n in pareto],
        },
        "escapes": {
            "plates": w["escape"],
            "per_million_prime": _num(1e6 * w["escape"] / w["prime"], 1) if w["prime"] else None,
            # plates per nonconformity and per reason (a plate may count under several)
            "by_mechanism": {k: lg.escape_what[k] for k in sorted(NONCONFORMITIES)},
            "by_reason": {k: lg.escape_why[k] for k in sorted(REASONS)},
            "by_mechanism_and_reason": dict(sorted(lg.escape_pairs.items())),
        },
        "false_rejects": {
            "plates": w["false_reject"],
            "pct_of_rejected": _num(100 * w["false_reject"] / (w["downgraded"] + w["scrap"]), 2)
            if (w["downgraded"] + w["scrap"])
            else None,
        },
        "disposition_reasons": dict(sorted(lg.reasons.items())),
        "inspection_regimes": {
            "enabled": regimes_on(plant),
            **dict(sorted(plant.regime_counts.items())),
        },
        "chemistry_design": plant.aims.table(),
    }
