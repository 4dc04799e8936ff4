"""Record schemas, streaming writers and the atomic run folder (no SimPy here)."""

from mill.trace.schema import TABLES, Column, column_names
from mill.trace.writer import OutputExistsError, RunFolder, TableWriter

__all__ = [
    "TABLES",
    "Column",
    "OutputExistsError",
    "RunFolder",
    "TableWriter",
    "column_names",
]
