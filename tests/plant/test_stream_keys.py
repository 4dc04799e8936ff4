"""The random streams a run draws from, by key (mill/rng.py: a stream's seed is derived from
the run seed and its key alone).

The keys are a contract: two scenarios run with the same seed share their common random
numbers only while each draw keeps its key, and every plate's own stream must be keyed by
its place in the genealogy so that no two plates share draws. Renaming a key changes the
numbers of every run without failing any hand-plant test (the hand plant's distributions are
constants), so this module pins them: a rename must be made here, on purpose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from plant_support import HandRun, run_hand, shared_scope

from mill.rng import Streams

UNITS = [
    "converter", "ladle_furnace", "degasser", "caster", "reheat_furnace", "plate_mill",
    "hot_leveller", "cooling_bed", "shear_line", "austenitising_furnace", "quench",
    "cold_buffer", "tempering_furnace", "leveller", "plasma", "oxyfuel", "ut", "manual_ut",
    "lab", "final_inspection",
]  # fmt: skip
"""Every unit the hand plant's plates visit: each base time has its stream ``time/<unit>``."""

PURPOSES = {
    *(f"time/{u}" for u in UNITS),
    # steelmaking and casting
    "release/heats_per_sequence", "caster/speed", "caster/turnaround",
    # rolling
    "reheat/temp", "reheat/descale", "mill/pass_time",
    # heat treatment: the set point has one stream per grade
    "aust/temp", "quench/htc", "quench/uniformity", "temper/NM400", "temper/NM450",
    "temper/scatter",
    # cutting
    "cut/handling", "cut/pierce", "cut/preheat_compliance",
    # the lab's measurement noise
    "lab/noise",
    # the order generator is built whatever the order source
    "orders/stock", "orders/gap", "orders/grade", "orders/ut_class", "orders/thickness",
    "orders/width", "orders/length", "orders/quantity", "orders/due",
}  # fmt: skip
"""The purpose-level streams of a hand-plant run (keys without an entity)."""

HEAT_STREAMS = {"chemistry", "secondary", "casting"}
"""Streams of one heat, keyed by the heat's number."""


class KeySpy:
    """Records the key of every stream a run makes (``Streams._make``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.keys: list[tuple[str, int | None]] = []
        make = Streams._make

        def spy(streams: Streams, purpose: str, entity: int | None) -> np.random.Generator:
            self.keys.append((purpose, entity))
            return make(streams, purpose, entity)

        monkeypatch.setattr(Streams, "_make", spy)

    def purposes(self) -> set[str]:
        return {p for p, e in self.keys if e is None}

    def by_entity(self) -> set[tuple[str, int | None]]:
        return {(p, e) for p, e in self.keys if e is not None}


def _spied_run(tmp: Path, overrides: list[str] | None = None) -> tuple[HandRun, KeySpy]:
    with pytest.MonkeyPatch.context() as mp:
        spy = KeySpy(mp)
        return run_hand(tmp, overrides), spy


@pytest.fixture(scope=shared_scope("module"))
def spied(tmp_path_factory: pytest.TempPathFactory) -> tuple[HandRun, KeySpy]:
    """The hand plant with a breakdown on the reheat furnace, every stream key recorded."""
    overrides = ["plant.reheat_furnace.breakdown={mtbf_h = 4.0, mttr_min = 30.0}"]
    return _spied_run(tmp_path_factory.mktemp("keys"), overrides)


def _number(ident: str, letter: str) -> int:
    """The number after ``letter`` in a genealogy id part (``S01`` → 1, ``H000003`` → 3)."""
    return int(ident.removeprefix(letter))


def test_each_purpose_level_draw_has_its_documented_key(spied: tuple[HandRun, KeySpy]) -> None:
    """The purpose-level streams are exactly the pinned ones, plus the breakdown streams of
    the unit that fails (``breakdown/<unit>/ttf`` and ``.../ttr``), and each is made once."""
    _, spy = spied
    expected = PURPOSES | {"breakdown/reheat_furnace/ttf", "breakdown/reheat_furnace/ttr"}
    assert spy.purposes() == expected
    made = [p for p, e in spy.keys if e is None]
    assert len(made) == len(set(made))


def test_heat_slab_and_plate_streams_are_keyed_by_their_place_in_the_genealogy(
    spied: tuple[HandRun, KeySpy],
) -> None:
    """Each heat has its chemistry, secondary and casting streams keyed by its number; each
    slab's defects stream is ``defects/slab/<slab index>`` of its heat; each plate's stream is
    ``plate/<slab index>/<mother index>/<plate index>`` of its heat, so no two plates share
    draws. The indices are those of the genealogy ids (H000003-S01-M1-P2)."""
    run, spy = spied
    keys: set[tuple[str, Any]] = set()
    for heat in run.table("heats")["heat_id"]:
        keys |= {(s, _number(heat, "H")) for s in HEAT_STREAMS}
    for slab in run.table("slabs")["slab_id"]:
        h, s = slab.split("-")
        keys.add((f"defects/slab/{_number(s, 'S')}", _number(h, "H")))
    plates = run.table("plates")["plate_id"]
    assert len(plates) > 20
    for plate in plates:
        h, s, m, p = plate.split("R")[0].split("-")
        key = f"plate/{_number(s, 'S')}/{_number(m, 'M')}/{_number(p, 'P')}"
        keys.add((key, _number(h, "H")))
    assert spy.by_entity() == keys
    made = [k for k in spy.keys if k[1] is not None]
    assert len(made) == len(set(made))


def test_poisson_release_draws_its_gaps_from_their_own_stream(tmp_path: Path) -> None:
    """Released by Poisson arrivals, heats come at gaps drawn from ``release/interarrival``
    (and the cast-sequence draw of the WIP-capped release is never made)."""
    _, spy = _spied_run(tmp_path, ["planning.release=poisson", "run.horizon_days=0.5"])
    assert "release/interarrival" in spy.purposes()
    assert "release/heats_per_sequence" not in spy.purposes()
