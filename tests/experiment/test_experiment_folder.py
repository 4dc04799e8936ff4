"""``mill experiment``: the experiment folder's contract, common random numbers, the same bytes
on every executor, resume, failed runs, and bad experiment files.

The experiment here is the rare-earth comparison (2 alternatives × 3 replications) on a
0.6-day horizon, run once per module in this process and reused.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from experiment_support import (
    QUICK,
    RE_ALTERNATIVES,
    call,
    csv_bytes,
    interrupt_run,
    write_experiment,
)
from scipy import stats

from mill.experiment import make_executor, plan, read_experiment, replication_seed, run_experiment
from mill.experiment.executors import InProcess
from mill.trace.schema import TABLES


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rare-earth study, 3 replications, made through the command line in this process."""
    base = tmp_path_factory.mktemp("study")
    path = write_experiment(base, alternatives=RE_ALTERNATIVES)
    status, stdout, stderr = call("experiment", str(path), "--out", str(base / "out"),
                                  "--workers", "1")  # fmt: skip
    assert status == 0, stderr
    assert "experiment folder:" in stdout
    return base / "out"


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name)


# ---- the folder's contract -----------------------------------------------------------------
def test_the_folder_holds_every_file_and_a_complete_run_folder_per_replication(
    study: Path,
) -> None:
    """experiment.toml, manifest.json, runs.csv, summary.csv, comparisons.csv, and
    runs/<point>-r<k>/ for 2 points × 3 replications, each a complete run folder."""
    names = {p.name for p in study.iterdir()}
    assert names == {"experiment.toml", "manifest.json", "runs.csv", "summary.csv",
                     "comparisons.csv", "runs"}  # fmt: skip
    runs = sorted(p.name for p in (study / "runs").iterdir())
    assert runs == [f"p0{i}-r00{k}" for i in (1, 2) for k in (1, 2, 3)]
    for name in runs:
        folder = study / "runs" / name
        files = {p.name for p in folder.iterdir()}
        assert {f"{t}.csv" for t in TABLES} | {"manifest.json", "summary.json"} <= files
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["invariants"]["ok"]


def test_runs_csv_has_a_row_per_run_with_seed_status_and_kpis(study: Path) -> None:
    """One row per run with its point, alternative, replication, seed, status and the KPIs of
    its summary.json, which equal that run's own summary.json."""
    runs = read(study, "runs.csv")
    assert len(runs) == 6
    assert set(runs["status"]) == {"ok"}
    assert list(runs["alternative"].unique()) == ["RE", "no RE"]
    for row in runs.itertuples():
        summary = json.loads(
            (study / "runs" / row.run_id / "summary.json").read_text(encoding="utf-8")
        )
        manifest = json.loads(
            (study / "runs" / row.run_id / "manifest.json").read_text(encoding="utf-8")
        )
        assert manifest["seed"] == row.seed
        assert runs.loc[row.Index, "escapes.per_million_prime"] == pytest.approx(
            summary["escapes"]["per_million_prime"]
        )
        assert runs.loc[row.Index, "throughput_t_per_h"] == pytest.approx(
            summary["throughput_t_per_h"]
        )


def test_summary_is_the_student_t_interval_of_the_replications(study: Path) -> None:
    """summary.csv's mean and 95 % CI equal scipy's t interval of the three replications."""
    runs = read(study, "runs.csv")
    summary = read(study, "summary.csv")
    for kpi in ("throughput_t_per_h", "ut_indications_per_plate", "charpy_true_j.NM400"):
        for point in ("p01", "p02"):
            x = runs.loc[runs["point"] == point, kpi].to_numpy(dtype=float)
            row = summary[(summary["point"] == point) & (summary["kpi"] == kpi)].iloc[0]
            low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
            assert row["n"] == 3
            assert row["mean"] == pytest.approx(x.mean())
            assert row["ci_low"] == pytest.approx(low)
            assert row["ci_high"] == pytest.approx(high)


def test_comparisons_are_paired_by_replication(study: Path) -> None:
    """comparisons.csv holds no RE − RE paired by replication: the t interval of the
    differences, and whether it excludes 0."""
    runs = read(study, "runs.csv")
    comp = read(study, "comparisons.csv")
    assert set(comp["point"]) == {"p02"} and set(comp["reference"]) == {"p01"}
    for kpi in ("ut_indications_per_plate", "charpy_true_j.NM400", "throughput_t_per_h"):
        a = runs[runs["point"] == "p01"].sort_values("replication")[kpi].to_numpy(dtype=float)
        b = runs[runs["point"] == "p02"].sort_values("replication")[kpi].to_numpy(dtype=float)
        d = b - a
        row = comp[comp["kpi"] == kpi].iloc[0]
        low, high = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
        assert row["diff_mean"] == pytest.approx(d.mean())
        assert row["diff_ci_low"] == pytest.approx(low)
        assert row["diff_ci_high"] == pytest.approx(high)
        assert bool(row["excludes_zero"]) == bool(low > 0 or high < 0)
        assert row["bonferroni_m"] == 1  # one comparison: Bonferroni changes nothing
        assert row["bonferroni_ci_low"] == pytest.approx(low)


def test_the_manifest_records_design_seeds_runs_and_the_warmup_check(study: Path) -> None:
    """Provenance: the points with their overrides, every replication's seed, every run's
    status and file hashes, why each point stopped, and the MSER-5 truncation point."""
    m = json.loads((study / "manifest.json").read_text(encoding="utf-8"))
    assert m["kind"] == "experiment" and m["status"] == "complete" and m["mill_version"]
    assert [p["point"] for p in m["points"]] == ["p01", "p02"]
    assert m["points"][1]["overrides"]["plant.degasser.re_addition_pct"] == 0.0
    assert m["seeds"] == {str(k): replication_seed(7, k) for k in (1, 2, 3)}
    assert len(m["runs"]) == 6 and m["failed_runs"] == []
    for run_id, run in m["runs"].items():
        own = json.loads((study / "runs" / run_id / "manifest.json").read_text(encoding="utf-8"))
        assert run["checksums_sha256"] == own["checksums_sha256"]
    warm = m["warmup"]
    assert warm["scenario_warmup_days"] == QUICK["run.warmup_days"]
    assert 0.0 <= warm["mser5_days"] <= QUICK["run.horizon_days"] / 2
    series = warm["mser5_days_by_series"]
    assert set(series) == {"wip_t", "released_t_per_h"}
    for point, days in warm["mser5_days_by_point"].items():
        assert days == max(series["wip_t"][point], series["released_t_per_h"][point])


# ---- common random numbers -------------------------------------------------------------------
def test_replication_k_of_every_point_shares_its_seed_and_replications_differ(
    study: Path,
) -> None:
    """Common random numbers: replication k has the same seed at both points; the seeds of
    different replications differ; each is derived from the experiment seed and k only."""
    runs = read(study, "runs.csv")
    seeds = runs.pivot(index="replication", columns="point", values="seed")
    assert (seeds["p01"] == seeds["p02"]).all()
    assert seeds["p01"].nunique() == 3
    assert list(seeds["p01"]) == [replication_seed(7, k) for k in (1, 2, 3)]


def test_identical_alternatives_give_identical_runs(tmp_path: Path) -> None:
    """Two alternatives with the same scenario make byte-identical CSVs replication by
    replication (the seed is all that differs between replications), and replications differ."""
    path = write_experiment(tmp_path, replications=2,
                            alternatives=[{"name": "A"}, {"name": "B", "set": {}}])  # fmt: skip
    p = plan(*_read(path))
    run_experiment(p, tmp_path / "out", InProcess())
    runs = tmp_path / "out" / "runs"
    assert csv_bytes(runs / "p01-r001") == csv_bytes(runs / "p02-r001")
    assert csv_bytes(runs / "p01-r002") == csv_bytes(runs / "p02-r002")
    assert csv_bytes(runs / "p01-r001")["plates.csv"] != csv_bytes(runs / "p01-r002")["plates.csv"]


def test_seeds_do_not_depend_on_the_replication_count(tmp_path: Path) -> None:
    """Replication 1 and 2 of a 2-replication study are those of a 3-replication one."""
    assert [replication_seed(11, k) for k in (1, 2)] == [
        replication_seed(11, k) for k in (1, 2, 3)
    ][:2]
    assert replication_seed(11, 1) != replication_seed(12, 1)


def _read(path: Path) -> tuple:
    spec, scenario = read_experiment(path)
    return spec, path.resolve(), scenario


# ---- the same bytes on every executor ----------------------------------------------------------
def test_every_executor_makes_the_same_bytes(tmp_path: Path) -> None:
    """Each run's CSVs are byte-identical whether it ran in this process, in 2 local worker
    processes, or on a 2-worker Dask LocalCluster."""
    path = write_experiment(tmp_path, replications=2, alternatives=RE_ALTERNATIVES)
    p = plan(*_read(path))
    outs = {}
    for name, executor in (
        ("inprocess", InProcess()),
        ("processes", make_executor(2, None)),
        ("dask", make_executor(2, "local")),
    ):
        try:
            result = run_experiment(p, tmp_path / name, executor)
        finally:
            executor.close()
        assert not result.failed, [o.error for o in result.failed]
        outs[name] = tmp_path / name
    for run in sorted(p.run_id(pt.id, k) for pt in p.points for k in (1, 2)):
        expected = csv_bytes(outs["inprocess"] / "runs" / run)
        assert len(expected) == len(TABLES)
        for name in ("processes", "dask"):
            assert csv_bytes(outs[name] / "runs" / run) == expected, (name, run)
    for table in ("runs.csv", "summary.csv", "comparisons.csv"):
        first = (outs["inprocess"] / table).read_bytes()
        assert (outs["processes"] / table).read_bytes() == first
        assert (outs["dask"] / table).read_bytes() == first


# ---- resume and faults -------------------------------------------------------------------------
def test_resume_runs_only_what_is_missing_and_gives_the_same_tables(
    study: Path, tmp_path: Path
) -> None:
    """An experiment with a run lost, a run without its kpis.json (cut short) and a run marked
    failed is finished by --resume, which makes just those three runs again; the tables then
    equal those of the uninterrupted experiment."""
    damaged = tmp_path / "out"
    shutil.copytree(study, damaged)
    shutil.rmtree(damaged / "runs" / "p01-r002")
    (damaged / "runs" / "p02-r001" / "kpis.json").unlink()
    kpis = damaged / "runs" / "p02-r003" / "kpis.json"
    kpis.write_text(kpis.read_text(encoding="utf-8").replace('"ok"', '"failed"'), "utf-8")
    for table in ("runs.csv", "summary.csv", "comparisons.csv"):
        (damaged / table).unlink()
    source = json.loads((study / "manifest.json").read_text(encoding="utf-8"))
    status, stdout, stderr = call("experiment", source["experiment_file"], "--out", str(damaged),
                                  "--workers", "1", "--resume")  # fmt: skip
    assert status == 0, stderr
    assert "(3 runs made" in stdout
    for table in ("summary.csv", "comparisons.csv"):
        assert (damaged / table).read_bytes() == (study / table).read_bytes(), table
    assert (damaged / "runs.csv").read_bytes() == (study / "runs.csv").read_bytes()


def test_resume_refuses_a_folder_made_by_another_experiment(study: Path, tmp_path: Path) -> None:
    """--resume with other scenarios (another seed here) is a user error; nothing is run."""
    copy = tmp_path / "out"
    shutil.copytree(study, copy)
    path = write_experiment(tmp_path, alternatives=RE_ALTERNATIVES, seed=8)
    status, _, stderr = call("experiment", str(path), "--out", str(copy), "--resume")
    assert status == 2
    assert "was made by a different experiment" in stderr


def test_an_existing_folder_needs_resume_or_force(study: Path, tmp_path: Path) -> None:
    """Without --resume or --force an existing folder is refused; --force replaces an
    experiment folder but not someone's folder."""
    path = write_experiment(tmp_path, replications=1, alternatives=RE_ALTERNATIVES)
    copy = tmp_path / "out"
    shutil.copytree(study, copy)
    status, _, stderr = call("experiment", str(path), "--out", str(copy))
    assert status == 2 and "--resume" in stderr
    status, _, stderr = call("experiment", str(path), "--out", str(copy), "--force",
                             "--workers", "1", "--quiet")  # fmt: skip
    assert status == 0, stderr
    assert len(read(copy, "runs.csv")) == 2
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    status, _, stderr = call("experiment", str(path), "--out", str(mine), "--force")
    assert status == 2 and "--force refuses" in stderr
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep"


def test_a_failing_run_is_recorded_and_the_others_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that raises is recorded with its seed and error in the manifest and runs.csv; the
    other runs finish; the command exits 1 naming the failed run; --resume then redoes it."""
    import mill.experiment.task as task_module

    real = task_module.run_scenario
    bad_seed = replication_seed(7, 2)

    def flaky(sc, out, **kwargs):  # type: ignore[no-untyped-def]
        if sc.run.seed == bad_seed and sc.plant.degasser.re_addition_pct == 0.0:
            raise RuntimeError("furnace model diverged")
        return real(sc, out, **kwargs)

    monkeypatch.setattr(task_module, "run_scenario", flaky)
    path = write_experiment(tmp_path, alternatives=RE_ALTERNATIVES)
    out = tmp_path / "out"
    status, _, stderr = call("experiment", str(path), "--out", str(out), "--workers", "1")
    assert status == 1
    assert "p02-r002" in stderr and "furnace model diverged" in stderr
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["failed_runs"] == ["p02-r002"] and m["status"] == "failed"
    assert m["runs"]["p02-r002"]["seed"] == bad_seed
    assert "RuntimeError: furnace model diverged" in m["runs"]["p02-r002"]["error"]
    runs = read(out, "runs.csv")
    assert (runs["status"] == "ok").sum() == 5
    assert read(out, "summary.csv").query("point == 'p02'")["n"].max() == 2
    monkeypatch.setattr(task_module, "run_scenario", real)
    status, stdout, stderr = call("experiment", str(path), "--out", str(out), "--workers", "1",
                                  "--resume")  # fmt: skip
    assert status == 0, stderr
    assert "(1 runs made" in stdout


def test_an_interrupted_experiment_keeps_finished_runs_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C in the third run: exit 130, the two finished runs stay complete, no partial run
    folder is left; --resume makes the rest."""
    import mill.experiment.task as task_module

    real = interrupt_run(monkeypatch, at=3)
    path = write_experiment(tmp_path, alternatives=RE_ALTERNATIVES)
    out = tmp_path / "out"
    status, _, _ = call("experiment", str(path), "--out", str(out), "--workers", "1")
    assert status == 130
    assert sorted(p.name for p in (out / "runs").iterdir()) == ["p01-r001", "p01-r002"]
    monkeypatch.setattr(task_module, "run_scenario", real)
    status, stdout, stderr = call("experiment", str(path), "--out", str(out), "--workers", "1",
                                  "--resume")  # fmt: skip
    assert status == 0, stderr
    assert "(4 runs made" in stdout


def test_keep_summary_keeps_manifest_summary_and_kpis_only(tmp_path: Path) -> None:
    """--keep summary: each run folder keeps manifest.json, summary.json and kpis.json; the
    experiment's tables are still complete."""
    path = write_experiment(tmp_path, replications=2, alternatives=RE_ALTERNATIVES)
    out = tmp_path / "out"
    status, _, stderr = call("experiment", str(path), "--out", str(out), "--workers", "1",
                             "--keep", "summary", "--quiet")  # fmt: skip
    assert status == 0, stderr
    for run in (out / "runs").iterdir():
        assert sorted(p.name for p in run.iterdir()) == ["kpis.json", "manifest.json",
                                                         "summary.json"]  # fmt: skip
    runs = read(out, "runs.csv")
    assert runs["charpy_true_j.NM400"].notna().all()


# ---- sequential precision ----------------------------------------------------------------------
def test_precision_adds_replications_until_the_half_width_is_small_enough(
    tmp_path: Path,
) -> None:
    """--precision 0.5 --kpi throughput_t_per_h stops each point at the first n ≥ 5 where
    the 95 % half-width is within γ/(1+γ) of the mean (Law §9.4.1), or at the cap; the
    manifest says why, and the summary uses exactly those n replications. (The experiment
    seed is chosen so that every point meets the precision before the cap on the shipped
    baseline: seed 7 stopped at the cap once the baseline gained plate-mill stops.)"""
    path = write_experiment(tmp_path, replications=8, alternatives=RE_ALTERNATIVES, seed=8)
    out = tmp_path / "out"
    status, _, stderr = call("experiment", str(path), "--out", str(out), "--workers", "1",
                             "--precision", "0.5", "--kpi", "throughput_t_per_h",
                             "--quiet")  # fmt: skip
    assert status == 0, stderr
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    runs = read(out, "runs.csv")
    summary = read(out, "summary.csv").query("kpi == 'throughput_t_per_h'")
    target = 0.5 / 1.5
    reasons = {why.split(" ")[0] for why in m["stop"].values()}
    for point, n_used in m["replications_used"].items():
        x = runs[runs["point"] == point].sort_values("replication")["throughput_t_per_h"]
        x = x.to_numpy(dtype=float)

        def rel(n: int, x: np.ndarray = x) -> float:
            half = stats.t.ppf(0.975, n - 1) * x[:n].std(ddof=1) / math.sqrt(n)
            return float(half / abs(x[:n].mean()))

        why = m["stop"][point]
        if why.startswith("precision met"):
            assert rel(n_used) <= target
            assert all(rel(n) > target for n in range(5, n_used))
        else:
            assert why.startswith("replication cap 8") and n_used == 8
            assert all(rel(n) > target for n in range(5, 9))
        assert int(summary.loc[summary["point"] == point, "n"].iloc[0]) == n_used
    assert reasons == {"precision"}, m["stop"]  # at least: the met branch ran


def test_precision_with_an_unknown_kpi_names_the_nearest(tmp_path: Path) -> None:
    """A --kpi that no run reports is exit 2 with a did-you-mean."""
    path = write_experiment(tmp_path, replications=5, alternatives=RE_ALTERNATIVES)
    status, _, stderr = call("experiment", str(path), "--out", str(tmp_path / "o"),
                             "--workers", "1", "--precision", "0.1", "--kpi",
                             "escapes.per_milion_prime")  # fmt: skip
    assert status == 2
    assert "did you mean 'escapes.per_million_prime'" in stderr


# ---- bad experiment files ----------------------------------------------------------------------
BAD = [
    ('[experiment]\nname="x"\nscenario="S"\nreplicatons=3\n',
     "experiment.replicatons: unknown field; did you mean 'replications'?"),
    ('[experiment]\nname="x"\nscenario="S"\nreplications=0\n',
     "experiment.replications: "),
    ('[experiment]\nname="x"\nscenario="S"\nreplications="3"\n',
     "experiment.replications: "),
    ('[experiment]\nname="a b/c"\nscenario="S"\n', "experiment.name: "),
    ('[experiment]\nname="x"\nscenario="S"\n[[alternatives]]\nname="A"\n[[alternatives]]\n'
     'name="A"\n', "names must be distinct"),
    ('[experiment]\nname="x"\nscenario="S"\n[factors]\n"run.seed"=[1, 1]\n',
     "levels must be distinct"),
    ('[experiment]\nname="x"\nscenario="S"\n[[alternatives]]\nname="A"\n'
     'set={"plant.degasser.re_addition_pct"=-1.0}\n',
     "point p01 (alternative 'A'): plant.degasser.re_addition_pct: "),
    ('[experiment]\nname="x"\nscenario="S"\n[factors]\n"plant.nonsense.x"=[1.0]\n',
     "point p01: plant.nonsense: unknown field"),
    ('[experiment]\nname="x"\nscenario="missing.toml"\n', "missing.toml: no such file"),
    ('[experiment\nname="x"\n', "not valid TOML"),
    ('[experiment]\nscenario="S"\n', "experiment.name: required field is missing"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD, ids=range(len(BAD)))
def test_a_bad_experiment_file_is_exit_2_with_its_path_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    """A wrong field names its dotted path (and the design point for a bad override); exit 2,
    no traceback, no experiment folder."""
    from core_support import BASELINE

    monkeypatch.chdir(tmp_path)
    path = tmp_path / "bad.toml"
    path.write_text(text.replace('"S"', json.dumps(str(BASELINE))), encoding="utf-8")
    status, stdout, stderr = call("experiment", str(path))
    assert status == 2, stderr
    assert message in stderr, stderr
    assert "Traceback" not in stderr and stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_dask_without_dask_installed_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--dask when dask.distributed cannot be imported: one line naming the extra."""
    import builtins

    real_import = builtins.__import__

    def no_dask(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("dask"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_dask)
    path = write_experiment(tmp_path, alternatives=RE_ALTERNATIVES)
    status, _, stderr = call("experiment", str(path), "--out", str(tmp_path / "o"),
                             "--dask", "local")  # fmt: skip
    assert status == 2
    assert stderr.strip().splitlines() == [
        "mill: error: --dask needs Dask distributed, which is an optional extra: "
        'python3 -m pip install -e ".[dask]"'
    ]
    assert not (tmp_path / "o").exists()


def test_schema_json_describes_both_files() -> None:
    """``mill schema --json experiment|scenario`` prints JSON Schemas an editor can use."""
    status, stdout, _ = call("schema", "--json", "experiment")
    assert status == 0
    schema = json.loads(stdout)
    assert {"experiment", "alternatives", "factors"} <= set(schema["properties"])
    status, stdout, _ = call("schema", "--json", "scenario")
    assert status == 0
    assert {"run", "plant", "grades"} <= set(json.loads(stdout)["properties"])


def test_factors_cross_with_alternatives_in_a_full_factorial(tmp_path: Path) -> None:
    """2 alternatives × 2 × 2 factor levels = 8 points, each alternative compared with the
    first alternative at the same factor levels."""
    path = write_experiment(
        tmp_path, replications=1, alternatives=RE_ALTERNATIVES,
        factors={"grades.NM400.temper_temp_c": [200.0, 240.0],
                 "plant.quench.htc_w_m2k": [6000.0, 9000.0]},
    )  # fmt: skip
    p = plan(*_read(path))
    assert len(p.points) == 8
    labels = [pt.label for pt in p.points]
    assert labels[0] == "RE, temper_temp_c=200.0, htc_w_m2k=6000.0"
    assert labels[7] == "no RE, temper_temp_c=240.0, htc_w_m2k=9000.0"
    assert p.scenarios["p02"].grades["NM400"].temper_temp_c.mean() == 200.0
    assert p.scenarios["p03"].grades["NM400"].temper_temp_c.mean() == 240.0
    from mill.experiment.aggregate import reference_of

    for pt in p.points[4:]:
        ref = reference_of(pt, p.points)
        assert ref is not None and ref.alternative == "RE" and ref.factors == pt.factors
    assert np.all([reference_of(pt, p.points) is None for pt in p.points[:4]])


def test_an_experiment_of_one_point_has_a_summary_and_an_empty_comparisons_table(
    tmp_path: Path,
) -> None:
    """No alternatives, no factors: one point ("base"), its intervals, and a comparisons.csv
    that holds only its header (there is nothing to compare)."""
    path = write_experiment(tmp_path, replications=2)
    out = tmp_path / "out"
    status, stdout, stderr = call("experiment", str(path), "--out", str(out), "--workers", "1")
    assert status == 0, stderr
    assert "p01 base" in stdout
    assert read(out, "summary.csv")["point"].unique().tolist() == ["p01"]
    comp = read(out, "comparisons.csv")
    assert comp.empty and "diff_ci_low" in comp.columns
