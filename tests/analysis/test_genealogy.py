"""Genealogy queries against a hand-made run whose lineage is known, and the simulated run."""

from __future__ import annotations

import pytest
from synthetic_run import C_PARENT, A, B, C, D, E, F, G

from mill.analysis import (
    AnalysisError,
    Run,
    containment,
    entity_kind,
    inspection_shifts,
    trace_back,
    trace_forward,
    trace_text,
)


def test_entity_kind() -> None:
    assert entity_kind("H000001") == "heat"
    assert entity_kind("H000001-S02") == "slab"
    assert entity_kind("H000001-S02-M1") == "mother"
    assert entity_kind("H000001-S02-M1-P3") == "plate"
    assert entity_kind("H000001-S02-M1-P3R1") == "plate"
    assert entity_kind("H000001-S02-M1-P3-X") == "plate_scrap"
    assert entity_kind("H000001-S02-X") == "slab_scrap"
    assert entity_kind("H000001-LOSS") == "heat_loss"
    assert entity_kind("junk") == ""


def test_trace_back_recut_plate(syn: Run) -> None:
    lin = trace_back(syn, C)
    assert lin.path == [C, C_PARENT, "H000001-S01-M2", "H000001-S01", "H000001"]
    assert lin.mother_id == "H000001-S01-M2"
    assert lin.slab_id == "H000001-S01" and lin.heat_id == "H000001"
    assert list(lin.edges["relation"].astype(str)) == ["cast", "rolled", "cut", "recut"]
    params = lin.parameters().set_index(["level", "parameter"])["value"]
    assert params[("mother", "aust_temp_c")] == 905.0
    assert params[("mother", "temper_temp_c")] == 221.5
    assert params[("slab", "reheat_temp_c")] == 1210.0
    assert params[("heat", "c_pct")] == 0.18
    assert params[("plate", "disposition")] == "downgraded"
    assert set(lin.events["entity_id"]) == {C, C_PARENT}


def test_trace_back_errors(syn: Run) -> None:
    with pytest.raises(AnalysisError, match="re-cut"):
        trace_back(syn, C_PARENT)
    with pytest.raises(AnalysisError, match="unknown"):
        trace_back(syn, "H000009-S01-M1-P1")


def test_trace_forward_heat(syn: Run) -> None:
    fwd = trace_forward(syn, "H000001")
    plates = set(fwd.loc[fwd["disposition"].notna(), "child_id"])
    assert plates == {A, B, C, D}
    scrap = set(fwd.loc[fwd["relation"].astype(str) == "scrap", "child_id"])
    assert scrap == {
        "H000001-S01-X",
        "H000001-S01-M1-X",
        "H000001-S01-M2-X",
        "H000001-S01-M2-P1-X",
        "H000001-S02-M1-X",
    }
    assert fwd["depth"].max() == 4  # heat > slab > mother > plate > re-cut plate
    # every child appears after its parent (depth-first order)
    seen = {"H000001"}
    for parent, child in zip(fwd["parent_id"], fwd["child_id"], strict=True):
        assert parent in seen
        seen.add(child)
    # mass reconciles: cast = everything that ended as plate, scrap or loss below the slabs
    leaves = fwd[~fwd["child_id"].isin(fwd["parent_id"])]
    cast = fwd.loc[fwd["relation"].astype(str) == "cast", "mass_t"].sum()
    heat_loss = fwd.loc[fwd["child_id"] == "H000001-LOSS", "mass_t"].sum()
    assert leaves["mass_t"].sum() - heat_loss == pytest.approx(cast)


def test_inspection_shifts(syn: Run) -> None:
    s = inspection_shifts(syn).set_index("plate_id")
    assert s.loc[A, "shift_id"] == "2026-01-05 A"
    assert s.loc[C, "shift_id"] == "2026-01-05 B"
    assert s.loc[E, "shift_id"] == "2026-01-05 C"
    assert s.loc[G, "shift_id"] == "2026-01-05 C"  # 03:40 next morning is still shift C
    assert s.loc[F, "shift"] == "A"


def test_containment(syn: Run) -> None:
    c = containment(syn, A).set_index("plate_id")
    assert set(c.index) == {C, E, F}  # B scrapped and D in process are not released
    assert c.loc[C, "shares"] == "heat, sequence"
    assert c.loc[E, "shares"] == "sequence, ht_batch"
    assert c.loc[F, "shares"] == "shift"
    assert bool(c.loc[F, "same_shift"]) and not bool(c.loc[F, "same_heat"])
    assert c.loc[E, "order_id"] == "O000001"
    assert next(iter(c.index)) in {C, E}  # most links first
    c2 = containment(syn, E).set_index("plate_id")
    assert G in c2.index and c2.loc[G, "shares"] == "shift"
    assert B not in c2.index and D not in c2.index


def test_trace_text(syn: Run) -> None:
    fwd = trace_text(syn, "H000001")
    assert fwd.splitlines()[0].startswith("H000001")
    for pid in (A, B, C, D):
        assert pid in fwd
    assert "└──" in fwd and "├──" in fwd and "cut-out at re-size" in fwd
    back = trace_text(syn, C)
    assert back.index(C_PARENT) < back.index("H000001-S01-M2 ") < back.index("cast from H000001")
    assert "aust_temp_c 905 °C" in back
    with pytest.raises(AnalysisError):
        trace_text(syn, "nonsense")
    with pytest.raises(AnalysisError, match="unknown"):
        trace_text(syn, "H000042")


def test_sim_lineage_is_consistent(sim: Run) -> None:
    done = sim.plates[sim.plates["disposition"].astype(str) != "wip"]
    for pid in done["plate_id"].iloc[:: max(len(done) // 15, 1)]:
        lin = trace_back(sim, pid)
        assert lin.heat_id == pid[:7]
        assert lin.path[-1] == lin.heat_id
        assert lin.mother_id == str(lin.plate["mother_id"])
    heat = str(done["heat_id"].iloc[0])
    fwd = trace_forward(sim, heat)
    finals = set(fwd.loc[fwd["disposition"].notna(), "child_id"])
    assert finals == set(sim.plates.loc[sim.plates["heat_id"] == heat, "plate_id"])
    text = trace_text(sim, heat)
    assert text.count("\n") > len(finals)


def test_sim_containment(sim: Run) -> None:
    prime = sim.plates[sim.plates["disposition"].astype(str) == "prime"]
    pid = str(prime["plate_id"].iloc[len(prime) // 2])
    c = containment(sim, pid)
    assert pid not in set(c["plate_id"])
    assert set(c["disposition"].astype(str)) <= {"prime", "downgraded"}
    row = prime.set_index("plate_id").loc[pid]
    same_heat = c[c["same_heat"]]
    assert (same_heat["heat_id"] == row["heat_id"]).all()
    assert c[["same_heat", "same_sequence", "same_ht_batch", "same_shift"]].any(axis=1).all()
