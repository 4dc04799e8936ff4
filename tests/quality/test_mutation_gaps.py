"""Pure quality-model behaviour that no published-value test pinned (found by mutation
testing): the root cause of an inherent inclusion cluster is its own kind, ASTM A578's
grouping measures the distance in both directions, and bad inputs are refused with the
message that names the fault."""

from __future__ import annotations

import numpy as np
import pytest

from mill.quality.acceptance import a578_level, en10160_body_class
from mill.quality.defects import (
    CastConditions,
    DefectRates,
    quench_defects,
    rolling_defects,
    slab_defects,
)
from mill.quality.detection import pod

MIDDLE = CastConditions("middle", 20.0, True, True, 1.0)


def test_an_inherent_inclusion_is_blamed_on_its_own_kind() -> None:
    """In the middle of a sequence, an inclusion cluster is inherent: its root cause is what
    it is (an MnS stringer, or an RE oxysulphide when RE-modified), never "inherent"."""
    rng = np.random.default_rng(3)
    plain, modified = [], []
    re_cond = CastConditions("middle", 20.0, True, True, 1.0, 0.5, 0.8, 1.0)
    for _ in range(100):
        plain += slab_defects(rng, MIDDLE, 250.0, 2000.0, 4000.0, 80.0, DefectRates())
        modified += slab_defects(rng, re_cond, 250.0, 2000.0, 4000.0, 80.0, DefectRates())
    causes = {d.root_cause for d in plain if d.mechanism == "inclusion_cluster"}
    assert causes == {"mns_stringer"}
    causes = {d.root_cause for d in modified if d.mechanism == "inclusion_cluster"}
    assert causes == {"re_oxysulphide"}


@pytest.mark.parametrize(
    ("offset", "level"),
    [((30.0, 0.0), "B"), ((0.0, 30.0), "B"), ((100.0, 0.0), "C"), ((0.0, 100.0), "C")],
)
def test_a578_grouping_measures_the_distance_across_the_width_too(
    offset: tuple[float, float], level: str
) -> None:
    """Two 20 mm indications 30 mm apart (gap 10 mm < 20 mm) must fit one circle together:
    level B, whether they lie along the length or across the width; 100 mm apart they are
    separate (level C). The pair sits at y = 1000 mm, far from the origin."""
    a = (20.0, 10.0, 500.0, 1000.0)
    b = (20.0, 10.0, 500.0 + offset[0], 1000.0 + offset[1])
    assert a578_level([a, b], 30.0) == level


def test_bad_inputs_are_refused_with_the_fault_named() -> None:
    """EN 10160's body class needs one position per area; the POD curve needs 0 < a50 < a90
    (a50 = 0 is refused as such, not as a logarithm's domain error)."""
    with pytest.raises(ValueError, match=r"^areas, xs and ys must have the same length$"):
        en10160_body_class([10.0, 20.0], [1.0], [1.0, 2.0], 2000.0, 4000.0, 20.0)
    with pytest.raises(ValueError, match=r"^need 0 < a50 < a90$"):
        pod([5.0], 0.0, 10.0)


def test_surface_defects_lie_on_either_face_about_equally() -> None:
    """A rolled-in scale patch or surface crack is on the top face (z = 0) or the bottom face
    (z = 1) with equal chance: over 1000 plates both faces hold 40–60 % of them."""
    rng = np.random.default_rng(5)
    z = np.array(
        [
            d.z_frac
            for _ in range(1000)
            for d in rolling_defects(rng, 25.0, 2500.0, 12000.0, 200.0, 1300.0, DefectRates())
        ]
    )
    assert len(z) >= 300 and set(z) == {0.0, 1.0}
    assert 0.4 < (z == 0.0).mean() < 0.6


def test_quench_crack_and_flatness_probabilities_follow_the_assumed_formulas() -> None:
    """At the reference carbon (0.20 %) and hardness (450 HV), with p0 = 10 % for both and a
    half-uniform quench (u = 0.5, factor 3: 1 + 3 × 0.5 = 2.5), a plate has a quench crack
    and a flatness defect each with probability 25 %, and 1.5 / 2.5 = 60 % of them are blamed
    on the non-uniform quench (20,000 plates: within 1.5 points)."""
    rates = DefectRates(quench_crack_prob=0.1, flatness_prob=0.1)
    rng = np.random.default_rng(6)
    n = 20_000
    found = [
        d
        for _ in range(n)
        for d in quench_defects(rng, 20.0, 2000.0, 6000.0, 0.2, 450.0, 0.5, rates)
    ]
    for mech in ("quench_crack", "flatness"):
        mine = [d for d in found if d.mechanism == mech]
        assert abs(len(mine) / n - 0.25) < 0.015, mech
        share = sum(d.root_cause == "quench_nonuniform" for d in mine) / len(mine)
        assert abs(share - 0.6) < 0.03, mech
