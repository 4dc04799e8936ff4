"""No plate is certified on a Charpy specimen of another size than its own thickness gives.

A Charpy lot's test plate stands for every plate of the lot, so the lot must hold plates that
call for one specimen width (ISO 148-1: full size 10 mm from 12 mm plate, sub-size 7.5 mm
from 8 mm, 5 mm from 6 mm; ``mill.quality.toughness.charpy_specimen_width_mm``). Before the
lots were split by specimen width, a heat's 12–20 mm plates were represented by the 7.5 mm
specimens of its 8–10 mm test plate and certified against the sub-size 18 J instead of 24 J.
"""

from __future__ import annotations

import pandas as pd
from core_support import RunArtifacts

from mill.quality.toughness import charpy_specimen_width_mm


def _thickness_of(plates: pd.DataFrame, plate_id: str) -> float:
    """A plate's thickness; a test plate cut out and re-sized later has a new id (``…R1``) of
    the same thickness."""
    t = plates["thickness_mm"]
    if plate_id in t.index:
        return float(t.loc[plate_id])
    recut = t[t.index.str.startswith(plate_id + "R")]
    assert not recut.empty, f"Charpy test plate {plate_id} is in no row of plates.csv"
    return float(recut.iloc[0])


def test_every_plate_is_represented_by_its_own_specimen_size(baseline_run: RunArtifacts) -> None:
    """For every plate with a Charpy result, its test plate calls for the same specimen width
    as the plate itself; the short run has plates of both sizes, so both sides are checked."""
    plates = pd.read_csv(baseline_run.path / "plates.csv", low_memory=False)
    plates = plates.set_index("plate_id", drop=False)
    tested = plates[plates["charpy_test_plate"].notna()]
    own = tested["thickness_mm"].map(charpy_specimen_width_mm)
    of_test = tested["charpy_test_plate"].map(lambda p: _thickness_of(plates, str(p)))
    test_width = of_test.map(charpy_specimen_width_mm)
    assert {7.5, 10.0} <= set(own)  # sub-size and full-size plates both occur
    wrong = tested.loc[own != test_width, ["plate_id", "thickness_mm", "charpy_test_plate"]]
    assert wrong.empty, f"{len(wrong)} plates represented by another specimen size:\n{wrong}"


def test_charpy_lot_ids_name_the_sub_size_width(baseline_run: RunArtifacts) -> None:
    """A Charpy lot's id names its specimen width when sub-size (``-W7.5``), and every plate
    tested in such a lot is under 12 mm."""
    tests = pd.read_csv(baseline_run.path / "tests.csv", low_memory=False)
    plates = pd.read_csv(baseline_run.path / "plates.csv", low_memory=False)
    plates = plates.set_index("plate_id", drop=False)
    kv = tests[(tests["kind"] == "charpy") & ~tests["lot_id"].str.endswith("-RT")]
    t = kv["entity_id"].map(lambda p: _thickness_of(plates, str(p)))
    sub = kv["lot_id"].str.contains("-W7.5", regex=False)
    assert sub.any() and (t[sub] < 12).all() and (t[~sub] >= 12).all()
