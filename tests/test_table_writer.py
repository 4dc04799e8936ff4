"""The table writer: every row is formatted as the data dictionary says (floats fixed-point
with the column's decimals, missing and non-finite values as empty cells, text CSV-quoted when
it needs to be), whichever of its two paths (the precompiled template or cell by cell) a row
takes."""

from __future__ import annotations

import csv
import math
import numbers
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mill.trace.schema import Column
from mill.trace.writer import TableWriter

COLUMNS = (
    Column("entity_id", "", "string", "an id"),
    Column("kind", "", "category", "a word"),
    Column("count", "", "int", "a count"),
    Column("ok", "", "bool", "a flag"),
    Column("time_min", "min", "float", "a time", 3),
    Column("mass_t", "t", "float", "a mass", 4),
    Column("temp_c", "°C", "float", "a temperature", 0),
)


def _write(tmp_path: Path, rows: list[tuple[Any, ...]]) -> list[list[str]]:
    path = tmp_path / "t.csv"
    w = TableWriter("t", path, COLUMNS)
    for row in rows:
        w.write(row)
    w.close()
    assert w.rows == len(rows)
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _expected(value: Any, col: Column) -> str:
    """What a cell must hold, from the data dictionary alone."""
    if value is None or (isinstance(value, str) and value == ""):
        return ""
    if isinstance(value, numbers.Real) and not isinstance(value, int) and not math.isfinite(value):
        return ""
    if col.decimals is not None:
        try:
            return format(value, f".{col.decimals}f")
        except (ValueError, TypeError):
            return str(value)
    return str(value)


def test_floats_take_their_columns_decimals_and_missing_values_are_empty(tmp_path: Path) -> None:
    out = _write(
        tmp_path,
        [
            ("P1", "plate", 3, True, 12.5, 1.23456789, 904.6),
            ("P2", "plate", 0, False, float("nan"), None, ""),
            ("P3", "plate", 1, True, float("inf"), -0.00004, 7),
        ],
    )
    assert out[0] == [c.name for c in COLUMNS]
    assert out[1] == ["P1", "plate", "3", "True", "12.500", "1.2346", "905"]
    assert out[2] == ["P2", "plate", "0", "False", "", "", ""]
    assert out[3] == ["P3", "plate", "1", "True", "", "-0.0000", "7"]


def test_text_that_needs_quoting_is_quoted_and_reads_back(tmp_path: Path) -> None:
    rows = [
        ("id,with,commas", 'say "hi"', 1, True, 1.0, 2.0, 3.0),
        ("line\nbreak", "nan", 2, False, 0.0, 0.0, 0.0),
        ("carriage\rreturn", "x", 3, False, 0.0, 0.0, 0.0),
    ]
    out = _write(tmp_path, rows)
    assert out[1][:2] == ["id,with,commas", 'say "hi"']
    assert out[2][:2] == ["line\nbreak", "nan"]
    assert out[3][0] == "carriage\rreturn"


_text = st.one_of(st.text(max_size=8), st.none())
_num = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(np.float32),
    st.booleans().map(np.bool_),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.none(),
    st.just(""),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            _text,
            _text,
            st.one_of(st.integers(-5, 10**6), st.none()),
            st.booleans(),
            _num,
            _num,
            _num,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_row_reads_back_as_the_dictionary_formats_it(rows: list[tuple[Any, ...]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = _write(Path(tmp), rows)
    expected = [[_expected(v, c) for v, c in zip(row, COLUMNS, strict=True)] for row in rows]
    assert out[1:] == expected


def test_a_line_from_line_format_is_the_row_write_would_make(tmp_path: Path) -> None:
    """The units' unchecked path (line_format + add_line) gives the same bytes as write."""
    row = ("P1", "plate", 3, True, 12.5, 1.23456789, 904.6)
    checked = TableWriter("t", tmp_path / "a.csv", COLUMNS)
    checked.write(row)
    checked.close()
    direct = TableWriter("t", tmp_path / "b.csv", COLUMNS)
    direct.add_line(direct.line_format()(*row))
    direct.close()
    assert direct.rows == checked.rows == 1
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_a_one_column_table_keeps_an_empty_cell_as_a_row(tmp_path: Path) -> None:
    """An empty value in a one-column table is a quoted empty cell, not a blank line that
    readers skip."""
    col = (Column("note", "", "string", "a note"),)
    path = tmp_path / "one.csv"
    w = TableWriter("one", path, col)
    for v in ("", None, "x"):
        w.write((v,))
    w.close()
    with path.open(newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [["note"], [""], [""], ["x"]]
