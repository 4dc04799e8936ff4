"""Plates and a stand-in plant for judging one plate by hand: the disposition functions read
only the scenario, the plate's measured state and its truth, and report to the ledger."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from mill.model.entities import Measured, Order, Plate, Truth
from mill.quality.defects import Defect
from mill.scenario import Scenario


@dataclass
class LedgerSpy:
    """Records what the disposition decided: (disposition, reason, grade released)."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)

    def dispose(
        self, plate: Plate, disposition: str, reason: str, grade: str, nonconforming: bool
    ) -> None:
        self.calls.append((disposition, reason, grade))


def stand_in_plant(sc: Scenario | None = None) -> Any:
    """What the disposition functions use of a plant: scenario, rule table, ledger."""
    sc = sc or Scenario()
    rules = {r.condition: r for r in sc.quality.disposition.rules}
    return SimpleNamespace(sc=sc, disposition_rules=rules, ledger=LedgerSpy())


def defect(mechanism: str, length: float = 10.0, width: float = 10.0, x: float = 2000.0,
           y: float = 1000.0, ident: str = "") -> Defect:  # fmt: skip
    """A defect at (x, y) on a 2000 × 4000 mm plate (the body, away from every edge)."""
    return Defect(
        mechanism, "test", "test", x, y, 0.25, length, width, "ellipse", ident or mechanism
    )


def plate(
    grade: str = "NM450",
    thickness: float = 20.0,
    ut_class: str = "S2E2",
    hbw: float = 450.0,
    centre: float = 420.0,
    kv_pass: bool = True,
    kv_true: float = 40.0,
    ut_pass: bool = True,
    flatness: float = 1.0,
    defects: Iterable[Defect] = (),
    seen: Iterable[str] = (),
) -> Plate:
    """A 2000 × 4000 mm plate whose measured and true hardness are ``hbw``/``centre``, with
    ``defects`` of which those whose id is in ``seen`` were found (confirmed at their true
    area)."""
    order = Order("O1", grade, thickness, 2000.0, 4000.0, 1, ut_class, 0.0, 1e5)
    p = Plate("H000001-S01-M1-P1", None, order, thickness, 2000.0, 4000.0, 1.0, 1.1, 0.0)  # type: ignore[arg-type]
    p.defects = list(defects)
    seen = set(seen)
    det = {d.defect_id: ("visual", d.area_mm2, True) for d in p.defects if d.defect_id in seen}
    p.measured = Measured(
        hbw=hbw, hbw_centre=centre, kv_pass=kv_pass, ut_pass=ut_pass, flatness=flatness, det=det
    )
    p.truth = Truth(hbw_surface=hbw, hbw_centre=centre, kv_true=kv_true)
    return p
