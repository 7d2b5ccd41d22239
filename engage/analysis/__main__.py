"""``python -m engage.analysis``: see ``engage.analysis.cli``."""

from __future__ import annotations

from engage.analysis.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
