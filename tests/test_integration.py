"""The short baseline run end to end: every invariant holds, the KPIs the issue lists are in
summary.json and agree with plates.csv, every CSV matches the data dictionary, the manifest's
checksums and row counts are right, and the mass balance closes from the CSVs themselves.
"""

from __future__ import annotations

import hashlib
import math
import tomllib

import numpy as np
import pandas as pd
import pytest
from core_support import RunArtifacts, numbers, read_header

from mill.scenario import dump_scenario, scenario_hash, validate
from mill.scenario.equipment import UNIT_NAMES
from mill.trace.schema import TABLES, column_names

STATES = {"busy", "idle", "down", "blocked"}


def close(a: float, b: float, n: int = 1) -> bool:
    """Equal up to the rounding of ``n`` CSV values (4 decimals each) and of a 3-decimal total."""
    return abs(a - b) <= 1e-3 + n * 6e-5


# ---- invariants and provenance ------------------------------------------------------------
def test_every_invariant_in_the_manifest_holds(baseline_run: RunArtifacts) -> None:
    """Mass balance, plate conservation and Little's law per unit all pass."""
    inv = baseline_run.manifest["invariants"]
    assert inv == baseline_run.result.invariants
    assert {"mass_balance", "plate_conservation", "littles_law"} <= set(inv)
    assert inv["mass_balance"]["ok"], inv["mass_balance"]
    assert inv["plate_conservation"]["ok"], inv["plate_conservation"]
    assert inv["plate_conservation"]["violations"] == []
    bad = {u: v for u, v in inv["littles_law"]["units"].items() if not v["ok"]}
    assert not bad
    assert inv["littles_law"]["ok"]
    assert inv["ok"] is True


def test_littles_law_is_checked_for_every_unit(baseline_run: RunArtifacts) -> None:
    """Each unit's reported L equals λ·W (to the rounding of the reported figures); every unit
    of the plant is there (all but the inspection regimes' units, off in the baseline)."""
    units = baseline_run.manifest["invariants"]["littles_law"]["units"]
    assert set(units) == set(baseline_run.scenario.plant.units())
    for name, u in units.items():
        lw = u["lambda_per_min"] * u["W_min"]
        assert u["L"] == pytest.approx(lw, rel=1e-3, abs=1e-3), name


def test_manifest_records_provenance(baseline_run: RunArtifacts) -> None:
    """The manifest has the seed, versions, scenario hash, wall time, rows and checksums."""
    m = baseline_run.manifest
    sc = baseline_run.scenario
    assert m["seed"] == sc.run.seed
    assert m["scenario_name"] == "baseline"
    assert m["simulated_days"] == 2.5
    assert m["mill_version"] == m["versions"]["mill"]
    assert {"python", "simpy", "numpy", "scipy", "pandas", "pydantic"} <= set(m["versions"])
    assert m["wall_time_s"] > 0
    assert m["scenario_sha256"] == scenario_hash(sc)


def test_manifest_checksums_match_the_files(baseline_run: RunArtifacts) -> None:
    """Every file but the manifest has a SHA-256 in the manifest, and it matches."""
    sums = baseline_run.manifest["checksums_sha256"]
    files = {p.name for p in baseline_run.path.iterdir()} - {"manifest.json"}
    assert set(sums) == files
    assert {"scenario.toml", "summary.json", *(f"{t}.csv" for t in TABLES)} <= files
    for name, digest in sums.items():
        assert hashlib.sha256((baseline_run.path / name).read_bytes()).hexdigest() == digest, name


def test_manifest_row_counts_match_the_csvs(baseline_run: RunArtifacts) -> None:
    """``rows`` in the manifest is the number of data rows of each CSV."""
    rows = baseline_run.manifest["rows"]
    assert set(rows) == set(TABLES)
    for table in TABLES:
        assert rows[table] == len(baseline_run.table(table)), table
    for table in ("heats", "slabs", "plates", "genealogy", "events", "equipment", "tests"):
        assert rows[table] > 0, f"a 2.5-day baseline run must have {table}"


def test_scenario_toml_is_the_effective_scenario_that_ran(baseline_run: RunArtifacts) -> None:
    """scenario.toml is the full effective scenario: it reloads to the scenario that ran and
    its SHA-256 is the manifest's scenario hash."""
    raw = (baseline_run.path / "scenario.toml").read_bytes()
    assert raw.decode("utf-8") == dump_scenario(baseline_run.scenario)
    assert validate(tomllib.loads(raw.decode("utf-8"))) == baseline_run.scenario
    assert hashlib.sha256(raw).hexdigest() == baseline_run.manifest["scenario_sha256"]


# ---- the CSV contract -------------------------------------------------------------------------
@pytest.mark.parametrize("table", list(TABLES))
def test_csv_header_is_the_data_dictionary(baseline_run: RunArtifacts, table: str) -> None:
    """Each CSV's header equals ``column_names(table)``, in order."""
    assert read_header(baseline_run.path, table) == column_names(table)


def _check_column(table: str, name: str, dtype: str, col: pd.Series) -> None:
    filled = col[col != ""]
    where = f"{table}.{name}"
    if dtype == "float":
        values = numbers(col)
        assert not np.isinf(values).any(), where
    elif dtype == "int":
        ints = pd.to_numeric(filled, errors="raise")
        assert (ints == ints.round()).all(), where
        assert filled.str.fullmatch(r"-?\d+").all(), f"{where}: ints are written without '.0'"
    elif dtype == "bool":
        assert set(filled) <= {"True", "False"}, f"{where}: {set(filled)}"
    elif dtype == "datetime":
        parsed = pd.to_datetime(filled, format="ISO8601", errors="raise")
        assert parsed.notna().all(), where
    else:
        assert dtype in ("string", "category"), f"{where}: unknown dtype {dtype}"


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_parses_with_its_schema_dtype(baseline_run: RunArtifacts, table: str) -> None:
    """Floats parse as floats, ints as whole numbers, bools are True/False, ISO columns parse
    as datetimes (empty cells allowed where a value does not apply)."""
    df = baseline_run.table(table)
    for col in TABLES[table]:
        _check_column(table, col.name, col.dtype, df[col.name])


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ("heats", ["heat_id", "sequence_id", "grade", "gauge_class", "released_min", "slabs"]),
        ("slabs", ["slab_id", "heat_id", "mass_t", "cast_min"]),
        ("plates", ["plate_id", "heat_id", "slab_id", "mother_id", "order_id", "mass_t"]),
        ("plates", ["disposition", "in_window", "nonconforming_true", "escape", "false_reject"]),
        ("genealogy", ["parent_id", "child_id", "relation", "mass_t", "time_min"]),
        ("events", ["entity_id", "entity_kind", "stage", "unit", "arrive_min", "start_min"]),
        ("equipment", ["unit", "state", "start_min", "end_min", "duration_min"]),
        ("defects", ["defect_id", "entity_id", "heat_id", "is_true", "mechanism", "detected"]),
        ("tests", ["test_id", "entity_id", "kind", "value", "pass"]),
    ],
)
def test_key_columns_are_never_empty(
    baseline_run: RunArtifacts, table: str, columns: list[str]
) -> None:
    """IDs, kinds, masses and times that every row must have are filled in."""
    df = baseline_run.table(table)
    for name in columns:
        assert (df[name] != "").all(), f"{table}.{name} has empty cells"


def test_plates_disposition_is_one_of_the_documented_values(baseline_run: RunArtifacts) -> None:
    """Plates are prime, downgraded, scrap or wip; only disposed plates have done times."""
    p = baseline_run.table("plates")
    assert set(p.disposition) <= {"prime", "downgraded", "scrap", "wip"}
    done = p.disposition != "wip"
    assert (p.done_min[done] != "").all()
    assert (p.done_min[~done] == "").all()
    assert (p.in_window[~done] == "False").all()
    released = p[p.disposition.isin(["prime", "downgraded"])]
    assert (released.grade_released != "").all()


def test_iso_timestamps_agree_with_the_minute_columns(baseline_run: RunArtifacts) -> None:
    """``*_iso`` is the run start plus the matching ``*_min`` column, to the second."""
    start = pd.Timestamp(baseline_run.scenario.run.start)
    p = baseline_run.table("plates")
    p = p[p.done_iso != ""]
    iso = pd.to_datetime(p.done_iso, format="ISO8601")
    minutes = start + pd.to_timedelta(numbers(p.done_min), unit="min")
    assert (iso - minutes).abs().dt.total_seconds().max() <= 1.1  # ISO truncates to seconds
    h = baseline_run.table("heats")
    iso = pd.to_datetime(h.cast_start_iso, format="ISO8601")
    minutes = start + pd.to_timedelta(numbers(h.cast_start_min), unit="min")
    assert (iso - minutes).abs().dt.total_seconds().max() <= 1.1  # ISO truncates to seconds


def test_equipment_timelines_cover_the_run_without_gaps(baseline_run: RunArtifacts) -> None:
    """Each unit's state intervals tile [0, horizon] with known states and right durations."""
    e = baseline_run.table("equipment")
    horizon = baseline_run.scenario.run.horizon_days * 1440
    assert set(e.state) <= STATES
    assert set(e.unit) == set(baseline_run.scenario.plant.units())  # every unit of the plant
    for unit, g in e.groupby("unit"):
        start, end, dur = numbers(g.start_min), numbers(g.end_min), numbers(g.duration_min)
        order = np.argsort(start.to_numpy(), kind="stable")
        s, t = start.to_numpy()[order], end.to_numpy()[order]
        assert s[0] == 0.0 and t[-1] == pytest.approx(horizon), unit
        assert np.allclose(s[1:], t[:-1], atol=1e-3), f"{unit}: gap or overlap"
        assert (dur >= 0).all() and np.allclose(dur, end - start, atol=2e-3), unit


def test_events_are_ordered_in_time(baseline_run: RunArtifacts) -> None:
    """Each stage visit arrives, starts and ends in that order, inside the run, at a known unit."""
    ev = baseline_run.table("events")
    horizon = baseline_run.scenario.run.horizon_days * 1440
    a, s, e = numbers(ev.arrive_min), numbers(ev.start_min), numbers(ev.end_min)
    assert (a <= s).all() and (s <= e).all()
    assert (a >= 0).all() and (e <= horizon).all()
    assert set(ev.unit) <= set(UNIT_NAMES)
    assert set(ev.entity_kind) <= {"heat", "slab", "mother", "plate"}


# ---- the KPIs -----------------------------------------------------------------------------
def test_summary_has_the_kpis_the_issue_lists(baseline_run: RunArtifacts) -> None:
    """Tonnes and plates released, yield by tonnage, throughput, lead-time percentiles,
    utilisation per unit, average WIP, defects true vs detected, escapes, false rejects."""
    s = baseline_run.summary
    assert s == baseline_run.result.summary
    assert {"released_t", "prime_t", "downgraded_t", "scrap_t"} <= set(s["tonnes"])
    assert {"released", "prime", "downgraded", "scrap"} <= set(s["plates"])
    assert {
        "slab_to_prime_pct",
        "slab_to_downgraded_pct",
        "prime_pct_of_disposed",
        "downgraded_pct_of_disposed",
        "scrap_pct_of_disposed",
    } <= set(s["yield_by_tonnage"])
    assert isinstance(s["throughput_t_per_h"], float)
    assert {"mean", "p50", "p90", "p95"} <= set(s["lead_time_h"])
    assert set(s["utilisation"]) == set(baseline_run.scenario.plant.units())
    assert {"mean_t", "mean_pieces"} <= set(s["wip"])
    assert s["defects"]["by_mechanism"]
    assert {"per_million_prime", "plates"} <= set(s["escapes"])
    assert "plates" in s["false_rejects"]
    w = s["window"]
    assert (w["start_min"], w["end_min"], w["hours"]) == (720.0, 3600.0, 48.0)


def test_summary_plate_counts_and_tonnes_match_plates_csv(baseline_run: RunArtifacts) -> None:
    """Plates and tonnes by disposition in the window are those of plates.csv's in-window rows."""
    s = baseline_run.summary
    p = baseline_run.table("plates")
    w = p[p.in_window == "True"]
    mass = numbers(w.mass_t)
    for disp in ("prime", "downgraded", "scrap"):
        sel = (w.disposition == disp).to_numpy()
        assert s["plates"][disp] == int(sel.sum()), disp
        assert s["tonnes"][f"{disp}_t"] == pytest.approx(mass[sel].sum(), abs=0.01), disp
    released = w.disposition.isin(["prime", "downgraded"]).to_numpy()
    assert s["plates"]["released"] == int(released.sum())
    assert s["tonnes"]["released_t"] == pytest.approx(mass[released].sum(), abs=0.01)
    assert s["plates"]["released"] > 100, "the short baseline must release plates to judge KPIs"
    hours = s["window"]["hours"]
    assert s["throughput_t_per_h"] == pytest.approx(mass[released].sum() / hours, abs=1e-3)


def test_summary_escapes_and_false_rejects_match_plates_csv(baseline_run: RunArtifacts) -> None:
    """Escapes (prime but nonconforming) and false rejects are counted from in-window plates."""
    s = baseline_run.summary
    p = baseline_run.table("plates")
    w = p[p.in_window == "True"]
    escapes = int((w.escape == "True").sum())
    assert s["escapes"]["plates"] == escapes
    assert ((w.escape == "True") <= (w.disposition == "prime")).all()
    assert ((w.escape == "True") <= (w.nonconforming_true == "True")).all()
    prime = int((w.disposition == "prime").sum())
    assert s["escapes"]["per_million_prime"] == pytest.approx(1e6 * escapes / prime, abs=0.1)
    assert s["false_rejects"]["plates"] == int((w.false_reject == "True").sum())
    assert ((w.false_reject == "True") <= w.disposition.isin(["downgraded", "scrap"])).all()


def test_lead_time_percentiles_match_plates_csv(baseline_run: RunArtifacts) -> None:
    """Lead-time mean and percentiles agree with released in-window customer plates (stock
    plates have no customer, hence no lead time; half-hour bins)."""
    lt = baseline_run.summary["lead_time_h"]
    p = baseline_run.table("plates")
    rel = p[(p.in_window == "True") & (p.disposition != "scrap")]
    rel = rel[~rel.order_id.str.startswith("STOCK-")]
    hours = numbers(rel.lead_time_h)
    assert lt["mean"] == pytest.approx(hours.mean(), abs=0.01)
    for q in (50, 90, 95):
        assert abs(lt[f"p{q}"] - np.percentile(hours, q)) <= 0.5 + 1e-9, q
    assert lt["p50"] <= lt["p90"] <= lt["p95"]


def test_utilisation_is_a_fraction_for_every_unit(baseline_run: RunArtifacts) -> None:
    """Every unit reports its capacity and utilisation, blocked and down fractions in [0, 1]."""
    util = baseline_run.summary["utilisation"]
    for name, u in util.items():
        for key in ("utilisation", "blocked_frac", "down_frac"):
            assert 0.0 <= u[key] <= 1.0, (name, key, u[key])
        assert u["capacity"] >= 1
    assert util["caster"]["utilisation"] > 0


def test_yields_by_tonnage_are_percentages_that_add_up(baseline_run: RunArtifacts) -> None:
    """Shares of disposed tonnes add up to 100 %; slab-tonne shares add up to 100 %."""
    y = baseline_run.summary["yield_by_tonnage"]
    disposed = y["prime_pct_of_disposed"] + y["downgraded_pct_of_disposed"]
    assert disposed + y["scrap_pct_of_disposed"] == pytest.approx(100.0, abs=0.01)
    slab = [k for k in y if k.startswith("slab_to_") and k != "slab_to_released_pct"]
    assert sum(y[k] for k in slab) == pytest.approx(100.0, abs=0.01)
    assert 0 < y["slab_to_prime_pct"] < 100


def test_defects_by_mechanism_count_true_and_detected(baseline_run: RunArtifacts) -> None:
    """Each mechanism has true and detected counts, never more detected than true, and the
    mechanisms are those of defects.csv."""
    by = baseline_run.summary["defects"]["by_mechanism"]
    for mech, v in by.items():
        assert 0 <= v["detected"] <= v["true"], mech
    d = baseline_run.table("defects")
    assert set(by) <= set(d[d.is_true == "True"].mechanism)
    assert sum(v["true"] for v in by.values()) > 0


def test_average_wip_is_positive_and_finite(baseline_run: RunArtifacts) -> None:
    """Average work in progress (tonnes and pieces) over the window is reported."""
    wip = baseline_run.summary["wip"]
    assert 0 < wip["mean_t"] < math.inf
    assert 0 < wip["mean_pieces"] < math.inf


# ---- mass balance from the CSVs ---------------------------------------------------------------
def _edges(run: RunArtifacts) -> pd.DataFrame:
    g = run.table("genealogy").copy()
    g["mass"] = numbers(g.mass_t)
    return g


def test_every_genealogy_node_passes_on_exactly_its_mass(baseline_run: RunArtifacts) -> None:
    """For every slab, mother plate and re-cut plate, the mass of its outgoing edges (children,
    scrap, scale loss) equals the mass of the edge that made it."""
    g = _edges(baseline_run)
    made = g.groupby("child_id").mass.sum()
    out = g.groupby("parent_id").mass.sum()
    out_n = g.groupby("parent_id").size()
    internal = [pid for pid in out.index if pid in made.index]
    assert internal, "a short run has rolled slabs and cut mother plates"
    bad = [
        (pid, made[pid], out[pid]) for pid in internal if not close(made[pid], out[pid], out_n[pid])
    ]
    assert not bad, bad[:5]


def test_heats_cast_and_loss_edges_add_up_to_the_liquid_mass(baseline_run: RunArtifacts) -> None:
    """A fully cast heat's slabs sum to its cast mass, and cast + casting loss = liquid steel."""
    g = _edges(baseline_run)
    h = baseline_run.table("heats").set_index("heat_id")
    cast = g[g.relation == "cast"].groupby("parent_id").mass.sum()
    loss = g[(g.relation == "loss") & g.parent_id.isin(h.index)].set_index("parent_id").mass
    assert len(loss) > 0
    for heat_id, loss_t in loss.items():
        n = int(h.at[heat_id, "slabs"])
        assert close(cast[heat_id], float(h.at[heat_id, "cast_mass_t"]), n), heat_id
        assert close(cast[heat_id] + loss_t, float(h.at[heat_id, "liquid_mass_t"]), n), heat_id
        assert close(loss_t, float(h.at[heat_id, "casting_loss_t"])), heat_id


def test_mass_balance_closes_from_the_csvs(baseline_run: RunArtifacts) -> None:
    """Tonnes cast (cast edges) = prime + downgraded + scrap + scale loss + WIP, each term
    summed from genealogy.csv and plates.csv, and each equal to the manifest's figure."""
    g = _edges(baseline_run)
    p = baseline_run.table("plates")
    mass = numbers(p.mass_t)
    mb = baseline_run.manifest["invariants"]["mass_balance"]
    n = len(g)

    cast_t = g[g.relation == "cast"].mass.sum()
    by_disp = {d: mass[(p.disposition == d).to_numpy()].sum() for d in ("prime", "downgraded")}
    scrap_plates = mass[(p.disposition == "scrap").to_numpy()].sum()
    scrap_t = g[g.relation == "scrap"].mass.sum() + scrap_plates
    slab_ids = set(baseline_run.table("slabs").slab_id)
    scale_t = g[(g.relation == "loss") & g.parent_id.isin(slab_ids)].mass.sum()
    leaves = g[~g.child_id.isin(set(g.parent_id))]
    unfinished = leaves[leaves.relation.isin(["cast", "rolled"])].mass.sum()
    wip_t = unfinished + mass[(p.disposition == "wip").to_numpy()].sum()

    assert close(cast_t, mb["cast_t"], n)
    assert close(by_disp["prime"], mb["prime_t"], len(p))
    assert close(by_disp["downgraded"], mb["downgraded_t"], len(p))
    assert close(scrap_t, mb["scrap_t"], n)
    assert close(scale_t, mb["yield_loss_t"], n)
    assert close(wip_t, mb["wip_t"], n)
    total = by_disp["prime"] + by_disp["downgraded"] + scrap_t + scale_t + wip_t
    assert close(cast_t, total, n)


def test_slabs_csv_mass_is_the_cast_edge_mass(baseline_run: RunArtifacts) -> None:
    """Every slab's mass in slabs.csv equals the mass on its cast edge."""
    g = _edges(baseline_run)
    cast = g[g.relation == "cast"].set_index("child_id").mass
    s = baseline_run.table("slabs").set_index("slab_id")
    assert set(s.index) == set(cast.index)
    diff = (numbers(s.mass_t) - cast.reindex(s.index)).abs()
    assert (diff <= 1e-3).all()


def test_plates_csv_mass_is_the_mass_on_the_plate_edge(baseline_run: RunArtifacts) -> None:
    """Every plate's mass equals the mass on the cut (or re-cut) edge that made it."""
    g = _edges(baseline_run)
    made = g[g.relation.isin(["cut", "recut"])].set_index("child_id").mass
    p = baseline_run.table("plates").set_index("plate_id")
    diff = (numbers(p.mass_t) - made.reindex(p.index)).abs()
    assert diff.notna().all() and (diff <= 1e-3).all()


def test_plate_count_is_conserved_through_every_cut(baseline_run: RunArtifacts) -> None:
    """Plates cut = rows in plates.csv = disposed + WIP, as the manifest reports; a re-cut
    renames a plate, it does not add one."""
    g = baseline_run.table("genealogy")
    p = baseline_run.table("plates")
    pc = baseline_run.manifest["invariants"]["plate_conservation"]
    cut = int((g.relation == "cut").sum())
    assert cut == pc["cut"] == len(p)
    assert pc["disposed"] == int((p.disposition != "wip").sum())
    assert pc["wip"] == int((p.disposition == "wip").sum())
    recut_parents = set(g[g.relation == "recut"].parent_id)
    assert not recut_parents & set(p.plate_id), "a re-cut plate's old ID is not a plate row"


def test_a_heat_that_finished_casting_has_its_chemistry_and_times(
    baseline_run: RunArtifacts,
) -> None:
    """Heats cast before the horizon carry chemistry, treatment and casting columns; heats
    still in steelmaking at the horizon leave the stages they did not reach empty."""
    heats = baseline_run.table("heats")
    cast = heats[heats["cast_end_min"] != ""]
    assert len(cast) > 0
    for name in ("cast_start_iso", "tapped_min", "c_pct", "hydrogen_ppm", "superheat_c", "cev"):
        assert (cast[name] != "").all(), name
    pending = heats[heats["tapped_min"] == ""]
    assert (pending["c_pct"] == "").all() and (pending["cast_start_iso"] == "").all()
