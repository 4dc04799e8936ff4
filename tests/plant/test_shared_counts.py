"""plates.csv and defects.csv agree on every count they share (issue 11.4: defects.csv showed
every UT false call as dismissed while plates.csv counted the confirmed ones, because the UT
step kept the scan from before the manual re-check)."""

from __future__ import annotations

import pandas as pd
import pytest
from core_support import BASELINE, SHORT

from mill.model.run import run_scenario
from mill.scenario import load_scenario


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    out = tmp_path_factory.mktemp("counts") / "run"
    # false calls made common, so that confirmed and dismissed ones both occur
    sc = load_scenario(BASELINE, [*SHORT, "quality.ultrasonic.false_calls_per_m2=0.05"])
    run_scenario(sc, out)
    plates = pd.read_csv(out / "plates.csv", low_memory=False)
    defects = pd.read_csv(out / "defects.csv", low_memory=False)
    # a plate's defects are written when it leaves the mill: plates still in process at the
    # horizon have a plates.csv row (disposition wip) and no defect rows yet
    return plates[plates["disposition"] != "wip"], defects


def _per_plate(rows: pd.DataFrame, plates: pd.DataFrame) -> pd.Series:
    return rows.groupby("entity_id").size().reindex(plates["plate_id"], fill_value=0)


def test_confirmed_false_calls_agree(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """A plate's false_calls equals its false-call rows called reject (confirmed at the
    manual re-check), and both confirmed and dismissed false calls are recorded."""
    plates, defects = tables
    false = defects[defects["mechanism"] == "false_call"]
    assert {"reject", "dismissed"} <= set(false["call"])
    confirmed = _per_plate(false[false["call"] == "reject"], plates)
    assert confirmed.to_numpy().tolist() == plates["false_calls"].tolist()


def test_detected_true_defects_agree(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """A plate's defects_detected equals its true-defect rows marked detected, and its
    defects_true its true-defect rows (removed ones excepted: they left the plate)."""
    plates, defects = tables
    true = defects[defects["is_true"].astype(str) == "True"]
    true = true[true["call"] != "removed"]
    detected = _per_plate(true[true["detected"].astype(str) == "True"], plates)
    assert detected.to_numpy().tolist() == plates["defects_detected"].tolist()
    assert _per_plate(true, plates).to_numpy().tolist() == plates["defects_true"].tolist()


def test_ut_indications_are_confirmed_true_and_false_calls(
    tables: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """A plate's ut_indications are the true defects the manual re-check confirmed plus its
    confirmed false calls."""
    plates, defects = tables
    true = defects[(defects["is_true"].astype(str) == "True") & (defects["call"] != "removed")]
    by_ut = _per_plate(true[true["detected_by"] == "manual_ut"], plates)
    false_ok = _per_plate(defects[(defects["mechanism"] == "false_call")
                                  & (defects["call"] == "reject")], plates)  # fmt: skip
    assert (by_ut + false_ok).to_numpy().tolist() == plates["ut_indications"].tolist()
