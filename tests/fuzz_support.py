"""Scenario fuzzing: Hypothesis strategies built from the scenario model's own fields and
ranges (``RangeCheck``, ``DistRangeCheck``, ``Literal`` choices), for valid scenarios that must
run and invalid ones that must be refused naming the field.

Each generated scenario is a short run (at most ``MAX_HORIZON_DAYS``) with a few fields of the
model set to values drawn from their whole range. Left out, and why:
- ``quality.defect_rates``: one blanket range (0 to 1e6) for fifty rates, probabilities and
  factors of ``mill.quality.defects.DefectRates``; a rate of 1e6 per m² is in range and makes
  millions of defects a plate (a known gap: these need ranges of their own);
- ``run.name``, ``run.start``, ``orders.source``/``orders.csv``: names, dates and files, not
  numbers; the command-line tests cover them.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel

from mill.distributions import Spec
from mill.scenario import Scenario
from mill.scenario.fields import DistRangeCheck, RangeCheck
from mill.scenario.products import Grade, default_grades, is_ut_class
from mill.scenario.quality import ACTIONS, CONDITIONS

MAX_HORIZON_DAYS = 1.5
"""Longest simulated horizon of a fuzzed run (about a second of simulation)."""
GRADES = tuple(default_grades())
SKIPPED = {("run",), ("quality", "defect_rates"), ("orders", "source"), ("orders", "csv")}


@dataclass(frozen=True)
class Leaf:
    """A field of the scenario: its path, valid values, and values it must refuse."""

    path: tuple[str, ...]
    valid: st.SearchStrategy[Any]
    invalid: st.SearchStrategy[Any]

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def _checks(metadata: list[Any], kind: type) -> list[Any]:
    return [m.func for m in metadata if isinstance(getattr(m, "func", None), kind)]


def _fmt(x: float) -> float | int:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def _outside(lo: float, hi: float) -> st.SearchStrategy[float]:
    """A number just below ``lo`` or just above ``hi``."""
    return st.sampled_from([lo - max(1.0, abs(lo)), hi + max(1.0, abs(hi))])


def _number(ann: type, check: RangeCheck) -> tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]:
    lo, hi = check.lo, check.hi
    if ann is int:
        return st.integers(int(lo), int(hi)), _outside(lo, hi).map(int)
    valid = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    wrong_type = st.sampled_from(["fast", [lo], {"value": lo}])
    return valid, st.one_of(_outside(lo, hi).map(float), wrong_type)


def dist_specs(check: DistRangeCheck) -> st.SearchStrategy[dict[str, Any]]:
    """Distribution tables a field with this check accepts (bounded kinds inside its range,
    open-tailed kinds whose mass outside it is negligible)."""
    lo, hi = check.lo, check.hi
    inside = st.floats(lo, hi, allow_nan=False)
    pair = st.tuples(inside, inside).map(sorted)
    kinds = st.one_of(
        inside.map(lambda v: {"kind": "constant", "value": v}),
        pair.map(lambda p: {"kind": "uniform", "low": p[0], "high": p[1]}),
        st.tuples(inside, inside, inside)
        .map(sorted)
        .filter(lambda t: t[0] < t[2])
        .map(lambda t: {"kind": "triangular", "low": t[0], "mode": t[1], "high": t[2]}),
        st.tuples(pair.filter(lambda p: p[0] < p[1]), st.floats(0, 1), st.floats(0.001, 2)).map(
            lambda t: {
                "kind": "normal",
                "mean": t[0][0] + t[1] * (t[0][1] - t[0][0]),
                "sd": t[2] * (t[0][1] - t[0][0]),
                "low": t[0][0],
                "high": t[0][1],
            }
        ),
        st.lists(inside, min_size=1, max_size=5).map(lambda v: {"kind": "empirical", "values": v}),
        st.floats(max(lo, 1e-3), max(lo, 1e-3, hi / 10)).map(
            lambda m: {"kind": "exponential", "mean": m}
        ),
        st.tuples(st.floats(max(lo, 1e-3), max(hi, 1e-3)), st.floats(0, 1)).map(
            lambda t: {"kind": "lognormal", "median": t[0], "sigma_ln": t[1]}
        ),
    )
    return kinds.filter(lambda d: accepts(check, d))


def accepts(check: DistRangeCheck, table: dict[str, Any]) -> bool:
    """Whether a distribution field with ``check`` takes ``table``."""
    from pydantic import TypeAdapter, ValidationError

    from mill.distributions import Dist

    try:
        check(TypeAdapter(Dist).validate_python(table))
    except (ValidationError, ValueError):
        return False
    return True


def _dist(check: DistRangeCheck) -> tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]:
    bad = st.one_of(
        _outside(check.lo, check.hi).map(lambda v: {"kind": "constant", "value": v}),
        st.just({"kind": "poisson", "mean": 1.0}),
        st.just({"kind": "uniform", "low": check.lo}),
    )
    return dist_specs(check), bad


def _shares(keys: list[str]) -> st.SearchStrategy[dict[str, float]]:
    def normalise(w: list[int]) -> dict[str, float]:
        total = sum(w)
        out = {k: v / total for k, v in zip(keys, w, strict=True) if v}
        first = next(iter(out))
        out[first] += 1.0 - sum(out.values())  # exactly 1 in floating point
        return out

    return (
        st.lists(st.integers(0, 20), min_size=len(keys), max_size=len(keys))
        .filter(any)
        .map(normalise)
    )


def _special(path: tuple[str, ...]) -> tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]] | None:
    """Fields whose valid values are a whole table or need each other."""
    if path == ("orders", "grade_shares"):
        bad = st.just({"NM400": 1.5, "NM450": -0.5})
        return _shares(list(GRADES)), bad
    if path == ("orders", "ut_class_shares"):
        classes = ["none", "S1E1", "S2E2", "S3E3", "S0E0", "S3E4", "A578A", "A578C"]
        assert all(c == "none" or is_ut_class(c) for c in classes)
        return _shares(classes), st.just({"S9E9": 1.0})
    if path == ("quality", "disposition", "rules"):
        rule = st.builds(
            lambda c, a, n, f: {"condition": c, "action": a, "reason": "FUZZ", "max_times": n,
                                "fallback": f},
            st.sampled_from(CONDITIONS),
            st.sampled_from(ACTIONS),
            st.integers(0, 10),
            st.sampled_from(["release", "downgrade", "scrap"]),
        )  # fmt: skip
        bad = st.just([{"condition": "bogus", "action": "scrap", "reason": "X"}])
        return st.lists(rule, min_size=1, max_size=3, unique_by=lambda r: r["condition"]), bad
    if path[-1] in ("surface_hbw", "surface_hbw_thick"):
        pair = st.tuples(st.floats(100, 800), st.floats(100, 800)).map(sorted)
        return pair.filter(lambda p: p[0] < p[1]).map(list), st.just([500.0, 400.0])
    if path[-1] == "downgrade_to":
        return st.sampled_from(GRADES), st.just("NM999")  # TOML has no None
    if path == ("orders", "tonnes_per_day"):
        return st.floats(0.1, 50_000), st.just(0.0)  # optional: TOML has no None
    # slab limits drawn so that the defaults' plate mix can still be planned inside them
    slab_ranges = {"slab_length_min_mm": (100, 1500), "slab_length_max_mm": (4500, 15_000),
                   "slab_mass_min_t": (0.1, 5), "slab_mass_max_t": (30, 200)}  # fmt: skip
    if path[-1] in slab_ranges:
        lo, hi = slab_ranges[path[-1]]
        return st.floats(lo, hi), st.just(-1.0)
    if path[-1] == "slab_thicknesses_mm":
        sets = [[250.0, 300.0, 400.0], [200.0, 250.0, 300.0], [250.0], [220.0, 260.0, 320.0]]
        return st.sampled_from(sets), st.just([50.0])
    if path[-1] == "gauge_classes_mm":
        bounds = st.lists(st.floats(3, 200), min_size=1, max_size=6, unique=True).map(sorted)
        return bounds, st.just([40.0, 20.0])
    if path[-1] in ("aim_pct", "sigma_pct", "aim_rich_pct"):
        elements = ["C", "Si", "Mn", "Cr", "Ni", "Mo", "P", "S", "B", "Ti", "Al"]
        top = 1.0 if path[-1] == "sigma_pct" else 5.0
        table = st.dictionaries(st.sampled_from(elements), st.floats(0, top), max_size=3)
        return table, st.just({"C": 6.0})
    if path[-1] == "breakdown":
        mttr = DistRangeCheck(0, 10_000, 0, 10_000)
        table = st.fixed_dictionaries(
            {"mtbf_h": st.floats(0.1, 100_000), "mttr_min": dist_specs(mttr)}
        )
        return table, st.just({"mtbf_h": 0.0, "mttr_min": 10.0})
    return None


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        return base, meta
    return annotation, []


def _model_leaves(model: type[BaseModel], prefix: tuple[str, ...]) -> list[Leaf]:
    out: list[Leaf] = []
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        if path in SKIPPED or name == "kind":
            continue
        special = _special(path)
        if special is not None:
            out.append(Leaf(path, *special))
            continue
        ann = info.annotation
        ranges, dists = _checks(info.metadata, RangeCheck), _checks(info.metadata, DistRangeCheck)
        origin = typing.get_origin(ann)
        if dists:
            out.append(Leaf(path, *_dist(dists[0])))
        elif ranges and ann in (int, float):
            out.append(Leaf(path, *_number(ann, ranges[0])))
        elif ann is bool:
            out.append(Leaf(path, st.booleans(), st.sampled_from(["yes", 1])))
        elif origin is typing.Literal:
            out.append(Leaf(path, st.sampled_from(typing.get_args(ann)), st.just("no-such")))
        elif path == ("grades",):
            for grade in GRADES:
                out += _model_leaves(Grade, (*path, grade))
        elif isinstance(ann, type) and issubclass(ann, BaseModel) and not issubclass(ann, Spec):
            out += _model_leaves(ann, path)
        elif origin in (typing.Union, types.UnionType):
            raise AssertionError(f"{'.'.join(path)}: add a strategy for {ann}")
    return out


LEAVES: list[Leaf] = _model_leaves(Scenario, ())
"""Every fuzzed field of the scenario model."""


def put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


@st.composite
def valid_scenarios(draw: st.DrawFn, max_fields: int = 6) -> dict[str, Any]:
    """A scenario table: a short run with up to ``max_fields`` fields set from their ranges."""
    horizon = draw(st.floats(0.05, MAX_HORIZON_DAYS))
    data: dict[str, Any] = {
        "run": {
            "seed": draw(st.integers(0, 2**32 - 1)),
            "horizon_days": horizon,
            "warmup_days": horizon * draw(st.floats(0, 0.9)),
        }
    }
    leaves = draw(st.lists(st.sampled_from(LEAVES), max_size=max_fields, unique_by=id))
    for leaf in leaves:
        put(data, leaf.path, draw(leaf.valid))
    return data


@st.composite
def invalid_scenarios(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A valid scenario table with one field broken: a value outside its range or of a wrong
    type, or an unknown key beside it. Returns the dotted path the error must name."""
    data = draw(valid_scenarios(max_fields=2))
    leaf = draw(st.sampled_from(LEAVES))
    if draw(st.booleans()):
        put(data, leaf.path, draw(leaf.invalid))
        return leaf.dotted, data
    typo = (*leaf.path[:-1], leaf.path[-1] + draw(st.sampled_from(["s", "_x", "2"])))
    put(data, typo, draw(leaf.valid))
    return ".".join(typo), data


__all__ = ["LEAVES", "MAX_HORIZON_DAYS", "Leaf", "invalid_scenarios", "put", "valid_scenarios"]
