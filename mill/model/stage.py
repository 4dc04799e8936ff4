"""What a stage of the route is: a name, the kind of piece it works on, and its process.

The route itself (which stages, in what order) is data in ``mill.model.route``. A stage's
process works on one piece and never names the stage after it: when it makes a new piece (the
caster a slab, the shear a mother plate, the cutting table a product plate) it hands the piece
on with ``plant.hand_on(kind, piece)``, and the plant starts whatever the route says comes next
for that kind. Consecutive stages for the same kind of piece run one after the other in one
SimPy process (a mother plate is heat treated, then cut; a plate is inspected, then disposed).

This module imports nothing of the model, so the plant can hold a route without importing the
stages (no import loop: DESIGN.md, rules that keep it livable).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

PIECES = ("heat", "slab", "mother", "plate")
"""The kinds of piece, in the order a heat becomes plates."""

Process = Callable[[Any, Any], Generator[Any, Any, Any]]
"""A stage's process: ``process(plant, piece)``, a SimPy process generator."""


@dataclass(frozen=True)
class Stage:
    """One stage of the route."""

    name: str
    """The stage's name (the ``stage`` column of ``events.csv``)."""
    piece: str
    """The kind of piece it works on: one of ``PIECES``."""
    process: Process
    """What it does to one piece."""

    def __post_init__(self) -> None:
        if self.piece not in PIECES:
            raise ValueError(f"stage {self.name}: piece must be one of {', '.join(PIECES)}")


@dataclass(frozen=True)
class Route:
    """Where heats come from, and the stages every piece goes through, in order."""

    source: Callable[[Any], Generator[Any, Any, Any]]
    """The process that releases heats (``source(plant)``), handing each on as a ``heat``."""
    stages: tuple[Stage, ...]

    def legs(self) -> dict[str, tuple[Process, ...]]:
        """For each kind of piece, the processes of its stages in route order."""
        out: dict[str, tuple[Process, ...]] = {}
        for stage in self.stages:
            out[stage.piece] = (*out.get(stage.piece, ()), stage.process)
        return out
