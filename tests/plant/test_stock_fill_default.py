"""With stock fill on and nothing in the order book, the caster is not left idle: the
release casts stock heats of the default make-up, the product mix's most common grade
(``orders.grade_shares``) in its thinnest gauge class, until orders come in.

The hand plant with stock fill on and one order line, which arrives at day 1: every heat
released before then is planned from an empty book.
"""

from __future__ import annotations

import pytest
from plant_support import HAND_ORDERS, HAND_TOML, HandRun, shared_scope

from mill.model.aims import Aims
from mill.model.run import run_scenario
from mill.scenario import load_scenario

ARRIVAL_MIN = 1440.0


@pytest.fixture(scope=shared_scope("module"))
def idle_book(tmp_path_factory: pytest.TempPathFactory) -> HandRun:
    folder = tmp_path_factory.mktemp("idle_book")
    toml = HAND_TOML.replace("stock_fill = false", "stock_fill = true")
    assert toml != HAND_TOML
    orders = HAND_ORDERS.splitlines()[0] + "\nB1,NM450,60,1500,4000,3,none,1.0,3\n"
    (folder / "hand.toml").write_text(toml, encoding="utf-8")
    (folder / "orders.csv").write_text(orders, encoding="utf-8")
    sc = load_scenario(folder / "hand.toml", ["run.horizon_days=1.0"])
    return HandRun(folder / "run", sc, run_scenario(sc, folder / "run"))


def test_an_empty_book_casts_the_most_common_grade_in_its_thinnest_gauge(
    idle_book: HandRun,
) -> None:
    """Every heat released before the first order arrives is of the grade with the largest
    share of the mix, in that grade's first (thinnest) gauge class, and its plates are stock
    plates of that class's thicknesses."""
    sc = idle_book.scenario
    shares = sc.orders.grade_shares
    grade = max(shares, key=lambda g: shares[g])
    thinnest = Aims(sc).design(grade, 0)
    heats = idle_book.table("heats")
    early = heats[heats["released_min"] < ARRIVAL_MIN]
    assert len(early) >= 2
    assert (early["grade"] == grade).all()
    assert (early["gauge_class"] == thinnest.label).all()
    plates = idle_book.table("plates")
    mine = plates[plates["heat_id"].isin(early["heat_id"])]
    assert len(mine) >= 10
    assert mine["order_id"].str.startswith(f"STOCK-{grade}-").all()
    assert (mine["thickness_mm"] > thinnest.above_mm).all()
    assert (mine["thickness_mm"] <= thinnest.upto_mm).all()
