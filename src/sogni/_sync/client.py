"""``SogniClient``: the synchronous client. No asyncio anywhere on its path."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
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
    close_quietly,
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
from sogni._sync._generated.sync_facade import SogniClientFacade
from sogni._sync.chat import ChatStream
from sogni._sync.project import Project
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
)
from sogni.core.plans import Plan
from sogni.core.plans.auth import authorized, needs_credentials
from sogni.core.projects import ProjectState

log = logging.getLogger("sogni")
T = TypeVar("T")

__all__ = ["SogniClient"]


class SogniClient(PerProcess, SogniClientFacade):
    """Synchronous client of the Sogni Supernet.

    Use it as a context manager, or call :meth:`close` when done::

        with SogniClient(api_key="...") as client:
            project = client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="a cat")
            urls = project.wait_for_completion()
    """

    def _open(self, config: ClientConfig) -> None:
        self._pid = os.getpid()
        self._conn = Connection(config, spawn=self._spawn)
        injected = config.http_client
        if injected is not None and not isinstance(injected, httpx.Client):
            raise ValidationError(
                "http_client of a SogniClient must be an httpx.Client, got "
                f"{type(injected).__name__}",
                field="http_client",
            )
        self._owns_http = injected is None
        self._http = injected or httpx.Client(timeout=config.timeout, follow_redirects=False)
        self._rest = self._new_rest(self._rest_options)
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        self._conn.run_blocking = self._run
        self._conn.start_socket()

    def _new_rest(self, options: RestOptions) -> Any:
        return self._conn.sync_rest(self._http, options)

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
        if self._owns_http:
            self._http.close()

    def on(self, event: ClientEvent, callback: Callable[[Any], Any]) -> Callable[[], None]:
        """Call ``callback(value)`` on every ``event``; returns a function that removes it.

        Events: ``connected`` and ``disconnected`` (a :class:`~sogni.ConnectionEvent` with
        the close ``code`` and ``reason``), ``balance`` (the new balances) and ``tokens`` (a
        new token pair after a login or refresh, to store for resuming the session).
        Callbacks run on a background thread; keep them short.
        """
        return self._conn.events.on(event, callback)

    # -- driver ---------------------------------------------------------------------------
    def _drive(self, plan: Plan[T]) -> Generator[Any, None, T]:
        """Carry out a plan's effects with blocking calls, yielding what it emits."""
        value: Any = None
        error: BaseException | None = None
        streams: list[Any] = []  # open streams, closed if the plan stops early
        try:
            while True:
                try:
                    effect = plan.throw(error) if error is not None else plan.send(value)
                except StopIteration as stop:
                    forget_stream(streams, stop.value)  # handed to the caller, still open
                    return stop.value  # type: ignore[no-any-return]
                if isinstance(effect, Emit):
                    yield effect.value
                    value, error = None, None
                    continue
                try:
                    value, error = self._execute(effect), None
                except Exception as exc:
                    value, error = None, exc
                else:
                    track_stream(streams, effect, value)
        finally:
            plan.close()
            for handle in streams:
                close_quietly(handle.close)

    def _run(self, plan: Plan[T]) -> T:
        """Run a plan to completion and return its result."""
        driver = self._drive(plan)
        while True:
            try:
                next(driver)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]

    def _iterate(self, plan: Plan[Any]) -> Iterator[Any]:
        """Run a plan lazily, yielding each item it emits; closing the iterator stops it."""
        yield from self._drive(plan)

    def _execute(self, effect: Effect) -> Any:
        self._conn.raise_if_closed()
        if self._pid != os.getpid():
            raise_forked_operation()
        if needs_credentials(effect):
            return self._run(authorized(self._ctx, effect))  # type: ignore[arg-type]
        if isinstance(effect, Sleep):
            return time.sleep(effect.seconds)
        if isinstance(effect, RestCall):
            return self._rest.call(effect)
        if isinstance(effect, SocketSend):
            conn = self._conn
            if conn.first_connection_pending():
                # Until the first connection, a refusal (bad key) is worth raising here.
                conn.require_credentials()
                self._wait_until(conn.first_connection_settled, FIRST_CONNECT_TIMEOUT, "connect")
            return conn.submit(effect.type, effect.payload)
        if isinstance(effect, WaitForModels):
            self._conn.require_credentials()
            self._wait_until(self._conn.models_or_closed, effect.timeout, "models")
            self._conn.engine.raise_if_closed()
            return list(self._ctx.available_models)
        if isinstance(effect, WaitUntil):
            return self._wait_until(effect.predicate, effect.timeout, effect.what)
        if isinstance(effect, Invoke):
            return effect.function(*effect.args)
        if isinstance(effect, OpenStream):
            return self._rest.open_stream(effect.call)
        if isinstance(effect, ReadStream):
            return self._read_stream(effect.handle)
        if isinstance(effect, CloseStream):
            return effect.handle.close()
        if isinstance(effect, Download):
            return self._download(effect.url, effect.path)
        if isinstance(effect, PrepareAsset):
            return self._prepare_asset(effect)
        if isinstance(effect, ChecksumUpload):
            return hashed_upload(effect.source)
        if isinstance(effect, Upload):
            return self._upload(effect)
        raise TypeError(f"unknown effect {effect!r}")

    @staticmethod
    def _read_stream(response: httpx.Response) -> bytes | None:
        chunks = getattr(response, "_sogni_chunks", None)
        if chunks is None:
            chunks = response.iter_raw()
            response._sogni_chunks = chunks  # type: ignore[attr-defined]
        try:
            return next(chunks, None)
        except httpx.TransportError as exc:
            raise ConnectionLost(f"the stream was interrupted: {exc!r}") from None

    def _wait_until(self, predicate: Callable[[], bool], timeout: float | None, what: str) -> None:
        if predicate():
            return
        self._conn.engine.start()
        woken = threading.Event()
        unwatch = self._hub.watch(woken.set)
        try:
            deadline = None if timeout is None else time.monotonic() + timeout
            while not predicate():
                remaining = None if deadline is None else deadline - time.monotonic()
                if (remaining is not None and remaining <= 0) or not woken.wait(remaining):
                    if predicate():
                        return
                    raise SogniTimeoutError(
                        f"timed out after {timeout} s waiting for {what}",
                        hint=self._conn.engine.last_failure,
                    )
                woken.clear()
        finally:
            unwatch()

    def _download(self, url: str, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        try:
            with self._http.stream("GET", url, timeout=None, follow_redirects=True) as response:
                if response.status_code >= 400:
                    raise SogniError(f"downloading {path.name} failed: HTTP {response.status_code}")
                with partial.open("wb") as out:
                    for chunk in response.iter_bytes(1 << 16):
                        out.write(chunk)
        except (httpx.HTTPError, httpx.StreamError) as exc:
            failure = SogniError(f"downloading {path.name} failed: {type(exc).__name__}")
        else:
            partial.replace(path)
            return path
        raise failure  # outside the ``except``: the httpx error holds the presigned URL

    def _prepare_asset(self, effect: PrepareAsset) -> PreparedAsset:
        source = effect.source
        if isinstance(source, RemoteAsset):
            buffer = spool()
            try:
                with self._http.stream(
                    "GET", source.url, timeout=None, follow_redirects=True
                ) as response:
                    if response.status_code >= 400:
                        raise UploadError(
                            f"fetching {source.url} failed: HTTP {response.status_code}",
                            asset=effect.asset,
                            status=response.status_code,
                        )
                    for chunk in response.iter_bytes(CHUNK_SIZE):
                        buffer.write(chunk)
            except (httpx.HTTPError, httpx.StreamError) as exc:
                raise UploadError(
                    f"fetching {source.url} failed: {exc!r}", asset=effect.asset
                ) from None
            buffer.seek(0)
            source = buffer
        return prepare_asset(source, effect.asset)

    def _upload(self, effect: Upload) -> None:
        asset: PreparedAsset = effect.source
        try:
            response = self._http.put(
                effect.url,
                content=asset.iter_chunks(),
                headers=upload_headers(asset, effect.content_type),
                timeout=httpx.Timeout(None, connect=connect_timeout(self._ctx.config.timeout)),
                follow_redirects=True,
            )
        except (httpx.HTTPError, httpx.StreamError) as exc:
            raise UploadError(f"the upload failed: {exc!r}", asset=effect.asset) from None
        check_upload(response, effect.asset)

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
            quiet_background_failure(self._conn, exc)

    def _project(self, state: ProjectState) -> Project:
        return Project(self, state)

    def _chat(self, value: ChatCompletion | ChatJob) -> ChatCompletion | ChatStream:
        if isinstance(value, ChatJobEntry):
            return ChatStream(self, value)
        assert isinstance(value, ChatCompletion)
        return value
