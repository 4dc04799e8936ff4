"""Streaming CSV table writers (the run folder that holds them is ``mill.trace.folder``).

Rows go to disk as the run produces them, in blocks of a few hundred lines, so memory does not
grow with run length. Each table formats its rows with one precompiled template built from the
data dictionary (floats fixed-point with the column's decimals): about 2 µs for a 7-column
events row, 10–20 µs for a 64-column plates row. A row the template cannot take as it is (a
missing or non-finite value, text that needs CSV quoting) goes through ``csv.writer`` cell by
cell with the same formats, so the bytes do not depend on the path.
"""

from __future__ import annotations

import contextlib
import csv
import math
import numbers
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from mill.trace.schema import TABLES, Column

_FLUSH_LINES = 512
"""Lines held before a block goes to the file."""
_MAX_MASKS = 256
"""Templates with empty cells kept per table (one per pattern of missing values seen)."""


def _cell(value: Any, decimals: int | None) -> str:
    """One cell as text, as the row template would make it: None and non-finite numbers empty,
    a float column fixed-point (``format(value, ".Nf")``, so numpy scalars come out alike)."""
    if value is None:
        return ""
    if isinstance(value, numbers.Real) and not isinstance(value, int) and not math.isfinite(value):
        return ""
    if decimals is not None:
        try:
            return format(value, f".{decimals}f")
        except (ValueError, TypeError):  # text in a float column: written as it is
            return str(value)
    return str(value)


class TableWriter:
    """Appends rows (tuples of raw values in schema order) to one CSV table and counts them."""

    __slots__ = (
        "_buf", "_cells", "_commas", "_decimals", "_fh", "_float_cols", "_gappy", "_masked",
        "_template", "_width", "name", "path", "rows",
    )  # fmt: skip

    def __init__(self, name: str, path: Path, columns: tuple[Column, ...] | None = None) -> None:
        self.name = name
        self.path = path
        cols = TABLES[name] if columns is None else columns
        self._fh: IO[str] = path.open("w", newline="", encoding="utf-8")
        self._buf: list[str] = []
        self._width = len(cols)
        self._commas = self._width - 1
        self._decimals = [c.decimals for c in cols]
        self._float_cols = [i for i, d in enumerate(self._decimals) if d is not None]
        self._masked: dict[tuple[int, ...], str] = {}
        self._template = self._mask(())  # the row with no gaps
        self._gappy = False
        # the cell-by-cell path: csv.writer's quoting
        self._cells = _CsvLine()
        self._buf.append(self._cells.line([c.name for c in cols]))
        self.rows = 0

    def write(self, row: tuple[Any, ...] | list[Any]) -> None:
        """Write one row of raw values; its length must match the schema."""
        if len(row) != self._width:
            raise ValueError(f"{self.name}: row has {len(row)} fields, schema has {self._width}")
        self._append(self.format_row(row))

    def format_row(self, row: tuple[Any, ...] | list[Any]) -> str:
        """One row as its CSV line (with the newline), exactly as ``write`` would write it.

        Three paths give the same bytes, fastest first (each one measured, see the module
        docstring): the table's plain template; the template with the row's missing float
        cells left empty; ``csv.writer`` cell by cell (quoting, odd values)."""
        # speed trick: a table whose last row had gaps (plates: most rows lack some
        # measurement) goes straight to the gap template, saving one failed format a row
        if not self._gappy:
            line = self._format(self._template, row)
            if self._plain(line):
                return line
        # missing floats (None, "", NaN; ±inf fails the check): those cells left empty. Only
        # float columns are looked at: elsewhere "" is already an empty cell, and a None shows
        # as "None", which the check sends down the cell-by-cell path
        missing = tuple([i for i in self._float_cols if (v := row[i]) is None or v == "" or v != v])
        self._gappy = bool(missing)
        template = self._masked.get(missing) or self._mask(missing)
        line = self._format(template, row)
        if self._plain(line):
            return line
        return self._cells.line([_cell(v, d) for v, d in zip(row, self._decimals, strict=True)])

    def _append(self, line: str) -> None:
        self._buf.append(line)
        self.rows += 1
        if len(self._buf) >= _FLUSH_LINES:
            self.flush()

    def line_format(self) -> Callable[..., str]:
        """The table's row template as a function of the row's values (``str.format``), for
        ``add_line``."""
        return self._template.format

    def add_line(self, line: str) -> None:
        """Append a line made by ``line_format`` from values that need no checking: internal
        ids and vocabulary (no comma, quote or line break) and finite numbers. The units'
        event and state rows, most rows of a run, come this way (speed trick: no checks, about
        2 µs a row saved)."""
        self._append(line)

    @staticmethod
    def _format(template: str, row: tuple[Any, ...] | list[Any]) -> str:
        """The row through a template; "" when a value does not fit its field's format."""
        if not template:
            return ""
        try:
            return template.format(*row)
        except (ValueError, TypeError):  # e.g. "" or None in a float column
            return ""

    def _plain(self, line: str) -> bool:
        """Whether a templated ``line`` is a valid record as it stands.

        Not valid: nothing formatted, a comma or newline inside a text (the count is off), a
        quote or carriage return (CSV quoting needed), a non-finite float or a None (empty
        cells needed). Speed trick: non-finite floats and None are found by searching the
        line's text for "nan", "inf" and "None" (one pass of C code instead of a test per
        cell); a text that merely contains those letters takes the cell-by-cell path and is
        still written right, only slower."""
        return not (
            not line
            or line == "\n"  # one empty cell: csv.writer must quote it, or the row is lost
            or line.count(",") != self._commas
            or line.count("\n") != 1
            or '"' in line
            or "nan" in line
            or "inf" in line
            or "None" in line
            or "\r" in line
        )

    def _mask(self, missing: tuple[int, ...]) -> str:
        """The row template with the cells in ``missing`` empty (kept for the next row with
        the same gaps; "" when too many different gap patterns have been seen). ``()`` gives
        the plain template."""
        if len(self._masked) >= _MAX_MASKS:
            return ""
        gaps = set(missing)
        template = (
            ",".join(
                "" if i in gaps else (f"{{{i}}}" if d is None else f"{{{i}:.{d}f}}")
                for i, d in enumerate(self._decimals)
            )
            + "\n"
        )
        self._masked[missing] = template
        return template

    def flush(self) -> None:
        """Send the buffered lines to the file."""
        self._fh.write("".join(self._buf))
        self._buf.clear()

    def close(self) -> None:
        """Flush and close the file."""
        if not self._fh.closed:
            self.flush()
            self._fh.close()

    def discard(self) -> None:
        """Close the file without writing what is buffered, whatever state the disk is in (the
        abort path: a full disk must not stop the partial folder from being removed)."""
        self._buf.clear()
        # the close flushes the file object's own buffer: a full disk raises here
        with contextlib.suppress(OSError):
            self._fh.close()


class _CsvLine:
    """One record as ``csv.writer`` quotes it, returned as a line ending in "\n". The writer
    is built with the terminator "\r\n" so that it quotes a text holding a carriage return as
    well as a newline (with "\n" alone, Python 3.11's csv leaves a lone CR unquoted and the
    file no longer reads back); the record's "\r\n" is returned as "\n"."""

    __slots__ = ("_last", "_writer")

    def __init__(self) -> None:
        self._last = ""
        self._writer = csv.writer(self, lineterminator="\r\n")

    def write(self, record: str) -> None:  # the file-like end csv.writer writes into
        self._last = record

    def line(self, cells: list[str]) -> str:
        self._writer.writerow(cells)
        return self._last[:-2] + "\n"


def _nothing(*values: Any) -> None:
    """The row "format" of a skipped table: nothing is made."""


class SkippedTable(TableWriter):
    """A table the scenario leaves out (``output.skip_tables``): takes the model's rows and
    keeps none, writes no file and counts no rows. A ``TableWriter`` by type, so the model
    writes to it without knowing."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.path = Path()
        self.rows = 0

    def write(self, row: tuple[Any, ...] | list[Any]) -> None:
        """Drop the row."""

    def format_row(self, row: tuple[Any, ...] | list[Any]) -> str:
        raise NotImplementedError(f"{self.name} is not written")

    def line_format(self) -> Callable[..., Any]:
        return _nothing

    def add_line(self, line: Any) -> None:
        """Drop the row."""

    def flush(self) -> None:
        """Nothing to flush."""

    def close(self) -> None:
        """Nothing to close."""

    def discard(self) -> None:
        """Nothing to discard."""
