"""Wires the aiohttp application: recording, JSON errors, authentication and every route."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from aiohttp import web

from . import (
    account_api,
    agent_api,
    announcements_api,
    assets_api,
    billing_api,
    catalogue_api,
    chat_api,
    envelope,
    estimates_api,
    ledger_api,
    login_api,
    loras_api,
    media_api,
    projects_api,
    replay_api,
    socket_api,
    workflows_api,
)
from .recording import RecordedRequest
from .routing import HandlerFn, Route
from .socket_api import SOCKET_HANDLERS, socket_endpoint
from .state import STATE, SupernetState

__all__ = ["ROUTE_GROUPS", "SOCKET_HANDLER_GROUPS", "build_app"]

log = logging.getLogger(__name__)

ROUTE_GROUPS: list[list[Route]] = [
    catalogue_api.ROUTES,
    estimates_api.ROUTES,
    billing_api.ROUTES,  # before account_api: its subscription status is billing's
    account_api.ROUTES,
    ledger_api.ROUTES,
    login_api.ROUTES,
    media_api.ROUTES,
    projects_api.ROUTES,
    chat_api.ROUTES,
    agent_api.ROUTES,
    workflows_api.ROUTES,
    loras_api.ROUTES,
    assets_api.ROUTES,
    announcements_api.ROUTES,
    replay_api.ROUTES,
]
"""Every REST route module; later features add their ``ROUTES`` here."""

SOCKET_HANDLER_GROUPS: list[dict[str, socket_api.Handler]] = [
    socket_api.MESSAGE_HANDLERS,
    chat_api.SOCKET_HANDLERS,
]
"""Every socket message handler table; later features add theirs here."""

_MAX_RECORDED_BODY = 8 * 1024 * 1024


async def _decoded_body(request: web.Request) -> Any:
    if request.method in ("GET", "HEAD") or request.path.startswith("/_storage/"):
        return None
    if not request.can_read_body or (request.content_length or 0) > _MAX_RECORDED_BODY:
        return None
    body = await request.read()  # cached by aiohttp: handlers can read it again
    if not body:
        return None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


@web.middleware
async def refuse_during_outage(request: web.Request, handler: HandlerFn) -> web.StreamResponse:
    """Cut a request that slipped in while an outage is on: the network is unreachable."""
    if request.app[STATE].outage:
        if request.transport is not None:
            request.transport.abort()
        raise web.HTTPServiceUnavailable(reason="Network outage")
    return await handler(request)


@web.middleware
async def record_requests(request: web.Request, handler: HandlerFn) -> web.StreamResponse:
    """Record every request (WebSocket handshakes included) before handling it."""
    request.app[STATE].recorder.add_request(
        RecordedRequest(
            method=request.method,
            path=request.path,
            query={k: v for k, v in request.query.items()},
            json=await _decoded_body(request),
            headers={k.lower(): v for k, v in request.headers.items()},
        )
    )
    return await handler(request)


@web.middleware
async def request_ids(request: web.Request, handler: HandlerFn) -> web.StreamResponse:
    """Give every answer an ``X-Request-Id``, as the network does (streams excepted)."""
    response = await handler(request)
    if not response.prepared:
        response.headers.setdefault("X-Request-Id", f"req_{uuid.uuid4().hex[:20]}")
    return response


@web.middleware
async def injected_faults(request: web.Request, handler: HandlerFn) -> web.StreamResponse:
    """Fail requests that match a fault queued with ``LocalSupernet.fail_requests``."""
    failure = request.app[STATE].faults.take(request)
    if failure is None:
        return await handler(request)
    if failure.delay > 0:
        await asyncio.sleep(failure.delay)
    return failure.response


@web.middleware
async def json_errors(request: web.Request, handler: HandlerFn) -> web.StreamResponse:
    """Answer unknown routes and unexpected failures with the JSON error envelope."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return envelope.error(exc.status, exc.reason)
    except Exception:
        log.exception("local supernet handler failed: %s %s", request.method, request.path)
        return envelope.error(500, "Internal server error")


def _guarded(handler: HandlerFn) -> HandlerFn:
    async def guarded(request: web.Request) -> web.StreamResponse:
        if request.app[STATE].auth.identify(request.headers) is None:
            return envelope.error(401, "Authentication required: missing or invalid credentials")
        return await handler(request)

    guarded.__doc__ = handler.__doc__
    return guarded


def _mount(app: web.Application, routes: Iterable[Route]) -> None:
    for route in routes:
        handler = _guarded(route.handler) if route.auth else route.handler
        app.router.add_route(route.method, route.path, handler)


def build_app(state: SupernetState) -> web.Application:
    """The aiohttp application serving both the REST host and the socket host."""
    middlewares = [refuse_during_outage, record_requests, request_ids, injected_faults, json_errors]
    app = web.Application(
        middlewares=middlewares, client_max_size=state.options.max_media_upload_bytes
    )
    app[STATE] = state
    app[SOCKET_HANDLERS] = {k: v for group in SOCKET_HANDLER_GROUPS for k, v in group.items()}
    app.router.add_get("/", socket_endpoint)
    for group in ROUTE_GROUPS:
        _mount(app, group)
    return app
