"""The Sogni tools the emulated network runs itself, for hosted chat and chat runs.

An image, video or audio tool becomes a real project in the job simulation and its
rendered media is published, a 3D tool publishes a small GLB, a text tool
(``compose_script`` ...) a line of text. The synchronous composition and planning tools
(``POST /v1/creative-agent/tools/execute``) answer at once.
"""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
from typing import Any

from sogni.core.chat.manifest import older_tools, plain_tools, tool_spec

from .job_requests import JobRequestError, parse_job_request
from .media import MediaSpec
from .project_records import new_id
from .state import SupernetState

__all__ = [
    "HOSTED_TOOLS_APP",
    "TOOL_OUTPUT",
    "llm_model_ids",
    "missing_required",
    "run_hosted_tool",
    "sogni_tool_definitions",
    "synchronous_result",
    "text_argument",
    "with_sogni_tools",
]

JsonDict = dict[str, Any]

HOSTED_TOOLS_APP = "local-hosted-tools"


@functools.cache
def _tool_manifest() -> tuple[JsonDict, ...]:
    return tuple(spec.fresh_definition() for spec in plain_tools())


def sogni_tool_definitions() -> list[JsonDict]:
    """Fresh copies of the Sogni tool definitions the server offers: the plain-named
    hosted tools."""
    copies: list[JsonDict] = json.loads(json.dumps(_tool_manifest()))
    return copies


#: What each Sogni tool of either set produces: image, video, audio, model (3D) or text.
TOOL_OUTPUT = {spec.name: spec.output for spec in (*plain_tools(), *older_tools())}


def llm_model_ids(state: SupernetState) -> set[str]:
    return {m.id for m in state.catalogue.llm_models}


def with_sogni_tools(request: JsonDict) -> JsonDict:
    """The request as the model sees it: Sogni tools added when ``sogni_tools`` asks."""
    if not request.get("sogni_tools"):
        return request
    offered = [t for t in request.get("tools") or [] if isinstance(t, dict)]
    names = {(t.get("function") or {}).get("name") for t in offered}
    extra = [t for t in sogni_tool_definitions() if t["function"]["name"] not in names]
    return {**request, "tools": offered + extra}


def _tool_model(state: SupernetState, media: str, requested: Any) -> Any:
    models = [m for m in state.catalogue.models if m.media == media]
    if not models:
        raise JobRequestError(404, f"No {media} model is available")
    for model in models:
        if model.id == requested:
            return model
    return max(models, key=lambda m: m.workers)


def number(value: Any) -> int | float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def text_argument(args: JsonDict) -> str:
    """The text a tool call is about: its prompt, description, brief or text."""
    for key in ("prompt", "description", "brief", "text", "imagePrompt"):
        if isinstance(args.get(key), str) and args[key].strip():
            return str(args[key])
    return ""


def missing_required(name: str, args: JsonDict) -> list[str]:
    spec = tool_spec(name)
    required = spec.required if spec is not None else ()
    return [key for key in required if args.get(key) in (None, "", [])]


async def run_hosted_tool(
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
        missing = missing_required(name, args)
        if missing:
            raise JobRequestError(400, f"{name} needs {', '.join(missing)}")
        output = TOOL_OUTPUT[name]
        text = text_argument(args)
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
        model_id, urls = await _render(state, name, output, args, token_type, base)
    except (JobRequestError, ValueError, KeyError) as exc:
        message = exc.message if isinstance(exc, JobRequestError) else str(exc)
        return {**result, "success": False, "error": message}
    return {
        **result,
        "success": True,
        "media_type": output,
        "urls": urls,
        "model": model_id,
        "prompt": text,
    }


async def _render(
    state: SupernetState, name: str, output: str, args: JsonDict, token_type: str, base: str
) -> tuple[str, list[str]]:
    """Run a media tool call as a project of the job simulation: ``(model id, urls)``."""
    model = _tool_model(state, output, args.get("model") or args.get("videoModel"))
    key_frame: JsonDict = {"modelID": model.id, "positivePrompt": text_argument(args) or name}
    width, height = number(args.get("width")), number(args.get("height"))
    if width and height:
        key_frame.update(width=int(width), height=int(height))
        if output == "image":
            key_frame["sizePreset"] = "custom"
    for arg, key in (("seed", "seed"), ("duration", "duration"), ("steps", "steps")):
        if number(args.get(arg)) is not None:
            key_frame[key] = args[arg]
    count = number(args.get("numberOfVariations", args.get("number_of_variations"))) or 1
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
    return model.id, [job.result_url or state.result_url(job.spec, base) for job in project.jobs]


def synchronous_result(name: str, args: JsonDict) -> tuple[JsonDict, str]:
    """What a composition or planning tool returns, and a one-line summary."""
    text = text_argument(args) or name
    duration = number(args.get("duration_seconds"))
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
        count = int(number(args.get("scene_count")) or 3)
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
    count = int(number(args.get("scene_count")) or 2)
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
