"""The Charpy panels count the sets that failed the set rule, not only those whose mean is low.

A set of three fails on one value below the single-value minimum even when its mean is above
the required average (``mill.quality.toughness.charpy_conforms``), and is then retested. The
lab writes its verdict on every specimen of the set (``tests.csv`` pass), so the plot's count,
``charpy_sets`` and ``spec_compliance``'s pass_pct all rest on the same verdict.
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
from synthetic_run import E

from mill.analysis import Run, charpy_sets, plot_charpy, spec_compliance
from mill.quality.toughness import charpy_conforms

TITLE = re.compile(
    r"(\d+) of (\d+) sets failed the set rule\n"
    r"\((\d+) of (\d+) first sets?, (\d+) of (\d+) retests?\)"
)


def _with_a_retested_lot(syn: Run) -> Run:
    """The synthetic run plus plate E's lot: a first set with a good mean and one value under
    the single-value minimum (70 % of 24 J), then a retest of three judged on the six."""
    first, second = [45.0, 40.0, 12.0], [40.0, 42.0, 38.0]
    first_ok = charpy_conforms(first, 24.0, 0.7)
    both_ok = charpy_conforms(first, 24.0, 0.7, retest=second)
    assert sum(first) / 3 > 24.0 and not first_ok and both_ok
    base = syn.tests.iloc[-1]
    rows = []
    for i, (value, ok, retest) in enumerate(
        [(v, first_ok, False) for v in first] + [(v, both_ok, True) for v in second]
    ):
        row = base.copy()
        row[["test_id", "entity_id", "lot_id", "value", "pass", "retest"]] = [
            f"T9{i}",
            E,
            "H000002-KVG0",
            value,
            ok,
            retest,
        ]
        rows.append(row)
    tests = pd.concat([syn.tests, pd.DataFrame(rows)], ignore_index=True)
    tests = tests.astype(syn.tests.dtypes.to_dict())
    return dataclasses.replace(syn, tables={**syn.tables, "tests": tests})


def test_a_set_failed_on_one_low_value_is_counted_though_its_mean_is_above_the_minimum(
    syn: Run,
) -> None:
    """Three sets (plate A's, E's first set and its retest): E's first set failed on its
    single low value and is counted as a failed first set; its retest passed on the six."""
    run = _with_a_retested_lot(syn)
    sets = charpy_sets(run)
    assert len(sets) == 3 and sets["n"].tolist() == [3, 3, 3]
    failed = sets[~sets["passed"]]
    assert failed[["entity_id", "retest"]].values.tolist() == [[E, False]]
    assert float(failed["mean_j"].iloc[0]) > 24.0
    title = plot_charpy(run).axes[0].get_title()
    match = TITLE.search(title)
    assert match and match.groups() == ("1", "3", "1", "2", "0", "1"), title
    assert "single-value min 16.8 J" in plot_charpy(run).axes[0].get_legend_handles_labels()[1]


def test_the_failed_sets_in_each_title_agree_with_the_tables_pass_pct(sim: Run) -> None:
    """For every grade of the shared run: the title's failed and total sets are
    ``charpy_sets``'s, and the specimens of the failed sets are the share of specimens
    ``spec_compliance`` counts as not passing."""
    sets = charpy_sets(sim)
    table = spec_compliance(sim)
    fig = plot_charpy(sim)
    grades = sorted(sets["grade"].astype(str).unique())
    assert [ax.get_title().split(":")[0] for ax in fig.axes] == grades
    for ax in fig.axes:
        grade = ax.get_title().split(":")[0]
        match = TITLE.search(ax.get_title())
        assert match, ax.get_title()
        failed, total, first_failed, first, retest_failed, retests = map(int, match.groups())
        mine = sets[sets["grade"] == grade]
        assert (failed, total) == (int((~mine["passed"]).sum()), len(mine))
        assert (first_failed + retest_failed, first + retests) == (failed, total)
        assert (retest_failed, retests) == (
            int((mine["retest"] & ~mine["passed"]).sum()),
            int(mine["retest"].sum()),
        )
        failed_specimens = int(mine.loc[~mine["passed"], "n"].sum())
        pass_pct = 100.0 * (1 - failed_specimens / int(mine["n"].sum()))
        assert abs(pass_pct - table.loc[(grade, "charpy"), "pass_pct"]) < 1e-9
