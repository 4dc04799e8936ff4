"""IDs read like a mill's own and encode lineage (H000123, H000123-S04, H000123-S04-M1,
H000123-S04-M1-P3), and in the short baseline run every plate traces back through
genealogy.csv (cut ← rolled ← cast, possibly after re-cuts) to exactly one heat in heats.csv.
"""

from __future__ import annotations

import re

import pytest
from core_support import RunArtifacts

HEAT = r"H\d{6}"
SLAB = rf"{HEAT}-S\d{{2,3}}"
MOTHER = rf"{SLAB}-M\d+"
PLATE = rf"{MOTHER}-P\d+(?:R\d+)?"
PATTERNS = {"heat": HEAT, "slab": SLAB, "mother": MOTHER, "plate": PLATE}


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("heat", ["H000123", "H999999"], ["H123", "h000123", "H0001234", "H000123-S04"]),
        ("slab", ["H000123-S04", "H000001-S100"], ["H000123-S4", "H000123-04", "H000123"]),
        ("mother", ["H000123-S04-M1"], ["H000123-S04-M", "H000123-S04"]),
        (
            "plate",
            ["H000123-S04-M1-P3", "H000123-S04-M1-P12", "H000123-S04-M1-P3R1"],
            ["H000123-S04-M1", "H000123-S04-M1-P", "H000123-S04-P3"],
        ),
    ],
)
def test_id_patterns_read_like_the_design(kind: str, good: list[str], bad: list[str]) -> None:
    """The ID regexes used below accept DESIGN.md's examples and reject near misses."""
    for text in good:
        assert re.fullmatch(PATTERNS[kind], text), text
    for text in bad:
        assert not re.fullmatch(PATTERNS[kind], text), text


def _all_match(values: object, pattern: str) -> list[str]:
    return [v for v in values if not re.fullmatch(pattern, v)]  # type: ignore[attr-defined]


def test_ids_in_every_table_have_the_mill_format(baseline_run: RunArtifacts) -> None:
    """Heat, slab, mother-plate and plate IDs in every table match their pattern."""
    h = baseline_run.table("heats")
    s = baseline_run.table("slabs")
    p = baseline_run.table("plates")
    assert not _all_match(h.heat_id, HEAT)
    assert not _all_match(s.slab_id, SLAB)
    assert not _all_match(s.heat_id, HEAT)
    assert not _all_match(p.plate_id, PLATE)
    assert not _all_match(p.mother_id, MOTHER)
    assert not _all_match(p.slab_id, SLAB)
    assert not _all_match(p.heat_id, HEAT)


def test_ids_are_unique(baseline_run: RunArtifacts) -> None:
    """No heat, slab or plate appears twice in its table."""
    for table, col in (("heats", "heat_id"), ("slabs", "slab_id"), ("plates", "plate_id")):
        ids = baseline_run.table(table)[col]
        assert ids.is_unique, f"{table}.{col} has duplicates"
    for table, col in (("defects", "defect_id"), ("tests", "test_id")):
        assert baseline_run.table(table)[col].is_unique, f"{table}.{col} has duplicates"


def test_plate_lineage_columns_are_prefixes_of_its_id(baseline_run: RunArtifacts) -> None:
    """A plate's ID starts with its mother's, which starts with its slab's, then its heat's."""
    p = baseline_run.table("plates")
    for row in p.itertuples():
        assert row.plate_id.startswith(f"{row.mother_id}-P"), row.plate_id
        assert row.mother_id.startswith(f"{row.slab_id}-M"), row.mother_id
        assert row.slab_id.startswith(f"{row.heat_id}-S"), row.slab_id


def test_genealogy_edges_join_ids_of_the_right_kinds(baseline_run: RunArtifacts) -> None:
    """cast: heat → slab; rolled: slab → mother; cut: mother → plate; recut: plate → plate;
    scrap and loss pieces hang off their parent's ID."""
    g = baseline_run.table("genealogy")
    assert set(g.relation) <= {"cast", "rolled", "cut", "recut", "scrap", "loss"}
    kinds = {
        "cast": (HEAT, SLAB),
        "rolled": (SLAB, MOTHER),
        "cut": (MOTHER, PLATE),
        "recut": (PLATE, PLATE),
    }
    for relation, (parent, child) in kinds.items():
        e = g[g.relation == relation]
        assert not _all_match(e.parent_id, parent), relation
        assert not _all_match(e.child_id, child), relation
        assert all(c.startswith(pa) for pa, c in zip(e.parent_id, e.child_id, strict=True))
    for relation, suffix in (("scrap", r"-X\d*"), ("loss", "-LOSS")):
        e = g[g.relation == relation]
        for pa, c in zip(e.parent_id, e.child_id, strict=True):
            assert re.fullmatch(re.escape(pa) + suffix, c), (relation, pa, c)


def test_every_child_has_exactly_one_parent(baseline_run: RunArtifacts) -> None:
    """Genealogy is a forest: no entity is made twice or from two parents."""
    g = baseline_run.table("genealogy")
    counts = g.child_id.value_counts()
    assert (counts == 1).all(), counts[counts > 1].head().to_dict()


def test_every_plate_traces_back_to_exactly_its_heat(baseline_run: RunArtifacts) -> None:
    """Walking genealogy.csv up from each plate goes (recut)* cut, rolled, cast to one heat,
    which is the plate's heat_id and has a row in heats.csv; the walk passes its mother and
    slab."""
    g = baseline_run.table("genealogy")
    parent = dict(zip(g.child_id, zip(g.parent_id, g.relation, strict=True), strict=True))
    heats = set(baseline_run.table("heats").heat_id)
    p = baseline_run.table("plates")
    assert len(p) > 100
    for row in p.itertuples():
        node, chain, path = row.plate_id, [], [row.plate_id]
        while node in parent:
            node, relation = parent[node]
            chain.append(relation)
            path.append(node)
            assert len(chain) < 50, f"{row.plate_id}: cycle in genealogy"
        assert re.fullmatch(r"(recut,)*cut,rolled,cast", ",".join(chain)), (row.plate_id, chain)
        assert node == row.heat_id, (row.plate_id, node)
        assert node in heats, f"{row.plate_id}: heat {node} not in heats.csv"
        assert row.mother_id in path and row.slab_id in path, row.plate_id


def test_every_slab_is_cast_from_a_heat_in_heats_csv(baseline_run: RunArtifacts) -> None:
    """slabs.csv and the cast edges list the same slabs, each from a heat in heats.csv."""
    s = baseline_run.table("slabs")
    g = baseline_run.table("genealogy")
    heats = set(baseline_run.table("heats").heat_id)
    assert set(s.heat_id) <= heats
    cast = g[g.relation == "cast"]
    assert set(cast.child_id) == set(s.slab_id)
    assert dict(zip(cast.child_id, cast.parent_id, strict=True)) == dict(
        zip(s.slab_id, s.heat_id, strict=True)
    )


def test_heats_csv_counts_the_slabs_cast_from_each_heat(baseline_run: RunArtifacts) -> None:
    """A heat whose casting finished lists as many slabs as slabs.csv has for it."""
    h = baseline_run.table("heats")
    g = baseline_run.table("genealogy")
    finished = set(g[g.relation == "loss"].parent_id)
    per_heat = baseline_run.table("slabs").heat_id.value_counts()
    for row in h[h.heat_id.isin(finished)].itertuples():
        assert int(row.slabs) == per_heat[row.heat_id], row.heat_id


def test_defects_and_tests_refer_to_entities_that_exist(baseline_run: RunArtifacts) -> None:
    """Every defect is carried by a plate or scrap piece in genealogy.csv, with its heat's ID;
    every test is on a plate in genealogy.csv; hardness references name real plates."""
    g = baseline_run.table("genealogy")
    known = set(g.child_id)
    d = baseline_run.table("defects")
    assert set(d.entity_id) <= known
    assert (d.entity_id.str[:7] == d.heat_id).all()
    t = baseline_run.table("tests")
    assert set(t.entity_id) <= known
    p = baseline_run.table("plates")
    refs = set(p.hardness_test_plate) - {""}
    assert refs <= known


def test_every_entity_in_events_has_a_row_or_an_edge(baseline_run: RunArtifacts) -> None:
    """Every heat, slab, mother or plate in events.csv is in heats.csv or genealogy.csv, so
    the trace of any event can be followed, including a heat still in steelmaking at the
    horizon (Ledger.finish writes its heats.csv row with the casting columns empty)."""
    ev = baseline_run.table("events")
    known = set(baseline_run.table("genealogy").child_id) | set(baseline_run.table("heats").heat_id)
    missing = sorted(set(ev.entity_id) - known)
    assert not missing, missing[:10]
