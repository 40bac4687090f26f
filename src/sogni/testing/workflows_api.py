"""Durable creative workflow endpoints (``/v1/creative-agent/workflows``), their SSE stream,
resume and reseed, and the saved templates (``/v1/creative-agent/workflows/templates``)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from . import envelope
from .routing import Route
from .state import STATE, caller
from .workflow_plans import WorkflowError
from .workflows import Workflow

__all__ = ["ROUTES"]

KEEP_ALIVE_SECONDS = 15.0
_POLL_SECONDS = 0.25
_BASE = "/v1/creative-agent/workflows"
_TEMPLATES = _BASE + "/templates"
_MAX_TEMPLATE_PAGE = 200


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
        workflow = state.workflows.start(body, caller(request).address)
    except WorkflowError as exc:
        return envelope.error(exc.status, str(exc))
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


async def _body(request: web.Request) -> dict[str, Any]:
    if not await request.read():
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(reason="Request body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="Request body must be a JSON object")
    return body


async def resume(request: web.Request) -> web.Response:
    """``POST /v1/creative-agent/workflows/{id}/resume`` -> ``{workflow, resumed}``."""
    workflow = _workflow(request)
    body = await _body(request)
    try:
        resumed = await request.app[STATE].workflows.resume(workflow, body)
    except WorkflowError as exc:
        return envelope.error(exc.status, str(exc))
    return envelope.success({"workflow": workflow.record(), "resumed": resumed})


async def reseed(request: web.Request) -> web.Response:
    """``POST /v1/creative-agent/workflows/{id}/reseed`` -> ``{workflow, idempotent?,
    reseed: {cloned_from_run_id, steps}}``."""
    source = _workflow(request)
    body = await _body(request)
    try:
        workflow, info, repeated = request.app[STATE].workflows.reseed(
            source, body, request.headers.get("Idempotency-Key")
        )
    except WorkflowError as exc:
        return envelope.error(exc.status, str(exc))
    answer: dict[str, Any] = {"workflow": workflow.record(), "reseed": info}
    if repeated:
        answer["idempotent"] = True
    return envelope.success(answer)


# -- templates -------------------------------------------------------------------------------


def _author(request: web.Request) -> dict[str, str]:
    account = caller(request)
    return {"userId": account.user_id, "displayName": account.username}


def _template_answer(call: Any) -> web.Response:
    try:
        template = call()
    except WorkflowError as exc:
        return envelope.error(exc.status, str(exc))
    return envelope.success({"template": template})


async def list_templates(request: web.Request) -> web.Response:
    """``GET .../templates?visibility=&offset=&limit=`` -> ``{templates, next}``."""
    visibility = request.query.get("visibility") or "all"
    if visibility not in ("own", "public", "all"):
        return envelope.error(400, "visibility must be own, public or all")
    offset = _optional_int(request, "offset") or 0
    limit = min(_optional_int(request, "limit") or 50, _MAX_TEMPLATE_PAGE)
    templates = request.app[STATE].workflows.templates.visible(caller(request).address, visibility)
    page = templates[offset : offset + limit]
    following = offset + limit if offset + limit < len(templates) else None
    return envelope.success({"templates": page, "next": following})


async def get_template(request: web.Request) -> web.Response:
    """``GET .../templates/{id}`` -> ``{template}``."""
    template_id = request.match_info["template_id"]
    found = request.app[STATE].workflows.templates.find(template_id, caller(request).address)
    if found is None:
        return envelope.error(404, f"Template {template_id} not found")
    return envelope.success({"template": found})


async def create_template(request: web.Request) -> web.Response:
    """``POST .../templates`` with the template -> ``{template}``."""
    body = await _body(request)
    store = request.app[STATE].workflows.templates
    return _template_answer(lambda: store.create(caller(request).address, _author(request), body))


async def update_template(request: web.Request) -> web.Response:
    """``PATCH .../templates/{id}`` with the fields to change -> ``{template}``."""
    body = await _body(request)
    store = request.app[STATE].workflows.templates
    return _template_answer(
        lambda: store.update(caller(request).address, request.match_info["template_id"], body)
    )


async def delete_template(request: web.Request) -> web.Response:
    """``DELETE .../templates/{id}`` -> ``{deleted, id}``."""
    template_id = request.match_info["template_id"]
    try:
        request.app[STATE].workflows.templates.delete(caller(request).address, template_id)
    except WorkflowError as exc:
        return envelope.error(exc.status, str(exc))
    return envelope.success({"deleted": True, "id": template_id})


async def fork_template(request: web.Request) -> web.Response:
    """``POST .../templates/{id}/fork`` with ``{newName?}`` -> ``{template}``."""
    body = await _body(request)
    store = request.app[STATE].workflows.templates
    return _template_answer(
        lambda: store.fork(
            caller(request).address,
            _author(request),
            request.match_info["template_id"],
            body.get("newName"),
        )
    )


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
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    state.broadcaster.track_stream(request)
    idle = 0.0
    try:
        while request.transport is not None and not request.transport.is_closing():
            async with workflow.changed:
                if (
                    not [e for e in workflow.events if int(e["id"]) > sent]
                    and not workflow.terminal
                ):
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
        state.broadcaster.untrack_stream(request)
    return response


ROUTES = [
    # The templates come first: ``/templates`` is not a workflow id.
    Route("GET", _TEMPLATES, list_templates),
    Route("POST", _TEMPLATES, create_template),
    Route("GET", _TEMPLATES + "/{template_id}", get_template),
    Route("PATCH", _TEMPLATES + "/{template_id}", update_template),
    Route("DELETE", _TEMPLATES + "/{template_id}", delete_template),
    Route("POST", _TEMPLATES + "/{template_id}/fork", fork_template),
    Route("POST", _BASE, start),
    Route("GET", _BASE, listing),
    Route("GET", _BASE + "/{workflow_id}", get),
    Route("GET", _BASE + "/{workflow_id}/events", events),
    Route("POST", _BASE + "/{workflow_id}/cancel", cancel),
    Route("POST", _BASE + "/{workflow_id}/resume", resume),
    Route("POST", _BASE + "/{workflow_id}/reseed", reseed),
    Route("GET", _BASE + "/{workflow_id}/events/stream", stream),
]
