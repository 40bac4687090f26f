"""Identifiers the client generates."""

from __future__ import annotations

import uuid


def new_id() -> str:
    """Return a random UUID v4 in upper case, the form the network uses for job ids."""
    return str(uuid.uuid4()).upper()
