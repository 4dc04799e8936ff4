"""Issue 11.1's judge of the carbon term: plain-carbon steels of other carbon contents, held back
from the fit (the model is calibrated on the packaged 1026 and 4027 only).

``data/tempering_grange_baughman_heldout.csv`` holds the Grange & Baughman (1956) AISI 1030,
1035, 1040, 1042 and 1045 points of the same public compilation as the packaged data
(10 min to 24 h at 204–704 °C). Points under HRC 20 are left out, as in the fit (the Rockwell C
scale is not valid there).

The aim, RMSE ≤ 2 HRC on each steel, is not met (README, Validation evidence): the test is an
expected failure, strict, so that it fails the day the carbon term meets the aim and the
README's statement must change with it.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from mill.quality.temper import tempered_hardness_hrc

DATA = Path(__file__).parent / "data" / "tempering_grange_baughman_heldout.csv"
AIM_HRC = 2.0


def heldout_rmse_hrc() -> dict[str, float]:
    """RMSE (HRC) of the model on each held-back steel, points with HRC ≥ 20."""
    errors: dict[str, list[float]] = {}
    with DATA.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            measured = float(row["HRC"])
            if measured < 20.0:
                continue
            chem = {el: float(row[el]) for el in ("C", "Mn", "Si", "Ni", "Cr", "Mo")}
            hours = float(row["time_s"]) / 3600.0
            predicted = tempered_hardness_hrc(chem, float(row["temp_C"]), hours)
            errors.setdefault(row["steel"], []).append(predicted - measured)
    return {s: math.sqrt(sum(e * e for e in v) / len(v)) for s, v in errors.items()}


def test_the_held_back_set_is_the_five_plain_carbon_steels() -> None:
    """Five steels of 0.31–0.45 % C, none of them the packaged (fitted) 1026 or 4027."""
    assert sorted(heldout_rmse_hrc()) == ["1030", "1035", "1040", "1042", "1045"]


@pytest.mark.xfail(strict=True, reason="issue 11.1: the carbon term is not within 2 HRC")
def test_held_back_plain_carbon_steels_within_2_hrc() -> None:
    """Issue 11.1's aim: RMSE ≤ 2 HRC on every held-back plain-carbon steel."""
    rmse = heldout_rmse_hrc()
    assert all(v <= AIM_HRC for v in rmse.values()), rmse


def test_held_back_errors_are_the_readme_figures() -> None:
    """README, Validation evidence: RMSE 2.6 / 3.0 / 2.8 / 3.3 / 2.2 HRC on 1030 / 1035 / 1040 /
    1042 / 1045, each steel too hard on average."""
    rmse = heldout_rmse_hrc()
    readme = {"1030": 2.6, "1035": 3.0, "1040": 2.8, "1042": 3.3, "1045": 2.2}
    for steel, figure in readme.items():
        assert rmse[steel] == pytest.approx(figure, abs=0.05), steel
