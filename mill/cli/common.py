"""What every command shares: exit statuses, the user-error type, messages on stderr."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_USER = 2
EXIT_INVARIANT = 1


class UserError(Exception):
    """An error the user can fix; printed without a traceback."""


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so every partial folder is removed on the way."""


def err(message: str) -> None:
    """``mill: error: MESSAGE`` on stderr."""
    print(f"mill: error: {message}", file=sys.stderr)


def shown(path: Path) -> Path:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def say_swept(swept: Sequence[Path]) -> None:
    """Tell the user which leftovers of killed runs were cleaned up (on stderr)."""
    for path in swept:
        print(f"mill: removed {shown(path)}, left by a run that was killed", file=sys.stderr)


def add_format_option(parser: Any) -> None:
    """``--format csv|parquet``: the tables' file format (the scenario's ``output.format``)."""
    parser.add_argument(
        "--format",
        choices=("csv", "parquet"),
        help="write the tables as CSV or Parquet (overrides output.format; default csv)",
    )
