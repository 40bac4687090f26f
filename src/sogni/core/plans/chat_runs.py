"""Plans of durable chat runs (``client.chat.runs``).

Requests come from :mod:`sogni.core.chat.runs` (checked before anything is sent). The
event stream is read with :class:`~sogni.core.chat.runs.RunEventStream`: a dropped
connection is re-established with ``Last-Event-ID`` set to the last event delivered, so
every event arrives exactly once, in order. A body that ends without the run's terminal
event is checked against the run record: a finished run ends the iteration, a running one
is followed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sogni.core._generated.models import ChatRunEvent, ChatRunRecord, ChatRunWaiting
from sogni.core.chat import runs as cr
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall, Sleep
from sogni.core.errors import ConnectionLost, ValidationError
from sogni.core.plans import Plan
from sogni.core.plans.event_streams import read_body
from sogni.core.plans.workflows import wire_value
from sogni.core.reconnect import Backoff
from sogni.core.wire import from_wire, from_wire_list

__all__ = [
    "STREAM_IDLE_TIMEOUT",
    "approve",
    "cancel",
    "confirm_cost",
    "create",
    "events",
    "get",
    "stream_events",
]

STREAM_IDLE_TIMEOUT = 60.0
"""Seconds the event stream may stay silent (the network sends keep-alives far more often)
before the connection counts as dropped and is re-established."""

STREAM_RECONNECTS = 8
"""Reconnect attempts in a row without receiving an event before the stream gives up."""


def _rest_call(request: cr.ChatRunRequest) -> RestCall:
    return RestCall(
        request.method,
        request.path,
        json=request.json,
        headers=dict(request.headers) or None,
        idempotent=request.idempotent,
    )


def _run(data: Any) -> ChatRunRecord:
    return from_wire(ChatRunRecord, cr.unwrap(data, "run"))


def _app_source(ctx: CoreContext, app_source: str | None) -> str | None:
    # An explicit app_source (even "") wins over the client's, as in the network's client.
    return ctx.config.app_source if app_source is None else app_source


def create(
    ctx: CoreContext,
    messages: Sequence[Any],
    *,
    model: str | None = None,
    tools: Iterable[Any] | None = None,
    tool_choice: Any = None,
    sampling: Mapping[str, Any] | None = None,
    media_references: Sequence[Any] | None = None,
    media_context: Any = None,
    max_estimated_capacity_units: float | None = None,
    confirm_cost: bool | None = None,
    session_id: str | None = None,
    client_message_id: str | None = None,
    token_type: str | None = None,
    billing_mode: str | None = None,
    app_source: str | None = None,
    runtime_config: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
    extra_body: Mapping[str, Any] | None = None,
) -> Plan[ChatRunRecord]:
    """Start a durable chat run; returns its record (status ``queued`` at first)."""
    request = cr.create_request(
        messages,
        tools=tools,
        tool_choice=tool_choice,
        model=model,
        sampling=sampling,
        media_references=media_references,
        media_context=wire_value(media_context),
        max_estimated_capacity_units=max_estimated_capacity_units,
        confirm_cost=confirm_cost,
        session_id=session_id,
        client_message_id=client_message_id,
        token_type=token_type,
        billing_mode=billing_mode,
        app_source=_app_source(ctx, app_source),
        runtime_config=runtime_config,
        idempotency_key=idempotency_key,
        extra_body=extra_body,
    )
    data = yield _rest_call(request)
    return _run(data)


def get(ctx: CoreContext, run_id: str) -> Plan[ChatRunRecord]:
    """The run as it is now."""
    data = yield _rest_call(cr.get_request(run_id))
    return _run(data)


def events(ctx: CoreContext, run_id: str) -> Plan[list[ChatRunEvent]]:
    """The run's event history so far (from its record)."""
    data = yield _rest_call(cr.get_request(run_id))
    history = cr.unwrap(data, "run").get("events")
    return from_wire_list(ChatRunEvent, history if isinstance(history, list) else [])


def cancel(ctx: CoreContext, run_id: str, reason: str | None = None) -> Plan[ChatRunRecord]:
    """Cancel a run; returns its record."""
    data = yield _rest_call(cr.cancel_request(run_id, reason))
    return _run(data)


def confirm_cost(
    ctx: CoreContext,
    run_id: str,
    *,
    tool_call_id: str,
    decision: str = "confirm",
    accepted_cost_preview: Any = None,
    overrides: Mapping[str, Any] | None = None,
    reason: str | None = None,
    idempotency_key: str | None = None,
) -> Plan[ChatRunRecord]:
    """Answer a cost-approval pause: ``confirm`` with the preview the user accepted, or
    ``cancel``."""
    request = cr.confirm_cost_request(
        run_id,
        tool_call_id=tool_call_id,
        decision=decision,
        accepted_cost_preview=wire_value(accepted_cost_preview),
        overrides=overrides,
        reason=reason,
        idempotency_key=idempotency_key,
    )
    data = yield _rest_call(request)
    return _run(data)


def _waiting_of(pause: Any) -> Any:
    """The wire ``waiting`` state a pause the caller holds describes."""
    if isinstance(pause, ChatRunRecord):
        return wire_value(pause.waiting)
    if isinstance(pause, ChatRunWaiting):
        return wire_value(pause)
    if isinstance(pause, ChatRunEvent) and pause.type == "run_waiting_for_user":
        return wire_value(pause.payload)
    raise ValidationError(
        "pause must be the ChatRunRecord, its waiting state or the run_waiting_for_user "
        f"ChatRunEvent the user was shown, not {type(pause).__name__}",
        field="pause",
    )


def approve(
    ctx: CoreContext,
    run_id: str,
    pause: ChatRunRecord | ChatRunWaiting | ChatRunEvent,
    *,
    overrides: Mapping[str, Any] | None = None,
    reason: str | None = None,
    idempotency_key: str | None = None,
) -> Plan[ChatRunRecord]:
    """Confirm a cost-approval pause with the preview of the pause the caller holds."""
    cr.run_path(run_id)  # check the id before the pause
    tool_call_id, preview = cr.approval_of(_waiting_of(pause))
    return (
        yield from confirm_cost(
            ctx,
            run_id,
            tool_call_id=tool_call_id,
            decision="confirm",
            accepted_cost_preview=preview,
            overrides=overrides,
            reason=reason,
            idempotency_key=idempotency_key,
        )
    )


def _finished(ctx: CoreContext, run_id: str) -> Plan[bool]:
    record: ChatRunRecord = yield from get(ctx, run_id)
    return cr.is_terminal_status(record.status)


def stream_events(
    ctx: CoreContext,
    run_id: str,
    *,
    last_event_id: str | int | None = None,
    reconnect: bool = True,
) -> Plan[None]:
    """Emit every event of a run, in order, until the event that ends it."""
    path = cr.run_path(run_id, "events", "stream")
    stream = cr.RunEventStream.starting(last_event_id)
    backoff = Backoff(base=0.25, cap=5.0, max_attempts=STREAM_RECONNECTS)
    while not stream.done:
        call = RestCall("GET", path, headers=stream.next_headers(), timeout=STREAM_IDLE_TIMEOUT)
        body = yield from read_body(
            call, stream, backoff, lambda event: from_wire(ChatRunEvent, event)
        )
        if stream.done:
            return
        if body.ended and (yield from _finished(ctx, run_id)):
            if not body.delivered:
                # The stream of a finished run had nothing after the last event: done.
                stream.finish()
                return
            continue  # read what the finished run logged after this body's last event
        delay = backoff.next_delay() if reconnect else None
        if delay is None:
            raise ConnectionLost(
                f"the event stream of chat run {run_id} ended before the run finished "
                f"({body.lost or 'the server closed it'})"
            )
        yield Sleep(delay)
