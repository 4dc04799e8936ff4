"""The mass balance that summary.json reports is the run folder's own tonnes: every figure can
be worked out again from slabs.csv, plates.csv and genealogy.csv.

The run is the rework plant of ``test_rework_actions`` (raised defect rates, so plates leave
prime, downgraded and scrap and cut-outs go to scrap) stopped after 0.6 d, while some slabs,
mother plates and plates are still in progress, so that the work in progress is not zero.

- cast_t: the slabs cast (slabs.csv, and the genealogy's ``cast`` edges);
- prime_t, downgraded_t: the plates that left with that disposition (plates.csv);
- scrap_t: the scrapped plates plus every ``scrap`` edge (crop and trim, cutting skeleton,
  cut-outs);
- yield_loss_t: the ``loss`` edges of the slabs (scale; a heat's casting loss is not cast);
- wip_t: every piece the genealogy made that has not become another piece and has not left
  as a plate, at the mass of the edge that made it;
- the five parts add up to cast_t, to the rounding of the figures (3 decimals).

The summary's own tonnes (``tonnes``) are those of the plates that left in the window
(after the 0.1 d warm-up): plates.csv's masses of the rows in the window.
"""

from __future__ import annotations

import pandas as pd
import pytest
from plant_support import HandRun, run_hand, shared_scope
from test_rework_actions import REWORK

PIECE_RELATIONS = ("cast", "rolled", "cut", "recut")
ROUNDING_T = 0.0005 + 1e-9
"""Half a unit in the third decimal: the mass balance's figures are rounded to 1 kg."""
DECIMALS = {"slabs": 3, "genealogy": 4, "plates": 6}
"""Decimals of each table's mass_t (the data dictionary)."""


def _tol(**rows: int) -> float:
    """How far a figure may be from a sum of table rows: its own rounding plus half a unit in
    the last decimal of every row summed (``rows``: table name → rows in the sum)."""
    return ROUNDING_T + sum(n * 0.5 * 10.0 ** -DECIMALS[t] for t, n in rows.items())


@pytest.fixture(scope=shared_scope("module"))
def stopped_run(tmp_path_factory: pytest.TempPathFactory) -> HandRun:
    """The rework plant stopped while work is still in progress."""
    return run_hand(tmp_path_factory.mktemp("stopped"), [*REWORK, "run.horizon_days=0.6"])


def _work_in_progress(genealogy: pd.DataFrame, plates: pd.DataFrame) -> tuple[float, int]:
    """Mass and number of the pieces genealogy.csv made that are neither the parent of
    another piece nor a plate that has left the mill."""
    made = genealogy[genealogy["relation"].isin(PIECE_RELATIONS)]
    became_others = set(made["parent_id"])
    left = set(plates.loc[plates["disposition"] != "wip", "plate_id"])
    live = made[~made["child_id"].isin(became_others | left)]
    return float(live["mass_t"].sum()), len(live)


def test_the_run_stops_with_every_kind_of_tonne(stopped_run: HandRun) -> None:
    """The stopped run has prime, downgraded and scrapped plates and work in progress, so each
    figure below is checked against a tonnage that is not zero."""
    plates = stopped_run.table("plates")
    assert set(plates["disposition"]) == {"prime", "downgraded", "scrap", "wip"}
    assert stopped_run.result.invariants["mass_balance"]["ok"]


def test_the_mass_balance_is_the_tables_tonnes(stopped_run: HandRun) -> None:
    """cast_t, prime_t, downgraded_t, scrap_t, yield_loss_t and wip_t are the run folder's
    tonnes (see the module docstring), each to the kilogram."""
    mb = stopped_run.result.invariants["mass_balance"]
    plates = stopped_run.table("plates")
    slabs = stopped_run.table("slabs")
    g = stopped_run.table("genealogy")
    cast = g[g["relation"] == "cast"]
    assert mb["cast_t"] == pytest.approx(slabs["mass_t"].sum(), abs=_tol(slabs=len(slabs)))
    assert mb["cast_t"] == pytest.approx(cast["mass_t"].sum(), abs=_tol(genealogy=len(cast)))
    for d in ("prime", "downgraded"):
        mine = plates.loc[plates["disposition"] == d, "mass_t"]
        assert mine.sum() > 1.0
        assert mb[f"{d}_t"] == pytest.approx(mine.sum(), abs=_tol(plates=len(mine))), d
    scrapped = plates.loc[plates["disposition"] == "scrap", "mass_t"]
    edges = g.loc[g["relation"] == "scrap", "mass_t"]
    assert mb["scrap_t"] == pytest.approx(
        scrapped.sum() + edges.sum(), abs=_tol(plates=len(scrapped), genealogy=len(edges))
    )
    scale = g.loc[(g["relation"] == "loss") & g["parent_id"].isin(cast["child_id"]), "mass_t"]
    assert mb["yield_loss_t"] == pytest.approx(scale.sum(), abs=_tol(genealogy=len(scale)))
    wip, pieces = _work_in_progress(g, plates)
    assert wip > 1.0
    assert mb["wip_t"] == pytest.approx(wip, abs=_tol(genealogy=pieces))


def test_the_reported_parts_add_up_to_the_cast_tonnes(stopped_run: HandRun) -> None:
    """prime + downgraded + scrap + yield loss + work in progress = cast, as reported (each
    figure rounded to 1 kg, so the sum is good to 3 kg)."""
    mb = stopped_run.result.invariants["mass_balance"]
    parts = ("prime_t", "downgraded_t", "scrap_t", "yield_loss_t", "wip_t")
    assert sum(mb[p] for p in parts) == pytest.approx(mb["cast_t"], abs=6 * ROUNDING_T)


def test_the_summary_tonnes_are_the_window_plates_of_plates_csv(stopped_run: HandRun) -> None:
    """The summary's prime_t, downgraded_t, scrap_t and released_t (prime + downgraded) are
    the masses of plates.csv's rows in the window with that disposition (2 decimals)."""
    t = stopped_run.result.summary["tonnes"]
    plates = stopped_run.table("plates")
    win = plates[plates["in_window"] & (plates["disposition"] != "wip")]
    for d in ("prime", "downgraded", "scrap"):
        mine = win.loc[win["disposition"] == d, "mass_t"]
        assert mine.sum() > 0.5, d
        assert t[f"{d}_t"] == pytest.approx(mine.sum(), abs=0.0051), d
    released = win.loc[win["disposition"].isin(["prime", "downgraded"]), "mass_t"].sum()
    assert t["released_t"] == pytest.approx(released, abs=0.0051)
