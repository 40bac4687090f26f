"""The answer of hosted chat completions (``POST /v1/chat/completions``).

The endpoint answers in the OpenAI ``chat.completion`` shape, plus two Sogni additions:
``sogni_tool_results`` (what the server's own tool execution produced) and
``creative_workflows`` (durable workflows started in ``creative-agent`` mode).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .request import unwrap_hosted_chat_response
from .results import ToolCall, Usage

__all__ = [
    "CreativeWorkflowRef",
    "HostedChatChoice",
    "HostedChatCompletion",
    "HostedChatMessage",
    "parse_hosted_chat_completion",
]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


@attrs.frozen
class HostedChatMessage:
    """The message of one choice: role, text and any tool calls the model made."""

    role: str = "assistant"
    content: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HostedChatMessage:
        """Parse ``choices[i].message``."""
        calls = data.get("tool_calls")
        known = ("role", "content", "tool_calls", "tool_call_id")
        return cls(
            role=_str(data.get("role")) or "assistant",
            content=_str(data.get("content")),
            tool_calls=tuple(ToolCall.from_dict(c) for c in calls or () if isinstance(c, Mapping))
            if isinstance(calls, list)
            else (),
            tool_call_id=_str(data.get("tool_call_id")),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def to_message(self) -> dict[str, Any]:
        """This message as a conversation entry for the next request."""
        message: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = [call.to_dict() for call in self.tool_calls]
        if self.tool_call_id is not None:
            message["tool_call_id"] = self.tool_call_id
        return message


@attrs.frozen
class HostedChatChoice:
    """One completion choice."""

    index: int
    message: HostedChatMessage
    finish_reason: str | None = None


@attrs.frozen
class CreativeWorkflowRef:
    """A durable creative workflow the server started for this conversation."""

    workflow_id: str
    status: str | None = None
    url: str | None = None
    events_url: str | None = None
    stream_url: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CreativeWorkflowRef:
        """Parse one entry of ``creative_workflows``."""
        return cls(
            workflow_id=_str(data.get("workflowId")) or "",
            status=_str(data.get("status")),
            url=_str(data.get("url")),
            events_url=_str(data.get("eventsUrl")),
            stream_url=_str(data.get("streamUrl")),
        )


@attrs.frozen
class HostedChatCompletion:
    """A hosted chat completion.

    ``content``, ``tool_calls`` and ``finish_reason`` read the first choice.
    ``sogni_tool_results`` are kept as the server sent them; ``extra`` keeps unknown fields.
    """

    id: str
    model: str
    choices: tuple[HostedChatChoice, ...]
    created: int = 0
    object: str = "chat.completion"
    usage: Usage | None = None
    sogni_tool_results: tuple[Mapping[str, Any], ...] = ()
    creative_workflows: tuple[CreativeWorkflowRef, ...] = ()
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def message(self) -> HostedChatMessage:
        """The first choice's message (an empty assistant message when there is none)."""
        return self.choices[0].message if self.choices else HostedChatMessage()

    @property
    def content(self) -> str:
        """The first choice's text ('' when the model only called tools)."""
        return self.message.content or ""

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        """Tool calls of the first choice."""
        return self.message.tool_calls

    @property
    def finish_reason(self) -> str | None:
        """Why the first choice ended (``stop``, ``length``, ``tool_calls``)."""
        return self.choices[0].finish_reason if self.choices else None

    def to_message(self) -> dict[str, Any]:
        """The first choice as a conversation entry for the next request."""
        return self.message.to_message()


_KNOWN = frozenset(
    {"id", "object", "created", "model", "choices", "usage", "sogni_tool_results",
     "creative_workflows"}
)  # fmt: skip


def parse_hosted_chat_completion(payload: Any) -> HostedChatCompletion:
    """Parse the endpoint's answer (a ``{"data": ...}`` envelope is accepted too)."""
    data = unwrap_hosted_chat_response(payload)
    choices = []
    for index, raw in enumerate(data.get("choices") or ()):
        if not isinstance(raw, Mapping):
            continue
        message = raw.get("message")
        message = message if isinstance(message, Mapping) else {}
        choices.append(
            HostedChatChoice(
                index=_int(raw.get("index", index)),
                message=HostedChatMessage.from_dict(message),
                finish_reason=_str(raw.get("finish_reason")),
            )
        )
    usage = data.get("usage")
    results = data.get("sogni_tool_results")
    workflows = data.get("creative_workflows")
    return HostedChatCompletion(
        id=_str(data.get("id")) or "",
        model=_str(data.get("model")) or "",
        choices=tuple(choices),
        created=_int(data.get("created")),
        object=_str(data.get("object")) or "chat.completion",
        usage=Usage.from_dict(usage) if isinstance(usage, Mapping) else None,
        sogni_tool_results=tuple(r for r in results if isinstance(r, Mapping))
        if isinstance(results, list)
        else (),
        creative_workflows=tuple(
            CreativeWorkflowRef.from_dict(w) for w in workflows if isinstance(w, Mapping)
        )
        if isinstance(workflows, list)
        else (),
        extra={k: v for k, v in data.items() if k not in _KNOWN},
    )
