"""Final inspection of one plate by hand (``inspection.inspect_defects``): a stand-in plant
gives the clock, the scenario and a lab that records the flatness reading.

- A cut-edge crack is found with the POD of the plate's age since cutting: before 48 h the
  lower one, from 48 h the higher one (cracks are delayed: SSAB TechSupport #16).
- A defect found earlier keeps its first finding: a later inspection does not record it
  again.
- The plate's true flatness is drawn once, from 1.05–2.5 × the tolerance for a plate with a
  flatness defect and 0.2–0.8 × for a sound one (labelled assumptions), and is kept until a
  re-levelling removes the defect.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from disposition_support import defect, plate

from mill.model.entities import Plate
from mill.model.stages.inspection import inspect_defects
from mill.scenario import Scenario

TOL = 3.0  # the default flatness tolerance, mm/m


@functools.cache
def _scenario(before_48h: float, after_48h: float) -> Scenario:
    visual = {"edge_crack_pod_before_48h": before_48h, "edge_crack_pod_after_48h": after_48h}
    return Scenario(quality={"visual": visual})


def _plant(now_min: float, before_48h: float = 0.0, after_48h: float = 1.0) -> Any:
    """A stand-in plant at ``now_min``; its lab keeps every reading written."""
    sc = _scenario(before_48h, after_48h)
    readings: list[tuple[Any, ...]] = []
    lab = SimpleNamespace(write_test=lambda *row: readings.append(row))
    return SimpleNamespace(
        env=SimpleNamespace(now=now_min), sc=sc, lab=lab, readings=readings, units={}
    )


def _plate(*defects: Any, cut_min: float = 1000.0, seed: int = 1) -> Plate:
    p = plate(defects=defects)
    p.cut_min = cut_min
    p.rng = np.random.default_rng(seed)
    return p


@pytest.mark.parametrize(("age_h", "found"), [(47.0, False), (48.0, True), (49.0, True)])
def test_a_cut_edge_crack_is_found_with_the_pod_of_the_plates_age(
    age_h: float, found: bool
) -> None:
    """With POD 0 before 48 h and 1 from 48 h, a crack on a plate cut at minute 1000 is found
    only when the plate is inspected 48 h or more after its cutting."""
    p = _plate(defect("cut_edge_crack", ident="crack"))
    inspect_defects(_plant(1000.0 + age_h * 60.0), p)
    assert ("crack" in p.measured.det) is found


def test_a_defect_found_earlier_keeps_its_first_finding() -> None:
    """A large surface crack (found with POD ≈ 1) that an earlier inspection recorded at
    5 mm² is not recorded again at its true area."""
    p = _plate(defect("surface_crack", length=60.0, width=60.0, ident="crack"))
    p.measured.det = {"crack": ("visual", 5.0, True)}
    inspect_defects(_plant(2000.0), p)
    assert p.measured.det == {"crack": ("visual", 5.0, True)}
    fresh = _plate(defect("surface_crack", length=60.0, width=60.0, ident="crack"))
    inspect_defects(_plant(2000.0), fresh)
    assert fresh.measured.det["crack"][1] == pytest.approx(fresh.defects[0].area_mm2)


def _true_flatness(flat: bool, seeds: range) -> np.ndarray:
    out = []
    for seed in seeds:
        p = _plate(*([defect("flatness", ident="flat")] if flat else []), seed=seed)
        inspect_defects(_plant(2000.0), p)
        out.append(p.truth.flatness_true / TOL)
    return np.array(out)


def test_true_flatness_is_drawn_from_its_assumed_ranges() -> None:
    """Over 300 plates each, a flatness defect's true flatness spans 1.05–2.5 × the
    tolerance (into both ends of it), a sound plate's 0.2–0.8 ×."""
    bad = _true_flatness(True, range(300))
    assert bad.min() >= 1.05 and bad.max() <= 2.5
    assert bad.min() < 1.15 and bad.max() > 2.4
    good = _true_flatness(False, range(300))
    assert good.min() >= 0.2 and good.max() <= 0.8
    assert good.min() < 0.25 and good.max() > 0.75


def test_true_flatness_is_kept_between_inspections() -> None:
    """Inspected again with nothing changed, the plate keeps its true flatness (only the
    gauge's noise differs between readings); once the flatness defect is gone it is drawn
    again from the sound range."""
    p = _plate(defect("flatness", ident="flat"))
    inspect_defects(_plant(2000.0), p)
    first = p.truth.flatness_true
    inspect_defects(_plant(2100.0), p)
    assert p.truth.flatness_true == first
    readings = [row[5] for row in _plant_readings(p, times=2)]
    assert readings[0] != readings[1]
    p.defects = []
    inspect_defects(_plant(2200.0), p)
    assert 0.2 * TOL <= p.truth.flatness_true <= 0.8 * TOL


def _plant_readings(p: Plate, times: int) -> list[tuple[Any, ...]]:
    """The gauge readings of ``times`` more inspections of ``p``."""
    plant = _plant(3000.0)
    for _ in range(times):
        inspect_defects(plant, p)
    return plant.readings
