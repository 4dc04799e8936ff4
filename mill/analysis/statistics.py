"""Statistics over a run folder: defects, yield, lead time, utilisation, WIP, properties vs spec.

Every function takes a loaded :class:`~mill.analysis.load.Run` (or a run folder path) and
returns a plain DataFrame. ``window=True`` (the default where it applies) keeps what was
disposed inside the KPI window (after the warm-up), as the summary's KPIs do; ``window=False``
takes the whole run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mill.analysis.load import UNIT_ORDER, Run, RunLike, as_run, entity_kind

STOCK_PREFIX = "STOCK-"
"""Stock plates carry an order id starting with this (model.orders)."""

__all__ = [
    "DETECTION_ORDER",
    "defect_pareto",
    "defect_table",
    "detection_confusion",
    "disposition_reasons",
    "lead_times",
    "origin_vs_detection",
    "property_tests",
    "spec_compliance",
    "unit_utilisation",
    "wip_throughput",
    "yield_waterfall",
]

#: Columns of the origin-vs-detection table, in the order a plate meets them.
DETECTION_ORDER: tuple[str, ...] = (
    "visual",
    "flatness",
    "hardness",
    "ut",
    "manual_ut",
    "scrap",
    "missed",
)


def defect_table(run: RunLike, window: bool = True) -> pd.DataFrame:
    """``defects.csv`` with its carrier's context: ``carrier_kind``, ``carrier_min`` (plate
    disposed or scrap piece cut), ``disposition`` and ``grade`` of the carrying plate,
    ``in_window``, and ``detection``: the detecting inspection, ``scrap`` for a defect that
    left with a scrap piece uninspected, ``wip`` for one on a plate still in process at the
    run's end (not yet judged), ``missed`` for one inspection did not find."""
    run = as_run(run)
    d = run.defects.copy()
    plates = run.plates.set_index("plate_id")
    scrap_time = run.genealogy.drop_duplicates("child_id").set_index("child_id")["time_min"]
    d["carrier_kind"] = d["entity_id"].map(lambda e: entity_kind(str(e)))
    t_plate = d["entity_id"].map(plates["done_min"])
    t_scrap = d["entity_id"].map(scrap_time)
    wip = d["call"].astype("str").eq("wip")
    # a plate still in process has not been disposed: no carrier time (its id is also a
    # genealogy child, cut earlier, which must not stand for a disposal)
    d["carrier_min"] = t_plate.astype("float64").fillna(t_scrap.astype("float64")).mask(wip)
    d["disposition"] = d["entity_id"].map(plates["disposition"].astype("str"))
    d["grade"] = d["entity_id"].map(plates["grade_ordered"].astype("str"))
    lo, hi = run.window
    d["in_window"] = d["carrier_min"].between(lo, hi)
    by = d["detected_by"].astype("str")
    scrap = d["zone"].astype("str").eq("scrap") & ~d["detected"].astype(bool)
    d["detection"] = np.where(
        wip,
        "wip",
        np.where(d["detected"].astype(bool), by, np.where(scrap, "scrap", "missed")),
    )
    if window:
        d = d[d["in_window"]]
    return d.reset_index(drop=True)


def defect_pareto(run: RunLike, by: str = "mechanism", window: bool = True) -> pd.DataFrame:
    """True defects counted by ``by`` (mechanism, origin_stage or root_cause), most first.

    Columns: true, detected, missed, in_scrap, missed_on_prime, pct, cum_pct.
    """
    d = defect_table(run, window)
    d = d[d["is_true"].astype(bool)]
    key = d[by].astype("str")
    g = pd.DataFrame(
        {
            "true": d.groupby(key).size(),
            "detected": d["detected"].astype(bool).groupby(key).sum(),
            "missed": d["detection"].eq("missed").groupby(key).sum(),
            "in_scrap": d["detection"].eq("scrap").groupby(key).sum(),
            "missed_on_prime": (d["detection"].eq("missed") & d["disposition"].eq("prime"))
            .groupby(key)
            .sum(),
        }
    ).fillna(0)
    g = g.astype("int64").sort_values(["true", "detected"], ascending=False)
    total = g["true"].sum()
    g["pct"] = 100.0 * g["true"] / total if total else 0.0
    g["cum_pct"] = g["pct"].cumsum()
    g.index.name = by
    return g


def origin_vs_detection(run: RunLike, window: bool = True) -> pd.DataFrame:
    """True defects: origin stage (rows, process order) × where they were found (columns)."""
    d = defect_table(run, window)
    d = d[d["is_true"].astype(bool)]
    table = pd.crosstab(d["origin_stage"], d["detection"])
    cols = [c for c in DETECTION_ORDER if c in table.columns]
    cols += [c for c in table.columns if c not in cols]
    table = table.reindex(columns=cols, fill_value=0)
    table.columns.name = "detection"
    return table


def detection_confusion(run: RunLike, window: bool = True) -> pd.DataFrame:
    """Truth vs inspection call per mechanism, with a ``no_defect`` row for false calls.

    Columns: true (real defects), called (detected by an inspection), not_called (missed),
    in_scrap (left with scrap before inspection), detection_pct (called / inspected),
    missed_on_prime (missed on plates released prime: potential escapes), false_calls
    (indications with no defect, ``no_defect`` row only) and false_calls_upheld (not dismissed).
    """
    d = defect_table(run, window)
    true = d[d["is_true"].astype(bool)]
    pareto = defect_pareto(run, "mechanism", window) if not true.empty else None
    rows: dict[str, dict[str, Any]] = {}
    if pareto is not None:
        for mech, r in pareto.iterrows():
            inspected = r["detected"] + r["missed"]
            rows[str(mech)] = {
                "true": r["true"],
                "called": r["detected"],
                "not_called": r["missed"],
                "in_scrap": r["in_scrap"],
                "detection_pct": 100.0 * r["detected"] / inspected if inspected else np.nan,
                "missed_on_prime": r["missed_on_prime"],
                "false_calls": 0,
                "false_calls_upheld": 0,
            }
    fc = d[~d["is_true"].astype(bool)]
    upheld = int((fc["call"].astype("str") != "dismissed").sum())
    rows["no_defect"] = {
        "true": 0,
        "called": len(fc),
        "not_called": 0,
        "in_scrap": 0,
        "detection_pct": np.nan,
        "missed_on_prime": 0,
        "false_calls": len(fc),
        "false_calls_upheld": upheld,
    }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "mechanism"
    ints = [c for c in out.columns if c != "detection_pct"]
    return out.astype(dict.fromkeys(ints, "int64"))


def yield_waterfall(run: RunLike) -> pd.DataFrame:
    """Where the tonnes went, liquid steel → prime plate (whole run, from ``genealogy.csv``).

    One row per step: ``step``, ``kind`` (``total`` for a running total, ``loss`` for tonnes
    that left as scrap or loss, ``wip`` for tonnes still in process at the run end,
    ``product`` for released non-prime product), ``mass_t`` and ``pct_of_cast``. The totals
    reconcile: each total equals the previous total minus the rows in between.
    """
    run = as_run(run)
    g = run.genealogy
    rel = g["relation"].astype("str")
    parent_kind = g["parent_id"].map(lambda e: entity_kind(str(e)))
    casting_loss = float(g.loc[rel.eq("loss") & parent_kind.eq("heat"), "mass_t"].sum())
    cast = float(g.loc[rel.eq("cast"), "mass_t"].sum())
    liquid = cast + casting_loss  # from the edges, so that a heat still casting counts too
    rolled_slabs = set(g.loc[rel.eq("rolled"), "parent_id"])
    slabs_in = g.loc[rel.eq("cast")]
    slab_wip = float(slabs_in.loc[~slabs_in["child_id"].isin(rolled_slabs), "mass_t"].sum())
    scale = float(g.loc[rel.eq("loss") & parent_kind.eq("slab"), "mass_t"].sum())
    crop = float(g.loc[rel.eq("scrap") & parent_kind.eq("slab"), "mass_t"].sum())
    rolled = float(g.loc[rel.eq("rolled"), "mass_t"].sum())
    cut_mothers = set(g.loc[rel.eq("cut"), "parent_id"])
    mothers = g.loc[rel.eq("rolled")]
    mother_wip = float(mothers.loc[~mothers["child_id"].isin(cut_mothers), "mass_t"].sum())
    skeleton = float(g.loc[rel.eq("scrap") & parent_kind.eq("mother"), "mass_t"].sum())
    cut = float(g.loc[rel.eq("cut"), "mass_t"].sum())
    cutout = float(g.loc[rel.eq("scrap") & parent_kind.eq("plate"), "mass_t"].sum())
    p = run.plates
    disp = p["disposition"].astype("str")
    by_disp = p.groupby(disp)["mass_t"].sum()

    def m(key: str) -> float:
        return float(by_disp.get(key, 0.0))

    rows = [
        ("liquid steel", "total", liquid),
        ("ladle and tundish loss", "loss", casting_loss),
        ("cast slabs", "total", cast),
        ("slabs not yet rolled", "wip", slab_wip),
        ("scale loss", "loss", scale),
        ("crop and side trim", "loss", crop),
        ("rolled mother plates", "total", rolled),
        ("mother plates not yet cut", "wip", mother_wip),
        ("cutting skeleton", "loss", skeleton),
        ("cut product plates", "total", cut),
        ("cut-out at re-size", "loss", cutout),
        ("plates in process", "wip", m("wip")),
        ("scrapped plates", "loss", m("scrap")),
        ("downgraded", "product", m("downgraded")),
        ("prime", "total", m("prime")),
    ]
    out = pd.DataFrame(rows, columns=["step", "kind", "mass_t"])
    out["pct_of_cast"] = 100.0 * out["mass_t"] / cast if cast else np.nan
    return out


#: Reason codes the disposition stage gives outside the scenario's rule table.
BUILT_IN_REASONS: dict[str, str] = {
    "": "met every check",
    "RESIZED": "re-sized after a cut-out: released under the ordered grade, off-size",
}


def disposition_reasons(run: RunLike, window: bool = True) -> pd.DataFrame:
    """Disposed plates by disposition and reason code: what the rule table decided and why.

    One row per (disposition, reason): ``rule`` (the scenario rule that gives the reason:
    condition → action, fallback), ``plates``, ``mass_t``, ``pct_of_plates`` (of the disposed
    plates), ``grades_released`` (the grades they left as), ``escapes`` and ``false_rejects``.
    A prime plate that met every check has the empty reason ``""``.
    """
    run = as_run(run)
    p = run.plates[run.plates["disposition"].astype("str") != "wip"]
    if window:
        p = p[p["in_window"].astype(bool)]
    rules = run.scenario.get("quality", {}).get("disposition", {}).get("rules", [])
    meaning = dict(BUILT_IN_REASONS)
    for rule in rules:
        text = f"{rule.get('condition')} → {rule.get('action')}"
        if rule.get("fallback"):
            text += f" (then {rule['fallback']})"
        meaning.setdefault(str(rule.get("reason", "")), text)
    reason = p["reason"].astype("object").fillna("").astype("str")
    columns = ["disposition", "reason", "rule", "plates", "mass_t", "pct_of_plates",
               "grades_released", "escapes", "false_rejects"]  # fmt: skip
    rows = []
    for (disp, code), sub in p.groupby([p["disposition"].astype("str"), reason], sort=False):
        grades = sorted({str(g) for g in sub["grade_released"].dropna() if str(g)})
        rows.append(
            {
                "disposition": str(disp),
                "reason": str(code),
                "rule": meaning.get(str(code), "not in the scenario's rule table"),
                "plates": len(sub),
                "mass_t": float(sub["mass_t"].sum()),
                "pct_of_plates": 100.0 * len(sub) / len(p),
                "grades_released": ", ".join(grades) or "–",
                "escapes": int(sub["escape"].astype(bool).sum()),
                "false_rejects": int(sub["false_reject"].astype(bool).sum()),
            }
        )
    order = {"prime": 0, "downgraded": 1, "scrap": 2}
    out = pd.DataFrame(rows, columns=columns)
    out = out.sort_values(
        ["disposition", "plates"], key=lambda c: c.map(order) if c.name == "disposition" else -c
    )
    return out.set_index(["disposition", "reason"])


def lead_times(run: RunLike, window: bool = True) -> pd.DataFrame:
    """Lead time (order arrival → disposition, customer plates only) and flow time (cast →
    disposition) in hours of disposed plates, by grade ordered and overall: n, mean, p50,
    p90, p95, max."""
    run = as_run(run)
    p = run.plates[run.plates["disposition"].astype("str") != "wip"]
    if window:
        p = p[p["in_window"].astype(bool)]
    rows = []
    groups: list[tuple[str, pd.DataFrame]] = [
        (str(k), v) for k, v in p.groupby("grade_ordered", observed=True)
    ]
    groups.append(("all", p))
    for grade, sub in groups:
        for col in ("lead_time_h", "flow_time_h"):
            rows_of = sub
            if col == "lead_time_h":  # customer plates: stock has no order to wait for
                rows_of = sub[~sub["order_id"].astype(str).str.startswith(STOCK_PREFIX)]
            s = rows_of[col].dropna()
            rows.append(
                {
                    "grade": grade,
                    "measure": col,
                    "n": len(s),
                    "mean": s.mean(),
                    "p50": s.quantile(0.5),
                    "p90": s.quantile(0.9),
                    "p95": s.quantile(0.95),
                    "max": s.max(),
                }
            )
    return pd.DataFrame(rows).set_index(["grade", "measure"])


def unit_utilisation(run: RunLike, window: bool = True) -> pd.DataFrame:
    """Per unit, the share of its slots' time in each state, from ``equipment.csv`` clipped to
    the KPI window: the one utilisation definition of the package (slot occupancy), the same
    the run summary reports.

    ``busy_frac`` = slot-minutes worked / (capacity x time), ``blocked_frac`` likewise for
    slots holding a finished piece, ``down_frac`` = time the unit was stopped / time, and
    ``idle_frac`` the rest; a 12-slot furnace with 3 slots working is 25 % busy. The ``_h``
    columns are those shares of the window in hours; ``utilisation`` repeats ``busy_frac``.
    ``capacity`` (slots) is the summary's; a unit it does not list counts as one slot. A row
    that straddles the window's edge counts in proportion to its overlap (a run's rows break
    at the end of the warm-up, so its window is whole rows). Units in process order."""
    run = as_run(run)
    eq = run.equipment
    lo, hi = run.window if window else (0.0, max(run.horizon_min, float(eq["end_min"].max())))
    start = eq["start_min"].clip(lower=lo, upper=hi)
    end = eq["end_min"].clip(lower=lo, upper=hi)
    inside = end - start
    dur = eq["end_min"] - eq["start_min"]
    share = (inside / dur.where(dur > 0)).fillna(0.0)
    unit = eq["unit"].astype("string")
    frame = pd.DataFrame(
        {
            "unit": unit,
            "busy": eq["busy_slot_min"].fillna(0.0) * share,
            "blocked": eq["blocked_slot_min"].fillna(0.0) * share,
            "down": inside.where(eq["state"].astype("string") == "down", 0.0),
            "time": inside,
        }
    )
    sums = frame.groupby("unit", sort=False).sum()
    util = run.summary.get("utilisation", {})
    capacity = pd.Series(
        [float(util.get(str(u), {}).get("capacity", 1) or 1) for u in sums.index],
        index=sums.index,
    )
    span = (hi - lo) if hi > lo else np.nan
    out = pd.DataFrame(index=sums.index)
    fracs = {
        "busy": sums["busy"] / (capacity * span),
        "blocked": sums["blocked"] / (capacity * span),
        "down": sums["down"] / span,
    }
    fracs["idle"] = (1.0 - fracs["busy"] - fracs["blocked"] - fracs["down"]).clip(lower=0.0)
    for state in ("busy", "idle", "blocked", "down"):
        out[f"{state}_h"] = fracs[state] * span / 60.0
    for state in ("busy", "idle", "blocked", "down"):
        out[f"{state}_frac"] = fracs[state]
    out["capacity"] = capacity.round().astype("int64")  # slots: a count, printed as one
    out["utilisation"] = fracs["busy"]
    order = [u for u in UNIT_ORDER if u in out.index] + [
        u for u in out.index if u not in UNIT_ORDER
    ]
    out = out.loc[order]
    out.index = pd.Index([str(u) for u in out.index], name="unit")
    return out[sums.loc[order, "time"].to_numpy() > 0]


def _intervals(run: Run) -> pd.DataFrame:
    """Every slab, mother plate and product plate with its entry and exit time and mass."""
    g = run.genealogy
    rel = g["relation"].astype("str")
    made = g[rel.isin(["cast", "rolled", "cut", "recut"])]
    left = g[rel.isin(["rolled", "cut", "recut"])].groupby("parent_id")["time_min"].min()
    done = run.plates.set_index("plate_id")["done_min"]
    ent = pd.DataFrame(
        {
            "entity_id": made["child_id"].to_numpy(),
            "kind": made["child_id"].map(lambda e: entity_kind(str(e))).to_numpy(),
            "mass_t": made["mass_t"].to_numpy(),
            "enter_min": made["time_min"].to_numpy(),
        }
    )
    exit_left = ent["entity_id"].map(left).astype("float64")
    exit_done = ent["entity_id"].map(done).astype("float64")
    ent["exit_min"] = exit_left.fillna(exit_done)
    return ent


def wip_throughput(run: RunLike, step_min: float = 60.0, bin_h: float = 8.0) -> pd.DataFrame:
    """WIP and throughput over time, sampled every ``step_min``.

    Columns: time_h (from the run start), time (timestamp), wip_slab_t, wip_mother_t,
    wip_plate_t, wip_t (tonnes of slabs, mother plates and product plates in process),
    wip_plates (product plates in process), released_t (cumulative prime + downgraded),
    throughput_t_per_h (released tonnes per hour over the ``bin_h`` ending at the sample).
    """
    run = as_run(run)
    ent = _intervals(run)
    end = max(run.horizon_min, float(ent["enter_min"].max() or 0.0))
    grid = np.arange(0.0, end + step_min / 2, step_min)
    out = pd.DataFrame({"time_h": grid / 60.0})
    out["time"] = run.to_timestamp(pd.Series(grid))
    for kind in ("slab", "mother", "plate"):
        e = ent[ent["kind"] == kind]
        enter = e["enter_min"].to_numpy()
        leave = e["exit_min"].fillna(np.inf).to_numpy()
        order_in, order_out = np.argsort(enter), np.argsort(leave)
        cum_in = np.concatenate([[0.0], np.cumsum(e["mass_t"].to_numpy()[order_in])])
        cum_out = np.concatenate([[0.0], np.cumsum(e["mass_t"].to_numpy()[order_out])])
        n_in = np.searchsorted(enter[order_in], grid, side="right")
        n_out = np.searchsorted(leave[order_out], grid, side="right")
        out[f"wip_{kind}_t"] = cum_in[n_in] - cum_out[n_out]
        if kind == "plate":
            out["wip_plates"] = n_in - n_out
    out["wip_t"] = out[["wip_slab_t", "wip_mother_t", "wip_plate_t"]].sum(axis=1)
    p = run.plates[run.plates["disposition"].astype("str").isin(["prime", "downgraded"])]
    done = np.sort(p["done_min"].to_numpy())
    mass = p["mass_t"].to_numpy()[np.argsort(p["done_min"].to_numpy())]
    cum = np.concatenate([[0.0], np.cumsum(mass)])
    out["released_t"] = cum[np.searchsorted(done, grid, side="right")]
    lag = cum[np.searchsorted(done, grid - bin_h * 60.0, side="right")]
    span_h = np.minimum(grid / 60.0, bin_h)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["throughput_t_per_h"] = np.where(span_h > 0, (out["released_t"] - lag) / span_h, 0.0)
    return out


def property_tests(run: RunLike, window: bool = False) -> pd.DataFrame:
    """Hardness and Charpy results (``tests.csv`` rows of kind hardness_surface,
    hardness_centre, charpy) with the tested plate's grade and thickness."""
    run = as_run(run)
    t = run.tests[
        run.tests["kind"].astype("str").isin(["hardness_surface", "hardness_centre", "charpy"])
    ]
    plates = run.plates.set_index("plate_id")
    t = t.assign(
        grade=t["entity_id"].map(plates["grade_ordered"].astype("str")),
        thickness_mm=t["entity_id"].map(plates["thickness_mm"]).astype("float64"),
    )
    if window:
        lo, hi = run.window
        t = t[t["time_min"].between(lo, hi)]
    return t.reset_index(drop=True)


def spec_compliance(run: RunLike, window: bool = False) -> pd.DataFrame:
    """Hardness and Charpy against the specification, by grade and test kind.

    Columns: n, mean, sd, min, max (measured), spec_low, spec_high (most common limits of the
    group), pass_pct (tests within their own spec), cpk (process capability against the
    group's limits; one-sided where only one limit exists).
    """
    t = property_tests(run, window)
    rows = []
    for (grade, kind), sub in t.groupby(["grade", t["kind"].astype("str")]):
        v = sub["value"].dropna()
        lo = sub["spec_low"].mode()
        hi = sub["spec_high"].mode()
        smin = float(lo.iloc[0]) if not lo.empty else np.nan
        smax = float(hi.iloc[0]) if not hi.empty else np.nan
        mu, sd = float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else np.nan
        caps = []
        if not np.isnan(smin) and sd and sd > 0:
            caps.append((mu - smin) / (3 * sd))
        if not np.isnan(smax) and sd and sd > 0:
            caps.append((smax - mu) / (3 * sd))
        rows.append(
            {
                "grade": grade,
                "kind": kind,
                "n": len(v),
                "mean": mu,
                "sd": sd,
                "min": float(v.min()),
                "max": float(v.max()),
                "spec_low": smin,
                "spec_high": smax,
                "pass_pct": 100.0 * float(sub["pass"].astype(bool).mean()),
                "cpk": min(caps) if caps else np.nan,
            }
        )
    columns = ["grade", "kind", "n", "mean", "sd", "min", "max", "spec_low", "spec_high",
               "pass_pct", "cpk"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).set_index(["grade", "kind"])


def escape_reasons(run: RunLike, window: bool = True) -> pd.DataFrame:
    """Escaped plates by what was wrong (rows: the nonconformity) and why it got through
    (columns: the reason), from ``plates.csv``'s ``escape_reasons``; a plate wrong in two ways
    counts in two rows. Empty for a run folder written before the column existed."""
    run = as_run(run)
    p = run.plates
    if "escape_reasons" not in p.columns:
        return pd.DataFrame()
    p = p[p["escape"].astype(bool)]
    if window:
        p = p[p["in_window"].astype(bool)]
    pairs = [
        pair.split(":", 1)
        for cell in p["escape_reasons"].astype("object").fillna("").astype("str")
        for pair in cell.split(";")
        if ":" in pair
    ]
    if not pairs:
        return pd.DataFrame()
    frame = pd.DataFrame(pairs, columns=["nonconformity", "reason"])
    table = pd.crosstab(frame["nonconformity"], frame["reason"], margins=True, margins_name="all")
    return table.astype(int)
