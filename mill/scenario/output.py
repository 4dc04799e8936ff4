"""``[output]``: what a run writes besides its summary, and in which file format.

Neither field changes the simulation: the same scenario and seed give the same plates, the
same ``summary.json`` and the same invariant results whatever is written (tested). They are
part of the effective scenario (and its hash) because they decide what the run folder holds.
"""

from __future__ import annotations

import importlib.util
from typing import Literal

from pydantic import Field, field_validator

from mill.scenario.fields import Section

RUN_TABLES = ("heats", "slabs", "plates", "genealogy", "events", "defects", "tests", "equipment")
"""The tables of a run folder, in the data dictionary's order (``mill.trace.schema.TABLES``
has the same names: a test keeps the two in step)."""

TableName = Literal[
    "heats", "slabs", "plates", "genealogy", "events", "defects", "tests", "equipment"
]


class Output(Section):
    """The run folder's file format and the tables a study may leave out.

    ``format = "parquet"`` writes each table as ``TABLE.parquet`` (needs the ``pyarrow``
    package, the ``parquet`` extra) with the data dictionary's types; ``"csv"`` (the default)
    writes ``TABLE.csv``. ``skip_tables`` lists tables not to write at all, e.g.
    ``["events", "equipment"]`` for a study that needs only plates: the largest two tables of
    a long run, which the KPIs do not read."""

    format: Literal["csv", "parquet"] = "csv"
    skip_tables: list[TableName] = Field(
        default_factory=list, description="tables not to write (the summary is always written)"
    )

    @field_validator("format")
    @classmethod
    def _pyarrow_present(cls, value: str) -> str:
        if value == "parquet" and importlib.util.find_spec("pyarrow") is None:
            raise ValueError(
                "Parquet output needs the pyarrow package: pip install 'mill[parquet]'"
            )
        return value

    @field_validator("skip_tables")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        repeated = sorted({t for t in value if value.count(t) > 1})
        if repeated:
            raise ValueError(f"lists {', '.join(repeated)} more than once")
        return sorted(value, key=RUN_TABLES.index)  # one spelling, one scenario hash

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables the run writes, in the data dictionary's order."""
        return tuple(t for t in RUN_TABLES if t not in self.skip_tables)
