"""The ``sogni`` logger tree and ``SOGNI_LOG``.

``sogni.rest`` logs each HTTP request (method, path, status, duration) and each retry,
``sogni.socket`` connects, disconnects and reconnects with their reasons, and
``sogni.projects`` every project's state changes. Nothing logged carries a header, a
query string or a message body, so no secret can reach a log. ``SOGNI_LOG=debug`` (or
``info``) sends the tree to stderr without any logging setup of the application's own.
"""

from __future__ import annotations

import logging
import os
import threading
import urllib.parse

__all__ = ["configure_from_env", "projects_log", "rest_log", "safe_url", "socket_log"]

rest_log = logging.getLogger("sogni.rest")
socket_log = logging.getLogger("sogni.socket")
projects_log = logging.getLogger("sogni.projects")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
_configured = threading.Lock()
_done = False


def configure_from_env() -> None:
    """Attach a stderr handler to the ``sogni`` logger when ``SOGNI_LOG`` asks for one
    (once per process; an unknown value is ignored)."""
    global _done
    level = _LEVELS.get(os.environ.get("SOGNI_LOG", "").strip().lower())
    if level is None or _done:
        return
    with _configured:
        if _done:
            return
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger("sogni")
        root.addHandler(handler)
        root.setLevel(level)
        _done = True


def safe_url(url: str) -> str:
    """``url`` with its query, fragment and any user info left out."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
