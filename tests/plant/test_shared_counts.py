"""plates.csv and defects.csv agree on every count they share (issue 11.4: defects.csv showed
every UT false call as dismissed while plates.csv counted the confirmed ones, because the UT
step kept the scan from before the manual re-check), for plates still in process too, and
tell one story about each finding's call."""

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
    # plates still in process at the horizon are kept: their defects are written at the
    # run's end, called "wip", so their counts must agree too
    assert (plates["disposition"] == "wip").any()
    return plates, defects


def _per_plate(rows: pd.DataFrame, plates: pd.DataFrame) -> pd.Series:
    return rows.groupby("entity_id").size().reindex(plates["plate_id"], fill_value=0)


def test_confirmed_false_calls_agree(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """A plate's false_calls equals its false-call rows upheld at the manual re-check
    (detected_by manual_ut; the dismissed ones are 'ut'), and both are recorded."""
    plates, defects = tables
    false = defects[defects["mechanism"] == "false_call"]
    assert {"manual_ut", "ut"} <= set(false["detected_by"])
    confirmed = _per_plate(false[false["detected_by"] == "manual_ut"], plates)
    assert confirmed.to_numpy().tolist() == plates["false_calls"].tolist()


def test_a_false_call_is_called_like_a_found_defect(
    tables: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """An upheld false call is called as a found true defect on the same plate is: accept
    on a plate released prime, reject on one downgraded or scrapped, wip on one still in
    process (the review found 151 upheld false calls called reject on 148 prime plates); a
    dismissed one is dismissed; none has a true size."""
    plates, defects = tables
    disposition = defects["entity_id"].map(plates.set_index("plate_id")["disposition"])
    expected = disposition.map(
        {"prime": "accept", "downgraded": "reject", "scrap": "reject", "wip": "wip"}
    )
    false = defects["mechanism"] == "false_call"
    upheld = false & (defects["detected_by"] == "manual_ut")
    assert upheld.any() and (disposition[upheld] == "prime").any()
    assert (defects.loc[upheld, "call"] == expected[upheld]).all()
    assert (defects.loc[false & ~upheld, "call"] == "dismissed").all()
    found = (defects["is_true"].astype(str) == "True") & (defects["detected"].astype(str) == "True")
    found &= ~defects["call"].isin(["removed"])
    assert (defects.loc[found, "call"] == expected[found]).all()
    assert defects.loc[false, ["length_mm", "width_mm", "area_mm2"]].isna().all().all()
    assert defects.loc[upheld, "measured_area_mm2"].notna().all()


def test_plates_in_process_have_their_defects_written(
    tables: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """A plate still in process at the horizon has its defects in defects.csv, called wip,
    and nothing else on it is called wip."""
    plates, defects = tables
    wip_ids = set(plates.loc[plates["disposition"] == "wip", "plate_id"])
    on_wip = defects["entity_id"].isin(wip_ids)
    assert on_wip.any()
    assert set(defects.loc[on_wip, "call"]) <= {"wip", "dismissed", "removed"}
    assert not (defects.loc[~on_wip, "call"] == "wip").any()


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
                                  & (defects["detected_by"] == "manual_ut")], plates)  # fmt: skip
    assert (by_ut + false_ok).to_numpy().tolist() == plates["ut_indications"].tolist()
