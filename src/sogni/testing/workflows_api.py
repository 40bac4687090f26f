"""Durable creative workflow endpoints (``/v1/creative-agent/workflows``) and their SSE stream."""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

from . import envelope
from .routing import Route
from .state import STATE
from .workflows import Workflow, WorkflowError

__all__ = ["ROUTES"]

KEEP_ALIVE_SECONDS = 15.0
_POLL_SECONDS = 0.25
_BASE = "/v1/creative-agent/workflows"


def _workflow(request: web.Request) -> Workflow:
    workflow = request.app[STATE].workflows.workflows.get(request.match_info["workflow_id"])
    if workflow is None:
        raise web.HTTPNotFound(reason=f"Workflow {request.match_info['workflow_id']} not found")
    return workflow


def _optional_int(request: web.Request, name: str) -> int | None:
    text = request.query.get(name)
    if text is None or text == "":
        return None
    if not text.isdigit():
        raise web.HTTPBadRequest(reason=f"'{name}' must be a non-negative integer")
    return int(text)


async def start(request: web.Request) -> web.Response:
    """``POST /v1/creative-agent/workflows`` -> ``{workflow}``."""
    state = request.app[STATE]
    try:
        body = await request.json()
    except ValueError:
        return envelope.error(400, "Request body must be JSON")
    if not isinstance(body, dict):
        return envelope.error(400, "Request body must be a JSON object")
    key = request.headers.get("Idempotency-Key")
    if key and key in state.workflow_keys:
        existing = state.workflows.workflows[state.workflow_keys[key]]
        return envelope.success({"workflow": existing.record()})
    try:
        workflow = state.workflows.start(body)
    except WorkflowError as exc:
        return envelope.error(400, str(exc))
    if key:
        state.workflow_keys[key] = workflow.id
    return envelope.success({"workflow": workflow.record()})


async def listing(request: web.Request) -> web.Response:
    """``GET /v1/creative-agent/workflows?limit=&offset=`` -> ``{workflows}``."""
    limit, offset = _optional_int(request, "limit"), _optional_int(request, "offset")
    return envelope.success({"workflows": request.app[STATE].workflows.listing(limit, offset)})


async def get(request: web.Request) -> web.Response:
    """``GET /v1/creative-agent/workflows/{id}`` -> ``{workflow}``."""
    return envelope.success({"workflow": _workflow(request).record()})


async def events(request: web.Request) -> web.Response:
    """``GET /v1/creative-agent/workflows/{id}/events`` -> ``{events}``."""
    return envelope.success({"events": list(_workflow(request).events)})


async def cancel(request: web.Request) -> web.Response:
    """``POST /v1/creative-agent/workflows/{id}/cancel`` -> ``{workflow}``."""
    workflow = _workflow(request)
    await request.app[STATE].workflows.cancel(workflow)
    return envelope.success({"workflow": workflow.record()})


def _frame(event: dict[str, object]) -> bytes:
    data = json.dumps(event, separators=(",", ":"))
    return f"id: {event['id']}\nevent: {event['event']}\ndata: {data}\n\n".encode()


async def stream(request: web.Request) -> web.StreamResponse:
    """``GET .../{id}/events/stream?after=<n>``: SSE until the workflow is finished."""
    state = request.app[STATE]
    workflow = _workflow(request)
    after_text = request.query.get("after") or request.headers.get("Last-Event-ID") or "0"
    try:
        sent = int(after_text)
    except ValueError:
        return envelope.error(400, "'after' must be an event id")
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-cache"})
    await response.prepare(request)
    state.hub.track_stream(request)
    idle = 0.0
    try:
        while request.transport is not None and not request.transport.is_closing():
            async with workflow.changed:
                if not [e for e in workflow.events if int(e["id"]) > sent] and \
                        not workflow.terminal:
                    # Wake up now and then to notice a client that went away.
                    try:
                        await asyncio.wait_for(workflow.changed.wait(), _POLL_SECONDS)
                    except asyncio.TimeoutError:
                        idle += _POLL_SECONDS
                        if idle >= KEEP_ALIVE_SECONDS:
                            idle = 0.0
                            await response.write(b": keep-alive\n\n")
                        continue
            idle = 0.0
            for event in [e for e in workflow.events if int(e["id"]) > sent]:
                await response.write(_frame(event))
                sent = int(event["id"])
            if workflow.terminal and not [e for e in workflow.events if int(e["id"]) > sent]:
                await response.write_eof()
                break
    except ConnectionResetError:
        pass  # the client (or a fault) cut the stream
    finally:
        state.hub.untrack_stream(request)
    return response


ROUTES = [
    Route("POST", _BASE, start),
    Route("GET", _BASE, listing),
    Route("GET", _BASE + "/{workflow_id}", get),
    Route("GET", _BASE + "/{workflow_id}/events", events),
    Route("POST", _BASE + "/{workflow_id}/cancel", cancel),
    Route("GET", _BASE + "/{workflow_id}/events/stream", stream),
]
