"""The ``mill`` command line: thin wrappers that parse, call and print.

User errors (a bad scenario, a missing file, an existing output folder) print one clear
message and exit with status 2, with no traceback and no output folder. A run whose
invariants fail exits with status 1 and says which check failed.
"""

from mill.cli.app import build_parser, main
from mill.cli.common import EXIT_INVARIANT, EXIT_USER, Terminated, UserError

__all__ = ["EXIT_INVARIANT", "EXIT_USER", "Terminated", "UserError", "build_parser", "main"]
