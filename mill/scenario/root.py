"""The root of a validated scenario: run control, planning, plant, products, quality, output."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from mill.distributions import exponential, uniform
from mill.scenario.calendar import Calendar
from mill.scenario.equipment import PlantSection
from mill.scenario.fields import DistSpec, Section, dist_within, within
from mill.scenario.output import Output
from mill.scenario.products import (
    CHEMISTRY_TABLES,
    PREHEAT_CLASSES,
    Grade,
    Orders,
    default_grades,
    preheat_class,
)
from mill.scenario.quality import Quality


class RunControl(Section):
    """Run control: seed, horizon and the warm-up excluded from the KPIs."""

    name: str = Field(
        default="scenario",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$",
        description="names the default run folder: letters, digits, '.', '_', '-'",
    )
    seed: Annotated[int, within(0, 2**32 - 1)] = 1
    horizon_days: Annotated[float, within(0.01, 3650)] = 16.0
    warmup_days: Annotated[float, within(0, 365)] = 2.0
    start: datetime = datetime(2026, 1, 5, 6, 0, 0)

    @model_validator(mode="after")
    def _warmup(self) -> RunControl:
        if self.warmup_days >= self.horizon_days:
            raise ValueError("warmup_days must be shorter than horizon_days")
        return self


class Planning(Section):
    """How orders become heats, slabs and mother plates, and when heats are released.

    ``release = "wip_cap"``: the next cast sequence is released when the tonnes cast but not
    yet finished fall below ``wip_cap_t`` (the steel shop casts NM heats at the pace the
    finishing end can take them). ``release = "poisson"``: single heats are released with
    ``interarrival_min`` between them (queueing-theory validation).
    """

    release: Literal["wip_cap", "poisson"] = "wip_cap"
    wip_cap_t: Annotated[float, within(1, 1e6)] = 1500.0
    check_interval_min: Annotated[float, within(1, 1440)] = 30.0
    interarrival_min: Annotated[DistSpec, dist_within(0, 1e5, mean=(0.01, 1e5))] = exponential(
        60.0
    )  # two heats may be released at once; the mean gap is at least 0.01 min
    heats_per_sequence: Annotated[DistSpec, dist_within(1, 30)] = uniform(4, 8)
    max_slabs_per_heat: Annotated[int, within(1, 100)] = 40
    max_mother_plates_per_slab: Annotated[int, within(1, 6)] = 3
    max_products_per_mother: Annotated[int, within(1, 30)] = 6
    mother_max_length_mm: Annotated[float, within(2000, 60_000)] = 24_000.0
    max_wait_days: Annotated[float, within(0, 365)] = Field(
        default=7.0,
        description="a make-up whose oldest order has waited this long is cast next, "
        "before the make-up with the most open tonnes (assumption: about a week, inside "
        "the quoted lead time)",
    )
    min_reduction_ratio: Annotated[float, within(1, 20)] = Field(
        default=3.0,
        description="slab thickness / plate thickness at least this (assumption: the 3:1 "
        "plate mills commonly keep so that rolling closes the slab's centre)",
    )
    stock_fill: bool = Field(
        default=True, description="fill a heat short of order tonnage with stock plates"
    )


class Scenario(Section):
    """A complete, validated scenario; every field has a default resolved in the dump."""

    run: RunControl = RunControl()
    planning: Planning = Planning()
    plant: PlantSection = PlantSection()
    calendar: Calendar = Calendar()
    grades: dict[str, Grade] = Field(default_factory=default_grades)
    orders: Orders = Orders()
    quality: Quality = Quality()
    output: Output = Output()

    @model_validator(mode="before")
    @classmethod
    def _merge_default_grades(cls, data: Any) -> Any:
        """A ``[grades.NM400]`` table changes the default NM400 field by field (chemistry
        tables element by element); grades not mentioned keep their defaults."""
        if not isinstance(data, dict) or not isinstance(data.get("grades"), dict):
            return data
        merged: dict[str, Any] = {
            name: g.model_dump(mode="python", by_alias=True) for name, g in default_grades().items()
        }
        for name, table in data["grades"].items():
            base = merged.get(name)
            if base is None or not isinstance(table, dict):
                merged[name] = table
                continue
            for key, value in table.items():
                if key in CHEMISTRY_TABLES and isinstance(value, dict):
                    base[key] = {**base.get(key, {}), **value}
                else:
                    base[key] = value
        return {**data, "grades": merged}

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        for share_grade in self.orders.grade_shares:
            if share_grade not in self.grades:
                raise ValueError(
                    f"orders.grade_shares: grade {share_grade!r} is not defined in grades"
                )
        for name, grade in self.grades.items():
            if preheat_class(name) is None:
                classes = ", ".join(str(c) for c in PREHEAT_CLASSES)
                raise ValueError(
                    f"grades.{name}: no oxy-fuel cutting preheat for this grade: SSAB Welding "
                    f"Handbook Table 11.4 gives it for the {classes} HBW classes, and a grade's "
                    "name must carry its class (e.g. NM400)"
                )
            if grade.downgrade_to is not None and grade.downgrade_to not in self.grades:
                raise ValueError(
                    f"grades.{name}.downgrade_to: grade {grade.downgrade_to!r} is not defined"
                )
        caster = self.plant.caster
        for what in ("slab_width", "slab_length"):
            if getattr(caster, f"{what}_min_mm") > getattr(caster, f"{what}_max_mm"):
                raise ValueError(f"plant.caster: {what}_min_mm must be <= {what}_max_mm")
        if caster.slab_mass_min_t > caster.slab_mass_max_t:
            raise ValueError("plant.caster: slab_mass_min_t must be <= slab_mass_max_t")
        if not caster.slab_thicknesses_mm:
            raise ValueError("plant.caster.slab_thicknesses_mm: give at least one thickness")
        return self
