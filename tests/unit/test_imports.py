"""``import sogni`` stays light, and the sync client never imports asyncio."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    run = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    assert run.stderr == ""  # nothing went wrong quietly (e.g. in a fork hook)
    return set(run.stdout.split())


def test_import_sogni_loads_no_transport() -> None:
    loaded = _modules_after("import sogni, sogni_async")
    assert not {"httpx", "websocket", "asyncio", "cattrs", "attrs"} & loaded


def test_importing_a_client_loads_only_its_classes() -> None:
    """The connection stack and the event loop load when a client is made or first awaited,
    not when its class is imported."""
    heavy = {
        "sogni._runtime.connection",
        "sogni._runtime.hub",
        "sogni._runtime.socket_engine",
        "sogni.core.effects",
        "sogni.core.context",
    }
    assert not heavy & _modules_after("from sogni import SogniClient")
    assert not (heavy | {"asyncio"}) & _modules_after("from sogni_async import AsyncSogniClient")


def test_sync_client_never_imports_asyncio() -> None:
    loaded = _modules_after(
        "from sogni import SogniClient\n"
        "c = SogniClient(api_key='k', rest_endpoint='http://127.0.0.1:9', "
        "socket_endpoint='ws://127.0.0.1:9', connect=False)\n"
        "try:\n"
        "    c.account.me()\n"
        "except Exception:\n"
        "    pass\n"
        "c.close()"
    )
    assert "httpx" in loaded  # the request ran
    assert "asyncio" not in loaded


def test_importing_and_constructing_a_client_loads_no_http_stack() -> None:
    for client in (
        "from sogni import SogniClient as C",
        "from sogni_async import AsyncSogniClient as C",
    ):
        loaded = _modules_after(
            f"{client}\n"
            "c = C(api_key='k', rest_endpoint='http://127.0.0.1:9', "
            "socket_endpoint='ws://127.0.0.1:9', connect=False)"
        )
        assert not {"httpx", "httpcore"} & loaded, client


def test_a_fork_waits_until_what_background_threads_load_lazily_is_loaded() -> None:
    """A fork while a background thread is half-way through a lazy import would leave the
    child blocked on that import: the fork hook loads all of it first."""
    loaded = _modules_after(
        "import os\n"
        "from sogni import SogniClient\n"
        "c = SogniClient(api_key='k', rest_endpoint='http://127.0.0.1:9', "
        "socket_endpoint='ws://127.0.0.1:9', connect=False)\n"
        "if os.fork() == 0:\n"
        "    os._exit(0)\n"
        "os.wait()"
    )
    assert {"httpcore", "cattrs", "websocket", "sogni.core.plans.projects"} <= loaded
    assert "sogni.core._generated.models.workflows" in loaded
    assert "sogni._sync._generated.project" in loaded  # the sync client's own lazy modules
