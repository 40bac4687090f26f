"""How the socket engine treats the network's close codes, against a scripted server."""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from typing import Any

import pytest
from aiohttp import web
from helpers import make_jwt

from sogni import SogniClient
from sogni._runtime.events import ConnectionEvent
from sogni.core.auth import TokenPair


class ClosingServer:
    """Accepts WebSocket connections and closes each with the next scripted code."""

    def __init__(self, codes: list[int]) -> None:
        self.codes = codes
        self.handshakes: list[dict[str, str]] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._runner: web.AppRunner
        self._thread = threading.Thread(target=self._serve, daemon=True)

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        self.handshakes.append(dict(request.headers))
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        code = self.codes.pop(0) if self.codes else 1011
        await ws.close(code=code, message=b"scripted")
        return ws

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_get("/", self._socket)
        runner = self._runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = runner.addresses[0][1]
        self._ready.set()
        self._loop.run_forever()

    def __enter__(self) -> ClosingServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


@pytest.fixture
def tokens() -> TokenPair:
    now = time.time()
    return TokenPair(
        make_jwt({"addr": "0xabc", "iat": now, "exp": now + 3600}),
        make_jwt({"type": "refresh", "iat": now, "exp": now + 86400}),
    )


def run_until_final(server: ClosingServer, client: SogniClient) -> list[ConnectionEvent]:
    events: queue.Queue[ConnectionEvent] = queue.Queue()
    client.on("disconnected", events.put)
    client._conn.engine.start()
    seen = []
    while True:
        event = events.get(timeout=30)
        seen.append(event)
        if not event.will_reconnect:
            return seen


def client_for(server: ClosingServer, **kwargs: Any) -> SogniClient:
    return SogniClient(
        rest_endpoint=f"http://127.0.0.1:{server.port}",
        socket_endpoint=f"ws://127.0.0.1:{server.port}",
        connect=False,
        **kwargs,
    )


@pytest.mark.parametrize(("code", "clears"), [(4010, True), (4021, True), (4015, False)])
def test_session_ending_codes_stop_at_once(code: int, clears: bool, tokens: TokenPair) -> None:
    with ClosingServer([code]) as server, client_for(server) as client:
        client._conn.session.set_tokens(tokens)  # token mode, without a login round trip
        seen = run_until_final(server, client)
        assert [(e.code, e.will_reconnect) for e in seen] == [(code, False)]
        assert len(server.handshakes) == 1  # no reconnection attempt
        assert server.handshakes[0]["Authorization"] == tokens.token
        assert (client.account.tokens is None) is clears


def test_transient_codes_reconnect_with_backoff(tokens: TokenPair) -> None:
    with ClosingServer([1011, 1001, 4015]) as server, client_for(server, api_key="k") as client:
        seen = run_until_final(server, client)
        assert [(e.code, e.will_reconnect) for e in seen] == [
            (1011, True),
            (1001, True),
            (4015, False),
        ]
        assert len(server.handshakes) == 3
        assert client._conn.session.headers() == {"api-key": "k"}  # kept after 4015
