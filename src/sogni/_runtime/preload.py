"""Everything the SDK's background threads may import on first use, loaded before a fork.

The SDK loads most of itself only when first used, and some of that happens on its
background threads (a result URL fetched by a worker, a record read on the socket
thread). A fork that lands while one of them is half-way through an import leaves the
child waiting on that module's import lock forever. So before a process with a client
forks, the forking thread finishes loading all of it; the first fork pays a few hundred
milliseconds, later ones nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

__all__ = ["load_background_modules"]

#: Libraries the background threads use, loaded on first use (httpx loads httpcore, h11,
#: certifi and anyio only when it makes its first pool). None of them may register fork
#: hooks: a hook registered by an import racing a fork runs only its after-fork half
#: (``concurrent.futures.thread`` registers one, so the sync client imports it with itself).
LIBRARIES = (
    "anyio",
    "cattrs",
    "cattrs.gen",
    "certifi",
    "decimal",
    "email.utils",
    "h11",
    "httpcore",
    "httpx",
    "websocket",
)

#: Packages whose every module a background thread may import (plans, models, chat, the
#: sync client's projects and streams).
PACKAGES = ("sogni.core", "sogni._runtime", "sogni._sync")
#: The same for the async client, in a process that imported it.
ASYNC_PACKAGE = "sogni_async"

_loaded = False


def load_background_modules() -> None:
    """Import every module a background thread of the SDK may import (once per process)."""
    global _loaded
    if _loaded:
        return
    names = list(LIBRARIES)
    packages = [*PACKAGES, *([ASYNC_PACKAGE] if ASYNC_PACKAGE in sys.modules else [])]
    for package_name in packages:
        package = importlib.import_module(package_name)
        names += [m.name for m in pkgutil.walk_packages(package.__path__, f"{package_name}.")]
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional extra that is not installed: never imported then
            pass
    _loaded = True
