"""``AsyncSogniClient``: the asyncio twin of :class:`sogni.SogniClient`."""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from sogni._runtime.chat_jobs import ChatJobEntry
from sogni._runtime.connection import (
    BACKGROUND_WORKERS,
    FIRST_CONNECT_TIMEOUT,
    FLUSH_TIMEOUT,
    Connection,
    PerProcess,
    RestOptions,
    forget_stream,
    quiet_background_failure,
    raise_forked_operation,
    track_stream,
)
from sogni._runtime.events import ClientEvent
from sogni._runtime.rest import connect_timeout
from sogni._runtime.uploads import (
    CHUNK_SIZE,
    PreparedAsset,
    check_upload,
    hashed_upload,
    prepare_asset,
    spool,
    upload_headers,
)
from sogni.core._generated.models import ClientConfig
from sogni.core.chat.context import ChatJob
from sogni.core.chat.results import ChatCompletion
from sogni.core.effects import (
    ChecksumUpload,
    CloseStream,
    Download,
    Effect,
    Emit,
    Invoke,
    OpenStream,
    PrepareAsset,
    ReadStream,
    RemoteAsset,
    RestCall,
    Sleep,
    SocketSend,
    Upload,
    WaitForModels,
    WaitUntil,
)
from sogni.core.errors import (
    ConnectionLost,
    SogniError,
    SogniTimeoutError,
    UploadError,
    ValidationError,
    WrongEventLoop,
)
from sogni.core.plans import Plan
from sogni.core.plans.auth import authorized, needs_credentials
from sogni.core.projects import ProjectState
from sogni_async._chat import AsyncChatStream
from sogni_async._generated.async_facade import AsyncSogniClientFacade
from sogni_async._project import AsyncProject

log = logging.getLogger("sogni")
T = TypeVar("T")

__all__ = ["AsyncSogniClient"]


class AsyncSogniClient(PerProcess, AsyncSogniClientFacade):
    """Asynchronous client of the Sogni Supernet, for asyncio code such as FastAPI.

    Use it as an async context manager, or await :meth:`close` when done::

        async with AsyncSogniClient(api_key="...") as client:
            project = await client.projects.create(
                model_id="flux1-schnell-fp8", positive_prompt="a cat"
            )
            urls = await project.wait_for_completion()

    The client binds to the event loop of its first awaited call.
    """

    #: REST settings of a ``with_options`` copy (none for the client itself).
    _slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
    _rest_options: RestOptions = {}  # replaced by with_options, never changed in place
    _is_copy = False

    def _open(self, config: ClientConfig) -> None:
        self._pid = os.getpid()
        self._conn = Connection(config, spawn=self._spawn)
        self._connect_http()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Future[Any]] = set()
        self._conn.run_blocking = self._run_blocking
        self._conn.events.dispatch = self._dispatch_event

    def _new_rest(self, options: RestOptions) -> Any:
        return self._conn.async_rest(self._http, options)

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
        if self._is_copy:
            return  # the client it was copied from owns the connection
        if self._pid != os.getpid():
            self._after_fork()
        await asyncio.get_running_loop().run_in_executor(None, self._conn.close, timeout)
        for task in list(self._tasks):
            task.cancel()
        if self._owns_http:
            await self._http.aclose()

    def _connect_http(self) -> None:
        # An httpx pool belongs to the event loop it first ran on; an injected one is the
        # caller's to bind.
        config = self._conn.config
        injected = config.http_client
        if injected is not None and not isinstance(injected, httpx.AsyncClient):
            raise ValidationError(
                "http_client of an AsyncSogniClient must be an httpx.AsyncClient, got "
                f"{type(injected).__name__}",
                field="http_client",
            )
        self._owns_http = injected is None
        self._http = injected or httpx.AsyncClient(timeout=config.timeout, follow_redirects=False)
        self._rest = self._new_rest(self._rest_options)

    def _bind(self) -> None:
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
        loop = self._loop
        if loop is None or loop.is_closed():
            plan.close()
            raise ConnectionLost("the client's event loop is not running")
        return asyncio.run_coroutine_threadsafe(self._run(plan), loop).result(timeout=60)

    # -- driver ---------------------------------------------------------------------------
    async def _drive(self, plan: Plan[Any], outcome: list[Any]) -> AsyncIterator[Any]:
        """Carry out a plan's effects, awaiting them and yielding what it emits.

        An async generator cannot return a value, so the plan's result is appended to
        ``outcome``.
        """
        self._bind()
        value: Any = None
        error: BaseException | None = None
        streams: list[Any] = []  # open streams, closed if the plan stops early
        try:
            while True:
                try:
                    effect = plan.throw(error) if error is not None else plan.send(value)
                except StopIteration as stop:
                    forget_stream(streams, stop.value)  # handed to the caller, still open
                    outcome.append(stop.value)
                    return
                if isinstance(effect, Emit):
                    yield effect.value
                    value, error = None, None
                    continue
                try:
                    value, error = await self._execute(effect), None
                except Exception as exc:
                    value, error = None, exc
                else:
                    track_stream(streams, effect, value)
        finally:
            plan.close()
            for handle in streams:
                try:
                    await handle.aclose()
                except Exception:  # noqa: BLE001 - cleanup is best effort
                    log.debug("closing a stream failed", exc_info=True)

    async def _run(self, plan: Plan[T]) -> T:
        """Run a plan to completion and return its result; emitted items are dropped."""
        outcome: list[T] = []
        async for _ in self._drive(plan, outcome):
            pass
        return outcome[0]

    def _iterate(self, plan: Plan[Any]) -> AsyncIterator[Any]:
        """Run a plan lazily, yielding each item it emits; closing the iterator stops it."""
        return self._drive(plan, [])

    async def _execute(self, effect: Effect) -> Any:
        self._conn.raise_if_closed()
        if self._pid != os.getpid():
            raise_forked_operation()
        if needs_credentials(effect):
            return await self._run(authorized(self._ctx, effect))  # type: ignore[arg-type]
        if isinstance(effect, Sleep):
            return await asyncio.sleep(effect.seconds)
        if isinstance(effect, RestCall):
            return await self._rest.call(effect)
        if isinstance(effect, SocketSend):
            conn = self._conn
            if conn.first_connection_pending():
                # Until the first connection, a refusal (bad key) is worth raising here.
                conn.require_credentials()
                await self._wait_until(
                    conn.first_connection_settled, FIRST_CONNECT_TIMEOUT, "connect"
                )
            return conn.submit(effect.type, effect.payload)
        if isinstance(effect, WaitForModels):
            self._conn.require_credentials()
            await self._wait_until(self._conn.models_or_closed, effect.timeout, "models")
            self._conn.engine.raise_if_closed()
            return list(self._ctx.available_models)
        if isinstance(effect, WaitUntil):
            return await self._wait_until(effect.predicate, effect.timeout, effect.what)
        if isinstance(effect, Invoke):
            result = effect.function(*effect.args)
            return await result if inspect.isawaitable(result) else result
        if isinstance(effect, OpenStream):
            return await self._rest.open_stream(effect.call)
        if isinstance(effect, ReadStream):
            return await self._read_stream(effect.handle)
        if isinstance(effect, CloseStream):
            return await effect.handle.aclose()
        if isinstance(effect, Download):
            return await self._download(effect.url, effect.path)
        if isinstance(effect, PrepareAsset):
            return await self._prepare_asset(effect)
        if isinstance(effect, ChecksumUpload):
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, hashed_upload, effect.source)
        if isinstance(effect, Upload):
            return await self._upload(effect)
        raise TypeError(f"unknown effect {effect!r}")

    @staticmethod
    async def _read_stream(response: httpx.Response) -> bytes | None:
        chunks = getattr(response, "_sogni_chunks", None)
        if chunks is None:
            chunks = response.aiter_raw()
            response._sogni_chunks = chunks  # type: ignore[attr-defined]
        try:
            return await anext(chunks, None)
        except httpx.TransportError as exc:
            raise ConnectionLost(f"the stream was interrupted: {exc!r}") from None

    async def _wait_until(
        self, predicate: Callable[[], bool], timeout: float | None, what: str
    ) -> None:
        if predicate():
            return
        self._conn.engine.start()
        loop = asyncio.get_running_loop()
        woken = asyncio.Event()

        def wake() -> None:
            try:
                loop.call_soon_threadsafe(woken.set)
            except RuntimeError:
                pass

        unwatch = self._hub.watch(wake)
        try:

            async def wait() -> None:
                while not predicate():
                    woken.clear()
                    await woken.wait()

            await asyncio.wait_for(wait(), timeout)
        except asyncio.TimeoutError:
            raise SogniTimeoutError(
                f"timed out after {timeout} s waiting for {what}",
                hint=self._conn.engine.last_failure,
            ) from None
        finally:
            unwatch()

    async def _download(self, url: str, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        try:
            async with self._http.stream(
                "GET", url, timeout=None, follow_redirects=True
            ) as response:
                if response.status_code >= 400:
                    raise SogniError(f"downloading {path.name} failed: HTTP {response.status_code}")
                with partial.open("wb") as out:
                    async for chunk in response.aiter_bytes(1 << 16):
                        out.write(chunk)
        except (httpx.HTTPError, httpx.StreamError) as exc:
            failure = SogniError(f"downloading {path.name} failed: {type(exc).__name__}")
        else:
            partial.replace(path)
            return path
        raise failure  # outside the ``except``: the httpx error holds the presigned URL

    async def _prepare_asset(self, effect: PrepareAsset) -> PreparedAsset:
        loop = asyncio.get_running_loop()
        source = effect.source
        if isinstance(source, RemoteAsset):
            buffer = spool()
            try:
                async with self._http.stream(
                    "GET", source.url, timeout=None, follow_redirects=True
                ) as response:
                    if response.status_code >= 400:
                        raise UploadError(
                            f"fetching {source.url} failed: HTTP {response.status_code}",
                            asset=effect.asset,
                            status=response.status_code,
                        )
                    async for chunk in response.aiter_bytes(CHUNK_SIZE):
                        await loop.run_in_executor(None, buffer.write, chunk)
            except (httpx.HTTPError, httpx.StreamError) as exc:
                raise UploadError(
                    f"fetching {source.url} failed: {exc!r}", asset=effect.asset
                ) from None
            buffer.seek(0)
            source = buffer
        return await loop.run_in_executor(None, prepare_asset, source, effect.asset)

    async def _upload(self, effect: Upload) -> None:
        asset: PreparedAsset = effect.source
        try:
            response = await self._http.put(
                effect.url,
                content=asset.aiter_chunks(),
                headers=upload_headers(asset, effect.content_type),
                timeout=httpx.Timeout(None, connect=connect_timeout(self._ctx.config.timeout)),
                follow_redirects=True,
            )
        except (httpx.HTTPError, httpx.StreamError) as exc:
            raise UploadError(f"the upload failed: {exc!r}", asset=effect.asset) from None
        check_upload(response, effect.asset)

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
        task = asyncio.ensure_future(self._run_quietly(plan))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_quietly(self, plan: Plan[Any]) -> None:
        try:
            async with self._background_slots():
                await self._run(plan)
        except Exception as exc:
            quiet_background_failure(self._conn, exc)

    def _background_slots(self) -> asyncio.Semaphore:
        # As many background plans at once as the sync client has workers; one semaphore
        # per event loop, since a semaphore belongs to the loop it first waited on.
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(BACKGROUND_WORKERS))
        return self._slots[1]

    def _project(self, state: ProjectState) -> AsyncProject:
        return AsyncProject(self, state)

    def _chat(self, value: ChatCompletion | ChatJob) -> ChatCompletion | AsyncChatStream:
        if isinstance(value, ChatJobEntry):
            return AsyncChatStream(self, value)
        assert isinstance(value, ChatCompletion)
        return value
