"""Experiments under faults and odd designs: a worker process killed under a run, resuming the
default folder, a changed orders CSV, runs whose invariants fail, Bonferroni with several
comparisons, designs that would silently ignore a setting, and point labels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from core_support import SCENARIOS
from experiment_support import (
    RE_ALTERNATIVES,
    always_die_on_p02_r001,
    call,
    csv_bytes,
    die_once_on_replication_2,
    interrupt_run,
    write_experiment,
)
from scipy import stats

from mill.experiment import plan, read_experiment, run_experiment
from mill.experiment.design import factor_names
from mill.experiment.executors import InProcess, LocalProcesses


def _plan(path: Path):  # type: ignore[no-untyped-def]
    spec, scenario = read_experiment(path)
    return plan(spec, path.resolve(), scenario)


class _DiesOnce(LocalProcesses):
    work = staticmethod(die_once_on_replication_2)


class _AlwaysDies(LocalProcesses):
    work = staticmethod(always_die_on_p02_r001)


def test_a_killed_worker_costs_no_run_and_changes_no_byte(tmp_path: Path) -> None:
    """A worker process that dies under a run breaks the pool; the pool is rebuilt, the runs it
    held are made again, and every run ends ok with the same bytes as in this process."""
    path = write_experiment(tmp_path, replications=2, alternatives=RE_ALTERNATIVES)
    p = _plan(path)
    executor = _DiesOnce(2)
    try:
        result = run_experiment(p, tmp_path / "pool", executor)
    finally:
        executor.close()
    assert [o.status for o in result.outcomes] == ["ok"] * 4
    assert (tmp_path / "pool" / "runs" / ".died-p01-r002").exists()  # it really died
    run_experiment(p, tmp_path / "here", InProcess())
    for run in ("p01-r001", "p01-r002", "p02-r001", "p02-r002"):
        assert csv_bytes(tmp_path / "pool" / "runs" / run) == csv_bytes(
            tmp_path / "here" / "runs" / run
        )


def test_a_run_that_always_kills_its_worker_fails_alone(tmp_path: Path) -> None:
    """A run that kills its worker every time is recorded as failed after its attempts; the
    other runs finish ok and no partial folder is left."""
    path = write_experiment(tmp_path, replications=2, alternatives=RE_ALTERNATIVES)
    executor = _AlwaysDies(2)
    try:
        result = run_experiment(_plan(path), tmp_path / "out", executor)
    finally:
        executor.close()
    status = {o.run_id: o.status for o in result.outcomes}
    assert status == {"p01-r001": "ok", "p01-r002": "ok", "p02-r001": "failed", "p02-r002": "ok"}
    assert "BrokenProcessPool" in next(o.error for o in result.failed)
    assert not [q for q in (tmp_path / "out" / "runs").iterdir() if q.name.startswith(".")]


def test_resume_without_out_finds_the_default_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``mill experiment F`` writes experiments/NAME; ``mill experiment F --resume`` resumes
    that folder (it does not look for NAME-2)."""
    path = write_experiment(tmp_path, replications=1, alternatives=RE_ALTERNATIVES)
    monkeypatch.chdir(tmp_path)
    status, _, stderr = call("experiment", str(path), "--workers", "1", "--quiet")
    assert status == 0, stderr
    status, stdout, stderr = call("experiment", str(path), "--workers", "1", "--resume")
    assert status == 0, stderr
    assert "experiment folder: experiments/study (0 runs made" in stdout
    status, stdout, _ = call("experiment", str(path), "--workers", "1")
    assert "experiment folder: experiments/study-2" in stdout


def test_resume_refuses_a_folder_made_from_another_orders_csv(tmp_path: Path) -> None:
    """The orders CSV's bytes are part of the fingerprint: edit the CSV, and --resume refuses
    rather than mixing runs made from two order books."""
    shutil.copy(SCENARIOS / "orders_from_csv.toml", tmp_path / "s.toml")
    shutil.copy(SCENARIOS / "orders_example.csv", tmp_path / "orders_example.csv")
    path = write_experiment(tmp_path, replications=1, scenario=tmp_path / "s.toml")
    out = tmp_path / "out"
    status, _, stderr = call("experiment", str(path), "--out", str(out), "--workers", "1")
    assert status == 0, stderr
    csv = tmp_path / "orders_example.csv"
    csv.write_text(csv.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    status, _, stderr = call("experiment", str(path), "--out", str(out), "--resume")
    assert status == 2
    assert "was made by a different experiment" in stderr


def test_runs_whose_invariants_fail_exit_1_and_are_not_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that finishes with a violated invariant is recorded (status invariant_violated,
    left out of the intervals), the command exits 1, and --resume does not make it again: it
    would fail the same way."""
    import mill.model.run as run_module

    def broken(*args: object) -> dict[str, object]:
        return {"ok": False, "mass_balance": {"ok": False}}

    monkeypatch.setattr(run_module, "invariants", broken)
    path = write_experiment(tmp_path, replications=1, alternatives=RE_ALTERNATIVES)
    out = tmp_path / "out"
    status, _, stderr = call("experiment", str(path), "--out", str(out), "--workers", "1")
    assert status == 1
    assert "invariant violated: mass_balance" in stderr
    runs = pd.read_csv(out / "runs.csv")
    assert set(runs["status"]) == {"invariant_violated"}
    assert pd.read_csv(out / "summary.csv")["n"].max() == 0
    status, stdout, _ = call("experiment", str(path), "--out", str(out), "--workers", "1",
                             "--resume")  # fmt: skip
    assert status == 1 and "(0 runs made" in stdout


def test_bonferroni_widens_the_interval_for_several_comparisons(tmp_path: Path) -> None:
    """Three alternatives make two comparisons per KPI: bonferroni_m = 2 and the Bonferroni
    interval is the paired-t interval at 1 − 0.05/2."""
    alts = [*RE_ALTERNATIVES, {"name": "fast quench", "set": {"plant.quench.htc_w_m2k": 9000.0}}]
    path = write_experiment(tmp_path, replications=3, alternatives=alts)
    run_experiment(_plan(path), tmp_path / "out", InProcess())
    runs = pd.read_csv(tmp_path / "out" / "runs.csv")
    comp = pd.read_csv(tmp_path / "out" / "comparisons.csv")
    for point, kpi in (("p02", "charpy_true_j.NM400"), ("p03", "hardness_true_hbw.NM400")):
        a = runs[runs["point"] == "p01"].sort_values("replication")[kpi].to_numpy()
        b = runs[runs["point"] == point].sort_values("replication")[kpi].to_numpy()
        d = b - a
        assert d.std() > 0  # a real difference with noise: the interval has a width
        row = comp[(comp["point"] == point) & (comp["kpi"] == kpi)].iloc[0]
        low, high = stats.t.interval(1 - 0.05 / 2, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
        assert row["bonferroni_m"] == 2
        assert row["bonferroni_ci_low"] == pytest.approx(low)
        assert row["bonferroni_ci_high"] == pytest.approx(high)
        assert row["bonferroni_ci_low"] < row["diff_ci_low"]


@pytest.mark.parametrize(
    ("alternatives", "factors", "message"),
    [
        ([{"name": "A", "set": {"run.seed": 3}}], None, "run.seed is set by the design"),
        (None, {"run.seed": [1, 2]}, "replications already vary the seed"),
        ([{"name": "A", "set": {"plant.quench.htc_w_m2k": 8000.0}}],
         {"plant.quench.htc_w_m2k": [7000.0, 9000.0]}, "is also a factor"),
    ],
)  # fmt: skip
def test_a_design_that_would_silently_ignore_a_setting_is_refused(
    tmp_path: Path, alternatives: object, factors: object, message: str
) -> None:
    """The seed belongs to the design, and a factor would overwrite an alternative's value of
    the same key: both are refused with exit 2 before anything is written."""
    path = write_experiment(tmp_path, alternatives=alternatives, factors=factors)  # type: ignore[arg-type]
    status, _, stderr = call("experiment", str(path), "--out", str(tmp_path / "o"))
    assert status == 2 and message in stderr
    assert not (tmp_path / "o").exists()


def test_set_run_seed_on_the_command_line_is_refused(tmp_path: Path) -> None:
    """``--set run.seed=5`` would be overridden by every replication's seed: refused."""
    path = write_experiment(tmp_path, alternatives=RE_ALTERNATIVES)
    status, _, stderr = call("experiment", str(path), "--set", "run.seed=5")
    assert status == 2 and "run.seed is set by the design" in stderr


def test_a_bad_dask_address_is_exit_2(tmp_path: Path) -> None:
    """``--dask nonsense`` is a one-line user error, not a traceback."""
    path = write_experiment(tmp_path, alternatives=RE_ALTERNATIVES)
    status, _, stderr = call("experiment", str(path), "--out", str(tmp_path / "o"),
                             "--dask", "nonsense")  # fmt: skip
    assert status == 2 and "--dask nonsense" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "o").exists()


def test_point_labels_name_factors_by_their_shortest_unique_suffix() -> None:
    """Two factors that end alike are told apart; one alone is named by its last part."""
    names = factor_names(["grades.NM400.temper_temp_c", "grades.NM450.temper_temp_c",
                          "plant.quench.htc_w_m2k"])  # fmt: skip
    assert names == {
        "grades.NM400.temper_temp_c": "NM400.temper_temp_c",
        "grades.NM450.temper_temp_c": "NM450.temper_temp_c",
        "plant.quench.htc_w_m2k": "htc_w_m2k",
    }


def test_an_interrupted_experiment_says_what_it_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C: exit 130, a message naming the runs kept and --resume, and a manifest whose
    status is "interrupted" and lists the finished runs."""
    interrupt_run(monkeypatch, at=2)
    path = write_experiment(tmp_path, alternatives=RE_ALTERNATIVES)
    out = tmp_path / "out"
    status, _, stderr = call("experiment", str(path), "--out", str(out), "--workers", "1")
    assert status == 130
    assert "1 finished runs kept in" in stderr and "--resume" in stderr
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["status"] == "interrupted" and list(m["runs"]) == ["p01-r001"]
