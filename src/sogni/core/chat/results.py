"""Value types produced by chat: chunks, completions, tool calls, usage and cost.

Attribute names are snake_case; ``to_dict()`` gives the wire (OpenAI-style) shape where
one exists, so a completion's tool calls can be sent back in the next request as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from sogni.core.errors import ValidationError

__all__ = [
    "FunctionCall",
    "ToolCall",
    "FunctionCallDelta",
    "ToolCallDelta",
    "Usage",
    "ChatCost",
    "ChatChunk",
    "ChatCompletion",
    "ChatJobState",
    "ToolProgress",
    "ToolResult",
    "ToolRound",
    "ChatMessageInput",
    "as_tool_call",
]


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


@attrs.frozen
class FunctionCall:
    """The function a model asked to call: its ``name`` and JSON-encoded ``arguments``."""

    name: str
    arguments: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The wire form ``{"name": ..., "arguments": ...}``."""
        return {"name": self.name, "arguments": self.arguments}


@attrs.frozen
class ToolCall:
    """A complete tool call requested by the model (OpenAI shape)."""

    id: str
    function: FunctionCall
    type: str = "function"

    @property
    def name(self) -> str:
        """Shortcut for ``function.name``."""
        return self.function.name

    @property
    def arguments(self) -> str:
        """Shortcut for ``function.arguments`` (a JSON string)."""
        return self.function.arguments

    def to_dict(self) -> dict[str, Any]:
        """The wire form, suitable for an assistant message's ``tool_calls``."""
        return {"id": self.id, "type": self.type, "function": self.function.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolCall:
        """Build a tool call from its wire form (missing parts become empty strings)."""
        function = data.get("function")
        function = function if isinstance(function, Mapping) else {}
        return cls(
            id=_str(data.get("id")),
            type=_str(data.get("type")) or "function",
            function=FunctionCall(
                name=_str(function.get("name")), arguments=_str(function.get("arguments"))
            ),
        )


@attrs.frozen
class FunctionCallDelta:
    """A fragment of a streamed function call; absent parts are ``None``."""

    name: str | None = None
    arguments: str | None = None


@attrs.frozen
class ToolCallDelta:
    """One streamed tool-call fragment; fragments with the same ``index`` form one call."""

    index: int
    id: str | None = None
    type: str | None = None
    function: FunctionCallDelta | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolCallDelta:
        """Parse a delta as sent in ``jobTokens.tool_calls``."""
        function = data.get("function")
        return cls(
            index=_int(data.get("index")),
            id=data.get("id") if isinstance(data.get("id"), str) else None,
            type=data.get("type") if isinstance(data.get("type"), str) else None,
            function=FunctionCallDelta(
                name=function.get("name") if isinstance(function.get("name"), str) else None,
                arguments=(
                    function.get("arguments")
                    if isinstance(function.get("arguments"), str)
                    else None
                ),
            )
            if isinstance(function, Mapping)
            else None,
        )


@attrs.frozen
class Usage:
    """Token counts of a completion. ``extra`` keeps any further fields the server sent."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Usage:
        """Parse ``{prompt_tokens, completion_tokens, total_tokens?}``."""
        total = data.get("total_tokens")
        return cls(
            prompt_tokens=_int(data.get("prompt_tokens")),
            completion_tokens=_int(data.get("completion_tokens")),
            total_tokens=_int(total) if total is not None else None,
            extra={
                k: v
                for k, v in data.items()
                if k not in ("prompt_tokens", "completion_tokens", "total_tokens")
            },
        )

    def to_dict(self) -> dict[str, Any]:
        """The wire form (``total_tokens`` omitted when unknown)."""
        out: dict[str, Any] = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
        }
        if self.total_tokens is not None:
            out["total_tokens"] = self.total_tokens
        out.update(self.extra)
        return out


_COST_KEYS = {
    "costInUSD": "cost_in_usd",
    "costInToken": "cost_in_token",
    "costInSogni": "cost_in_sogni",
    "costInSpark": "cost_in_spark",
}


@attrs.frozen
class ChatCost:
    """What a finished chat job cost, as settled by the network.

    Amounts are decimal strings (exact, as sent); token counts are integers.
    """

    cost_in_usd: str = "0"
    cost_in_token: str = "0"
    cost_in_sogni: str = "0"
    cost_in_spark: str = "0"
    input_tokens: int = 0
    output_tokens: int = 0
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChatCost:
        """Parse the ``cost`` object of ``llmJobResult``."""
        known = {**_COST_KEYS, "inputTokens": "", "outputTokens": ""}
        return cls(
            **{attr: _str(data.get(key, "0")) for key, attr in _COST_KEYS.items()},
            input_tokens=_int(data.get("inputTokens")),
            output_tokens=_int(data.get("outputTokens")),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def to_dict(self) -> dict[str, Any]:
        """The wire form (camelCase keys)."""
        return {
            "costInUSD": self.cost_in_usd,
            "costInToken": self.cost_in_token,
            "costInSogni": self.cost_in_sogni,
            "costInSpark": self.cost_in_spark,
            "inputTokens": self.input_tokens,
            "outputTokens": self.output_tokens,
            **self.extra,
        }


@attrs.frozen
class ChatChunk:
    """One streamed piece of a chat answer.

    ``content`` is the new text (possibly empty); ``tool_calls`` holds raw tool-call
    fragments when the model is calling tools (see :class:`ToolCallDelta`).
    """

    job_id: str
    content: str = ""
    role: str | None = None
    finish_reason: str | None = None
    usage: Usage | None = None
    tool_calls: tuple[ToolCallDelta, ...] | None = None


@attrs.frozen
class ToolResult:
    """The outcome of running one tool call.

    ``content`` is the JSON text to send back as the ``tool`` message's content.
    """

    tool_call_id: str
    tool_name: str
    success: bool
    content: str
    result_urls: tuple[str, ...] = ()
    error: str | None = None

    def to_message(self) -> dict[str, Any]:
        """The ``{"role": "tool", ...}`` message that reports this result to the model."""
        return {
            "role": "tool",
            "content": self.content,
            "tool_call_id": self.tool_call_id,
            "name": self.tool_name,
        }


@attrs.frozen
class ToolProgress:
    """How far a Sogni tool call's media project has come.

    ``status`` goes ``creating`` -> ``queued`` -> ``processing`` (repeated) and ends with
    ``completed`` (``percent`` 100, ``result_urls`` set) or ``failed`` (``percent`` 0).
    """

    status: str
    percent: int = 0
    result_urls: tuple[str, ...] = ()


@attrs.frozen
class ToolRound:
    """One round of automatic tool execution: what the model asked for and what came back."""

    round: int
    tool_calls: tuple[ToolCall, ...]
    tool_results: tuple[ToolResult, ...]


@attrs.frozen
class ChatCompletion:
    """A finished chat answer.

    ``time_taken`` is the network's figure for the job; ``worker_name`` and ``cost`` are
    set when the network reported them. ``tool_calls`` is empty unless the model called
    tools; ``tool_history`` is filled by automatic tool execution.
    """

    job_id: str
    content: str
    role: str = "assistant"
    finish_reason: str = "stop"
    usage: Usage = attrs.field(factory=lambda: Usage(0, 0, 0))
    time_taken: float = 0
    worker_name: str | None = None
    cost: ChatCost | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_history: tuple[ToolRound, ...] = ()

    def _repr_html_(self) -> str:
        from sogni.core.html import completion_html  # presentation, loaded only in notebooks

        return completion_html(self)

    def to_message(self) -> dict[str, Any]:
        """This answer as an assistant message, ready to append to the conversation."""
        message: dict[str, Any] = {"role": "assistant", "content": self.content or None}
        if self.tool_calls:
            message["tool_calls"] = [call.to_dict() for call in self.tool_calls]
        return message


@attrs.frozen
class ChatJobState:
    """A lifecycle event of a chat job: ``pending``, ``queued``, ``assigned``, ``jobStarted``."""

    job_id: str
    type: str
    worker_name: str | None = None
    queue_position: int | None = None
    model_id: str | None = None
    estimated_cost: str | None = None


#: What a conversation entry may be: a message mapping, or a finished
#: :class:`ChatCompletion` / :class:`ToolResult` (anything with ``to_message()``).
ChatMessageInput = Mapping[str, Any] | ChatCompletion | ToolResult


def as_tool_call(tool_call: ToolCall | Mapping[str, Any]) -> ToolCall:
    """Accept a :class:`ToolCall` or its wire-form mapping."""
    if isinstance(tool_call, ToolCall):
        return tool_call
    if isinstance(tool_call, Mapping):
        return ToolCall.from_dict(tool_call)
    raise ValidationError(
        f"expected a tool call, not {type(tool_call).__name__}", field="tool_call"
    )
