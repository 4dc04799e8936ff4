"""Load a run folder into pandas: every table with the dtypes the data dictionary gives.

The run folder is the only input of :mod:`mill.analysis` (DESIGN.md, the run folder): a run
made last week on another machine loads the same way. Column names, units and dtypes come from
:mod:`mill.trace.schema`; grades, stages and mechanisms become categoricals, ``_iso`` columns
become datetimes, and boolean or integer columns with gaps become pandas' nullable types.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from mill.scenario.equipment import STAGE_NAMES, UNIT_NAMES
from mill.trace import schema
from mill.trace.folder import write_atomic

__all__ = [
    "STAGE_ORDER",
    "UNIT_ORDER",
    "AnalysisError",
    "Run",
    "RunLike",
    "as_run",
    "entity_kind",
    "load_run",
    "table_files",
    "verify_files",
    "write_file",
]

CSV_TABLES: tuple[str, ...] = tuple(schema.TABLES)
"""Every table a run folder can hold (as ``TABLE.csv`` or ``TABLE.parquet``)."""
RUN_FILES: tuple[str, ...] = ("scenario.toml", "manifest.json", "summary.json")
"""The files every run folder has, whatever tables it wrote."""
REQUIRED_FILES: tuple[str, ...] = (*RUN_FILES, *(f"{t}.csv" for t in CSV_TABLES))
"""The files of a run folder with the default output: CSV, every table."""

#: Process order of the stages (origin and detection stages are ordered this way).
STAGE_ORDER: tuple[str, ...] = (
    *(
        s
        for stage in STAGE_NAMES
        for s in (stage, "quench")[: 2 if stage == "heat_treatment" else 1]
    ),
    "rework",
)
"""The scenario's stages in route order, with the quench (where quench defects are born)
inside heat treatment and rework (plates going back through units) last."""
#: Process order of the units (Gantt rows, utilisation tables): the scenario's unit list.
UNIT_ORDER: tuple[str, ...] = UNIT_NAMES
_GRADE_COLUMNS = {"grade", "grade_ordered", "grade_released"}
#: Known vocabularies: these categoricals always carry these categories, in this order.
_KNOWN: dict[str, tuple[str, ...]] = {
    "disposition": ("prime", "downgraded", "scrap", "wip"),
    "seq_position": ("first", "middle", "last"),
    "state": ("busy", "idle", "blocked", "down"),
    "stop": ("breakdown", "roll_change", "maintenance", "off_shift"),
    "stop_type": ("planned", "unplanned"),
    "relation": ("cast", "rolled", "cut", "recut", "scrap", "loss"),
    "call": ("reject", "accept", "dismissed", "missed", "removed", "scrapped", "wip"),
    "detected_by": ("ut", "manual_ut", "visual", "hardness", "flatness", "none"),
    "zone": ("body", "edge", "scrap"),
    "entity_kind": ("heat", "slab", "mother", "plate"),
    "charge": ("hot", "cold"),
    "cutting_method": ("plasma", "oxyfuel"),
}
DATETIME_DTYPE: Final = "datetime64[s]"
"""The dtype of the ``_iso`` columns, from either format: they are written to the second
(pandas would pick the unit from the text otherwise, seconds for a column of gaps)."""
_STAGE_COLUMNS = {"stage", "origin_stage"}
_UNIT_COLUMNS = {("events", "unit"), ("equipment", "unit")}

_ID_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("heat", re.compile(r"^H\d+$")),
    ("heat_loss", re.compile(r"^H\d+-LOSS$")),
    ("slab", re.compile(r"^H\d+-S\d+$")),
    ("slab_loss", re.compile(r"^H\d+-S\d+-LOSS$")),
    ("slab_scrap", re.compile(r"^H\d+-S\d+-X\d*$")),
    ("mother", re.compile(r"^H\d+-S\d+-M\d+$")),
    ("mother_scrap", re.compile(r"^H\d+-S\d+-M\d+-X\d*$")),
    ("plate", re.compile(r"^H\d+-S\d+-M\d+-P\d+(R\d+)*$")),
    ("plate_scrap", re.compile(r"^H\d+-S\d+-M\d+-P\d+(R\d+)*-X\d*$")),
)


class AnalysisError(Exception):
    """A user error in analysis (not a run folder, unknown ID, plate not released prime...).

    The CLI prints the message without a traceback and exits with status 2.
    """


def entity_kind(entity_id: str) -> str:
    """Kind of an entity from its ID: heat, slab, mother, plate, or *_scrap / *_loss; or ''."""
    for kind, pattern in _ID_PATTERNS:
        if pattern.match(entity_id):
            return kind
    return ""


@dataclass
class Run:
    """One run folder in memory: every table it wrote as a DataFrame, plus manifest, summary
    and scenario. A table the run did not write (``output.skip_tables``) raises
    :class:`AnalysisError` when asked for, naming it."""

    path: Path
    tables: dict[str, pd.DataFrame]
    manifest: dict[str, Any]
    summary: dict[str, Any]
    scenario: dict[str, Any]
    missing_columns: dict[str, list[str]] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """A table by its name (``"plates"``...)."""
        if name not in CSV_TABLES:
            raise AnalysisError(f"no table {name!r}; tables are {', '.join(CSV_TABLES)}")
        if name not in self.tables:
            raise AnalysisError(
                f"{self.path}: this needs the {name} table, which the run did not write (its "
                f"scenario's output.skip_tables leaves it out); run the scenario again without "
                f"skipping {name}"
            )
        return self.tables[name]

    @property
    def heats(self) -> pd.DataFrame:
        """heats.csv (or .parquet)."""
        return self.table("heats")

    @property
    def slabs(self) -> pd.DataFrame:
        """slabs.csv (or .parquet)."""
        return self.table("slabs")

    @property
    def plates(self) -> pd.DataFrame:
        """plates.csv (or .parquet)."""
        return self.table("plates")

    @property
    def genealogy(self) -> pd.DataFrame:
        """genealogy.csv (or .parquet)."""
        return self.table("genealogy")

    @property
    def events(self) -> pd.DataFrame:
        """events.csv (or .parquet)."""
        return self.table("events")

    @property
    def defects(self) -> pd.DataFrame:
        """defects.csv (or .parquet)."""
        return self.table("defects")

    @property
    def tests(self) -> pd.DataFrame:
        """tests.csv (or .parquet)."""
        return self.table("tests")

    @property
    def equipment(self) -> pd.DataFrame:
        """equipment.csv (or .parquet)."""
        return self.table("equipment")

    @property
    def name(self) -> str:
        """Scenario name of the run (falls back to the folder name)."""
        return str(self.scenario.get("run", {}).get("name") or self.path.name)

    @property
    def start(self) -> pd.Timestamp:
        """Wall-clock time of minute 0 (``[run].start`` of the scenario)."""
        raw = self.scenario.get("run", {}).get("start", "2026-01-01T00:00:00")
        return pd.Timestamp(str(raw))

    @property
    def horizon_min(self) -> float:
        """Simulated horizon in minutes."""
        days = self.scenario.get("run", {}).get("horizon_days")
        if days is None:
            days = self.manifest.get("simulated_days", 0.0)
        return float(days) * 1440.0

    @property
    def warmup_min(self) -> float:
        """Warm-up in minutes (plates disposed before it do not count in the KPIs)."""
        return float(self.scenario.get("run", {}).get("warmup_days", 0.0)) * 1440.0

    @property
    def window(self) -> tuple[float, float]:
        """KPI window ``(start_min, end_min)``: the summary's, else warm-up to horizon."""
        win = self.summary.get("window", {})
        if "start_min" in win and "end_min" in win:
            return float(win["start_min"]), float(win["end_min"])
        return self.warmup_min, self.horizon_min

    def grade_spec(self, grade: str) -> dict[str, Any]:
        """Specification of ``grade`` from the effective scenario (``[grades.NAME]``)."""
        grades = self.scenario.get("grades", {})
        if grade not in grades:
            raise AnalysisError(f"grade {grade!r} is not in the run's scenario")
        spec: dict[str, Any] = grades[grade]
        return spec

    def to_timestamp(self, minutes: Any) -> Any:
        """Minutes from the run start → timestamps (scalar or Series)."""
        return self.start + pd.to_timedelta(minutes, unit="min")

    def __repr__(self) -> str:
        rows = ", ".join(f"{t}={len(frame)}" for t, frame in self.tables.items())
        return f"Run({str(self.path)!r}, {rows})"


RunLike = Run | str | Path


def as_run(run: RunLike) -> Run:
    """``run`` itself if it is a loaded :class:`Run`, else :func:`load_run` of the path."""
    return run if isinstance(run, Run) else load_run(run)


def table_files(manifest: dict[str, Any]) -> list[str]:
    """The table files the manifest says the run wrote: ``format`` and ``tables`` (a manifest
    older than them: every table, as CSV)."""
    fmt = manifest.get("format", "csv")
    tables = manifest.get("tables", list(CSV_TABLES))
    if fmt not in ("csv", "parquet") or not isinstance(tables, list):
        raise AnalysisError("manifest.json: damaged: its format or tables entry is not mill's")
    unknown = [t for t in tables if t not in CSV_TABLES]
    if unknown:
        raise AnalysisError(f"manifest.json: unknown table(s) {', '.join(map(str, unknown))}")
    return [f"{t}.{fmt}" for t in tables]


def _to_bool(series: pd.Series) -> pd.Series:
    if series.dtype == bool:
        return series
    if isinstance(series.dtype, pd.BooleanDtype):  # from Parquet
        return series.astype(bool) if not series.isna().any() else series
    mapped = series.map(
        lambda v: (
            {"true": True, "false": False, "1": True, "0": False}.get(str(v).strip().lower())
            if pd.notna(v)
            else pd.NA
        )
    )
    if mapped.isna().any():
        return mapped.astype("boolean")
    return mapped.astype(bool)


def _to_int(series: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(series, errors="coerce")
    if numeric.isna().any():
        return numeric.round().astype("Int64")
    return numeric.round().astype("int64")


def _categories(
    observed: list[str], table: str, column: str, grades: list[str]
) -> tuple[list[str], bool]:
    """The categories of a categorical column (known vocabularies first, in their order;
    grades, stages and units ordered) and whether they are ordered."""
    if column in _GRADE_COLUMNS:
        return sorted(set(grades) | set(observed)), True
    if column in _STAGE_COLUMNS:
        return [s for s in STAGE_ORDER if s in observed] + [
            s for s in observed if s not in STAGE_ORDER
        ], True
    if (table, column) in _UNIT_COLUMNS:
        return [u for u in UNIT_ORDER if u in observed] + [
            u for u in observed if u not in UNIT_ORDER
        ], True
    if column in _KNOWN:
        known = _KNOWN[column]
        return list(known) + [v for v in observed if v not in known], False
    return observed, False


def _categorical(series: pd.Series, table: str, column: str, grades: list[str]) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):  # from Parquet: no text round trip
        present = series.cat.remove_unused_categories().cat.categories
        observed = sorted(str(v) for v in present if str(v) != "")
        cats, ordered = _categories(observed, table, column, grades)
        out = series.cat.set_categories(cats)
        return out.cat.as_ordered() if ordered else out.cat.as_unordered()
    values = series.astype("str").where(series.notna())
    observed = sorted(v for v in values.dropna().unique() if v != "")
    values = values.where(values != "")
    cats, ordered = _categories(observed, table, column, grades)
    return pd.Series(pd.Categorical(values, categories=cats, ordered=ordered), index=series.index)


def _read_csv(path: Path, table: str) -> pd.DataFrame:
    text_cols = {
        c.name: "str"
        for c in schema.TABLES[table]
        if c.dtype in ("string", "category", "bool", "datetime")
    }  # datetimes parsed below: read as text, a column of gaps and dates is not "mixed"
    try:
        return pd.read_csv(path, dtype=text_cols, keep_default_na=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise AnalysisError(f"{path} is not a readable run table: {exc}") from exc


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise AnalysisError(
            f"{path}: reading a Parquet run needs the pyarrow package: pip install 'mill[parquet]'"
        ) from None
    try:
        data = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise AnalysisError(f"{path} is not a readable run table: {exc}") from exc
    frame: pd.DataFrame = data.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)
    return frame


def _read_table(path: Path, table: str, grades: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """A table file (CSV or Parquet, by its suffix) with the data dictionary's dtypes, and the
    columns it lacked (added as empty)."""
    cols = schema.TABLES[table]
    frame = _read_parquet(path) if path.suffix == ".parquet" else _read_csv(path, table)
    missing = [c.name for c in cols if c.name not in frame.columns]
    for name in missing:
        frame[name] = pd.NA
    for col in cols:
        s = frame[col.name]
        if col.dtype == "float":
            frame[col.name] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif col.dtype == "int":
            frame[col.name] = _to_int(s)
        elif col.dtype == "bool":
            frame[col.name] = _to_bool(s)
        elif col.dtype == "category":
            frame[col.name] = _categorical(s, table, col.name, grades)
        elif col.dtype == "datetime":
            frame[col.name] = pd.to_datetime(s, errors="coerce").astype(DATETIME_DTYPE)
        else:
            frame[col.name] = s.astype("string").mask(s.astype("string") == "")
    return frame, missing


def write_file(path: Path, text: str, run: Run | None = None) -> None:
    """Write an analysis output (report, certificate), making its folder; a path that cannot
    be written (through a file, no permission, disk full) is an :class:`AnalysisError`, and
    no partial file is left behind. A file of ``run`` itself is never overwritten."""
    if run is not None:
        sums = run.manifest.get("checksums_sha256")
        own = {*REQUIRED_FILES, *(sums if isinstance(sums, dict) else ())}
        if path.resolve() in {(run.path / str(name)).resolve() for name in own}:
            raise AnalysisError(f"refusing to write {path}: it is a file of the run itself")
    for parent in path.parents:  # mkdir would say only "File exists"
        if parent.exists():
            if not parent.is_dir():
                raise AnalysisError(f"cannot write {path}: {parent} is a file, not a folder")
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except OSError as exc:
        raise AnalysisError(f"cannot write {path}: {exc.strerror or exc}") from None


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def verify_files(folder: Path, manifest: dict[str, Any]) -> None:
    """Check every file the manifest lists (and every file a run must have) against the SHA-256
    the run recorded in ``checksums_sha256``; :class:`AnalysisError` names the first that
    differs, is missing or has no checksum."""
    sums = manifest.get("checksums_sha256")
    if not isinstance(sums, dict):
        raise AnalysisError(
            f"{folder}/manifest.json has no checksums_sha256, so the run folder cannot be "
            "verified (load_run(..., verify=False) reads it unchecked)"
        )
    names = [f for f in (*RUN_FILES, *table_files(manifest)) if f != "manifest.json"]
    names += sorted(str(n) for n in sums if n not in names)
    for name in names:
        expected = sums.get(name)
        if not isinstance(expected, str):
            raise AnalysisError(f"{folder}/manifest.json has no checksum for {name}")
        path = folder / name
        if not path.is_file():
            raise AnalysisError(f"{path}: missing, although manifest.json lists it")
        if _sha256(path) != expected:
            raise AnalysisError(
                f"{path}: damaged: its SHA-256 is not the one manifest.json recorded (the file "
                "was changed or cut short after the run)"
            )


def _verify_rows(folder: Path, manifest: dict[str, Any], tables: dict[str, pd.DataFrame]) -> None:
    rows = manifest.get("rows")
    if not isinstance(rows, dict):
        raise AnalysisError(f"{folder}/manifest.json has no row counts (rows)")
    for (table, frame), name in zip(tables.items(), table_files(manifest), strict=True):
        expected = rows.get(table)
        if not isinstance(expected, int) or isinstance(expected, bool):
            raise AnalysisError(f"{folder}/manifest.json has no row count for {name}")
        if len(frame) != expected:
            raise AnalysisError(
                f"{folder}/{name}: damaged: {len(frame)} rows where manifest.json "
                f"recorded {expected}"
            )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise AnalysisError(
            f"{path}: damaged: not UTF-8 text (at byte offset {exc.start})"
        ) from None
    except OSError as exc:
        raise AnalysisError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _read_object(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise AnalysisError(f"{path}: corrupt JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise AnalysisError(f"{path}: damaged: a JSON {type(data).__name__}, not an object")
    return data


def load_run(path: str | Path, verify: bool = True) -> Run:
    """Load the run folder at ``path``; :class:`AnalysisError` if it is not a complete run.

    The tables load the same way from CSV and from Parquet (the manifest says which format the
    run wrote and which tables): equal DataFrames for the same scenario and seed. A table the
    run did not write is not in :attr:`Run.tables`, and asking for it names it.

    With ``verify`` (the default, and what every ``mill`` command does) each file must have
    the SHA-256 and each table the row count that ``manifest.json`` recorded, so a damaged
    folder (a table cut short or edited) is refused, naming the file. ``verify=False`` skips
    the check, e.g. for a folder whose tables were filtered on purpose.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise AnalysisError(f"{folder} is not a run folder (no such directory)")
    missing_files = [f for f in RUN_FILES if not (folder / f).is_file()]
    manifest = _read_object(folder / "manifest.json") if not missing_files else {}
    files = table_files(manifest) if manifest else [f"{t}.csv" for t in CSV_TABLES]
    missing_files += [f for f in files if not (folder / f).is_file()]
    if missing_files:
        raise AnalysisError(
            f"{folder} is not a complete run folder: missing {', '.join(missing_files)}"
        )
    if verify:
        verify_files(folder, manifest)
    summary = _read_object(folder / "summary.json")
    try:
        scenario = tomllib.loads(_read_text(folder / "scenario.toml"))
    except tomllib.TOMLDecodeError as exc:
        raise AnalysisError(f"{folder}/scenario.toml is not valid TOML: {exc}") from exc
    grades_table = scenario.get("grades", {})
    grades = sorted(grades_table) if isinstance(grades_table, dict) else []
    tables: dict[str, pd.DataFrame] = {}
    missing_cols: dict[str, list[str]] = {}
    for name in files:
        table = name.split(".")[0]
        tables[table], missing = _read_table(folder / name, table, grades)
        if missing:
            missing_cols[table] = missing
    if verify:
        _verify_rows(folder, manifest, tables)
    return Run(
        path=folder,
        tables=tables,
        manifest=manifest,
        summary=summary,
        scenario=scenario,
        missing_columns=missing_cols,
    )
