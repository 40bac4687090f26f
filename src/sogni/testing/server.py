"""``LocalSupernet``: the emulator server running on its own event loop in a daemon thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable, Coroutine, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from .app import build_app
from .auth import Account, wallet_address
from .catalogue import Catalogue
from .faults import Fault
from .project_records import ProjectRecord
from .recording import RecordedMessage, RecordedRequest
from .state import SupernetOptions, SupernetState
from .storage import StoredUpload

__all__ = ["LocalSupernet"]

T = TypeVar("T")

REBIND_TIMEOUT = 5.0
"""Seconds to keep trying to bind the same port again after an outage or a restart."""


class LocalSupernet:
    """A protocol-faithful Sogni Supernet on ``127.0.0.1``: REST, socket-HTTP and WebSocket.

    One port serves both the REST host and the socket host. Use it as a context manager
    (``with LocalSupernet() as net:``) or call :meth:`start` / :meth:`stop`. All inspection
    methods are thread-safe.

    Args:
        api_key: the API key clients must present (``api-key`` header).
        host: interface to bind (loopback by default).
        port: TCP port; ``0`` picks a free one.
        step_delay: seconds between progress events of a job.
        steps: force this many steps on every job (default: the request's or the tier's).
        job_stagger: seconds between the starts of a project's jobs.
        require_uploads: fail a ``jobRequest`` whose flags promise uploads that never arrived.
        max_image_upload_bytes / max_media_upload_bytes: upload size limits.
        access_token_ttl / refresh_token_ttl: lifetimes (seconds) of login tokens.
        accounts: ``{username: password}`` of accounts that can log in with username and
            password (the wallet is derived as the network's clients do; needs the
            ``wallet`` extra). More can be added with :meth:`add_account`.
        auto_register: a wallet nobody registered that signs a login correctly gets an
            account named ``user-<address prefix>`` (so any username/password pair can log
            in); ``False`` answers 404 like the real network.
        username: the API-key account's username.
        catalogue: replace the model catalogue.
    """

    def __init__(
        self,
        *,
        api_key: str = "test-key",
        host: str = "127.0.0.1",
        port: int = 0,
        step_delay: float = 0.005,
        steps: int | None = None,
        job_stagger: float = 0.001,
        require_uploads: bool = True,
        max_image_upload_bytes: int = 50 * 1024 * 1024,
        max_media_upload_bytes: int = 500 * 1024 * 1024,
        access_token_ttl: float = 3600.0,
        refresh_token_ttl: float = 30 * 86400.0,
        accounts: Mapping[str, str] | None = None,
        auto_register: bool = True,
        username: str = "local-artist",
        catalogue: Catalogue | None = None,
    ) -> None:
        self._options = SupernetOptions(
            api_key=api_key,
            username=username,
            step_delay=step_delay,
            steps=steps,
            job_stagger=job_stagger,
            require_uploads=require_uploads,
            max_image_upload_bytes=max_image_upload_bytes,
            max_media_upload_bytes=max_media_upload_bytes,
            access_token_ttl=access_token_ttl,
            refresh_token_ttl=refresh_token_ttl,
            auto_register=auto_register,
        )
        self._accounts = dict(accounts or {})
        self._host = host
        self._requested_port = port
        self._catalogue = catalogue
        self._state: SupernetState | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._port = 0
        # Serialises start, stop, outages and restarts requested from different threads.
        self._lifecycle = threading.RLock()

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> LocalSupernet:
        """Start serving; returns ``self``. Raises if the port cannot be bound."""
        with self._lifecycle:
            return self._start()

    def _start(self) -> LocalSupernet:
        if self._thread is not None:
            raise RuntimeError("LocalSupernet is already running")
        loop = asyncio.new_event_loop()
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._state = SupernetState(self._options, self._catalogue)

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:  # report bind errors to start()
                ready.set_exception(exc)
                return
            ready.set_result(None)
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="sogni-local-supernet", daemon=True)
        self._thread.start()
        try:
            ready.result(timeout=30)
        except BaseException:
            self._thread.join(timeout=5)
            self._thread = None
            self._loop = None
            self._state.storage.cleanup()
            raise
        for name, password in self._accounts.items():
            self.add_account(name, password=password)
        return self

    async def _serve(self) -> None:
        assert self._state is not None
        runner = web.AppRunner(
            build_app(self._state), handle_signals=False, access_log=None, shutdown_timeout=2.0
        )
        await runner.setup()
        self._runner = runner
        try:
            await self._listen(self._requested_port)
        except BaseException:
            await runner.cleanup()
            raise
        self._state.base_url = self.rest_url

    async def _listen(self, port: int) -> None:
        assert self._runner is not None
        site = web.TCPSite(self._runner, self._host, port)
        await site.start()
        self._site = site
        self._port = int(self._runner.addresses[0][1])

    def stop(self) -> None:
        """Close every connection, stop the server and delete its temporary folder.

        Works in any state: running, during an outage, or already stopped.
        """
        with self._lifecycle:
            self._stop()

    def _stop(self) -> None:
        if self._thread is None or self._loop is None or self._state is None:
            return
        try:
            self._call(self._shutdown(), timeout=15)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=15)
            self._state.storage.cleanup()
            self._thread = None
            self._loop = None
            self._site = None
            self._state.outage = False

    async def _shutdown(self) -> None:
        assert self._state is not None
        await self._state.shutdown()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- going offline -----------------------------------------------------------------------

    async def _go_offline(self) -> int:
        """Close the listening socket and cut every open connection; how many were cut."""
        state = self._world
        state.outage = True
        if self._site is not None:
            await self._site.stop()
            self._site = None
        cut = state.broadcaster.drop_all()
        server = self._runner.server if self._runner is not None else None
        for handler in server.connections if server is not None else []:
            if handler.transport is not None:
                handler.transport.abort()
        return cut

    async def _go_online(self) -> None:
        """Listen on the same port again, retrying while the kernel still holds it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REBIND_TIMEOUT
        self._world.outage = False
        while True:
            try:
                await self._listen(self._port)
                return
            except OSError:
                if loop.time() >= deadline:
                    self._world.outage = True
                    raise
                await asyncio.sleep(0.05)

    async def _restart(self) -> int:
        cut = await self._go_offline()
        await self._go_online()
        return cut

    def __enter__(self) -> LocalSupernet:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float = 10) -> T:
        if self._loop is None:
            coro.close()
            raise RuntimeError("LocalSupernet is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def _on_loop(self, fn: Callable[[], T], timeout: float = 10) -> T:
        async def call() -> T:
            return fn()

        return self._call(call(), timeout)

    @property
    def _world(self) -> SupernetState:
        if self._state is None:
            raise RuntimeError("LocalSupernet has not been started")
        return self._state

    # --- addresses ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound TCP port (after :meth:`start`)."""
        return self._port

    @property
    def rest_url(self) -> str:
        """Base URL of the REST host, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://{self._host}:{self._port}"

    @property
    def socket_url(self) -> str:
        """Base URL of the socket host, e.g. ``ws://127.0.0.1:PORT``."""
        return f"ws://{self._host}:{self._port}"

    @property
    def api_key(self) -> str:
        """The API key clients must present."""
        return self._options.api_key

    @property
    def temp_dir(self) -> Path | None:
        """The temporary folder holding uploads and rendered results (``None`` before
        :meth:`start`); :meth:`stop` deletes it."""
        return None if self._state is None else self._state.storage.root

    # --- inspection --------------------------------------------------------------------------

    def requests(self) -> list[RecordedRequest]:
        """Every HTTP request received so far (WebSocket handshakes included), oldest first."""
        return self._world.recorder.requests()

    def received(self, message_type: str | None = None) -> list[Any]:
        """Decoded payloads of socket messages received from clients, optionally of one type."""
        return [
            m.data
            for m in self._world.recorder.messages("in")
            if message_type is None or m.type == message_type
        ]

    def sent(self, message_type: str | None = None) -> list[Any]:
        """Decoded payloads of socket events sent to clients, optionally of one type."""
        return [
            m.data
            for m in self._world.recorder.messages("out")
            if message_type is None or m.type == message_type
        ]

    def messages(self) -> list[RecordedMessage]:
        """Every socket message in both directions, with type, app id and direction."""
        return self._world.recorder.messages()

    def wait_for_received(
        self, message_type: str, count: int = 1, timeout: float = 10.0
    ) -> list[Any]:
        """Block until ``count`` messages of ``message_type`` were received; returns them all.

        Raises ``TimeoutError`` when they do not arrive in time.
        """

        def enough() -> bool:
            return len(self.received(message_type)) >= count

        if not self._world.recorder.wait_until(enough, timeout):
            raise TimeoutError(f"fewer than {count} {message_type!r} messages within {timeout}s")
        return self.received(message_type)

    def wait_for_sent(
        self,
        message_type: str,
        count: int = 1,
        timeout: float = 10.0,
        where: Callable[[Any], bool] | None = None,
    ) -> list[Any]:
        """Block until ``count`` events of ``message_type`` (matching ``where``) were sent."""

        def matching() -> list[Any]:
            return [p for p in self.sent(message_type) if where is None or where(p)]

        if not self._world.recorder.wait_until(lambda: len(matching()) >= count, timeout):
            raise TimeoutError(f"fewer than {count} {message_type!r} events within {timeout}s")
        return matching()

    def wait_for_requests(
        self, path: str, count: int = 1, timeout: float = 10.0
    ) -> list[RecordedRequest]:
        """Block until ``count`` HTTP requests whose path starts with ``path`` arrived;
        returns them all. Raises ``TimeoutError`` when they do not arrive in time."""

        def matching() -> list[RecordedRequest]:
            return [r for r in self.requests() if r.path.startswith(path)]

        if not self._world.recorder.wait_until(lambda: len(matching()) >= count, timeout):
            raise TimeoutError(f"fewer than {count} requests to {path} within {timeout}s")
        return matching()

    def uploads(self) -> list[StoredUpload]:
        """Every file clients uploaded through presigned URLs."""
        return self._world.storage.uploads()

    def upload(self, job_id: str, type_: str) -> StoredUpload | None:
        """The upload stored for ``(job_id, type_)`` (e.g. ``startingImage``), if any."""
        return self._world.storage.upload(job_id, type_)

    def project(self, project_id: str) -> dict[str, Any] | None:
        """The ``RawProject`` the REST API reports for ``project_id`` (``None`` if unknown)."""

        def snapshot() -> dict[str, Any] | None:
            record: ProjectRecord | None = self._world.simulator.projects.get(project_id.upper())
            return None if record is None else record.raw_project()

        return self._on_loop(snapshot)

    def wait_for_project(self, project_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """Block until the project finished on the network (also while no client listens);
        returns its ``RawProject``. Raises ``KeyError`` for an unknown project and
        ``TimeoutError`` when it is still running after ``timeout`` seconds."""

        async def finished() -> dict[str, Any]:
            try:
                record = await asyncio.wait_for(self._world.simulator.finished(project_id), timeout)
            except asyncio.TimeoutError:
                raise TimeoutError(
                    f"project {project_id} did not finish within {timeout}s"
                ) from None
            if record is None:
                raise KeyError(f"no project {project_id}")
            return record.raw_project()

        return self._call(finished(), timeout + 5)

    def subscriptions(self, app_id: str | None = None) -> dict[str, bool] | None:
        """The socket event subscriptions the server holds for a live connection.

        ``app_id`` picks the connection (default: the only one); ``None`` when there is no
        such connection. Events not in the map are on.
        """

        def snapshot() -> dict[str, bool] | None:
            clients = self._world.broadcaster.clients()
            if app_id is not None:
                clients = [c for c in clients if c.app_id == app_id]
            if not clients:
                return None
            if len(clients) > 1:
                raise ValueError("several clients are connected; pass app_id")
            return clients[0].subscriptions.snapshot()

        return self._on_loop(snapshot)

    def clear_records(self) -> None:
        """Forget recorded requests and messages (projects and uploads are kept)."""
        self._world.recorder.clear()

    # --- accounts ----------------------------------------------------------------------------

    def add_account(
        self, username: str, *, address: str | None = None, password: str | None = None
    ) -> Account:
        """Register an account that can log in with a wallet signature.

        Give its wallet ``address``, or its ``password`` to derive the address the way the
        network's clients do (needs the ``wallet`` extra, eth-account).
        """
        if address is None:
            if password is None:
                raise ValueError("give the account's wallet address or its password")
            address = wallet_address(username, password)
        return self._on_loop(lambda: self._world.auth.register(username, address))

    def issue_tokens(self, address: str | None = None) -> tuple[str, str]:
        """A fresh ``(access token, refresh token)`` pair for a registered wallet address.

        Without ``address``, for the API-key account.
        """

        def issue() -> tuple[str, str]:
            auth = self._world.auth
            target = address or auth.account.address
            if auth.by_address(target) is None:
                raise KeyError(f"no account for wallet {target}")
            return auth.tokens.issue(target)

        return self._on_loop(issue)

    # --- faults ------------------------------------------------------------------------------

    def fail_requests(
        self,
        path: str,
        status: int = 503,
        *,
        times: int | None = 1,
        method: str | None = None,
        retry_after: float | None = None,
        message: str = "Injected failure",
        exact: bool = False,
        delay: float = 0.0,
    ) -> None:
        """Answer the next ``times`` HTTP requests whose path starts with ``path`` (or equals
        it, with ``exact``) with ``status`` and the error envelope, plus ``Retry-After`` when
        given; ``times=None`` fails every such request until :meth:`clear_faults`.
        ``delay`` seconds pass before each failure is answered.

        Applies to every route: REST (``fail_requests("/v1/projects/")`` fails the project
        record reads), socket-host HTTP, presigned ``/_storage/`` URLs and the WebSocket
        handshake (``fail_requests("/", exact=True)`` refuses the next upgrade).
        """
        self._world.faults.add(
            Fault(
                path=path,
                status=status,
                times=times,
                method=method,
                retry_after=retry_after,
                message=message,
                exact=exact,
                delay=delay,
            )
        )

    def clear_faults(self) -> None:
        """Forget every fault queued with :meth:`fail_requests`."""
        self._world.faults.clear()

    def send_raw(self, text: str | bytes, app_id: str | None = None) -> int:
        """Send an arbitrary (possibly malformed) frame to live sockets; returns how many.

        ``app_id`` limits it to that client's socket.
        """

        async def send() -> int:
            sent = 0
            for client in self._world.broadcaster.clients():
                if app_id is None or client.app_id == app_id:
                    sent += await client.send_raw(text)
            return sent

        return self._call(send())

    def drop_connections(self) -> int:
        """Abort every live socket and SSE stream without a goodbye; returns how many.

        Clients see an abnormal closure (WebSocket 1006, a cut HTTP body).
        """
        return self._on_loop(self._world.broadcaster.drop_all)

    def start_outage(self) -> int:
        """Take the network off the air: close the listening port and cut every socket, SSE
        stream and HTTP connection at once; returns how many sockets and streams were cut.

        Until :meth:`end_outage`, connecting (REST and WebSocket alike) is refused. Projects
        and chat jobs keep running on the server; events meant for the cut clients are lost.
        Does nothing during an outage already on.
        """
        with self._lifecycle:
            if self._world.outage:
                return 0
            return self._call(self._go_offline())

    def end_outage(self) -> None:
        """Listen on the same port again after :meth:`start_outage`; no-op otherwise.

        Raises ``OSError`` when the port cannot be bound again within a few seconds.
        """
        with self._lifecycle:
            if self._loop is None or not self._world.outage:
                return
            self._call(self._go_online(), timeout=REBIND_TIMEOUT + 5)

    @contextlib.contextmanager
    def outage(self) -> Iterator[LocalSupernet]:
        """``with net.outage():`` — :meth:`start_outage` on entry, :meth:`end_outage` on exit."""
        self.start_outage()
        try:
            yield self
        finally:
            self.end_outage()

    @property
    def in_outage(self) -> bool:
        """Whether an outage is on."""
        return self._state is not None and self._state.outage

    def restart(self) -> int:
        """Stop listening and listen again on the same port, like a server process restarted
        behind the same address: every connection drops; projects, accounts, records and
        uploads are kept. Ends an outage in progress. Returns how many sockets and streams
        were cut.
        """
        with self._lifecycle:
            return self._call(self._restart(), timeout=REBIND_TIMEOUT + 10)

    # --- counters ----------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        """What the network did, for reliability assertions (also after :meth:`stop`).

        Keys: ``projects_started``; ``job_request_ids`` (distinct ``jobRequest`` ids
        received) and ``duplicate_job_requests`` (ids received more than once);
        ``projects_completed`` / ``projects_failed`` / ``projects_cancelled``;
        ``cancelled_by_client`` (``artistCanceled`` messages received); ``chat_jobs_started``;
        ``llm_request_ids`` and ``duplicate_llm_requests`` (the same for ``llmJobRequest``);
        ``socket_frames`` (frames sent on sockets) and ``socket_writes`` (the writes that
        carried them: the frames of one turn of the server's event loop share one).
        :meth:`clear_records` does not reset them.
        """
        return self._inspect(self._world.stats)

    def duplicate_requests(self, message_type: str = "jobRequest") -> list[str]:
        """Upper-cased ids received in more than one ``message_type`` message
        (``jobRequest`` or ``llmJobRequest``), first seen first.

        A resend of an accepted request is not acted on again; a request the network
        refused (say, for a missing upload) is judged afresh, and still counts here.
        """
        return self._world.request_log.duplicates(message_type)

    def _inspect(self, fn: Callable[[], T]) -> T:
        """``fn()`` on the server loop, or directly once the server has stopped."""
        if self._loop is None:
            return fn()
        return self._on_loop(fn)

    def __repr__(self) -> str:
        state = "stopped" if self._thread is None else "in outage" if self.in_outage else "running"
        return f"<LocalSupernet {state} {self.rest_url if self._port else ''}>".replace(" >", ">")
