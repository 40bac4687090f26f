"""Helpers shared by the fault scenarios."""

from __future__ import annotations

from typing import Any

from sogni import SogniClient
from sogni.testing import LocalSupernet


def connect(net: LocalSupernet, **options: Any) -> SogniClient:
    """A client of ``net``."""
    return SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url, **options
    )
