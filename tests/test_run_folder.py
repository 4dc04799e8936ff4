"""The run folder is written atomically: tables stream into a hidden temporary sibling that is
renamed into place only when complete, so a failed or interrupted run leaves no folder that
looks complete, and a forced run replaces the old folder only once the new one is finished.
"""

from __future__ import annotations

import hashlib
import json
import tracemalloc
from pathlib import Path

import pytest
from core_support import BASELINE, TINY, read_header

from mill.model.plant import Plant
from mill.model.run import run_scenario
from mill.scenario import load_scenario
from mill.trace import OutputExistsError, RunFolder
from mill.trace.schema import TABLES, column_names


def entries(folder: Path) -> list[str]:
    """Names in ``folder``, hidden ones included."""
    return sorted(p.name for p in folder.iterdir())


# ---- RunFolder --------------------------------------------------------------------------------
def test_tables_are_written_to_a_hidden_temporary_folder_until_commit(tmp_path: Path) -> None:
    """Before commit the final name does not exist; the work is in a hidden ``.NAME.partial-*``."""
    final = tmp_path / "run"
    with RunFolder(final) as folder:
        assert not final.exists()
        assert folder.tmp.parent == tmp_path
        assert folder.tmp.name.startswith(".run.partial-")
        assert {p.name for p in folder.tmp.iterdir()} == {f"{t}.csv" for t in TABLES}
        folder.close_tables()
        folder.commit()
    assert entries(tmp_path) == ["run"]


def test_every_table_starts_with_its_schema_header(tmp_path: Path) -> None:
    """A new run folder's CSVs carry exactly the data dictionary's header."""
    with RunFolder(tmp_path / "run") as folder:
        folder.close_tables()
        path = folder.commit()
    for table in TABLES:
        assert read_header(path, table) == column_names(table)


def test_a_row_of_the_wrong_width_is_refused(tmp_path: Path) -> None:
    """Writers check each row's length against the schema."""
    with RunFolder(tmp_path / "run") as folder:
        with pytest.raises(ValueError, match="genealogy: row has 2 fields, schema has 5"):
            folder["genealogy"].write(("a", "b"))
        folder["genealogy"].write(("H000001", "H000001-S01", "cast", 10.0, 1.5))
        assert folder.close_tables()["genealogy"] == 1


def test_an_exception_inside_the_folder_leaves_nothing(tmp_path: Path) -> None:
    """Leaving the ``with`` block by an exception removes the temporary folder."""
    with pytest.raises(RuntimeError), RunFolder(tmp_path / "run") as folder:
        folder["heats"].write(tuple(range(len(TABLES["heats"]))))
        raise RuntimeError("boom")
    assert entries(tmp_path) == []


def test_an_existing_folder_is_refused_without_force(tmp_path: Path) -> None:
    """RunFolder refuses to overwrite unless ``force``, and creates nothing when refusing."""
    (tmp_path / "run").mkdir()
    with pytest.raises(OutputExistsError, match="exists"):
        RunFolder(tmp_path / "run")
    assert entries(tmp_path) == ["run"]


def test_force_keeps_the_old_folder_until_the_new_one_is_complete(tmp_path: Path) -> None:
    """With ``force`` the old folder stays in place during the run and is swapped at commit."""
    old = tmp_path / "run"
    old.mkdir()
    (old / "old.txt").write_text("old", encoding="utf-8")
    (old / "manifest.json").write_text('{"mill_version": "0.0.1"}', encoding="utf-8")
    with RunFolder(old, force=True) as folder:
        assert (old / "old.txt").exists()
        folder.close_tables()
        folder.commit()
    assert not (old / "old.txt").exists()
    assert (old / "heats.csv").exists()
    assert entries(tmp_path) == ["run"]


def test_json_is_written_with_sorted_keys_and_no_nan(tmp_path: Path) -> None:
    """JSON files are byte-stable (sorted keys, fixed indent) and refuse NaN."""
    with RunFolder(tmp_path / "run") as folder:
        folder.write_json("a.json", {"b": 1, "a": [1, 2]})
        assert (folder.tmp / "a.json").read_text(encoding="utf-8") == json.dumps(
            {"a": [1, 2], "b": 1}, indent=2
        ) + "\n"
        with pytest.raises(ValueError):
            folder.write_json("nan.json", {"x": float("nan")})


def test_checksums_are_sha256_of_each_file(tmp_path: Path) -> None:
    """``checksums()`` gives the SHA-256 of every file written so far."""
    with RunFolder(tmp_path / "run") as folder:
        folder.write_text("scenario.toml", "x = 1\n")
        folder.close_tables()
        sums = folder.checksums()
        for name, digest in sums.items():
            assert digest == hashlib.sha256((folder.tmp / name).read_bytes()).hexdigest()
        assert set(sums) == {"scenario.toml", *(f"{t}.csv" for t in TABLES)}


def test_checksums_do_not_hold_a_file_in_memory(tmp_path: Path) -> None:
    """A long run's largest table (a year's events.csv is about 90 MB) is hashed in blocks:
    checksumming a 32 MB file allocates a small fraction of it (issue 13.1: reading files
    whole made the checksum step the peak of a long run's memory)."""
    with RunFolder(tmp_path / "run") as folder:
        folder.close_tables()
        big = folder.tmp / "events.csv"
        big.write_bytes(b"x" * (32 * 2**20))
        tracemalloc.start()
        try:
            digest = folder.checksums()["events.csv"]
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert digest == hashlib.sha256(big.read_bytes()).hexdigest()
        assert peak < 2**20


# ---- a whole run that fails midway ------------------------------------------------------------
def _fail_after_two_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make Plant.run simulate for real, then raise two simulated hours in."""
    real_run = Plant.run

    def failing(self: Plant, progress: object = None) -> None:
        def tick(now: float, *_: object) -> None:
            if now >= 120.0:
                raise RuntimeError("simulated failure midway")

        real_run(self, tick)

    monkeypatch.setattr(Plant, "run", failing)


def test_a_run_that_fails_midway_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that raises after rows were written leaves no final folder and no temporary one."""
    _fail_after_two_hours(monkeypatch)
    sc = load_scenario(BASELINE, TINY)
    with pytest.raises(RuntimeError, match="midway"):
        run_scenario(sc, tmp_path / "run")
    assert entries(tmp_path) == []


def test_a_forced_run_that_fails_leaves_the_old_folder_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--force`` does not destroy the previous run when the new one fails."""
    old = tmp_path / "run"
    old.mkdir()
    (old / "manifest.json").write_text('{"mill_version": "0"}', encoding="utf-8")
    _fail_after_two_hours(monkeypatch)
    with pytest.raises(RuntimeError):
        run_scenario(load_scenario(BASELINE, TINY), old, force=True)
    assert entries(tmp_path) == ["run"]
    assert entries(old) == ["manifest.json"]
    assert (old / "manifest.json").read_text(encoding="utf-8") == '{"mill_version": "0"}'


def test_a_failed_run_through_the_cli_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same through ``mill run``: an internal error propagates, and no folder is left."""
    from mill.cli import main

    _fail_after_two_hours(monkeypatch)
    with pytest.raises(RuntimeError):
        main(["run", str(BASELINE), *[f"--set={o}" for o in TINY], "--out", str(tmp_path / "r")])
    assert entries(tmp_path) == []
