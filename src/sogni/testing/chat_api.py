"""LLM chat: the ``llmJobRequest`` socket flow and hosted ``POST /v1/chat/completions``.

Socket sequence per request: ``jobState`` pending -> queued -> assigned -> jobStarted, then
``jobTokens`` chunks (the text only ever travels here, also for non-streaming requests),
the last one carrying ``finishReason`` and ``usage``, then ``llmJobResult``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from decimal import Decimal
from typing import Any

from aiohttp import web

from . import envelope, pricing
from .llm import ChatReply, ChatRequestError, reply_to
from .routing import Route
from .socket_api import Handler
from .sockets import Connection
from .state import STATE, SupernetState

__all__ = ["ROUTES", "SOCKET_HANDLERS"]

JsonDict = dict[str, Any]

LLM_WORKER = "local-llm-worker-1"


def _known_models(state: SupernetState) -> set[str]:
    return {m.id for m in state.catalogue.llm_models}


def _cost(reply: ChatReply, token_type: str) -> JsonDict:
    return pricing.llm_cost_strings(token_type, reply.prompt_tokens, reply.completion_tokens)


def _token_messages(job_id: str, reply: ChatReply) -> list[JsonDict]:
    """The ``jobTokens`` payloads of one reply, in order."""
    messages: list[JsonDict] = [{"jobID": job_id, "content": chunk} for chunk in reply.chunks]
    for index, call in enumerate(reply.tool_calls):
        name, arguments = call["function"]["name"], call["function"]["arguments"]
        messages.append({"jobID": job_id, "tool_calls": [
            {"index": index, "id": call["id"], "type": "function",
             "function": {"name": name, "arguments": ""}}]})
        half = len(arguments) // 2
        for fragment in (arguments[:half], arguments[half:]):
            if fragment:
                messages.append({"jobID": job_id, "tool_calls": [
                    {"index": index, "function": {"arguments": fragment}}]})
    if not messages:
        messages.append({"jobID": job_id, "content": ""})
    messages[0]["role"] = "assistant"
    messages[-1]["finishReason"] = reply.finish_reason
    messages[-1]["usage"] = reply.usage()
    return messages


async def _run_chat(state: SupernetState, connection: Connection, request: JsonDict) -> None:
    job_id = str(request["jobID"])
    send = connection.send
    recorder = state.recorder
    delay = state.options.step_delay
    started = time.monotonic()
    try:
        reply = reply_to(request, _known_models(state))
    except ChatRequestError as exc:
        await send(recorder, "llmJobError", {"jobID": job_id, "error": exc.error,
                                             "error_message": exc.message})
        return
    token_type = str(request.get("tokenType") or "sogni")
    cost = _cost(reply, token_type)
    common = {"jobID": job_id, "modelId": request["model"], "estimatedCost": cost["costInToken"]}
    await send(recorder, "jobState", {**common, "type": "pending"})
    await send(recorder, "jobState", {**common, "type": "queued", "queuePosition": 0})
    await send(recorder, "jobState", {"jobID": job_id, "type": "assigned",
                                      "workerName": LLM_WORKER})
    await send(recorder, "jobState", {"jobID": job_id, "type": "jobStarted",
                                      "workerName": LLM_WORKER})
    for message in _token_messages(job_id, reply):
        await asyncio.sleep(delay)
        await send(recorder, "jobTokens", message)
    await state.charge(token_type, Decimal(cost["costInToken"]))
    await send(recorder, "llmJobResult", {
        "jobID": job_id, "usage": reply.usage(),
        "timeTaken": round(time.monotonic() - started, 3), "cost": cost,
        "workerName": LLM_WORKER})


async def _llm_job_request(state: SupernetState, connection: Connection, payload: Any) -> None:
    if not isinstance(payload, dict) or not isinstance(payload.get("jobID"), str):
        return
    state.spawn(_run_chat(state, connection, payload))


SOCKET_HANDLERS: dict[str, Handler] = {"llmJobRequest": _llm_job_request}
"""Client socket messages this module handles."""


async def chat_completions(request: web.Request) -> web.Response:
    """``POST /v1/chat/completions`` (hosted, non-streaming; answered without an envelope)."""
    state = request.app[STATE]
    try:
        body = await request.json()
    except ValueError:
        return envelope.error(400, "Request body must be JSON")
    if not isinstance(body, dict):
        return envelope.error(400, "Request body must be a JSON object")
    if body.get("stream") is True:
        return envelope.error(400, "Streaming is not supported on this endpoint")
    try:
        reply = reply_to(body, _known_models(state))
    except ChatRequestError as exc:
        status = 404 if exc.error == "modelNotAvailable" else 400
        return envelope.error(status, exc.message)
    message: JsonDict = {"role": "assistant",
                         "content": reply.content if not reply.tool_calls else None}
    if reply.tool_calls:
        message["tool_calls"] = reply.tool_calls
    token_type = str(body.get("token_type") or "sogni")
    await state.charge(token_type if token_type != "auto" else "sogni",
                       Decimal(_cost(reply, token_type)["costInToken"]))
    return envelope.raw({
        "id": "chatcmpl-" + uuid.uuid4().hex[:24],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        "usage": reply.usage(),
    })


ROUTES = [Route("POST", "/v1/chat/completions", chat_completions)]
