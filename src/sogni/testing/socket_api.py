"""The WebSocket endpoint: handshake, the greeting burst, and client messages."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSMsgType, web

from sogni.core._generated.vocabulary import NETWORKS

from .auth import Account
from .frames import FrameError, decode_frame
from .job_requests import JobRequestError, parse_job_request, promised_uploads
from .project_records import ProjectRecord
from .recording import RecordedMessage
from .sockets import ClientSocket
from .state import STATE, SupernetState
from .subscriptions import Subscriptions

__all__ = ["MESSAGE_HANDLERS", "SOCKET_HANDLERS", "Handler", "socket_endpoint"]

log = logging.getLogger(__name__)

CLOSE_AUTH_ERROR = 4021
CLOSE_SWITCHED = 4015

Handler = Callable[[SupernetState, ClientSocket, Any], Awaitable[None]]

SOCKET_HANDLERS = web.AppKey("sogni_local_supernet_socket_handlers", dict)
"""App key of the ``{message type: handler}`` table the socket endpoint dispatches with."""


def authenticated_payload(
    state: SupernetState, account: Account, connection_id: str
) -> dict[str, Any]:
    """The ``authenticated`` event sent right after a successful handshake."""
    return {
        "id": connection_id,
        "clientType": "artist",
        "username": account.username,
        "address": account.address,
        "SID": account.sid,
        "clientSID": account.sid + 1,
        "addressSID": account.sid + 2,
        "balanceVersion": 2,
        "tokens": state.balances.tokens(),
        "activeProjects": active_projects(state, account),
        "unclaimedCompletedProjects": [],
        "isMainnet": True,
        "accountWasMigrated": False,
        "hasUnclaimedAirdrop": False,
        "firstLoginAfterMigration": False,
    }


def active_projects(state: SupernetState, account: Account) -> list[str]:
    """Ids of the account's unfinished media projects, then of its unfinished chat jobs."""
    return state.simulator.active_ids(account.address) + state.chat_jobs.active_for(account.address)


async def socket_endpoint(request: web.Request) -> web.StreamResponse:
    """``GET /`` with an upgrade: the artist socket. Without an upgrade: a short JSON note."""
    state = request.app[STATE]
    if request.headers.get("Upgrade", "").lower() != "websocket":
        return web.json_response({"name": "sogni local supernet", "socket": "ws upgrade on /"})
    ws = web.WebSocketResponse(autoping=True, max_msg_size=64 * 1024 * 1024)
    await ws.prepare(request)
    account = state.auth.identify(request.headers)
    if account is None:
        await ws.close(code=CLOSE_AUTH_ERROR, message=b"Authentication error")
        return ws
    query = request.query
    network = "fast" if query.get("forceWorkerId") == "fast" else "relaxed"
    client = ClientSocket(
        ws,
        request,
        app_id=query.get("appId", ""),
        network=network,
        subscriptions=Subscriptions.from_query(query.get("socketEventSubscriptions")),
        account=account,
        counts=state.broadcaster.counts,
    )
    older = state.broadcaster.register(client)
    if older is not None:
        await older.close(CLOSE_SWITCHED, "Switched to a newer connection with the same appId")
    try:
        await _greet(state, client, account)
        async for message in ws:
            if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                await _dispatch(state, request.app[SOCKET_HANDLERS], client, message.data)
            elif message.type == WSMsgType.ERROR:
                break
    finally:
        state.broadcaster.unregister(client)
    return ws


async def _greet(state: SupernetState, client: ClientSocket, account: Account) -> None:
    send = client.send
    recorder = state.recorder
    await send(
        recorder,
        "authenticated",
        authenticated_payload(state, account, f"{client.app_id}:{id(client):x}"),
    )
    await send(recorder, "balanceUpdate", state.balances.balance_update())
    await send(recorder, "swarmModels", state.catalogue.swarm_models())
    await send(recorder, "swarmLLMModels", state.catalogue.swarm_llm_models())


async def _dispatch(
    state: SupernetState, handlers: dict[str, Handler], client: ClientSocket, raw: str | bytes
) -> None:
    try:
        message_type, payload = decode_frame(raw)
    except FrameError as exc:
        log.warning("dropping undecodable frame: %s", exc)
        return
    state.recorder.add_message(
        RecordedMessage(type=message_type, data=payload, app_id=client.app_id, direction="in")
    )
    handler = handlers.get(message_type)
    if handler is not None:
        await handler(state, client, payload)


def _resent(project: ProjectRecord, client: ClientSocket) -> None:
    """A ``jobRequest`` for a project the network already has (a client resending after a
    reconnect): nothing starts or is charged again; the project's later events go to the
    connection that asked last, when it belongs to the same artist."""
    if project.artist.get("address") == client.account.address:
        project.app_id = client.app_id


async def _job_request(state: SupernetState, client: ClientSocket, payload: Any) -> None:
    project_id = payload.get("jobID") if isinstance(payload, dict) else None
    if isinstance(project_id, str) and project_id:
        state.request_log.note("jobRequest", project_id.upper())
        known = state.simulator.projects.get(project_id.upper())
        if known is not None:
            _resent(known, client)
            return
    try:
        parsed = parse_job_request(payload, state.catalogue, client.network, state.options.steps)
        if state.options.require_uploads:
            missing = [
                t
                for t in promised_uploads(parsed.key_frame)
                if state.storage.upload(parsed.project_id, t) is None
            ]
            if missing:
                raise JobRequestError(400, "Missing uploads for " + ", ".join(missing))
    except JobRequestError as exc:
        await client.send(
            state.recorder,
            "jobError",
            {
                "jobID": str(project_id or ""),
                "isFromWorker": False,
                "error": exc.code,
                "error_message": exc.message,
            },
        )
        return
    account = client.account
    artist = {
        "id": account.user_id,
        "address": account.address,
        "username": account.username,
        "name": account.username,
        "clientSID": account.sid + 1,
        "addressSID": account.sid + 2,
    }
    state.simulator.start(parsed, client.app_id, artist)


async def _job_error(state: SupernetState, client: ClientSocket, payload: Any) -> None:
    if isinstance(payload, dict) and payload.get("error") == "artistCanceled":
        state.request_log.note_cancel()
    if isinstance(payload, dict) and isinstance(payload.get("jobID"), str):
        await state.simulator.cancel(payload["jobID"], client.app_id)


async def _change_network(state: SupernetState, client: ClientSocket, payload: Any) -> None:
    network = payload if payload in NETWORKS else NETWORKS[0]
    client.network = network
    await client.send(state.recorder, "changeNetwork", {"network": network})
    await client.send(state.recorder, "swarmModels", state.catalogue.swarm_models())
    await client.send(state.recorder, "swarmLLMModels", state.catalogue.swarm_llm_models())


async def _set_subscriptions(state: SupernetState, client: ClientSocket, payload: Any) -> None:
    client.subscriptions.apply(payload)
    await client.send(
        state.recorder,
        "socketEventSubscriptionsUpdated",
        {"socketEventSubscriptions": client.subscriptions.snapshot()},
    )


MESSAGE_HANDLERS: dict[str, Handler] = {
    "jobRequest": _job_request,
    "jobError": _job_error,
    "changeNetwork": _change_network,
    "setSocketEventSubscriptions": _set_subscriptions,
}
"""Media-project and connection messages; ``app.py`` merges in other modules' handlers."""
