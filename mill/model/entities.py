"""The pieces the mill makes, as small ``__slots__`` classes: orders, heats, slabs, mother
plates and product plates, with IDs that read like a mill's own and encode lineage
(heat ``H000123``, slab ``H000123-S04``, mother ``H000123-S04-M1``, plate ``H000123-S04-M1-P3``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from mill.quality.aim_design import AimDesign

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
    customer: str = ""
    """Who ordered it, their order number and the line on it ("" for stock fill)."""
    customer_po: str = ""
    customer_item: str = ""

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
    """A heat as planned: grade, slabs and the aim of their gauge class."""

    grade: str
    slabs: list[SlabPlan]
    design: AimDesign


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
    """Element symbol → wt % (the heat analysis)."""
    cev: float = math.nan
    """Carbon equivalents of the chemistry (IIW CEV, CET, Pcm), NaN until it is drawn."""
    cet: float = math.nan
    pcm: float = math.nan
    ideal_diameter_mm: float = math.nan
    """ASTM A255 ideal critical diameter."""
    ms_c: float = math.nan
    """Martensite start (Andrews 1965)."""
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
    porosity_closed: int = 0  # centre-porosity voids the rolling closed
    rolled_min: float = 0.0
    rolled_mass_t: float = 0.0
    rng: Any = None


@dataclass(slots=True)
class Truth:
    """What a mother plate or product plate really is, from the published models (the
    plant never sees it; the records keep it beside the measurements). NaN until computed."""

    cooling_surface: float = math.nan
    """Cooling rate at 700 °C near the surface (°C/s)."""
    cooling_centre: float = math.nan
    fm_surface: float = math.nan
    """Martensite fraction near the surface, at the centre and at ¼ t."""
    fm_centre: float = math.nan
    fm_quarter: float = math.nan
    hv_aq_surface: float = math.nan
    """As-quenched hardness (HV) near the surface, at the centre and at ¼ t."""
    hv_aq_centre: float = math.nan
    hv_aq_quarter: float = math.nan
    hv_floor: float = math.nan
    """The chemistry's fully tempered hardness (HV)."""
    hbw_surface: float = math.nan
    """Tempered hardness (HBW) near the surface, at the centre and at ¼ t."""
    hbw_centre: float = math.nan
    hbw_quarter: float = math.nan
    hbw_bump: float = 0.0
    """The plate's own hardness scatter (HBW), kept through any re-temper."""
    t50: float = math.nan
    """Charpy transition temperature (°C) of the plate's curve."""
    t27j: float = math.nan
    """Temperature (°C) at which the plate's curve gives 27 J (NaN if its shelf is lower)."""
    kv_true: float = math.nan
    """Charpy energy (J) at the grade's test temperature."""
    flatness_true: float = math.nan
    """Flatness (mm/m), drawn at the first final inspection and after a re-levelling."""
    flat_defect: bool | None = None
    """Whether the true flatness was drawn for a plate with a flatness defect."""


@dataclass(slots=True)
class Measured:
    """What the plant measured on a product plate (NaN, "" or None until measured)."""

    hbw: float = math.nan
    """Surface hardness (HBW) of its lot's test, or its own."""
    hbw_centre: float = math.nan
    hbw_ref: str = ""
    """The plate whose test the value is (the lot's test plate, or itself)."""
    kv_avg: float = math.nan
    """Mean Charpy energy (J) of the set that decided its lot."""
    kv_pass: bool | None = None
    kv_ref: str = ""
    ut_body: str = ""
    """EN 10160 body and edge classes, ASTM A578 level met, and whether the order's class is
    met ("" and None when not scanned)."""
    ut_edge: str = ""
    ut_level: str = ""
    ut_pass: bool | None = None
    flatness: float = math.nan
    """Flatness gauge reading (mm/m)."""
    det: dict[str, tuple[str, float, bool]] = field(default_factory=dict)
    """Defect id → (found by, measured area mm², confirmed)."""
    scan: list[Any] = field(default_factory=list)
    """The automated UT scan's indications, each as the manual re-check judged it."""
    nc_first: bool | None = None
    """The ground truth when first judged (a rejection is false if it was conforming then)."""
    curve: Any = None
    """The plate's true Charpy transition curve (what the lab's specimens are drawn from)."""
    tempers: list[tuple[float, float]] = field(default_factory=list)
    """Temper history (°C, h), first the mother plate's, then each re-temper."""
    # ---- the inspection regimes (mill.model.regimes); untouched when they are off
    final_age_h: float = math.nan
    """Hours from cutting to the first final (visual) inspection."""
    mt_age_h: float = math.nan
    """Hours from cutting to the magnetic-particle inspection of the cut edges."""
    visible_h: dict[str, float] = field(default_factory=dict)
    """Cut-edge crack id → hours after cutting at which it became visible (drawn once)."""
    hbw_inline: float = math.nan
    """The portable hardness reading of this plate (HBW)."""
    surface_flags: int = 0
    """Spots the automated surface inspection flagged (true defects and false calls)."""
    surface_false_open: int = 0
    """False surface calls an inspector confirmed, not yet ground away."""
    regime_rng: Any = None
    """The plate's own stream for the regimes' draws (apart from its other draws)."""


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
    truth: Truth = field(default_factory=Truth)
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
    truth: Truth = field(default_factory=Truth)
    measured: Measured = field(default_factory=Measured)
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
    escape_reasons: list[tuple[str, str]] = field(default_factory=list)
    """For an escape: (nonconformity, why it got through) pairs (mill.model.escapes)."""
