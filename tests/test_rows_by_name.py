"""Rows are built by column name, checked against the data dictionary (trace.schema.record):
a missing, misspelt, extra or misplaced column is an error at the first row, naming it."""

from __future__ import annotations

import pytest

from mill.trace.schema import TABLES, column_names, record


def _row(table: str) -> dict[str, object]:
    return {name: i for i, name in enumerate(column_names(table))}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_a_full_row_in_file_order_is_the_plain_tuple(table: str) -> None:
    """Every column by name, in file order: the values as a tuple in file order."""
    values = _row(table)
    assert record(table)(**values) == tuple(values.values())


def test_a_missing_column_is_named() -> None:
    values = _row("plates")
    del values["charpy_true_j"]
    with pytest.raises(TypeError, match=r"missing columns \['charpy_true_j'\]"):
        record("plates")(**values)


def test_a_misspelt_column_is_named() -> None:
    values = _row("slabs")
    values["passe"] = values.pop("passes")
    with pytest.raises(TypeError, match=r"unknown columns \['passe'\]"):
        record("slabs")(**values)


def test_a_column_out_of_place_is_named() -> None:
    """Two columns swapped: the first place that differs is named."""
    names = column_names("defects")
    values = _row("defects")
    swapped = {names[1]: values[names[1]], names[0]: values[names[0]]}
    swapped.update({n: values[n] for n in names[2:]})
    with pytest.raises(TypeError, match=r"column 1 is 'defect_id', the row gives 'entity_id'"):
        record("defects")(**swapped)
