"""Traceability through the genealogy edges as written (issue 11, item 5): every product plate
reaches exactly one heat through ``genealogy.csv``'s edges, and every edge's ends exist.

The control run passes and its manifest says how many edges and plates were checked; each
broken run (an edge with a parent that does not exist, a plate with no edge leading to it, a
piece with two parent edges) fails the traceability check alone, and ``mill run`` exits 1.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from plant_support import HandRun, hand_scenario, run_hand

from mill.cli import main
from mill.model.genealogy_check import LEAF_RELATIONS, EdgeCheck
from mill.model.ledger import Ledger

SHORT = ["run.horizon_days=1.2"]


def _failed(run: HandRun) -> set[str]:
    inv = run.result.invariants
    assert json.loads((run.path / "manifest.json").read_text())["invariants"] == inv
    return {k for k, v in inv.items() if isinstance(v, dict) and not v["ok"]}


def _patch_edges(monkeypatch: pytest.MonkeyPatch, fault: Any) -> None:
    """``fault(parent, child, relation)`` returns the edges to write instead of this one."""
    original = Ledger._edge

    def edge(self: Ledger, parent: str, child: str, relation: str, mass: float) -> None:
        for p, c, r in fault(parent, child, relation):
            original(self, p, c, r, mass)

    monkeypatch.setattr(Ledger, "_edge", edge)


def _first_cut(parent: str, child: str, relation: str, seen: list[str]) -> bool:
    if relation == "cut" and not seen:
        seen.append(child)
        return True
    return False


def test_the_control_run_traces_every_plate_through_the_written_edges(tmp_path: Path) -> None:
    """The check walks the same edges genealogy.csv holds: every plate written (disposed or in
    progress) reaches the heat its row names, and the check counted every edge and plate."""
    run = run_hand(tmp_path, SHORT)
    trace = run.result.invariants["traceability"]
    assert _failed(run) == set() and trace["violations"] == []
    g = run.table("genealogy")
    plates = run.table("plates")
    assert trace["edges"] == len(g) > 0
    assert trace["plates_traced_by_edges"] == trace["plates"] == len(plates)
    # the same walk, from the run folder alone
    pieces = g[~g["relation"].isin(LEAF_RELATIONS)]
    parent = dict(zip(pieces["child_id"], pieces["parent_id"], strict=True))
    heats = set(run.table("heats")["heat_id"])
    for pid, heat in zip(plates["plate_id"], plates["heat_id"], strict=True):
        node, steps = pid, 0
        while node in parent and steps < 10:
            node, steps = parent[node], steps + 1
        assert node == heat and node in heats, pid
    assert not g.duplicated("child_id").any()
    assert set(g["parent_id"]) <= heats | set(g["child_id"])


def test_an_edge_from_a_parent_that_does_not_exist_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[str] = []

    def typo(parent: str, child: str, relation: str) -> list[tuple[str, str, str]]:
        if _first_cut(parent, child, relation, seen):
            return [(parent.replace("-M", "-N"), child, relation)]
        return [(parent, child, relation)]

    _patch_edges(monkeypatch, typo)
    run = run_hand(tmp_path, SHORT)
    assert _failed(run) == {"traceability"}
    violations = run.result.invariants["traceability"]["violations"]
    assert any("no such parent" in v for v in violations)
    assert any(v.startswith(f"{seen[0]}: no genealogy edge") for v in violations)


def test_a_plate_without_its_cut_edge_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[str] = []

    def drop(parent: str, child: str, relation: str) -> list[tuple[str, str, str]]:
        return [] if _first_cut(parent, child, relation, seen) else [(parent, child, relation)]

    _patch_edges(monkeypatch, drop)
    run = run_hand(tmp_path, SHORT)
    assert _failed(run) == {"traceability"}
    assert run.result.invariants["traceability"]["violations"] == [
        f"{seen[0]}: no genealogy edge leads to it"
    ]
    assert seen[0] not in set(run.table("genealogy")["child_id"])


def test_a_plate_with_two_parent_edges_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[str] = []

    def twice(parent: str, child: str, relation: str) -> list[tuple[str, str, str]]:
        if _first_cut(parent, child, relation, seen):
            return [(parent, child, relation), (parent, child, relation)]
        return [(parent, child, relation)]

    _patch_edges(monkeypatch, twice)
    run = run_hand(tmp_path, SHORT)
    assert _failed(run) == {"traceability"}
    assert run.result.invariants["traceability"]["violations"] == [
        f"{seen[0]}: a second parent edge, from {seen[0].rsplit('-', 1)[0]}"
    ]


def test_mill_run_exits_1_on_a_broken_edge(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    hand_scenario(tmp_path / "in", SHORT)
    seen: list[str] = []
    _patch_edges(
        monkeypatch,
        lambda p, c, r: [] if _first_cut(p, c, r, seen) else [(p, c, r)],
    )
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["run", str(tmp_path / "in" / "hand.toml"), "--out", str(tmp_path / "x"),
                       "--quiet", *[f"--set={o}" for o in SHORT]])  # fmt: skip
    assert status == 1
    assert "INVARIANT VIOLATED: traceability" in err.getvalue()
    manifest = json.loads((tmp_path / "x" / "manifest.json").read_text())
    assert manifest["invariants"]["traceability"]["ok"] is False


def test_edge_check_unit() -> None:
    """The graph rules on their own: a heat's pieces reach it; a re-cut plate reaches it
    through its old id; leaves never become parents; a forgotten heat is gone."""
    ec = EdgeCheck()
    ec.heat("H1")
    for p, c, r in [("H1", "H1-S01", "cast"), ("H1", "H1-LOSS", "loss"),
                    ("H1-S01", "H1-S01-M1", "rolled"), ("H1-S01", "H1-S01-X", "scrap"),
                    ("H1-S01-M1", "H1-S01-M1-P1", "cut"),
                    ("H1-S01-M1-P1", "H1-S01-M1-P1R1", "recut")]:  # fmt: skip
        ec.edge(p, c, r)
    ec.plate("H1-S01-M1-P1R1", "H1")
    assert ec.violations == [] and ec.edges == 6
    ec.edge("H1-S01-X", "H1-S01-X-M1", "rolled")  # a leaf is no parent
    ec.plate("H1-S01-M1-P1R1", "H2")
    assert ec.violations == [
        "edge H1-S01-X → H1-S01-X-M1 (rolled): no such parent",
        "H1-S01-M1-P1R1: its edges reach H1, not H2",
    ]
    ec.forget("H1")
    assert ec.heat_of == {} and ec.heats == set()
