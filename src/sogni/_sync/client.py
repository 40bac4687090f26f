"""``SogniClient``: the synchronous client. No asyncio anywhere on its path."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from sogni._runtime.settings import BACKGROUND_WORKERS, FLUSH_TIMEOUT, RestOptions
from sogni._sync._generated.driver import Driver
from sogni._sync._generated.sync_facade import SogniClientFacade

if TYPE_CHECKING:
    from sogni._runtime.events import ClientEvent
    from sogni._sync._generated.chat import ChatStream
    from sogni._sync._generated.project import Project
    from sogni.core._generated.models import ClientConfig
    from sogni.core.chat.context import ChatJob
    from sogni.core.chat.results import ChatCompletion
    from sogni.core.plans import Plan
    from sogni.core.projects import ProjectState

log = logging.getLogger("sogni")

__all__ = ["SogniClient"]


class SogniClient(Driver, SogniClientFacade):
    """Synchronous client of the Sogni Supernet.

    Use it as a context manager, or call :meth:`close` when done::

        with SogniClient(api_key="...") as client:
            project = client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="a cat")
            urls = project.wait_for_completion()
    """

    def _open(self, config: ClientConfig) -> None:
        from sogni._runtime.connection import Connection
        from sogni._runtime.http_pool import client_pool

        self._pid = os.getpid()
        self._conn = Connection(config, spawn=self._spawn, run_blocking=self._run)
        self._pool = client_pool(config, "Client", "a SogniClient")
        self._rest = self._new_rest(self._rest_options)
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        self._conn.start_socket()

    def _new_rest(self, options: RestOptions) -> Any:
        from sogni._sync._generated.rest import SyncRest

        return SyncRest(self._pool, **self._conn.rest_settings(options))

    def __repr__(self) -> str:
        config = self._conn.config
        return f"<SogniClient app_id={config.app_id!r} network={config.network!r}>"

    def __enter__(self) -> SogniClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self, *, timeout: float = FLUSH_TIMEOUT) -> None:
        """Deliver what the network has not confirmed yet (up to ``timeout`` seconds), then
        close the socket with the closing handshake, the HTTP connections and the workers.

        Waiters (``wait_for_completion``, event iterators, chat streams) wake with
        :class:`~sogni.errors.ClientClosed`, and so does every later call. Projects keep
        running on the network; a new client can follow them with ``projects.get``.
        """
        if self._is_copy:
            return  # the client it was copied from owns the connection
        if self._pid != os.getpid():
            self._after_fork()
        self._conn.close(timeout)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        http = self._pool.made
        if http is not None and self._pool.owned:
            http.close()

    def on(self, event: ClientEvent, callback: Callable[[Any], Any]) -> Callable[[], None]:
        """Call ``callback(value)`` on every ``event``; returns a function that removes it.

        Events: ``connected`` and ``disconnected`` (a :class:`~sogni.ConnectionEvent` with
        the close ``code`` and ``reason``), ``balance`` (the new balances) and ``tokens`` (a
        new token pair after a login or refresh, to store for resuming the session).
        Callbacks run on a background thread; keep them short.
        """
        return self._conn.events.on(event, callback)

    def _bind(self) -> None:
        """Nothing to bind: the sync client runs plans on the calling thread."""

    def _spawn(self, plan: Plan[Any]) -> None:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=BACKGROUND_WORKERS, thread_name_prefix="sogni"
                )
            executor = self._executor
        try:
            executor.submit(self._run_quietly, plan)
        except RuntimeError:  # shut down while closing
            plan.close()

    def _run_quietly(self, plan: Plan[Any]) -> None:
        try:
            self._run(plan)
        except Exception as exc:
            from sogni._runtime.connection import quiet_background_failure

            quiet_background_failure(self._conn, exc)

    def _project(self, state: ProjectState) -> Project:
        from sogni._sync._generated.project import Project

        return Project(self, state)

    def _chat(self, value: ChatCompletion | ChatJob) -> ChatCompletion | ChatStream:
        from sogni._runtime.chat_jobs import ChatJobEntry
        from sogni._sync._generated.chat import ChatStream
        from sogni.core.chat.results import ChatCompletion

        if isinstance(value, ChatJobEntry):
            return ChatStream(self, value)
        assert isinstance(value, ChatCompletion)
        return value
