"""Scenario tables for what the mill makes: grades (chemistry aims, specification windows,
tempering practice) and the order book (a generated product mix or an orders CSV).

Grade figures: GB/T 24186-2022 Tables 2–4 and the SSAB Hardox datasheets, as collected in
``reference/domain.md`` §2; aim chemistries are domain §2.3's labelled assumptions.
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from mill.distributions import Empirical, normal, uniform
from mill.scenario.fields import DistSpec, Section, dist_within, within

Chemistry = dict[str, Annotated[float, within(0, 5)]]
MAX_ALLOYING_PCT = 10.0
"""The most the elements of a chemistry aim may add up to (wt %), iron being the balance.
Labelled assumption: the property models are fits on low-alloy steels (Maynier et al. 1978,
Andrews 1965, ASTM A255), and GB/T 24186-2022 Table 2's maxima add up to about 6 wt %."""
PREHEAT_CLASSES: tuple[int, ...] = (400, 450, 500)
"""The hardness classes SSAB Welding Handbook Table 11.4 gives an oxy-fuel cutting preheat for
(Hardox 400/450/500, domain.md §1.6)."""
CHEMISTRY_TABLES = ("aim_pct", "sigma_pct", "aim_rich_pct")
"""Grade fields that are element → wt % tables (merged element by element)."""
HbwWindow = Annotated[
    tuple[float, float], BeforeValidator(lambda v: tuple(v) if isinstance(v, list) else v)
]
"""[low, high] in HBW; TOML writes it as an array."""
GaugeBounds = Annotated[
    tuple[Annotated[float, within(3, 200)], ...],
    BeforeValidator(lambda v: tuple(v) if isinstance(v, list) else v),
]
"""Upper thickness bounds of the gauge classes, mm; TOML writes it as an array."""


class Grade(Section):
    """A wear-plate grade: chemistry aim and scatter, spec windows, tempering practice."""

    aim_pct: Chemistry = Field(description="the lean aim, for the thinnest gauge class")
    sigma_pct: Chemistry = Field(description="heat-to-heat standard deviation per element")
    max_thickness_mm: Annotated[float, within(3, 200)] = 120.0
    surface_hbw: HbwWindow
    surface_hbw_thick: HbwWindow = Field(
        description="window for plate thicker than thick_above_mm (GB/T 24186 Table 4)"
    )
    thick_above_mm: Annotated[float, within(10, 200)] = 80.0
    centre_min_hbw: Annotated[float, within(100, 800)]
    charpy_temp_c: Annotated[float, within(-80, 20)] = -40.0
    charpy_min_j: Annotated[float, within(0, 300)] = 24.0
    temper_temp_c: Annotated[DistSpec, dist_within(100, 700)]
    downgrade_to: str | None = None
    aim_rich_pct: Chemistry = Field(
        default_factory=dict,
        description="overrides of aim_pct: the richest aim the mill designs to; a gauge "
        "class's aim is the leanest on the way from aim_pct to it that hardens the class",
    )
    gauge_classes_mm: GaugeBounds = Field(
        default=(15.0, 25.0, 40.0, 50.0, 60.0, 80.0, 100.0, 120.0),
        description="upper plate thickness of each gauge class, ascending; each class gets "
        "its own designed aim, and the last class ends at max_thickness_mm",
    )
    design_margin_hbw: Annotated[float, within(0, 100)] = Field(
        default=30.0,
        description="the designed aim hardens the class's thickest plate to this much above "
        "centre_min_hbw at the mean quench and temper (default 3σ of a plate-to-plate "
        "hardness scatter of 10 HBW, domain.md §8 gives 8–12: Cpk ≥ 1, as for the CEV)",
    )

    def hbw_window(self, thickness_mm: float) -> tuple[float, float]:
        """The surface hardness window for a plate of this thickness (GB/T 24186 Table 4)."""
        return self.surface_hbw_thick if thickness_mm > self.thick_above_mm else self.surface_hbw

    @field_validator("surface_hbw", "surface_hbw_thick")
    @classmethod
    def _window(cls, window: tuple[float, float]) -> tuple[float, float]:
        lo, hi = window
        if not 100 <= lo < hi <= 800:
            raise ValueError("must be [low, high] with 100 <= low < high <= 800")
        return window

    @field_validator("aim_pct")
    @classmethod
    def _aim(cls, aim: dict[str, float]) -> dict[str, float]:
        if "C" not in aim:
            raise ValueError("must give carbon (C)")
        return _iron_balance(aim)

    @field_validator("aim_rich_pct")
    @classmethod
    def _rich_aim(cls, rich: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        _iron_balance({**info.data.get("aim_pct", {}), **rich})  # laid over the lean aim
        return rich

    @field_validator("gauge_classes_mm")
    @classmethod
    def _classes(cls, bounds: tuple[float, ...]) -> tuple[float, ...]:
        if not bounds or any(b <= a for a, b in itertools.pairwise(bounds)):
            raise ValueError("must be a non-empty list of ascending thicknesses")
        return bounds


def _iron_balance(aim: dict[str, float]) -> dict[str, float]:
    total = sum(aim.values())
    if total > MAX_ALLOYING_PCT:
        raise ValueError(
            f"the elements add up to {total:g} wt %; iron is the balance of a low-alloy wear "
            f"steel, so they may add up to {MAX_ALLOYING_PCT:g} wt % at most"
        )
    return aim


def _default_grades() -> dict[str, Grade]:
    # Lean and rich aims: domain.md §2.3 ranges (labelled assumption, inside GB/T 24186
    # Table 2). The lean aim is the bottom of the alloy ranges; the rich aim adds the elements
    # that buy the most hardenability per unit of CEV (Mo, Mn, Si — Si is not in CEV — then
    # Cr; ASTM A255 factors vs the IIW weights), little Ni. Each gauge class's aim is designed
    # between the two (mill.quality.aim_design) within the GB/T 24186 Table 3 CEV limit.
    sigma = {
        "C": 0.008,
        "Si": 0.03,
        "Mn": 0.04,
        "Cr": 0.03,
        "Ni": 0.02,
        "Mo": 0.015,
        "P": 0.002,
        "S": 0.0008,
        "B": 0.0003,
        "Ti": 0.002,
        "Al": 0.005,
        # residual Cu from scrap and N picked up at tapping vary heat to heat too
        # (assumption: σ 0.01 % Cu, 8 ppm N about aims of 0.02 % and 40 ppm)
        "Cu": 0.01,
        "N": 0.0008,
    }
    base = {
        "Si": 0.35,
        "P": 0.012,
        "S": 0.003,
        "Ti": 0.02,
        "B": 0.0018,
        "Al": 0.035,
        "Cu": 0.02,
        "N": 0.004,
    }
    return {
        "NM400": Grade(
            aim_pct={**base, "C": 0.185, "Mn": 1.15, "Cr": 0.30, "Ni": 0.05, "Mo": 0.10},
            aim_rich_pct={"Si": 0.60, "Mn": 1.55, "Cr": 0.70, "Ni": 0.10, "Mo": 0.48},
            sigma_pct=sigma,
            surface_hbw=(370, 430),
            surface_hbw_thick=(360, 440),
            centre_min_hbw=330,
            temper_temp_c=normal(220, 4, low=150, high=300),
        ),
        "NM450": Grade(
            aim_pct={**base, "C": 0.235, "Mn": 1.10, "Cr": 0.40, "Ni": 0.10, "Mo": 0.15},
            aim_rich_pct={"Si": 0.60, "Mn": 1.55, "Cr": 0.80, "Ni": 0.20, "Mo": 0.52},
            sigma_pct=sigma,
            surface_hbw=(420, 480),
            surface_hbw_thick=(410, 480),
            centre_min_hbw=375,
            temper_temp_c=normal(205, 4, low=150, high=300),
            downgrade_to="NM400",
        ),
        "NM500": Grade(
            aim_pct={**base, "C": 0.27, "Mn": 1.05, "Cr": 0.60, "Ni": 0.30, "Mo": 0.25},
            aim_rich_pct={"Si": 0.60, "Mn": 1.30, "Cr": 1.00, "Ni": 0.60, "Mo": 0.50},
            sigma_pct=sigma,
            surface_hbw=(470, 530),
            surface_hbw_thick=(450, 540),
            centre_min_hbw=420,
            temper_temp_c=normal(175, 4, low=120, high=300),
            charpy_temp_c=-20.0,
            downgrade_to="NM450",
        ),
    }


class Orders(Section):
    """The order book: generated from a product mix, or read from ``csv``."""

    source: Literal["generated", "csv"] = "generated"
    csv: str | None = Field(default=None, description="orders CSV, relative to the scenario file")
    capacity_t_per_day: Annotated[float, within(1, 50_000)] = Field(
        default=1475.0,
        description="what the plant releases per day with a full order book (measured on "
        "the baseline plant: 1,472 t/d on days 20–40 of a 40-day run at load_factor 1.5; "
        "re-measure so when the plant changes)",
    )
    load_factor: Annotated[float, within(0.05, 2)] = Field(
        default=0.9, description="order intake as a share of capacity_t_per_day"
    )
    tonnes_per_day: Annotated[float, within(0.1, 50_000)] | None = Field(
        default=None,
        description="order intake, t/day; unset: load_factor × capacity_t_per_day",
    )
    grade_shares: dict[str, Annotated[float, within(0, 1)]] = {
        "NM400": 0.55,
        "NM450": 0.30,
        "NM500": 0.15,
    }
    thickness_mm: Annotated[DistSpec, dist_within(3, 200)] = Empirical(
        values=[8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100],
        weights=[6, 10, 12, 14, 16, 12, 9, 8, 5, 4, 3, 1],
    )
    width_mm: Annotated[DistSpec, dist_within(500, 4000)] = Empirical(
        values=[1500, 2000, 2500, 3000], weights=[2, 5, 3, 1]
    )
    length_mm: Annotated[DistSpec, dist_within(1000, 24_000)] = Empirical(
        values=[3000, 4000, 6000, 8000, 10_000, 12_000], weights=[2, 3, 5, 3, 2, 1]
    )
    plates_per_order: Annotated[DistSpec, dist_within(1, 500)] = uniform(1, 12)
    ut_class_shares: dict[str, Annotated[float, within(0, 1)]] = {
        "none": 0.35,
        "S1E1": 0.25,
        "S2E2": 0.30,
        "S3E3": 0.10,
    }
    due_days: Annotated[DistSpec, dist_within(0, 365)] = Field(
        default=uniform(5, 10),
        description="days the quoted lead time adds to the wait in the order book (the "
        "tonnes ahead of the order ÷ capacity_t_per_day)",
    )

    @property
    def intake_t_per_day(self) -> float:
        """The mean order intake, t/day."""
        if self.tonnes_per_day is not None:
            return self.tonnes_per_day
        return self.load_factor * self.capacity_t_per_day

    @model_validator(mode="after")
    def _shares(self) -> Orders:
        for name in ("grade_shares", "ut_class_shares"):
            total = sum(getattr(self, name).values())
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"{name} must add up to 1 (they add up to {total:g})")
        for ut in self.ut_class_shares:
            if ut != "none" and not _is_ut_class(ut):
                raise ValueError(
                    f"ut_class_shares: unknown UT class {ut!r} (use S0E0..S3E4, A578A/B/C or none)"
                )
        if self.source == "csv" and not self.csv:
            raise ValueError("source = 'csv' needs csv = 'path/to/orders.csv'")
        return self


def _is_ut_class(text: str) -> bool:
    en10160 = (
        len(text) == 4
        and text[0] == "S"
        and text[1] in "0123"
        and text[2] == "E"
        and text[3] in "01234"
    )
    return en10160 or text in ("A578A", "A578B", "A578C")


def default_grades() -> dict[str, Grade]:
    """The three NM grades with the figures of domain.md §2 (fresh objects each call)."""
    return _default_grades()


def preheat_class(grade: str) -> int | None:
    """The SSAB preheat class a grade is cut by, from the class its name carries (NM400 → 400,
    NM450E → 450), or None if its name carries none of ``PREHEAT_CLASSES``."""
    m = re.search("|".join(str(c) for c in PREHEAT_CLASSES), grade)
    return None if m is None else int(m.group(0))


def is_ut_class(text: str) -> bool:
    """True for an EN 10160 body+edge class (``S2E2``) or an ASTM A578 level (``A578B``)."""
    return _is_ut_class(text)
