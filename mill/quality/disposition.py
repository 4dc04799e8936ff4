"""The disposition decision as pure functions: which rule conditions a plate's *measured* state
meets, which rule that calls and what it does, the ground truth the decision is judged
against, and the grade a downgraded plate is sold as.

The plant (``mill.model.disposition``) calls these with the live plate; ``mill rescore``
(``mill.analysis.rescore``) calls the same functions with the values a run folder recorded,
so a finished run can be re-judged under other acceptance limits and rules without a second
copy of the logic. No SimPy, no I/O, no random draws.

The conditions are a table (``CONDITION_CHECKS``), in priority order: the first condition
that holds picks the rule. A new measurement that a rule acts on adds one row (its reading
in :class:`Reading`, its limit in :class:`Limits`). Every limit is a scenario value (the
grade's EN/GB hardness window and Charpy minimum, the flatness tolerance and the
EN 10163-2 imperfection limit, ``mill.scenario``); the rule table is a labelled assumption
of common plate-mill practice (``mill.scenario.quality.default_rules``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from mill.quality.acceptance import UT_MIN_THICKNESS_MM, is_surface_defect, meets_ut, ut_classes
from mill.quality.chemistry import (
    GBT24186_LIMITS,
    cev,
    cev_limit,
    impact_quality,
    limit_violations,
)
from mill.quality.defects import is_internal
from mill.quality.detection import Indication
from mill.quality.toughness import impact_requirement_applies
from mill.scenario import Scenario

TERMINAL_ACTIONS: tuple[str, ...] = ("release", "downgrade", "scrap")
"""Actions that end the plate's disposition; every other action is a rework."""
DISPOSITION_OF: Mapping[str, str] = {
    "release": "prime",
    "downgrade": "downgraded",
    "scrap": "scrap",
}
RESIZED_REASON = "RESIZED"
"""Reason code of a re-sized plate that meets every check: downgraded as its own grade
(it no longer has the ordered size)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A defect an inspection found and confirmed: its mechanism and its measured area."""

    mechanism: str
    area_mm2: float


@dataclass(frozen=True, slots=True)
class Reading:
    """What the plant measured on a plate: the inputs of the rule conditions (NaN or None
    where not measured; a NaN reading meets no condition)."""

    kv_pass: bool | None
    """The verdict of the Charpy set that stands for the plate."""
    hbw: float
    hbw_centre: float
    ut_pass: bool | None
    flatness_mm_per_m: float
    found: Sequence[Finding]
    false_surface_calls: int = 0
    """False calls of the automated surface inspection an inspector confirmed, not yet ground
    (``mill.model.regimes``): each needs action like a real surface finding."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The acceptance limits of one plate: its grade at its thickness, and the scenario's
    quality settings."""

    hbw_lo: float
    hbw_hi: float
    centre_min_hbw: float
    charpy_min_j: float
    flatness_tol_mm_per_m: float
    scale_max_mm2: float


def limits(sc: Scenario, grade: str, thickness_mm: float) -> Limits:
    """The limits a plate of ``grade`` and ``thickness_mm`` is judged by under ``sc``. The
    impact requirement applies from 6 mm (no Charpy specimen can be cut below) to 80 mm
    (GB/T 24186; thicker, by agreement: ``impact_requirement_applies``); outside it the
    minimum is 0 J and a failed set, made for information, decides nothing."""
    g = sc.grades[grade]
    lo, hi = g.hbw_window(thickness_mm)
    q = sc.quality
    impact_tested = impact_requirement_applies(thickness_mm)
    return Limits(
        hbw_lo=lo,
        hbw_hi=hi,
        centre_min_hbw=g.centre_min_hbw,
        charpy_min_j=g.charpy_min_j if impact_tested else 0.0,
        flatness_tol_mm_per_m=q.testing.flatness_tolerance_mm_per_m,
        scale_max_mm2=q.visual.scale_imperfection_max_mm2,
    )


def _surface(m: Reading, lim: Limits) -> bool:
    return m.false_surface_calls > 0 or any(
        is_surface_defect(f.mechanism, f.area_mm2, lim.scale_max_mm2) for f in m.found
    )


CONDITION_CHECKS: tuple[tuple[str, Callable[[Reading, Limits], bool]], ...] = (
    ("charpy_fail", lambda m, lim: m.kv_pass is False and lim.charpy_min_j > 0.0),
    ("hardness_low", lambda m, lim: m.hbw < lim.hbw_lo),
    ("centre_hardness_low", lambda m, lim: m.hbw_centre < lim.centre_min_hbw),
    ("hardness_high", lambda m, lim: m.hbw > lim.hbw_hi),
    ("ut_fail", lambda m, lim: m.ut_pass is False),
    ("cut_edge_crack", lambda m, lim: any(f.mechanism == "cut_edge_crack" for f in m.found)),
    ("surface_defect", _surface),
    ("flatness_fail", lambda m, lim: m.flatness_mm_per_m > lim.flatness_tol_mm_per_m),
)
"""The rule conditions in priority order, each a check of the measured state against the
limits (comparisons with NaN are false: a value not measured meets no condition)."""


def conditions(m: Reading, lim: Limits) -> list[str]:
    """The rule conditions that hold for the measured state ``m``, in priority order."""
    return [name for name, check in CONDITION_CHECKS if check(m, lim)]


class RuleLike(Protocol):
    """A disposition rule (``mill.scenario.quality.Rule``)."""

    @property
    def condition(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def max_times(self) -> int: ...
    @property
    def fallback(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Decision:
    """What the rule table says for one judgement: ``action`` (release, downgrade, scrap or a
    rework action), the ``reason`` code and the ``condition`` that picked the rule ("" when
    none holds: the plate passes)."""

    action: str
    reason: str
    condition: str

    @property
    def is_rework(self) -> bool:
        return self.action not in TERMINAL_ACTIONS


def decide(
    conds: Sequence[str],
    rules: Mapping[str, RuleLike],
    done: Mapping[str, int],
    rework: bool,
    resized: bool,
) -> Decision:
    """The decision for a plate meeting ``conds``: the first condition's rule, its action
    falling to the rule's fallback when rework is off or the plate has had it ``max_times``
    already (``done``: rework count by condition). With no condition, a plate is released
    prime, or downgraded as ``RESIZED`` when a cut-out re-sized it."""
    if not conds:
        if resized:
            return Decision("downgrade", RESIZED_REASON, "")
        return Decision("release", "", "")
    rule = rules[conds[0]]
    action = rule.action
    if action not in TERMINAL_ACTIONS and (
        not rework or done.get(rule.condition, 0) >= rule.max_times
    ):
        action = rule.fallback
    return Decision(action, rule.reason, rule.condition)


REGRADE_CONDITIONS: frozenset[str] = frozenset({"hardness_low", "centre_hardness_low"})
"""The conditions under which a downgraded plate may be sold as the grade below: its own
hardness missed the ordered grade's. A plate downgraded for anything else (impact, UT,
surface, cut edges, flatness) keeps its ordered grade as non-prime: the grade below would not
cure it, and nothing about it was judged against that grade."""


def downgrade_grade(
    sc: Scenario,
    grade: str,
    thickness_mm: float,
    hbw_measured: float,
    hbw_centre: float = math.nan,
    chem: Mapping[str, float] | None = None,
) -> str:
    """The grade a plate downgraded for its hardness is sold as: the grade below when the
    plate meets what that grade states and was checked for, else its own grade as non-prime.

    The grade below must take the measured hardness in its window and the measured centre
    hardness (when measured) above its minimum; its impact test must not be colder than the
    ordered grade's (the plate was tested at the ordered grade's temperature only); and the
    heat (``chem``, when given) must meet its GB/T 24186-2022 Table 2 limits and Table 3 CEV
    maximum (``mill.quality.chemistry``), as its certificate will state them."""
    ordered = sc.grades[grade]
    lower = ordered.downgrade_to
    if lower is None:
        return grade
    low = sc.grades[lower]
    lo, hi = low.hbw_window(thickness_mm)
    if not lo <= hbw_measured <= hi or hbw_centre < low.centre_min_hbw:
        return grade
    if low.charpy_temp_c < ordered.charpy_temp_c:
        return grade
    if chem is not None and lower in GBT24186_LIMITS:
        cap = cev_limit(lower, impact_quality(low.charpy_temp_c), thickness_mm)
        if limit_violations(lower, chem) or (cap is not None and cev(chem) > cap):
            return grade
    return lower


def outcome(
    sc: Scenario,
    d: Decision,
    grade: str,
    thickness_mm: float,
    hbw_measured: float,
    hbw_centre: float = math.nan,
    chem: Mapping[str, float] | None = None,
) -> tuple[str, str]:
    """(disposition, grade released as) of a terminal decision ``d`` on a plate ordered as
    ``grade``: prime as ordered; downgraded for its hardness to the grade below when it meets
    that grade (``downgrade_grade``), else, and for any other condition, as its own grade
    non-prime; re-sized as its own grade; scrap with no grade."""
    disposition = DISPOSITION_OF[d.action]
    if disposition == "scrap":
        return disposition, ""
    if disposition == "downgraded" and d.condition in REGRADE_CONDITIONS:
        return disposition, downgrade_grade(sc, grade, thickness_mm, hbw_measured, hbw_centre, chem)
    return disposition, grade


class DefectLike(Protocol):
    """A true defect (``mill.quality.defects.Defect``, or a row of defects.csv)."""

    @property
    def mechanism(self) -> str: ...
    @property
    def x_mm(self) -> float: ...
    @property
    def y_mm(self) -> float: ...
    @property
    def z_frac(self) -> float: ...
    @property
    def length_mm(self) -> float: ...
    @property
    def width_mm(self) -> float: ...
    @property
    def area_mm2(self) -> float: ...


@dataclass(frozen=True, slots=True)
class TrueState:
    """What a plate really is, as far as its order is concerned."""

    hbw_surface: float
    hbw_centre: float
    kv_j: float
    ut_class: str
    thickness_mm: float
    width_mm: float
    length_mm: float
    defects: Sequence[DefectLike]


def nonconformities(p: TrueState, lim: Limits) -> Iterator[tuple[str, DefectLike | None]]:
    """Each way the plate truly fails its order, as (nonconformity, the defect or None), in a
    fixed order, whatever the inspection saw: surface hardness outside the window, centre
    hardness and Charpy below their minimum, every cut-edge crack and flatness defect, a
    surface finding beyond an imperfection, and the true internal defects against the ordered
    UT class (EN 10160 / ASTM A578, ``mill.quality.acceptance``). Lazy: ``any`` stops at the
    first."""
    if not lim.hbw_lo <= p.hbw_surface <= lim.hbw_hi:
        yield "hardness_surface", None
    if p.hbw_centre < lim.centre_min_hbw:
        yield "hardness_centre", None
    if p.kv_j < lim.charpy_min_j:
        yield "charpy", None
    for d in p.defects:
        if d.mechanism in ("cut_edge_crack", "flatness") or is_surface_defect(
            d.mechanism, d.area_mm2, lim.scale_max_mm2
        ):
            yield d.mechanism, d
    if p.ut_class != "none" and p.thickness_mm >= UT_MIN_THICKNESS_MM:
        truth = [
            Indication(d.x_mm, d.y_mm, d.z_frac, d.length_mm, d.width_mm, d.area_mm2, k, True)
            for k, d in enumerate(p.defects)
            if is_internal(d.mechanism)
        ]
        body, edge, level = ut_classes(truth, p.thickness_mm, p.width_mm, p.length_mm)
        if not meets_ut(p.ut_class, body, edge, level):
            yield "ut_class", None


NONCONFORMITIES: tuple[str, ...] = (
    "hardness_surface",
    "hardness_centre",
    "charpy",
    "cut_edge_crack",
    "flatness",
    "surface_crack",
    "rolled_in_scale",
    "quench_crack",
    "ut_class",
)
"""Every kind ``nonconformities`` yields (a defect's mechanism, a test, or the UT class)."""


def truly_nonconforming(p: TrueState, lim: Limits) -> bool:
    """Ground truth: does the plate fail its order, whatever the inspection saw?"""
    return any(True for _ in nonconformities(p, lim))
