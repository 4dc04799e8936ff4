"""How the pieces of a heat are numbered (DESIGN.md's ids: H000123-S04-M1-P3): the slabs of a
heat S01, S02, ... in casting order, the mother plates of a slab M1, M2, ... along the rolled
plate, the product plates of a mother P1, P2, ... as they leave the cutting table. Each
count starts at one and has no gap, on the hand plant as written.
"""

from __future__ import annotations

import pandas as pd
from plant_support import HandRun


def _numbers(ids: pd.Series, parent_parts: int) -> dict[str, list[int]]:
    """The numbers of the children of each parent: ``parent_parts`` id parts name the parent,
    the next part (less its letter) is the child's number."""
    out: dict[str, list[int]] = {}
    for ident in ids:
        parts = ident.split("R")[0].split("-")
        parent = "-".join(parts[:parent_parts])
        out.setdefault(parent, []).append(int(parts[parent_parts][1:]))
    return out


def test_slabs_mothers_and_plates_are_numbered_from_one_without_gaps(hand_run: HandRun) -> None:
    """Every heat's slabs, every slab's mother plates and every mother's product plates are
    numbered 1..n."""
    slabs = _numbers(hand_run.table("slabs")["slab_id"], 1)
    mothers = _numbers(hand_run.table("genealogy").query("relation == 'rolled'")["child_id"], 2)
    plates = _numbers(hand_run.table("plates")["plate_id"], 3)
    for name, numbering in (("slab", slabs), ("mother", mothers), ("plate", plates)):
        assert numbering, name
        for parent, numbers in numbering.items():
            assert sorted(set(numbers)) == list(range(1, len(set(numbers)) + 1)), (name, parent)
    # the hand plant cuts two mothers from most slabs and two plates from most mothers
    assert max(len(set(n)) for n in mothers.values()) == 2
    assert max(len(set(n)) for n in plates.values()) == 2
