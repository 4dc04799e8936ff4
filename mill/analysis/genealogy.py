"""Genealogy queries over a run folder: backward and forward trace, containment for a complaint.

The lineage is read from ``genealogy.csv`` (parent → child edges: cast, rolled, cut, recut,
scrap, loss) and the entity tables; the process parameters each entity received come from
``heats.csv``, ``slabs.csv`` and ``plates.csv``. The inspection shift of a plate is the calendar
shift (``[calendar.shifts]``, default A 06–14, B 14–22, C 22–06 wall clock, from
``[run].start``) of its ultrasonic-test visit.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import pandas as pd

from mill.analysis.load import AnalysisError, Run, RunLike, as_run, entity_kind
from mill.scenario.calendar import Shift, default_shifts, shift_at
from mill.trace import schema

__all__ = [
    "Lineage",
    "containment",
    "inspection_shifts",
    "trace_back",
    "trace_forward",
]

RELEASED = ("prime", "downgraded")

#: The process parameters shown for each level of a backward trace (column, table).
HEAT_PARAMETERS: tuple[str, ...] = (
    "grade",
    "sequence_id",
    "seq_heat_index",
    "seq_heats",
    "liquid_mass_t",
    "cast_mass_t",
    "cast_start_iso",
    "c_pct",
    "si_pct",
    "mn_pct",
    "p_pct",
    "s_pct",
    "cr_pct",
    "ni_pct",
    "mo_pct",
    "b_pct",
    "cev",
    "ideal_diameter_mm",
    "vacuum_degassed",
    "hydrogen_ppm",
    "re_added_pct",
    "re_recovery_frac",
    "re_pct",
    "re_s_ratio",
    "superheat_c",
    "soft_reduction",
)
SLAB_PARAMETERS: tuple[str, ...] = (
    "seq_position",
    "thickness_mm",
    "width_mm",
    "length_mm",
    "mass_t",
    "charge",
    "reheat_temp_c",
    "descale_pressure_bar",
    "passes",
    "rolled_mass_t",
    "slab_defects",
)
MOTHER_PARAMETERS: tuple[str, ...] = (
    "rolling_reduction_ratio",
    "ht_batch_id",
    "aust_temp_c",
    "aust_min",
    "quench_htc_w_m2k",
    "quench_uniformity",
    "cooling_surface_c_per_s",
    "cooling_centre_c_per_s",
    "temper_temp_c",
    "temper_min",
    "retempers",
    "relevels",
)
PLATE_PARAMETERS: tuple[str, ...] = (
    "order_id",
    "grade_ordered",
    "grade_released",
    "thickness_mm",
    "width_mm",
    "length_mm",
    "mass_t",
    "cutting_method",
    "preheat_c",
    "preheat_required_c",
    "hardness_meas_hbw",
    "hardness_centre_meas_hbw",
    "charpy_meas_avg_j",
    "charpy_test_temp_c",
    "ut_class_ordered",
    "ut_body_class",
    "ut_edge_class",
    "ut_pass",
    "defects_true",
    "defects_detected",
    "disposition",
    "reason",
    "done_iso",
    "lead_time_h",
)

_UNITS: dict[tuple[str, str], str] = {
    (table, c.name): c.unit for table, cols in schema.TABLES.items() for c in cols
}


def _unit(table: str, column: str) -> str:
    return _UNITS.get((table, column), "")


@dataclass
class Lineage:
    """A product plate traced back to its mother plate, slab and heat."""

    plate_id: str
    path: list[str]
    """Entity IDs from the plate up to the heat (re-cut ancestors included)."""
    plate: pd.Series
    mother_id: str
    slab: pd.Series
    heat: pd.Series
    edges: pd.DataFrame
    """The genealogy edges along the path, heat first."""
    events: pd.DataFrame
    """Every stage visit of an entity on the path, in time order."""

    @property
    def slab_id(self) -> str:
        return str(self.slab["slab_id"])

    @property
    def heat_id(self) -> str:
        return str(self.heat["heat_id"])

    def parameters(self) -> pd.DataFrame:
        """Long table: level, entity_id, parameter, value, unit (heat first)."""
        rows: list[dict[str, Any]] = []
        levels = (
            ("heat", self.heat_id, self.heat, HEAT_PARAMETERS, "heats"),
            ("slab", self.slab_id, self.slab, SLAB_PARAMETERS, "slabs"),
            ("mother", self.mother_id, self.plate, MOTHER_PARAMETERS, "plates"),
            ("plate", self.plate_id, self.plate, PLATE_PARAMETERS, "plates"),
        )
        for level, eid, row, params, table in levels:
            for p in params:
                if p in row.index:
                    rows.append(
                        {
                            "level": level,
                            "entity_id": eid,
                            "parameter": p,
                            "value": row[p],
                            "unit": _unit(table, p),
                        }
                    )
        return pd.DataFrame(rows)


def _unknown(run: Run, entity_id: str, what: str = "entity") -> AnalysisError:
    ids = pd.concat([run.genealogy["parent_id"], run.genealogy["child_id"]]).dropna().unique()
    close = difflib.get_close_matches(entity_id, [str(i) for i in ids], n=3, cutoff=0.8)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return AnalysisError(f"unknown {what} {entity_id!r} in run {run.path}{hint}")


def _row(frame: pd.DataFrame, column: str, value: str) -> pd.Series | None:
    hit = frame[frame[column] == value]
    return None if hit.empty else hit.iloc[0]


def trace_back(run: RunLike, plate_id: str) -> Lineage:
    """Trace a product plate back to its mother plate, slab and heat."""
    run = as_run(run)
    plate = _row(run.plates, "plate_id", plate_id)
    if plate is None:
        if entity_kind(plate_id) in ("plate", "mother", "slab", "heat"):
            kind = entity_kind(plate_id)
            if kind != "plate" or plate_id in set(run.genealogy["parent_id"].dropna()):
                raise AnalysisError(
                    f"{plate_id!r} is a {kind}{' that was re-cut' if kind == 'plate' else ''}, "
                    "not a final product plate; use trace_forward for it"
                )
        raise _unknown(run, plate_id, "product plate")
    parent_of = run.genealogy.drop_duplicates("child_id").set_index("child_id")
    path = [plate_id]
    edges = []
    current = plate_id
    while current in parent_of.index:
        edge = parent_of.loc[current]
        edges.append({"child_id": current, **edge.to_dict()})
        current = str(edge["parent_id"])
        path.append(current)
    mother_id = next((p for p in path if entity_kind(p) == "mother"), str(plate["mother_id"]))
    slab_id = str(plate["slab_id"])
    heat_id = str(plate["heat_id"])
    slab = _row(run.slabs, "slab_id", slab_id)
    heat = _row(run.heats, "heat_id", heat_id)
    if slab is None or heat is None:
        raise AnalysisError(f"plate {plate_id!r}: slab {slab_id} or heat {heat_id} not in run")
    edge_frame = pd.DataFrame(edges[::-1])
    events = run.events[run.events["entity_id"].isin(path)].sort_values(["start_min", "end_min"])
    return Lineage(
        plate_id=plate_id,
        path=path,
        plate=plate,
        mother_id=mother_id,
        slab=slab,
        heat=heat,
        edges=edge_frame,
        events=events.reset_index(drop=True),
    )


def trace_forward(run: RunLike, entity_id: str) -> pd.DataFrame:
    """Every edge below ``entity_id`` (a heat, slab, mother or plate), depth-first.

    Columns: the genealogy edge (parent_id, child_id, relation, mass_t, time_min), ``depth``
    (1 = direct child), ``child_kind``, and for final product plates their disposition,
    reason, grade_released, order_id, done_iso and in_window.
    """
    run = as_run(run)
    gen = run.genealogy
    if entity_id not in set(gen["parent_id"].dropna()):
        if entity_id in set(gen["child_id"].dropna()):
            return _forward_frame(run, [])
        raise _unknown(run, entity_id)
    children: dict[str, list[dict[str, Any]]] = {}
    records: list[dict[str, Any]] = gen.to_dict("records")  # type: ignore[assignment]
    for rec in records:
        children.setdefault(str(rec["parent_id"]), []).append(rec)
    return _forward_frame(run, _depth_first(entity_id, children))


def _child_order(rec: dict[str, Any]) -> tuple[int, str]:
    rank = {"cast": 0, "rolled": 0, "cut": 0, "recut": 0, "scrap": 1, "loss": 2}
    return rank.get(str(rec["relation"]), 3), str(rec["child_id"])


def _depth_first(root: str, children: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def walk(node: str, depth: int) -> None:
        for rec in sorted(children.get(node, []), key=_child_order):
            rows.append({**rec, "depth": depth})
            walk(str(rec["child_id"]), depth + 1)

    walk(root, 1)
    return rows


def _forward_frame(run: Run, rows: list[dict[str, Any]]) -> pd.DataFrame:
    cols = ["parent_id", "child_id", "relation", "mass_t", "time_min", "depth"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["child_kind"] = frame["child_id"].map(lambda i: entity_kind(str(i)))
    info = run.plates[
        ["plate_id", "disposition", "reason", "grade_released", "order_id", "done_iso", "in_window"]
    ]
    frame = frame.merge(info, how="left", left_on="child_id", right_on="plate_id")
    return frame.drop(columns="plate_id")


def inspection_shifts(run: RunLike) -> pd.DataFrame:
    """The inspection shift of every product plate: the shift of its UT visit.

    Columns: plate_id, ut_start_min, ut_start (timestamp), shift (the run's calendar shift,
    A/B/C by default), shift_id (``YYYY-MM-DD X``, the date the shift started). A re-cut plate
    without its own UT visit takes its parent's.
    """
    run = as_run(run)
    ut = run.events[run.events["unit"] == "ut"]
    first_ut = ut.groupby("entity_id", observed=True)["start_min"].min()
    parent_of = run.genealogy.drop_duplicates("child_id").set_index("child_id")["parent_id"]
    starts = []
    for pid in run.plates["plate_id"]:
        node: Any = pid
        t = first_ut.get(node)
        while (t is None or pd.isna(t)) and node in parent_of.index:
            node = parent_of[node]
            t = first_ut.get(node)
        starts.append(float("nan") if t is None else float(t))
    out = pd.DataFrame({"plate_id": run.plates["plate_id"].to_numpy(), "ut_start_min": starts})
    stamp = run.to_timestamp(out["ut_start_min"])
    out["ut_start"] = stamp
    shifts = _calendar_shifts(run)
    found = [None if pd.isna(t) else shift_at(shifts, t.to_pydatetime(warn=False)) for t in stamp]
    out["shift"] = pd.Series(
        pd.Categorical([f[1] if f else None for f in found], categories=[s.name for s in shifts])
    )
    out["shift_id"] = pd.Series([f"{f[0]:%Y-%m-%d} {f[1]}" if f else None for f in found])
    return out


def _calendar_shifts(run: Run) -> list[Shift]:
    """The run's shifts from its effective scenario (``[calendar.shifts]``), or the default
    three when the run folder's scenario has none."""
    rows = run.scenario.get("calendar", {}).get("shifts") or []
    return [Shift(**row) for row in rows] or default_shifts()


def containment(run: RunLike, plate_id: str) -> pd.DataFrame:
    """Containment list for a complaint on ``plate_id``.

    Every *released* plate (prime or downgraded) other than the complained one that shares
    the heat, the cast sequence, the heat-treatment batch or the inspection shift with it;
    with flags saying which, and where it went (order, grade released, release time).
    Sorted by how many links it shares, then plate ID.
    """
    run = as_run(run)
    plates = run.plates
    target = _row(plates, "plate_id", plate_id)
    if target is None:
        raise _unknown(run, plate_id, "product plate")
    shifts = inspection_shifts(run).set_index("plate_id")["shift_id"]
    frame = plates.assign(shift_id=plates["plate_id"].map(shifts))
    target_shift = shifts.get(plate_id)
    links = {
        "same_heat": frame["heat_id"] == target["heat_id"],
        "same_sequence": frame["sequence_id"] == target["sequence_id"],
        "same_ht_batch": frame["ht_batch_id"] == target["ht_batch_id"],
        "same_shift": (frame["shift_id"] == target_shift)
        if isinstance(target_shift, str)
        else pd.Series(False, index=frame.index),
    }
    for name, mask in links.items():
        frame[name] = mask.fillna(False).astype(bool)
    flags = list(links)
    released = frame["disposition"].isin(RELEASED)
    hit = frame[released & frame[flags].any(axis=1) & (frame["plate_id"] != plate_id)].copy()
    hit["links"] = hit[flags].sum(axis=1)
    hit["shares"] = (
        hit[flags].apply(
            lambda r: ", ".join(f.removeprefix("same_") for f in flags if r[f]), axis=1
        )
        if not hit.empty
        else pd.Series(dtype="str")
    )
    cols = [
        "plate_id",
        "shares",
        *flags,
        "heat_id",
        "sequence_id",
        "ht_batch_id",
        "shift_id",
        "grade_ordered",
        "grade_released",
        "disposition",
        "order_id",
        "thickness_mm",
        "mass_t",
        "done_iso",
        "in_window",
        "links",
    ]
    hit = hit.sort_values(["links", "plate_id"], ascending=[False, True])
    return hit[cols].drop(columns="links").reset_index(drop=True)
