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

Requests are compiled by :mod:`.workflow_plans`; saved templates live in
:mod:`.workflow_templates`.
"""

from __future__ import annotations

import asyncio
import copy
import secrets
from collections.abc import Callable
from typing import Any

import attrs

from .clock import iso_ms, now_ms
from .media import MediaSpec
from .workflow_plans import WorkflowError, compile_workflow, tool_output
from .workflow_templates import TemplateStore, template_input

__all__ = ["TERMINAL", "Workflow", "WorkflowEngine"]

JsonDict = dict[str, Any]

TERMINAL = frozenset({"completed", "failed", "cancelled", "partial_failure"})

_INTERNAL_STEP_KEYS = frozenset({"dependsOn", "attempts", "answered"})
_FAIL_MARKER = "[fail]"
RESUMABLE = frozenset({"waiting_for_user", "failed"})
"""Statuses ``resume`` sets going again."""
RESEEDABLE = frozenset({"completed", "partial_failure"})
"""Statuses a workflow can be reseeded from."""


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
            "createdAt": iso_ms(self.create_time),
            "updatedAt": iso_ms(self.update_time),
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


def _artifact_for(step: JsonDict, seed: int, result_url: Callable[[MediaSpec], str]) -> JsonDict:
    tool, args = step["toolName"], step["arguments"]
    prompt = str(args.get("prompt", step["id"]))
    artifact: JsonDict = {"id": f"{step['id']}-1", "stepId": step["id"]}
    output = tool_output(tool)
    build = _MEDIA_ARTIFACTS.get(output)
    if build is None:
        return {**artifact, "type": "text", "mediaType": "text", "text": f"{tool} of {prompt}"}
    spec, fields = build(_Numbers(args), seed, prompt)
    artifact.update(fields)
    artifact["url"] = result_url(spec)
    return artifact


class _Numbers:
    """A step's positive numeric arguments, with a default for any other value."""

    def __init__(self, arguments: JsonDict) -> None:
        self._arguments = arguments

    def __call__(self, key: str, default: float) -> float:
        value = self._arguments.get(key)
        return float(value) if isinstance(value, (int, float)) and value > 0 else default


def _model_artifact(number: _Numbers, seed: int, prompt: str) -> tuple[MediaSpec, JsonDict]:
    spec = MediaSpec(media="model", fmt="glb", seed=seed, prompt=prompt)
    return spec, {"type": "model", "mediaType": "model", "mimeType": spec.content_type}


def _image_artifact(number: _Numbers, seed: int, prompt: str) -> tuple[MediaSpec, JsonDict]:
    spec = MediaSpec(
        media="image",
        fmt="png",
        seed=seed,
        prompt=prompt,
        width=int(number("width", 1024)),
        height=int(number("height", 1024)),
    )
    fields = {"type": "image", "mediaType": "image", "mimeType": "image/png"}
    return spec, {**fields, "width": spec.width, "height": spec.height}


def _video_artifact(number: _Numbers, seed: int, prompt: str) -> tuple[MediaSpec, JsonDict]:
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
    fields = {"type": "video", "mediaType": "video", "mimeType": "video/mp4"}
    return spec, {**fields, "width": spec.width, "height": spec.height, "duration": duration}


def _audio_artifact(number: _Numbers, seed: int, prompt: str) -> tuple[MediaSpec, JsonDict]:
    spec = MediaSpec(
        media="audio", fmt="mp3", seed=seed, prompt=prompt, duration=number("duration", 30)
    )
    fields = {"type": "audio", "mediaType": "audio", "mimeType": "audio/mpeg"}
    return spec, {**fields, "duration": spec.duration}


_MEDIA_ARTIFACTS: dict[str, Callable[[_Numbers, int, str], tuple[MediaSpec, JsonDict]]] = {
    "model": _model_artifact,
    "image": _image_artifact,
    "video": _video_artifact,
    "audio": _audio_artifact,
}


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
            if not await self._run_step(workflow, index, step, by_id):
                return
        workflow.status = "completed"
        self._tasks.pop(workflow.id, None)
        await workflow.emit(
            "workflow.completed", "Workflow completed", {"artifacts": list(workflow.artifacts)}
        )

    async def _run_step(
        self, workflow: Workflow, index: int, step: JsonDict, by_id: dict[str, JsonDict]
    ) -> bool:
        """Run one step to its artifact; ``False`` when it failed (and the workflow with it)."""
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
            await self._fail(workflow, index, step)
            return False
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
        return True

    async def _fail(self, workflow: Workflow, index: int, step: JsonDict) -> None:
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
