"""The REST transport keeps credentials with the REST host and raises only typed errors.

A real HTTP server on loopback plays the REST host, a second one "another origin"; both
record every request. The sync and the async client (and the transports under them, for
streams) run against them with an API key or with session tokens.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from helpers import make_jwt

import sogni._runtime.rest
from sogni import ApiError, SogniClient
from sogni._runtime.http_pool import HttpPool
from sogni._runtime.rest import MAX_REDIRECTS
from sogni._sync._generated.rest import SyncRest
from sogni.core.auth import TokenPair
from sogni.core.effects import RestCall
from sogni.errors import ClientClosed, ConnectionLost, SogniError
from sogni_async import AsyncSogniClient
from sogni_async._rest import AsyncRest

pytestmark = pytest.mark.timeout(30)

API_KEY = "sk-live-4f1d2a9e7c3b5a60"
PROFILE = {"status": "success", "data": {"username": "fox"}}


ACCESS_TOKEN = make_jwt({"exp": time.time() + 3600, "addr": "0xabc", "kind": "access"})
EXPIRED_TOKEN = make_jwt({"exp": time.time() - 3600, "addr": "0xabc", "kind": "access"})
REFRESH_TOKEN = make_jwt({"exp": time.time() + 86400, "addr": "0xabc", "kind": "refresh"})
SECRETS = (API_KEY, ACCESS_TOKEN, EXPIRED_TOKEN, REFRESH_TOKEN)


# -- servers -----------------------------------------------------------------------------------
class Seen:
    """One request a server received."""

    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.method, self.path, self.headers, self.body = method, path, headers, body


Reply = tuple[int, dict[str, str], bytes]


class Server(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that records every request and answers with ``answer``."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[Seen] = []
        self.answer: Callable[[Seen], Reply] = lambda _seen: json_reply(PROFILE)
        self._thread = threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    server: Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        seen = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length))
        self.server.seen.append(seen)
        status, headers, body = self.server.answer(seen)
        self.send_response(status)
        headers = {"Content-Length": str(len(body)), **headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _serve

    def log_message(self, *_: object) -> None:
        pass


def json_reply(payload: object, status: int = 200, **headers: str) -> Reply:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(payload).encode()


def redirect(location: str, status: int = 307) -> Reply:
    return status, {"Location": location}, b""


@pytest.fixture
def rest() -> Iterator[Server]:
    server = Server().start()
    yield server
    server.stop()


@pytest.fixture
def other() -> Iterator[Server]:
    server = Server().start()
    yield server
    server.stop()


# -- clients -----------------------------------------------------------------------------------
Run = Callable[[Server, str], Any]
"""Runs one client operation against a REST server: ``me`` or ``resume`` (token mode)."""


def _options(rest: Server, credentials: str) -> dict[str, Any]:
    api_key = API_KEY if credentials == "api_key" else None
    return {
        "api_key": api_key,
        "rest_endpoint": rest.url,
        "socket_endpoint": "ws://127.0.0.1:9",
        "connect": False,
        "timeout": 5.0,
    }


def _tokens(operation: str) -> TokenPair:
    return TokenPair(EXPIRED_TOKEN if operation == "refresh" else ACCESS_TOKEN, REFRESH_TOKEN)


def run_sync(rest: Server, operation: str) -> Any:
    credentials = "api_key" if operation == "me" else "tokens"
    with SogniClient(**_options(rest, credentials)) as client:
        if operation == "me":
            return client.account.me()
        return client.account.set_tokens(_tokens(operation))


def run_async(rest: Server, operation: str) -> Any:
    credentials = "api_key" if operation == "me" else "tokens"

    async def main() -> Any:
        async with AsyncSogniClient(**_options(rest, credentials)) as client:
            if operation == "me":
                return await asyncio.wait_for(client.account.me(), 20)
            return await asyncio.wait_for(client.account.set_tokens(_tokens(operation)), 20)

    return asyncio.run(main())


@pytest.fixture(params=[run_sync, run_async], ids=["sync", "async"])
def run(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Run:
    for name in ("SOGNI_API_KEY", "SOGNI_REST_ENDPOINT", "SOGNI_SOCKET_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    return request.param  # type: ignore[no-any-return]


def failure(run: Run, rest: Server, operation: str = "me") -> SogniError:
    """The typed error the operation raised (anything else fails the test)."""
    with pytest.raises(SogniError) as caught:
        run(rest, operation)
    return caught.value


# -- secret search -------------------------------------------------------------------------------
_OPAQUE = (type, type(len), type(lambda: 0), type(asyncio), type(run_sync.__code__))


def reachable_texts(root: BaseException) -> Iterator[str]:
    """Every text reachable from ``root``: strings and bytes among its args, attributes,
    ``__context__`` and ``__cause__`` (recursively, through any object's attributes), and
    the ``str`` and ``repr`` of every exception on the way."""
    pending: list[object] = [root]
    visited: set[int] = set()
    while pending and len(visited) < 100_000:
        item = pending.pop()
        if id(item) in visited or isinstance(item, _OPAQUE):
            continue
        visited.add(id(item))
        if isinstance(item, str):
            yield item
        elif isinstance(item, (bytes, bytearray, memoryview)):
            yield bytes(item).decode("latin-1")
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            pending.extend(item)
        else:
            if isinstance(item, BaseException):
                yield str(item)
                yield repr(item)
                pending.extend([item.args, item.__context__, item.__cause__])
            pending.extend(getattr(item, "__dict__", {}).values())
            for slot in getattr(type(item), "__slots__", ()):
                pending.append(getattr(item, slot, None))


def assert_no_secret(error: BaseException) -> None:
    for text in reachable_texts(error):
        for secret in SECRETS:
            assert secret not in text, f"a credential is reachable from {error!r}"


def assert_no_credentials_at(server: Server) -> None:
    for seen in server.seen:
        names = {name.lower() for name in seen.headers}
        assert not names & {"api-key", "authorization"}, seen.headers
        for secret in SECRETS:
            assert secret not in seen.body.decode("latin-1") + seen.path


# -- redirects -----------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_cross_origin_redirect_is_refused_with_the_api_key(
    run: Run, rest: Server, other: Server, status: int
) -> None:
    rest.answer = lambda seen: redirect(f"{other.url}/v1/account/me", status)
    error = failure(run, rest)
    assert isinstance(error, ApiError) and "another origin" in error.message
    assert rest.seen[0].headers.get("api-key") == API_KEY  # the request did carry the key
    assert other.seen == []
    assert_no_secret(error)


@pytest.mark.parametrize("operation", ["resume", "refresh"])
def test_cross_origin_redirect_is_refused_with_session_tokens(
    run: Run, rest: Server, other: Server, operation: str
) -> None:
    """``resume`` sends the access token in ``Authorization``; ``refresh`` (the saved
    token expired) POSTs the refresh token in the body, which a 307 would carry along."""
    rest.answer = lambda seen: redirect(f"{other.url}{seen.path}")
    error = failure(run, rest, operation)
    assert isinstance(error, ApiError)
    sent = rest.seen[0]
    assert ACCESS_TOKEN in sent.headers.get("Authorization", "") or REFRESH_TOKEN in str(sent.body)
    assert_no_credentials_at(other)
    assert_no_secret(error)


def test_same_origin_redirect_is_followed_with_the_credentials(run: Run, rest: Server) -> None:
    def answer(seen: Seen) -> Reply:
        if seen.path == "/v1/account/me":
            return redirect("/v2/account/me", 308)
        if seen.headers.get("api-key") != API_KEY:
            return json_reply({"status": "error", "message": "no key"}, 401)
        return json_reply(PROFILE)

    rest.answer = answer
    assert run(rest, "me").username == "fox"
    assert [seen.path for seen in rest.seen] == ["/v1/account/me", "/v2/account/me"]


def test_redirect_loop_is_a_typed_error(run: Run, rest: Server) -> None:
    rest.answer = lambda seen: redirect(seen.path)
    error = failure(run, rest)
    assert isinstance(error, ApiError) and error.status == 307
    assert len(rest.seen) == MAX_REDIRECTS + 1
    assert_no_secret(error)


# -- broken answers ------------------------------------------------------------------------------
def _deep_json() -> Reply:
    return 200, {"Content-Type": "application/json"}, b"[" * 100_000 + b"]" * 100_000


BROKEN: dict[str, Callable[[], Reply]] = {
    "corrupt gzip": lambda: (200, {"Content-Encoding": "gzip"}, b"not gzip at all"),
    "truncated gzip": lambda: (200, {"Content-Encoding": "gzip"}, gzip.compress(b"{}" * 99)[:20]),
    "deep json": _deep_json,
    "deep json error": lambda: (400, {}, _deep_json()[2]),
    "invalid utf-8": lambda: (200, {"Content-Type": "application/json"}, b'{"a": "\xff\xfe"}'),
    "html": lambda: (200, {"Content-Type": "text/html"}, b"<html>maintenance</html>"),
    "truncated body": lambda: (200, {"Content-Length": "100"}, b'{"status": "succ'),
}


@pytest.mark.usefixtures("quick_backoff")
@pytest.mark.parametrize("kind", list(BROKEN))
def test_broken_answers_are_typed_errors(run: Run, rest: Server, kind: str) -> None:
    rest.answer = lambda _seen: BROKEN[kind]()
    error = failure(run, rest)
    assert isinstance(error, ApiError)
    assert_no_secret(error)


@pytest.fixture
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without a usable Retry-After wait 10 ms instead of the ordinary backoff."""
    monkeypatch.setattr(sogni._runtime.rest, "backoff_seconds", lambda _retry: 0.01)


@pytest.mark.usefixtures("quick_backoff")
@pytest.mark.parametrize("value", ["nan", "inf", "1e999", "Infinity"])
def test_unreadable_retry_after_falls_back_to_the_backoff(
    run: Run, rest: Server, value: str
) -> None:
    rest.answer = lambda _seen: json_reply({"message": "busy"}, 503, **{"Retry-After": value})
    started = time.monotonic()
    error = failure(run, rest)
    assert isinstance(error, ApiError) and error.status == 503
    assert len(rest.seen) == 3  # retried, with the backoff rather than the header's wait
    assert time.monotonic() - started < 5
    assert_no_secret(error)


def test_a_server_echoing_the_key_does_not_put_it_in_the_error(run: Run, rest: Server) -> None:
    message = f"invalid api key {API_KEY}"
    rest.answer = lambda _seen: json_reply({"status": "error", "message": message}, 400)
    error = failure(run, rest)
    assert isinstance(error, ApiError) and error.status == 400
    assert "invalid api key ***" in error.message
    assert_no_secret(error)


def test_a_huge_error_message_is_cut(run: Run, rest: Server) -> None:
    rest.answer = lambda _seen: json_reply({"status": "error", "message": "x" * 1_000_000}, 400)
    error = failure(run, rest)
    assert isinstance(error, ApiError) and len(str(error)) <= 500


@pytest.mark.usefixtures("quick_backoff")
def test_an_unreachable_host_is_a_typed_error_without_secrets(run: Run, rest: Server) -> None:
    rest.stop()  # nothing listens on its port any more
    error = failure(run, rest)
    assert isinstance(error, ApiError) and error.status == 0
    assert_no_secret(error)


# -- the transports directly: streams and closed clients -----------------------------------------
def _signed(path: str = "/v1/stream") -> RestCall:
    return RestCall("GET", path, headers={"api-key": API_KEY})


def _sync_rest(rest: Server, http: httpx.Client) -> SyncRest:
    return SyncRest(
        HttpPool.of(http), rest_url=rest.url, socket_url="ws://127.0.0.1:9", headers={}, timeout=5
    )


def _async_rest(rest: Server, http: httpx.AsyncClient) -> AsyncRest:
    return AsyncRest(
        HttpPool.of(http), rest_url=rest.url, socket_url="ws://127.0.0.1:9", headers={}, timeout=5
    )


def open_stream_sync(rest: Server, call: RestCall, *, closed: bool = False) -> bytes:
    with httpx.Client(follow_redirects=False) as http:
        transport = _sync_rest(rest, http)
        if closed:
            http.close()
        response = transport.open_stream(call)
        try:
            return response.read()
        finally:
            response.close()


def open_stream_async(rest: Server, call: RestCall, *, closed: bool = False) -> bytes:
    async def main() -> bytes:
        async with httpx.AsyncClient(follow_redirects=False) as http:
            transport = _async_rest(rest, http)
            if closed:
                await http.aclose()
            response = await asyncio.wait_for(transport.open_stream(call), 20)
            try:
                return await response.aread()
            finally:
                await response.aclose()

    return asyncio.run(main())


OpenStream = Callable[..., bytes]


@pytest.fixture(params=[open_stream_sync, open_stream_async], ids=["sync", "async"])
def open_stream(request: pytest.FixtureRequest) -> OpenStream:
    return request.param  # type: ignore[no-any-return]


def test_stream_follows_same_origin_redirects(open_stream: OpenStream, rest: Server) -> None:
    rest.answer = lambda seen: (
        redirect("/v1/moved") if seen.path == "/v1/stream" else (200, {}, b"data: 1\n\n")
    )
    assert open_stream(rest, _signed()) == b"data: 1\n\n"
    assert [seen.headers.get("api-key") for seen in rest.seen] == [API_KEY, API_KEY]


def test_stream_refuses_cross_origin_redirects(
    open_stream: OpenStream, rest: Server, other: Server
) -> None:
    rest.answer = lambda _seen: redirect(f"{other.url}/v1/stream")
    with pytest.raises(ApiError, match="another origin") as caught:
        open_stream(rest, _signed())
    assert other.seen == []
    assert_no_secret(caught.value)


def test_stream_error_answers_are_typed(open_stream: OpenStream, rest: Server) -> None:
    rest.answer = lambda _seen: (500, {"Content-Encoding": "gzip"}, b"corrupt")
    with pytest.raises(ApiError) as caught:
        open_stream(rest, _signed())
    assert_no_secret(caught.value)


def test_stream_to_an_unreachable_host_is_connection_lost(
    open_stream: OpenStream, rest: Server
) -> None:
    rest.stop()
    with pytest.raises(ConnectionLost) as caught:
        open_stream(rest, _signed())
    assert_no_secret(caught.value)


def test_stream_on_a_closed_client_raises_client_closed(
    open_stream: OpenStream, rest: Server
) -> None:
    with pytest.raises(ClientClosed) as caught:
        open_stream(rest, _signed(), closed=True)
    assert caught.value.__context__ is None
    assert rest.seen == []


def test_call_on_a_closed_http_client_raises_client_closed(rest: Server) -> None:
    http = httpx.Client()
    http.close()
    with pytest.raises(ClientClosed):
        _sync_rest(rest, http).call(_signed("/v1/account/me"))

    async def closed_async_call() -> None:
        async_http = httpx.AsyncClient()
        await async_http.aclose()
        await _async_rest(rest, async_http).call(_signed("/v1/account/me"))

    with pytest.raises(ClientClosed):
        asyncio.run(closed_async_call())
    assert rest.seen == []


def test_a_closed_sdk_client_raises_client_closed(run: Run, rest: Server) -> None:
    if run is run_sync:
        client = SogniClient(**_options(rest, "api_key"))
        client.close()
        with pytest.raises(ClientClosed):
            client.account.me()
    else:

        async def main() -> None:
            client = AsyncSogniClient(**_options(rest, "api_key"))
            await client.close()
            await asyncio.wait_for(client.account.me(), 20)

        with pytest.raises(ClientClosed):
            asyncio.run(main())
    assert rest.seen == []
