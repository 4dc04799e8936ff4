"""Entry point for ``python -m mill``."""

from mill.cli import main

raise SystemExit(main())
