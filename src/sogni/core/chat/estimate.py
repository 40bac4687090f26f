"""Cost estimates for chat requests (``GET /api/v1/job-llm/estimate/...``).

The input size is counted the way the network counts it: the messages, with every image
replaced by a short placeholder, serialised as compact JSON (no spaces, non-ASCII kept as
is, keys in insertion order); the length in UTF-16 code units divided by four, rounded up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import attrs

from sogni.core.errors import ValidationError
from sogni.core.js import is_finite_number, js_number_text
from sogni.core.json_safe import check_text

from .messages import normalize_messages
from .model_info import LLMModelInfo
from .request import TASK_PROFILES, TOKEN_TYPES
from .vision import FileReader

__all__ = [
    "DEFAULT_MAX_OUTPUT_TOKENS",
    "IMAGE_PLACEHOLDER",
    "LLMCostEstimate",
    "count_input_tokens",
    "estimation_messages",
    "resolve_max_output_tokens",
    "llm_estimate_path",
    "parse_llm_estimate",
]

DEFAULT_MAX_OUTPUT_TOKENS = 4096
IMAGE_PLACEHOLDER = "[image]"

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
# encodeURIComponent leaves these unescaped besides letters and digits.
_URI_COMPONENT_SAFE = "-_.!~*'()"


@attrs.frozen
class LLMCostEstimate:
    """The network's price quote for a chat request (numbers, in each currency)."""

    cost_in_usd: float
    cost_in_sogni: float
    cost_in_spark: float
    cost_in_token: float
    input_tokens: int
    output_tokens: int


def estimation_messages(messages: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Copy normalised ``messages`` with each image URL replaced by ``"[image]"``."""
    out: list[Any] = []
    for message in messages:
        content = message.get("content")
        if not isinstance(content, list):
            out.append(message)
            continue
        parts = []
        for part in content:
            if isinstance(part, Mapping) and part.get("type") == "image_url":
                image_url = part.get("image_url")
                detail = image_url.get("detail") if isinstance(image_url, Mapping) else None
                placeholder: dict[str, Any] = {"url": IMAGE_PLACEHOLDER}
                if detail:
                    placeholder["detail"] = detail
                parts.append({"type": "image_url", "image_url": placeholder})
            else:
                parts.append(part)
        out.append({**message, "content": parts})
    return out


def _utf16_length(text: str) -> int:
    length = len(text.encode("utf-16-le", "surrogatepass")) // 2
    if _SURROGATE.search(text):
        # JSON.stringify escapes an unpaired surrogate as \uXXXX: six units, not one.
        length += 5 * len(_SURROGATE.findall(_SURROGATE_PAIR.sub("", text)))
    return length


def count_input_tokens(messages: Sequence[Mapping[str, Any]]) -> int:
    """The network's input-token estimate for already-normalised ``messages``."""
    text = json.dumps(estimation_messages(messages), separators=(",", ":"), ensure_ascii=False)
    return -(-_utf16_length(text) // 4)


def resolve_max_output_tokens(
    *,
    max_tokens: Any = None,
    think: bool | None = None,
    task_profile: str | None = None,
    model_info: LLMModelInfo | None = None,
) -> float:
    """The output-token budget to price: ``max_tokens`` when given, else the model's default.

    With thinking on and a ``coding`` or ``reasoning`` profile the model's
    ``thinking_complex_default`` is preferred; without model information it is 4096.
    """
    if is_finite_number(max_tokens):
        return float(max_tokens)
    limits = model_info.max_output_tokens if model_info is not None else None
    if limits is not None:
        complex_thinking = think is True and task_profile in ("coding", "reasoning")
        if complex_thinking and limits.thinking_complex_default is not None:
            return limits.thinking_complex_default
        if limits.default is not None:
            return limits.default
    return DEFAULT_MAX_OUTPUT_TOKENS


def llm_estimate_path(
    params: Mapping[str, Any],
    *,
    model_info: LLMModelInfo | None = None,
    read_file: FileReader | None = None,
    resize_images: bool = True,
) -> str:
    """The estimate URL path for a chat request described by ``params``.

    Uses ``model``, ``messages``, ``max_tokens``, ``token_type`` (default ``"sogni"``),
    ``think`` and ``task_profile``; other chat parameters are ignored. Messages get the same
    vision checks as a real request. Path segments are percent-encoded.
    """
    model = params.get("model")
    if not isinstance(model, str) or not model.strip():
        raise ValidationError("model must be a non-empty model id string", field="model")
    check_text(model, "model")  # it becomes part of the URL, which must be UTF-8
    token_type = params.get("token_type") or "sogni"
    if token_type not in TOKEN_TYPES:
        raise ValidationError(
            f"token_type {token_type!r} is not valid", field="token_type", allowed=TOKEN_TYPES
        )
    task_profile = params.get("task_profile")
    if task_profile is not None and task_profile not in TASK_PROFILES:
        raise ValidationError(
            f"task_profile {task_profile!r} is not valid",
            field="task_profile",
            allowed=TASK_PROFILES,
        )
    messages = normalize_messages(params.get("messages"), read_file=read_file, resize=resize_images)
    max_output = resolve_max_output_tokens(
        max_tokens=params.get("max_tokens"),
        think=params.get("think"),
        task_profile=task_profile,
        model_info=model_info,
    )
    segments = [token_type, model, str(count_input_tokens(messages)), js_number_text(max_output)]
    return "/api/v1/job-llm/estimate/" + "/".join(
        quote(segment, safe=_URI_COMPONENT_SAFE) for segment in segments
    )


def parse_llm_estimate(payload: Mapping[str, Any]) -> LLMCostEstimate:
    """Read the ``quote`` of an LLM estimate response."""
    quote_ = payload.get("quote")
    if not isinstance(quote_, Mapping):
        raise ValueError("LLM estimate response has no 'quote' object")

    def number(key: str) -> float:
        value: Any = quote_.get(key)
        if is_finite_number(value):
            return float(value)
        try:
            return float(value) if isinstance(value, str) else 0.0
        except ValueError:
            return 0.0

    return LLMCostEstimate(
        cost_in_usd=number("costInUSD"),
        cost_in_sogni=number("costInSogni"),
        cost_in_spark=number("costInSpark"),
        cost_in_token=number("costInToken"),
        input_tokens=int(number("inputTokens")),
        output_tokens=int(number("outputTokens")),
    )
