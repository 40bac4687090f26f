"""Plans of durable creative workflows (``client.workflows``).

Requests come from :mod:`sogni.core.workflows` (validated before anything is sent);
replies are unwrapped and turned into the generated models. The event stream is read with
:class:`~sogni.core.sse.SseStream`, which resumes after the last delivered event when the
connection drops, so every event arrives exactly once, in order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from sogni.core import workflows as wf
from sogni.core._generated.models import (
    WorkflowEvent,
    WorkflowRecord,
    WorkflowReseeded,
    WorkflowResumed,
    WorkflowSseFrame,
    WorkflowTemplate,
    WorkflowTemplatePage,
)
from sogni.core.context import CoreContext
from sogni.core.effects import Emit, RestCall, Sleep
from sogni.core.errors import ConnectionLost, SogniTimeoutError, ValidationError
from sogni.core.plans import Plan
from sogni.core.plans.event_streams import read_body
from sogni.core.reconnect import Backoff
from sogni.core.sse import SseFrame, SseStream
from sogni.core.wire import from_wire, from_wire_list

__all__ = [
    "STREAM_IDLE_TIMEOUT",
    "cancel",
    "create_template",
    "delete_template",
    "events",
    "fork_template",
    "get",
    "get_template",
    "list_templates",
    "list_workflows",
    "reseed",
    "resume",
    "start",
    "start_hosted_tool_sequence",
    "start_image_to_video",
    "stream_events",
    "update_template",
    "wait",
    "wire_value",
]

STREAM_IDLE_TIMEOUT = 60.0
"""Seconds the event stream may stay silent (the network sends keep-alives far more often)
before the connection counts as dropped and is re-established."""

STREAM_RECONNECTS = 8
"""Reconnect attempts in a row without receiving an event before the stream gives up."""


def _rest_call(request: wf.WorkflowRequest, *, idempotent: bool | None = None) -> RestCall:
    return RestCall(
        request.method,
        request.path,
        query=dict(request.query) or None,
        json=request.json,
        headers=dict(request.headers) or None,
        idempotent=request.idempotent if idempotent is None else idempotent,
        timeout=None,  # workflow calls have no time limit
        no_body=request.method != "GET" and request.json is None,
    )


def _send(request: wf.WorkflowRequest, *, idempotent: bool | None = None) -> Plan[Any]:
    data = yield _rest_call(request, idempotent=idempotent)
    assert request.result_key is not None
    return wf.unwrap(data, request.result_key)


def _record(data: Any) -> WorkflowRecord:
    return from_wire(WorkflowRecord, data)


def wire_value(value: Any) -> Any:
    """Generated models (steps, dependencies, templates ...) as plain wire dictionaries,
    their ``extra`` fields included; mappings and lists are copied on the way."""
    if attrs.has(type(value)):
        out: dict[str, Any] = {}
        for field in attrs.fields(type(value)):
            item = getattr(value, field.name)
            if field.metadata.get("extra"):
                out.update(item or {})
            elif item is not None:
                out[field.metadata.get("wire", field.name)] = wire_value(item)
        return out
    if isinstance(value, Mapping):
        return {key: wire_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [wire_value(item) for item in value]
    return value


def start(
    ctx: CoreContext,
    kind: str | Mapping[str, Any] | None = None,
    input: Mapping[str, Any] | None = None,
    *,
    token_type: str | None = None,
    billing_mode: str | None = None,
    app_source: str | None = None,
    idempotency_key: str | None = None,
    media_references: Sequence[Any] | None = None,
    template_id: str | None = None,
    workflow_id: str | None = None,
    inputs: Mapping[str, Any] | None = None,
    max_estimated_capacity_units: float | None = None,
    confirm_cost: bool | None = None,
    safe_content_filter: bool | None = None,
    extra_body: Mapping[str, Any] | None = None,
) -> Plan[WorkflowRecord]:
    """Start a workflow from an inline ``input`` or a saved template."""
    if isinstance(kind, Mapping) and input is None:
        kind, input = None, kind  # start({...}): the input given positionally
    if template_id is not None and workflow_id is not None and template_id != workflow_id:
        raise ValidationError(
            "give the saved template's id once (template_id or workflow_id)", field="template_id"
        )
    request = wf.start_request(
        kind=kind,  # type: ignore[arg-type]
        input=None if input is None else wire_value(input),
        template_id=template_id if template_id is not None else workflow_id,
        inputs=inputs,
        token_type=token_type,
        billing_mode=billing_mode,
        # An explicit app_source (even "") wins over the client's, as in the network's client.
        app_source=ctx.config.app_source if app_source is None else app_source,
        idempotency_key=idempotency_key,
        media_references=None if media_references is None else wire_value(media_references),
        max_estimated_capacity_units=max_estimated_capacity_units,
        confirm_cost=confirm_cost,
        safe_content_filter=safe_content_filter,
        extra_body=extra_body,
    )
    # With an Idempotency-Key the server answers a repeat with the same workflow.
    data = yield from _send(request, idempotent=bool(idempotency_key))
    return _record(data)


def start_image_to_video(ctx: CoreContext, prompt: str, **options: Any) -> Plan[WorkflowRecord]:
    """Start an ``image_to_video`` workflow; ``options`` are those of
    :func:`sogni.core.workflows.start_image_to_video_request` (typed by the facade)."""
    request = wf.start_image_to_video_request(prompt, **options)
    data = yield from _send(request, idempotent=False)
    return _record(data)


def start_hosted_tool_sequence(
    ctx: CoreContext,
    steps: Sequence[Any],
    *,
    title: str | None = None,
    media_references: Sequence[Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    token_type: str | None = None,
    extra_body: Mapping[str, Any] | None = None,
) -> Plan[WorkflowRecord]:
    """Start a ``hosted_tool_sequence`` workflow (steps validated before sending)."""
    request = wf.start_hosted_tool_sequence_request(
        wire_value(list(steps)) if isinstance(steps, (list, tuple)) else steps,
        title=title,
        media_references=None if media_references is None else wire_value(media_references),
        extra=extra,
        token_type=token_type,
        extra_body=extra_body,
    )
    data = yield from _send(request, idempotent=False)
    return _record(data)


def get(ctx: CoreContext, workflow_id: str) -> Plan[WorkflowRecord]:
    """A snapshot of one workflow."""
    data = yield from _send(wf.get_request(workflow_id))
    return _record(data)


def list_workflows(
    ctx: CoreContext, limit: int | None = None, offset: int | None = None
) -> Plan[list[WorkflowRecord]]:
    """The account's workflows, newest first."""
    data = yield from _send(wf.list_request(limit=limit, offset=offset))
    return from_wire_list(WorkflowRecord, data)


def events(ctx: CoreContext, workflow_id: str) -> Plan[list[WorkflowEvent]]:
    """A workflow's event history."""
    data = yield from _send(wf.events_request(workflow_id))
    return from_wire_list(WorkflowEvent, data)


def cancel(ctx: CoreContext, workflow_id: str) -> Plan[WorkflowRecord]:
    """Ask the network to stop a workflow; returns its record at that moment."""
    data = yield from _send(wf.cancel_request(workflow_id))
    return _record(data)


def _app_source(ctx: CoreContext, app_source: str | None) -> str | None:
    # An explicit app_source (even "") wins over the client's, as in the network's client.
    return ctx.config.app_source if app_source is None else app_source


def resume(
    ctx: CoreContext,
    workflow_id: str,
    *,
    token_type: str | None = None,
    billing_mode: str | None = None,
    app_source: str | None = None,
) -> Plan[WorkflowResumed]:
    """Set a workflow paused for its user (or stopped by a failure) going again."""
    request = wf.resume_request(
        workflow_id,
        token_type=token_type,
        billing_mode=billing_mode,
        app_source=_app_source(ctx, app_source),
    )
    data = yield _rest_call(request, idempotent=False)
    record = _record(wf.unwrap(data, "workflow"))
    return WorkflowResumed(workflow=record, resumed=data.get("resumed") is True)


def reseed(
    ctx: CoreContext,
    workflow_id: str,
    *,
    seed_overrides: Mapping[str, int] | None = None,
    token_type: str | None = None,
    billing_mode: str | None = None,
    app_source: str | None = None,
    idempotency_key: str | None = None,
) -> Plan[WorkflowReseeded]:
    """Start a new take of a finished workflow with fresh seeds."""
    request = wf.reseed_request(
        workflow_id,
        seed_overrides=seed_overrides,
        token_type=token_type,
        billing_mode=billing_mode,
        app_source=_app_source(ctx, app_source),
        idempotency_key=idempotency_key,
    )
    # A reseed mints new seeds, so only a keyed one is safe to repeat.
    data = yield _rest_call(request, idempotent=bool(idempotency_key))
    record = wf.unwrap(data, "workflow")
    info = data.get("reseed")
    info = info if isinstance(info, Mapping) else {}
    cloned = info.get("cloned_from_run_id")
    steps = info.get("steps")
    wire = {
        "workflow": record,
        "idempotent": data.get("idempotent") is True,
        "reseed": {
            **info,
            "cloned_from_run_id": cloned if isinstance(cloned, str) else "",
            "steps": steps if isinstance(steps, list) else [],
        },
    }
    return from_wire(WorkflowReseeded, {**data, **wire})


def _template_call(request: wf.WorkflowRequest) -> RestCall:
    # Template answers are read whether or not the server wraps them in an envelope.
    return attrs.evolve(_rest_call(request), envelope=False, timeout="client")


def list_templates(
    ctx: CoreContext,
    *,
    visibility: str | None = None,
    offset: int | None = None,
    limit: int | None = None,
) -> Plan[WorkflowTemplatePage]:
    """One page of workflow templates."""
    request = wf.list_templates_request(visibility=visibility, offset=offset, limit=limit)
    payload = yield _template_call(request)
    return from_wire(WorkflowTemplatePage, wf.unwrap_templates(payload))


def get_template(ctx: CoreContext, template_id: str) -> Plan[WorkflowTemplate]:
    """One workflow template."""
    payload = yield _template_call(wf.get_template_request(template_id))
    return from_wire(WorkflowTemplate, wf.unwrap_template(payload))


def create_template(ctx: CoreContext, template: Any) -> Plan[WorkflowTemplate]:
    """Save a new workflow template; returns it as stored."""
    request = wf.create_template_request(wire_value(template))
    payload = yield _template_call(request)
    return from_wire(WorkflowTemplate, wf.unwrap_template(payload, "create"))


def update_template(ctx: CoreContext, template_id: str, patch: Any) -> Plan[WorkflowTemplate]:
    """Change some fields of a template; returns it as stored."""
    request = wf.update_template_request(template_id, wire_value(patch))
    payload = yield _template_call(request)
    return from_wire(WorkflowTemplate, wf.unwrap_template(payload, "update"))


def delete_template(ctx: CoreContext, template_id: str) -> Plan[None]:
    """Delete one of the account's templates."""
    yield _template_call(wf.delete_template_request(template_id))


def fork_template(
    ctx: CoreContext, template_id: str, *, new_name: str | None = None
) -> Plan[WorkflowTemplate]:
    """Copy a template into the account's own; returns the copy."""
    payload = yield _template_call(wf.fork_template_request(template_id, new_name=new_name))
    return from_wire(WorkflowTemplate, wf.unwrap_template(payload, "fork"))


def _frame(frame: SseFrame) -> WorkflowSseFrame:
    return WorkflowSseFrame(id=frame.id, event=frame.event, data=frame.data, raw=frame.raw)


def _stream(
    ctx: CoreContext,
    workflow_id: str,
    after: str | int | None,
    last_event_id: str | int | None,
    reconnect: bool,
) -> Plan[None]:
    path = wf.workflow_path(workflow_id, "events", "stream")
    stream = SseStream.starting(after=after, last_event_id=last_event_id)
    backoff = Backoff(base=0.25, cap=5.0, max_attempts=STREAM_RECONNECTS)
    while not stream.done:
        query, headers = stream.next_request()
        call = RestCall(
            "GET", path, query=query or None, headers=headers, timeout=STREAM_IDLE_TIMEOUT
        )
        body = yield from read_body(call, stream, backoff, _frame)
        if stream.done:
            return
        # The body ended or broke before the terminal event: resume after the last one.
        delay = backoff.next_delay() if reconnect else None
        if delay is None:
            raise ConnectionLost(
                f"the event stream of workflow {workflow_id} ended before the workflow "
                f"finished ({body.lost or 'the server closed it'})"
            )
        yield Sleep(delay)


def stream_events(
    ctx: CoreContext,
    workflow_id: str,
    after: str | int | None = None,
    last_event_id: str | int | None = None,
    reconnect: bool = True,
) -> Plan[None]:
    """Emit every event frame of a workflow until its terminal status."""
    wf.workflow_path(workflow_id)  # validate the id before any I/O
    yield from _stream(ctx, workflow_id, after, last_event_id, reconnect)


def _last_event_id(record: WorkflowRecord) -> str | int | None:
    events = record.events or []
    return events[-1].id if events else None


def wait(ctx: CoreContext, workflow_id: str, timeout: float | None = None) -> Plan[WorkflowRecord]:
    """Follow the event stream until the workflow finishes, then return its record.

    The stream is followed from the last event of the current record, so a workflow that
    failed and was resumed is waited for anew rather than taken for finished by its old
    ``failed`` event.
    """
    wf.workflow_path(workflow_id)
    deadline = None if timeout is None else ctx.clock() + timeout
    while True:
        record: WorkflowRecord = yield from get(ctx, workflow_id)
        if wf.is_terminal_status(record.status):
            return record
        plan = _stream(ctx, workflow_id, _last_event_id(record), None, True)
        value: Any = None
        error: BaseException | None = None
        try:
            while True:
                try:
                    effect = plan.throw(error) if error is not None else plan.send(value)
                except StopIteration:
                    break
                value, error = None, None
                if isinstance(effect, Emit):
                    if deadline is not None and ctx.clock() > deadline:
                        raise SogniTimeoutError(
                            f"workflow {workflow_id} did not finish within {timeout} s"
                        )
                    continue
                try:
                    value = yield effect
                except Exception as exc:  # noqa: BLE001 - handed back to the stream plan
                    error = exc
        finally:
            plan.close()
