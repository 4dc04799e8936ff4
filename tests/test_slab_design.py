"""Slab design within the caster's and the mill's limits (issue 14.2): each order's slab is
the thinnest the caster casts that gives the minimum reduction ratio; no planned slab is
outside the length and mass limits (a short slab is completed with plates of its thickness,
then stock); orders are capped at the longest plate one slab can give; and the manifest's
``slab_limits`` invariant catches a planner that breaks the limits (``mill run`` exits 1)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from core_support import BASELINE, TINY, RunArtifacts
from hypothesis import given, settings
from hypothesis import strategies as st

from mill.cli.app import main
from mill.model.aims import Aims
from mill.model.entities import Order, SlabPlan, mass_t
from mill.model.orders import OrderGenerator
from mill.model.planning import OrderBook, Planner
from mill.model.run import run_scenario
from mill.model.slab_design import SlabDesign
from mill.rng import Streams
from mill.scenario import ScenarioError, load_scenario


@pytest.fixture(scope="module")
def design() -> SlabDesign:
    return SlabDesign(load_scenario(BASELINE, []))


def test_the_slab_is_the_thinnest_that_gives_the_reduction_ratio(design: SlabDesign) -> None:
    """250/300/400 mm slabs, ratio ≥ 3: 80 mm plate from 250, 100 mm from 300, 120 mm from
    400; plate too thick for any (150 mm) takes the thickest."""
    assert [design.thickness(t) for t in (8, 80, 83.3, 84, 100, 120, 150)] == [
        250, 250, 250, 300, 300, 400, 400,
    ]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(t=st.floats(8, 120), w=st.floats(1500, 3000))
def test_the_longest_quoted_plate_fits_one_slab(t: float, w: float) -> None:
    """A plate of the capped length, alone on its mother plate, makes a slab inside the
    maxima; a plate 1 % longer breaks a slab maximum, the mother-plate length or the mill's
    longest rolled plate."""
    sc = load_scenario(BASELINE, [])
    planner = Planner(sc, OrderBook(Aims(sc)), OrderGenerator(sc, Streams(1)))
    t, w = round(t, 1), round(w)
    longest = planner.design.max_plate_length_mm(t, w)
    order = Order("O1", "NM400", t, w, longest, 1, "none", 0.0, 1e9)
    assert not planner.design.too_big(planner._grid(order, 1, 1))
    order.length_mm = longest * 1.01 + 20
    slab = planner._grid(order, 1, 1)
    assert (
        planner.design.too_big(slab)
        or slab.rolled_length_mm > sc.plant.plate_mill.max_length_mm
        or slab.mothers[0].length_mm > sc.planning.mother_max_length_mm
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), grade=st.sampled_from(["NM400", "NM450", "NM500"]))
def test_planned_heats_have_only_slabs_inside_the_limits(seed: int, grade: str) -> None:
    """Heats planned from a book of generated orders (with stock completion): every slab is
    inside the length and mass limits, of a cast thickness, at the minimum ratio or more."""
    sc = load_scenario(BASELINE, [f"run.seed={seed}"])
    aims = Aims(sc)
    gen = OrderGenerator(sc, Streams(seed))
    book = OrderBook(aims)
    for order in gen.generate(1440.0 * 2):
        book.add(order)
    planner = Planner(sc, book, gen)
    for index in range(len(aims.by_grade[grade])):
        plan = planner.plan_heat((grade, index), 0.0)
        for slab in plan.slabs:
            assert planner.design.violations(slab) == [], slab
            ratio = slab.thickness_mm / slab.plate_thickness_mm
            assert ratio >= 3.0 or slab.thickness_mm == 400.0


def test_no_baseline_slab_is_outside_the_limits(baseline_run: RunArtifacts) -> None:
    """slabs.csv of the short baseline: lengths 1.5–4.5 m, masses 5–30 t, 250/300/400 mm,
    and the invariant in the manifest says so."""
    slabs = pd.read_csv(baseline_run.path / "slabs.csv")
    c = baseline_run.scenario.plant.caster
    assert slabs["length_mm"].between(c.slab_length_min_mm, c.slab_length_max_mm).all()
    assert slabs["mass_t"].between(c.slab_mass_min_t - 1e-3, c.slab_mass_max_t + 1e-3).all()
    assert set(slabs["thickness_mm"]) <= set(c.slab_thicknesses_mm)
    inv = baseline_run.manifest["invariants"]["slab_limits"]
    assert inv["ok"] and inv["slabs"] == len(slabs) and inv["violations"] == []


def test_a_planner_that_breaks_the_limits_fails_the_invariant(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A planner whose slabs are half as long again as the caster's longest: the run's
    slab_limits invariant fails, naming the slabs, and ``mill run`` exits 1."""
    original = SlabDesign.slab

    def broken(self: SlabDesign, mothers: list, t: float) -> SlabPlan:
        s = original(self, mothers, t)
        s.length_mm = self.length[1] * 1.5
        return s

    monkeypatch.setattr(SlabDesign, "slab", broken)
    result = run_scenario(load_scenario(BASELINE, TINY), tmp_path / "api")
    inv = result.invariants["slab_limits"]
    assert not inv["ok"] and not result.invariants["ok"]
    assert "length 6750 mm outside 1500–4500" in inv["violations"][0]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["run", str(BASELINE), "--out", str(tmp_path / "cli"), "--quiet",
                       *[f"--set={o}" for o in TINY]])  # fmt: skip
    assert status == 1
    assert "INVARIANT VIOLATED: slab_limits" in err.getvalue()
    manifest = json.loads((tmp_path / "cli" / "manifest.json").read_text())
    assert manifest["invariants"]["slab_limits"]["ok"] is False


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("plant.caster.slab_length_min_mm=5000",
         "plant.caster: slab_length_min_mm must be <= slab_length_max_mm"),
        ("plant.caster.slab_mass_min_t=40",
         "plant.caster: slab_mass_min_t must be <= slab_mass_max_t"),
        ("planning.min_reduction_ratio=0.5", "planning.min_reduction_ratio"),
        ("plant.caster.slab_thicknesses_mm=[50]", "plant.caster.slab_thicknesses_mm.0"),
    ],
)  # fmt: skip
def test_bad_slab_limits_name_the_field(override: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(BASELINE, [override])
    assert message in info.value.messages[0]


def test_mass_of_a_slab_is_its_volume() -> None:
    """The mass limit is checked on t·w·l·ρ (7.85 t/m³)."""
    assert mass_t(250, 2000, 4000) == pytest.approx(15.7)
