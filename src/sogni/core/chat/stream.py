"""Assembling one chat job's answer from the socket events that carry it.

The answer text only ever arrives in ``jobTokens`` events, also for non-streaming
requests; ``llmJobResult`` closes the job with usage, time and cost, ``llmJobError`` fails
it. :class:`ChatStreamAssembler` is fed the decoded payloads of one job (the caller routes
events by ``jobID``) and hands back what to show the user at each step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sogni.core.errors import ChatJobError

from .results import (
    ChatChunk,
    ChatCompletion,
    ChatCost,
    ChatJobState,
    FunctionCall,
    ToolCall,
    ToolCallDelta,
    Usage,
)

__all__ = ["ChatStreamAssembler"]

_EMPTY_USAGE = Usage(0, 0, 0)


class _ToolCallBuilder:
    __slots__ = ("id", "name", "fragments")

    def __init__(self, call_id: str, name: str) -> None:
        self.id = call_id
        self.name = name
        self.fragments: list[str] = []


class ChatStreamAssembler:
    """State machine for one chat job.

    Feed it the payloads of ``jobTokens`` (:meth:`feed_tokens`), ``jobState``
    (:meth:`feed_state`), ``llmJobResult`` (:meth:`feed_result`) and ``llmJobError``
    (:meth:`feed_error`). It accumulates content, role, finish reason, usage and tool
    calls (fragments merged by ``index``), and produces the final :class:`ChatCompletion`.
    Events arriving after the job finished are ignored (the ``feed_*`` methods return
    ``None``). Not thread-safe: feed it from one thread.
    """

    __slots__ = (
        "job_id",
        "_parts",
        "_role",
        "_finish_reason",
        "_usage",
        "_tool_calls",
        "_worker_name",
        "_cost",
        "_result",
        "_error",
    )

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self._parts: list[str] = []
        self._role = "assistant"
        self._finish_reason: str | None = None
        self._usage: Usage | None = None
        self._tool_calls: dict[int, _ToolCallBuilder] = {}
        self._worker_name: str | None = None
        self._cost: ChatCost | None = None
        self._result: ChatCompletion | None = None
        self._error: ChatJobError | None = None

    # -- state -------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """True once the job completed or failed."""
        return self._result is not None or self._error is not None

    @property
    def result(self) -> ChatCompletion | None:
        """The final answer, once the job completed successfully."""
        return self._result

    @property
    def error(self) -> ChatJobError | None:
        """The failure, once the job failed."""
        return self._error

    @property
    def content(self) -> str:
        """The text received so far."""
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    @property
    def worker_name(self) -> str | None:
        """The worker serving the job, once known."""
        return self._worker_name

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        """The tool calls assembled so far, ordered by index."""
        return tuple(
            ToolCall(id=b.id, function=FunctionCall(b.name, "".join(b.fragments)))
            for _, b in sorted(self._tool_calls.items())
        )

    # -- events ------------------------------------------------------------------------

    def feed_tokens(self, payload: Mapping[str, Any]) -> ChatChunk | None:
        """Take a ``jobTokens`` payload; return the chunk to hand to the user."""
        if self._result is not None or self._error is not None:
            return None
        get = payload.get
        content = get("content") or ""
        if content:
            self._parts.append(content)
        role = get("role")
        if role:
            self._role = role
        finish_reason = get("finishReason")
        if finish_reason:
            self._finish_reason = finish_reason
        usage = get("usage")
        usage_obj = None
        if usage and isinstance(usage, Mapping):
            usage_obj = self._usage = Usage.from_dict(usage)
        raw_calls = get("tool_calls")
        deltas = None
        if raw_calls and isinstance(raw_calls, list):
            deltas = tuple(
                ToolCallDelta.from_dict(raw) for raw in raw_calls if isinstance(raw, Mapping)
            )
            self._merge(deltas)
        return ChatChunk(self.job_id, content, role, finish_reason, usage_obj, deltas)

    def _merge(self, deltas: tuple[ToolCallDelta, ...]) -> None:
        calls = self._tool_calls
        for delta in deltas:
            function = delta.function
            builder = calls.get(delta.index)
            if builder is None:
                builder = calls[delta.index] = _ToolCallBuilder(
                    delta.id or "", (function.name if function else None) or ""
                )
            if delta.id:
                builder.id = delta.id
            if function is not None:
                if function.name:
                    builder.name = function.name
                if function.arguments:
                    builder.fragments.append(function.arguments)

    def feed_state(self, payload: Mapping[str, Any]) -> ChatJobState | None:
        """Take a ``jobState`` payload for this job; return the event to report."""
        if self.done:
            return None
        worker_name = payload.get("workerName")
        if worker_name:
            self._worker_name = worker_name
        queue_position = payload.get("queuePosition")
        estimated_cost = payload.get("estimatedCost")
        return ChatJobState(
            job_id=self.job_id,
            type=str(payload.get("type", "")),
            worker_name=worker_name or None,
            queue_position=queue_position if isinstance(queue_position, int) else None,
            model_id=payload.get("modelId"),
            estimated_cost=str(estimated_cost) if estimated_cost is not None else None,
        )

    def feed_result(self, payload: Mapping[str, Any]) -> ChatCompletion | None:
        """Take the ``llmJobResult`` payload; return the finished :class:`ChatCompletion`."""
        if self.done:
            return None
        worker_name = payload.get("workerName")
        if worker_name:
            self._worker_name = worker_name
        cost = payload.get("cost")
        if isinstance(cost, Mapping):
            self._cost = ChatCost.from_dict(cost)
        usage = payload.get("usage")
        if usage and isinstance(usage, Mapping):
            self._usage = Usage.from_dict(usage)
        time_taken = payload.get("timeTaken") or 0
        self._result = ChatCompletion(
            job_id=self.job_id,
            content=self.content,
            role=self._role,
            finish_reason=self._finish_reason or "stop",
            usage=self._usage or _EMPTY_USAGE,
            time_taken=time_taken if isinstance(time_taken, (int, float)) else 0,
            worker_name=self._worker_name,
            cost=self._cost,
            tool_calls=self.tool_calls,
        )
        return self._result

    def feed_error(self, payload: Mapping[str, Any]) -> ChatJobError | None:
        """Take the ``llmJobError`` payload; return the error to raise to the user.

        Tool calls assembled so far are discarded: a failed job's calls are incomplete.
        """
        if self.done:
            return None
        worker_name = payload.get("workerName")
        if worker_name:
            self._worker_name = worker_name
        code = payload.get("error")
        message = payload.get("error_message") or ("" if code is None else str(code))
        error_code = payload.get("error_code")
        self._tool_calls.clear()
        self._error = ChatJobError(
            str(message),
            job_id=self.job_id,
            code=code,
            error_code=str(error_code) if error_code is not None else None,
        )
        return self._error

    def fail(self, error: ChatJobError) -> None:
        """Mark the job failed for a local reason (timeout, lost connection, cancel)."""
        if not self.done:
            self._tool_calls.clear()
            self._error = error
