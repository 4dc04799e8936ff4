"""Plate under 6 mm gives no Charpy specimen (ISO 148-1 sub-size specimens go down to 5 mm
width): the lab makes no impact test of it, its record carries no Charpy result, its 3.1
certificate says it was not impact tested, and the grade's impact requirement does not judge
it. Before, such plates were tested in "-W0" lots whose values their certificates printed
under "no specimen". At the other end, GB/T 24186's impact requirement stops at 80 mm: a
thicker plate's set is made for information and decides nothing."""

from __future__ import annotations

import pandas as pd
import pytest
from plant_support import HAND_ORDERS, HAND_TOML, HandRun

from mill.analysis.certificate import certificate_data
from mill.analysis.certificate_html import certificate_html
from mill.analysis.load import load_run
from mill.model.run import run_scenario
from mill.quality.disposition import Reading, conditions, limits
from mill.scenario import Scenario, load_scenario

#: The hand plant's orders and six 5 mm NM400 plates.
THIN_ORDERS = HAND_ORDERS + "A6,NM400,5,1500,3000,6,none,-1,10\n"


@pytest.fixture(scope="module")
def thin_run(tmp_path_factory: pytest.TempPathFactory) -> HandRun:
    folder = tmp_path_factory.mktemp("thin")
    (folder / "hand.toml").write_text(HAND_TOML, encoding="utf-8")
    (folder / "orders.csv").write_text(THIN_ORDERS, encoding="utf-8")
    sc = load_scenario(folder / "hand.toml")
    return HandRun(folder / "run", sc, run_scenario(sc, folder / "run"))


def _released(run: HandRun) -> pd.DataFrame:
    plates = run.table("plates")
    return plates[plates["disposition"].isin(["prime", "downgraded"])]


def test_the_thin_order_is_rolled_and_released(thin_run: HandRun) -> None:
    """The hand plant makes the 5 mm plates: the checks below have plates to look at."""
    assert (_released(thin_run)["thickness_mm"] < 6.0).sum() >= 3


def test_no_charpy_test_of_a_plate_under_6_mm(thin_run: HandRun) -> None:
    """No Charpy row belongs to a plate under 6 mm and no lot is named -W0; the thicker plates
    are tested as before."""
    plates = thin_run.table("plates")
    charpy = thin_run.table("tests").query("kind == 'charpy'")
    thin_ids = set(plates.loc[plates["thickness_mm"] < 6.0, "plate_id"])
    assert not charpy.empty
    assert not set(charpy["entity_id"]) & thin_ids
    assert not charpy["lot_id"].str.contains("-W0").any()


def test_a_thin_plates_record_carries_no_charpy_result(thin_run: HandRun) -> None:
    """plates.csv: no test plate, measured mean or test temperature under 6 mm; every released
    thicker plate has all three."""
    released = _released(thin_run)
    thin = released["thickness_mm"] < 6.0
    cols = ["charpy_test_plate", "charpy_meas_avg_j", "charpy_test_temp_c"]
    assert released.loc[thin, cols].isna().all().all()
    assert released.loc[~thin, cols].notna().all().all()


def test_a_thin_plates_certificate_says_no_impact_test_applies(thin_run: HandRun) -> None:
    """The 3.1 certificate of a released 5 mm plate is issued, gives no Charpy values, lot or
    test plate, names no specimen and claims no impact quality; it says why no impact test
    applies, and the missing test does not keep it from stating compliance."""
    released = _released(thin_run)
    plate_id = released.loc[released["thickness_mm"] < 6.0, "plate_id"].iloc[0]
    data = certificate_data(load_run(thin_run.path), plate_id)
    kv = data["charpy"]
    assert kv["applicable"] is False
    assert kv["individual_j"] == [] and kv["test_plate"] is None and kv["lot_id"] is None
    assert kv["specimen"]["width_mm"] is None
    assert kv["conforms"] is None and kv["requirement_verified"] and not kv["not_verified"]
    assert "no impact test applies to 5 mm plate" in kv["not_required"]
    assert not data["product"]["impact_quality"]
    assert "No impact test applies to 5 mm plate" in data["compliance"]["statement"]
    assert "requirements_not_tested" in data["compliance"]
    assert not data["compliance"]["requirements_not_tested"]
    page = certificate_html(data)
    assert "not required: no impact test applies to 5 mm plate" in page


@pytest.mark.parametrize(
    ("t", "judged"),
    [(5.0, False), (5.9, False), (6.0, True), (12.0, True), (80.0, True), (80.1, False)],
)
def test_the_impact_requirement_holds_from_6_to_80_mm(
    thin_run: HandRun, t: float, judged: bool
) -> None:
    """The limits a plate is judged by (disposition, escapes, false rejects) hold the grade's
    Charpy minimum from 6 mm (the 5 mm sub-size specimen) to 80 mm (GB/T 24186; thicker by
    agreement, as the certificate says) and 0 J outside."""
    minimum = thin_run.scenario.grades["NM400"].charpy_min_j
    assert minimum > 0.0
    assert limits(thin_run.scenario, "NM400", t).charpy_min_j == (minimum if judged else 0.0)


def test_a_failed_set_on_plate_over_80_mm_decides_nothing() -> None:
    """A plate over 80 mm whose Charpy set failed (made for information) meets no rule
    condition for it, so it is not downgraded for impact; at 80 mm it is."""
    sc = Scenario()
    failed = Reading(kv_pass=False, hbw=400.0, hbw_centre=400.0, ut_pass=True,
                     flatness_mm_per_m=1.0, found=[])  # fmt: skip
    assert "charpy_fail" in conditions(failed, limits(sc, "NM400", 80.0))
    assert "charpy_fail" not in conditions(failed, limits(sc, "NM400", 100.0))
