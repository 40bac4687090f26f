"""``AsyncSogniClient``: the asyncio twin of :class:`sogni.SogniClient`."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sogni._runtime.settings import BACKGROUND_WORKERS, FLUSH_TIMEOUT, RestOptions
from sogni.core.errors import ConnectionLost, WrongEventLoop
from sogni_async._driver import AsyncDriver
from sogni_async._generated.async_facade import AsyncSogniClientFacade

if TYPE_CHECKING:
    import asyncio

    from sogni._runtime.events import ClientEvent
    from sogni.core._generated.models import ClientConfig
    from sogni.core.chat.context import ChatJob
    from sogni.core.chat.results import ChatCompletion
    from sogni.core.plans import Plan
    from sogni.core.projects import ProjectState
    from sogni_async._chat import AsyncChatStream
    from sogni_async._project import AsyncProject

log = logging.getLogger("sogni")

__all__ = ["AsyncSogniClient"]


class AsyncSogniClient(AsyncDriver, AsyncSogniClientFacade):
    """Asynchronous client of the Sogni Supernet, for asyncio code such as FastAPI.

    Use it as an async context manager, or await :meth:`close` when done::

        async with AsyncSogniClient(api_key="...") as client:
            project = await client.projects.create(
                model_id="flux1-schnell-fp8", positive_prompt="a cat"
            )
            urls = await project.wait_for_completion()

    The client binds to the event loop of its first awaited call.
    """

    #: The background plans' semaphore and the event loop it belongs to.
    _slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _open(self, config: ClientConfig) -> None:
        from sogni._runtime.connection import Connection

        self._pid = os.getpid()
        self._conn = Connection(
            config,
            spawn=self._spawn,
            run_blocking=self._run_blocking,
            dispatch=self._dispatch_event,
        )
        self._connect_http()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Future[Any]] = set()

    def _new_rest(self, options: RestOptions) -> Any:
        from sogni_async._rest import AsyncRest

        return AsyncRest(self._pool, **self._conn.rest_settings(options))

    def __repr__(self) -> str:
        config = self._conn.config
        return f"<AsyncSogniClient app_id={config.app_id!r} network={config.network!r}>"

    # -- event loops --------------------------------------------------------------------

    async def __aenter__(self) -> AsyncSogniClient:
        self._bind()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self, *, timeout: float = FLUSH_TIMEOUT) -> None:
        """Deliver what the network has not confirmed yet (up to ``timeout`` seconds), then
        close the socket with the closing handshake, the HTTP connections and the background tasks.

        Waiters wake with :class:`~sogni.errors.ClientClosed`, and so does every later call.
        """
        import asyncio

        if self._is_copy:
            return  # the client it was copied from owns the connection
        if self._pid != os.getpid():
            self._after_fork()
        await asyncio.get_running_loop().run_in_executor(None, self._conn.close, timeout)
        for task in list(self._tasks):
            task.cancel()
        http = self._pool.made
        if http is not None and self._pool.owned:
            await http.aclose()

    def _connect_http(self) -> None:
        # An httpx pool belongs to the event loop it first ran on; an injected one is the
        # caller's to bind.
        from sogni._runtime.http_pool import client_pool

        config = self._conn.config
        self._pool = client_pool(config, "AsyncClient", "an AsyncSogniClient")
        self._rest = self._new_rest(self._rest_options)

    def _bind(self) -> None:
        import asyncio

        running = asyncio.get_running_loop()
        loop = self._loop
        if loop is running:
            return
        if loop is not None and not loop.is_closed():
            raise WrongEventLoop(
                "this AsyncSogniClient belongs to another event loop that is still open; "
                "create one client per event loop (or close it in its own loop first)"
            )
        if loop is not None:  # the old loop closed: its pool and tasks went with it
            self._connect_http()
            self._tasks = set()
        self._loop = running
        self._conn.start_socket()

    def on(self, event: ClientEvent, callback: Callable[[Any], Any]) -> Callable[[], None]:
        """Call ``callback(value)`` on every ``event``; returns a function that removes it.

        Events: ``connected`` and ``disconnected`` (a :class:`~sogni.ConnectionEvent` with
        the close ``code`` and ``reason``), ``balance`` (the new balances) and ``tokens`` (a
        new token pair after a login or refresh, to store for resuming the session).
        Callbacks run in the client's event loop; ``async def`` callbacks are awaited there.
        """
        return self._conn.events.on(event, callback)

    def _dispatch_event(self, callback: Callable[[Any], Any], value: Any) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._call_back, callback, value)
        except RuntimeError:  # the loop closed meanwhile
            pass

    def _call_back(self, callback: Callable[[Any], Any], value: Any) -> None:
        import asyncio
        import inspect

        try:
            result = callback(value)
        except Exception:
            log.exception("a sogni event callback raised")
            return
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _run_blocking(self, plan: Plan[Any]) -> Any:
        """Run a plan on the client's loop from another thread and wait for it."""
        import asyncio

        loop = self._loop
        if loop is None or loop.is_closed():
            plan.close()
            raise ConnectionLost("the client's event loop is not running")
        return asyncio.run_coroutine_threadsafe(self._run(plan), loop).result(timeout=60)

    def _spawn(self, plan: Plan[Any]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            plan.close()
            return
        try:
            loop.call_soon_threadsafe(self._start_task, plan)
        except RuntimeError:
            plan.close()

    def _start_task(self, plan: Plan[Any]) -> None:
        import asyncio

        task = asyncio.ensure_future(self._run_quietly(plan))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_quietly(self, plan: Plan[Any]) -> None:
        try:
            async with self._background_slots():
                await self._run(plan)
        except Exception as exc:
            from sogni._runtime.connection import quiet_background_failure

            quiet_background_failure(self._conn, exc)

    def _background_slots(self) -> asyncio.Semaphore:
        import asyncio

        # As many background plans at once as the sync client has workers; one semaphore
        # per event loop, since a semaphore belongs to the loop it first waited on.
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(BACKGROUND_WORKERS))
        return self._slots[1]

    def _project(self, state: ProjectState) -> AsyncProject:
        from sogni_async._project import AsyncProject

        return AsyncProject(self, state)

    def _chat(self, value: ChatCompletion | ChatJob) -> ChatCompletion | AsyncChatStream:
        from sogni._runtime.chat_jobs import ChatJobEntry
        from sogni.core.chat.results import ChatCompletion
        from sogni_async._chat import AsyncChatStream

        if isinstance(value, ChatJobEntry):
            return AsyncChatStream(self, value)
        assert isinstance(value, ChatCompletion)
        return value
