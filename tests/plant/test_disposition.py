"""The disposition: which conditions a plate's measured state raises and in what priority,
the rule each one selects (action, repeat limit, fallback, reason), and the grade a
downgraded plate is sold as. Judged by hand on single plates (NM450 at 20 mm: surface window
420–480 HBW, centre ≥ 375 HBW; NM400 below it: 370–430 HBW)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
from disposition_support import defect, plate, stand_in_plant

import mill.model.disposition as disposition_module
from mill.model.disposition import conditions, dispose, downgrade_grade
from mill.quality import disposition as rules_of
from mill.quality.acceptance import meets_ut
from mill.quality.chemistry import cev, cev_limit, limit_violations
from mill.scenario import Scenario
from mill.scenario.quality import CONDITIONS, Disposition, Rule

EVERY_FAILURE = dict(
    kv_pass=False,
    hbw=410.0,
    centre=370.0,
    ut_pass=False,
    flatness=3.5,
    defects=[defect("cut_edge_crack"), defect("surface_crack", ident="crack")],
    seen=["cut_edge_crack", "crack"],
)


def test_a_sound_plate_raises_no_condition() -> None:
    """Hardness inside the window, centre above its minimum, Charpy and UT passed, flat, no
    defect found: nothing to act on."""
    assert conditions(stand_in_plant(), plate()) == []


@pytest.mark.parametrize(
    ("state", "condition"),
    [
        ({"kv_pass": False}, "charpy_fail"),
        ({"hbw": 419.9}, "hardness_low"),
        ({"centre": 374.9}, "centre_hardness_low"),
        ({"hbw": 480.1}, "hardness_high"),
        ({"ut_pass": False}, "ut_fail"),
        ({"defects": [defect("cut_edge_crack")], "seen": ["cut_edge_crack"]}, "cut_edge_crack"),
        ({"defects": [defect("surface_crack")], "seen": ["surface_crack"]}, "surface_defect"),
        ({"defects": [defect("quench_crack")], "seen": ["quench_crack"]}, "surface_defect"),
        ({"flatness": 3.01}, "flatness_fail"),
    ],
)
def test_each_failed_check_raises_its_condition(state: dict[str, Any], condition: str) -> None:
    """Each check, failed alone, raises exactly its own condition."""
    assert conditions(stand_in_plant(), plate(**state)) == [condition]


@pytest.mark.parametrize(
    "state",
    [
        {"hbw": 420.0},  # the window is closed at both ends
        {"hbw": 480.0},
        {"centre": 375.0},
        {"flatness": 3.0},  # the tolerance itself passes
        {"defects": [defect("surface_crack")]},  # a defect nobody found raises nothing
        {"defects": [defect("inclusion_cluster", 40, 40)], "seen": ["inclusion_cluster"]},
    ],
)
def test_limits_themselves_pass(state: dict[str, Any]) -> None:
    """Values on a limit pass, and only *found* surface and edge defects count (an internal
    defect acts through the UT result, not here)."""
    assert conditions(stand_in_plant(), plate(**state)) == []


def test_rolled_in_scale_is_a_defect_only_beyond_the_imperfection_limit() -> None:
    """Scale up to 150 mm² is a tolerated imperfection (EN 10163-2); larger scale is a surface
    defect. Cracks count at any size."""
    sc = Scenario()
    small = defect("rolled_in_scale", 13.8, 13.8)  # π/4·13.8² = 149.6 mm²
    large = defect("rolled_in_scale", 13.9, 13.9)  # 151.7 mm²
    assert small.area_mm2 < 150.0 < large.area_mm2
    assert conditions(stand_in_plant(sc), plate(defects=[small], seen=["rolled_in_scale"])) == []
    found = plate(defects=[large], seen=["rolled_in_scale"])
    assert conditions(stand_in_plant(sc), found) == ["surface_defect"]
    tiny_crack = defect("surface_crack", 0.5, 0.5)
    assert conditions(stand_in_plant(sc), plate(defects=[tiny_crack], seen=["surface_crack"]))


def test_thick_plate_is_judged_against_the_thick_window() -> None:
    """Above 80 mm NM450's window is 410–480 HBW (GB/T 24186 Table 4): 415 HBW is low at
    20 mm and good at 90 mm."""
    assert conditions(stand_in_plant(), plate(hbw=415.0)) == ["hardness_low"]
    assert conditions(stand_in_plant(), plate(hbw=415.0, thickness=90.0)) == []


def test_conditions_come_in_priority_order() -> None:
    """With everything wrong the conditions come in the rule order: properties first
    (Charpy, hardness low, centre hardness, hardness high), then UT, cut-edge cracks,
    surface defects and flatness last."""
    low = conditions(stand_in_plant(), plate(**EVERY_FAILURE))
    assert low == [
        "charpy_fail",
        "hardness_low",
        "centre_hardness_low",
        "ut_fail",
        "cut_edge_crack",
        "surface_defect",
        "flatness_fail",
    ]
    high = conditions(stand_in_plant(), plate(**{**EVERY_FAILURE, "hbw": 490.0}))
    assert high[:5] == ["charpy_fail", "centre_hardness_low", "hardness_high", "ut_fail",
                        "cut_edge_crack"]  # fmt: skip
    assert set(low) | set(high) == set(CONDITIONS)


# ---- the rules the conditions select -----------------------------------------------------
def _judge(
    monkeypatch: pytest.MonkeyPatch, p: Any, sc: Scenario | None = None, rework_ok: bool = True
) -> tuple[Any, list[tuple[str, str]]]:
    """Run the disposition of ``p`` with rework stubbed out (it changes nothing and reports
    ``rework_ok``); returns the plant (its ledger holds the decision) and the rework calls."""
    plant = stand_in_plant(sc)
    done: list[tuple[str, str]] = []

    def fake_rework(
        plant: Any, plate: Any, action: str, condition: str
    ) -> Generator[Any, Any, bool]:
        done.append((action, condition))
        # no rule allows more than a few reworks: a disposition that keeps asking is stuck
        assert len(done) <= 10, f"the disposition keeps reworking: {done[:3]}"
        return rework_ok
        yield

    monkeypatch.setattr(disposition_module, "rework_plate", fake_rework)
    for _ in dispose(plant, p):
        pass
    return plant, done


def test_a_sound_plate_is_released_prime(monkeypatch: pytest.MonkeyPatch) -> None:
    """No condition: prime, no reason code, its own grade, no rework."""
    plant, done = _judge(monkeypatch, plate())
    assert plant.ledger.calls == [("prime", "", "NM450")] and done == []


def test_a_resized_sound_plate_leaves_as_downgraded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plate cut down after a cut-out no longer has its ordered size: downgraded with reason
    RESIZED, in its own grade."""
    p = plate()
    p.resizes = 1
    plant, _ = _judge(monkeypatch, p)
    assert plant.ledger.calls == [("downgraded", "RESIZED", "NM450")]


def test_the_first_condition_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every check failed, Charpy's rule (downgrade, KV-FAIL-DOWNGRADE) decides, with no
    rework first; downgraded for its impact test, not its hardness, it stays NM450 non-prime
    although its 410 HBW lies in NM400's 370–430 window."""
    plant, done = _judge(monkeypatch, plate(**EVERY_FAILURE))
    assert plant.ledger.calls == [("downgraded", "KV-FAIL-DOWNGRADE", "NM450")]
    assert done == []


@pytest.mark.parametrize(
    ("state", "action", "times", "outcome"),
    [
        ({"hbw": 490.0}, "retemper", 1, ("downgraded", "HB-HIGH-RETEMPER", "NM450")),
        ({"flatness": 3.5}, "relevel", 2, ("downgraded", "FLAT-RELEVEL", "NM450")),
        (
            {"defects": [defect("surface_crack")], "seen": ["surface_crack"]},
            "grind",
            1,
            ("downgraded", "SURF-GRIND", "NM450"),
        ),
        ({"ut_pass": False}, "cutout_resize", 1, ("downgraded", "UT-REJ-CUTOUT", "NM450")),
        (
            {"defects": [defect("cut_edge_crack")], "seen": ["cut_edge_crack"]},
            "cutout_resize",
            1,
            ("scrap", "EDGE-CRACK-RECUT", ""),
        ),
    ],
)
def test_rework_is_repeated_up_to_its_limit_then_the_fallback(
    monkeypatch: pytest.MonkeyPatch,
    state: dict[str, Any],
    action: str,
    times: int,
    outcome: tuple[str, str, str],
) -> None:
    """A rework rule acts ``max_times`` times (re-level twice, the others once); a plate the
    rework did not cure then takes the rule's fallback with the rule's reason (downgrade or,
    for cracked edges, scrap)."""
    plant, done = _judge(monkeypatch, plate(**state))
    condition = conditions(stand_in_plant(), plate(**state))[0]
    assert done == [(action, condition)] * times
    assert plant.ledger.calls == [outcome]


def test_rework_switched_off_goes_straight_to_the_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``quality.disposition.rework = false``: no rework, the fallback at once."""
    sc = Scenario(quality={"disposition": Disposition(rework=False)})
    plant, done = _judge(monkeypatch, plate(flatness=3.5), sc=sc)
    assert done == [] and plant.ledger.calls == [("downgraded", "FLAT-RELEVEL", "NM450")]


def test_an_impossible_rework_scraps_the_plate(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cut-out that leaves nothing worth keeping scraps the plate under the rule's reason."""
    plant, done = _judge(monkeypatch, plate(ut_pass=False), rework_ok=False)
    assert done == [("cutout_resize", "ut_fail")]
    assert plant.ledger.calls == [("scrap", "UT-REJ-CUTOUT", "")]


@pytest.mark.parametrize(
    ("action", "outcome"),
    [
        ("release", ("prime", "WAIVED", "NM450")),
        ("scrap", ("scrap", "WAIVED", "")),
        ("downgrade", ("downgraded", "WAIVED", "NM400")),
    ],
)
def test_a_scenario_rule_replaces_the_default_for_its_condition(
    monkeypatch: pytest.MonkeyPatch, action: str, outcome: tuple[str, str, str]
) -> None:
    """A rule in the scenario decides its condition: release (prime with the rule's reason),
    scrap (no grade) or downgrade (to NM400: 410 HBW fits its window)."""
    rule = Rule(condition="hardness_low", action=action, reason="WAIVED")  # type: ignore[arg-type]
    sc = Scenario(quality={"disposition": {"rules": [rule.model_dump()]}})
    plant, done = _judge(monkeypatch, plate(hbw=410.0), sc=sc)
    assert done == [] and plant.ledger.calls == [outcome]


@pytest.mark.parametrize("action", ["release", "scrap", "downgrade"])
def test_a_final_action_is_taken_even_with_rework_switched_off(
    monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    """Release, scrap and downgrade are final actions, not rework: with rework switched off
    they are still taken as the rule says, never replaced by the rule's fallback."""
    fallback = "release" if action != "release" else "scrap"
    rule = Rule(condition="hardness_low", action=action, reason="FINAL", fallback=fallback)  # type: ignore[arg-type]
    sc = Scenario(quality={"disposition": {"rework": False, "rules": [rule.model_dump()]}})
    plant, done = _judge(monkeypatch, plate(hbw=410.0), sc=sc)
    taken = {"release": "prime", "scrap": "scrap", "downgrade": "downgraded"}[action]
    assert done == [] and [c[0] for c in plant.ledger.calls] == [taken]


# ---- the downgrade grade ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("grade", "thickness", "hbw", "sold_as"),
    [
        ("NM450", 20.0, 400.0, "NM400"),
        ("NM450", 20.0, 370.0, "NM400"),  # NM400's window is closed at both ends
        ("NM450", 20.0, 430.0, "NM400"),
        ("NM450", 20.0, 369.9, "NM450"),  # too soft for NM400: non-prime NM450
        ("NM450", 20.0, 430.1, "NM450"),
        ("NM450", 90.0, 435.0, "NM400"),  # thick NM400 window 360–440
        ("NM450", 20.0, 435.0, "NM450"),
        # NM450's impact test (-40 C) is colder than NM500's (-20 C), at which the plate was
        # tested: it stays NM500 non-prime
        ("NM500", 20.0, 450.0, "NM500"),
        ("NM500", 20.0, 500.0, "NM500"),
        ("NM400", 20.0, 350.0, "NM400"),  # no grade below NM400
    ],
)
def test_downgrade_goes_to_the_grade_below_only_when_the_hardness_fits_it(
    grade: str, thickness: float, hbw: float, sold_as: str
) -> None:
    """A plate downgraded for its hardness is sold as the grade below when its measured
    hardness lies in that grade's window for its thickness (and the grade below's impact test
    is no colder), otherwise as its own grade (non-prime)."""
    p = plate(grade=grade, thickness=thickness, hbw=hbw)
    assert downgrade_grade(stand_in_plant(), p) == sold_as


@pytest.mark.parametrize(
    ("condition", "sold_as"),
    [
        ("hardness_low", "NM400"),
        ("centre_hardness_low", "NM400"),
        ("charpy_fail", "NM450"),
        ("ut_fail", "NM450"),
        ("cut_edge_crack", "NM450"),
        ("surface_defect", "NM450"),
        ("flatness_fail", "NM450"),
    ],
)
def test_only_a_hardness_downgrade_goes_to_the_grade_below(condition: str, sold_as: str) -> None:
    """A plate downgraded for its hardness goes to the grade below when it fits it; one
    downgraded for anything else keeps its ordered grade as non-prime, whatever its hardness
    (the review found NM450 plates downgraded for a ground surface certified as NM400 on a lot
    reading, one truly 465 HBW)."""
    sc = Scenario()
    d = rules_of.Decision("downgrade", "X", condition)
    assert rules_of.outcome(sc, d, "NM450", 20.0, 400.0) == ("downgraded", sold_as)


def test_a_heat_outside_the_grade_below_keeps_its_grade() -> None:
    """The grade below must take the heat: a chemistry over its GB/T 24186 Table 2 limit, a
    CEV over its Table 3 maximum, or a centre reading under its minimum keeps the ordered
    grade; a heat within them goes down."""
    sc = Scenario()
    lean = {"C": 0.17, "Si": 0.3, "Mn": 1.2, "P": 0.01, "S": 0.002, "Cr": 0.3, "Ni": 0.05,
            "Mo": 0.1, "Cu": 0.02, "Ti": 0.02, "B": 0.002, "Al": 0.03, "N": 0.004}  # fmt: skip
    assert rules_of.downgrade_grade(sc, "NM450", 20.0, 400.0, 400.0, lean) == "NM400"
    too_much_carbon = {**lean, "C": 0.34}
    assert limit_violations("NM400", too_much_carbon)
    assert rules_of.downgrade_grade(sc, "NM450", 20.0, 400.0, 400.0, too_much_carbon) == "NM450"
    rich = {**lean, "Cr": 1.0, "Mo": 0.5, "Mn": 1.5}
    assert not limit_violations("NM400", rich)
    assert cev(rich) > cev_limit("NM400", "E", 20.0)
    assert rules_of.downgrade_grade(sc, "NM450", 20.0, 400.0, 400.0, rich) == "NM450"
    centre_min = sc.grades["NM400"].centre_min_hbw
    assert rules_of.downgrade_grade(sc, "NM450", 20.0, 400.0, centre_min - 1.0, lean) == "NM450"


# ---- the ordered UT class ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ordered", "body", "edge", "level", "meets"),
    [
        ("none", "none", "none", "none", True),  # no UT ordered: anything goes
        ("S2E2", "S2", "E2", "C", True),
        ("S2E2", "S3", "E4", "C", True),
        ("S2E2", "S1", "E4", "C", False),  # body one class short
        ("S2E2", "S3", "E1", "C", False),  # edge one class short
        ("S0E0", "none", "E4", "C", False),  # worse than S0
        ("A578B", "S3", "E4", "B", True),
        ("A578B", "S3", "E4", "C", True),
        ("A578B", "S3", "E4", "A", False),
        ("A578A", "S0", "E0", "none", False),
    ],
)
def test_a_plate_meets_its_ordered_ut_class_only_at_or_above_it(
    ordered: str, body: str, edge: str, level: str, meets: bool
) -> None:
    """EN 10160 orders need both the body and the edge class at least as good as ordered
    (S0 < S1 < S2 < S3, E0 < … < E4); A578 orders need the level (A < B < C)."""
    assert meets_ut(ordered, body, edge, level) is meets
