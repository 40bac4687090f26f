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
results, which are returned in ``sogni_tool_results``.
"""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
import time
import uuid
from decimal import Decimal
from typing import Any

from aiohttp import web

from sogni.core.chat.manifest import older_tools, plain_tools, tool_spec

from . import envelope, pricing
from .activity import ChatJob
from .jobs import JobRequestError, new_id, parse_job_request
from .llm import ChatReply, ChatRequestError, reply_to
from .media import MediaSpec
from .routing import Route
from .socket_api import Handler
from .sockets import Connection
from .state import STATE, SupernetState

__all__ = ["ROUTES", "SOCKET_HANDLERS", "sogni_tool_definitions"]

JsonDict = dict[str, Any]

LLM_WORKER = "local-llm-worker-1"
HOSTED_TOOLS_APP = "local-hosted-tools"
MAX_HOSTED_TOOL_ROUNDS = 5

@functools.cache
def _tool_manifest() -> tuple[JsonDict, ...]:
    return tuple(spec.fresh_definition() for spec in plain_tools())


def sogni_tool_definitions() -> list[JsonDict]:
    """Fresh copies of the Sogni tool definitions the server offers: the plain-named
    hosted tools."""
    copies: list[JsonDict] = json.loads(json.dumps(_tool_manifest()))
    return copies


#: What each Sogni tool of either set produces: image, video, audio, model (3D) or text.
_TOOL_OUTPUT = {spec.name: spec.output for spec in (*plain_tools(), *older_tools())}


def _known_models(state: SupernetState) -> set[str]:
    return {m.id for m in state.catalogue.llm_models}


def _cost(reply: ChatReply, token_type: str) -> JsonDict:
    return pricing.llm_cost_strings(token_type, reply.prompt_tokens, reply.completion_tokens)


def _with_sogni_tools(request: JsonDict) -> JsonDict:
    """The request as the model sees it: Sogni tools added when ``sogni_tools`` asks."""
    if not request.get("sogni_tools"):
        return request
    offered = [t for t in request.get("tools") or [] if isinstance(t, dict)]
    names = {(t.get("function") or {}).get("name") for t in offered}
    extra = [t for t in sogni_tool_definitions() if t["function"]["name"] not in names]
    return {**request, "tools": offered + extra}


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
    if reply.error is None:
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
        reply = reply_to(_with_sogni_tools(request), _known_models(state))
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
    if reply.error is not None:
        code, text = reply.error
        await send(recorder, "llmJobError", {"jobID": job_id, "error": code,
                                             "error_message": text, "workerName": LLM_WORKER})
        return
    await state.charge(token_type, Decimal(cost["costInToken"]))
    await send(recorder, "llmJobResult", {
        "jobID": job_id, "usage": reply.usage(),
        "timeTaken": round(time.monotonic() - started, 3), "cost": cost,
        "workerName": LLM_WORKER})


async def _llm_job_request(state: SupernetState, connection: Connection, payload: Any) -> None:
    if not isinstance(payload, dict) or not isinstance(payload.get("jobID"), str):
        return
    job_id: str = payload["jobID"]
    state.request_log.note("llmJobRequest", job_id.upper())
    if state.chat_jobs.get(job_id) is not None:
        return  # a resend of a job the network already has: it neither runs nor charges again
    job = state.chat_jobs.start(job_id, connection.account.address)
    state.spawn(_run_tracked_chat(state, connection, payload, job))


async def _run_tracked_chat(state: SupernetState, connection: Connection, request: JsonDict,
                            job: ChatJob) -> None:
    try:
        await _run_chat(state, connection, request)
    finally:
        job.finished = True


SOCKET_HANDLERS: dict[str, Handler] = {"llmJobRequest": _llm_job_request}
"""Client socket messages this module handles."""


# -- hosted tool execution ---------------------------------------------------------------------


def _tool_model(state: SupernetState, media: str, requested: Any) -> Any:
    models = [m for m in state.catalogue.models if m.media == media]
    if not models:
        raise JobRequestError(404, f"No {media} model is available")
    for model in models:
        if model.id == requested:
            return model
    return max(models, key=lambda m: m.workers)


def _number(value: Any) -> int | float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _text_argument(args: JsonDict) -> str:
    """The text a tool call is about: its prompt, description, brief or text."""
    for key in ("prompt", "description", "brief", "text", "imagePrompt"):
        if isinstance(args.get(key), str) and args[key].strip():
            return str(args[key])
    return ""


def _missing_required(name: str, args: JsonDict) -> list[str]:
    spec = tool_spec(name)
    required = spec.required if spec is not None else ()
    return [key for key in required if args.get(key) in (None, "", [])]


async def _run_hosted_tool(state: SupernetState, call: JsonDict, token_type: str,
                           base: str) -> JsonDict:
    """Run one Sogni tool call of either set (media through the job simulation); the tool
    result for the model."""
    name = call["function"]["name"]
    result: JsonDict = {"tool_call_id": call["id"], "tool_name": name}
    try:
        args = json.loads(call["function"]["arguments"] or "{}")
        if not isinstance(args, dict):
            raise JobRequestError(400, f"{name} arguments must be an object")
        missing = _missing_required(name, args)
        if missing:
            raise JobRequestError(400, f"{name} needs {', '.join(missing)}")
        output = _TOOL_OUTPUT[name]
        text = _text_argument(args)
        if output == "text":
            return {**result, "success": True, "media_type": "text",
                    "text": f"{name}: {text or 'done'}"}
        if output == "model":
            spec = MediaSpec(media="model", fmt="glb", seed=secrets.randbelow(2**32), prompt=text)
            return {**result, "success": True, "media_type": "model",
                    "urls": [state.result_url(spec, base)], "mime_type": spec.content_type}
        model = _tool_model(state, output, args.get("model") or args.get("videoModel"))
        key_frame: JsonDict = {"modelID": model.id, "positivePrompt": text or name}
        width, height = _number(args.get("width")), _number(args.get("height"))
        if width and height:
            key_frame.update(width=int(width), height=int(height))
            if output == "image":
                key_frame["sizePreset"] = "custom"
        for arg, key in (("seed", "seed"), ("duration", "duration"), ("steps", "steps")):
            if _number(args.get(arg)) is not None:
                key_frame[key] = args[arg]
        count = _number(args.get("numberOfVariations", args.get("number_of_variations"))) or 1
        parsed = parse_job_request({"jobID": new_id(), "keyFrames": [key_frame],
                                    "numberOfImages": max(1, min(16, int(count))),
                                    "tokenType": token_type},
                                   state.catalogue, "fast", state.options.steps)
        project = state.simulator.start(parsed, HOSTED_TOOLS_APP, {"username": "hosted-tools"})
        while not project.finished:
            await asyncio.sleep(max(state.options.step_delay, 0.001))
        urls = [job.result_url or state.result_url(job.spec, base) for job in project.jobs]
    except (JobRequestError, ValueError, KeyError) as exc:
        message = exc.message if isinstance(exc, JobRequestError) else str(exc)
        return {**result, "success": False, "error": message}
    return {**result, "success": True, "media_type": output, "urls": urls, "model": model.id,
            "prompt": text}


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
    execute = bool(body.get("sogni_tools")) and body.get("sogni_tool_execution") is not False
    asked = _with_sogni_tools(body)
    messages = list(body.get("messages") or [])
    tool_results: list[JsonDict] = []
    total_prompt = total_completion = 0
    for _ in range(MAX_HOSTED_TOOL_ROUNDS):
        try:
            reply = reply_to({**asked, "messages": messages}, _known_models(state))
        except ChatRequestError as exc:
            status = 404 if exc.error == "modelNotAvailable" else 400
            return envelope.error(status, exc.message)
        total_prompt += reply.prompt_tokens
        total_completion += reply.completion_tokens
        sogni_calls = [c for c in reply.tool_calls
                       if c["function"]["name"] in _TOOL_OUTPUT]
        if not execute or not sogni_calls or len(sogni_calls) != len(reply.tool_calls):
            break
        messages.append({"role": "assistant", "content": None, "tool_calls": reply.tool_calls})
        for call in sogni_calls:
            outcome = await _run_hosted_tool(state, call, token_type,
                                             f"{request.scheme}://{request.host}")
            tool_results.append(outcome)
            content = {k: v for k, v in outcome.items() if k not in ("tool_call_id", "tool_name")}
            messages.append({"role": "tool", "tool_call_id": call["id"],
                             "name": call["function"]["name"],
                             "content": json.dumps(content, separators=(",", ":"))})
    if reply.error is not None:
        code, text = reply.error
        return envelope.error(502, f"{code}: {text}")
    message: JsonDict = {"role": "assistant",
                         "content": reply.content if not reply.tool_calls else None}
    if reply.tool_calls:
        message["tool_calls"] = reply.tool_calls
    usage = {"prompt_tokens": total_prompt, "completion_tokens": total_completion,
             "total_tokens": total_prompt + total_completion}
    cost = pricing.llm_cost_strings(token_type, total_prompt, total_completion)
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


ROUTES = [Route("POST", "/v1/chat/completions", chat_completions)]
