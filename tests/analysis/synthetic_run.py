"""A tiny hand-made run folder whose genealogy the tests know exactly.

Three heats (H000001 and H000002 in sequence Q00001, H000003 in Q00002), seven product plates::

    A  H000001-S01-M1-P1    prime       HT1  UT 07:00 day 1 (shift A)
    B  H000001-S01-M1-P2    scrap       HT1  (not released)
    C  H000001-S01-M2-P1R1  downgraded  HT2  UT 16:00 day 1 (shift B); re-cut from ...-M2-P1
    D  H000001-S02-M1-P1    wip         HT2  (not released)
    E  H000002-S01-M1-P1    prime       HT1  UT 23:40 day 1 (shift C)
    F  H000003-S01-M1-P1    prime       HT3  UT 07:10 day 1 (shift A)
    G  H000003-S01-M1-P2    prime       HT3  UT 03:40 day 2 (still day 1's shift C)

The run starts 2026-01-05T06:00, so minute m is 06:00 + m.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

from mill.trace import schema

A = "H000001-S01-M1-P1"
B = "H000001-S01-M1-P2"
C = "H000001-S01-M2-P1R1"
C_PARENT = "H000001-S01-M2-P1"
D = "H000001-S02-M1-P1"
E = "H000002-S01-M1-P1"
F = "H000003-S01-M1-P1"
G = "H000003-S01-M1-P2"

SCENARIO = """\
[run]
name = "synthetic"
seed = 1
horizon_days = 2.0
warmup_days = 0.0
start = "2026-01-05T06:00:00"

[grades.NM400]
surface_hbw = [370.0, 430.0]
surface_hbw_thick = [360.0, 440.0]
thick_above_mm = 80.0
centre_min_hbw = 330.0
charpy_temp_c = -40.0
charpy_min_j = 24.0
"""

_DEFAULT = {"float": "", "int": "0", "bool": "False", "string": "", "category": "", "datetime": ""}


def _write(folder: Path, table: str, rows: list[dict[str, Any]]) -> None:
    cols = schema.TABLES[table]
    with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([c.name for c in cols])
        for row in rows:
            w.writerow([row.get(c.name, _DEFAULT[c.dtype]) for c in cols])


def _heat(hid: str, seq: str, idx: int) -> dict[str, Any]:
    return {
        "heat_id": hid, "sequence_id": seq, "seq_heat_index": idx, "seq_heats": 2,
        "grade": "NM400", "liquid_mass_t": 21.0, "cast_mass_t": 20.0, "casting_loss_t": 1.0,
        "cast_start_iso": "2026-01-05T06:30:00", "c_pct": 0.18, "si_pct": 0.35, "mn_pct": 1.25,
        "p_pct": 0.012, "s_pct": 0.003, "cr_pct": 0.45, "ni_pct": 0.1, "mo_pct": 0.18,
        "cu_pct": 0.02, "ti_pct": 0.02, "b_pct": 0.0018, "al_pct": 0.035, "n_pct": 0.004,
        "cev": 0.52, "cet": 0.34, "pcm": 0.30, "re_pct": 0.004, "slabs": 1,
    }  # fmt: skip


def _plate(pid: str, disp: str, batch: str, done: float, **kw: Any) -> dict[str, Any]:
    parts = pid.split("-")
    heat, slab, mother = parts[0], "-".join(parts[:2]), "-".join(parts[:3])
    seq = "Q00002" if heat == "H000003" else "Q00001"
    row = {
        "plate_id": pid, "order_id": "O000001", "grade_ordered": "NM400",
        "grade_released": "NM400" if disp in ("prime", "downgraded") else "",
        "heat_id": heat, "slab_id": slab, "mother_id": mother, "sequence_id": seq,
        "seq_position": "middle", "ht_batch_id": batch, "thickness_mm": 20.0,
        "width_mm": 2000.0, "length_mm": 6000.0, "mass_t": 1.0, "ut_class_ordered": "S2E2",
        "aust_temp_c": 905.0, "aust_min": 56.0, "temper_temp_c": 221.5, "temper_min": 70.0,
        "cutting_method": "plasma", "hardness_meas_hbw": 401.0, "hardness_test_plate": A,
        "charpy_meas_avg_j": 50.0, "charpy_test_plate": A, "charpy_test_temp_c": -40.0,
        "ut_body_class": "S3", "ut_edge_class": "E4", "ut_pass": True, "disposition": disp,
        "reason": "" if disp == "prime" else "TEST", "done_min": done if disp != "wip" else "",
        "in_window": disp != "wip", "lead_time_h": 10.0, "flow_time_h": 8.0,
    }  # fmt: skip
    row.update(kw)
    return row


def _edge(parent: str, child: str, rel: str, mass: float, t: float) -> dict[str, Any]:
    return {"parent_id": parent, "child_id": child, "relation": rel, "mass_t": mass, "time_min": t}


def _ut(pid: str, start: float) -> dict[str, Any]:
    return {
        "entity_id": pid, "entity_kind": "plate", "stage": "inspection", "unit": "ut",
        "arrive_min": start, "start_min": start, "end_min": start + 5,
    }  # fmt: skip


def build(folder: Path) -> Path:
    """Write the synthetic run folder into ``folder`` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.toml").write_text(SCENARIO, encoding="utf-8")
    heats = [_heat("H000001", "Q00001", 1), _heat("H000002", "Q00001", 2),
             _heat("H000003", "Q00002", 1)]  # fmt: skip
    slabs = [
        {"slab_id": s, "heat_id": s[:7], "sequence_id": "Q00002" if s.startswith("H000003")
         else "Q00001", "seq_position": "middle", "thickness_mm": 250.0, "width_mm": 2000.0,
         "length_mm": 2000.0, "mass_t": 7.85, "charge": "hot", "reheat_temp_c": 1210.0,
         "passes": 15}
        for s in ("H000001-S01", "H000001-S02", "H000002-S01", "H000003-S01")
    ]  # fmt: skip
    plates = [
        _plate(A, "prime", "HT1", 100.0),
        _plate(B, "scrap", "HT1", 110.0),
        _plate(C, "downgraded", "HT2", 700.0, mass_t=0.8, length_mm=4800.0),
        _plate(D, "wip", "HT2", 0.0),
        _plate(E, "prime", "HT1", 1100.0),
        _plate(F, "prime", "HT3", 120.0),
        _plate(G, "prime", "HT3", 1400.0),
    ]
    gen = [
        _edge("H000001", "H000001-S01", "cast", 7.85, 10),
        _edge("H000001", "H000001-S02", "cast", 7.85, 12),
        _edge("H000001", "H000001-LOSS", "loss", 1.0, 20),
        _edge("H000002", "H000002-S01", "cast", 7.85, 30),
        _edge("H000003", "H000003-S01", "cast", 7.85, 5),
        _edge("H000001-S01", "H000001-S01-M1", "rolled", 3.0, 40),
        _edge("H000001-S01", "H000001-S01-M2", "rolled", 3.0, 40),
        _edge("H000001-S01", "H000001-S01-X", "scrap", 1.8, 40),
        _edge("H000001-S01", "H000001-S01-LOSS", "loss", 0.05, 40),
        _edge("H000001-S02", "H000001-S02-M1", "rolled", 7.8, 45),
        _edge("H000001-S02", "H000001-S02-LOSS", "loss", 0.05, 45),
        _edge("H000002-S01", "H000002-S01-M1", "rolled", 7.8, 50),
        _edge("H000002-S01", "H000002-S01-LOSS", "loss", 0.05, 50),
        _edge("H000003-S01", "H000003-S01-M1", "rolled", 7.8, 35),
        _edge("H000003-S01", "H000003-S01-LOSS", "loss", 0.05, 35),
        _edge("H000001-S01-M1", A, "cut", 1.0, 55),
        _edge("H000001-S01-M1", B, "cut", 1.0, 55),
        _edge("H000001-S01-M1", "H000001-S01-M1-X", "scrap", 1.0, 55),
        _edge("H000001-S01-M2", C_PARENT, "cut", 1.0, 300),
        _edge("H000001-S01-M2", "H000001-S01-M2-X", "scrap", 2.0, 300),
        _edge(C_PARENT, C, "recut", 0.8, 590),
        _edge(C_PARENT, "H000001-S01-M2-P1-X", "scrap", 0.2, 590),
        _edge("H000001-S02-M1", D, "cut", 1.0, 800),
        _edge("H000001-S02-M1", "H000001-S02-M1-X", "scrap", 6.8, 800),
        _edge("H000002-S01-M1", E, "cut", 1.0, 1000),
        _edge("H000002-S01-M1", "H000002-S01-M1-X", "scrap", 6.8, 1000),
        _edge("H000003-S01-M1", F, "cut", 1.0, 60),
        _edge("H000003-S01-M1", G, "cut", 1.0, 60),
        _edge("H000003-S01-M1", "H000003-S01-M1-X", "scrap", 5.8, 60),
    ]
    events = [_ut(A, 60.0), _ut(C_PARENT, 320.0), _ut(C, 600.0), _ut(E, 1060.0),
              _ut(F, 70.0), _ut(G, 1300.0), _ut(B, 62.0)]  # fmt: skip
    defects = [
        {"defect_id": f"{A}-D1", "entity_id": A, "heat_id": "H000001", "is_true": True,
         "mechanism": "inclusion_cluster", "origin_stage": "steelmaking", "x_mm": 1000.0,
         "y_mm": 500.0, "area_mm2": 20.0, "zone": "body", "detected": True,
         "detected_by": "ut", "call": "accept"},
        {"defect_id": f"{A}-D2", "entity_id": A, "heat_id": "H000001", "is_true": True,
         "mechanism": "inclusion_cluster", "origin_stage": "steelmaking", "x_mm": 3000.0,
         "y_mm": 30.0, "area_mm2": 8.0, "zone": "edge", "detected": False,
         "detected_by": "none", "call": "missed"},
        {"defect_id": f"{A}-F1", "entity_id": A, "heat_id": "H000001", "is_true": False,
         "mechanism": "false_call", "x_mm": 4000.0, "y_mm": 900.0, "area_mm2": 3.0,
         "zone": "body", "detected": True, "detected_by": "ut", "call": "dismissed"},
    ]  # fmt: skip
    tests = [
        {"test_id": "T1", "entity_id": A, "lot_id": "H000001-20-H1", "kind": "hardness_surface",
         "position": "surface -2 mm", "value": 401.0, "unit": "HBW", "spec_low": 370.0,
         "spec_high": 430.0, "pass": True, "time_min": 90.0},
    ] + [
        {"test_id": f"T{2 + i}", "entity_id": A, "lot_id": "H000001-KVG0", "kind": "charpy",
         "position": "1/4 t, longitudinal, KV2", "temp_c": -40.0, "value": v, "unit": "J",
         "spec_low": 24.0, "pass": True, "time_min": 95.0}
        for i, v in enumerate((45.0, 50.0, 55.0))
    ]  # fmt: skip
    equipment = [
        {"unit": "ut", "state": "idle", "start_min": 0.0, "end_min": 60.0, "duration_min": 60.0,
         "busy_slot_min": 0.0, "blocked_slot_min": 0.0, "stop": "", "stop_type": ""},
        {"unit": "ut", "state": "busy", "start_min": 60.0, "end_min": 2880.0,
         "duration_min": 2820.0, "busy_slot_min": 2820.0, "blocked_slot_min": 0.0,
         "stop": "", "stop_type": ""},
    ]  # fmt: skip
    for table, rows in (("heats", heats), ("slabs", slabs), ("plates", plates),
                        ("genealogy", gen), ("events", events), ("defects", defects),
                        ("tests", tests), ("equipment", equipment)):  # fmt: skip
        _write(folder, table, rows)
    summary = {"window": {"start_min": 0.0, "end_min": 2880.0, "hours": 48.0},
               "plates": {"released": 5, "prime": 4}, "throughput_t_per_h": 0.1}  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    # as a run does: every file's SHA-256 and every table's row count (load_run checks them)
    sums = {
        f.name: hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.iterdir())
        if f.is_file()
    }
    tables = {"heats": heats, "slabs": slabs, "plates": plates, "genealogy": gen,
              "events": events, "defects": defects, "tests": tests,
              "equipment": equipment}  # fmt: skip
    manifest = {
        "seed": 1,
        "rows": {name: len(rows) for name, rows in tables.items()},
        "checksums_sha256": sums,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder
