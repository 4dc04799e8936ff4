"""Ground-truth defect generation: what is wrong with a slab or plate, where, and why.

Each generator draws defects from Poisson processes whose rates depend on the process
conditions that cause them, and tags every defect with its mechanism, origin stage and
ground-truth root cause, so that inspection (``mill.quality.detection``) can miss or find
them and root-cause analyses can be scored against the truth.

Sources (domain.md §1.6, §4, §8): defect origins and their drivers from the Baosteel
heavy-plate UT study (inclusions at ≈1/4 thickness on the inner arc, more in first/last slabs
of a sequence; centre porosity vs superheat and soft reduction; hydrogen flakes vs vacuum
degassing), SSAB TechSupport #16 (cut-edge cracking) and the SSAB Welding Handbook
Table 11.4 (oxy-fuel preheat). Published *rates* are scarce, so nearly every rate in
:class:`DefectRates` is an "Assumption:" calibrated on domain §4/§8 and labelled as such.

Coordinates (mm): x along the length from the head end, y across the width, ``z_frac`` the
depth as a fraction of thickness (0 top surface, 0.5 mid-thickness, 1 bottom surface).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mill.distributions import draw_uniform

MECHANISMS: tuple[str, ...] = (
    "inclusion_cluster", "centre_porosity", "hydrogen_flake", "surface_crack", "rolled_in_scale",
    "quench_crack", "flatness", "hardness_out_of_window", "cut_edge_crack",
)  # fmt: skip
ORIGIN_STAGES: tuple[str, ...] = (
    "steelmaking", "casting", "reheating", "rolling", "quench", "temper", "cutting",
)  # fmt: skip
SHAPES: tuple[str, ...] = ("stringer", "globular", "planar", "volumetric", "surface")

DEFAULT_ORIGIN: Mapping[str, str] = {
    "inclusion_cluster": "steelmaking",
    "centre_porosity": "casting",
    "hydrogen_flake": "steelmaking",
    "surface_crack": "casting",
    "rolled_in_scale": "rolling",
    "quench_crack": "quench",
    "flatness": "quench",
    "hardness_out_of_window": "temper",
    "cut_edge_crack": "cutting",
}
#: How each mechanism is found: "ut" (straight-beam UT sees internal, laminar defects),
#: "visual" (surface inspection), "visual_mt" (visual + magnetic particle, 48 h after cutting
#: per SSAB TS #16), "flatness_gauge", "hardness_test" (domain §4 "Detection" column).
DETECTION: Mapping[str, str] = {
    "inclusion_cluster": "ut",
    "centre_porosity": "ut",
    "hydrogen_flake": "ut",
    "surface_crack": "visual",
    "rolled_in_scale": "visual",
    "quench_crack": "visual_mt",
    "flatness": "flatness_gauge",
    "hardness_out_of_window": "hardness_test",
    "cut_edge_crack": "visual_mt",
}
INTERNAL: frozenset[str] = frozenset(m for m, d in DETECTION.items() if d == "ut")


def is_internal(mechanism: str) -> bool:
    """True for the internal (UT-visible) mechanisms."""
    return mechanism in INTERNAL


@dataclass(slots=True)
class Defect:
    """One ground-truth defect. Sizes are the in-plane (rolling-plane) extent in mm."""

    mechanism: str
    origin_stage: str
    root_cause: str
    x_mm: float
    y_mm: float
    z_frac: float
    length_mm: float
    width_mm: float
    shape: str
    defect_id: str = ""

    def moved(
        self, x_mm: float, y_mm: float, length_mm: float | None = None,
        width_mm: float | None = None,
    ) -> Defect:  # fmt: skip
        """The same defect at another position (and size): ``dataclasses.replace`` without
        its field introspection, which costs several µs per defect on the hot path."""
        return Defect(
            self.mechanism, self.origin_stage, self.root_cause, x_mm, y_mm, self.z_frac,
            self.length_mm if length_mm is None else length_mm,
            self.width_mm if width_mm is None else width_mm,
            self.shape, self.defect_id,
        )  # fmt: skip

    @property
    def area_mm2(self) -> float:
        """Area of the ELLIPSE with axes ``length_mm`` x ``width_mm`` (π/4·L·W)."""
        return math.pi / 4.0 * self.length_mm * self.width_mm

    @property
    def equivalent_diameter_mm(self) -> float:
        """Diameter of the disc of the same area (= sqrt(L·W)); the size used for POD."""
        return math.sqrt(max(self.length_mm * self.width_mm, 0.0))


@dataclass(frozen=True, slots=True)
class DefectRates:
    """Rates and probabilities of every mechanism. All "Assumption:" unless stated.

    Assumption: ``inclusion_rate_per_m2`` = 0.04 m⁻² (inside domain §8's 0.02–0.1), calibrated
    on §4's "plates with recordable indications 1–5 %, UT rejects 0.2–1.5 %". At 0.02 (with
    the §8 size law: median 20 mm², σ_ln 1.0, area on the finished plate) ≈4 % of 12 m²
    plates carry an indication > 50 mm² (S2 recording level) and ≈1.3 % one > 100 mm²; but
    once rolling closes centre porosity (``mill.quality.porosity``) the 16-day baseline's UT
    rejects are 0.21 % of disposed plates at 0.02, 0.38 % at 0.04 and 0.56 % at 0.06 m⁻²
    (measured 2026-11-29), so 0.04 sits mid-band.
    Surface rates count both faces: 0.001 m⁻² of scale ≈ 2.4 % of 12 m² plates (§4 surface
    grinding 1–3 %). Per-plate probabilities (porosity, quench) refer to one plate.
    """

    # internal defects (rates per m² of finished plate; areas on the finished plate)
    inclusion_rate_per_m2: float = 0.04
    first_slab_factor: float = 2.5  # §4/§8: first/last slab ×2–3
    last_slab_factor: float = 2.0
    thick_plate_threshold_mm: float = 60.0  # §4: higher for t > 60 mm ...
    thick_plate_factor: float = 2.0  # ... ×2 (assumption inside the ×2–3 band)
    cluster_area_median_mm2: float = 20.0  # §8
    cluster_area_sigma_ln: float = 1.0  # §8
    globular_area_ratio: float = 0.5  # RE-globular inclusions are not rolled out
    stringer_slab_aspect: float = 2.0  # L/W of a MnS cluster in the slab, before rolling
    re_cluster_rate_per_m2: float = 0.02  # chained REM clusters when RE is excessive
    re_cluster_area_median_mm2: float = 60.0
    re_cluster_area_sigma_ln: float = 0.8
    quarter_band_fraction: float = 0.7  # share of inclusions in the 1/4-thickness band
    quarter_band_sigma: float = 0.06  # spread of z_frac around 0.25
    porosity_reference_area_m2: float = 20.0  # "a plate" in §8's per-plate probability
    porosity_prob_base: float = 0.002  # per reference plate, soft reduction on, SH ≤ 25 °C
    porosity_prob_no_soft_reduction: float = 0.015  # §8: 0.5–3 % of plates w/o SR
    superheat_threshold_c: float = 25.0
    porosity_prob_per_c_superheat: float = 0.001  # added per °C above the threshold
    porosity_slab_area_median_mm2: float = 400.0  # loose zone in the slab
    porosity_area_sigma_ln: float = 0.8
    hflake_threshold_ppm: float = 2.0
    hflake_rate_per_m2_per_ppm: float = 0.02  # per ppm of [H] above the threshold
    hflake_area_median_mm2: float = 80.0
    hflake_area_sigma_ln: float = 0.7
    # rolling (rates per m² of plate surface, both faces counted)
    scale_rate_per_m2: float = 0.001  # §4 surface grinding 1–3 % of plates
    descale_nominal_bar: float = 200.0  # §1.3: ≈200 bar
    descale_low_bar: float = 180.0  # below this the excess is blamed on descaling
    descale_exponent: float = 4.0  # rate ∝ (nominal / p)^n
    surface_crack_rate_per_m2: float = 0.0005
    overheat_threshold_c: float = 1250.0  # §1.3 keep below ~1250 °C
    surface_crack_rate_per_m2_per_c: float = 0.0001
    # quench (probabilities per plate)
    quench_crack_prob: float = 0.001
    quench_crack_carbon_ref_pct: float = 0.20
    quench_crack_carbon_slope: float = 15.0  # per % C (×4.5 at 0.30 % C)
    quench_crack_hardness_ref_hv: float = 450.0
    quench_crack_hardness_slope: float = 0.01  # per HV (×2.7 at +100 HV)
    quench_crack_nonuniform_factor: float = 3.0
    flatness_prob: float = 0.02  # §4: re-level 2–5 %
    flatness_nonuniform_factor: float = 3.0
    # cutting (per part of reference perimeter)
    cut_crack_prob_no_preheat: float = 0.003  # §4: 0.1–0.5 % of oxy-fuel parts > 40 mm
    cut_crack_prob_ok: float = 0.0002
    cut_crack_plasma_factor: float = 0.5
    cut_crack_hardness_slope: float = 0.01  # per HBW above the reference
    cut_crack_hardness_ref_hbw: float = 450.0
    cut_reference_edge_mm: float = 6000.0  # perimeter of a "part"


@dataclass(frozen=True, slots=True)
class CastConditions:
    """Casting conditions of one slab (the last four from rare_earth.InclusionPopulation)."""

    seq_position: str
    superheat_c: float
    soft_reduction: bool
    vacuum_degassed: bool
    hydrogen_ppm: float
    inclusion_rate_factor: float = 1.0
    inclusion_size_factor: float = 1.0
    globular_fraction: float = 0.0
    clustered: bool = False


def lognormal_draw(rng: np.random.Generator, median: float, sigma: float) -> float:
    return float(median * math.exp(sigma * rng.standard_normal()))


def _axes(area: float, aspect: float) -> tuple[float, float]:
    """Axes (L, W) of the ellipse of given area and aspect ratio L/W."""
    width = math.sqrt(4.0 * area / (math.pi * aspect))
    return aspect * width, width


def new_defect(
    mech: str,
    origin: str,
    cause: str,
    pos: tuple[float, float, float],
    axes: tuple[float, float],
    shape: str,
) -> Defect:
    return Defect(mech, origin, cause, pos[0], pos[1], pos[2], axes[0], axes[1], shape)


def _draw_counts(rng: np.random.Generator, components: Mapping[str, float]) -> list[str]:
    """One root-cause label per event of a Poisson process that is a sum of causes."""
    causes = [c for c, lam in components.items() if lam > 0.0]
    return [c for c in causes for _ in range(int(rng.poisson(components[c])))]


def slab_defects(
    rng: np.random.Generator,
    cond: CastConditions,
    slab_t_mm: float,
    slab_w_mm: float,
    slab_l_mm: float,
    final_plate_area_m2: float,
    rates: DefectRates,
) -> list[Defect]:
    """Internal defects of one slab, in slab coordinates.

    Rates are per m² of the plate the slab becomes, so after :func:`roll_defects` the plate
    shows the rate's density. Sizes are stored at slab scale: MnS stringers are drawn with
    their *plate* area divided by the area-reduction ratio R = A_plate / A_slab, which
    :func:`roll_defects` multiplies back; globular inclusions, RE clusters and hydrogen flakes
    keep their size. The plate thickness t_p = t_s·A_slab/A_plate (constant volume) decides
    the thick-plate factor. Each cause's share of a rate is its own Poisson process, so the
    ground-truth root cause is drawn in proportion to its contribution.
    """
    area_m2 = final_plate_area_m2
    ratio = max(area_m2 * 1e6 / (slab_w_mm * slab_l_mm), 1.0)
    f_thick = (
        rates.thick_plate_factor if slab_t_mm / ratio > rates.thick_plate_threshold_mm else 1.0
    )
    f_seq = {"first": rates.first_slab_factor, "last": rates.last_slab_factor}.get(
        cond.seq_position, 1.0
    )
    seq_cause = {"first": "sequence_start_reoxidation", "last": "sequence_end_slag_entrainment"}
    base = rates.inclusion_rate_per_m2 * cond.inclusion_rate_factor * area_m2
    comps = {
        "inherent": base,
        seq_cause.get(cond.seq_position, "sequence"): base * (f_seq - 1.0),
        "low_reduction_ratio": base * f_seq * (f_thick - 1.0),
        "re_cluster": rates.re_cluster_rate_per_m2 * area_m2 if cond.clustered else 0.0,
    }
    out = [_inclusion(rng, c, cond, rates, slab_w_mm, slab_l_mm, ratio) for c in
           _draw_counts(rng, comps)]  # fmt: skip

    # §8 gives the probability per plate (of voids born in the slab); how many of them the
    # rolling closes is roll_defects' business (mill.quality.porosity)
    scale = f_thick * area_m2 / rates.porosity_reference_area_m2
    sh_excess = max(cond.superheat_c - rates.superheat_threshold_c, 0.0)
    no_sr = 0.0 if cond.soft_reduction else rates.porosity_prob_no_soft_reduction
    pcomps = {
        "centreline_shrinkage": rates.porosity_prob_base * scale,
        "no_soft_reduction": no_sr * scale,
        "high_superheat": rates.porosity_prob_per_c_superheat * sh_excess * scale,
    }
    for cause in _draw_counts(rng, pcomps):
        area = lognormal_draw(
            rng, rates.porosity_slab_area_median_mm2, rates.porosity_area_sigma_ln
        )
        # Assumption: centreline porosity sits at mid-thickness (σ 2 % of t) in the central
        # half of the width, as a loose zone about twice as long as wide (Baosteel UT study:
        # centre defects at mid-thickness, domain.md §4)
        z = min(max(float(rng.normal(0.5, 0.02)), 0.4), 0.6)
        pos = (draw_uniform(rng, 0.0, slab_l_mm), draw_uniform(rng, 0.25, 0.75) * slab_w_mm, z)
        axes = _axes(area, 2.0)
        out.append(new_defect("centre_porosity", "casting", cause, pos, axes, "volumetric"))

    h_excess = max(cond.hydrogen_ppm - rates.hflake_threshold_ppm, 0.0)
    lam_h = 0.0 if cond.vacuum_degassed else rates.hflake_rate_per_m2_per_ppm * h_excess
    for _ in range(int(rng.poisson(lam_h * f_thick * area_m2))):
        area = lognormal_draw(rng, rates.hflake_area_median_mm2, rates.hflake_area_sigma_ln)
        pos = (
            draw_uniform(rng, 0.0, slab_l_mm),
            draw_uniform(rng, 0.1, 0.9) * slab_w_mm,
            draw_uniform(rng, 0.3, 0.7),
        )
        axes = _axes(area, 1.5)  # Assumption: flakes are near-round lenses, aspect 1.5
        out.append(
            new_defect("hydrogen_flake", "steelmaking", "no_vacuum_degassing", pos, axes, "planar")
        )
    return out


def _inclusion(
    rng: np.random.Generator,
    cause: str,
    cond: CastConditions,
    rates: DefectRates,
    w: float,
    length_slab: float,
    ratio: float,
) -> Defect:
    """One inclusion cluster; z near 1/4 thickness (inner arc of the caster) for most."""
    if rng.random() < rates.quarter_band_fraction:
        z = min(max(float(rng.normal(0.25, rates.quarter_band_sigma)), 0.02), 0.98)
    else:
        z = draw_uniform(rng, 0.02, 0.98)
    pos = (draw_uniform(rng, 0.0, length_slab), draw_uniform(rng, 0.05, 0.95) * w, z)
    origin = "casting" if cause.startswith("sequence") else "steelmaking"
    if cause == "re_cluster":
        area = lognormal_draw(rng, rates.re_cluster_area_median_mm2, rates.re_cluster_area_sigma_ln)
        # Assumption: hard RE clusters are compact, aspect 1.5 (they are not rolled out)
        return new_defect("inclusion_cluster", origin, cause, pos, _axes(area, 1.5), "volumetric")
    area = lognormal_draw(
        rng, rates.cluster_area_median_mm2 * cond.inclusion_size_factor, rates.cluster_area_sigma_ln
    )
    if rng.random() < cond.globular_fraction:  # RE-modified: hard, not rolled out
        axes, shape, root = (
            _axes(area * rates.globular_area_ratio, 1.0),
            "globular",
            "re_oxysulphide",
        )
    else:  # plastic MnS: stored at slab scale, roll_defects stretches it back to ``area``
        axes, shape, root = (
            _axes(area / ratio, rates.stringer_slab_aspect),
            "stringer",
            "mns_stringer",
        )
    root = root if cause == "inherent" else cause
    return new_defect("inclusion_cluster", origin, root, pos, axes, shape)


def roll_defects(
    defects: Sequence[Defect],
    slab_dims: tuple[float, float, float],
    plate_dims: tuple[float, float, float],
    porosity_open: float = 1.0,
) -> list[Defect]:
    """Carry slab defects into the rolled plate (new objects); dims are (t, w, l) in mm.

    Positions scale with the elongation λ_l = l_p/l_s and spread λ_w = w_p/w_s; z_frac is
    unchanged. Sizes (constant-volume argument: t·w·l is conserved, so a co-deforming thin
    lamina's in-plane area grows by λ_l·λ_w = t_s/t_p = R):
    - plastic MnS stringers deform with the steel: length ×λ_l, width ×λ_w;
    - hard globular RE inclusions, RE clusters ("volumetric" inclusions) and hydrogen flakes
      (which form on cooling *after* rolling) keep their size;
    - centre porosity is stretched like the steel and closes: ``porosity_open`` is the open
      fraction φ the rolling leaves (``mill.quality.porosity``: ISIJ Int. 63 (2023) 1145,
      closed at 40 % centre reduction). Assumption: the open part of the stretched void still
      reflects, plate area = slab area·R·φ; at φ = 0 the void is closed (welded shut at
      rolling temperature) and is not carried to the plate.
    """
    _, w_s, l_s = slab_dims
    _, w_p, l_p = plate_dims
    lam_l, lam_w = l_p / l_s, w_p / w_s
    keep = math.sqrt(max(porosity_open, 0.0))
    out: list[Defect] = []
    for d in defects:
        length, width = d.length_mm, d.width_mm
        if d.shape == "stringer":
            length, width = length * lam_l, width * lam_w
        elif d.mechanism == "centre_porosity":
            if keep == 0.0:
                continue
            length, width = length * lam_l * keep, width * lam_w * keep
        out.append(d.moved(d.x_mm * lam_l, d.y_mm * lam_w, length, width))
    return out


def _surface_defect(
    rng: np.random.Generator, mech: str, origin: str, cause: str, w: float, ln: float
) -> Defect:
    size = lognormal_draw(rng, 30.0, 0.6)  # Assumption: surface patches ~30 mm x 10 mm
    z = 0.0 if rng.random() < 0.5 else 1.0
    pos = (draw_uniform(rng, 0.0, ln), draw_uniform(rng, 0.0, w), z)
    return new_defect(mech, origin, cause, pos, (size, size / 3.0), "surface")


def rolling_defects(
    rng: np.random.Generator,
    plate_t_mm: float,
    plate_w_mm: float,
    plate_l_mm: float,
    descale_pressure_bar: float,
    reheat_temp_c: float,
    rates: DefectRates,
) -> list[Defect]:
    """Rolled-in scale (descaling) and surface cracks (slab cracks, reheat overheating).

    Assumption: scale rate ∝ (p_nominal / p)^n above a baseline; surface-crack rate rises
    linearly per °C of reheat above ~1250 °C (domain §1.3 upper practice limit).
    """
    area_m2 = plate_w_mm * plate_l_mm * 2.0 / 1e6  # both faces
    p = max(descale_pressure_bar, 1.0)
    scale_total = rates.scale_rate_per_m2 * max(rates.descale_nominal_bar / p, 1.0) ** (
        rates.descale_exponent
    )
    excess = scale_total - rates.scale_rate_per_m2 if p < rates.descale_low_bar else 0.0
    comps = {
        "scale_baseline": (scale_total - excess) * area_m2,
        "descaling_pressure_low": excess * area_m2,
    }
    out = [
        _surface_defect(rng, "rolled_in_scale", "rolling", c, plate_w_mm, plate_l_mm)
        for c in _draw_counts(rng, comps)
    ]
    over = max(reheat_temp_c - rates.overheat_threshold_c, 0.0)
    ccomps = {
        "slab_surface_crack": rates.surface_crack_rate_per_m2 * area_m2,
        "reheat_overheating": rates.surface_crack_rate_per_m2_per_c * over * area_m2,
    }
    for c in _draw_counts(rng, ccomps):
        origin = "reheating" if c == "reheat_overheating" else "casting"
        out.append(_surface_defect(rng, "surface_crack", origin, c, plate_w_mm, plate_l_mm))
    return out


def quench_defects(
    rng: np.random.Generator,
    plate_t_mm: float,
    plate_w_mm: float,
    plate_l_mm: float,
    carbon_pct: float,
    hardness_hv: float,
    quench_uniformity: float,
    rates: DefectRates,
) -> list[Defect]:
    """Quench cracks (risk ↑ with C, hardness, non-uniformity) and flatness (re-level).

    Assumption (domain §4 lists quench cracks as [ASSUMPTION]): p_crack = p0·exp(a·(C − 0.20))
    ·exp(b·(HV − 450))·(1 + c·(1 − u)); p_flat = p0·(1 + c·(1 − u)), p0 = 2 % (§4 2–5 %).
    A flatness defect covers the whole plate.
    """
    u = min(max(float(quench_uniformity), 0.0), 1.0)
    nonuni = rates.quench_crack_nonuniform_factor * (1.0 - u)
    p_crack = (
        rates.quench_crack_prob
        * math.exp(
            rates.quench_crack_carbon_slope * (carbon_pct - rates.quench_crack_carbon_ref_pct)
        )
        * math.exp(
            rates.quench_crack_hardness_slope * (hardness_hv - rates.quench_crack_hardness_ref_hv)
        )
    )
    out: list[Defect] = []
    if rng.random() < min(p_crack * (1.0 + nonuni), 1.0):
        cause = (
            "quench_nonuniform" if rng.random() < nonuni / (1.0 + nonuni) else "high_hardenability"
        )
        length = lognormal_draw(rng, 40.0, 0.6)  # Assumption: tens of mm long, ~1 mm open
        z = float(rng.choice([0.0, 1.0]))
        pos = (draw_uniform(rng, 0.0, plate_l_mm), draw_uniform(rng, 0.0, plate_w_mm), z)
        out.append(new_defect("quench_crack", "quench", cause, pos, (length, 1.0), "planar"))
    fnon = rates.flatness_nonuniform_factor * (1.0 - u)
    if rng.random() < min(rates.flatness_prob * (1.0 + fnon), 1.0):
        cause = "quench_nonuniform" if rng.random() < fnon / (1.0 + fnon) else "residual_stress"
        whole = ((plate_l_mm / 2, plate_w_mm / 2, 0.5), (plate_l_mm, plate_w_mm))
        out.append(new_defect("flatness", "quench", cause, *whole, "surface"))
    return out


def hardness_defect(
    plate_w_mm: float,
    plate_l_mm: float,
    measured_hbw: float,
    window_hbw: tuple[float, float],
    root_cause: str,
    origin_stage: str = "temper",
) -> Defect | None:
    """A whole-plate "hardness_out_of_window" defect if the measured HBW is outside the window."""
    lo, hi = window_hbw
    if lo <= measured_hbw <= hi:
        return None
    pos = (plate_l_mm / 2, plate_w_mm / 2, 0.0)
    size = (plate_l_mm, plate_w_mm)
    return new_defect("hardness_out_of_window", origin_stage, root_cause, pos, size, "surface")
