"""REST envelopes: ``{status, data}`` on success, ``{status, message, errorCode}`` on error."""

from __future__ import annotations

from typing import Any

from aiohttp import web

__all__ = ["error", "raw", "success"]


def success(data: Any, status: int = 200) -> web.Response:
    """The ``{"status": "success", "data": ...}`` envelope."""
    return web.json_response({"status": "success", "data": data}, status=status)


def error(status: int, message: str, error_code: int | None = None) -> web.Response:
    """The error envelope; ``errorCode`` defaults to the HTTP status."""
    body = {"status": "error", "message": message, "errorCode": error_code or status}
    return web.json_response(body, status=status)


def raw(data: Any, status: int = 200) -> web.Response:
    """Bare JSON, as the socket host's HTTP endpoints answer."""
    return web.json_response(data, status=status)
