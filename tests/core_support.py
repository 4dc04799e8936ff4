"""Helpers shared by the core tests: paths, run overrides, run-folder readers, the CLI in a
subprocess, and hypothesis strategies for generated scenario input."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import strategies as st

from mill.model.run import RunResult
from mill.scenario import Scenario, dump_scenario

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
BASELINE = SCENARIOS / "baseline.toml"
NO_RARE_EARTH = SCENARIOS / "no_rare_earth.toml"

SHORT = ["run.horizon_days=2.5", "run.warmup_days=0.5"]
"""Overrides that make the baseline a short run (a few seconds) that still has KPIs."""
TINY = ["run.horizon_days=0.2", "run.warmup_days=0.05"]
"""Overrides for runs that only exercise the command line and the run folder (< 1 s)."""


def read_table(folder: Path, table: str) -> pd.DataFrame:
    """A run-folder CSV as raw strings (empty cells stay empty strings, nothing is guessed)."""
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


def read_header(folder: Path, table: str) -> list[str]:
    """The header row of a run-folder CSV."""
    with (folder / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


def numbers(column: pd.Series) -> pd.Series:
    """A raw string column as floats (empty cells become NaN)."""
    return pd.to_numeric(column.replace("", None), errors="raise").astype(float)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m mill ARGS`` in a fresh interpreter: real exit status, stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "mill", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


@dataclass
class RunArtifacts:
    """A finished run: its folder, the scenario it ran and the RunResult, with cached tables."""

    path: Path
    scenario: Scenario
    result: RunResult
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """The table as raw strings (read once, then cached; do not modify it)."""
        if name not in self._tables:
            self._tables[name] = read_table(self.path, name)
        return self._tables[name]

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))

    @property
    def summary(self) -> dict[str, Any]:
        return json.loads((self.path / "summary.json").read_text(encoding="utf-8"))


# ---- hypothesis strategies for generated scenario input -----------------------------------
def _paths(node: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, str(i)))
    return out


REAL_PATHS = _paths(tomllib.loads(dump_scenario(Scenario())))
KEYS = sorted({p[-1] for p in REAL_PATHS} | {"kind", "value", "low", "high", "mean", "sd"})

scalars = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(
        ["normal", "uniform", "triangular", "empirical", "constant", "S2E2", "NM400", "wip_cap"]
    ),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(),
    st.times(),
)
toml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=4),
    ),
    max_leaves=10,
)
key_paths = st.one_of(
    st.sampled_from(REAL_PATHS).map(list),
    st.tuples(st.sampled_from(REAL_PATHS), st.sampled_from(KEYS)).map(lambda t: [*t[0], t[1]]),
    st.lists(
        st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=6)), min_size=1, max_size=4
    ),
)


def set_path(data: dict[str, Any], path: list[str], value: Any) -> None:
    """Set ``value`` at ``path`` in nested tables and lists, if the path can be followed."""
    node: Any = data
    for part in path[:-1]:
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node.setdefault(part, {})
        else:
            return
    if isinstance(node, dict):
        node[path[-1]] = value
    elif isinstance(node, list) and path[-1].isdigit() and int(path[-1]) < len(node):
        node[int(path[-1])] = value


override_text = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda p, v: f"{'.'.join(p)}={v}",
        key_paths,
        st.one_of(
            st.text(max_size=15),
            st.sampled_from(["1", "-1", "1e999", "nan", "true", "[1,2]", "{a=1}", '"x"', "[", "{"]),
        ),
    ),
)


scenario_edits = st.lists(st.tuples(key_paths, toml_values), min_size=1, max_size=4)
"""A few (path, value) edits: real or made-up paths, any TOML-representable value."""


def apply_edits(data: dict[str, Any], edits: list[tuple[list[str], Any]]) -> dict[str, Any]:
    """A deep copy of ``data`` with each edit applied where its path can be followed."""
    out = copy.deepcopy(data)
    for path, value in edits:
        set_path(out, path, value)
    return out
