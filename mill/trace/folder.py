"""The atomic output folder, what ``--force`` may replace, and the clean-up of killed runs.

A run folder (and each run of an experiment) is built under a hidden temporary sibling,
``.NAME.partial-PID-HOST``, and renamed into place only when complete, so an interrupted or
failed run leaves no folder that looks complete (DESIGN.md, the run folder).

``--force`` replaces a folder only when it is mill's own: a run or experiment folder (its
``manifest.json`` names a mill version) or an empty folder. It never replaces the working
folder, a folder above it, or a folder that holds one of the run's inputs (the scenario file),
whatever the folder holds.

A process killed outright (``kill -9``, a power cut) cannot remove its partial folder. The next
run or experiment writing into the same parent removes the partial folders whose process is
gone (on this host) and reports them; an ``.old`` folder left between the two renames of a
forced replacement is put back under its name when nothing took its place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from mill.trace.schema import TABLES, Column
from mill.trace.writer import SkippedTable, TableWriter

FORMATS = ("csv", "parquet")
"""The table file formats: ``TABLE.csv`` or ``TABLE.parquet``."""

MANIFEST = "manifest.json"
"""The file that makes a folder mill's: a JSON object with a ``mill_version`` key."""

_HOST = re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname()) or "host"
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>partial|old)-(?P<pid>\d+)-(?P<host>[^-]+)$")


class OutputExistsError(Exception):
    """The output folder exists and may not be replaced (no ``force``, or not mill's own)."""


def is_mill_folder(path: Path) -> bool:
    """Whether ``path`` is a folder mill wrote: its manifest is a JSON object naming a mill
    version (run folders and experiment folders both carry one)."""
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "mill_version" in data


def check_replaceable(path: Path, protect: Iterable[Path] = ()) -> None:
    """Raise ``OutputExistsError`` unless ``--force`` may replace the existing ``path``.

    Refused, each with its reason: the working folder and every folder above it, a folder
    holding one of ``protect`` (the run's inputs), anything that is not a folder, and a folder
    that is neither empty nor a mill run or experiment folder."""
    target = path.resolve()
    here = Path.cwd().resolve()
    if target == here:
        raise OutputExistsError(f"--force refuses {path}: it is the working folder")
    if target in here.parents:
        raise OutputExistsError(f"--force refuses {path}: it holds the working folder")
    for kept in protect:
        kept_at = kept.resolve()
        if kept_at == target or target in kept_at.parents:
            raise OutputExistsError(f"--force refuses {path}: it holds {kept}, an input of the run")
    if not target.is_dir():
        raise OutputExistsError(f"--force refuses {path}: it is a file, not a run folder")
    if any(target.iterdir()) and not is_mill_folder(target):
        raise OutputExistsError(
            f"--force refuses {path}: it is not a mill run or experiment folder (no mill "
            f"{MANIFEST}) and not empty; choose another --out or remove it yourself"
        )


def write_atomic(path: Path, text: str) -> None:
    """Write a text file by a temporary sibling and a rename, so a reader never sees half of
    it; on failure the temporary file is removed and the error raised."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


def leftover_path(final: Path, kind: str = "partial", pid: int | None = None) -> Path:
    """Where a run writing ``final`` keeps its work (``kind`` "partial") or, during a forced
    replacement, the old folder (``kind`` "old"): a hidden sibling named with the process id
    and host, so a later run can tell whether its writer is gone."""
    return final.parent / f".{final.name}.{kind}-{os.getpid() if pid is None else pid}-{_HOST}"


def _alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_leftovers(parent: Path) -> list[Path]:
    """Remove the partial folders in ``parent`` left by processes of this host that are gone;
    put a forced replacement's ``.old`` folder back when its name is free. Returns the folders
    removed or restored (their paths before the change)."""
    done: list[Path] = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return done
    for entry in sorted(entries):
        m = _LEFTOVER.match(entry.name)
        if not m or m["host"] != _HOST or not entry.is_dir():
            continue
        pid = int(m["pid"])
        if pid == os.getpid() or _alive(pid):
            continue
        final = parent / m["name"]
        if m["kind"] == "old" and not final.exists():
            entry.rename(final)  # killed between the two renames: the old run comes back
        else:
            shutil.rmtree(entry, ignore_errors=True)
        done.append(entry)
    return done


def _writer_class(file_format: str) -> type[TableWriter]:
    """The table writer of a format (pyarrow is imported only for Parquet: an extra)."""
    if file_format == "parquet":
        from mill.trace.parquet import ParquetTableWriter

        return ParquetTableWriter
    return TableWriter


class RunFolder:
    """A run folder under construction: tables stream into a temporary folder, then
    ``commit`` writes the JSON files and renames it to its final name atomically.

    ``file_format`` is "csv" or "parquet"; a table not in ``tables`` is taken from the model
    and dropped (no file). ``columns`` gives the tables to stream (file stem → columns) for
    a folder that is not a run folder (e.g. a re-scored run); default the run folder's."""

    def __init__(
        self,
        out: str | Path,
        force: bool = False,
        protect: Iterable[Path] = (),
        file_format: str = "csv",
        tables: Iterable[str] | None = None,
        columns: Mapping[str, tuple[Column, ...]] | None = None,
    ) -> None:
        if file_format not in FORMATS:
            raise ValueError(f"unknown table format {file_format!r}: {', '.join(FORMATS)}")
        self.format = file_format
        self.columns = TABLES if columns is None else columns
        wanted = set(self.columns if tables is None else tables)
        self.written = tuple(t for t in self.columns if t in wanted)
        """The tables written, in the data dictionary's order (the others are skipped)."""
        self.final = Path(out).resolve()
        if self.final.exists():
            if not force:
                raise OutputExistsError(f"{self.final} exists (use --force to replace it)")
            check_replaceable(Path(out), protect)
        self.force = force
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.swept = sweep_leftovers(self.final.parent)
        """Partial folders of killed runs removed from the parent before this one started."""
        self.tmp = leftover_path(self.final)
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir()
        self.tables: dict[str, TableWriter] = {}
        self._committed = False
        try:
            writer = _writer_class(file_format)
            for name, cols in self.columns.items():
                if name in self.written:
                    path = self.tmp / f"{name}.{file_format}"
                    self.tables[name] = writer(name, path, cols)
                else:
                    self.tables[name] = SkippedTable(name)
        except BaseException:
            self.abort()
            raise

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
        """Close every table; returns the row count of each table written."""
        for writer in self.tables.values():
            writer.close()
        return {name: self.tables[name].rows for name in self.written}

    def layout(self) -> dict[str, Any]:
        """What the manifest records of the tables: their file format and which were
        written (``load_run`` reads them by this)."""
        return {"format": self.format, "tables": list(self.written)}

    def checksums(self) -> dict[str, str]:
        """SHA-256 of every file written so far."""
        out: dict[str, str] = {}
        for path in sorted(self.tmp.iterdir()):
            # streamed in blocks: reading a file whole held a year's events.csv (90 MB) in
            # memory, the largest part of a long run's peak RSS (issue 13.1)
            with path.open("rb") as fh:
                out[path.name] = hashlib.file_digest(fh, "sha256").hexdigest()
        return out

    def commit(self) -> Path:
        """Rename the finished folder into place (replacing an old one when forced)."""
        old: Path | None = None
        if self.final.exists():
            old = leftover_path(self.final, "old")
            self.final.rename(old)
        self.tmp.rename(self.final)
        self._committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.final

    def abort(self) -> None:
        """Remove the partial folder (after a failure or interrupt). Nothing here writes, so a
        full disk cannot stop it: buffered rows are dropped, not flushed."""
        for writer in self.tables.values():
            writer.discard()
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
