"""``python -m sogni``: the ``sogni`` command line."""

from __future__ import annotations

import sys

from sogni.cli import main

if __name__ == "__main__":
    sys.exit(main())
