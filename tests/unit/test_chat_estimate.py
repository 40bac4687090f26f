"""LLM cost estimates: input-token counting and the estimate path."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from helpers import png

from sogni.core.chat.estimate import (
    count_input_tokens,
    estimation_messages,
    llm_estimate_path,
    parse_llm_estimate,
    resolve_max_output_tokens,
)
from sogni.core.chat.model_info import LLMModelInfo
from sogni.errors import ValidationError

PNG_URI = "data:image/png;base64," + base64.b64encode(png(64, 64)).decode()


# Expected values are JSON.stringify(messages).length and ceil(length / 4) from Node.js.
@pytest.mark.parametrize(
    ("content", "tokens"),
    [
        ("hi", 8),  # 32 UTF-16 units
        ("héllo wörld", 11),  # 41: accented letters are one unit each, not escaped
        ("😀😀😀", 9),  # 36: each emoji is a surrogate pair, two units
        ("日本語のテキスト", 10),  # 38
        ('line\nbreak "quoted" \\ tab\t\u0001', 17),  # 67: escapes as JSON.stringify writes them
        ("a\ud800b", 10),  # 38: a lone surrogate is written as \ud800
    ],
)
def test_input_tokens_count_utf16_units_of_compact_json(content: str, tokens: int) -> None:
    assert count_input_tokens([{"role": "user", "content": content}]) == tokens


def test_images_count_as_a_placeholder() -> None:
    messages: list[dict[str, Any]] = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What?"},
                {"type": "image_url", "image_url": {"url": PNG_URI, "detail": "high"}},
            ],
        }
    ]
    assert estimation_messages(messages)[0]["content"][1] == {
        "type": "image_url",
        "image_url": {"url": "[image]", "detail": "high"},
    }
    assert count_input_tokens(messages) == 32  # 127 units
    assert messages[0]["content"][1]["image_url"]["url"] == PNG_URI  # input untouched


INFO = LLMModelInfo.from_wire(
    {
        "workers": 1,
        "maxOutputTokens": {
            "min": 1,
            "max": 32768,
            "default": 8192,
            "thinkingComplexDefault": 16384,
        },
    }
)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"max_tokens": 100}, 100),
        ({"max_tokens": 100, "model_info": INFO}, 100),
        ({"max_tokens": float("nan"), "model_info": INFO}, 8192),
        ({"model_info": INFO}, 8192),
        ({"model_info": INFO, "think": True, "task_profile": "coding"}, 16384),
        ({"model_info": INFO, "think": True, "task_profile": "reasoning"}, 16384),
        ({"model_info": INFO, "think": True, "task_profile": "general"}, 8192),
        ({"model_info": INFO, "think": False, "task_profile": "coding"}, 8192),
        ({"model_info": LLMModelInfo(workers=1), "think": True, "task_profile": "coding"}, 4096),
        ({}, 4096),
    ],
)
def test_max_output_tokens(kwargs: dict[str, Any], expected: int) -> None:
    assert resolve_max_output_tokens(**kwargs) == expected


def test_estimate_path() -> None:
    params = {"model": "qwen", "messages": [{"role": "user", "content": "hi"}]}
    assert llm_estimate_path(params) == "/api/v1/job-llm/estimate/sogni/qwen/8/4096"
    assert (
        llm_estimate_path({**params, "token_type": "spark", "max_tokens": 512, "temperature": 1})
        == "/api/v1/job-llm/estimate/spark/qwen/8/512"
    )
    assert llm_estimate_path(
        {**params, "think": True, "task_profile": "coding"}, model_info=INFO
    ).endswith("/8/16384")
    odd = {**params, "model": "org/model name+v2(1)"}
    assert (
        llm_estimate_path(odd) == "/api/v1/job-llm/estimate/sogni/org%2Fmodel%20name%2Bv2(1)/8/4096"
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"messages": [{"role": "user", "content": "hi"}]}, "model"),
        (
            {"model": "m", "messages": [{"role": "user", "content": "hi"}], "token_type": "x"},
            "token_type",
        ),
        (
            {"model": "m", "messages": [{"role": "user", "content": "hi"}], "task_profile": "x"},
            "task_profile",
        ),
        ({"model": "m", "messages": []}, "messages"),
        (
            {
                "model": "m",
                "messages": [
                    {
                        "role": "user",
                        "content": [{"type": "image_url", "image_url": {"url": "http://x"}}],
                    }
                ],
            },
            "messages[0].content[0]",
        ),
    ],
)
def test_estimate_validates_like_a_request(params: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        llm_estimate_path(params)
    assert info.value.field == field


def test_parse_llm_estimate() -> None:
    estimate = parse_llm_estimate(
        {
            "request": {
                "model": "qwen",
                "inputTokens": 8,
                "maxOutputTokens": 4096,
                "tokenType": "sogni",
            },
            "quote": {
                "costInUSD": 0.0012,
                "costInSogni": 0.3,
                "costInSpark": "0.6",
                "costInToken": 0.3,
                "inputTokens": 8,
                "outputTokens": 4096,
            },
        }
    )
    assert (estimate.cost_in_usd, estimate.cost_in_spark, estimate.cost_in_token) == (
        0.0012,
        0.6,
        0.3,
    )
    assert (estimate.input_tokens, estimate.output_tokens) == (8, 4096)
    with pytest.raises(ValueError):
        parse_llm_estimate({"request": {}})
