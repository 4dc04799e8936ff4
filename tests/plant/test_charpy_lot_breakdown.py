"""A Charpy lot whose test plate fails its set and its retest is broken down, as a hardness
lot is: every other plate of the lot is tested on its own and carries its own result, so one
failed test plate does not condemn its whole heat and thickness group."""

from __future__ import annotations

from pathlib import Path

import pytest
from plant_support import run_hand

from mill.model.entities import Plate
from mill.model.lab import Lab


def test_a_failed_charpy_lot_is_broken_down_plate_by_plate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every lot's test plate fails (10 J); every other plate's own set passes (40 J)."""
    first_plate: dict[str, str] = {}

    def judged(self: Lab, plate: Plate, lot_id: str) -> tuple[float, bool]:
        owner = first_plate.setdefault(lot_id, plate.plate_id)
        return (10.0, False) if owner == plate.plate_id else (40.0, True)

    monkeypatch.setattr(Lab, "_charpy_sets", judged)
    plates = run_hand(tmp_path).table("plates")
    done = plates[plates["disposition"] != "wip"].set_index("plate_id")
    test_plates = set(first_plate.values())
    others = done[~done.index.isin(test_plates)]
    assert len(others) > len(test_plates) > 0, "the hand plant's lots have several plates"
    assert (others["charpy_test_plate"] == others.index).all()
    assert (others["charpy_meas_avg_j"] == 40.0).all()
    failed = done[done.index.isin(test_plates)]
    assert (failed["charpy_meas_avg_j"] == 10.0).all()
    assert (failed["reason"] == "KV-FAIL-DOWNGRADE").all()
    assert (others["reason"] != "KV-FAIL-DOWNGRADE").all()
