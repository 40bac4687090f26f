"""The creative agent's endpoints: durable chat runs and direct tool execution.

Durable chat runs (``/v1/chat/runs``, the state machine of :mod:`.chat_runs`) run the
Sogni tools server-side (:mod:`.hosted_tools`) and stream their events as SSE; ``POST
/v1/creative-agent/tools/execute`` runs one synchronous composition or planning tool
directly.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import weakref
from decimal import Decimal
from typing import Any

from aiohttp import web

from sogni.core.chat.runs import SYNCHRONOUS_TOOLS

from . import envelope, pricing
from .chat_runs import ChatRun, ChatRunEngine, RunError
from .hosted_tools import (
    TOOL_OUTPUT,
    llm_model_ids,
    missing_required,
    run_hosted_tool,
    sogni_tool_definitions,
    synchronous_result,
)
from .routing import Route
from .state import STATE, SupernetState, caller

__all__ = ["ROUTES", "run_engine"]

JsonDict = dict[str, Any]

_RUN_ENGINES: weakref.WeakKeyDictionary[SupernetState, ChatRunEngine] = weakref.WeakKeyDictionary()
RUN_KEEP_ALIVE_SECONDS = 15.0
_RUN_POLL_SECONDS = 0.25


def run_engine(state: SupernetState) -> ChatRunEngine:
    """The chat runs of one emulated network."""
    engine = _RUN_ENGINES.get(state)
    if engine is None:

        async def run_tool(call: JsonDict, token_type: str) -> JsonDict:
            return await run_hosted_tool(state, call, token_type, state.base_url)

        engine = ChatRunEngine(
            llm_models=lambda: llm_model_ids(state),
            run_tool=run_tool,
            tool_outputs=dict(TOOL_OUTPUT),
            default_tools=sogni_tool_definitions,
            spawn=state.spawn,
            step_delay=state.options.step_delay,
        )
        _RUN_ENGINES[state] = engine
    return engine


async def _json_object(request: web.Request) -> JsonDict:
    if not await request.read():
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(reason="Request body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="Request body must be a JSON object")
    return body


def _run(request: web.Request) -> ChatRun:
    owner = caller(request).address
    run_id = request.match_info["run_id"]
    run = run_engine(request.app[STATE]).find(run_id, owner)
    if run is None:
        raise web.HTTPNotFound(reason=f"Chat run {run_id} not found")
    return run


def _run_answer(run: ChatRun, status: int = 200, **extra: Any) -> web.Response:
    return envelope.success({"run": run.record(), **extra}, status=status)


async def create_run(request: web.Request) -> web.Response:
    """``POST /v1/chat/runs`` -> 202 ``{run, idempotent?}``."""
    body = await _json_object(request)
    engine = run_engine(request.app[STATE])
    try:
        run, repeated = await engine.create(
            caller(request).address, body, request.headers.get("Idempotency-Key")
        )
    except RunError as exc:
        return envelope.error(exc.status, exc.message)
    return _run_answer(run, 202, **({"idempotent": True} if repeated else {}))


async def get_run(request: web.Request) -> web.Response:
    """``GET /v1/chat/runs/{id}`` -> ``{run}``."""
    return _run_answer(_run(request))


async def cancel_run(request: web.Request) -> web.Response:
    """``POST /v1/chat/runs/{id}/cancel`` with ``{reason?}`` -> ``{run}``."""
    run = _run(request)
    body = await _json_object(request)
    reason = body.get("reason")
    await run_engine(request.app[STATE]).cancel(run, reason if isinstance(reason, str) else None)
    return _run_answer(run)


async def confirm_run_cost(request: web.Request) -> web.Response:
    """``POST /v1/chat/runs/{id}/confirm-cost`` -> ``{run}``."""
    run = _run(request)
    body = await _json_object(request)
    try:
        await run_engine(request.app[STATE]).confirm(
            run, body, request.headers.get("Idempotency-Key")
        )
    except RunError as exc:
        return envelope.error(exc.status, exc.message)
    return _run_answer(run)


def _run_frame(event: JsonDict) -> bytes:
    data = json.dumps(event, separators=(",", ":"))
    return f"id: {event['sequence']}\nevent: {event['type']}\ndata: {data}\n\n".encode()


async def stream_run(request: web.Request) -> web.StreamResponse:
    """``GET /v1/chat/runs/{id}/events/stream``: a ``run_status`` snapshot, then every event
    after ``Last-Event-ID``, until the run has finished."""
    state = request.app[STATE]
    run = _run(request)
    after_text = request.headers.get("Last-Event-ID") or "0"
    if not after_text.isdigit():
        return envelope.error(400, "Last-Event-ID must be an event sequence number")
    sent = int(after_text)
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    state.broadcaster.track_stream(request)
    status = json.dumps({"runId": run.id, "status": run.status}, separators=(",", ":"))
    idle = 0.0
    try:
        await response.write(f"event: run_status\ndata: {status}\n\n".encode())
        while request.transport is not None and not request.transport.is_closing():
            async with run.changed:
                if len(run.events) <= sent and not run.terminal:
                    # Wake up now and then to notice a client that went away.
                    try:
                        await asyncio.wait_for(run.changed.wait(), _RUN_POLL_SECONDS)
                    except asyncio.TimeoutError:
                        idle += _RUN_POLL_SECONDS
                        if idle >= RUN_KEEP_ALIVE_SECONDS:
                            idle = 0.0
                            await response.write(b": keep-alive\n\n")
                        continue
            idle = 0.0
            for event in run.events[sent:]:
                await response.write(_run_frame(event))
                sent = event["sequence"]
            if run.terminal and len(run.events) <= sent:
                await response.write_eof()
                break
    except ConnectionResetError:
        pass  # the client (or a fault) cut the stream
    finally:
        state.broadcaster.untrack_stream(request)
    return response


async def execute_tool(request: web.Request) -> web.Response:
    """``POST /v1/creative-agent/tools/execute`` -> ``{toolCallId, tool, result, message}``."""
    state = request.app[STATE]
    body = await _json_object(request)
    name, args = body.get("tool"), body.get("arguments", {})
    if not isinstance(name, str) or not name:
        return envelope.error(400, "tool is required")
    if name not in SYNCHRONOUS_TOOLS:
        known = name in TOOL_OUTPUT
        return envelope.error(
            400, f"{name} is not a synchronous hosted tool" if known else f"Unknown tool {name!r}"
        )
    if not isinstance(args, dict):
        return envelope.error(400, "arguments must be an object")
    # A direct call needs the text the tool works from; the server fills in the rest.
    missing = [key for key in missing_required(name, args) if key in ("prompt", "brief")]
    if missing:
        return envelope.error(400, f"{name} needs {', '.join(missing)}")
    result, message = synchronous_result(name, args)
    token_type = str(body.get("token_type") or "sogni")
    token_type = "sogni" if token_type == "auto" else token_type
    cost = pricing.llm_cost_strings(token_type, len(json.dumps(args)) // 4, 64)
    await state.charge(token_type, Decimal(cost["costInToken"]))
    return envelope.success(
        {
            "toolCallId": "tool_" + secrets.token_hex(12),
            "tool": name,
            "result": result,
            "message": message,
        }
    )


_RUNS = "/v1/chat/runs"

ROUTES = [
    Route("POST", "/v1/creative-agent/tools/execute", execute_tool),
    Route("POST", _RUNS, create_run),
    Route("GET", _RUNS + "/{run_id}", get_run),
    Route("POST", _RUNS + "/{run_id}/cancel", cancel_run),
    Route("POST", _RUNS + "/{run_id}/confirm-cost", confirm_run_cost),
    Route("GET", _RUNS + "/{run_id}/events/stream", stream_run),
]
