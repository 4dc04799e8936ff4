"""Streaming CSV writers and the atomic run folder.

Rows go to disk as the run produces them (``csv.writer``, ~10 µs a row; pandas stays out of
the hot loop), so memory does not grow with run length. The run folder is built under a
temporary sibling name and renamed into place only when complete, so an interrupted or
failed run leaves no folder that looks complete (DESIGN.md, the run folder).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from mill.trace.schema import TABLES, column_names


class OutputExistsError(Exception):
    """The output folder exists and ``force`` was not given."""


class TableWriter:
    """Appends rows (tuples in schema order) to one CSV table and counts them."""

    __slots__ = ("_fh", "_width", "_writer", "name", "path", "rows")

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        self._fh: IO[str] = path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._fh, lineterminator="\n")
        header = column_names(name)
        self._width = len(header)
        self._writer.writerow(header)
        self.rows = 0

    def write(self, row: tuple[Any, ...] | list[Any]) -> None:
        """Write one row; its length must match the schema."""
        if len(row) != self._width:
            raise ValueError(f"{self.name}: row has {len(row)} fields, schema has {self._width}")
        self._writer.writerow(row)
        self.rows += 1

    def close(self) -> None:
        """Flush and close the file."""
        self._fh.close()


class RunFolder:
    """A run folder under construction: tables stream into a temporary folder, then
    ``commit`` writes the JSON files and renames it to its final name atomically."""

    def __init__(self, out: str | Path, force: bool = False) -> None:
        self.final = Path(out).resolve()
        if self.final.exists() and not force:
            raise OutputExistsError(f"{self.final} exists (use --force to replace it)")
        self.force = force
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.final.parent / f".{self.final.name}.partial-{os.getpid()}"
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir()
        self.tables: dict[str, TableWriter] = {
            name: TableWriter(name, self.tmp / f"{name}.csv") for name in TABLES
        }
        self._committed = False

    def __getitem__(self, table: str) -> TableWriter:
        return self.tables[table]

    def write_text(self, name: str, text: str) -> None:
        """Write a text file (e.g. the effective scenario) into the folder."""
        (self.tmp / name).write_text(text, encoding="utf-8")

    def write_json(self, name: str, data: Any) -> None:
        """Write a JSON file with sorted keys (stable bytes)."""
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
        (self.tmp / name).write_text(text + "\n", encoding="utf-8")

    def close_tables(self) -> dict[str, int]:
        """Close every table; returns the row count of each."""
        for writer in self.tables.values():
            writer.close()
        return {name: w.rows for name, w in self.tables.items()}

    def checksums(self) -> dict[str, str]:
        """SHA-256 of every file written so far."""
        out: dict[str, str] = {}
        for path in sorted(self.tmp.iterdir()):
            out[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        return out

    def commit(self) -> Path:
        """Rename the finished folder into place (replacing an old one when forced)."""
        old: Path | None = None
        if self.final.exists():
            old = self.final.parent / f".{self.final.name}.old-{os.getpid()}"
            self.final.rename(old)
        self.tmp.rename(self.final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        self._committed = True
        return self.final

    def abort(self) -> None:
        """Remove the partial folder (after a failure or interrupt)."""
        for writer in self.tables.values():
            if not writer._fh.closed:
                writer.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            self.abort()
