"""Durable creative workflows: compile a request into steps, run them, keep an event log.

A workflow runs on the server loop whether or not anyone watches it. Every state change
appends an event ``{id, event, type, status, message, timestamp, data}`` (``status`` is the
workflow status after the change, so the terminal event carries a terminal status) and
wakes the SSE streams following it.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import Any

import attrs

from sogni.core.chat.manifest import tool_spec, workflow_step_tools
from sogni.core.workflows import DEPENDENCY_TRANSFORMS, HOSTED_TOOL_ARGUMENTS, HOSTED_TOOL_NAMES

from .media import MediaSpec

__all__ = ["TERMINAL", "Workflow", "WorkflowEngine", "WorkflowError", "compile_workflow"]

JsonDict = dict[str, Any]

TERMINAL = frozenset({"completed", "failed", "cancelled", "partial_failure"})

_TRANSFORMS = frozenset(DEPENDENCY_TRANSFORMS)
_INPUT_MEDIA = "$input_media"


class WorkflowError(Exception):
    """A workflow request that cannot be compiled (answered with HTTP 400)."""


def now_ms() -> int:
    """Wall-clock milliseconds."""
    return int(time.time() * 1000)


def _tool_name(name: Any) -> str:
    if not isinstance(name, str):
        raise WorkflowError("every step needs a string toolName")
    if name not in HOSTED_TOOL_NAMES:
        raise WorkflowError(f"unknown hosted tool {name!r}")
    return name


def tool_output(name: str) -> str:
    """What a step tool produces: ``image``, ``video``, ``audio``, ``model`` (3D) or
    ``text`` (an older ``sogni_*`` name produces what its plain twin does)."""
    spec = tool_spec(name)
    if spec is not None:
        return spec.output
    return workflow_step_tools().get(name, "text")


def _check_dependencies(step_id: str, depends_on: Any, earlier: set[str],
                        media_count: int) -> list[JsonDict]:
    if depends_on is None:
        return []
    if not isinstance(depends_on, list):
        raise WorkflowError(f"step {step_id}: dependsOn must be a list")
    checked = []
    for dep in depends_on:
        if not isinstance(dep, dict):
            raise WorkflowError(f"step {step_id}: every dependency must be an object")
        source = dep.get("sourceStepId")
        if source == _INPUT_MEDIA:
            if media_count == 0:
                raise WorkflowError(f"step {step_id}: $input_media used but no media_references")
        elif source not in earlier:
            raise WorkflowError(f"step {step_id}: dependency on unknown or later step {source!r}")
        if not isinstance(dep.get("targetArgument"), str) or not dep["targetArgument"]:
            raise WorkflowError(f"step {step_id}: dependency needs a targetArgument")
        if dep.get("transform") not in _TRANSFORMS:
            raise WorkflowError(f"step {step_id}: unknown transform {dep.get('transform')!r}")
        checked.append(dep)
    return checked


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _check_arguments(step_id: str, tool: str, arguments: JsonDict,
                     deps: list[JsonDict]) -> None:
    """The arguments of a tool with published parameters must be ones the tool takes, and
    the required ones must be given (not blank) or bound by a dependency."""
    known = HOSTED_TOOL_ARGUMENTS.get(tool)
    if known is None:
        return
    bound = {dep["targetArgument"] for dep in deps}
    unknown = sorted((set(arguments) | bound) - set(known))
    if unknown:
        raise WorkflowError(f"step {step_id}: {tool} does not take {', '.join(unknown)}")
    spec = tool_spec(tool)
    required = spec.required if spec is not None else ()
    missing = [name for name in required if _blank(arguments.get(name)) and name not in bound]
    if missing == ["prompt"]:
        raise WorkflowError(f"step {step_id}: {tool} needs a non-empty prompt")
    if missing:
        raise WorkflowError(f"step {step_id}: {tool} needs {', '.join(missing)}")


def compile_workflow(body: JsonDict) -> tuple[str, str, list[JsonDict]]:
    """``(kind, title, steps)`` of a start request, or :class:`WorkflowError`."""
    source = body.get("input")
    if not isinstance(source, dict):
        raise WorkflowError("input must be an object")
    kind = str(body.get("kind") or "hosted_tool_sequence")
    media = source.get("mediaReferences", source.get("media_references",
                                                      body.get("media_references"))) or []
    media_count = len(media) if isinstance(media, list) else 0
    if kind == "image_to_video":
        prompt = source.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise WorkflowError("image_to_video needs a prompt")
        size = {k: source[k] for k in ("width", "height") if k in source}
        pair: list[JsonDict] = [
            {"id": "image", "toolName": "generate_image",
             "arguments": {"prompt": prompt, **size}},
            {"id": "video", "toolName": "generate_video",
             "arguments": {"prompt": source.get("videoPrompt") or prompt, **size,
                           **({"duration": source["duration"]} if "duration" in source else {})},
             "dependsOn": [{"sourceStepId": "image", "targetArgument": "reference_image_url",
                            "transform": "artifact_url"}]},
        ]
        return kind, str(source.get("title") or prompt[:60]), pair
    if kind != "hosted_tool_sequence":
        raise WorkflowError(f"unknown workflow kind {kind!r}")
    raw_steps = source.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise WorkflowError("input.steps must be a non-empty list")
    steps: list[JsonDict] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_steps):
        if not isinstance(raw, dict):
            raise WorkflowError(f"step {index + 1} must be an object")
        step_id = str(raw.get("id") or f"step_{index + 1}")
        if step_id in seen:
            raise WorkflowError(f"duplicate step id {step_id!r}")
        tool = _tool_name(raw.get("toolName"))
        arguments = raw.get("arguments", {})
        if not isinstance(arguments, dict):
            raise WorkflowError(f"step {step_id}: arguments must be an object")
        deps = _check_dependencies(step_id, raw.get("dependsOn"), seen, media_count)
        _check_arguments(step_id, tool, arguments, deps)
        steps.append({"id": step_id, "toolName": tool.removeprefix("sogni_"),
                      "arguments": dict(arguments), "dependsOn": deps})
        seen.add(step_id)
    return kind, str(source.get("title") or "Hosted tool sequence"), steps


@attrs.define
class Workflow:
    """One durable workflow and its event log."""

    id: str
    kind: str
    title: str
    input: JsonDict
    steps: list[JsonDict]
    token_type: str | None
    status: str = "queued"
    events: list[JsonDict] = attrs.field(factory=list)
    artifacts: list[JsonDict] = attrs.field(factory=list)
    error: JsonDict | None = None
    create_time: int = attrs.field(factory=now_ms)
    update_time: int = attrs.field(factory=now_ms)
    changed: asyncio.Condition = attrs.field(factory=asyncio.Condition)

    @property
    def terminal(self) -> bool:
        """Whether the workflow has finished."""
        return self.status in TERMINAL

    def record(self) -> JsonDict:
        """The workflow record served by the REST endpoints."""
        out: JsonDict = {
            "workflowId": self.id, "kind": self.kind, "title": self.title,
            "status": self.status, "input": self.input,
            "plan": {"steps": [{"id": s["id"], "toolName": s["toolName"]} for s in self.steps]},
            "steps": [{k: v for k, v in s.items() if k != "dependsOn"} for s in self.steps],
            "artifacts": list(self.artifacts), "events": list(self.events),
            "createTime": self.create_time, "updateTime": self.update_time,
            "createdAt": _iso(self.create_time), "updatedAt": _iso(self.update_time),
        }
        if self.error is not None:
            out["error"] = self.error
        if self.token_type:
            out["tokenType"] = self.token_type
        return out

    async def emit(self, event: str, message: str, data: JsonDict | None = None) -> None:
        """Append an event and wake every stream following this workflow."""
        self.update_time = now_ms()
        self.events.append({"id": len(self.events) + 1, "event": event, "type": event,
                            "status": self.status, "message": message,
                            "timestamp": self.update_time, "data": data or {}})
        async with self.changed:
            self.changed.notify_all()


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}Z"


def _artifact_for(step: JsonDict, seed: int,
                  result_url: Callable[[MediaSpec], str]) -> JsonDict:
    tool, args = step["toolName"], step["arguments"]
    prompt = str(args.get("prompt", step["id"]))

    def number(key: str, default: float) -> float:
        value = args.get(key)
        return float(value) if isinstance(value, (int, float)) and value > 0 else default

    artifact: JsonDict = {"id": f"{step['id']}-1", "stepId": step["id"]}
    output = tool_output(tool)
    if output == "model":
        spec = MediaSpec(media="model", fmt="glb", seed=seed, prompt=prompt)
        artifact.update(type="model", mediaType="model", mimeType=spec.content_type)
    elif output == "image":
        spec = MediaSpec(media="image", fmt="png", seed=seed, prompt=prompt,
                         width=int(number("width", 1024)), height=int(number("height", 1024)))
        artifact.update(type="image", mediaType="image", mimeType="image/png",
                        width=spec.width, height=spec.height)
    elif output == "video":
        fps = int(number("fps", 16))
        duration = number("duration", 5)
        spec = MediaSpec(media="video", fmt="mp4", seed=seed, prompt=prompt,
                         width=int(number("width", 848)), height=int(number("height", 480)),
                         fps=fps, frames=int(duration * fps) + 1, duration=duration)
        artifact.update(type="video", mediaType="video", mimeType="video/mp4",
                        width=spec.width, height=spec.height, duration=duration)
    elif output == "audio":
        spec = MediaSpec(media="audio", fmt="mp3", seed=seed, prompt=prompt,
                         duration=number("duration", 30))
        artifact.update(type="audio", mediaType="audio", mimeType="audio/mpeg",
                        duration=spec.duration)
    else:
        return {**artifact, "type": "text", "mediaType": "text",
                "text": f"{tool} of {prompt}"}
    artifact["url"] = result_url(spec)
    return artifact


class WorkflowEngine:
    """Starts, runs, cancels and lists workflows."""

    def __init__(self, result_url: Callable[[MediaSpec], str], step_delay: float) -> None:
        self._result_url = result_url
        self.step_delay = step_delay
        self.workflows: dict[str, Workflow] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, body: JsonDict) -> Workflow:
        """Compile ``body`` and start running it (raises :class:`WorkflowError`)."""
        kind, title, steps = compile_workflow(body)
        token_type = body.get("token_type") or body.get("tokenType")
        workflow = Workflow(id="wf_" + secrets.token_hex(12), kind=kind, title=title,
                            input=body["input"], steps=steps,
                            token_type=str(token_type) if token_type else None)
        for step in workflow.steps:
            step["status"] = "pending"
        self.workflows[workflow.id] = workflow
        self._tasks[workflow.id] = asyncio.get_running_loop().create_task(self._run(workflow))
        return workflow

    def listing(self, limit: int | None, offset: int | None) -> list[JsonDict]:
        """Records, newest first."""
        ordered = sorted(self.workflows.values(), key=lambda w: w.create_time, reverse=True)
        start = offset or 0
        end = start + limit if limit is not None else None
        return [w.record() for w in ordered[start:end]]

    async def cancel(self, workflow: Workflow) -> None:
        """Cancel a running workflow (finished ones are left alone)."""
        if workflow.terminal:
            return
        task = self._tasks.pop(workflow.id, None)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        for step in workflow.steps:
            if step["status"] in ("pending", "running"):
                step["status"] = "cancelled"
        workflow.status = "cancelled"
        await workflow.emit("workflow.cancelled", "Workflow cancelled")

    async def shutdown(self) -> None:
        """Stop every running workflow."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self, workflow: Workflow) -> None:
        await workflow.emit("workflow.queued", "Workflow accepted")
        await asyncio.sleep(self.step_delay)
        workflow.status = "running"
        await workflow.emit("workflow.started", "Workflow started")
        by_id: dict[str, JsonDict] = {}
        for index, step in enumerate(workflow.steps):
            self._bind(step, by_id)
            step["status"] = "running"
            await workflow.emit("step.started", f"Running {step['toolName']}",
                                {"stepId": step["id"], "toolName": step["toolName"]})
            for tick in range(1, 4):
                await asyncio.sleep(self.step_delay)
                percent = round(tick * 100 / 3)
                await workflow.emit("step.progress", f"{step['toolName']} {percent}%",
                                    {"stepId": step["id"], "progress": round(tick / 3, 2)})
            seed = int(step["arguments"].get("seed") or 0) or secrets.randbelow(2**32)
            artifact = _artifact_for(step, seed, self._result_url)
            step["status"] = "completed"
            step["artifacts"] = [artifact]
            by_id[step["id"]] = step
            workflow.artifacts.append(artifact)
            await workflow.emit("step.completed", f"{step['toolName']} finished",
                                {"stepId": step["id"], "index": index, "artifacts": [artifact]})
        workflow.status = "completed"
        self._tasks.pop(workflow.id, None)
        await workflow.emit("workflow.completed", "Workflow completed",
                            {"artifacts": list(workflow.artifacts)})

    @staticmethod
    def _bind(step: JsonDict, finished: dict[str, JsonDict]) -> None:
        """Fill dependency arguments from earlier steps' artifacts."""
        for dep in step.get("dependsOn") or []:
            source = finished.get(dep["sourceStepId"])
            if source is None:  # $input_media: the caller's own reference
                continue
            artifacts = source.get("artifacts") or []
            index = int(dep.get("sourceArtifactIndex") or 0)
            if index < len(artifacts) and "url" in artifacts[index]:
                step["arguments"][dep["targetArgument"]] = artifacts[index]["url"]
