"""Durable chat runs: the run state machine the ``/v1/chat/runs`` routes serve.

A run lives on the server loop whether or not anyone watches it::

    queued -> running -> (waiting_for_user -> running)* -> completed | partial_failure
                                                           | failed | cancelled

Each round asks the deterministic LLM (:mod:`.llm`) for an answer; text is logged as
``assistant_delta`` events and an ``assistant_message``. Tool calls to Sogni tools are run
by the server itself (media through the job simulation). Before paid media tools the run
pauses for cost approval when the request asked for it (``runtime_config`` with
``requireJobConfirmation``, above ``jobConfirmationThresholdUsd``) or when their estimate
exceeds ``max_estimated_capacity_units`` without ``confirm_cost``: the run waits in
``waiting_for_user`` with ``waiting.reason = cost_approval_required`` and a cost preview
until ``confirm-cost`` answers (``confirm`` runs the calls, ``cancel`` skips them) or the
run is cancelled. Calls to tools the server does not know end the run with
``finishReason: tool_calls``.

Every change appends an event ``{sequence, type, at, payload}`` and wakes the streams
following the run.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

from sogni.core.chat.runs import COST_APPROVAL, DECISIONS, TERMINAL_RUN_STATUSES

from .llm import ChatRequestError, reply_to

__all__ = ["CAPACITY_UNITS", "ChatRun", "ChatRunEngine", "RunError", "ToolRunner"]

JsonDict = dict[str, Any]

#: Runs a Sogni tool call: ``(call, token_type) -> tool result`` (``success``, ``urls`` ...).
ToolRunner = Callable[[JsonDict, str], Awaitable[JsonDict]]

CAPACITY_UNITS = {"image": 2.0, "video": 20.0, "audio": 8.0, "model": 12.0}
"""Estimated capacity units of one paid tool call, by what it produces."""
USD_PER_CAPACITY_UNIT = 0.01
PREVIEW_SECONDS = 600.0
"""How long a cost preview can be approved."""
MAX_ROUNDS = 5
_MEDIA_CONTEXT = {"image": "images", "video": "videos", "audio": "audio"}


class RunError(Exception):
    """A request the run refuses, answered with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def iso(seconds: float) -> str:
    """ISO 8601 with milliseconds, in UTC."""
    millis = int(seconds * 1000)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(millis / 1000))
    return f"{stamp}.{millis % 1000:03d}Z"


@attrs.define
class ChatRun:
    """One durable chat run and its event log."""

    id: str
    owner: str
    request: JsonDict
    token_type: str
    status: str = "queued"
    messages: list[JsonDict] = attrs.field(factory=list)
    tool_calls: list[JsonDict] = attrs.field(factory=list)
    tool_results: list[JsonDict] = attrs.field(factory=list)
    artifacts: list[JsonDict] = attrs.field(factory=list)
    events: list[JsonDict] = attrs.field(factory=list)
    media_context: JsonDict = attrs.field(factory=lambda: {"images": [], "videos": [], "audio": []})
    waiting: JsonDict | None = None
    approval_deadline: float = 0.0  # until when the pending cost preview can be approved
    final_response: JsonDict | None = None
    billing_previews: list[JsonDict] = attrs.field(factory=list)
    failure_reason: str | None = None
    cancellation_reason: str | None = None
    created: float = attrs.field(factory=time.time)
    updated: float = attrs.field(factory=time.time)
    completed: float | None = None
    decision: asyncio.Future[JsonDict] | None = None
    changed: asyncio.Condition = attrs.field(factory=asyncio.Condition)

    @property
    def terminal(self) -> bool:
        """Whether the run has finished."""
        return self.status in TERMINAL_RUN_STATUSES

    def record(self) -> JsonDict:
        """The run record the REST endpoints serve."""
        out: JsonDict = {
            "runId": self.id,
            "status": self.status,
            "schemaVersion": "1",
            "scope": {
                "ownerWalletAddress": self.owner,
                "tokenType": self.token_type,
                **(
                    {"appSource": self.request["app_source"]}
                    if self.request.get("app_source")
                    else {}
                ),
            },
            "request": {
                k: v
                for k, v in self.request.items()
                if k
                in (
                    "messages",
                    "model",
                    "session_id",
                    "client_message_id",
                    "tools",
                    "tool_choice",
                    "sampling",
                )
            },
            "messages": list(self.messages),
            "toolCalls": list(self.tool_calls),
            "toolResults": list(self.tool_results),
            "mediaContext": json.loads(json.dumps(self.media_context)),
            "artifacts": list(self.artifacts),
            "events": list(self.events),
            "timestamps": {
                "createdAt": iso(self.created),
                "updatedAt": iso(self.updated),
                **({"completedAt": iso(self.completed)} if self.completed else {}),
            },
        }
        for key, value in (
            ("finalResponse", self.final_response),
            ("waiting", self.waiting),
            ("failureReason", self.failure_reason),
            ("cancellationReason", self.cancellation_reason),
        ):
            if value is not None:
                out[key] = value
        if self.billing_previews:
            out["billingPreview"] = self.billing_previews[-1]
            out["billingPreviews"] = list(self.billing_previews)
        return out

    async def emit(self, type_: str, payload: JsonDict | None = None) -> None:
        """Append an event and wake every stream following this run."""
        self.updated = time.time()
        self.events.append(
            {
                "sequence": len(self.events) + 1,
                "type": type_,
                "at": iso(self.updated),
                "payload": payload or {},
            }
        )
        async with self.changed:
            self.changed.notify_all()


class ChatRunEngine:
    """Creates, drives, pauses, resumes and cancels chat runs.

    ``run_tool`` runs one Sogni tool call, ``tool_outputs`` says what each Sogni tool
    produces (``image`` ... or ``text``), ``default_tools`` are offered when a request
    brings none, and ``spawn`` starts a background task on the server loop.
    """

    def __init__(
        self,
        *,
        llm_models: Callable[[], set[str]],
        run_tool: ToolRunner,
        tool_outputs: dict[str, str],
        default_tools: Callable[[], list[JsonDict]],
        spawn: Callable[[Any], asyncio.Task[Any]],
        step_delay: float,
    ) -> None:
        self._llm_models = llm_models
        self._run_tool = run_tool
        self._tool_outputs = tool_outputs
        self._default_tools = default_tools
        self._spawn = spawn
        self.step_delay = step_delay
        self.preview_seconds = PREVIEW_SECONDS
        self.runs: dict[str, ChatRun] = {}
        self._keys: dict[tuple[str, str], str] = {}  # (owner, Idempotency-Key) -> run id
        self._decisions: dict[tuple[str, str], str] = {}  # (run id, key) -> decision
        self._tasks: dict[str, asyncio.Task[Any]] = {}

    def find(self, run_id: str, owner: str) -> ChatRun | None:
        """The owner's run with this id."""
        run = self.runs.get(run_id)
        return run if run is not None and run.owner == owner else None

    async def create(self, owner: str, body: JsonDict, key: str | None) -> tuple[ChatRun, bool]:
        """Accept a run (raises :class:`RunError`); ``True`` when ``key`` repeats one."""
        if key and (owner, key) in self._keys:
            return self.runs[self._keys[(owner, key)]], True
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise RunError(400, "messages must be a non-empty array")
        model = body.get("model") or min(self._llm_models(), default=None)
        if model not in self._llm_models():
            raise RunError(404, f"LLM model {model!r} is not available")
        token_type = str(body.get("token_type") or "sogni")
        run = ChatRun(
            id="run_" + secrets.token_hex(12),
            owner=owner,
            request={**body, "model": model},
            token_type=token_type,
            messages=[dict(m) for m in messages if isinstance(m, dict)],
        )
        context = body.get("media_context")
        if isinstance(context, dict):
            for name, values in context.items():
                if isinstance(values, list):
                    run.media_context[name] = list(values)
        self.runs[run.id] = run
        if key:
            self._keys[(owner, key)] = run.id
        await run.emit("run_created", {"status": run.status, "model": model})
        self._tasks[run.id] = self._spawn(self._drive(run))
        return run, False

    async def cancel(self, run: ChatRun, reason: str | None) -> None:
        """Cancel an unfinished run (a finished one is left as it is)."""
        if run.terminal:
            return
        task = self._tasks.pop(run.id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        run.status = "cancelled"
        run.waiting = None
        run.cancellation_reason = reason or "Cancelled by the user"
        run.completed = time.time()
        await run.emit("run_cancelled", {"status": run.status, "reason": run.cancellation_reason})

    async def confirm(self, run: ChatRun, body: JsonDict, key: str | None) -> None:
        """Answer a cost-approval pause (raises :class:`RunError` when it cannot)."""
        if key and (run.id, key) in self._decisions:
            return  # a repeat of a decision already taken counts as success
        waiting = run.waiting
        if (
            run.status != "waiting_for_user"
            or not waiting
            or waiting.get("reason") != COST_APPROVAL
            or run.decision is None
        ):
            raise RunError(409, "The run is not awaiting cost approval")
        details = waiting["details"]
        tool_call_id = body.get("tool_call_id")
        if not isinstance(tool_call_id, str) or not tool_call_id:
            raise RunError(400, "tool_call_id is required")
        if tool_call_id not in details["pendingToolCallIds"]:
            raise RunError(400, f"Tool call {tool_call_id} is not awaiting cost approval")
        decision = body.get("decision")
        if decision not in DECISIONS:
            raise RunError(400, "decision must be 'confirm' or 'cancel'")
        if decision == "confirm":
            accepted = body.get("acceptedCostPreview")
            if not isinstance(accepted, dict):
                raise RunError(400, "acceptedCostPreview is required to confirm")
            preview = details.get("costApprovalPreview")
            if preview is None:
                raise RunError(409, "This pause cannot be confirmed; cancel the run instead")
            if time.time() > run.approval_deadline or accepted != preview:
                raise RunError(409, "The cost preview expired or changed; approve the new one")
        if key:
            self._decisions[(run.id, key)] = str(decision)
        run.decision.set_result({"decision": decision, "overrides": body.get("overrides")})
        run.decision = None
        run.waiting = None
        run.status = "running"

    async def shutdown(self) -> None:
        """Stop every running run."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- the run itself -----------------------------------------------------------------

    async def _drive(self, run: ChatRun) -> None:
        try:
            await self._rounds(run)
        except ChatRequestError as exc:
            await self._fail(run, exc.message)
        finally:
            self._tasks.pop(run.id, None)

    async def _fail(self, run: ChatRun, reason: str) -> None:
        run.status = "failed"
        run.failure_reason = reason
        run.completed = time.time()
        await run.emit("run_failed", {"status": run.status, "reason": reason})

    async def _rounds(self, run: ChatRun) -> None:
        await asyncio.sleep(self.step_delay)
        run.status = "running"
        await run.emit("run_started", {"status": run.status})
        offered = run.request.get("tools")
        tools = offered if isinstance(offered, list) else self._default_tools()
        failed_tools = 0
        for _ in range(MAX_ROUNDS):
            request = {**run.request, "messages": run.messages, "tools": tools}
            reply = reply_to(request, self._llm_models())
            for chunk in reply.chunks:
                await asyncio.sleep(self.step_delay)
                await run.emit("assistant_delta", {"delta": chunk})
            if reply.error is not None:
                await self._fail(run, reply.error[1])
                return
            if not reply.tool_calls:
                run.messages.append({"role": "assistant", "content": reply.content})
                await run.emit("assistant_message", {"content": reply.content})
                await self._finish(run, reply.content, reply.finish_reason, failed_tools)
                return
            calls = reply.tool_calls
            run.tool_calls.extend(calls)
            run.messages.append({"role": "assistant", "content": None, "tool_calls": calls})
            for call in calls:
                await run.emit(
                    "tool_call_requested",
                    {"toolCallId": call["id"], "toolName": call["function"]["name"]},
                )
            if any(call["function"]["name"] not in self._tool_outputs for call in calls):
                await self._finish(run, "", "tool_calls", failed_tools)  # the caller's tools
                return
            decision = await self._approval(run, calls)
            for call in calls:
                result = await self._tool_result(run, call, decision)
                failed_tools += 0 if result.get("success") or result.get("cancelled") else 1
                content = {
                    k: v for k, v in result.items() if k not in ("tool_call_id", "tool_name")
                }
                run.messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": call["id"],
                        "name": call["function"]["name"],
                        "content": json.dumps(content, separators=(",", ":")),
                    }
                )
        await self._finish(run, "", "length", failed_tools)

    async def _finish(
        self, run: ChatRun, content: str, finish_reason: str, failed_tools: int
    ) -> None:
        run.final_response = {"content": content, "finishReason": finish_reason}
        run.status = "partial_failure" if failed_tools else "completed"
        run.completed = time.time()
        await run.emit(
            f"run_{run.status}", {"status": run.status, "finalResponse": run.final_response}
        )

    def _paid(self, calls: list[JsonDict]) -> list[tuple[JsonDict, float]]:
        paid = []
        for call in calls:
            units = CAPACITY_UNITS.get(self._tool_outputs.get(call["function"]["name"], ""))
            if units is not None:
                paid.append((call, units))
        return paid

    def _needs_approval(self, run: ChatRun, units: float) -> bool:
        config = run.request.get("runtime_config")
        if isinstance(config, dict) and config.get("requireJobConfirmation") is True:
            threshold = config.get("jobConfirmationThresholdUsd")
            limit = float(threshold) if isinstance(threshold, (int, float)) else 0.0
            if units * USD_PER_CAPACITY_UNIT > limit:
                return True
        ceiling = run.request.get("max_estimated_capacity_units")
        return (
            isinstance(ceiling, (int, float))
            and units > ceiling
            and run.request.get("confirm_cost") is not True
        )

    async def _approval(self, run: ChatRun, calls: list[JsonDict]) -> str:
        """``confirm`` (run the calls) or ``cancel`` (skip the paid ones): asks the user
        when the run needs approval for the paid calls of this round."""
        paid = self._paid(calls)
        total = sum(units for _, units in paid)
        if not paid or not self._needs_approval(run, total):
            return "confirm"
        preview = {
            "totalEstimatedCapacityUnits": total,
            "tokenType": run.token_type,
            "validityUntil": iso(time.time() + self.preview_seconds),
            "perToolBreakdown": [
                {
                    "toolCallId": call["id"],
                    "toolName": call["function"]["name"],
                    "capacityUnits": units,
                }
                for call, units in paid
            ],
        }
        pending = [call["id"] for call, _ in paid]
        details = {
            "toolCallId": pending[0],
            "pendingToolCallIds": pending,
            "costApprovalPreview": preview,
        }
        run.billing_previews.append(preview)
        run.approval_deadline = time.time() + self.preview_seconds
        run.waiting = {
            "reason": COST_APPROVAL,
            "message": "Approve the estimated cost to run the paid tools",
            "details": details,
        }
        run.status = "waiting_for_user"
        run.decision = asyncio.get_running_loop().create_future()
        decided = run.decision
        await run.emit("run_awaiting_cost_confirmation", {**details})
        await run.emit(
            "run_waiting_for_user",
            {"reason": COST_APPROVAL, "message": run.waiting["message"], "details": details},
        )
        answer = await decided
        await run.emit(
            "run_cost_decision", {"toolCallId": pending[0], "decision": answer["decision"]}
        )
        await run.emit("run_resumed", {"status": run.status})
        overrides = answer.get("overrides")
        if isinstance(overrides, dict):
            for call, _ in paid:
                arguments = json.loads(call["function"]["arguments"] or "{}")
                arguments.update(overrides)
                call["function"]["arguments"] = json.dumps(arguments, separators=(",", ":"))
        return str(answer["decision"])

    async def _tool_result(self, run: ChatRun, call: JsonDict, decision: str) -> JsonDict:
        name = call["function"]["name"]
        paid = self._tool_outputs.get(name) in CAPACITY_UNITS
        if decision == "cancel" and paid:
            result: JsonDict = {
                "tool_call_id": call["id"],
                "tool_name": name,
                "success": False,
                "cancelled": True,
                "error": "The user declined the cost",
            }
        else:
            await run.emit("tool_call_started", {"toolCallId": call["id"], "toolName": name})
            result = await self._run_tool(call, run.token_type)
            for url in result.get("urls") or []:
                media = result.get("media_type", "")
                artifact = {"toolCallId": call["id"], "url": url, "mediaType": media}
                run.artifacts.append(artifact)
                if media in _MEDIA_CONTEXT:
                    run.media_context.setdefault(_MEDIA_CONTEXT[media], []).append(url)
        run.tool_results.append(result)
        await run.emit(
            "tool_call_completed", {"toolCallId": call["id"], "toolName": name, "result": result}
        )
        return result
