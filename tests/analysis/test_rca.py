"""The root-cause-analysis data set (``mill export RUN --rca``, ``mill.analysis.rca_dataset``).

Pinned: its columns are the data dictionary's; every row's label is a known cause; its rows
are exactly the run's detected nonconformities (defects found and confirmed, failed tests);
each row traces to the plate, slab and heat the run recorded.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from rescore_support import four_day_run

from mill.analysis import load_run, rca_dataset
from mill.analysis.rca import NOISE, PROPERTY_CAUSES
from mill.cli.app import main
from mill.trace.dictionary import RCA


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return four_day_run(tmp_path_factory.mktemp("rca"))


@pytest.fixture(scope="module")
def data(run_dir: Path) -> pd.DataFrame:
    return rca_dataset(run_dir)


def test_columns_are_the_data_dictionary(data: pd.DataFrame) -> None:
    """Every column, in order, is an entry of the dictionary (with its unit in the name)."""
    assert list(data.columns) == [c.name for c in RCA]


def test_every_label_is_a_known_cause(run_dir: Path, data: pd.DataFrame) -> None:
    """A defect's label is a root cause the run's defects carry (never 'none', the false
    calls' code); a failed test's is measurement noise or a true property out of spec."""
    run = load_run(run_dir)
    known = set(run.defects.loc[run.defects["is_true"], "root_cause"])
    known |= {NOISE} | {c for _, *labels in PROPERTY_CAUSES.values() for c in labels if c}
    assert data["label_root_cause"].notna().all()
    assert set(data["label_root_cause"]) <= known
    assert "none" not in set(data["label_root_cause"])
    tests = data[data["source"] == "test"]
    noise = tests[tests["label_root_cause"] == NOISE]
    within = (noise["label_true_value"] >= noise["spec_low"].fillna(-1e9)) & (
        noise["label_true_value"] <= noise["spec_high"].fillna(1e9)
    )
    assert within.all()


def test_rows_are_the_detected_nonconformities(run_dir: Path, data: pd.DataFrame) -> None:
    """One row per true defect found and confirmed; one per failed hardness reading, per failed
    Charpy set and per failed flatness reading of a plate without a true flatness defect."""
    run = load_run(run_dir)
    d = run.defects
    found = d[d["is_true"] & d["detected"]]
    rows = data[data["source"] == "defect"]
    assert sorted(rows["nonconformity_id"]) == sorted(found["defect_id"])
    t = run.tests[~run.tests["pass"]]
    kind = t["kind"].astype("string")
    hardness = kind.str.startswith("hardness").sum()
    charpy = t[kind == "charpy"].groupby(["entity_id", "lot_id", "retest"]).ngroups
    flat = t[(kind == "flatness") & (t["true_value"] <= t["spec_high"])]
    assert (data["source"] == "test").sum() == hardness + charpy + len(flat)
    assert len(data) > 0 and len(rows) > 0


def test_every_row_traces_to_its_plate_slab_and_heat(run_dir: Path, data: pd.DataFrame) -> None:
    """The lineage columns are the plate's own record; the heat's chemistry is its heat's."""
    run = load_run(run_dir)
    plates = run.plates.set_index("plate_id")
    rec = plates.loc[data["plate_id"]]
    assert (rec["heat_id"].to_numpy() == data["heat_id"].to_numpy()).all()
    assert (rec["slab_id"].to_numpy() == data["slab_id"].to_numpy()).all()
    heats = run.heats.set_index("heat_id").loc[data["heat_id"]]
    assert (heats["c_pct"].to_numpy() == data["c_pct"].to_numpy()).all()
    assert (
        data["entity_id"]
        .str.split("R")
        .str[0]
        .str.replace(r"-X\d*$", "", regex=True)
        .eq(data["plate_id"].str.split("R").str[0])
        .all()
    )


def test_cli_export_writes_the_csv(run_dir: Path, data: pd.DataFrame, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """``mill export RUN --rca FILE`` writes the data set (and nothing else beside it)."""
    out = tmp_path / "rca.csv"
    assert main(["export", str(run_dir), "--rca", str(out)]) == 0
    assert f"({len(data)} detected nonconformities)" in capsys.readouterr().out
    written = pd.read_csv(out)
    assert list(written.columns) == [c.name for c in RCA]
    assert len(written) == len(data)
    assert [p.name for p in tmp_path.iterdir()] == ["rca.csv"]
    assert main(["export", str(run_dir), "--rca", str(run_dir / "x.csv")]) == 2
