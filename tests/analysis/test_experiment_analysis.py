"""Analysis of experiment folders: load_experiment, its two plots, the experiment report,
``mill compare`` on experiment points and runs, and the data dictionary of the tables.

One small experiment (2 alternatives × a 2-level factor × 3 replications, 0.75 simulated days,
in this process) is made once per session through the Python API; every test only reads its
folder, or a copy of its tables."""

from __future__ import annotations

import base64
import contextlib
import io
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomli_w
from matplotlib.collections import LineCollection, PolyCollection
from scipy import stats

from mill.analysis import (
    AnalysisError,
    Experiment,
    compare_points,
    comparison_text,
    factor_effect,
    is_experiment_folder,
    load_experiment,
    plot_factor_effect,
    plot_kpi_by_point,
    write_experiment_report,
)
from mill.analysis.inference import welch_ci
from mill.cli import main
from mill.trace import schema

REPO = Path(__file__).resolve().parents[2]
FACTOR = "orders.tonnes_per_day"
KPI = "throughput_t_per_h"
TABLES = ("manifest.json", "experiment.toml", "runs.csv", "summary.csv", "comparisons.csv")


@pytest.fixture(scope="session")
def exp_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's experiment: RE / no RE × orders.tonnes_per_day 650 / 850, 3 replications."""
    from mill.experiment import make_executor, plan, read_experiment, run_experiment

    folder = tmp_path_factory.mktemp("experiment")
    data = {
        "experiment": {
            "name": "re_load", "scenario": str(REPO / "scenarios" / "baseline.toml"),
            "replications": 3, "seed": 5,
            "set": {"run.horizon_days": 0.75, "run.warmup_days": 0.2},
        },
        "alternatives": [
            {"name": "RE"}, {"name": "no RE", "set": {"plant.degasser.re_addition_pct": 0.0}},
        ],
        "factors": {FACTOR: [650.0, 850.0]},
    }  # fmt: skip
    path = folder / "re_load.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    spec, scenario = read_experiment(path)
    executor = make_executor(1, None)
    try:
        result = run_experiment(plan(spec, path, scenario), folder / "out", executor)
    finally:
        executor.close()
    assert not result.failed
    return result.path


@pytest.fixture(scope="session")
def exp(exp_dir: Path) -> Experiment:
    return load_experiment(exp_dir)


def _copy_tables(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True)
    for name in TABLES:
        shutil.copy2(src / name, dst / name)
    return dst


def call(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


# ---- load_experiment ------------------------------------------------------------------------
def test_load_experiment_types_the_tables(exp: Experiment) -> None:
    """Points, labels, alternatives, KPIs and statuses are categoricals in design order; counts
    are int64; the yes/no columns are nullable booleans (empty where undefined); KPIs float."""
    assert exp.name == "re_load"
    assert list(exp.points.index) == ["p01", "p02", "p03", "p04"]
    assert exp.factors == [FACTOR] and exp.alternatives == ["RE", "no RE"]
    for frame in (exp.runs, exp.summary, exp.comparisons):
        assert isinstance(frame["point"].dtype, pd.CategoricalDtype)
        assert list(frame["point"].cat.categories) == ["p01", "p02", "p03", "p04"]
        assert list(frame["label"].cat.categories)[:2] == ["RE, tonnes_per_day=650.0",
                                                           "RE, tonnes_per_day=850.0"]  # fmt: skip
    for frame in (exp.runs, exp.summary):
        assert list(frame["alternative"].cat.categories) == ["RE", "no RE"]
    assert exp.runs["replication"].dtype == "int64" and exp.runs["seed"].dtype == "int64"
    assert exp.runs["status"].dtype == "category"
    assert exp.runs["error"].dtype == "string" and exp.runs["error"].isna().all()
    assert exp.runs[KPI].dtype == "float64" and exp.runs[FACTOR].dtype == "float64"
    assert exp.summary["kpi"].dtype == "category" and exp.summary["n"].dtype == "int64"
    assert exp.summary["in_best_subset"].dtype == "boolean"
    assert exp.summary["in_best_subset"].isna().any()  # WIP has no direction
    assert exp.summary.loc[exp.summary["kpi"] == KPI, "in_best_subset"].notna().all()
    assert exp.comparisons["excludes_zero"].dtype == "boolean"
    assert exp.comparisons["bonferroni_excludes_zero"].dtype == "boolean"
    assert exp.comparisons["bonferroni_m"].dtype == "int64"
    assert KPI in exp.kpis and FACTOR not in exp.kpis and "seed" not in exp.kpis


def test_load_experiment_keeps_the_values(exp_dir: Path, exp: Experiment) -> None:
    """Typing changes no value: the loaded tables equal the raw CSVs number for number."""
    raw = pd.read_csv(exp_dir / "summary.csv")
    assert np.allclose(exp.summary["ci_low"], raw["ci_low"], equal_nan=True)
    assert (exp.summary["kpi"].astype(str) == raw["kpi"]).all()
    raw_runs = pd.read_csv(exp_dir / "runs.csv")
    assert (exp.runs["seed"].to_numpy() == raw_runs["seed"].to_numpy()).all()
    assert np.allclose(exp.runs[KPI], raw_runs[KPI])


def test_run_loads_one_replication(exp: Experiment) -> None:
    """``exp.run(point, k)`` is the run folder of replication k of that point (by id or by
    label), made with replication k's seed; a replication the point lacks is a clear error."""
    row = exp.runs[(exp.runs["point"] == "p03") & (exp.runs["replication"] == 2)].iloc[0]
    run = exp.run("p03", 2)
    assert run.path.name == row["run_id"]
    assert (
        run.manifest["seed"]
        == row["seed"]
        == exp.run("no RE, tonnes_per_day=650.0", 2).manifest["seed"]
    )
    with pytest.raises(AnalysisError, match="no replication 9"):
        exp.run("p03", 9)
    with pytest.raises(AnalysisError, match="no point 'p09'"):
        exp.run("p09", 1)


def test_a_folder_that_is_not_an_experiment_is_refused(tmp_path: Path, sim_dir: Path) -> None:
    """A run folder, an empty folder, a missing one and an experiment without its tables each
    give an AnalysisError that says what the folder is and what to do."""
    with pytest.raises(AnalysisError, match=r"is not an experiment folder \(it is a run folder"):
        load_experiment(sim_dir)
    with pytest.raises(AnalysisError, match=r"no readable manifest\.json"):
        load_experiment(tmp_path)
    with pytest.raises(AnalysisError, match="no such directory"):
        load_experiment(tmp_path / "nothing")
    (tmp_path / "manifest.json").write_text('{"kind": "experiment", "status": "running"}')
    with pytest.raises(AnalysisError, match=r"not finished \(status running\).*--resume"):
        load_experiment(tmp_path)
    assert is_experiment_folder(tmp_path) and not is_experiment_folder(sim_dir)


# ---- the data dictionary ----------------------------------------------------------------------
def test_data_dictionary_names_every_column_written(exp: Experiment, exp_dir: Path) -> None:
    """schema.EXPERIMENT_TABLES lists the columns aggregate.py writes, in order: the factor
    placeholder stands for the factor keys, the KPI placeholder for the KPIs in name order."""
    runs_header = pd.read_csv(exp_dir / "runs.csv", nrows=0).columns.tolist()
    expected: list[str] = []
    for col in schema.EXPERIMENT_RUNS:
        if col.name == schema.FACTOR_COLUMN:
            expected += exp.factors
        elif col.name == schema.KPI_COLUMN:
            expected += sorted(c for c in runs_header if c in exp.kpis)
        else:
            expected.append(col.name)
    assert runs_header == expected
    for table in ("summary", "comparisons"):
        header = pd.read_csv(exp_dir / f"{table}.csv", nrows=0).columns.tolist()
        assert header == [c.name for c in schema.EXPERIMENT_TABLES[table]]
    markdown = schema.markdown()
    for table, cols in schema.EXPERIMENT_TABLES.items():
        assert f"## {table}.csv" in markdown
        assert all(f"| `{c.name}` |" in markdown and c.meaning in markdown for c in cols)


def test_experiment_columns_carry_their_units() -> None:
    """A column of the experiment tables with a unit ends in its suffix (diff_pct)."""
    suffix = {"s": "_s", "%": "_pct"}
    units = [(c.name, c.unit) for cols in schema.EXPERIMENT_TABLES.values() for c in cols]
    assert ("diff_pct", "%") in units
    for name, unit in units:
        if unit:
            assert name.endswith(suffix[unit]), (name, unit)


# ---- plots -------------------------------------------------------------------------------------
def test_plot_kpi_by_point_draws_the_summary_intervals(exp: Experiment) -> None:
    """One error bar per point from ci_low to ci_high of summary.csv, at the point's row, with
    the point's id and label on the axis; the replications are drawn as dots."""
    fig = plot_kpi_by_point(exp, KPI)
    ax = fig.axes[0]
    rows = exp.summary[exp.summary["kpi"] == KPI].reset_index(drop=True)
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    segments = [seg for c in bars for seg in c.get_segments() if seg[0][1] == seg[1][1]]
    assert len(segments) == len(rows)
    for i, seg in enumerate(sorted(segments, key=lambda s: s[0][1])):
        assert seg[0][1] == pytest.approx(i)
        ci = [rows.loc[i, "ci_low"], rows.loc[i, "ci_high"]]
        assert sorted([seg[0][0], seg[1][0]]) == pytest.approx(ci)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == [f"{p}  {lab}" for p, lab in zip(rows["point"], rows["label"], strict=True)]
    dots = np.concatenate(
        [c.get_offsets()[:, 0] for c in ax.collections if not isinstance(c, LineCollection)]
    )
    assert sorted(dots) == pytest.approx(sorted(exp.runs[KPI]))
    assert "higher is better" in ax.get_xlabel()


def test_plot_kpi_by_point_marks_the_best_subset(exp: Experiment) -> None:
    """A point screened out of the best subset has a hollow (white) marker, one in it a filled
    one, as summary.csv's in_best_subset says."""
    kpi = next(
        k for k in exp.kpis
        if exp.summary.loc[exp.summary["kpi"] == k, "in_best_subset"].eq(False).any()
    )  # fmt: skip
    ax = plot_kpi_by_point(exp, kpi).axes[0]
    rows = exp.summary[exp.summary["kpi"] == kpi].reset_index(drop=True)
    means = [ln for ln in ax.lines if ln.get_marker() == "o" and len(ln.get_xdata()) == 1]
    hollow = [ln.get_markerfacecolor() == "white" for ln in means]
    assert hollow == [not bool(b) for b in rows["in_best_subset"]]


def test_plot_factor_effect_draws_means_and_bands(exp: Experiment) -> None:
    """One line per alternative through the means at the factor's levels (on a numeric axis),
    and a band from ci_low to ci_high: with a single factor, exactly summary.csv's rows."""
    fig = plot_factor_effect(exp, KPI, "tonnes_per_day")
    ax = fig.axes[0]
    s = exp.summary[exp.summary["kpi"] == KPI].set_index("point")
    lines = {ln.get_label(): ln for ln in ax.lines}
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2
    for alt, points in (("RE", ["p01", "p02"]), ("no RE", ["p03", "p04"])):
        line = lines[f"{alt}: mean"]
        assert list(line.get_xdata()) == [650.0, 850.0]
        assert list(line.get_ydata()) == pytest.approx(list(s.loc[points, "mean"]))
    ys = np.concatenate([b.get_paths()[0].vertices[:, 1] for b in bands])
    for value in [*s["ci_low"], *s["ci_high"]]:
        assert np.isclose(ys, value).any()
    assert ax.get_xlabel() == FACTOR


def test_factor_effect_is_a_t_interval_over_replications(exp: Experiment) -> None:
    """Each alternative × level row of factor_effect is the mean of the level's points by
    replication and its Student-t 95 % interval, computed here by hand with scipy."""
    table = factor_effect(exp, KPI, FACTOR)
    runs = exp.runs
    for _, row in table.iterrows():
        ids = row["points"].split(", ")
        by_rep = runs[runs["point"].isin(ids)].groupby("replication")[KPI].mean()
        ci = stats.t.interval(0.95, len(by_rep) - 1, by_rep.mean(), stats.sem(by_rep))
        assert row["mean"] == pytest.approx(by_rep.mean())
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(ci)


def test_plots_refuse_unknown_names(exp: Experiment) -> None:
    """An unknown KPI or factor is an AnalysisError naming the nearest KPI or the factors."""
    with pytest.raises(AnalysisError, match="did you mean 'throughput_t_per_h'"):
        plot_kpi_by_point(exp, "throughput_t_per_hour")
    with pytest.raises(AnalysisError, match=f"the factors are {FACTOR}"):
        plot_factor_effect(exp, KPI, "a50_mm")


# ---- the report ---------------------------------------------------------------------------
def test_the_report_says_when_runs_are_too_short_for_mser5(exp: Experiment) -> None:
    """The fixture's runs (0.75 days, 18 hourly WIP samples) are too short for MSER-5: the
    report says so instead of calling the warm-up adequate, and labels the figure it shows as
    the longest point's (what the manifest records), not a pooled one."""
    from mill.analysis import experiment_report_html

    assert exp.manifest["warmup"]["conclusive"] is False
    page = experiment_report_html(exp)
    assert "too short for MSER-5 to tell" in page
    assert "covers the MSER-5" not in page and "longest point" in page


def test_experiment_report_is_self_contained(exp: Experiment, tmp_path: Path) -> None:
    """``mill report EXP`` writes EXP/report.html by default: one file with every image inline
    (decodable PNGs), the design, each headline KPI's mean and CI, the comparisons with a
    verdict, the MSER-5 check and the failed-runs section; nothing is fetched from elsewhere."""
    folder = _copy_tables(exp.path, tmp_path / "exp")
    status, out, err = call("report", str(folder))
    assert (status, err) == (0, "")
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert out.strip() == f"report: {folder / 'report.html'}"
    assert not re.search(r"(src|href)=['\"](?!data:)", page)
    images = re.findall(r"src='data:image/png;base64,([^']+)'", page)
    assert len(images) == 5 + 2  # 5 KPIs by point, 2 against the factor
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    for heading in ("Design", "Comparisons against the reference", "Warm-up check (MSER-5)",
                    "Failed runs", "All KPIs"):  # fmt: skip
        assert f"<h2>{heading}" in page
    row = exp.summary[(exp.summary["kpi"] == KPI) & (exp.summary["point"] == "p02")].iloc[0]
    assert f"{row['mean']:,.2f}<small>[{row['ci_low']:,.2f}, {row['ci_high']:,.2f}] n=3" in page
    assert "All 12 runs succeeded." in page
    assert str(exp.warmup["mser5_days"]) in page


def test_experiment_report_lists_failed_runs(exp: Experiment, tmp_path: Path) -> None:
    """A failed run appears in the report with its id, seed, status and error message."""
    import json

    folder = _copy_tables(exp.path, tmp_path / "exp")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["runs"]["p02-r003"].update(status="failed", error="ValueError: boom")
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    page = write_experiment_report(folder, tmp_path / "r.html").read_text(encoding="utf-8")
    section = page.split("<h2>Failed runs</h2>")[1].split("<h2>")[0]
    assert "1 of 12 runs did not succeed" in section
    assert "p02-r003" in section and "ValueError: boom" in section
    assert str(manifest["runs"]["p02-r003"]["seed"]) in section


def test_report_of_a_run_folder_is_still_the_run_report(sim_dir: Path, tmp_path: Path) -> None:
    """``mill report`` tells a run folder from an experiment folder by the manifest's kind."""
    status, _, _ = call("report", str(sim_dir), "--out", str(tmp_path / "run.html"))
    assert status == 0
    assert "Plate mill run report" in (tmp_path / "run.html").read_text(encoding="utf-8")


# ---- compare ----------------------------------------------------------------------------------
def _values(exp: Experiment, point: str, kpi: str) -> np.ndarray:
    runs = exp.runs[exp.runs["point"] == point].sort_values("replication")
    return runs[kpi].to_numpy(dtype=float)


def test_compare_points_is_a_paired_t_interval(exp: Experiment) -> None:
    """Two points of one experiment: Δ = B − A paired by replication, its interval the paired-t
    interval (scipy's ttest_rel), the same as comparisons.csv's row for that pair."""
    table = compare_points((exp, "p01"), (exp, "p03"), [KPI, "escapes.per_million_prime"])
    for kpi in (KPI, "escapes.per_million_prime"):
        a, b = _values(exp, "p01", kpi), _values(exp, "p03", kpi)
        ci = stats.ttest_rel(b, a).confidence_interval(0.95)
        row = table.loc[kpi]
        assert row["method"] == "paired"
        assert row["diff_mean"] == pytest.approx((b - a).mean())
        assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((ci.low, ci.high))
        ref = exp.comparisons[(exp.comparisons["point"] == "p03") & (exp.comparisons["kpi"] == kpi)]
        assert row["diff_ci_low"] == pytest.approx(ref["diff_ci_low"].iloc[0])
        assert row["excludes_zero"] == bool(ref["excludes_zero"].iloc[0])


def test_compare_cli_on_points_of_one_experiment(exp: Experiment) -> None:
    """``mill compare EXP:POINT EXP:LABEL`` prints the pairing, unique A/B column headers, each
    KPI's Δ with its 95 % interval and a verdict that agrees with the interval."""
    status, out, err = call("compare", f"{exp.path}:p01", f"{exp.path}:no RE, tonnes_per_day=650.0",
                            "--kpi", KPI, "--kpi", "ut_rejects_pct")  # fmt: skip
    assert (status, err) == (0, "")
    flat = " ".join(out.split())
    assert "paired by replication" in flat and "common random numbers" in flat
    header = next(line for line in out.splitlines() if line.startswith("KPI"))
    assert "A: RE, tonnes_per_day=650.0" in header and "B: no RE, tonnes_per_day=650.0" in header
    table = compare_points((exp, "p01"), (exp, "p03"), [KPI])
    line = next(line for line in out.splitlines() if line.startswith(KPI))
    low, high = table.loc[KPI, ["diff_ci_low", "diff_ci_high"]]
    assert f"[{low:+,.2f}, {high:+,.2f}]" in line
    assert ("no difference shown" in line) == (low <= 0 <= high)


def test_compare_folders_with_the_same_seeds_pairs(exp: Experiment, tmp_path: Path) -> None:
    """Points of two experiment folders whose replications share seeds are paired, and say the
    seeds match; the numbers equal the comparison within one folder."""
    other = _copy_tables(exp.path, tmp_path / "other")
    table = compare_points(f"{exp.path}:p01", f"{other}:p03", [KPI])
    assert table.loc[KPI, "method"] == "paired"
    same = compare_points((exp, "p01"), (exp, "p03"), [KPI])
    assert table.loc[KPI, "diff_ci_high"] == pytest.approx(same.loc[KPI, "diff_ci_high"])
    text = " ".join(comparison_text(f"{exp.path}:p01", f"{other}:p03", [KPI]).split())
    assert "the seeds match" in text


def test_compare_folders_with_other_seeds_uses_welch(exp: Experiment, tmp_path: Path) -> None:
    """When the seeds differ the replications are independent: Welch's interval (scipy's
    ttest_ind with unequal variances), and the text says the comparison is not paired."""
    other = _copy_tables(exp.path, tmp_path / "other")
    runs = pd.read_csv(other / "runs.csv")
    runs["seed"] += 1
    runs.to_csv(other / "runs.csv", index=False)
    table = compare_points(f"{exp.path}:p01", f"{other}:p03", [KPI])
    a, b = _values(exp, "p01", KPI), _values(exp, "p03", KPI)
    ci = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert table.loc[KPI, "method"] == "welch"
    assert (table.loc[KPI, "diff_ci_low"], table.loc[KPI, "diff_ci_high"]) == pytest.approx(
        (ci.low, ci.high)
    )
    text = " ".join(comparison_text(f"{exp.path}:p01", f"{other}:p03", [KPI]).split())
    assert "not paired" in text and "Welch" in text


def test_welch_ci_matches_scipy() -> None:
    """welch_ci is scipy's Welch interval for b − a; NaN with fewer than 2 values a side."""
    a, b = [3.0, 4.5, 5.0, 7.25], [6.0, 9.5, 8.0]
    ci = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    got = welch_ci(a, b)
    assert (got.low, got.high) == pytest.approx((ci.low, ci.high))
    assert got.mean == pytest.approx(np.mean(b) - np.mean(a))
    assert np.isnan(welch_ci([1.0], b).low)


def test_compare_two_runs_warns_that_one_run_is_no_evidence(
    exp: Experiment, tmp_path: Path
) -> None:
    """Two run folders with the same scenario name and the same folder name: their columns are
    still told apart (A: / B:), and the output says one run cannot tell a difference from
    noise and names ``mill experiment``."""
    a, b = tmp_path / "a" / "run", tmp_path / "b" / "run"
    shutil.copytree(exp.path / "runs" / "p01-r001", a)
    shutil.copytree(exp.path / "runs" / "p03-r001", b)
    status, out, err = call("compare", str(a), str(b))
    assert (status, err) == (0, "")
    header = next(line for line in out.splitlines() if line.startswith("KPI"))
    assert "A: run" in header and "B: run" in header
    flat = " ".join(out.split())
    assert "cannot tell a real difference from noise" in flat and "mill experiment" in flat


def test_compare_refuses_mixed_or_unknown_sides(exp: Experiment, sim_dir: Path) -> None:
    """A run against an experiment point, an unknown point and an experiment with several
    points named without one: exit 2 with one clear message each."""
    cases = [
        ([str(sim_dir), f"{exp.path}:p01"], "not one of each"),
        ([f"{exp.path}:p01", f"{exp.path}:p7"], "no point 'p7'; the points are p01 (RE"),
        ([str(exp.path), f"{exp.path}:p01"], "has 4 design points; name one as EXP:POINT"),
        ([f"{exp.path}:p01", f"{exp.path}:p02", "--kpi", "escapes"], "no KPI 'escapes'"),
    ]
    for argv, message in cases:
        status, out, err = call("compare", *argv)
        assert status == 2 and out == ""
        assert err.startswith("mill: error:") and message in err, err
