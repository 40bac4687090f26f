"""Durable chat runs (``/v1/chat/runs``) and direct hosted tool execution: request
builders, checks and the run event stream.

A chat run is a hosted chat turn the network persists and drives itself (the LLM and tool
loop), so the client may disconnect and come back. Every builder here validates its
arguments and returns a :class:`ChatRunRequest`; nothing is sent when a check fails.

Runs keep their media on the network, so every image, media reference and media-context
URL must be an uploaded ``http(s)`` URL: inline ``data:`` URIs are refused, naming each
offending field, as the network's own clients do.

The event stream is server-sent events whose ids are the events' sequence numbers.
:class:`RunEventStream` turns the body's chunks into :class:`ChatRunEvent` data, each
exactly once and in order across any number of reconnects, resuming with
``Last-Event-ID`` (the only resume signal this endpoint takes). ``run_status`` frames are
status snapshots, not events, and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import attrs

from sogni.core import checks
from sogni.core._generated.vocabulary import BILLING_MODES, HOSTED_TOKEN_TYPES, TOKEN_TYPES
from sogni.core.errors import ApiError, ValidationError
from sogni.core.extra_body import merge_extra_body
from sogni.core.js import to_json_value
from sogni.core.json_safe import check_json_safe
from sogni.core.sse import SseFrame, SseParser, SseResume

from .manifest import argument_problems, tool_spec
from .messages import ROLES
from .request import _check_tool_choice, _check_tools

__all__ = [
    "COST_APPROVAL",
    "DECISIONS",
    "RUNS_PATH",
    "RUN_STATUSES",
    "SYNCHRONOUS_TOOLS",
    "TERMINAL_EVENT_TYPES",
    "TERMINAL_RUN_STATUSES",
    "TOOLS_EXECUTE_PATH",
    "ChatRunRequest",
    "RunEventStream",
    "approval_of",
    "cancel_request",
    "confirm_cost_request",
    "create_request",
    "execute_tool_request",
    "get_request",
    "is_terminal_event",
    "is_terminal_status",
    "run_path",
    "unwrap",
    "unwrap_execution",
]

RUNS_PATH = "/v1/chat/runs"
TOOLS_EXECUTE_PATH = "/v1/creative-agent/tools/execute"

RUN_STATUSES = (
    "queued",
    "running",
    "waiting_for_user",
    "completed",
    "partial_failure",
    "failed",
    "cancelled",
)
"""Every status a run may have."""
TERMINAL_RUN_STATUSES = frozenset({"completed", "partial_failure", "failed", "cancelled"})
"""Statuses after which a run changes no more."""
TERMINAL_EVENT_TYPES = frozenset(
    {"run_completed", "run_partial_failure", "run_failed", "run_cancelled"}
)
"""Event types that end a run's event stream."""
COST_APPROVAL = "cost_approval_required"
"""``waiting.reason`` of a run paused before paid tool calls."""
DECISIONS = ("confirm", "cancel")
"""What ``confirm-cost`` may answer a cost-approval pause with."""

SYNCHRONOUS_TOOLS = (
    "enhance_prompt",
    "compose_script",
    "compose_lyrics",
    "compose_instrumental",
    "compose_workflow",
    "compose_workflow_template",
)
"""The hosted composition and planning tools the network runs directly (no LLM round);
media tools take long and run in chat runs, hosted completions or workflows instead."""

# The media-context lists that hold URLs.
_MEDIA_CONTEXT_FIELDS = (
    "images",
    "videos",
    "audio",
    "uploadedImages",
    "uploadedVideos",
    "uploadedAudio",
)
# What a direct tool call must give: the text the tool works from.
_PRIMARY_ARGUMENTS = frozenset({"prompt", "brief"})
_HTTP_URL = re.compile(r"^https?://", re.IGNORECASE)
_STATUS_FRAME = "run_status"


@attrs.frozen
class ChatRunRequest:
    """One HTTP request of the chat-run API (or of direct tool execution).

    ``json`` is the body (``None``: none); ``headers`` are sent as given.
    """

    method: str
    path: str
    json: Any = None
    headers: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def idempotent(self) -> bool:
        """True for requests that are safe to retry: reads, and writes carrying an
        ``Idempotency-Key`` (the network answers a repeat with the first answer)."""
        return self.method == "GET" or "Idempotency-Key" in self.headers


def is_terminal_status(status: object) -> bool:
    """True for ``completed``, ``partial_failure``, ``failed`` and ``cancelled``."""
    return isinstance(status, str) and status in TERMINAL_RUN_STATUSES


def is_terminal_event(event: object) -> bool:
    """True for an event that ends a run (``run_completed``, ``run_failed`` ...)."""
    return isinstance(event, Mapping) and event.get("type") in TERMINAL_EVENT_TYPES


def _check_id(value: object, field: str) -> str:
    checks.text(value, field)
    assert isinstance(value, str)
    check_json_safe(value, field)
    return value


def run_path(run_id: str, *suffix: str) -> str:
    """``/v1/chat/runs/{id}[/suffix…]`` with the id URL-encoded (as ``encodeURIComponent``)."""
    encoded = quote(_check_id(run_id, "run_id"), safe="!'()*")
    return "/".join((RUNS_PATH, encoded, *suffix))


# --- external media ------------------------------------------------------------------------


def _url_problem(value: object, path: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return None if _HTTP_URL.match(value.strip()) else path


def _media_problems(
    messages: Sequence[Any], media_references: Any, media_context: Any
) -> list[str]:
    problems: list[str] = []
    for m, message in enumerate(messages):
        content = message.get("content") if isinstance(message, Mapping) else None
        if not isinstance(content, list):
            continue
        for p, part in enumerate(content):
            if not isinstance(part, Mapping) or part.get("type") != "image_url":
                continue
            image = part.get("image_url")
            if isinstance(image, Mapping):
                path = f"messages[{m}].content[{p}].image_url.url"
                problems.append(_url_problem(image.get("url"), path) or "")
    if isinstance(media_references, list):
        for index, reference in enumerate(media_references):
            if not isinstance(reference, Mapping):
                continue
            problems.append(
                _url_problem(reference.get("url"), f"media_references[{index}].url") or ""
            )
            for key in ("dataUri", "data_uri"):
                inline = reference.get(key)
                if isinstance(inline, str) and inline.strip():
                    problems.append(f"media_references[{index}].{key}")
    if isinstance(media_context, Mapping):
        for name in _MEDIA_CONTEXT_FIELDS:
            values = media_context.get(name)
            if isinstance(values, list):
                for index, value in enumerate(values):
                    problems.append(_url_problem(value, f"media_context.{name}[{index}]") or "")
    return [problem for problem in problems if problem]


def _check_external_media(
    messages: Sequence[Any], media_references: Any, media_context: Any
) -> None:
    problems = _media_problems(messages, media_references, media_context)
    if problems:
        raise ValidationError(
            "durable chat runs need uploaded media referenced by http(s) URL, not inline "
            f"data: {', '.join(problems)}",
            field=problems[0],
            hint="upload the media first and pass its URL",
        )


# --- requests ------------------------------------------------------------------------------


def _messages(messages: Any) -> list[Any]:
    checks.sequence(messages, "messages")
    if not messages:
        raise ValidationError("messages must contain at least one message", field="messages")
    out: list[Any] = []
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, Mapping):
            to_message = getattr(message, "to_message", None)
            if not callable(to_message):
                raise ValidationError(
                    f"each message must be a mapping, not {type(message).__name__}", field=where
                )
            message = to_message()
        plain = to_json_value(message, where)
        if not isinstance(plain, dict) or plain.get("role") not in ROLES:
            raise ValidationError(
                f"{where} needs a role", field=f"{where}.role", allowed=list(ROLES)
            )
        out.append(plain)
    return out


def _mapping(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"{field} must be a mapping", field=field)
    plain: dict[str, Any] = to_json_value(value, field)
    return plain


def _list(value: Any, field: str) -> list[Any]:
    checks.sequence(value, field)
    plain: list[Any] = to_json_value(list(value), field)
    return plain


# The body keys of a create request, with the keyword that sets each.
_CREATE_KEYWORDS = {
    "messages": "messages",
    "tools": "tools",
    "tool_choice": "tool_choice",
    "model": "model",
    "sampling": "sampling",
    "media_references": "media_references",
    "media_context": "media_context",
    "max_estimated_capacity_units": "max_estimated_capacity_units",
    "confirm_cost": "confirm_cost",
    "session_id": "session_id",
    "client_message_id": "client_message_id",
    "token_type": "token_type",
    "billing_mode": "billing_mode",
    "app_source": "app_source",
    "runtime_config": "runtime_config",
}


def _conversation(
    messages: Sequence[Any],
    tools: Iterable[Any] | None,
    tool_choice: Any,
    model: str | None,
    sampling: Mapping[str, Any] | None,
    media_references: Sequence[Any] | None,
    media_context: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The body keys of what the model works with: messages, tools, model and media."""
    body: dict[str, Any] = {"messages": _messages(messages)}
    if tools is not None:
        body["tools"] = _check_tools(tools)
    if tool_choice is not None:
        body["tool_choice"] = _check_tool_choice(tool_choice)
    if model:
        body["model"] = checks.string(model, "model")
    if sampling is not None:
        body["sampling"] = _mapping(sampling, "sampling")
    if media_references is not None:
        body["media_references"] = _list(media_references, "media_references")
    if media_context is not None:
        body["media_context"] = _mapping(media_context, "media_context")
    _check_external_media(body["messages"], body.get("media_references"), body.get("media_context"))
    return body


def create_request(
    messages: Sequence[Any],
    *,
    tools: Iterable[Any] | None = None,
    tool_choice: Any = None,
    model: str | None = None,
    sampling: Mapping[str, Any] | None = None,
    media_references: Sequence[Any] | None = None,
    media_context: Mapping[str, Any] | None = None,
    max_estimated_capacity_units: float | None = None,
    confirm_cost: bool | None = None,
    session_id: str | None = None,
    client_message_id: str | None = None,
    token_type: str | None = None,
    billing_mode: str | None = None,
    app_source: str | None = None,
    runtime_config: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
    extra_body: Mapping[str, Any] | None = None,
) -> ChatRunRequest:
    """``POST /v1/chat/runs``: start a durable run.

    Body keys, each only when set and in this order: ``messages, tools, tool_choice, model,
    sampling, media_references, media_context, max_estimated_capacity_units, confirm_cost,
    session_id, client_message_id, token_type, billing_mode, app_source, runtime_config``.
    ``idempotency_key`` travels as the ``Idempotency-Key`` header. ``extra_body`` adds
    further keys as given (a key one of the keywords sets is refused, naming it).
    """
    body = _conversation(
        messages, tools, tool_choice, model, sampling, media_references, media_context
    )
    if max_estimated_capacity_units is not None:
        body["max_estimated_capacity_units"] = checks.number(
            max_estimated_capacity_units, "max_estimated_capacity_units", minimum=0
        )
    if confirm_cost is not None:
        if not isinstance(confirm_cost, bool):
            raise ValidationError("confirm_cost must be a boolean", field="confirm_cost")
        body["confirm_cost"] = confirm_cost
    if session_id:
        body["session_id"] = _check_id(session_id, "session_id")
    if client_message_id:
        body["client_message_id"] = _check_id(client_message_id, "client_message_id")
    if token_type:
        body["token_type"] = checks.choice(token_type, "token_type", TOKEN_TYPES)
    if billing_mode:
        body["billing_mode"] = checks.choice(billing_mode, "billing_mode", BILLING_MODES)
    if app_source:
        body["app_source"] = checks.string(app_source, "app_source")
    if runtime_config is not None:
        body["runtime_config"] = _mapping(runtime_config, "runtime_config")
    merge_extra_body(body, extra_body, _CREATE_KEYWORDS)
    check_json_safe(body, "")
    headers = {"Content-Type": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = _check_id(idempotency_key, "idempotency_key")
    return ChatRunRequest("POST", RUNS_PATH, json=body, headers=headers)


def get_request(run_id: str) -> ChatRunRequest:
    """``GET /v1/chat/runs/{id}``: the run as it is now."""
    return ChatRunRequest("GET", run_path(run_id))


def cancel_request(run_id: str, reason: str | None = None) -> ChatRunRequest:
    """``POST /v1/chat/runs/{id}/cancel`` with ``{reason}`` (``{}`` without one)."""
    body = {"reason": checks.string(reason, "reason")} if reason else {}
    check_json_safe(body, "")
    return ChatRunRequest(
        "POST",
        run_path(run_id, "cancel"),
        json=body,
        headers={"Content-Type": "application/json"},
    )


def confirm_cost_request(
    run_id: str,
    *,
    tool_call_id: str,
    decision: str,
    accepted_cost_preview: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    reason: str | None = None,
    idempotency_key: str | None = None,
) -> ChatRunRequest:
    """``POST /v1/chat/runs/{id}/confirm-cost``: answer a cost-approval pause.

    Body ``{tool_call_id, decision, acceptedCostPreview?, overrides?, reason?}``. To confirm,
    the preview the user was shown goes back unchanged; the SDK never fetches the current
    one itself, since approving whatever is current without showing it would bypass the
    approval. Declining (``cancel``) needs no preview.
    """
    path = run_path(run_id, "confirm-cost")
    body: dict[str, Any] = {
        "tool_call_id": _check_id(tool_call_id, "tool_call_id"),
        "decision": checks.choice(decision, "decision", DECISIONS),
    }
    if accepted_cost_preview:
        body["acceptedCostPreview"] = _mapping(accepted_cost_preview, "accepted_cost_preview")
    elif decision == "confirm":
        raise ValidationError(
            "confirming needs the cost preview the user approved",
            field="accepted_cost_preview",
            hint="pass run.waiting.details.cost_approval_preview, as shown to the user",
        )
    if overrides is not None:
        body["overrides"] = _mapping(overrides, "overrides")
    if reason:
        body["reason"] = checks.string(reason, "reason")
    check_json_safe(body, "")
    headers = {"Content-Type": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = _check_id(idempotency_key, "idempotency_key")
    return ChatRunRequest("POST", path, json=body, headers=headers)


def approval_of(waiting: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """The paused tool call id and the cost preview of a run's ``waiting`` state (wire
    form), for approving what the caller holds; raises :class:`ValidationError` when it is
    not a cost-approval pause that can be approved."""
    field = "run.waiting"
    if not isinstance(waiting, Mapping) or waiting.get("reason") != COST_APPROVAL:
        raise ValidationError(
            "the run is not paused for cost approval",
            field=field,
            hint="read the run again (chat.runs.get) and check run.waiting",
        )
    details = waiting.get("details")
    details = details if isinstance(details, Mapping) else {}
    tool_call_id = details.get("toolCallId")
    preview = details.get("costApprovalPreview")
    if not isinstance(tool_call_id, str) or not tool_call_id:
        raise ValidationError("the pause names no tool call", field=f"{field}.details")
    if not isinstance(preview, Mapping) or not preview:
        raise ValidationError(
            "the pause carries no cost preview, so it cannot be approved",
            field=f"{field}.details.cost_approval_preview",
            hint="cancel the run instead (e.g. when credits ran out)",
        )
    return tool_call_id, dict(preview)


def execute_tool_request(
    tool: str,
    arguments: Mapping[str, Any],
    *,
    app_source: str | None = None,
    token_type: str | None = None,
    safe_content_filter: bool | None = None,
) -> ChatRunRequest:
    """``POST /v1/creative-agent/tools/execute``: run one synchronous hosted tool directly.

    Body ``{tool, arguments, app_source?, token_type?, safe_content_filter?}``. A tool with
    published parameters has its given arguments checked against them, and needs its
    ``prompt`` or ``brief`` (the network fills in the other settings); a hosted media tool is
    refused (it runs in chat runs, hosted completions or workflows); a tool this SDK does
    not know is sent as given, for the network to judge.
    """
    checks.text(tool, "tool")
    spec = tool_spec(tool)
    if spec is not None and tool not in SYNCHRONOUS_TOOLS:
        raise ValidationError(
            f"{tool} is not a synchronous hosted tool",
            field="tool",
            allowed=list(SYNCHRONOUS_TOOLS),
            hint="run media tools through chat.runs, chat.hosted.create or workflows",
        )
    plain = _mapping(arguments, "arguments")
    if spec is not None:
        for problem in argument_problems(spec, plain):
            if problem.missing and problem.argument not in _PRIMARY_ARGUMENTS:
                continue  # the network fills in what a direct call leaves out
            raise ValidationError(
                f"{tool} {problem.message}",
                field=f"arguments.{problem.argument}",
                allowed=problem.allowed,
            )
    body: dict[str, Any] = {"tool": tool, "arguments": plain}
    if app_source:
        body["app_source"] = checks.string(app_source, "app_source")
    if token_type:
        body["token_type"] = checks.choice(token_type, "token_type", HOSTED_TOKEN_TYPES)
    if safe_content_filter is not None:
        if not isinstance(safe_content_filter, bool):
            raise ValidationError(
                "safe_content_filter must be a boolean", field="safe_content_filter"
            )
        body["safe_content_filter"] = safe_content_filter
    check_json_safe(body, "")
    return ChatRunRequest(
        "POST", TOOLS_EXECUTE_PATH, json=body, headers={"Content-Type": "application/json"}
    )


# --- answers ---------------------------------------------------------------------------------


def unwrap(data: object, key: str) -> Any:
    """The ``key`` object of an answer's ``data`` (``run``); :class:`ApiError` when absent."""
    if not isinstance(data, Mapping) or not isinstance(data.get(key), Mapping):
        raise ApiError(f"the chat run answer did not include data.{key}")
    return data[key]


def unwrap_execution(data: object) -> Mapping[str, Any]:
    """The ``data`` of a direct tool execution's answer; :class:`ApiError` when it is not
    an object naming the tool."""
    if not isinstance(data, Mapping) or not isinstance(data.get("tool"), str):
        raise ApiError("the tool execution answer did not include data.tool")
    return data


# --- the event stream ------------------------------------------------------------------------


@attrs.define
class RunEventStream:
    """One run's event stream over any number of HTTP connections.

    Call :meth:`next_headers` before each connection, :meth:`feed` with every chunk,
    :meth:`end_of_body` when a body ends and :meth:`connection_lost` when one breaks.
    Each event (a ``ChatRunEvent`` mapping) comes out once, in order; :attr:`done` turns
    true after the terminal event. Frames whose data is not an event object are skipped,
    as the network's client skips them.
    """

    resume: SseResume = attrs.field(factory=SseResume)
    done: bool = attrs.field(default=False, init=False)
    _parser: SseParser = attrs.field(factory=SseParser, init=False, repr=False)

    @classmethod
    def starting(cls, last_event_id: str | int | None = None) -> RunEventStream:
        """A stream whose first request resumes after event ``last_event_id``."""
        if last_event_id is not None and not isinstance(last_event_id, str):
            checks.number(last_event_id, "last_event_id", minimum=0, integer=True)
        return cls(SseResume(last_event_id=last_event_id))

    def next_headers(self) -> dict[str, str]:
        """Headers of the next connection: ``Accept`` and, once there is something to
        resume after, ``Last-Event-ID``."""
        self._parser.discard()
        return self.resume.request_params()[1]

    def feed(self, chunk: str | bytes) -> list[dict[str, Any]]:
        """Feed a chunk of the body; returns the new events it completed."""
        return [] if self.done else self._deliver(self._parser.feed(chunk))

    def end_of_body(self) -> list[dict[str, Any]]:
        """The body ended cleanly; a last unfinished frame counts only when it ends the run."""
        if self.done:
            return []
        frames = [f for f in self._parser.close() if is_terminal_event(f.data)]
        return self._deliver(frames[:1])

    def connection_lost(self) -> None:
        """The connection broke: forget the unfinished frame, it is sent again."""
        self._parser.discard()

    def finish(self) -> None:
        """Mark the stream done (the run was found finished)."""
        self.done = True

    def _deliver(self, frames: list[SseFrame]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for frame in frames:
            if frame.event == _STATUS_FRAME or not isinstance(frame.data, dict):
                continue
            if frame.id is None and isinstance(frame.data.get("sequence"), int):
                frame = attrs.evolve(frame, id=str(frame.data["sequence"]))
            if not self.resume.accept(frame):
                continue
            out.append(frame.data)
            if is_terminal_event(frame.data):
                self.done = True
                break
        return out
