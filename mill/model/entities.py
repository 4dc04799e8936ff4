"""The pieces the mill makes, as small ``__slots__`` classes: orders, heats, slabs, mother
plates and product plates, with IDs that read like a mill's own and encode lineage
(heat ``H000123``, slab ``H000123-S04``, mother ``H000123-S04-M1``, plate ``H000123-S04-M1-P3``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

DENSITY_T_PER_MM3 = 7.85e-9  # steel, 7.85 t/m³


def mass_t(t_mm: float, w_mm: float, l_mm: float) -> float:
    """Mass of a rectangular steel piece in tonnes."""
    return t_mm * w_mm * l_mm * DENSITY_T_PER_MM3


def heat_id(number: int) -> str:
    """Heat number ``H`` + 6 digits."""
    return f"H{number:06d}"


@dataclass(slots=True)
class Order:
    """A customer order line: identical plates of one grade and size."""

    order_id: str
    grade: str
    thickness_mm: float
    width_mm: float
    length_mm: float
    quantity: int
    ut_class: str
    arrival_min: float
    due_min: float
    stock: bool = False

    @property
    def plate_mass_t(self) -> float:
        return mass_t(self.thickness_mm, self.width_mm, self.length_mm)


@dataclass(slots=True)
class MotherPlan:
    """A mother plate as planned: product pieces in a grid of ``across`` × ``along``."""

    order: Order
    across: int
    along: int
    count: int
    width_mm: float
    length_mm: float


@dataclass(slots=True)
class SlabPlan:
    """A slab as planned: its size and the mother plates it is to be rolled into."""

    width_mm: float
    length_mm: float
    thickness_mm: float
    plate_thickness_mm: float
    rolled_width_mm: float
    rolled_length_mm: float
    mothers: list[MotherPlan]


@dataclass(slots=True)
class HeatPlan:
    """A heat as planned: grade and slabs."""

    grade: str
    slabs: list[SlabPlan]
    heavy: bool = False


@dataclass(slots=True)
class Heat:
    """A heat of steel: chemistry, rare-earth treatment and casting conditions."""

    heat_id: str
    number: int
    sequence_id: str
    seq_index: int
    seq_heats: int
    grade: str
    plan: HeatPlan
    # NaN until the heat gets there (a heat in progress at the run end is written as such)
    liquid_mass_t: float = math.nan
    cast_mass_t: float = math.nan
    released_min: float = math.nan
    tapped_min: float = math.nan
    degassed_min: float = math.nan
    cast_start_min: float = math.nan
    cast_end_min: float = math.nan
    chemistry: dict[str, float] = field(default_factory=dict)
    derived: dict[str, float] = field(default_factory=dict)
    vacuum_degassed: bool = True
    hydrogen_ppm: float = 0.0
    re_added_pct: float = 0.0
    re_recovery_frac: float = 0.0
    re_pct: float = 0.0
    inclusions: Any = None
    superheat_c: float = 0.0
    soft_reduction: bool = True
    slabs_cast: int = 0
    cast_started: Any = None
    """The last heat of a sequence: an event fired when it starts casting (the release waits
    for it before planning the next sequence); None for the others."""


@dataclass(slots=True)
class Slab:
    """A slab cut off the strand."""

    slab_id: str
    heat: Heat
    index: int
    seq_position: str
    plan: SlabPlan
    thickness_mm: float
    width_mm: float
    length_mm: float
    mass_t: float
    cast_min: float
    defects: list[Any] = field(default_factory=list)
    charge: str = "cold"
    reheat_start_min: float = 0.0
    reheat_end_min: float = 0.0
    reheat_temp_c: float = 0.0
    descale_pressure_bar: float = 0.0
    passes: int = 0
    rolled_min: float = 0.0
    rolled_mass_t: float = 0.0
    rng: Any = None


@dataclass(slots=True)
class Mother:
    """A mother plate sheared from a rolled slab, heat treated and cut into product plates."""

    mother_id: str
    slab: Slab
    plan: MotherPlan
    thickness_mm: float
    width_mm: float
    length_mm: float
    mass_t: float
    defects: list[Any] = field(default_factory=list)
    index: int = 1
    ht_batch_id: str = ""
    aust_temp_c: float = 0.0
    aust_min: float = 0.0
    htc_w_m2k: float = 0.0
    uniformity: float = 1.0
    props: dict[str, float] = field(default_factory=dict)
    temper_temp_c: float = 0.0
    temper_min: float = 0.0


@dataclass(slots=True)
class Plate:
    """A product plate: what the customer receives, with its truth and its measurements."""

    plate_id: str
    mother: Mother
    order: Order
    thickness_mm: float
    width_mm: float
    length_mm: float
    mass_t: float
    slab_share_t: float
    cut_min: float
    cutting_method: str = ""
    preheat_c: float = 0.0
    index: int = 1
    preheat_required_c: float = 0.0
    defects: list[Any] = field(default_factory=list)
    indications: list[Any] = field(default_factory=list)
    props: dict[str, float] = field(default_factory=dict)
    meas: dict[str, Any] = field(default_factory=dict)
    temper_temp_c: float = 0.0
    temper_min: float = 0.0
    retempers: int = 0
    relevels: int = 0
    grinds: int = 0
    resizes: int = 0
    flatness_ok: bool = True
    rework_counts: dict[str, int] = field(default_factory=dict)
    rng: Any = None
    disposition: str = "wip"
    reason: str = ""
    grade_released: str = ""
    done_min: float = -1.0
