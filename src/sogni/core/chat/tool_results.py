"""What a tool call reports back to the model: media it made, an error, a handler's text."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sogni.core.errors import SogniError

from .results import ChatCompletion, ToolCall, ToolResult, as_tool_call

__all__ = [
    "tool_success_result",
    "tool_error_result",
    "tool_handler_result",
    "tool_round_messages",
]


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def tool_success_result(
    tool_call: ToolCall | Mapping[str, Any],
    *,
    media_type: str,
    urls: Sequence[str],
    model_id: str,
    prompt: str,
) -> ToolResult:
    """Report finished media to the model: the URLs, media type, model and prompt."""
    call = as_tool_call(tool_call)
    content = _compact(
        {
            "success": True,
            "media_type": media_type,
            "urls": list(urls),
            "model": model_id,
            "prompt": prompt,
        }
    )
    return ToolResult(call.id, call.function.name, True, content, tuple(urls))


def tool_error_result(
    tool_call: ToolCall | Mapping[str, Any], error: str | BaseException
) -> ToolResult:
    """Report a failed tool call to the model (the error text goes into the content)."""
    call = as_tool_call(tool_call)
    message = _error_text(error)
    content = _compact({"success": False, "error": message})
    return ToolResult(call.id, call.function.name, False, content, (), message)


def _error_text(error: str | BaseException) -> str:
    if isinstance(error, SogniError):
        return error.message or type(error).__name__
    if isinstance(error, BaseException):
        return str(error) or type(error).__name__
    return str(error)


def tool_handler_result(tool_call: ToolCall | Mapping[str, Any], content: str) -> ToolResult:
    """Wrap the text a user handler returned for a non-Sogni tool call."""
    call = as_tool_call(tool_call)
    return ToolResult(call.id, call.function.name, True, content)


def tool_round_messages(
    completion: ChatCompletion, results: Sequence[ToolResult]
) -> list[dict[str, Any]]:
    """Messages to append after a tool-calling turn: the assistant's turn, then one
    ``tool`` message per call, in call order."""
    messages = [completion.to_message()]
    for call, result in zip(completion.tool_calls, results, strict=False):
        messages.append(
            {
                "role": "tool",
                "content": result.content,
                "tool_call_id": call.id,
                "name": call.function.name,
            }
        )
    return messages
