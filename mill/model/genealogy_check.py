"""Traceability through the genealogy edges as they are written to ``genealogy.csv``.

The ledger checks that each piece was made from the piece its id names (object identity); this
check reads only the edges, as a customer's auditor reading the run folder would:

- every edge's parent exists: a heat that was cast, or the child of an earlier edge;
- every piece (slab, mother plate, product plate, re-cut plate) has exactly one parent edge;
- every product plate reaches exactly one heat by walking its parent edges, and that heat is
  the one it was made from.

Scrap and loss edges end in a leaf (``…-X``, ``…-LOSS``) that is never a parent. Memory stays
bounded by the open heats: a heat's pieces are forgotten when its last plate has left.
"""

from __future__ import annotations

from collections import defaultdict

__all__ = ["EdgeCheck"]

#: Relations whose child is a leaf (scrap piece or loss), never a piece of its own.
LEAF_RELATIONS = frozenset({"scrap", "loss"})


class EdgeCheck:
    """The genealogy graph of the open heats, checked edge by edge."""

    def __init__(self) -> None:
        self.heat_of: dict[str, str] = {}  # piece → the heat its parent edges reach
        self.heats: set[str] = set()  # heats cast and still open
        self.pieces: defaultdict[str, list[str]] = defaultdict(list)  # heat → its pieces
        self.edges = 0
        self.plates_checked = 0
        self.violations: list[str] = []

    def heat(self, heat_id: str) -> None:
        """A heat exists (it is being cast): edges may start from it."""
        self.heats.add(heat_id)

    def edge(self, parent: str, child: str, relation: str) -> None:
        """One edge as written: its parent must exist, its child must have no parent yet."""
        self.edges += 1
        heat = parent if parent in self.heats else self.heat_of.get(parent)
        if heat is None:
            self.violations.append(f"edge {parent} → {child} ({relation}): no such parent")
            return
        if relation in LEAF_RELATIONS:
            return
        if child in self.heat_of or child in self.heats:
            self.violations.append(f"{child}: a second parent edge, from {parent}")
            return
        self.heat_of[child] = heat
        self.pieces[heat].append(child)

    def plate(self, plate_id: str, heat_id: str) -> None:
        """A product plate must reach exactly one heat through its edges: ``heat_id``."""
        self.plates_checked += 1
        reached = self.heat_of.get(plate_id)
        if reached is None:
            self.violations.append(f"{plate_id}: no genealogy edge leads to it")
        elif reached != heat_id:
            self.violations.append(f"{plate_id}: its edges reach {reached}, not {heat_id}")

    def forget(self, heat_id: str) -> None:
        """The heat's last plate has left: drop its pieces (no edge starts from them again)."""
        for piece in self.pieces.pop(heat_id, ()):
            self.heat_of.pop(piece, None)
        self.heats.discard(heat_id)
