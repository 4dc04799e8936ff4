"""Rework loops change the plate the way the models say: a too-hard plate re-tempered at a
higher temperature comes back softer, is retested on its own, and carries the new temper."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mill.model import run_scenario
from mill.model.rework import RETEMPER_DELTA_C
from mill.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
# tempering far below practice leaves plates above the GB/T 24186 windows: hardness_high
TOO_HARD = [
    "run.horizon_days=3",
    "run.warmup_days=0.5",
    "grades.NM400.temper_temp_c=150",
    "grades.NM450.temper_temp_c=150",
    "grades.NM500.temper_temp_c=120",
]


@pytest.fixture(scope="module")
def too_hard_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rework") / "run"
    run_scenario(load_scenario(ROOT / "scenarios" / "baseline.toml", TOO_HARD), out)
    return out


def test_retempered_plates_come_back_softer(too_hard_run: Path) -> None:
    """Every plate hardness-tested before and after its re-temper is truly softer after it
    (Hollomon–Jaffe additivity: the second temper only adds tempering)."""
    tests = pd.read_csv(too_hard_run / "tests.csv")
    hb = tests[tests["kind"] == "hardness_surface"]
    after = hb[hb["lot_id"].str.endswith("-RT")].groupby("entity_id")["true_value"].last()
    before = hb[~hb["lot_id"].str.endswith("-RT")].groupby("entity_id")["true_value"].first()
    both = after.index.intersection(before.index)
    assert len(both) >= 10
    assert (after.loc[both] < before.loc[both]).all()


def test_retempered_plates_record_the_second_temper(too_hard_run: Path) -> None:
    """A re-tempered plate carries the re-temper temperature (set point + the rework delta),
    and its own Charpy set (its lot's no longer stands for it): taken on the plate itself, or,
    if it was re-sized after the re-temper, on the same plate under the id it had before
    (its ``recut`` parent in the genealogy)."""
    plates = pd.read_csv(too_hard_run / "plates.csv", low_memory=False)
    re = plates[plates["retempers"] > 0]
    assert len(re) > 0
    set_points = {"NM400": 150.0, "NM450": 150.0, "NM500": 120.0}
    expected = re["grade_ordered"].map(set_points) + RETEMPER_DELTA_C
    assert (re["temper_temp_c"] - expected).abs().max() < 0.051
    done = re[re["disposition"] != "wip"]
    genealogy = pd.read_csv(too_hard_run / "genealogy.csv")
    recut = genealogy[genealogy["relation"] == "recut"].set_index("child_id")["parent_id"]

    def same_plate(ids: tuple[str, str]) -> bool:
        plate, tested = ids
        while plate != tested and plate in recut.index:
            plate = recut[plate]
        return plate == tested

    pairs = zip(done["plate_id"], done["charpy_test_plate"], strict=True)
    assert all(same_plate(p) for p in pairs)
