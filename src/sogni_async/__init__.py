"""Async twin of the ``sogni`` SDK: the same surface, awaitable, for asyncio code.

Importing this package is cheap; the client and its transports load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sogni._version import __version__ as __version__

if TYPE_CHECKING:
    from sogni_async._chat import AsyncChatStream
    from sogni_async._client import AsyncSogniClient
    from sogni_async._project import AsyncJob, AsyncProject

__all__ = ["AsyncChatStream", "AsyncJob", "AsyncProject", "AsyncSogniClient"]

_LAZY = {
    "AsyncSogniClient": "sogni_async._client",
    "AsyncProject": "sogni_async._project",
    "AsyncJob": "sogni_async._project",
    "AsyncChatStream": "sogni_async._chat",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sogni_async' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
