"""Every invariant a run checks can fail: a deliberately broken plant (a ledger that loses
mass, a cutting table that drops a plate, a unit that forgets departures, a plate whose id
names another heat) makes its check fail, the manifest say so, and ``mill run`` exit 1.

Each test runs the hand plant for a day with one fault patched in; the unbroken run passes
every check (``test_the_unbroken_plant_passes_every_check``), so each failure is the fault's.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from plant_support import HandRun, hand_scenario, run_hand

import mill.model.stages.cutting as cutting
from mill.cli import main
from mill.model.ledger import Ledger
from mill.model.units import Unit

SHORT = ["run.horizon_days=1.2"]
CHECKS = {"mass_balance", "plate_conservation", "traceability", "littles_law"}


def _failed(run: HandRun) -> set[str]:
    inv = run.result.invariants
    assert json.loads((run.path / "manifest.json").read_text())["invariants"] == inv
    return {k for k, v in inv.items() if isinstance(v, dict) and not v["ok"]}


def _patch_dispose(monkeypatch: pytest.MonkeyPatch, fault: Any, once: bool = True) -> None:
    """Call ``fault(ledger, plate)`` before the ledger disposes a plate (the first only)."""
    original = Ledger.dispose
    calls = []

    def dispose(self: Ledger, plate: Any, *args: Any) -> None:
        if not (once and calls):
            fault(self, plate)
        calls.append(plate.plate_id)
        original(self, plate, *args)

    monkeypatch.setattr(Ledger, "dispose", dispose)


def test_the_unbroken_plant_passes_every_check(tmp_path: Path) -> None:
    """The control: the same short run without a fault passes all four checks."""
    run = run_hand(tmp_path, SHORT)
    inv = run.result.invariants
    assert set(inv) >= CHECKS and _failed(run) == set() and inv["ok"] is True
    assert inv["plate_conservation"]["cut"] > 0


def _mass_balance_with_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ppm: float) -> Any:
    cast_t = run_hand(tmp_path / "control", SHORT).result.invariants["mass_balance"]["cast_t"]

    def lose(ledger: Ledger, plate: Any) -> None:
        ledger.out_t["prime"] += ppm * 1e-6 * cast_t

    _patch_dispose(monkeypatch, lose)
    return run_hand(tmp_path / "broken", SHORT)


def test_a_ledger_that_miscounts_ten_ppm_fails_the_mass_balance(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Booking 10 ppm of the cast tonnes twice (as prime) breaks the balance: the check
    closes to 1 ppm of the cast tonnes."""
    run = _mass_balance_with_error(monkeypatch, tmp_path, 10.0)
    assert _failed(run) == {"mass_balance"}
    assert run.result.invariants["mass_balance"]["error_t"] > 0


def test_a_rounding_error_well_inside_the_tolerance_passes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """0.1 ppm of the cast tonnes (floating-point noise) does not fail the balance."""
    run = _mass_balance_with_error(monkeypatch, tmp_path, 0.1)
    assert _failed(run) == set()


def test_wip_is_summed_from_the_live_pieces_not_derived(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A running WIP total that drifts from the live pieces fails the check even when the
    totals still add up (the drift is booked against the yield loss)."""

    def drift(ledger: Ledger, plate: Any) -> None:
        ledger.live_t += 0.01
        ledger.out_t["loss"] -= 0.01

    _patch_dispose(monkeypatch, drift)
    run = run_hand(tmp_path, SHORT)
    assert _failed(run) == {"mass_balance"}
    mb = run.result.invariants["mass_balance"]
    assert mb["error_t"] < 1e-6


def test_a_cutting_table_that_drops_a_plate_fails_plate_conservation(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A mother plate cut into fewer plates than planned is a conservation violation, named
    in the manifest."""
    original = cutting.cut_plan

    def drop_last(*args: Any, **kwargs: Any) -> Any:
        rects = original(*args, **kwargs)
        return rects[:-1] if rects and len(rects) > 1 else rects

    monkeypatch.setattr(cutting, "cut_plan", drop_last)
    run = run_hand(tmp_path, SHORT)
    assert "plate_conservation" in _failed(run)
    assert any("planned" in v for v in run.result.invariants["plate_conservation"]["violations"])


def test_a_ledger_that_miscounts_plates_fails_plate_conservation(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One plate counted as cut that was never made: cut ≠ disposed + in progress."""

    def phantom(ledger: Ledger, plate: Any) -> None:
        ledger.plates_created += 1

    _patch_dispose(monkeypatch, phantom)
    run = run_hand(tmp_path, SHORT)
    assert _failed(run) == {"plate_conservation"}
    pc = run.result.invariants["plate_conservation"]
    assert pc["cut"] == pc["disposed"] + pc["wip"] + 1


def test_a_plate_naming_another_heat_fails_traceability(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A plate whose id names a heat that was never cast does not trace to its heat."""

    def rename(ledger: Ledger, plate: Any) -> None:
        ledger._remove(plate.plate_id, plate.mass_t)
        plate.plate_id = "H999999" + plate.plate_id[7:]
        ledger._add(plate.plate_id, plate, plate.mass_t)

    _patch_dispose(monkeypatch, rename)
    run = run_hand(tmp_path, SHORT)
    assert _failed(run) == {"traceability"}
    assert run.result.invariants["traceability"]["violations"][0].startswith("H999999")


def test_a_plate_cut_from_another_mother_fails_traceability(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A plate that claims a mother plate it was not cut from is a traceability violation."""
    original = Ledger.cut

    def cut(self: Ledger, mother: Any, plates: list[Any], *args: Any) -> None:
        if plates and plates[0].plate_id.endswith("-P1") and not self.trace_violations:
            plates[0].plate_id = plates[0].plate_id.replace("-M1-P1", "-M9-P1")
        original(self, mother, plates, *args)

    monkeypatch.setattr(Ledger, "cut", cut)
    run = run_hand(tmp_path, SHORT)
    assert "traceability" in _failed(run)


def test_a_unit_that_forgets_departures_fails_littles_law(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A lab that keeps counting a departed plate as present breaks L = λ·W for the lab and
    for no other unit."""
    original = Unit._depart

    def depart(self: Unit, visit: Any) -> None:
        original(self, visit)
        if self.name == "lab" and visit.entity_id.endswith("-P1"):
            self.present += 1

    monkeypatch.setattr(Unit, "_depart", depart)
    run = run_hand(tmp_path, SHORT)
    assert _failed(run) == {"littles_law"}
    units = run.result.invariants["littles_law"]["units"]
    assert {u for u, v in units.items() if not v["ok"]} == {"lab"}


def test_mill_run_exits_1_and_names_the_failed_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``mill run`` on a broken plant exits with status 1, names the violated invariant on
    stderr, and still leaves the run folder with the failed result in its manifest."""
    hand_scenario(tmp_path / "in", SHORT)
    _patch_dispose(monkeypatch, lambda ledger, plate: ledger.out_t.__setitem__("scrap", 1e3))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["run", str(tmp_path / "in" / "hand.toml"), "--out", str(tmp_path / "x"),
                       "--quiet", *[f"--set={o}" for o in SHORT]])  # fmt: skip
    assert status == 1
    assert "INVARIANT VIOLATED: mass_balance" in err.getvalue()
    manifest = json.loads((tmp_path / "x" / "manifest.json").read_text())
    assert manifest["invariants"]["ok"] is False
