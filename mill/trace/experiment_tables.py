"""The experiment folder's three tables (``mill experiment``; written by
``mill/experiment/aggregate.py``): one row per run, per point and KPI, per comparison.

Floats are written at full precision, so the columns carry no decimals. Code uses these tables
through :mod:`mill.trace.schema`, which re-exports every public name here.
"""

from __future__ import annotations

from mill.trace.run_tables import Column

FACTOR_COLUMN = "<factor key>"
"""Stands for one column per factor of the design (its dotted scenario path)."""
KPI_COLUMN = "<KPI path>"
"""Stands for one column per KPI (its dotted path)."""


def _e(name: str, unit: str, dtype: str, meaning: str) -> Column:
    """A column of an experiment table (floats at full precision: no fixed decimals)."""
    return Column(name, unit, dtype, meaning)


_POINT = (
    _e("point", "", "category", "design point p01, p02... (alternatives outermost, then the "
       "factor levels in file order)"),
    _e("label", "", "category", "readable name of the point: the alternative and each factor "
       "level as LAST_KEY_PART=LEVEL ('base' when there are neither)"),
)  # fmt: skip
_KPI = (
    _e("kpi", "", "category", "KPI: its dotted path, a runs.csv column"),
    _e("better", "", "category", "high or low: the better direction of the KPI (fewer "
       "escapes, more yield); empty when it has none (WIP)"),
)  # fmt: skip
EXPERIMENT_RUNS: tuple[Column, ...] = (
    _e("run_id", "", "string", "run folder under runs/: POINT-rKKK"),
    *_POINT,
    _e("alternative", "", "category", "alternative's name (empty when the experiment has none)"),
    _e(FACTOR_COLUMN, "", "as given", "one column per factor, named by its dotted scenario "
       "path (grades.NM400.temper_temp_c): the level at this point"),
    _e("replication", "", "int", "replication k (1-based); replication k of every point ran "
       "with the same seed (common random numbers)"),
    _e("seed", "", "int", "run seed of replication k: first 32-bit word of "
       "SeedSequence(experiment seed, spawn_key=(k,))"),
    _e("status", "", "category", "ok; failed (the run raised); invariant_violated (the run "
       "finished but an invariant failed); only ok runs enter summary.csv and comparisons.csv"),
    _e("error", "", "string", "why the run failed (exception message or failed invariants); "
       "empty when ok"),
    _e(KPI_COLUMN, "", "float", "one column per KPI, in name order, named by its dotted path "
       "in the run's summary.json (escapes.per_million_prime, "
       "yield_by_tonnage.slab_to_prime_pct...), plus from plates.csv (released plates in the KPI "
       "window): ut_rejects_pct, ut_indications_per_plate, charpy_true_j.GRADE and "
       "hardness_true_hbw.GRADE (mean true values); empty when the run failed or the KPI is "
       "undefined"),
)  # fmt: skip
EXPERIMENT_SUMMARY: tuple[Column, ...] = (
    *_POINT,
    _e("alternative", "", "category", "alternative's name (empty when there are none)"),
    *_KPI,
    _e("n", "", "int", "replications the statistics use: successful runs (within the point's "
       "replications used) with a finite value"),
    _e("mean", "", "float", "mean of the KPI over the n replications (the KPI's unit)"),
    _e("sd", "", "float", "sample standard deviation (n − 1); empty when n < 2"),
    _e("ci_low", "", "float", "lower end of the 95 % Student-t interval for the mean, "
       "mean − t(n−1, 0.975)·sd/√n; empty when n < 2"),
    _e("ci_high", "", "float", "upper end of that interval"),
    _e("half_width", "", "float", "(ci_high − ci_low) / 2"),
    _e("in_best_subset", "", "bool", "the point is in the subset that contains the best point "
       "with 95 % confidence (Nelson et al. 2001 screening, common random numbers); empty for "
       "a KPI without a direction, a single point or fewer than 2 replications"),
)  # fmt: skip
EXPERIMENT_COMPARISONS: tuple[Column, ...] = (
    *_POINT,
    _e("reference", "", "category", "the point it is compared against: the first "
       "alternative at the same factor levels (with no alternatives, the first point)"),
    _e("reference_label", "", "category", "label of the reference"),
    *_KPI,
    _e("n", "", "int", "replication pairs: both points succeeded and both values are finite"),
    _e("reference_mean", "", "float", "mean of the reference over the replications both "
       "points have (its finite values)"),
    _e("point_mean", "", "float", "mean of the point over the same replications"),
    _e("diff_mean", "", "float", "mean of the paired differences point − reference "
       "(replication k against replication k: same seed)"),
    _e("diff_sd", "", "float", "standard deviation of the paired differences"),
    _e("diff_ci_low", "", "float", "lower end of the 95 % paired-t interval for the "
       "difference"),
    _e("diff_ci_high", "", "float", "upper end of that interval"),
    _e("diff_pct", "%", "float", "100 · diff_mean / |reference_mean|; empty when that is 0"),
    _e("excludes_zero", "", "bool", "the 95 % interval excludes 0: a difference shown at "
       "the 5 % level"),
    _e("bonferroni_m", "", "int", "m, the number of point-vs-reference comparisons of this "
       "KPI (the Bonferroni family: one KPI's comparisons, not all KPIs)"),
    _e("bonferroni_ci_low", "", "float", "lower end of the interval at level 1 − 0.05/m, so "
       "the m intervals of a KPI hold jointly with 95 % confidence"),
    _e("bonferroni_ci_high", "", "float", "upper end of that interval"),
    _e("bonferroni_excludes_zero", "", "bool", "the Bonferroni interval excludes 0"),
    _e("crn_variance_ratio", "", "float", "Var(differences) / (Var(point) + Var(reference)): "
       "below 1, common random numbers made the comparison that much more precise than "
       "independent runs"),
)  # fmt: skip
EXPERIMENT_TABLES: dict[str, tuple[Column, ...]] = {
    "runs": EXPERIMENT_RUNS,
    "summary": EXPERIMENT_SUMMARY,
    "comparisons": EXPERIMENT_COMPARISONS,
}
"""The tables of an experiment folder. Floats are written at full precision (not rounded to a
number of decimals); a missing value is an empty cell."""
EXPERIMENT_TITLE = "The experiment folder"
EXPERIMENT_NOTE = (
    "`mill experiment` writes these three tables beside its `runs/` folder of run folders. "
    "Floats are written at full precision; a missing value is an empty cell."
)
