"""Helpers for the fault tests (issue 12, "every fault handled"): the command line in this
process, the shape of a user error, and what a folder holds."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from mill.cli import EXIT_USER, main


def call(*argv: str) -> tuple[int, str, str]:
    """``mill ARGV`` in this process: (status, stdout, stderr); any exception fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def user_error(status: int, stderr: str) -> list[str]:
    """Check a user error (status 2, every stderr line ``mill: error: ...``, no traceback) and
    return its messages without the prefix."""
    assert status == EXIT_USER, stderr
    lines = stderr.splitlines()
    assert lines, "a user error must say what is wrong"
    assert all(line.startswith("mill: error: ") for line in lines), stderr
    assert "Traceback" not in stderr
    return [line.removeprefix("mill: error: ") for line in lines]


def one_user_error(status: int, stderr: str) -> str:
    """A user error with exactly one message line; returns it."""
    messages = user_error(status, stderr)
    assert len(messages) == 1, messages
    return messages[0]


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes), to show what was written."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
