"""``mill rescore``: re-judging a finished run from its record, without simulating again.

Pinned: with no override every plate keeps its recorded outcome and the summary reproduces
the run's own figures; a key that changes what is measured or how the plant flows is refused
(exit 2, one line naming the key, no folder); a changed rule changes exactly the plates it
decides, and a plate whose new decision needs new measurements is reported, not guessed.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pandas as pd
import pytest
from rescore_support import four_day_run

from mill.analysis import AnalysisError, load_run, rescore, write_rescore
from mill.analysis.rescore import REFUSED, RESCORABLE
from mill.cli.app import main
from mill.trace.dictionary import RESCORE_PLATES


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return four_day_run(tmp_path_factory.mktemp("rescore"))


def test_no_override_reproduces_every_disposition_and_the_summary(run_dir: Path) -> None:
    """Every plate keeps its disposition, reason, grade and truth; the re-derived decisions
    agree with the record; the re-scored figures equal the run's summary.json, and the
    counts and tonnes of plates.csv's KPI window agree with it too."""
    run = load_run(run_dir)
    result = rescore(run)
    f = result.plates
    assert set(f["status"]) <= {"unchanged", "wip"}
    done = f[f["status"] == "unchanged"]
    for col in ("disposition", "reason", "grade_released", "nonconforming_true", "escape",
                "false_reject"):  # fmt: skip
        assert (done[col].fillna("") == done[f"{col}_original"].fillna("")).all(), col
    s = result.summary
    assert s["record_check"]["mismatches"] == 0
    assert s["rescored"] == s["original"]
    assert all(v == 0 for group in s["difference"].values() for v in group.values())
    own = json.loads((run_dir / "summary.json").read_text())
    assert s["original"]["plates"] == {k: own["plates"][k] for k in s["original"]["plates"]}
    # the escape counts (the summary's reasons for them are the run's own: rescore keeps them)
    assert s["original"]["escapes"] == {
        k: own["escapes"][k] for k in ("plates", "per_million_prime")
    }
    assert s["original"]["false_rejects"]["plates"] == own["false_rejects"]["plates"]
    win = run.plates[run.plates["in_window"]]
    counts = win["disposition"].value_counts()
    for k in ("prime", "downgraded", "scrap"):
        assert counts.get(k, 0) == own["plates"][k]
        mass = win.loc[win["disposition"] == k, "mass_t"].sum()
        assert mass == pytest.approx(own["tonnes"][f"{k}_t"], abs=0.01 + 1e-4 * len(win))
    assert int(win["escape"].sum()) == own["escapes"]["plates"]
    assert int(win["false_reject"].sum()) == own["false_rejects"]["plates"]


@pytest.mark.parametrize(
    "key",
    [
        "quality.ultrasonic.a50_mm=2.5",
        "quality.testing.hardness_lot_t=0",
        "quality.testing.flatness_tolerance_mm_per_m=4",
        "quality.visual.a50_mm=4",
        "grades.NM400.charpy_min_j=30",
        "plant.ut.capacity=2",
        "quality.disposition.rules.surface_defect.condition=ut_fail",
    ],
)
def test_a_key_that_changes_the_flow_is_refused(
    run_dir: Path, key: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Refused with exit 2 and one line naming the key and pointing to mill experiment; no
    output folder is written."""
    out = tmp_path / "out"
    status = main(["rescore", str(run_dir), "--set", key, "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1
    assert key.split("=")[0] in err[0] and "mill experiment" in err[0]
    assert not out.exists()


def test_every_rescorable_key_is_accepted_and_every_other_refused() -> None:
    """The key tables: each honoured pattern matches its own example; the refusal table ends
    with a catch-all so nothing falls through."""
    from mill.analysis.rescore_keys import check_key as _check_key

    for pattern, _ in RESCORABLE:
        _check_key(pattern.replace("*", "0").split("."))
    assert REFUSED[-1][0] == ""
    with pytest.raises(AnalysisError, match=r"orders\.mean_interarrival"):
        _check_key(["orders", "mean_interarrival"])


@pytest.mark.parametrize(
    ("condition", "reason", "rework"),
    [("surface_defect", "SURF-GRIND", "grind"), ("flatness_fail", "FLAT-RELEVEL", "relevel")],
)
def test_a_changed_rule_changes_exactly_the_plates_it_decides(
    run_dir: Path, condition: str, reason: str, rework: str
) -> None:
    """A rule that downgrades instead of reworking: the plates reworked only that way in the
    run are judged as at their first judgement and downgraded; no other plate changes; the
    figures move by exactly the changed plates (and those that need re-simulation)."""
    result = rescore(run_dir, [f"quality.disposition.rules.{condition}.action=downgrade"])
    f = result.plates
    changed = f[f["status"] == "changed"]
    assert len(changed) > 0
    assert (changed["disposition"] == "downgraded").all()
    assert (changed["reason"] == reason).all()
    assert changed["reworked"].all()
    assert changed["note"].str.contains(f"first judgement replayed ({rework} in the run)",
                                        regex=False).all()  # fmt: skip
    s = result.summary
    win = changed[changed["in_window"]]
    resim = f[(f["status"] == "needs_resimulation") & f["in_window"]]
    moved = (win["disposition_original"] == "prime").sum() + (
        resim["disposition_original"] == "prime"
    ).sum()
    assert s["difference"]["plates"]["prime"] == -moved
    total = sum(s["rescored"]["plates"][k] for k in ("prime", "downgraded", "scrap"))
    original = sum(s["original"]["plates"][k] for k in ("prime", "downgraded", "scrap"))
    assert total + s["needs_resimulation"]["plates"] == original


def test_a_decision_that_needs_new_measurements_is_reported_not_guessed(run_dir: Path) -> None:
    """A tighter rolled-in-scale limit sends plates released as they were to grinding: their
    outcome needs a re-simulation; they leave the re-scored figures and are counted apart."""
    result = rescore(run_dir, ["quality.visual.scale_imperfection_max_mm2=10"])
    f = result.plates
    resim = f[f["status"] == "needs_resimulation"]
    assert len(resim) > 0
    assert resim["disposition"].isna().all()
    fresh = resim[~resim["reworked"]]
    assert fresh["note"].str.contains("grind").all()
    s = result.summary
    assert s["needs_resimulation"]["plates"] == int(resim["in_window"].sum())


def test_the_output_folder_is_atomic_and_not_overwritten(run_dir: Path, tmp_path: Path) -> None:
    """plates.csv has the data dictionary's columns; an existing folder is refused without
    force and replaced with it; the default folder sits beside the run."""
    out, result = write_rescore(run_dir, [], tmp_path / "r")
    header = pd.read_csv(out / "plates.csv", nrows=0).columns.tolist()
    assert header == [c.name for c in RESCORE_PLATES]
    assert len(pd.read_csv(out / "plates.csv")) == len(result.plates)
    assert json.loads((out / "summary.json").read_text())["rescored"] == result.summary["rescored"]
    assert json.loads((out / "manifest.json").read_text())["kind"] == "rescore"
    with pytest.raises(AnalysisError, match="exists"):
        write_rescore(run_dir, [], tmp_path / "r")
    write_rescore(run_dir, [], tmp_path / "r", force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["r"]
    with pytest.raises(AnalysisError, match="inside the run folder"):
        write_rescore(run_dir, [], run_dir / "rescored")
    assert not (run_dir / "rescored").exists()


def test_cli_rescore_help_and_run(run_dir: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """``mill rescore --help`` documents the command; a run prints the figures."""
    with pytest.raises(SystemExit) as done:
        main(["rescore", "--help"])
    assert done.value.code == 0
    assert "re-simulation" in capsys.readouterr().out
    assert main(["rescore", str(run_dir), "--out", str(tmp_path / "x")]) == 0
    out = capsys.readouterr().out
    assert "escapes.plates" in out and "rescore folder" in out


def test_a_new_reason_code_renames_without_moving_a_plate(run_dir: Path) -> None:
    """A rule that changes only its reason code: every plate the rule ended (reworked or
    not) carries the new code, nothing else changes and nothing needs re-simulation."""
    result = rescore(run_dir, ["quality.disposition.rules.surface_defect.reason=SURF-NEW"])
    f = result.plates[result.plates["status"] != "wip"]
    assert set(f["status"]) == {"unchanged", "changed"}
    old = f["reason_original"] == "SURF-GRIND"
    assert old.any()
    assert (f.loc[old, "reason"] == "SURF-NEW").all()
    assert (f.loc[~old, "reason"].fillna("") == f.loc[~old, "reason_original"].fillna("")).all()
    assert (f["disposition"] == f["disposition_original"]).all()
    assert all(v == 0 for v in result.summary["difference"]["plates"].values())


def test_a_rework_the_module_does_not_know_touches_every_reworking_rule(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rework visit to a unit no known rework uses (a stage added later) makes the plate's
    path touch every rule that reworks: it is not replayed but needs re-simulation."""
    module = importlib.import_module("mill.analysis.rescore")  # the name is also a function

    base = module.rescore(run_dir, ["quality.disposition.rules.flatness_fail.action=downgrade"])
    replayed = base.plates.loc[base.plates["status"] == "changed", "plate_id"]
    assert len(replayed) > 0
    record_of = module._Record.of

    def with_unknown_unit(run: object) -> object:
        rec = record_of(run)  # type: ignore[arg-type]
        for pid in replayed:
            rec.rework_units.setdefault(pid.split("R")[0], set()).add("shot_blast")
        return rec

    monkeypatch.setattr(module._Record, "of", with_unknown_unit)
    again = module.rescore(run_dir, ["quality.disposition.rules.flatness_fail.action=downgrade"])
    status = again.plates.set_index("plate_id").loc[replayed, "status"]
    assert (status == "needs_resimulation").all()


def test_a_bad_value_of_an_honoured_key_is_named_as_given(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An invalid value for a rule field is a user error naming the rule by its condition
    (not by its place in the list); no folder is written."""
    out = tmp_path / "out"
    key = "quality.disposition.rules.hardness_low.action"
    assert main(["rescore", str(run_dir), "--set", f"{key}=explode", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and key in err[0]
    assert not out.exists()
