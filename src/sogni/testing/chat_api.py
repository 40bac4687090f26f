"""LLM chat: the ``llmJobRequest`` socket flow and hosted ``POST /v1/chat/completions``.

Socket sequence per request: ``jobState`` pending -> queued -> assigned -> jobStarted, then
``jobTokens`` chunks (the text only ever travels here, also for non-streaming requests),
the last one carrying ``finishReason`` and ``usage``, then ``llmJobResult``. A reply that
fails (see :mod:`.llm`) streams its chunks and then sends ``llmJobError`` instead.

With ``sogni_tools`` the plain-named hosted tool definitions are offered to the model. On
the hosted endpoint the server also runs the Sogni tool calls (either tool set) itself
(unless ``sogni_tool_execution`` is ``false``): an image, video or audio tool becomes a real
project in the job simulation and its rendered media is published, a 3D tool publishes a
small GLB, a text tool (``compose_script`` ...) a line of text; the model answers with the
results, which are returned in ``sogni_tool_results``. The tools themselves are run by
:mod:`.hosted_tools`; durable chat runs are served by :mod:`.agent_api`.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from decimal import Decimal
from typing import Any

from aiohttp import web

from . import envelope, pricing
from .activity import ChatJob
from .hosted_tools import TOOL_OUTPUT, llm_model_ids, run_hosted_tool, with_sogni_tools
from .llm import ChatReply, ChatRequestError, reply_to
from .routing import Route
from .socket_api import Handler
from .sockets import ClientSocket
from .state import STATE, SupernetState

__all__ = ["ROUTES", "SOCKET_HANDLERS"]

JsonDict = dict[str, Any]

LLM_WORKER = "local-llm-worker-1"
MAX_HOSTED_TOOL_ROUNDS = 5


def _cost(reply: ChatReply, token_type: str) -> JsonDict:
    return pricing.llm_cost_strings(token_type, reply.prompt_tokens, reply.completion_tokens)


def _token_messages(job_id: str, reply: ChatReply) -> list[JsonDict]:
    """The ``jobTokens`` payloads of one reply, in order."""
    messages: list[JsonDict] = [{"jobID": job_id, "content": chunk} for chunk in reply.chunks]
    for index, call in enumerate(reply.tool_calls):
        name, arguments = call["function"]["name"], call["function"]["arguments"]
        messages.append(
            {
                "jobID": job_id,
                "tool_calls": [
                    {
                        "index": index,
                        "id": call["id"],
                        "type": "function",
                        "function": {"name": name, "arguments": ""},
                    }
                ],
            }
        )
        half = len(arguments) // 2
        for fragment in (arguments[:half], arguments[half:]):
            if fragment:
                messages.append(
                    {
                        "jobID": job_id,
                        "tool_calls": [{"index": index, "function": {"arguments": fragment}}],
                    }
                )
    if not messages:
        messages.append({"jobID": job_id, "content": ""})
    messages[0]["role"] = "assistant"
    if reply.error is None:
        messages[-1]["finishReason"] = reply.finish_reason
        messages[-1]["usage"] = reply.usage()
    return messages


async def _run_chat(state: SupernetState, client: ClientSocket, request: JsonDict) -> None:
    job_id = str(request["jobID"])
    send = client.send
    recorder = state.recorder
    delay = state.options.step_delay
    started = time.monotonic()
    try:
        reply = reply_to(with_sogni_tools(request), llm_model_ids(state))
    except ChatRequestError as exc:
        await send(
            recorder,
            "llmJobError",
            {"jobID": job_id, "error": exc.error, "error_message": exc.message},
        )
        return
    token_type = str(request.get("tokenType") or "sogni")
    cost = _cost(reply, token_type)
    common = {"jobID": job_id, "modelId": request["model"], "estimatedCost": cost["costInToken"]}
    await send(recorder, "jobState", {**common, "type": "pending"})
    await send(recorder, "jobState", {**common, "type": "queued", "queuePosition": 0})
    await send(
        recorder, "jobState", {"jobID": job_id, "type": "assigned", "workerName": LLM_WORKER}
    )
    await send(
        recorder, "jobState", {"jobID": job_id, "type": "jobStarted", "workerName": LLM_WORKER}
    )
    for message in _token_messages(job_id, reply):
        await asyncio.sleep(delay)
        await send(recorder, "jobTokens", message)
    if reply.error is not None:
        code, text = reply.error
        await send(
            recorder,
            "llmJobError",
            {"jobID": job_id, "error": code, "error_message": text, "workerName": LLM_WORKER},
        )
        return
    await state.charge(token_type, Decimal(cost["costInToken"]))
    await send(
        recorder,
        "llmJobResult",
        {
            "jobID": job_id,
            "usage": reply.usage(),
            "timeTaken": round(time.monotonic() - started, 3),
            "cost": cost,
            "workerName": LLM_WORKER,
        },
    )


async def _llm_job_request(state: SupernetState, client: ClientSocket, payload: Any) -> None:
    if not isinstance(payload, dict) or not isinstance(payload.get("jobID"), str):
        return
    job_id: str = payload["jobID"]
    state.request_log.note("llmJobRequest", job_id.upper())
    if state.chat_jobs.get(job_id) is not None:
        return  # a resend of a job the network already has: it neither runs nor charges again
    job = state.chat_jobs.start(job_id, client.account.address)
    state.spawn(_run_tracked_chat(state, client, payload, job))


async def _run_tracked_chat(
    state: SupernetState, client: ClientSocket, request: JsonDict, job: ChatJob
) -> None:
    try:
        await _run_chat(state, client, request)
    finally:
        job.finished = True


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
    token_type = str(body.get("token_type") or "sogni")
    token_type = "sogni" if token_type == "auto" else token_type
    try:
        reply, usage, tool_results = await _converse(
            state, body, token_type, f"{request.scheme}://{request.host}"
        )
    except ChatRequestError as exc:
        status = 404 if exc.error == "modelNotAvailable" else 400
        return envelope.error(status, exc.message)
    if reply.error is not None:
        code, text = reply.error
        return envelope.error(502, f"{code}: {text}")
    message: JsonDict = {
        "role": "assistant",
        "content": reply.content if not reply.tool_calls else None,
    }
    if reply.tool_calls:
        message["tool_calls"] = reply.tool_calls
    cost = pricing.llm_cost_strings(token_type, usage["prompt_tokens"], usage["completion_tokens"])
    await state.charge(token_type, Decimal(cost["costInToken"]))
    answer: JsonDict = {
        "id": "chatcmpl-" + uuid.uuid4().hex[:24],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        "usage": usage,
    }
    if tool_results:
        answer["sogni_tool_results"] = tool_results
    return envelope.raw(answer)


async def _converse(
    state: SupernetState, body: JsonDict, token_type: str, base: str
) -> tuple[ChatReply, JsonDict, list[JsonDict]]:
    """Ask the model, running the Sogni tool calls it makes (when asked to) and asking
    again with their results: ``(last reply, usage of every round, tool results)``."""
    execute = bool(body.get("sogni_tools")) and body.get("sogni_tool_execution") is not False
    asked = with_sogni_tools(body)
    messages = list(body.get("messages") or [])
    tool_results: list[JsonDict] = []
    total_prompt = total_completion = 0
    for _ in range(MAX_HOSTED_TOOL_ROUNDS):
        reply = reply_to({**asked, "messages": messages}, llm_model_ids(state))
        total_prompt += reply.prompt_tokens
        total_completion += reply.completion_tokens
        sogni_calls = [c for c in reply.tool_calls if c["function"]["name"] in TOOL_OUTPUT]
        if not execute or not sogni_calls or len(sogni_calls) != len(reply.tool_calls):
            break
        messages.append({"role": "assistant", "content": None, "tool_calls": reply.tool_calls})
        for call in sogni_calls:
            outcome = await run_hosted_tool(state, call, token_type, base)
            tool_results.append(outcome)
            content = {k: v for k, v in outcome.items() if k not in ("tool_call_id", "tool_name")}
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": call["id"],
                    "name": call["function"]["name"],
                    "content": json.dumps(content, separators=(",", ":")),
                }
            )
    usage = {
        "prompt_tokens": total_prompt,
        "completion_tokens": total_completion,
        "total_tokens": total_prompt + total_completion,
    }
    return reply, usage, tool_results


ROUTES = [Route("POST", "/v1/chat/completions", chat_completions)]
