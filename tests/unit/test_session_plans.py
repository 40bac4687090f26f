"""Credentials, token renewal, the resumable event stream and connection plans, without I/O.

A scripted driver stands in for the clients: it answers each effect a plan yields.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from helpers import hs256_jwt as jwt

from sogni._runtime.session import Session
from sogni.core._generated.models import ClientConfig
from sogni.core.auth import TokenPair
from sogni.core.context import CoreContext
from sogni.core.effects import (
    CloseStream,
    Emit,
    OpenStream,
    ReadStream,
    RestCall,
    Sleep,
    SocketSend,
    WaitUntil,
)
from sogni.core.plans import Plan
from sogni.core.plans import connection as connection_plans
from sogni.core.plans import workflows as workflow_plans
from sogni.core.plans.auth import authorized, ensure_fresh_token
from sogni.errors import ApiError, AuthenticationError, ConnectionLost, ValidationError

NOW = 1_800_000_000.0


def pair(n: int, *, exp: float = NOW + 3600, refresh_exp: float = NOW + 86400) -> TokenPair:
    return TokenPair(
        jwt({"addr": "0xabc", "iat": exp - 3600, "exp": exp, "n": n}),
        jwt({"type": "refresh", "iat": NOW - 10, "exp": refresh_exp, "n": n}),
    )


def drive(plan: Plan[Any], answer: Callable[[Any], Any]) -> tuple[Any, list[Any], list[Any]]:
    """Run ``plan``; returns (result, emitted items, effects seen)."""
    value: Any = None
    error: BaseException | None = None
    emitted: list[Any] = []
    seen: list[Any] = []
    while True:
        try:
            effect = plan.throw(error) if error is not None else plan.send(value)
        except StopIteration as stop:
            return stop.value, emitted, seen
        value, error = None, None
        seen.append(effect)
        if isinstance(effect, Emit):
            emitted.append(effect.value)
            continue
        try:
            value = answer(effect)
        except Exception as exc:  # noqa: BLE001 - handed back to the plan
            error = exc


def context(session: Session | None = None) -> CoreContext:
    ctx = CoreContext(config=ClientConfig(), registry=None)  # type: ignore[arg-type]
    if session is not None:
        ctx.credentials = session
    ctx.clock = lambda: NOW
    return ctx


def logged_in(tokens: TokenPair) -> Session:
    session = Session(None, clock=lambda: NOW)
    session.set_tokens(tokens)
    return session


# --- the refresh protocol ----------------------------------------------------------------------


def test_refresh_ticket_decisions() -> None:
    session = logged_in(pair(1, exp=NOW + 30))  # expires within the renewal margin
    first = session.begin_refresh(NOW)
    assert first.action == "refresh" and first.refresh_token == session.tokens.refresh_token  # type: ignore[union-attr]
    assert first.refresh_token is not None and first.refresh_token not in repr(first)
    assert session.begin_refresh(NOW).action == "wait"  # one refresh in flight
    session.end_refresh(pair(2))
    assert session.begin_refresh(NOW).action == "ready"
    generation = session.generation
    assert session.begin_refresh(NOW, stale_generation=generation - 1).action == "ready"
    assert session.begin_refresh(NOW, stale_generation=generation).action == "refresh"
    session.end_refresh(None)  # a failed attempt keeps the session
    assert session.tokens is not None
    gone = logged_in(pair(3, exp=NOW - 5, refresh_exp=NOW - 1))
    assert gone.begin_refresh(NOW).action == "expired"
    assert Session("key", clock=lambda: NOW).begin_refresh(NOW).action == "ready"


def test_headers_are_the_raw_token_or_the_api_key() -> None:
    tokens = pair(1)
    assert logged_in(tokens).headers() == {"Authorization": tokens.token}
    assert Session("k", clock=lambda: NOW).headers() == {"api-key": "k"}
    assert Session(None, clock=lambda: NOW).headers() == {}


def test_changes_are_reported() -> None:
    changes: list[str] = []
    session = Session(None, clock=lambda: NOW, on_change=changes.append)
    session.set_tokens(pair(1))
    session.begin_refresh(NOW, stale_generation=session.generation)
    session.end_refresh(pair(2))
    session.begin_refresh(NOW, stale_generation=session.generation)
    session.end_refresh(None, rejected=True)
    session.clear()  # nothing left to clear: no change
    assert changes == ["login", "tokens", "logout"]


def test_expiring_token_is_renewed_before_the_request() -> None:
    session = logged_in(pair(1, exp=NOW + 10))
    fresh = pair(2)
    calls: list[RestCall] = []

    def answer(effect: Any) -> Any:
        calls.append(effect)
        if effect.path == "/v1/account/refresh-token":
            return {"token": fresh.token, "refreshToken": fresh.refresh_token}
        return {"ok": True}

    result, _, _ = drive(authorized(context(session), RestCall("GET", "/v1/account/me")), answer)
    assert result == {"ok": True}
    refresh, me = calls
    assert refresh.json == {"refreshToken": pair(1, exp=NOW + 10).refresh_token}
    assert refresh.headers is None and not refresh.authorize  # no credentials on a refresh
    assert me.headers == {"Authorization": fresh.token} and not me.authorize


def test_401_renews_once_then_gives_up() -> None:
    session = logged_in(pair(1))
    replies = [
        AuthenticationError("no", status=401),
        {"token": pair(2).token, "refreshToken": pair(2).refresh_token},
        AuthenticationError("still no", status=401),
    ]

    def answer(effect: Any) -> Any:
        reply = replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    with pytest.raises(AuthenticationError):
        drive(authorized(context(session), RestCall("GET", "/v1/account/me")), answer)
    assert replies == [] and session.tokens is None


def test_api_key_401_is_not_retried() -> None:
    session = Session("bad", clock=lambda: NOW)
    seen: list[Any] = []

    def answer(effect: Any) -> Any:
        seen.append(effect)
        raise AuthenticationError("no", status=401)

    with pytest.raises(AuthenticationError):
        drive(authorized(context(session), RestCall("GET", "/x")), answer)
    assert len(seen) == 1 and session.headers() == {"api-key": "bad"}


@pytest.mark.parametrize(("status", "kept"), [(401, False), (400, False), (503, True), (0, True)])
def test_failed_refresh_ends_the_session_only_when_refused(status: int, kept: bool) -> None:
    session = logged_in(pair(1, exp=NOW + 1))

    def answer(effect: Any) -> Any:
        raise ApiError("refused", status=status)

    with pytest.raises(ApiError):
        drive(ensure_fresh_token(context(session)), answer)
    assert (session.tokens is not None) is kept
    assert not session.refreshing


def test_a_second_caller_waits_for_the_refresh_in_flight() -> None:
    session = logged_in(pair(1, exp=NOW + 1))
    assert session.begin_refresh(NOW).action == "refresh"  # someone else is renewing

    def answer(effect: Any) -> Any:
        assert isinstance(effect, WaitUntil) and not effect.predicate()
        session.end_refresh(pair(2))  # ... and finishes meanwhile
        assert effect.predicate()

    _, _, seen = drive(ensure_fresh_token(context(session)), answer)
    assert [type(e) for e in seen] == [WaitUntil]


# --- the workflow event stream ------------------------------------------------------------------


def frames(*ids: int, status: str = "running") -> bytes:
    text = ""
    for n in ids:
        text += f"id: {n}\nevent: step\ndata: {json.dumps({'status': status, 'n': n})}\n\n"
    return text.encode()


class FakeServer:
    """Serves scripted connections: each a list of chunks, ending with an exception or EOF."""

    def __init__(self, connections: list[list[Any]]) -> None:
        self.connections = connections
        self.requests: list[RestCall] = []
        self.sleeps: list[float] = []
        self.closed = 0
        self._current: list[Any] = []

    def __call__(self, effect: Any) -> Any:
        if isinstance(effect, OpenStream):
            self.requests.append(effect.call)
            self._current = list(self.connections.pop(0))
            return object()
        if isinstance(effect, ReadStream):
            if not self._current:
                return None
            item = self._current.pop(0)
            if isinstance(item, Exception):
                raise item
            return item
        if isinstance(effect, CloseStream):
            self.closed += 1
            return None
        if isinstance(effect, Sleep):
            self.sleeps.append(effect.seconds)
            return None
        raise AssertionError(effect)


def test_stream_resumes_after_drops_with_every_event_once() -> None:
    lost = ConnectionLost("cut")
    server = FakeServer(
        [
            [frames(1, 2), frames(3)[:12], lost],  # cut in the middle of event 3
            [frames(3, 4), lost],  # cut right after a frame
            [frames(4, 5)],  # replays 4; body ends (no terminal)
            [frames(6), frames(7, status="completed"), frames(8)],
        ]
    )
    plan = workflow_plans.stream_events(context(), "wf 1")
    _, emitted, _ = drive(plan, server)
    assert [f.id for f in emitted] == ["1", "2", "3", "4", "5", "6", "7"]
    assert emitted[-1].data["status"] == "completed"
    assert [r.query for r in server.requests] == [
        None,
        {"after": "2"},
        {"after": "4"},
        {"after": "5"},
    ]
    assert [(r.headers or {}).get("Last-Event-ID") for r in server.requests] == [
        None,
        "2",
        "4",
        "5",
    ]
    assert server.requests[0].path == "/v1/creative-agent/workflows/wf%201/events/stream"
    assert server.closed == 4 and len(server.sleeps) == 3


def test_stream_gives_up_without_progress() -> None:
    server = FakeServer([[ConnectionLost("down")]] * (workflow_plans.STREAM_RECONNECTS + 1))
    with pytest.raises(ConnectionLost) as info:
        drive(workflow_plans.stream_events(context(), "wf"), server)
    assert "wf" in str(info.value)
    assert len(server.sleeps) == workflow_plans.STREAM_RECONNECTS


def test_stream_without_reconnect_raises_at_the_first_drop() -> None:
    server = FakeServer([[frames(1), ConnectionLost("cut")]])
    with pytest.raises(ConnectionLost):
        drive(workflow_plans.stream_events(context(), "wf", reconnect=False), server)


def test_stream_does_not_retry_a_client_error() -> None:
    calls: list[Any] = []

    def answer(effect: Any) -> Any:
        calls.append(effect)
        raise ApiError("not found", status=404)

    with pytest.raises(ApiError):
        drive(workflow_plans.stream_events(context(), "wf"), answer)
    assert len(calls) == 1


# --- connection plans ---------------------------------------------------------------------------


def test_set_subscriptions_waits_for_the_servers_map() -> None:
    ctx = context()
    sent: list[SocketSend] = []

    def answer(effect: Any) -> Any:
        if isinstance(effect, SocketSend):
            sent.append(effect)
            return None
        assert isinstance(effect, WaitUntil) and not effect.predicate()
        ctx.subscriptions.on_server_snapshot(
            {"socketEventSubscriptions": {"modelAvailability": False, "jobETA": False}}
        )
        assert effect.predicate()

    result, _, _ = drive(
        connection_plans.set_socket_event_subscriptions(
            ctx, {"modelAvailability": False}, unsubscribe=["jobETA"]
        ),
        answer,
    )
    assert sent[0].payload == {
        "subscriptions": {"modelAvailability": False},
        "unsubscribe": ["jobETA"],
    }
    assert result == {"modelAvailability": False, "jobETA": False}


def test_subscription_input_errors() -> None:
    ctx = context()
    with pytest.raises(ValidationError):
        drive(connection_plans.set_socket_event_subscriptions(ctx), lambda e: None)
    with pytest.raises(ValidationError):
        drive(
            connection_plans.set_socket_event_subscriptions(ctx, {"subscribe": "x"}, reset=True),
            lambda e: None,
        )


def test_switch_network_waits_for_the_confirmation() -> None:
    ctx = context()

    def answer(effect: Any) -> Any:
        if isinstance(effect, SocketSend):
            assert (effect.type, effect.payload) == ("changeNetwork", "relaxed")
            assert ctx.account.network_status == "switching"
            return None
        ctx.account.on_network({"network": "relaxed"})
        assert effect.predicate()

    result, _, _ = drive(connection_plans.switch_network(ctx, "relaxed"), answer)
    assert result == "relaxed" and ctx.account.network_status == "connected"
