"""Counterfactual re-scoring: judge the plates of a finished run again under other acceptance
limits or disposition rules, from the truth and measurements the run recorded, without
simulating again (``mill rescore``).

The decision is the plant's own (``mill.quality.disposition``: the condition table, the rule
lookup, the downgrade grade, the ground truth); this module only rebuilds each plate's
measured and true state from the run folder and reports what changes.

What can be re-scored (``RESCORABLE``): settings that act only on values already recorded —
the rolled-in-scale imperfection limit and the disposition rules (action, reason, max_times,
fallback) and the rework switch. Everything else changes what is measured or how the plant
flows (``REFUSED`` says why for each part of the scenario) and is refused: simulate it.

Rework (assumption of this module, documented in the README): a plate that went through
rework in the run carries, in the record, the measurements made after its rework; the ones
its first judgement used were replaced. So

* a plate *not* reworked is re-judged in full from its record; if the new rules would send
  it to rework (re-temper, re-level, grind, cut-out), its outcome depends on measurements the
  run never made: it is reported ``needs_resimulation``;
* a plate that *was* reworked keeps its recorded outcome when no override can touch its path
  (no changed rule for a condition its rework or final reason came from, the rework switch
  unchanged, and no recorded rolled-in-scale area between the old and new limit); a plate
  reworked only by grinding or only by re-levelling (``REPLAYABLE``) is replayed from its
  first judgement when the new rules end it there; otherwise it is reported
  ``needs_resimulation``.

A plate's outcome changes only when its decision (or its ground truth) under the new
settings differs from the one under the run's own settings, both computed from the record;
so with no override every plate keeps its recorded outcome and the summary reproduces the
run's own figures exactly. ``record_check`` counts plates whose decision re-derived under the
run's own settings differs from the recorded one (0 when the record is complete; a value
rounded onto a limit could make it 1).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from mill import __version__
from mill.analysis.load import AnalysisError, Run, RunLike, as_run
from mill.analysis.rescore_keys import REFUSED, RESCORABLE, scenarios
from mill.analysis.rescore_summary import rescore_summary, summary_text
from mill.quality import disposition as rules_of
from mill.quality.disposition import Decision, Finding, Reading, TrueState
from mill.scenario import Scenario, dump_scenario, scenario_hash
from mill.trace.dictionary import RESCORE_PLATES
from mill.trace.folder import OutputExistsError, RunFolder
from mill.trace.run_tables import CHEMISTRY_ELEMENTS

__all__ = [
    "REFUSED",
    "REPLAYABLE",
    "RESCORABLE",
    "Rescore",
    "rescore",
    "rescore_text",
    "write_rescore",
]

REPLAYABLE: dict[str, str] = {
    "grind": "changes only the plate's surface defects (and looks at its surface again)",
    "relevel": "changes only its flatness (and looks at its surface again)",
}
REWORK_UNITS: frozenset[str] = frozenset(
    {"tempering_furnace", "leveller", "final_inspection", "plasma", "oxyfuel"}
)
"""The units the rework actions of ``mill.model.rework`` visit (events.csv stage rework): a
rework visit to any other unit is a rework this module does not know, and the plate's path
is taken to touch every rule that reworks."""
UNKNOWN_REWORK = "unknown rework"
"""Rework after which a plate's first judgement can be replayed from the record: it leaves
hardness, Charpy, UT and size as they were (a re-temper re-measures hardness and Charpy, a
cut-out re-scans and re-sizes the plate)."""


@dataclass
class Rescore:
    """The result: the re-scored plates table (``RESCORE_PLATES`` columns), the summary
    (original, rescored, difference, counts by status, the record check), the overrides and
    the effective scenario they make."""

    run: Run
    overrides: list[str]
    scenario: Scenario
    plates: pd.DataFrame
    summary: dict[str, Any]
    rows: list[tuple[Any, ...]]


# ---- the record of each plate -----------------------------------------------------------
def _base(ids: pd.Series) -> pd.Series:
    """The lineage base of plate ids and their cut-away pieces (``...-P3R1-X`` → ``...-P3``)."""
    return ids.str.replace(r"-X\d*$", "", regex=True).str.split("R").str[0]


@dataclass
class _Record:
    """The run's record, indexed for one plate at a time."""

    final_defects: dict[str, list[Any]]
    removed_defects: dict[str, list[Any]]
    """Defects repaired away (ground off, re-levelled) from a plate, by its id then."""
    scale_areas: dict[str, list[float]]
    charpy_pass: dict[str, bool]
    flatness: dict[str, tuple[float, bool]]
    grind_visits: Counter[str]
    """Rework visits by plate lineage and unit (``BASE|unit``)."""
    rework_units: dict[str, set[str]]

    @classmethod
    def of(cls, run: Run) -> _Record:
        d = run.defects
        d = d[d["is_true"] & (d["zone"].astype("string") != "scrap")]
        final_defects: dict[str, list[Any]] = {}
        removed_defects: dict[str, list[Any]] = {}
        for row in d.astype({"mechanism": "string", "call": "string"}).itertuples(index=False):
            held = removed_defects if row.call == "removed" else final_defects
            held.setdefault(str(row.entity_id), []).append(row)
        scale = d[d["mechanism"].astype("string") == "rolled_in_scale"]
        areas = pd.concat(
            [
                scale[["entity_id", "area_mm2"]],
                scale[["entity_id", "measured_area_mm2"]].rename(
                    columns={"measured_area_mm2": "area_mm2"}
                ),
            ]
        ).dropna()
        grouped = areas.groupby(_base(areas["entity_id"]))["area_mm2"]
        scale_areas = {str(k): list(v) for k, v in grouped}
        t = run.tests
        kind = t["kind"].astype("string")
        ch = t[(kind == "charpy") & ~t["lot_id"].str.endswith("-RT")]
        last = ch.groupby("entity_id")["pass"].last()
        charpy_pass = {str(k): bool(v) for k, v in last.items()}
        fl = t[kind == "flatness"].groupby("entity_id")[["value", "pass"]].last()
        flatness = {k: (float(v), bool(p)) for k, v, p in fl.itertuples()}
        e = run.events
        grind = e[(e["stage"].astype("string") == "rework")]
        visits = Counter(
            _base(grind["entity_id"].astype("string")) + "|" + grind["unit"].astype("string")
        )
        units: dict[str, set[str]] = {}
        for key in visits:
            b, unit = key.split("|")
            units.setdefault(b, set()).add(unit)
        return cls(
            final_defects, removed_defects, scale_areas, charpy_pass, flatness, visits, units
        )

    def reading(self, p: Any, tol: float) -> Reading:
        """The plate's measured state as recorded (the flatness reading takes its side of the
        tolerance from the test's exact verdict, so the 2-decimal value cannot cross it)."""
        found = [
            Finding(str(d.mechanism), float(d.measured_area_mm2))
            for d in self.final_defects.get(p.plate_id, [])
            if d.detected
        ]
        value, ok = self.flatness.get(p.plate_id, (math.nan, True))
        if ok and value > tol:
            value = tol
        elif not ok and not value > tol:
            value = math.nextafter(tol, math.inf)
        ref = p.charpy_test_plate
        kv = self.charpy_pass.get(ref) if isinstance(ref, str) else None
        ut = None if pd.isna(p.ut_pass) else bool(p.ut_pass)
        return Reading(
            kv_pass=kv,
            hbw=float(p.hardness_meas_hbw),
            hbw_centre=float(p.hardness_centre_meas_hbw),
            ut_pass=ut,
            flatness_mm_per_m=value,
            found=found,
        )

    def truth(self, p: Any, first: bool = False) -> TrueState:
        """The plate's true state as recorded (``first``: with the defects later repaired
        away, as it was when first judged, for a plate that was only ground)."""
        defects = self.final_defects.get(p.plate_id, [])
        if first:
            defects = [*defects, *self.removed_defects.get(p.plate_id, [])]
        return TrueState(
            float(p.hardness_true_hbw),
            float(p.hardness_centre_true_hbw),
            float(p.charpy_true_j),
            str(p.ut_class_ordered),
            float(p.thickness_mm),
            float(p.width_mm),
            float(p.length_mm),
            defects,
        )

    def rework_done(self, p: Any, base: str) -> set[str]:
        """The rework actions the plate went through (from its counts and its rework visits
        to final inspection: a re-levelling visits it once, a grind once)."""
        done = set()
        if p.retempers > 0:
            done.add("retemper")
        if p.relevels > 0:
            done.add("relevel")
        if "R" in p.plate_id:
            done.add("cutout_resize")
        if self.grind_visits[f"{base}|final_inspection"] > p.relevels:
            done.add("grind")
        if self.rework_units.get(base, set()) - REWORK_UNITS:
            done.add(UNKNOWN_REWORK)
        return done


# ---- judging ------------------------------------------------------------------------------
def _rules(sc: Scenario) -> dict[str, Any]:
    return {r.condition: r for r in sc.quality.disposition.rules}


def _changed_conditions(old: Scenario, new: Scenario) -> tuple[set[str], set[str]]:
    """(conditions whose rule acts differently: action, max_times or fallback changed, or
    with the rework switch flipped every condition whose rule reworks under either setting;
    conditions whose rule changed only its reason code)."""
    ro, rn = _rules(old), _rules(new)

    def acts(r: Any) -> tuple[Any, ...]:
        return r.action, r.max_times, r.fallback

    flow = {c for c in ro if acts(ro[c]) != acts(rn[c])}
    if old.quality.disposition.rework != new.quality.disposition.rework:
        flow |= {c for c in ro if ro[c].action not in rules_of.TERMINAL_ACTIONS}
        flow |= {c for c in rn if rn[c].action not in rules_of.TERMINAL_ACTIONS}
    renamed = {c for c in ro if c not in flow and ro[c].reason != rn[c].reason}
    return flow, renamed


def _scale_between(areas: list[float], a: float, b: float) -> bool:
    lo, hi = min(a, b), max(a, b)
    return any(lo < x <= hi for x in areas)


class _Judge:
    def __init__(self, run: Run, old: Scenario, new: Scenario) -> None:
        self.old, self.new = old, new
        self.rec = _Record.of(run)
        heats = run.heats.set_index("heat_id")
        # each heat's chemistry as the plant had it (wt %), for the grade a downgrade goes to
        self.chem = {
            str(h): {el: float(row[f"{el.lower()}_pct"]) for el in CHEMISTRY_ELEMENTS}
            for h, row in heats.iterrows()
        }
        self.changed, self.renamed = _changed_conditions(old, new)
        self.scale = (
            old.quality.visual.scale_imperfection_max_mm2,
            new.quality.visual.scale_imperfection_max_mm2,
        )
        self.mismatches: list[str] = []

    def _decision(self, sc: Scenario, reading: Reading, p: Any) -> Decision:
        lim = rules_of.limits(sc, str(p.grade_ordered), float(p.thickness_mm))
        conds = rules_of.conditions(reading, lim)
        dis = sc.quality.disposition
        return rules_of.decide(conds, _rules(sc), {}, dis.rework, False)

    def _outcome(self, sc: Scenario, d: Decision, p: Any) -> tuple[str, str, str]:
        disp, grade = rules_of.outcome(
            sc,
            d,
            str(p.grade_ordered),
            float(p.thickness_mm),
            float(p.hardness_meas_hbw),
            float(p.hardness_centre_meas_hbw),
            self.chem.get(str(p.heat_id)),
        )
        return disp, d.reason, grade

    def reworked(self, p: Any, base: str) -> tuple[str, tuple[Any, ...] | None]:
        """A reworked plate: (note, its outcome under the overrides, or None when it needs
        re-simulation); the note is "" when it keeps its recorded outcome."""
        ro = _rules(self.old)
        done = self.rec.rework_done(p, base)
        path = {c for c, r in ro.items() if r.action in done}
        if UNKNOWN_REWORK in done:
            path |= {c for c, r in ro.items() if r.action not in rules_of.TERMINAL_ACTIONS}
        reason = "" if pd.isna(p.reason) else str(p.reason)
        path |= {c for c, r in ro.items() if reason and r.reason == reason}
        hit = sorted(path & self.changed)
        scale = self.scale[0] != self.scale[1] and _scale_between(
            self.rec.scale_areas.get(base, []), *self.scale
        )
        if not hit and not scale:
            return self._renamed(p, reason, done)
        if not scale and len(done) == 1 and next(iter(done)) in REPLAYABLE:
            replay = self._replay_first(p, next(iter(done)))
            if replay is not None:
                return replay
        if hit:
            what = ", ".join(sorted(done)) or "rework not possible"
            return f"reworked ({what}); the overrides change the rule for {', '.join(hit)}", None
        return "reworked; a rolled-in scale area lies between the old and new limit", None

    def _renamed(self, p: Any, reason: str, done: set[str]) -> tuple[str, tuple[Any, ...] | None]:
        """A reworked plate whose path no override touches: its recorded outcome, with the
        new reason code when the rule that ended it only changed its code (needs
        re-simulation when two rules shared the old code, so the rule is not known)."""
        ro, rn = _rules(self.old), _rules(self.new)
        enders = [c for c, r in ro.items() if reason and r.reason == reason]
        if not any(c in self.renamed for c in enders):
            return "", None
        if len(enders) != 1:
            return f"reworked ({', '.join(sorted(done))}); reason {reason} is not one rule's", None
        new_reason = rn[enders[0]].reason
        out = (str(p.disposition), new_reason,
               "" if pd.isna(p.grade_released) else str(p.grade_released),
               bool(p.nonconforming_true), bool(p.escape), bool(p.false_reject))  # fmt: skip
        return f"reason code of {enders[0]} renamed", out

    def _replay_first(self, p: Any, action: str) -> tuple[str, tuple[Any, ...]] | None:
        """A plate reworked only by ``action`` (one of ``REPLAYABLE``) went to it at its first
        judgement, so the one condition whose rule takes that action held first then (no
        condition above it held, and the rework changed nothing the conditions above it read).
        If the new rules end the plate there, its outcome follows from the record: the
        measured hardness for the downgrade grade, and its truth with the defects the rework
        later removed."""
        grinders = [c for c, r in _rules(self.old).items() if r.action == action]
        if len(grinders) != 1:
            return None
        dis = self.new.quality.disposition
        d = rules_of.decide(grinders, _rules(self.new), {}, dis.rework, False)
        if d.is_rework:
            return None
        disp, reason, grade = self._outcome(self.new, d, p)
        lim = rules_of.limits(self.new, str(p.grade_ordered), float(p.thickness_mm))
        nc = rules_of.truly_nonconforming(self.rec.truth(p, first=True), lim)
        out = (
            disp,
            reason,
            grade,
            nc,
            disp == "prime" and nc,
            disp in ("downgraded", "scrap") and not nc,
        )
        return f"first judgement replayed ({action} in the run): {d.condition}: {d.action}", out

    def fresh(self, p: Any) -> tuple[str, tuple[str, str, str] | None, bool | None]:
        """A plate not reworked: (note, new (disposition, reason, grade) or None when it
        needs re-simulation, new ground truth or None when unchanged)."""
        tol_o = self.old.quality.testing.flatness_tolerance_mm_per_m
        reading = self.rec.reading(p, tol_o)
        d_o = self._decision(self.old, reading, p)
        d_n = self._decision(self.new, reading, p)
        recorded = (
            str(p.disposition),
            "" if pd.isna(p.reason) else str(p.reason),
            "" if pd.isna(p.grade_released) else str(p.grade_released),
        )
        # a rework that was not possible: scrapped with the rule's reason
        expect = ("scrap", d_o.reason, "") if d_o.is_rework else self._outcome(self.old, d_o, p)
        if expect != recorded:
            self.mismatches.append(p.plate_id)
        note = ""
        if d_n == d_o:
            new_outcome: tuple[str, str, str] | None = recorded
        elif (d_n.action, d_n.condition) == (d_o.action, d_o.condition):
            # the same decision under a new reason code (a rework not possible stays so)
            new_outcome = (recorded[0], d_n.reason, recorded[2])
            note = f"reason code of {d_n.condition} renamed"
        elif d_n.is_rework:
            new_outcome = None
            note = f"the rules now send it to {d_n.action} ({d_n.condition}): new measurements"
        else:
            new_outcome = self._outcome(self.new, d_n, p)
            note = f"{d_n.condition or 'no condition'}: {d_n.action}"
        truth = None
        if self.scale[0] != self.scale[1]:
            state = self.rec.truth(p)
            lim_o = rules_of.limits(self.old, str(p.grade_ordered), float(p.thickness_mm))
            lim_n = rules_of.limits(self.new, str(p.grade_ordered), float(p.thickness_mm))
            t_o = rules_of.truly_nonconforming(state, lim_o)
            t_n = rules_of.truly_nonconforming(state, lim_n)
            if t_o != bool(p.nonconforming_true):
                self.mismatches.append(p.plate_id)
            truth = t_n if t_n != t_o else None
        return note, new_outcome, truth


def rescore(run: RunLike, overrides: Sequence[str] = ()) -> Rescore:
    """Re-judge every plate of ``run`` under the run's scenario with ``overrides``
    (``KEY=VALUE`` as for ``mill run --set``; a rule by its condition:
    ``quality.disposition.rules.hardness_high.action=downgrade``). Raises
    :class:`AnalysisError` naming a key that cannot be re-scored from the record."""
    r = as_run(run)
    old, new, applied = scenarios(r, overrides)
    judge = _Judge(r, old, new)
    plates = r.plates
    bases = _base(plates["plate_id"])
    rework_bases = {k.split("|")[0] for k in judge.rec.grind_visits}
    rows: list[tuple[Any, ...]] = []
    for row, base in zip(plates.itertuples(index=False), bases, strict=True):
        p: Any = row
        orig = (
            str(p.disposition),
            "" if pd.isna(p.reason) else str(p.reason),
            "" if pd.isna(p.grade_released) else str(p.grade_released),
            bool(p.nonconforming_true),
            bool(p.escape),
            bool(p.false_reject),
        )
        reworked = bool(
            p.retempers > 0 or p.relevels > 0 or "R" in p.plate_id or base in rework_bases
        )
        note = ""
        new_out: tuple[Any, ...] | None = orig
        if orig[0] == "wip":
            status = "wip"
        elif reworked:
            note, replayed = judge.reworked(p, base)
            new_out = replayed if note else orig
        else:
            note, outcome, truth = judge.fresh(p)
            if outcome is None:
                new_out = None
            else:
                nc = orig[3] if truth is None else truth
                disp = outcome[0]
                new_out = (
                    *outcome,
                    nc,
                    disp == "prime" and nc,
                    disp in ("downgraded", "scrap") and not nc,
                )
        if orig[0] != "wip":
            status = (
                "needs_resimulation"
                if new_out is None
                else ("unchanged" if new_out == orig else "changed")
            )
        if status == "unchanged":
            note = ""
        rows.append(
            (
                p.plate_id,
                str(p.grade_ordered),
                float(p.thickness_mm),
                float(p.mass_t),
                bool(p.in_window),
                reworked,
                *orig,
                status,
                *(new_out if new_out is not None else (None,) * 6),
                note,
            )
        )
    frame = pd.DataFrame(rows, columns=[c.name for c in RESCORE_PLATES])
    summary = rescore_summary(r, frame, applied, judge.mismatches)
    return Rescore(r, applied, new, frame, summary, rows)


def rescore_text(result: Rescore) -> str:
    """The summary as a short table for the terminal."""
    return summary_text(result.summary)


def write_rescore(
    run: RunLike, overrides: Sequence[str] = (), out: str | Path | None = None, force: bool = False
) -> tuple[Path, Rescore]:
    """Re-score ``run`` and write the output folder atomically (default ``RUN-rescored``
    beside the run): plates.csv, summary.json, the effective scenario.toml and a manifest.
    An existing folder is replaced only with ``force`` and only when it is mill's own."""
    result = rescore(run, overrides)
    r = result.run
    target = Path(out) if out is not None else r.path.parent / f"{r.path.name}-rescored"
    if r.path.resolve() in target.resolve().parents:
        raise AnalysisError(f"refusing to write {target}: it is inside the run folder {r.path}")
    try:
        folder = RunFolder(target, force, protect=[r.path], columns={"plates": RESCORE_PLATES})
    except OutputExistsError as exc:
        raise AnalysisError(str(exc)) from None
    with folder:
        for row in result.rows:
            folder["plates"].write(row)
        rows = folder.close_tables()
        folder.write_json("summary.json", result.summary)
        folder.write_text("scenario.toml", dump_scenario(result.scenario))
        folder.write_json(
            "manifest.json",
            {
                "mill_version": __version__,
                "kind": "rescore",
                "source_run": str(r.path.resolve()),
                "source_scenario_sha256": r.manifest.get("scenario_sha256"),
                "overrides": result.overrides,
                "scenario_sha256": scenario_hash(result.scenario),
                "rows": rows,
                "checksums_sha256": folder.checksums(),
            },
        )
        return folder.commit(), result
