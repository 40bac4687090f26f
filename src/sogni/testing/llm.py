"""A deterministic stand-in for the network's LLM workers.

Replies are predictable so tests can assert on them:

* plain chat: ``"Echo: <last user text>"`` (split into word chunks when streamed);
* after a ``tool`` message: ``"Tool <name> returned: <content>"``;
* tools offered and ``tool_choice`` forces one (``required`` = the first tool, or a named
  function; forced calls happen on every turn), or ``auto``, no tool result yet, and the
  last user text names a tool: one call to that tool with
  arguments built from its JSON schema (strings get the user text). When Sogni tools are
  offered, asking for an image, picture, video, music/song or speech also calls the
  matching one (the plain-named tool, else its older ``sogni_*`` twin).
  Call ids are derived from the conversation, so every client sees the same ids;
* thinking on (``chat_template_kwargs.enable_thinking``): the answer is preceded by a
  ``<think>...</think>`` block;
* ``response_format`` ``json_object`` -> ``{"reply": ...}``; ``json_schema`` -> an instance
  of the schema;
* ``max_tokens`` truncates (finish reason ``length``); ``stop`` strings cut the reply;
* a user text containing ``[fail]`` or ``[fail:<code>]`` makes the worker stream the reply
  up to that marker and then fail the job with ``<code>`` (default ``workerError``).

Token counts are approximations: prompt = ceil(len(JSON of messages) / 4), completion =
number of chunks.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

import attrs

__all__ = ["ChatReply", "ChatRequestError", "FAIL_MARKER", "reply_to"]

JsonDict = dict[str, Any]


class ChatRequestError(Exception):
    """A chat request the worker refuses (``llmJobError`` / HTTP 400)."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message


@attrs.frozen
class ChatReply:
    """What the model answers: text chunks and/or tool calls, and the token usage."""

    chunks: list[str]
    tool_calls: list[JsonDict]
    finish_reason: str
    prompt_tokens: int
    error: tuple[str, str] | None = None  # (code, message): the job fails after the chunks

    @property
    def content(self) -> str:
        """The whole reply text."""
        return "".join(self.chunks)

    @property
    def completion_tokens(self) -> int:
        """Tokens generated (one per chunk, at least one per tool call)."""
        return len(self.chunks) + sum(
            max(1, len(c["function"]["arguments"]) // 4) for c in self.tool_calls
        )

    def usage(self) -> JsonDict:
        """OpenAI-style usage."""
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"
        ]
        images = sum(1 for p in content if isinstance(p, dict) and p.get("type") == "image_url")
        text = " ".join(t for t in parts if isinstance(t, str))
        if images:
            text = f"{text} [{images} image{'s' if images > 1 else ''}]".strip()
        return text
    return ""


def _instance(schema: Any, text: str) -> Any:
    """A value that satisfies a (simple) JSON schema."""
    if not isinstance(schema, dict):
        return text
    if "enum" in schema and schema["enum"]:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties") or {}
        required = schema.get("required") or list(props)
        return {name: _instance(props.get(name, {}), text) for name in required}
    if kind == "array":
        return [_instance(schema.get("items", {}), text)]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return text


#: Words that make the model call a Sogni tool when Sogni tools are offered: the
#: plain-named tool when it is offered, else its older ``sogni_*`` twin.
_SOGNI_TOOL_WORDS = (
    (("video", "clip", "animation"), ("generate_video", "sogni_generate_video")),
    (("music", "song", "melody", "tune"), ("generate_music", "sogni_generate_music")),
    (("speech", "narrat", "read aloud", "voiceover"), ("generate_speech",)),
    (
        ("image", "picture", "photo", "draw", "illustration"),
        ("generate_image", "sogni_generate_image"),
    ),
)

FAIL_MARKER = re.compile(r"\[fail(?::([^\]]*))?\]")


def _chosen_tool(request: JsonDict, last_user: str) -> JsonDict | None:
    tools = [
        t
        for t in request.get("tools") or []
        if isinstance(t, dict) and isinstance(t.get("function"), dict)
    ]
    choice = request.get("tool_choice", "auto")
    if not tools or choice == "none":
        return None
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        return next((t for t in tools if t["function"].get("name") == name), None)
    if choice == "required":
        return tools[0]
    lowered = last_user.lower()
    # The longest name wins: "sogni_generate_image" also contains "generate_image".
    by_length = sorted(tools, key=lambda t: -len(str(t["function"].get("name", ""))))
    named = next(
        (t for t in by_length if str(t["function"].get("name", "")).lower() in lowered), None
    )
    if named is not None:
        return named
    by_name = {t["function"].get("name"): t for t in tools}
    for words, names in _SOGNI_TOOL_WORDS:
        offered = [name for name in names if name in by_name]
        if offered and any(re.search(rf"\b{w}", lowered) for w in words):
            return by_name[offered[0]]
    return None


def _call_id(messages: Any, name: str, index: int = 0) -> str:
    """A tool-call id that depends only on the conversation (same for every client)."""
    seed = json.dumps(messages, sort_keys=True, ensure_ascii=False) + f"|{name}|{index}"
    return "call_" + hashlib.sha256(seed.encode()).hexdigest()[:24]


def _thinking(request: JsonDict) -> bool:
    kwargs = request.get("chat_template_kwargs")
    return isinstance(kwargs, dict) and kwargs.get("enable_thinking") is True


def _words(text: str) -> list[str]:
    pieces = text.split(" ")
    return [p + (" " if i < len(pieces) - 1 else "") for i, p in enumerate(pieces) if p or i]


def reply_to(request: JsonDict, known_models: set[str]) -> ChatReply:
    """The deterministic reply to an ``llmJobRequest`` / chat-completions body."""
    model = request.get("model")
    if model not in known_models:
        raise ChatRequestError("modelNotAvailable", f"LLM model {model!r} is not available")
    messages = request.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ChatRequestError("invalidRequest", "messages must be a non-empty list")
    prompt_tokens = math.ceil(
        len(json.dumps(messages, separators=(",", ":"), ensure_ascii=False)) / 4
    )
    last = messages[-1] if isinstance(messages[-1], dict) else {}
    last_user = next(
        (
            _text_of(m.get("content"))
            for m in reversed(messages)
            if isinstance(m, dict) and m.get("role") == "user"
        ),
        "",
    )
    choice = request.get("tool_choice")
    if last.get("role") != "tool" or choice == "required" or isinstance(choice, dict):
        tool = _chosen_tool(request, last_user)
        if tool is not None:
            return ChatReply(
                chunks=[],
                tool_calls=[_tool_call(messages, tool, last_user)],
                finish_reason="tool_calls",
                prompt_tokens=prompt_tokens,
            )
    text, error = _reply_text(request, last, last_user)
    chunks, finish = _chunks(request, text, last_user)
    return ChatReply(
        chunks=chunks, tool_calls=[], finish_reason=finish, prompt_tokens=prompt_tokens, error=error
    )


def _tool_call(messages: list[Any], tool: JsonDict, last_user: str) -> JsonDict:
    arguments = _instance(tool["function"].get("parameters", {}), last_user)
    return {
        "id": _call_id(messages, tool["function"]["name"]),
        "type": "function",
        "function": {
            "name": tool["function"]["name"],
            "arguments": json.dumps(arguments, separators=(",", ":")),
        },
    }


def _reply_text(
    request: JsonDict, last: JsonDict, last_user: str
) -> tuple[str, tuple[str, str] | None]:
    """The text of a reply (cut at a failure marker, shaped by ``response_format``) and
    the worker error the marker asks for, if any."""
    error = None
    if last.get("role") == "tool":
        text = f"Tool {last.get('name') or 'result'} returned: {_text_of(last.get('content'))}"
    else:
        text = f"Echo: {last_user}"
        failure = FAIL_MARKER.search(text)
        if failure is not None:
            code = (failure.group(1) or "").strip() or "workerError"
            error = (code, f"The worker failed the job ({code})")
            text = text[: failure.start()]
    response_format = request.get("response_format")
    if isinstance(response_format, dict):
        if response_format.get("type") == "json_object":
            text = json.dumps({"reply": text})
        elif response_format.get("type") == "json_schema":
            schema = (response_format.get("json_schema") or {}).get("schema", {})
            text = json.dumps(_instance(schema, text))
    return text, error


def _chunks(request: JsonDict, text: str, last_user: str) -> tuple[list[str], str]:
    """The streamed chunks of ``text`` after ``stop`` and ``max_tokens``, and the finish
    reason."""
    finish = "stop"
    stops = request.get("stop")
    for stop in [stops] if isinstance(stops, str) else stops or []:
        if isinstance(stop, str) and stop and stop in text:
            text = text[: text.index(stop)]
    chunks = _words(text)
    if _thinking(request):
        chunks = ["<think>\n", *_words(f"Considering: {last_user}"), "\n</think>\n\n", *chunks]
    max_tokens = request.get("max_tokens")
    if (
        isinstance(max_tokens, int)
        and not isinstance(max_tokens, bool)
        and 0 < max_tokens < len(chunks)
    ):
        chunks = chunks[:max_tokens]
        finish = "length"
    return chunks, finish
