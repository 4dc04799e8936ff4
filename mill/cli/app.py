"""The ``mill`` command line: the parser and the entry point (``main``).

User errors (a bad scenario, a missing file, an existing output folder) print one clear
message and exit with status 2, with no traceback and no output folder. A run whose
invariants fail exits with status 1 and says which check failed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence

from mill import __version__
from mill.cli.analysis import add_parsers as add_folder_commands
from mill.cli.common import EXIT_USER, Terminated, UserError, err
from mill.cli.experiment import add_parser as add_experiment_command
from mill.cli.run import add_parsers as add_run_commands


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def build_parser() -> argparse.ArgumentParser:
    """The ``mill`` parser with every subcommand."""
    p = argparse.ArgumentParser(
        prog="mill",
        description="Discrete-event simulator of a rare-earth-treated wear-resistant plate mill.",
    )
    p.add_argument("--version", action="version", version=f"mill {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_run_commands(sub)
    add_experiment_command(sub)
    add_folder_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from mill.scenario import ScenarioError

    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "out", None) == "":  # an empty --out would silently mean the default
        err("--out: an empty path; give a path, or leave --out out for the default")
        return EXIT_USER
    user_errors: tuple[type[BaseException], ...] = (UserError, ScenarioError, FileNotFoundError)
    try:
        from mill.analysis import AnalysisError

        user_errors = (*user_errors, AnalysisError)
    except ImportError:
        pass
    in_main = threading.current_thread() is threading.main_thread()  # signals: main thread only
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    try:
        return int(args.func(args))
    except user_errors as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            err(line)
        return EXIT_USER
    except KeyboardInterrupt:
        err("interrupted; no run folder was written")
        return 130
    except Terminated:
        err("terminated (SIGTERM); no run folder was written")
        return 128 + signal.SIGTERM
    except BrokenPipeError:  # e.g. `mill trace ... | head`: the reader left, nothing to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
