"""Record schemas, streaming writers and the atomic run folder (no SimPy here)."""

from mill.trace.folder import OutputExistsError, RunFolder, check_replaceable, is_mill_folder
from mill.trace.schema import TABLES, Column, column_names
from mill.trace.writer import TableWriter

__all__ = [
    "TABLES",
    "Column",
    "OutputExistsError",
    "RunFolder",
    "TableWriter",
    "check_replaceable",
    "column_names",
    "is_mill_folder",
]
