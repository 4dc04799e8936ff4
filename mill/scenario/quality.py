"""Scenario tables for the quality system: inspection settings, testing plans, defect-rate
overrides and the disposition rules (condition → action → reason code).

Inspection figures: MIL-HDBK-1823A POD form with a50/a90 as labelled assumptions calibrated
to the EN 10160 S3 recording level (domain.md §5.5); testing plan from the SSAB Hardox
datasheets (one hardness test per heat and per 40 t; Charpy per heat and thickness group,
average of three, single value ≥ 70 % of the required mean; domain.md §2.2).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from mill.scenario.fields import Section, within

CONDITIONS: tuple[str, ...] = (
    "ut_fail",
    "hardness_high",
    "hardness_low",
    "centre_hardness_low",
    "charpy_fail",
    "flatness_fail",
    "surface_defect",
    "cut_edge_crack",
)
ACTIONS: tuple[str, ...] = (
    "release",
    "retemper",
    "relevel",
    "grind",
    "cutout_resize",
    "downgrade",
    "scrap",
)
Condition = Literal[
    "ut_fail",
    "hardness_high",
    "hardness_low",
    "centre_hardness_low",
    "charpy_fail",
    "flatness_fail",
    "surface_defect",
    "cut_edge_crack",
]
Action = Literal["release", "retemper", "relevel", "grind", "cutout_resize", "downgrade", "scrap"]


def _pod_curves(section: Section, *pairs: tuple[str, str]) -> None:
    """Each POD curve's a90 lies above its a50 (the probit curve needs 0 < a50 < a90)."""
    for a50, a90 in pairs:
        if getattr(section, a90) <= getattr(section, a50):
            raise ValueError(f"{a90} must be larger than {a50}")


class Ultrasonic(Section):
    """Automated UT as an imperfect sensor, and the manual re-check of flagged zones."""

    a50_mm: Annotated[float, within(0.1, 100)] = 3.0
    a90_mm: Annotated[float, within(0.2, 200)] = 5.0
    sizing_sigma_ln: Annotated[float, within(0, 2)] = 0.2
    false_calls_per_m2: Annotated[float, within(0, 10)] = 0.01
    manual_a50_mm: Annotated[float, within(0.1, 100)] = 4.0
    manual_a90_mm: Annotated[float, within(0.2, 200)] = 7.0
    false_call_dismissal: Annotated[float, within(0, 1)] = 0.9
    # phased array (``plant.ut.phased_array``): assumption, reference/inspection.md §3 (PAUT
    # with full coverage POD ≈ 0.95 at S2/S3 sizes; no published plate a50/a90)
    pa_a50_mm: Annotated[float, within(0.1, 100)] = 1.5
    pa_a90_mm: Annotated[float, within(0.2, 200)] = 3.0
    pa_coverage: Annotated[float, within(0, 1)] = 1.0

    @model_validator(mode="after")
    def _order(self) -> Ultrasonic:
        pairs = [("a50_mm", "a90_mm"), ("manual_a50_mm", "manual_a90_mm")]
        _pod_curves(self, *pairs, ("pa_a50_mm", "pa_a90_mm"))
        return self


class SurfaceInspection(Section):
    """Detection by the automated surface inspection system (``plant.surface_inspection``),
    MIL-HDBK-1823A POD form on the equivalent diameter. Assumptions (reference/inspection.md
    §1): crack POD 0.85–0.95 at ≥ 5 mm (a90 5 mm); rolled-in scale ≈ 0.9; 10–30 % of alarms
    false; an inspector confirms a true flag with ``confirm_pod`` and dismisses a false one
    with ``false_call_dismissal``; the laser flatness reading has 0.1 mm/m noise (1 sd)."""

    crack_a50_mm: Annotated[float, within(0.1, 100)] = 2.0
    crack_a90_mm: Annotated[float, within(0.2, 200)] = 5.0
    scale_a50_mm: Annotated[float, within(0.1, 100)] = 4.0
    scale_a90_mm: Annotated[float, within(0.2, 200)] = 10.0
    false_calls_per_m2: Annotated[float, within(0, 10)] = 0.0005
    confirm_pod: Annotated[float, within(0, 1)] = 0.95
    false_call_dismissal: Annotated[float, within(0, 1)] = 0.9
    flatness_noise_mm_per_m: Annotated[float, within(0, 5)] = 0.1

    @model_validator(mode="after")
    def _order(self) -> SurfaceInspection:
        _pod_curves(self, ("crack_a50_mm", "crack_a90_mm"), ("scale_a50_mm", "scale_a90_mm"))
        return self


class CutEdges(Section):
    """Hydrogen-delayed cut-edge cracks and their inspection: a hold before final inspection,
    and magnetic-particle testing (``plant.edge_mt``). A crack becomes visible a log-normal
    time after cutting (assumption, reference/inspection.md §4: about 50 % by 24 h, 80 % by
    48 h, ≥ 95 % by 7 days, after SSAB TechSupport #16's "48 h up to several weeks"); MT finds
    a visible crack with the MIL-HDBK-1823A POD of its length (a90 2.0 mm: Burke & Ditchburn,
    DSTO-TR-2794, 2013; a50 an assumption)."""

    hold_h: Annotated[float, within(0, 720)] = Field(
        default=0.0, description="hold between cutting and final inspection (h); 0 = none"
    )
    min_thickness_mm: Annotated[float, within(0, 300)] = Field(
        default=0.0,
        description="the hold and MT apply to plates at least this thick (the cracking risk "
        "rises with thickness and hardness: SSAB TechSupport #16); 0 = every plate",
    )
    mt_a50_mm: Annotated[float, within(0.1, 100)] = 1.0
    mt_a90_mm: Annotated[float, within(0.2, 200)] = 2.0
    visible_median_h: Annotated[float, within(0.1, 2000)] = 24.0
    visible_sigma_ln: Annotated[float, within(0.05, 5)] = 0.82

    @model_validator(mode="after")
    def _order(self) -> CutEdges:
        _pod_curves(self, ("mt_a50_mm", "mt_a90_mm"))
        return self


class Visual(Section):
    """Final visual (and MT) inspection of surfaces and cut edges (labelled assumptions):
    POD by equivalent diameter with the MIL-HDBK-1823A form; cut-edge cracks are delayed
    (48 h to weeks, SSAB TechSupport #16), so an edge seen earlier shows fewer of them."""

    a50_mm: Annotated[float, within(0.1, 200)] = 6.0
    a90_mm: Annotated[float, within(0.2, 400)] = 15.0
    edge_crack_pod_before_48h: Annotated[float, within(0, 1)] = 0.3
    edge_crack_pod_after_48h: Annotated[float, within(0, 1)] = 0.85
    scale_imperfection_max_mm2: Annotated[float, within(0, 1e5)] = Field(
        default=150.0,
        description="EN 10163-2 leaves shallow imperfections as they are; a rolled-in scale "
        "patch up to this area counts as one (area stands in for depth: assumption)",
    )

    @model_validator(mode="after")
    def _order(self) -> Visual:
        _pod_curves(self, ("a50_mm", "a90_mm"))
        return self


class Testing(Section):
    """Lab and inspection test plan, with measurement noise (labelled assumptions)."""

    hardness_lot_t: Annotated[float, within(0, 1000)] = Field(
        default=40.0,
        description="one surface hardness test per heat and per this many tonnes; 0 = every plate",
    )
    hardness_noise_hbw: Annotated[float, within(0, 50)] = 8.0
    plate_hardness_scatter_hbw: Annotated[float, within(0, 50)] = 6.0
    centre_test_min_thickness_mm: Annotated[float, within(3, 200)] = 40.0
    charpy_per_plate: bool = Field(
        default=False, description="test every plate (else one set per heat and thickness group)"
    )
    # upper-shelf CoV of single Charpy specimens, 5–10 % (reference/models.md §4); the
    # transition-region scatter comes from the master curve (mill.quality.toughness.charpy_set)
    charpy_noise_frac: Annotated[float, within(0, 1)] = 0.06
    charpy_single_min_frac: Annotated[float, within(0, 1)] = 0.70
    retest: bool = True
    inline_hardness_noise_hbw: Annotated[float, within(0, 50)] = Field(
        default=10.0,
        description="1 sd of the portable hardness reading (``plant.hardness_tester``) against "
        "lab Brinell: instrument and conversion (assumption, reference/inspection.md §5)",
    )
    flatness_tolerance_mm_per_m: Annotated[float, within(0.5, 20)] = 3.0


class Rule(Section):
    """One disposition rule: when ``condition`` holds, take ``action`` (at most ``max_times``
    per plate, then ``fallback``), recording ``reason``."""

    condition: Condition
    action: Action
    reason: str = Field(min_length=1, max_length=40)
    max_times: Annotated[int, within(0, 10)] = 1
    fallback: Literal["release", "downgrade", "scrap"] = "scrap"


def default_rules() -> list[Rule]:
    """The default disposition table (a labelled assumption of common plate-mill practice)."""
    table = [
        ("ut_fail", "cutout_resize", "UT-REJ-CUTOUT", 1, "downgrade"),
        ("hardness_high", "retemper", "HB-HIGH-RETEMPER", 1, "downgrade"),
        ("hardness_low", "downgrade", "HB-LOW-DOWNGRADE", 1, "scrap"),
        ("centre_hardness_low", "downgrade", "HB-CORE-DOWNGRADE", 1, "scrap"),
        ("charpy_fail", "downgrade", "KV-FAIL-DOWNGRADE", 1, "scrap"),
        ("flatness_fail", "relevel", "FLAT-RELEVEL", 2, "downgrade"),
        ("surface_defect", "grind", "SURF-GRIND", 1, "downgrade"),
        ("cut_edge_crack", "cutout_resize", "EDGE-CRACK-RECUT", 1, "scrap"),
    ]
    return [
        Rule(condition=c, action=a, reason=r, max_times=n, fallback=f)  # type: ignore[arg-type]
        for c, a, r, n, f in table
    ]


class Disposition(Section):
    """What happens to a plate that fails a check."""

    rework: bool = Field(default=True, description="false: rework actions fall to their fallback")
    rules: list[Rule] = Field(default_factory=default_rules)

    @model_validator(mode="before")
    @classmethod
    def _rules_replace_defaults(cls, data: Any) -> Any:
        """A scenario lists only the rules it changes: each replaces the default rule for its
        condition, and conditions it does not mention keep their default rule."""
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            return data
        given = data["rules"]
        # a condition that is not a string (a list, a table) is left to the field's own check
        named = {
            r["condition"]
            for r in given
            if isinstance(r, dict) and isinstance(r.get("condition"), str)
        }
        kept = [r.model_dump(mode="python") for r in default_rules() if r.condition not in named]
        return {**data, "rules": [*given, *kept]}

    @model_validator(mode="after")
    def _one_rule_per_condition(self) -> Disposition:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.condition in seen:
                raise ValueError(f"two rules for condition {rule.condition!r}")
            seen.add(rule.condition)
        missing = set(CONDITIONS) - seen
        if missing:
            raise ValueError(f"no rule for condition(s): {', '.join(sorted(missing))}")
        return self


class Quality(Section):
    """The quality system's settings."""

    ultrasonic: Ultrasonic = Ultrasonic()
    visual: Visual = Visual()
    surface_inspection: SurfaceInspection = SurfaceInspection()
    cut_edges: CutEdges = CutEdges()
    testing: Testing = Testing()
    defect_rates: dict[str, Annotated[float, within(0, 1e6)]] = Field(
        default_factory=dict,
        description="overrides of the defect-rate defaults (mill.quality.defects.DefectRates)",
    )
    disposition: Disposition = Disposition()
