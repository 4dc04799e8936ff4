"""Nothing of the user's is ever deleted, and nothing of mill's is left behind.

``--force`` replaces only a mill run or experiment folder, or an empty folder; it refuses the
working folder, any folder above it and any folder holding the scenario, each with its reason,
and touches nothing when it refuses. SIGTERM unwinds like Ctrl-C; a run killed outright leaves
a partial folder that the next run in the same parent removes (and says so); a full disk does
not stop the partial folder from being removed.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from core_support import BASELINE, TINY
from test_cli import assert_user_error, call, listing, tiny_args

from mill.model.run import run_scenario
from mill.scenario import load_scenario
from mill.trace import OutputExistsError, check_replaceable
from mill.trace.folder import leftover_path, sweep_leftovers
from mill.trace.writer import TableWriter


def every_file(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, hidden ones too (relative path → bytes)."""
    return listing(folder)


def test_force_refuses_a_folder_that_is_not_mills_and_touches_nothing(tmp_path: Path) -> None:
    """``--out victim --force`` on a user's folder is exit 2 naming the folder; it survives."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.tex").write_text("years of work", encoding="utf-8")
    before = every_file(tmp_path)
    status, stdout, stderr = call(
        "run", str(BASELINE), *tiny_args(), "--out", str(victim), "--force"
    )
    (msg,) = assert_user_error(status, stderr)
    assert "--force refuses" in msg and "not a mill run or experiment folder" in msg
    assert stdout == ""
    assert every_file(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["victim"]


def test_force_refuses_the_working_folder_holding_the_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``mill run scenario.toml --out . --force`` inside a folder deletes nothing."""
    shutil.copy(BASELINE, tmp_path / "scenario.toml")
    monkeypatch.chdir(tmp_path)
    before = every_file(tmp_path)
    status, _, stderr = call("run", "scenario.toml", *tiny_args(), "--out", ".", "--force")
    (msg,) = assert_user_error(status, stderr)
    assert "it is the working folder" in msg
    assert every_file(tmp_path) == before


def test_force_refuses_a_folder_above_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--out ..`` names a folder that holds the working folder: refused."""
    inner = tmp_path / "inner"
    inner.mkdir()
    monkeypatch.chdir(inner)
    status, _, stderr = call("run", str(BASELINE), *tiny_args(), "--out", "..", "--force")
    (msg,) = assert_user_error(status, stderr)
    assert "it holds the working folder" in msg
    assert inner.is_dir()


def test_force_refuses_a_run_folder_that_holds_the_scenario(tmp_path: Path) -> None:
    """Even a mill run folder is kept when the scenario being run lives inside it."""
    out = tmp_path / "run"
    status, _, stderr = call("run", str(BASELINE), *tiny_args(), "--out", str(out), "--quiet")
    assert status == 0, stderr
    scenario = out / "scenario.toml"  # re-running a run's own effective scenario into itself
    before = every_file(tmp_path)
    status, _, stderr = call("run", str(scenario), "--out", str(out), "--force")
    (msg,) = assert_user_error(status, stderr)
    assert f"it holds {scenario}" in msg
    assert every_file(tmp_path) == before


def test_force_refuses_a_file(tmp_path: Path) -> None:
    """``--out afile --force`` does not replace a file with a run folder."""
    afile = tmp_path / "notes.txt"
    afile.write_text("keep", encoding="utf-8")
    status, _, stderr = call("run", str(BASELINE), *tiny_args(), "--out", str(afile), "--force")
    (msg,) = assert_user_error(status, stderr)
    assert "it is a file" in msg
    assert afile.read_text(encoding="utf-8") == "keep"


def test_force_replaces_an_empty_folder(tmp_path: Path) -> None:
    """An empty folder is fair game for ``--force``."""
    out = tmp_path / "empty"
    out.mkdir()
    status, _, stderr = call("run", str(BASELINE), *tiny_args(), "--out", str(out), "--force")
    assert status == 0, stderr
    assert (out / "manifest.json").is_file()


@pytest.mark.parametrize(
    ("manifest", "replaceable"),
    [
        ('{"mill_version": "0.2.0", "seed": 1}', True),
        ('{"seed": 1}', False),  # some other tool's manifest
        ("[1, 2]", False),
        ("not json", False),
    ],
)
def test_a_mill_folder_is_known_by_its_manifest(
    tmp_path: Path, manifest: str, replaceable: bool
) -> None:
    """Only a manifest that is a JSON object naming a mill version makes a folder mill's."""
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "manifest.json").write_text(manifest, encoding="utf-8")
    if replaceable:
        check_replaceable(folder)
    else:
        with pytest.raises(OutputExistsError, match="not a mill run"):
            check_replaceable(folder)


# ---- signals and killed runs ---------------------------------------------------------------
def _start_long_run(out: Path) -> subprocess.Popen[str]:
    """A baseline run long enough to be caught in the middle, in a fresh interpreter."""
    return subprocess.Popen(
        [sys.executable, "-m", "mill", "run", str(BASELINE), "--out", str(out), "--quiet",
         "--set", "run.horizon_days=60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def _wait_for_partial(parent: Path, proc: subprocess.Popen[str]) -> Path:
    """Wait until the run's partial folder has rows on disk; return it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        partials = [p for p in parent.iterdir() if ".partial-" in p.name]
        events = partials[0] / "events.csv" if partials else None
        if events is not None and events.is_file() and events.stat().st_size > 10_000:
            return partials[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the run never started writing")


def test_sigterm_removes_the_partial_folder_and_exits_143(tmp_path: Path) -> None:
    """SIGTERM is handled like Ctrl-C: a message, status 128 + 15, nothing left behind."""
    proc = _start_long_run(tmp_path / "out")
    _wait_for_partial(tmp_path, proc)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert stderr == "mill: error: terminated (SIGTERM); no run folder was written\n"
    assert list(tmp_path.iterdir()) == []


def test_a_killed_runs_partial_folder_is_removed_by_the_next_run(tmp_path: Path) -> None:
    """kill -9 leaves ``.NAME.partial-PID-HOST``; the next run in that parent removes it and
    says so, and leaves a live process's partial folder and the user's files alone."""
    proc = _start_long_run(tmp_path / "killed")
    partial = _wait_for_partial(tmp_path, proc)
    proc.kill()
    proc.wait(timeout=60)
    assert partial.is_dir()
    # a partial folder of a process that is alive (this test's own) must survive the sweep
    alive = tmp_path / partial.name.replace(f"-{proc.pid}-", f"-{os.getppid()}-")
    alive.mkdir()
    (tmp_path / ".notes.partial-x").mkdir()  # not mill's naming: not touched
    status, _, stderr = call("run", str(BASELINE), *tiny_args(), "--out", str(tmp_path / "next"))
    assert status == 0, stderr
    assert not partial.exists()
    assert f"mill: removed {partial}, left by a run that was killed" in stderr
    assert alive.is_dir() and (tmp_path / ".notes.partial-x").is_dir()


def test_an_old_folder_left_between_the_renames_is_restored(tmp_path: Path) -> None:
    """Killed after the old run was moved aside but before the new one took its name: the next
    run puts the old run back rather than deleting it."""
    sc = load_scenario(BASELINE, TINY)
    first = run_scenario(sc, tmp_path / "run")
    moved = leftover_path(first.path, "old", pid=_a_dead_pid())
    first.path.rename(moved)
    second = run_scenario(sc, tmp_path / "other")
    assert second.swept == [moved]
    assert (tmp_path / "run" / "manifest.json").is_file()
    assert not moved.exists()


def test_the_sweep_takes_only_this_hosts_leftover_folders(tmp_path: Path) -> None:
    """A leftover is removed only when it is a folder named by this host's naming for a
    process that is gone: another host's partial folder (its process may still be running
    there, on a shared disk) and a file that merely has the name are left alone."""
    dead = _a_dead_pid()
    mine = leftover_path(tmp_path / "a", "partial", pid=dead)
    mine.mkdir()
    stem, _, _host = leftover_path(tmp_path / "b", "partial", pid=dead).name.rpartition("-")
    other_host = tmp_path / f"{stem}-otherhost"
    other_host.mkdir()
    a_file = leftover_path(tmp_path / "c", "partial", pid=dead)
    a_file.write_text("not a run folder", encoding="utf-8")
    assert sweep_leftovers(tmp_path) == [mine]
    assert not mine.exists()
    assert other_host.is_dir() and a_file.is_file()


def _a_dead_pid() -> int:
    """The id of a process that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# ---- a full disk -----------------------------------------------------------------------------
class _FullDisk:
    """A text file on a full disk: every write and the final flush fail with ENOSPC."""

    closed = False

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self) -> None:
        self.closed = True
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_while_writing_tables_leaves_no_partial_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills mid-run: exit 2 with the reason, and the partial folder is removed even
    though every further write fails (cleanup does not write)."""
    real_init = TableWriter.__init__

    def on_full_disk(self: TableWriter, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        if self.name == "events":
            self._fh.close()
            self._fh = _FullDisk()  # type: ignore[assignment]

    monkeypatch.setattr(TableWriter, "__init__", on_full_disk)
    status, _, stderr = call("run", str(BASELINE), *tiny_args(), "--out", str(tmp_path / "out"))
    (msg,) = assert_user_error(status, stderr)
    assert "No space left on device" in msg
    assert list(tmp_path.iterdir()) == []


def test_runs_manifest_names_a_mill_version(tmp_path: Path) -> None:
    """The marker ``--force`` relies on is written by every run."""
    result = run_scenario(load_scenario(BASELINE, TINY), tmp_path / "run")
    manifest = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["mill_version"]
