"""Times as the network reports them: epoch milliseconds and ISO 8601 in UTC."""

from __future__ import annotations

import time

__all__ = ["iso_ms", "now_ms"]


def now_ms() -> int:
    """Wall-clock time in milliseconds, as the network reports times."""
    return int(time.time() * 1000)


def iso_ms(ms: int) -> str:
    """``ms`` (epoch milliseconds) as ISO 8601 with milliseconds, in UTC."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}Z"
