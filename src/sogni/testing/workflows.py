"""Durable creative workflows: compile a request into steps, run them, keep an event log.

A workflow runs on the server loop whether or not anyone watches it. Every state change
appends an event ``{id, event, type, status, message, timestamp, data}`` (``status`` is the
workflow status after the change, so the terminal event carries a terminal status) and
wakes the SSE streams following it.

Two steps behave specially, so resuming can be exercised: an ``ask_clarifying_question``
step pauses the workflow in ``waiting_for_user`` until it is resumed, and a step whose
``prompt`` contains ``[fail]`` fails its first attempt (the workflow fails; resuming runs
it again, and it succeeds). Resumed workflows continue after their last completed step; a
reseed clones a finished workflow into a new one with fresh seeds.

Saved templates (:class:`TemplateStore`) belong to an account, next to a few public system
templates; a run of one substitutes its ``inputs`` into the stages' string arguments
(``"{{name}}"`` alone keeps the input's type).
"""

from __future__ import annotations

import asyncio
import copy
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

import attrs

from sogni.core.chat.manifest import tool_spec, workflow_step_tools
from sogni.core.workflows import DEPENDENCY_TRANSFORMS, HOSTED_TOOL_ARGUMENTS, HOSTED_TOOL_NAMES

from .media import MediaSpec

__all__ = [
    "SYSTEM_TEMPLATES",
    "TERMINAL",
    "TemplateStore",
    "Workflow",
    "WorkflowEngine",
    "WorkflowError",
    "compile_workflow",
    "template_input",
]

JsonDict = dict[str, Any]

TERMINAL = frozenset({"completed", "failed", "cancelled", "partial_failure"})

_TRANSFORMS = frozenset(DEPENDENCY_TRANSFORMS)
_INTERNAL_STEP_KEYS = frozenset({"dependsOn", "attempts", "answered"})
_FAIL_MARKER = "[fail]"
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")
RESUMABLE = frozenset({"waiting_for_user", "failed"})
"""Statuses ``resume`` sets going again."""
RESEEDABLE = frozenset({"completed", "partial_failure"})
"""Statuses a workflow can be reseeded from."""
_INPUT_MEDIA = "$input_media"


class WorkflowError(Exception):
    """A workflow request the server refuses (HTTP 400 unless ``status`` says otherwise)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


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


def _check_dependencies(
    step_id: str, depends_on: Any, earlier: set[str], media_count: int
) -> list[JsonDict]:
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


def _check_arguments(step_id: str, tool: str, arguments: JsonDict, deps: list[JsonDict]) -> None:
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
    media = (
        source.get("mediaReferences", source.get("media_references", body.get("media_references")))
        or []
    )
    media_count = len(media) if isinstance(media, list) else 0
    if kind == "image_to_video":
        prompt = source.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise WorkflowError("image_to_video needs a prompt")
        size = {k: source[k] for k in ("width", "height") if k in source}
        pair: list[JsonDict] = [
            {"id": "image", "toolName": "generate_image", "arguments": {"prompt": prompt, **size}},
            {
                "id": "video",
                "toolName": "generate_video",
                "arguments": {
                    "prompt": source.get("videoPrompt") or prompt,
                    **size,
                    **({"duration": source["duration"]} if "duration" in source else {}),
                },
                "dependsOn": [
                    {
                        "sourceStepId": "image",
                        "targetArgument": "reference_image_url",
                        "transform": "artifact_url",
                    }
                ],
            },
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
        steps.append(
            {
                "id": step_id,
                "toolName": tool.removeprefix("sogni_"),
                "arguments": dict(arguments),
                "dependsOn": deps,
            }
        )
        seen.add(step_id)
    return kind, str(source.get("title") or "Hosted tool sequence"), steps


# --- templates --------------------------------------------------------------------------------

SYSTEM_TEMPLATES: tuple[JsonDict, ...] = (
    {
        "id": "tpl_poster_to_clip",
        "name": "Poster to clip",
        "version": "1.0.0",
        "description": "An image of the brief, then a short video of it moving.",
        "category": "video",
        "stability": "production",
        "author": "system",
        "visibility": "public",
        "inputs": [
            {"name": "brief", "type": "string", "required": True},
            {"name": "duration", "type": "number", "default": 2},
        ],
        "stages": [
            {"id": "poster", "toolName": "generate_image", "arguments": {"prompt": "{{brief}}"}},
            {
                "id": "clip",
                "toolName": "generate_video",
                "arguments": {"prompt": "{{brief}}, in motion", "duration": "{{duration}}"},
                "dependsOn": [
                    {
                        "sourceStepId": "poster",
                        "targetArgument": "reference_image_url",
                        "transform": "artifact_url",
                    }
                ],
            },
        ],
        "exposeToLLM": True,
        "llmPriority": 10,
        "estimatedCapacityUnits": {"min": 20, "max": 40},
        "tags": ["video", "starter"],
        "createdAt": "2026-01-01T00:00:00.000Z",
        "updatedAt": "2026-01-01T00:00:00.000Z",
    },
    {
        "id": "tpl_song",
        "name": "Song from a theme",
        "version": "1.0.0",
        "description": "A song about the theme.",
        "category": "music",
        "stability": "beta",
        "author": "system",
        "visibility": "public",
        "inputs": [{"name": "theme", "type": "string", "required": True}],
        "stages": [
            {
                "id": "song",
                "toolName": "generate_music",
                "arguments": {"prompt": "a song about {{theme}}", "duration": 10},
            }
        ],
        "exposeToLLM": False,
        "tags": ["music"],
        "createdAt": "2026-01-01T00:00:00.000Z",
        "updatedAt": "2026-01-01T00:00:00.000Z",
    },
)
"""Public templates every account sees."""

_READ_ONLY_TEMPLATE_KEYS = ("id", "author", "createdAt", "forkedFrom")


class TemplateStore:
    """Saved workflow templates: each account's own, plus the public system ones."""

    def __init__(self) -> None:
        self._own: dict[str, dict[str, JsonDict]] = {}  # owner -> id -> template
        self._public = {t["id"]: copy.deepcopy(t) for t in SYSTEM_TEMPLATES}

    def visible(self, owner: str, visibility: str) -> list[JsonDict]:
        """``own``, ``public`` or ``all`` (the default) templates, own ones first."""
        own = list(self._own.get(owner, {}).values())
        public = list(self._public.values())
        chosen = {"own": own, "public": public}.get(visibility, own + public)
        return [copy.deepcopy(t) for t in chosen]

    def find(self, template_id: str, owner: str) -> JsonDict | None:
        """An own or public template."""
        found = self._own.get(owner, {}).get(template_id) or self._public.get(template_id)
        return copy.deepcopy(found) if found is not None else None

    def _owned(self, template_id: str, owner: str) -> dict[str, Any]:
        own = self._own.get(owner, {})
        if template_id in own:
            return own
        if template_id in self._public:
            raise WorkflowError(f"Template {template_id} is not yours to change", 403)
        raise WorkflowError(f"Template {template_id} not found", 404)

    def create(self, owner: str, author: JsonDict, body: JsonDict) -> JsonDict:
        """Save a new template of ``owner``."""
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise WorkflowError("A template needs a name")
        _check_template_parts(body)
        own = self._own.setdefault(owner, {})
        template_id = body.get("id")
        if template_id is None:
            template_id = "tpl_" + secrets.token_hex(8)
        elif not isinstance(template_id, str) or not template_id:
            raise WorkflowError("A template id must be a non-empty string")
        if template_id in own or template_id in self._public:
            raise WorkflowError(f"Template {template_id} already exists", 409)
        stamp = _iso(now_ms())
        template = {
            "version": "1.0.0",
            "description": "",
            "visibility": "private",
            "inputs": [],
            "stages": [],
            **copy.deepcopy(body),
            "id": template_id,
            "author": author,
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        own[template_id] = template
        return copy.deepcopy(template)

    def update(self, owner: str, template_id: str, patch: JsonDict) -> JsonDict:
        """Change fields of an own template."""
        own = self._owned(template_id, owner)
        if "name" in patch and (not isinstance(patch["name"], str) or not patch["name"]):
            raise WorkflowError("A template needs a name")
        _check_template_parts(patch)
        changes = {k: v for k, v in patch.items() if k not in _READ_ONLY_TEMPLATE_KEYS}
        own[template_id].update(copy.deepcopy(changes), updatedAt=_iso(now_ms()))
        return copy.deepcopy(own[template_id])

    def delete(self, owner: str, template_id: str) -> None:
        """Delete an own template."""
        del self._owned(template_id, owner)[template_id]

    def fork(self, owner: str, author: JsonDict, template_id: str, new_name: Any) -> JsonDict:
        """An own copy of an own or public template."""
        source = self.find(template_id, owner)
        if source is None:
            raise WorkflowError(f"Template {template_id} not found", 404)
        if new_name is not None and (not isinstance(new_name, str) or not new_name.strip()):
            raise WorkflowError("newName must be a non-empty string")
        body = {k: v for k, v in source.items() if k not in _READ_ONLY_TEMPLATE_KEYS}
        body.update(
            name=new_name or f"{source['name']} (copy)",
            visibility="private",
            forkedFrom=template_id,
        )
        forked = self.create(owner, author, body)
        self._own[owner][forked["id"]]["forkedFrom"] = template_id
        forked["forkedFrom"] = template_id
        return forked


def _check_template_parts(body: JsonDict) -> None:
    for key in ("inputs", "stages"):
        if key in body and not isinstance(body[key], list):
            raise WorkflowError(f"{key} must be an array")


def _substitute(value: Any, inputs: JsonDict) -> Any:
    if isinstance(value, str):
        whole = _PLACEHOLDER.fullmatch(value.strip())
        if whole is not None and whole.group(1) in inputs:
            return inputs[whole.group(1)]  # the input itself, keeping its type
        return _PLACEHOLDER.sub(lambda m: str(inputs.get(m.group(1), m.group(0))), value)
    if isinstance(value, dict):
        return {k: _substitute(v, inputs) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, inputs) for v in value]
    return value


def template_input(template: JsonDict, given: Any) -> JsonDict:
    """The inline input a run of ``template`` executes: its stages with the ``given``
    inputs (and the declared defaults) substituted; :class:`WorkflowError` for a missing
    required input or a template without stages."""
    if given is not None and not isinstance(given, dict):
        raise WorkflowError("inputs must be an object")
    values: JsonDict = {}
    for declared in template.get("inputs") or []:
        if not isinstance(declared, dict):
            continue
        name = declared.get("name") or declared.get("id")
        if not isinstance(name, str):
            continue
        if given and name in given:
            values[name] = given[name]
        elif "default" in declared:
            values[name] = declared["default"]
        elif declared.get("required"):
            raise WorkflowError(f"Template {template['id']} needs the input {name!r}")
    values.update({k: v for k, v in (given or {}).items() if k not in values})
    stages = template.get("stages")
    if not isinstance(stages, list) or not stages:
        raise WorkflowError(f"Template {template['id']} has no stages to run")
    return {"title": template["name"], "steps": _substitute(copy.deepcopy(stages), values)}


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
    owner: str | None = None
    waiting_reason: str | None = None
    safe_content_filter: bool = True
    billing_mode: str | None = None
    template_id: str | None = None
    resume_signal: asyncio.Event | None = None
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
            "workflowId": self.id,
            "kind": self.kind,
            "title": self.title,
            "status": self.status,
            "input": self.input,
            "plan": {"steps": [{"id": s["id"], "toolName": s["toolName"]} for s in self.steps]},
            "steps": [
                {k: v for k, v in s.items() if k not in _INTERNAL_STEP_KEYS} for s in self.steps
            ],
            "artifacts": list(self.artifacts),
            "events": list(self.events),
            "createTime": self.create_time,
            "updateTime": self.update_time,
            "createdAt": _iso(self.create_time),
            "updatedAt": _iso(self.update_time),
        }
        if self.error is not None:
            out["error"] = self.error
        if self.token_type:
            out["tokenType"] = self.token_type
        if self.billing_mode:
            out["billingMode"] = self.billing_mode
        if self.waiting_reason is not None:
            out["waitingReason"] = self.waiting_reason
            out["awaitingCostApproval"] = self.waiting_reason == "cost_approval_required"
        if self.template_id is not None:
            out["templateId"] = self.template_id
        out["safeContentFilter"] = self.safe_content_filter
        return out

    async def emit(self, event: str, message: str, data: JsonDict | None = None) -> None:
        """Append an event and wake every stream following this workflow."""
        self.update_time = now_ms()
        self.events.append(
            {
                "id": len(self.events) + 1,
                "event": event,
                "type": event,
                "status": self.status,
                "message": message,
                "timestamp": self.update_time,
                "data": data or {},
            }
        )
        async with self.changed:
            self.changed.notify_all()


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}Z"


def _artifact_for(step: JsonDict, seed: int, result_url: Callable[[MediaSpec], str]) -> JsonDict:
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
        spec = MediaSpec(
            media="image",
            fmt="png",
            seed=seed,
            prompt=prompt,
            width=int(number("width", 1024)),
            height=int(number("height", 1024)),
        )
        artifact.update(
            type="image",
            mediaType="image",
            mimeType="image/png",
            width=spec.width,
            height=spec.height,
        )
    elif output == "video":
        fps = int(number("fps", 16))
        duration = number("duration", 5)
        spec = MediaSpec(
            media="video",
            fmt="mp4",
            seed=seed,
            prompt=prompt,
            width=int(number("width", 848)),
            height=int(number("height", 480)),
            fps=fps,
            frames=int(duration * fps) + 1,
            duration=duration,
        )
        artifact.update(
            type="video",
            mediaType="video",
            mimeType="video/mp4",
            width=spec.width,
            height=spec.height,
            duration=duration,
        )
    elif output == "audio":
        spec = MediaSpec(
            media="audio", fmt="mp3", seed=seed, prompt=prompt, duration=number("duration", 30)
        )
        artifact.update(
            type="audio", mediaType="audio", mimeType="audio/mpeg", duration=spec.duration
        )
    else:
        return {**artifact, "type": "text", "mediaType": "text", "text": f"{tool} of {prompt}"}
    artifact["url"] = result_url(spec)
    return artifact


class WorkflowEngine:
    """Starts, runs, pauses, resumes, reseeds, cancels and lists workflows; keeps the
    saved templates."""

    def __init__(self, result_url: Callable[[MediaSpec], str], step_delay: float) -> None:
        self._result_url = result_url
        self.step_delay = step_delay
        self.workflows: dict[str, Workflow] = {}
        self.templates = TemplateStore()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._reseeds: dict[str, tuple[str, JsonDict]] = {}  # Idempotency-Key -> new id, info

    def start(self, body: JsonDict, owner: str | None = None) -> Workflow:
        """Compile ``body`` (an inline ``input`` or a saved template's ``workflow_id``) and
        start running it (raises :class:`WorkflowError`)."""
        template_id = body.get("workflow_id")
        if template_id is not None:
            if "input" in body:
                raise WorkflowError("Give input or workflow_id, not both")
            template = self.templates.find(str(template_id), owner or "")
            if template is None:
                raise WorkflowError(f"Template {template_id} not found", 404)
            body = {**body, "input": template_input(template, body.get("inputs"))}
        kind, title, steps = compile_workflow(body)
        token_type = body.get("token_type") or body.get("tokenType")
        workflow = Workflow(
            id="wf_" + secrets.token_hex(12),
            kind=kind,
            title=title,
            input=body["input"],
            steps=steps,
            token_type=str(token_type) if token_type else None,
            owner=owner,
            safe_content_filter=body.get("safe_content_filter") is not False,
            billing_mode=_text_or_none(body.get("billing_mode")),
            template_id=str(template_id) if template_id is not None else None,
        )
        self._launch(workflow)
        return workflow

    def _launch(self, workflow: Workflow) -> None:
        for step in workflow.steps:
            step["status"] = "pending"
            step["attempts"] = 0
        self.workflows[workflow.id] = workflow
        self._tasks[workflow.id] = asyncio.get_running_loop().create_task(self._run(workflow))

    def listing(self, limit: int | None, offset: int | None) -> list[JsonDict]:
        """Records, newest first."""
        ordered = sorted(self.workflows.values(), key=lambda w: w.create_time, reverse=True)
        start = offset or 0
        end = start + limit if limit is not None else None
        return [w.record() for w in ordered[start:end]]

    async def resume(self, workflow: Workflow, body: JsonDict) -> bool:
        """Set a paused or failed workflow going again; ``False`` when it is moving already
        (:class:`WorkflowError` 409 when it has completed or was cancelled)."""
        if workflow.status in ("queued", "running"):
            return False
        if workflow.status not in RESUMABLE:
            raise WorkflowError(f"A {workflow.status} workflow cannot be resumed", 409)
        workflow.token_type = _text_or_none(body.get("token_type")) or workflow.token_type
        workflow.billing_mode = _text_or_none(body.get("billing_mode")) or workflow.billing_mode
        if workflow.status == "waiting_for_user" and workflow.resume_signal is not None:
            workflow.resume_signal.set()
        else:  # failed: run again from the step that failed
            workflow.error = None
            workflow.status = "running"
            self._tasks[workflow.id] = asyncio.get_running_loop().create_task(
                self._run(workflow, resumed=True)
            )
        return True

    def reseed(
        self, source: Workflow, body: JsonDict, key: str | None
    ) -> tuple[Workflow, JsonDict, bool]:
        """A new take of a finished workflow with fresh seeds: ``(workflow, {cloned_from_run_id,
        steps}, repeated)``; a repeated ``key`` returns the first take."""
        if key and key in self._reseeds:
            workflow_id, info = self._reseeds[key]
            return self.workflows[workflow_id], info, True
        if source.status not in RESEEDABLE:
            raise WorkflowError(
                f"Only a finished workflow can be reseeded, not a {source.status} one", 409
            )
        overrides = body.get("seed_overrides") or {}
        if not isinstance(overrides, dict):
            raise WorkflowError("seed_overrides must be an object")
        step_ids = {step["id"] for step in source.steps}
        unknown = sorted(set(overrides) - step_ids)
        if unknown:
            raise WorkflowError(f"seed_overrides names unknown steps: {', '.join(unknown)}")
        for step_id, seed in overrides.items():
            if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
                raise WorkflowError(f"The seed of step {step_id} must be a non-negative integer")
        steps = []
        for step in source.steps:
            clone = {
                k: copy.deepcopy(v)
                for k, v in step.items()
                if k in ("id", "toolName", "arguments", "dependsOn")
            }
            clone["seed"] = overrides.get(step["id"], secrets.randbelow(2**32))
            steps.append(clone)
        token_type = _text_or_none(body.get("token_type")) or source.token_type
        workflow = Workflow(
            id="wf_" + secrets.token_hex(12),
            kind=source.kind,
            title=source.title,
            input=copy.deepcopy(source.input),
            steps=steps,
            token_type=token_type,
            owner=source.owner,
            safe_content_filter=source.safe_content_filter,
            billing_mode=_text_or_none(body.get("billing_mode")) or source.billing_mode,
            template_id=source.template_id,
        )
        self._launch(workflow)
        info = {
            "cloned_from_run_id": source.id,
            "steps": [{"id": s["id"], "toolName": s["toolName"], "seed": s["seed"]} for s in steps],
        }
        if key:
            self._reseeds[key] = (workflow.id, info)
        return workflow, info, False

    async def cancel(self, workflow: Workflow) -> None:
        """Cancel a running workflow (finished ones are left alone)."""
        if workflow.terminal:
            return
        task = self._tasks.pop(workflow.id, None)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        for step in workflow.steps:
            if step["status"] in ("pending", "running", "waiting"):
                step["status"] = "cancelled"
        workflow.status = "cancelled"
        workflow.waiting_reason = None
        await workflow.emit("workflow.cancelled", "Workflow cancelled")

    async def shutdown(self) -> None:
        """Stop every running workflow."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self, workflow: Workflow, resumed: bool = False) -> None:
        if resumed:
            await workflow.emit("workflow.resumed", "Workflow resumed")
        else:
            await workflow.emit("workflow.queued", "Workflow accepted")
            await asyncio.sleep(self.step_delay)
            workflow.status = "running"
            await workflow.emit("workflow.started", "Workflow started")
        by_id = {s["id"]: s for s in workflow.steps if s["status"] == "completed"}
        for index, step in enumerate(workflow.steps):
            if step["status"] == "completed":
                continue
            self._bind(step, by_id)
            step["status"] = "running"
            step["attempts"] += 1
            await workflow.emit(
                "step.started",
                f"Running {step['toolName']}",
                {"stepId": step["id"], "toolName": step["toolName"]},
            )
            if step["toolName"] == "ask_clarifying_question" and not step.get("answered"):
                await self._wait_for_user(workflow, step)
            for tick in range(1, 4):
                await asyncio.sleep(self.step_delay)
                percent = round(tick * 100 / 3)
                await workflow.emit(
                    "step.progress",
                    f"{step['toolName']} {percent}%",
                    {"stepId": step["id"], "progress": round(tick / 3, 2)},
                )
            if _FAIL_MARKER in str(step["arguments"].get("prompt", "")) and step["attempts"] == 1:
                step["status"] = "failed"
                workflow.status = "failed"
                workflow.error = {"message": f"{step['toolName']} failed", "stepId": step["id"]}
                self._tasks.pop(workflow.id, None)
                await workflow.emit(
                    "step.failed",
                    f"{step['toolName']} failed",
                    {"stepId": step["id"], "index": index},
                )
                await workflow.emit("workflow.failed", "Workflow failed", dict(workflow.error))
                return
            seed = int(step.get("seed") or step["arguments"].get("seed") or 0) or secrets.randbelow(
                2**32
            )
            artifact = _artifact_for(step, seed, self._result_url)
            step["status"] = "completed"
            step["artifacts"] = [artifact]
            by_id[step["id"]] = step
            workflow.artifacts.append(artifact)
            await workflow.emit(
                "step.completed",
                f"{step['toolName']} finished",
                {"stepId": step["id"], "index": index, "artifacts": [artifact]},
            )
        workflow.status = "completed"
        self._tasks.pop(workflow.id, None)
        await workflow.emit(
            "workflow.completed", "Workflow completed", {"artifacts": list(workflow.artifacts)}
        )

    @staticmethod
    async def _wait_for_user(workflow: Workflow, step: JsonDict) -> None:
        """Pause until :meth:`resume` (the user answered through their chat)."""
        question = str(
            step["arguments"].get("question")
            or step["arguments"].get("prompt")
            or "What should happen next?"
        )
        step["status"] = "waiting"
        workflow.status = "waiting_for_user"
        workflow.waiting_reason = "ask_clarifying_question"
        workflow.resume_signal = asyncio.Event()
        await workflow.emit(
            "workflow.waiting_for_user",
            question,
            {"stepId": step["id"], "reason": workflow.waiting_reason},
        )
        await workflow.resume_signal.wait()
        workflow.resume_signal = None
        workflow.waiting_reason = None
        workflow.status = "running"
        step["status"] = "running"
        step["answered"] = True
        await workflow.emit("workflow.resumed", "Workflow resumed", {"stepId": step["id"]})

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


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
