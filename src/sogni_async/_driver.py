"""The driver of the async client: it carries out the effects a plan yields.

A plan (``sogni.core.plans``) is a generator of effects; :meth:`AsyncDriver._drive` sends
each effect's outcome back into it, and :func:`handlers` says which method carries out each
kind of effect. Both clients' drivers are this one text, the sync one written from it by
``python -m codegen``; what differs between them lives in their ``primitives`` modules.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sogni._runtime.process import PerProcess, raise_forked_operation
from sogni._runtime.settings import FIRST_CONNECT_TIMEOUT
from sogni.core.errors import ConnectionLost, SogniError, SogniTimeoutError, UploadError
from sogni_async._primitives import Handler, Signal, resolve, run_sync, sleep

if TYPE_CHECKING:
    from pathlib import Path

    import httpx

    from sogni._runtime.http_pool import HttpPool
    from sogni._runtime.uploads import PreparedAsset
    from sogni.core.effects import (
        ChecksumUpload,
        CloseStream,
        Download,
        Effect,
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
    from sogni.core.plans import Plan

__all__ = ["AsyncDriver", "handlers"]

log = logging.getLogger("sogni")
T = TypeVar("T")


class AsyncDriver(PerProcess):
    """Runs plans for the client: its REST transport, HTTP pool and connection."""

    _pool: HttpPool[httpx.AsyncClient]
    _rest: Any

    @property
    def _http(self) -> httpx.AsyncClient:
        """The client's HTTP pool, made at its first request."""
        return self._pool.get()

    def _bind(self) -> None:
        """Make the client ready to run a plan here (its event loop, its socket)."""
        raise NotImplementedError

    async def _drive(self, plan: Plan[Any], outcome: list[Any]) -> AsyncIterator[Any]:
        """Carry out a plan's effects, yielding what it emits; its result is appended to
        ``outcome`` (an asynchronous generator cannot return a value)."""
        from sogni.core.effects import Emit, forget_stream, track_stream

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
        from sogni.core.plans.auth import authorized, needs_credentials

        self._conn.raise_if_closed()
        if self._pid != os.getpid():
            raise_forked_operation()
        if needs_credentials(effect):
            return await self._run(authorized(self._ctx, effect))  # type: ignore[arg-type]
        handler = handlers().get(type(effect))
        if handler is None:
            raise TypeError(f"unknown effect {effect!r}")
        return await handler(self, effect)

    # -- effect handlers -------------------------------------------------------------------

    async def _sleep(self, effect: Sleep) -> None:
        await sleep(effect.seconds)

    async def _rest_call(self, effect: RestCall) -> Any:
        return await self._rest.call(effect)

    async def _socket_send(self, effect: SocketSend) -> Any:
        conn = self._conn
        if conn.first_connection_pending():
            # Until the first connection, a refusal (bad key) is worth raising here.
            conn.require_credentials()
            await self._wait_until(conn.first_connection_settled, FIRST_CONNECT_TIMEOUT, "connect")
        return conn.submit(effect.type, effect.payload)

    async def _wait_for_models(self, effect: WaitForModels) -> list[Any]:
        self._conn.require_credentials()
        await self._wait_until(self._conn.models_or_closed, effect.timeout, "models")
        self._conn.engine.raise_if_closed()
        return list(self._ctx.available_models)

    async def _wait_for(self, effect: WaitUntil) -> None:
        await self._wait_until(effect.predicate, effect.timeout, effect.what)

    async def _invoke(self, effect: Invoke) -> Any:
        return await resolve(effect.function(*effect.args))

    async def _open_stream(self, effect: OpenStream) -> Any:
        return await self._rest.open_stream(effect.call)

    async def _read_stream(self, effect: ReadStream) -> bytes | None:
        import httpx

        response: httpx.Response = effect.handle
        chunks = getattr(response, "_sogni_chunks", None)
        if chunks is None:
            chunks = response.aiter_raw()
            response._sogni_chunks = chunks  # type: ignore[attr-defined]
        try:
            return await anext(chunks, None)
        except httpx.TransportError as exc:
            raise ConnectionLost(f"the stream was interrupted: {exc!r}") from None

    async def _close_stream(self, effect: CloseStream) -> None:
        await effect.handle.aclose()

    async def _download(self, effect: Download) -> Path:
        import httpx

        path = effect.path
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        try:
            async with self._http.stream(
                "GET", effect.url, timeout=None, follow_redirects=True
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
        from sogni._runtime.uploads import prepare_asset
        from sogni.core.effects import RemoteAsset

        source = effect.source
        if isinstance(source, RemoteAsset):
            source = await self._fetch_remote(source, effect.asset)
        return await run_sync(prepare_asset, source, effect.asset)

    async def _fetch_remote(self, source: RemoteAsset, asset: str) -> Any:
        """Fetch a remote asset into a spooled buffer (memory, then a temporary file)."""
        import httpx

        from sogni._runtime.uploads import CHUNK_SIZE, spool

        buffer = spool()
        try:
            async with self._http.stream(
                "GET", source.url, timeout=None, follow_redirects=True
            ) as response:
                if response.status_code >= 400:
                    raise UploadError(
                        f"fetching {source.url} failed: HTTP {response.status_code}",
                        asset=asset,
                        status=response.status_code,
                    )
                async for chunk in response.aiter_bytes(CHUNK_SIZE):
                    await run_sync(buffer.write, chunk)
        except (httpx.HTTPError, httpx.StreamError) as exc:
            raise UploadError(f"fetching {source.url} failed: {exc!r}", asset=asset) from None
        buffer.seek(0)
        return buffer

    async def _checksum_upload(self, effect: ChecksumUpload) -> Any:
        from sogni._runtime.uploads import hashed_upload

        return await run_sync(hashed_upload, effect.source)

    async def _upload(self, effect: Upload) -> None:
        import httpx

        from sogni._runtime.rest_transport import connect_timeout
        from sogni._runtime.uploads import check_upload, upload_headers

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

    # -- waiting -----------------------------------------------------------------------------

    async def _wait_until(
        self, predicate: Callable[[], bool], timeout: float | None, what: str
    ) -> None:
        if predicate():
            return
        self._conn.engine.start()
        changed = Signal(self._conn.engine)
        unwatch = self._hub.watch(changed.notify)
        try:
            if not await changed.wait_for(predicate, timeout):
                raise SogniTimeoutError(
                    f"timed out after {timeout} s waiting for {what}",
                    hint=self._conn.engine.last_failure,
                )
        finally:
            unwatch()


@functools.cache
def handlers() -> dict[type[Any], Handler]:
    """The method that carries out each kind of effect (made at the first effect, so
    importing the client loads no effect classes)."""
    from sogni.core import effects

    return {
        effects.Sleep: AsyncDriver._sleep,
        effects.RestCall: AsyncDriver._rest_call,
        effects.SocketSend: AsyncDriver._socket_send,
        effects.WaitForModels: AsyncDriver._wait_for_models,
        effects.WaitUntil: AsyncDriver._wait_for,
        effects.Invoke: AsyncDriver._invoke,
        effects.OpenStream: AsyncDriver._open_stream,
        effects.ReadStream: AsyncDriver._read_stream,
        effects.CloseStream: AsyncDriver._close_stream,
        effects.Download: AsyncDriver._download,
        effects.PrepareAsset: AsyncDriver._prepare_asset,
        effects.ChecksumUpload: AsyncDriver._checksum_upload,
        effects.Upload: AsyncDriver._upload,
    }
