"""The data dictionary of the run folder: every table, every column, its unit and meaning.

This is the contract between simulating and analysing (DESIGN.md, the run folder). Writers
emit rows in exactly this column order; ``mill schema`` prints it; tests check every CSV's
header against it. Column names carry their unit (``_mm``, ``_t``, ``_c``, ``_min``, ``_h``,
``_hbw``, ``_j``, ``_pct``...); times are minutes from the run start, with ISO timestamps
(``_iso``) where people read them.

The tables are declared in two modules, one per folder: :mod:`mill.trace.run_tables` (the run
folder's eight) and :mod:`mill.trace.experiment_tables` (the experiment folder's three). This
module re-exports both, so every name of the dictionary is imported from here, and adds what
uses them: the row maker (``record``) and the renderers (``markdown``, ``text``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from mill.trace.experiment_tables import (
    EXPERIMENT_COMPARISONS,
    EXPERIMENT_NOTE,
    EXPERIMENT_RUNS,
    EXPERIMENT_SUMMARY,
    EXPERIMENT_TABLES,
    EXPERIMENT_TITLE,
    FACTOR_COLUMN,
    KPI_COLUMN,
)
from mill.trace.run_tables import (
    CHEMISTRY_ELEMENTS,
    DEFECTS,
    EQUIPMENT,
    EVENTS,
    GENEALOGY,
    HEATS,
    PLATES,
    SLABS,
    TABLES,
    TESTS,
    Column,
)

__all__ = [
    "CHEMISTRY_ELEMENTS",
    "DEFECTS",
    "EQUIPMENT",
    "EVENTS",
    "EXPERIMENT_COMPARISONS",
    "EXPERIMENT_RUNS",
    "EXPERIMENT_SUMMARY",
    "EXPERIMENT_TABLES",
    "FACTOR_COLUMN",
    "GENEALOGY",
    "HEATS",
    "KPI_COLUMN",
    "PLATES",
    "SLABS",
    "TABLES",
    "TESTS",
    "Column",
    "column_names",
    "markdown",
    "record",
    "table_markdown",
    "table_text",
    "text",
]


def column_names(table: str) -> list[str]:
    """Column names of ``table`` in file order."""
    return [c.name for c in TABLES[table]]


@functools.cache
def record(table: str) -> Callable[..., tuple[Any, ...]]:
    """The row maker of ``table``: ``record("plates")(plate_id=..., order_id=..., ...)``
    takes every column by name, in file order, and returns the row as a plain tuple for the
    table writer's template. A column missing, misspelt, extra or out of place is a
    ``TypeError`` naming it at the first row written (one comparison of the names checks
    them all: about 1 µs for the 64 columns of plates.csv)."""
    names = tuple(column_names(table))

    def row(**values: Any) -> tuple[Any, ...]:
        if tuple(values) != names:
            raise TypeError(_row_error(table, names, tuple(values)))
        return tuple(values.values())

    return row


def _row_error(table: str, names: tuple[str, ...], given: tuple[str, ...]) -> str:
    missing = [n for n in names if n not in given]
    extra = [n for n in given if n not in names]
    if missing or extra:
        return f"{table} row: missing columns {missing}, unknown columns {extra}"
    wrong = next(i for i, (a, b) in enumerate(zip(names, given, strict=True)) if a != b)
    return f"{table} row: column {wrong + 1} is {names[wrong]!r}, the row gives {given[wrong]!r}"


def table_markdown(heading: str, cols: tuple[Column, ...]) -> list[str]:
    """One table of the dictionary as Markdown lines: a heading, then a row per column."""
    lines = [f"## {heading}", "", "| column | unit | type | meaning |", "|---|---|---|---|"]
    lines += [f"| `{c.name}` | {c.unit} | {c.type_label} | {c.meaning} |" for c in cols]
    return [*lines, ""]


def table_text(heading: str, cols: tuple[Column, ...]) -> list[str]:
    """One table of the dictionary as aligned plain-text lines."""
    width = max(len(c.name) for c in cols)
    out = [heading]
    for c in cols:
        unit = f"[{c.unit}]" if c.unit else ""
        out.append(f"  {c.name:<{width}}  {unit:<9} {c.meaning}")
    return [*out, ""]


def markdown() -> str:
    """The data dictionary as Markdown tables (for the docs and ``mill schema --markdown``)."""
    lines = ["# Data dictionary", "", "The tables of a run folder (`mill run`).", ""]
    for title, tables in (("", TABLES), (EXPERIMENT_TITLE, EXPERIMENT_TABLES)):
        if title:
            lines += [f"# {title}", "", EXPERIMENT_NOTE, ""]
        for table, cols in tables.items():
            lines += table_markdown(f"{table}.csv", cols)
    return "\n".join(lines)


def text() -> str:
    """The data dictionary as aligned plain text (``mill schema``)."""
    out: list[str] = []
    for table, cols in [*TABLES.items(), *EXPERIMENT_TABLES.items()]:
        if table == next(iter(EXPERIMENT_TABLES)):
            out += [f"{EXPERIMENT_TITLE}:", EXPERIMENT_NOTE.replace("`", ""), ""]
        out += table_text(f"{table}.csv", cols)
    return "\n".join(out)
