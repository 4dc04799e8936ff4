"""Statistics: defects, yield, flow, utilisation, properties against specification."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mill.analysis import (
    Run,
    defect_pareto,
    detection_confusion,
    kpis,
    lead_times,
    origin_vs_detection,
    spec_compliance,
    unit_utilisation,
    wip_throughput,
    write_report,
    yield_waterfall,
)


def test_pareto_matches_the_run_summary(sim: Run) -> None:
    pareto = defect_pareto(sim)
    by_mech = sim.summary["defects"]["by_mechanism"]
    for mech, counts in by_mech.items():
        assert pareto.loc[mech, "true"] == counts["true"], mech
        assert pareto.loc[mech, "detected"] == counts["detected"], mech
    assert list(pareto["true"]) == sorted(pareto["true"], reverse=True)
    assert pareto["cum_pct"].iloc[-1] == pytest.approx(100.0)
    assert "false_call" not in pareto.index


def test_pareto_on_known_run(syn: Run) -> None:
    p = defect_pareto(syn)
    assert p.loc["inclusion_cluster"].to_dict() == {
        "true": 2,
        "detected": 1,
        "missed": 1,
        "in_scrap": 0,
        "missed_on_prime": 1,
        "pct": 100.0,
        "cum_pct": 100.0,
    }


def test_origin_vs_detection(sim: Run) -> None:
    table = origin_vs_detection(sim)
    assert table.to_numpy().sum() == defect_pareto(sim)["true"].sum()
    assert "missed" in table.columns


def test_confusion(sim: Run, syn: Run) -> None:
    conf = detection_confusion(sim)
    d = sim.defects
    _lo, _hi = sim.window
    assert conf.loc["no_defect", "false_calls"] <= int((~d["is_true"]).sum())
    mech = conf.drop(index="no_defect")
    assert (mech["called"] + mech["not_called"] + mech["in_scrap"] == mech["true"]).all()
    assert ((mech["detection_pct"].dropna() >= 0) & (mech["detection_pct"].dropna() <= 100)).all()
    c = detection_confusion(syn)
    assert c.loc["no_defect", "false_calls"] == 1
    assert c.loc["no_defect", "false_calls_upheld"] == 0
    assert c.loc["inclusion_cluster", "detection_pct"] == pytest.approx(50.0)


def test_yield_waterfall_reconciles(sim: Run) -> None:
    w = yield_waterfall(sim)
    totals = w.index[w["kind"] == "total"]
    for a, b in itertools.pairwise(totals):
        between = w.loc[a + 1 : b - 1, "mass_t"].sum()
        assert w.loc[a, "mass_t"] - between == pytest.approx(w.loc[b, "mass_t"], abs=0.05)
    assert w.set_index("step").loc["cast slabs", "pct_of_cast"] == pytest.approx(100.0)
    prime = sim.plates.loc[sim.plates["disposition"].astype(str) == "prime", "mass_t"].sum()
    assert w["mass_t"].iloc[-1] == pytest.approx(prime)
    balance = sim.manifest["invariants"]["mass_balance"]
    assert w.set_index("step").loc["cast slabs", "mass_t"] == pytest.approx(
        balance["cast_t"], abs=0.05
    )


def test_wip_throughput(sim: Run) -> None:
    wt = wip_throughput(sim)
    assert wt["time_h"].iloc[-1] == pytest.approx(60.0)
    assert (wt["wip_t"] >= -1e-6).all()
    assert np.all(np.diff(wt["released_t"]) >= 0)
    released = sim.plates.loc[
        sim.plates["disposition"].astype(str).isin(["prime", "downgraded"]), "mass_t"
    ].sum()
    assert wt["released_t"].iloc[-1] == pytest.approx(released)
    balance = sim.manifest["invariants"]["mass_balance"]
    assert wt["wip_t"].iloc[-1] == pytest.approx(balance["wip_t"], abs=0.05)


def test_lead_times(sim: Run) -> None:
    lt = lead_times(sim)
    assert ("all", "lead_time_h") in lt.index
    row = lt.loc[("all", "lead_time_h")]
    assert row["p50"] <= row["p90"] <= row["p95"] <= row["max"]
    assert row["mean"] == pytest.approx(sim.summary["lead_time_h"]["mean"], abs=0.05)


def test_unit_utilisation(sim: Run) -> None:
    u = unit_utilisation(sim)
    fracs = u[["busy_frac", "idle_frac", "blocked_frac", "down_frac"]].sum(axis=1)
    assert np.allclose(fracs, 1.0)
    assert (u[["busy_h", "idle_h", "blocked_h", "down_h"]].sum(axis=1) <= 48.0 + 1e-6).all()
    assert list(u.index[:2]) == ["converter", "ladle_furnace"]


def test_spec_compliance(sim: Run, syn: Run) -> None:
    s = spec_compliance(sim)
    assert s.loc[("NM400", "hardness_surface"), "spec_low"] == 370.0
    assert s.loc[("NM400", "hardness_surface"), "spec_high"] == 430.0
    assert ((s["pass_pct"] >= 0) & (s["pass_pct"] <= 100)).all()
    k = spec_compliance(syn)
    assert k.loc[("NM400", "charpy"), "mean"] == pytest.approx(50.0)
    assert k.loc[("NM400", "charpy"), "cpk"] == pytest.approx((50 - 24) / (3 * 5.0))


def test_kpis(sim: Run) -> None:
    k = kpis(sim)
    assert k["plates released"] == sim.summary["plates"]["released"]
    assert any(i.startswith("utilisation: ") for i in k.index)


def test_unit_utilisation_is_the_summarys_slot_occupancy(sim: Run) -> None:
    """One utilisation definition: for every unit, furnaces with many slots included, the
    analysis's busy and blocked shares are the summary's (slot-minutes over capacity x
    window), and a multi-slot furnace is far less busy than 'any slot working' would say."""
    u = unit_utilisation(sim)
    util = sim.summary["utilisation"]
    for unit, row in u.iterrows():
        s = util[str(unit)]
        assert row["busy_frac"] == pytest.approx(s["utilisation"], abs=2e-4), unit
        assert row["blocked_frac"] == pytest.approx(s["blocked_frac"], abs=2e-4), unit
        assert row["down_frac"] == pytest.approx(s["down_frac"], abs=2e-4), unit
        assert row["capacity"] == s["capacity"]
    eq = sim.equipment
    lo, hi = sim.window
    bed = eq[(eq["unit"] == "cooling_bed") & (eq["start_min"] >= lo)]
    any_busy = bed.loc[bed["state"] == "busy", "duration_min"].sum() / (hi - lo)
    assert u.loc["cooling_bed", "capacity"] > 1
    assert u.loc["cooling_bed", "busy_frac"] < 0.8 * any_busy


def test_summary_lead_time_percentiles_are_exact(sim: Run) -> None:
    """The summary's lead- and flow-time percentiles are the exact quantiles of the released
    plates' times in plates.csv (to its 3 decimals and the summary's 2), not bin midpoints;
    lead time counts customer plates only (stock fill has no customer order)."""
    p = sim.plates
    kept = p["disposition"].astype(str).isin(["prime", "downgraded"])
    released = p[p["in_window"].astype(bool) & kept]
    customer = released[~released["order_id"].astype(str).str.startswith("STOCK")]
    for col, key, rows in (
        ("lead_time_h", "lead_time_h", customer),
        ("flow_time_h", "flow_time_h", released),
    ):
        values = rows[col].dropna().to_numpy(dtype=float)
        assert len(values) > 100
        for q in (50, 90, 95):
            exact = float(np.percentile(values, q))
            assert sim.summary[key][f"p{q}"] == pytest.approx(exact, abs=0.006), (col, q)


def test_unit_capacity_is_printed_as_whole_slots(sim: Run, tmp_path: Path) -> None:
    """A unit's capacity is a number of slots: an integer column, printed in the run report's
    unit table as ``24``, not ``24.000`` (the shares beside it keep three decimals)."""
    u = unit_utilisation(sim)
    assert pd.api.types.is_integer_dtype(u["capacity"])
    text = write_report(sim, tmp_path / "r.html").read_text(encoding="utf-8")
    table = next(t for t in text.split("<table>") if "<th>capacity</th>" in t)
    head = re.findall(r"<th[^>]*>([^<]*)</th>", table.split("</tr>")[0])
    col = head.index("capacity")
    rows = [re.findall(r"<td[^>]*>([^<]*)</td>", r) for r in table.split("</tr>")[1:]]
    shown = {r[0]: r[col] for r in rows if r}
    assert shown and shown == {str(k): f"{v:d}" for k, v in u["capacity"].items()}
    assert shown["converter"] == str(int(sim.summary["utilisation"]["converter"]["capacity"]))
