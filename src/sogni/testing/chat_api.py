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

Durable chat runs (``/v1/chat/runs``, the state machine of :mod:`.chat_runs`) run the same
Sogni tools server-side and stream their events as SSE; ``POST
/v1/creative-agent/tools/execute`` runs one synchronous composition or planning tool
directly.
"""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
import time
import uuid
import weakref
from decimal import Decimal
from typing import Any

from aiohttp import web

from sogni.core.chat.manifest import older_tools, plain_tools, tool_spec
from sogni.core.chat.runs import SYNCHRONOUS_TOOLS

from . import envelope, pricing
from .activity import ChatJob
from .chat_runs import ChatRun, ChatRunEngine, RunError
from .job_requests import JobRequestError, parse_job_request
from .llm import ChatReply, ChatRequestError, reply_to
from .media import MediaSpec
from .project_records import new_id
from .routing import Route
from .socket_api import Handler
from .sockets import ClientSocket
from .state import STATE, SupernetState, caller

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
        reply = reply_to(_with_sogni_tools(request), _known_models(state))
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


async def _run_hosted_tool(
    state: SupernetState, call: JsonDict, token_type: str, base: str
) -> JsonDict:
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
            return {
                **result,
                "success": True,
                "media_type": "text",
                "text": f"{name}: {text or 'done'}",
            }
        if output == "model":
            spec = MediaSpec(media="model", fmt="glb", seed=secrets.randbelow(2**32), prompt=text)
            return {
                **result,
                "success": True,
                "media_type": "model",
                "urls": [state.result_url(spec, base)],
                "mime_type": spec.content_type,
            }
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
        parsed = parse_job_request(
            {
                "jobID": new_id(),
                "keyFrames": [key_frame],
                "numberOfImages": max(1, min(16, int(count))),
                "tokenType": token_type,
            },
            state.catalogue,
            "fast",
            state.options.steps,
        )
        project = state.simulator.start(parsed, HOSTED_TOOLS_APP, {"username": "hosted-tools"})
        while not project.finished:
            await asyncio.sleep(max(state.options.step_delay, 0.001))
        urls = [job.result_url or state.result_url(job.spec, base) for job in project.jobs]
    except (JobRequestError, ValueError, KeyError) as exc:
        message = exc.message if isinstance(exc, JobRequestError) else str(exc)
        return {**result, "success": False, "error": message}
    return {
        **result,
        "success": True,
        "media_type": output,
        "urls": urls,
        "model": model.id,
        "prompt": text,
    }


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
        sogni_calls = [c for c in reply.tool_calls if c["function"]["name"] in _TOOL_OUTPUT]
        if not execute or not sogni_calls or len(sogni_calls) != len(reply.tool_calls):
            break
        messages.append({"role": "assistant", "content": None, "tool_calls": reply.tool_calls})
        for call in sogni_calls:
            outcome = await _run_hosted_tool(
                state, call, token_type, f"{request.scheme}://{request.host}"
            )
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
    if reply.error is not None:
        code, text = reply.error
        return envelope.error(502, f"{code}: {text}")
    message: JsonDict = {
        "role": "assistant",
        "content": reply.content if not reply.tool_calls else None,
    }
    if reply.tool_calls:
        message["tool_calls"] = reply.tool_calls
    usage = {
        "prompt_tokens": total_prompt,
        "completion_tokens": total_completion,
        "total_tokens": total_prompt + total_completion,
    }
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


# -- direct execution of synchronous tools -----------------------------------------------------


def _synchronous_result(name: str, args: JsonDict) -> tuple[JsonDict, str]:
    """What a composition or planning tool returns, and a one-line summary."""
    text = _text_argument(args) or name
    duration = _number(args.get("duration_seconds"))
    if name == "enhance_prompt":
        target = str(args.get("target_output") or "image_prompt")
        prompt = f"{text}, carefully composed, rich detail, natural light"
        return {
            "prompt": prompt,
            "target_output": target,
            **(
                {"destination_tool": args["destination_tool"]}
                if isinstance(args.get("destination_tool"), str)
                else {}
            ),
        }, "Prompt enhanced"
    if name == "compose_script":
        count = int(_number(args.get("scene_count")) or 3)
        beats = [f"Scene {n}: {text}" for n in range(1, count + 1)]
        return {"script": "\n".join(beats), "beats": beats}, f"Script with {count} scenes"
    if name in ("compose_lyrics", "compose_instrumental"):
        seconds = duration or 60
        music = str(args.get("music_prompt") or "warm acoustic")
        result: JsonDict = {"music_prompt": music, "duration_seconds": seconds}
        if name == "compose_lyrics":
            result["lyrics"] = f"[verse]\n{text}\n[chorus]\n{text}, again"
        else:
            result["structure"] = ["intro", "theme", "bridge", "theme", "outro"]
        return result, "Composed"
    count = int(_number(args.get("scene_count")) or 2)
    steps = [
        {
            "id": f"scene_{n}",
            "toolName": "generate_image",
            "arguments": {"prompt": f"{text}, scene {n}"},
        }
        for n in range(1, count + 1)
    ]
    if name == "compose_workflow":
        return {
            "title": text[:60],
            "steps": steps,
            "estimatedCapacityUnits": 2 * count,
        }, f"Workflow with {count} steps"
    template = {
        "name": str(args.get("name") or text[:60]),
        "version": "1.0.0",
        "description": text,
        "inputs": [{"name": "brief", "type": "string", "required": True}],
        "stages": [{**step, "arguments": {"prompt": "{{brief}}"}} for step in steps],
    }
    return {"template": template}, "Workflow template composed"


async def execute_tool(request: web.Request) -> web.Response:
    """``POST /v1/creative-agent/tools/execute`` -> ``{toolCallId, tool, result, message}``."""
    state = request.app[STATE]
    body = await _json_object(request)
    name, args = body.get("tool"), body.get("arguments", {})
    if not isinstance(name, str) or not name:
        return envelope.error(400, "tool is required")
    if name not in SYNCHRONOUS_TOOLS:
        known = name in _TOOL_OUTPUT
        return envelope.error(
            400, f"{name} is not a synchronous hosted tool" if known else f"Unknown tool {name!r}"
        )
    if not isinstance(args, dict):
        return envelope.error(400, "arguments must be an object")
    # A direct call needs the text the tool works from; the server fills in the rest.
    missing = [key for key in _missing_required(name, args) if key in ("prompt", "brief")]
    if missing:
        return envelope.error(400, f"{name} needs {', '.join(missing)}")
    result, message = _synchronous_result(name, args)
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


# -- durable chat runs -----------------------------------------------------------------------

_RUN_ENGINES: weakref.WeakKeyDictionary[SupernetState, ChatRunEngine] = weakref.WeakKeyDictionary()
RUN_KEEP_ALIVE_SECONDS = 15.0
_RUN_POLL_SECONDS = 0.25


def run_engine(state: SupernetState) -> ChatRunEngine:
    """The chat runs of one emulated network."""
    engine = _RUN_ENGINES.get(state)
    if engine is None:

        async def run_tool(call: JsonDict, token_type: str) -> JsonDict:
            return await _run_hosted_tool(state, call, token_type, state.base_url)

        engine = ChatRunEngine(
            llm_models=lambda: _known_models(state),
            run_tool=run_tool,
            tool_outputs=dict(_TOOL_OUTPUT),
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


_RUNS = "/v1/chat/runs"

ROUTES = [
    Route("POST", "/v1/chat/completions", chat_completions),
    Route("POST", "/v1/creative-agent/tools/execute", execute_tool),
    Route("POST", _RUNS, create_run),
    Route("GET", _RUNS + "/{run_id}", get_run),
    Route("POST", _RUNS + "/{run_id}/cancel", cancel_run),
    Route("POST", _RUNS + "/{run_id}/confirm-cost", confirm_run_cost),
    Route("GET", _RUNS + "/{run_id}/events/stream", stream_run),
]
