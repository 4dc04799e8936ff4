"""The pure disposition decision (``mill.quality.disposition``) that the plant and
``mill rescore`` share: the first condition picks the rule, a rework falls to its fallback
when rework is off or done ``max_times``, a plate meeting no condition is released (or
downgraded as re-sized), and the outcome names the grade it is sold as."""

from __future__ import annotations

import math

import pytest

from mill.quality import disposition as d
from mill.scenario import validate

SC = validate({})
RULES = {r.condition: r for r in SC.quality.disposition.rules}


def test_no_condition_releases_and_a_resized_plate_is_downgraded() -> None:
    """Nothing holds: prime with no reason; re-sized: RESIZED, sold as its own grade."""
    assert d.decide([], RULES, {}, True, False) == d.Decision("release", "", "")
    resized = d.decide([], RULES, {}, True, True)
    assert resized == d.Decision("downgrade", "RESIZED", "")
    assert d.outcome(SC, resized, "NM450", 20.0, 999.0) == ("downgraded", "NM450")


def test_the_first_condition_picks_the_rule() -> None:
    """Only the first condition counts, whatever follows it."""
    got = d.decide(["hardness_low", "ut_fail"], RULES, {}, True, False)
    assert (got.condition, got.action) == ("hardness_low", RULES["hardness_low"].action)


@pytest.mark.parametrize(("rework", "done"), [(False, 0), (True, 1)])
def test_a_rework_falls_to_its_fallback(rework: bool, done: int) -> None:
    """Rework off, or the rule's max_times used up: the fallback; else the rework itself."""
    rule = RULES["hardness_high"]
    assert rule.max_times == 1 and rule.action not in d.TERMINAL_ACTIONS
    got = d.decide(["hardness_high"], RULES, {"hardness_high": done}, rework, False)
    assert got.action == rule.fallback and not got.is_rework
    assert d.decide(["hardness_high"], RULES, {}, True, False).is_rework


def test_a_reading_not_made_meets_no_condition() -> None:
    """NaN hardness, flatness and no Charpy or UT verdict: no condition holds."""
    lim = d.limits(SC, "NM400", 20.0)
    nothing = d.Reading(kv_pass=None, hbw=math.nan, hbw_centre=math.nan, ut_pass=None,
                        flatness_mm_per_m=math.nan, found=[])  # fmt: skip
    assert d.conditions(nothing, lim) == []
    high = d.Reading(kv_pass=False, hbw=lim.hbw_hi + 1, hbw_centre=math.nan, ut_pass=False,
                     flatness_mm_per_m=lim.flatness_tol_mm_per_m + 1,
                     found=[d.Finding("cut_edge_crack", 5.0)])  # fmt: skip
    assert d.conditions(high, lim) == [
        "charpy_fail", "hardness_high", "ut_fail", "cut_edge_crack", "flatness_fail"
    ]  # fmt: skip
    assert [name for name, _ in d.CONDITION_CHECKS] == [
        "charpy_fail", "hardness_low", "centre_hardness_low", "hardness_high", "ut_fail",
        "cut_edge_crack", "surface_defect", "flatness_fail",
    ]  # fmt: skip


def test_a_downgrade_is_sold_as_the_grade_below_when_its_hardness_fits() -> None:
    """NM450 → NM400 when the measured hardness is in NM400's window, else NM450 non-prime."""
    rule = d.decide(["hardness_low"], RULES, {}, True, False)
    lo, hi = SC.grades["NM400"].hbw_window(20.0)
    assert d.outcome(SC, rule, "NM450", 20.0, (lo + hi) / 2) == ("downgraded", "NM400")
    assert d.outcome(SC, rule, "NM450", 20.0, hi + 50) == ("downgraded", "NM450")
    scrap = d.Decision("scrap", "X", "ut_fail")
    assert d.outcome(SC, scrap, "NM450", 20.0, 0.0) == ("scrap", "")
