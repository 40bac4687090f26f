"""The llmJobRequest payload and the hosted chat body."""

from __future__ import annotations

import base64
import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from helpers import png

from sogni.core.chat.model_info import LLMModelInfo
from sogni.core.chat.request import (
    build_hosted_chat_body,
    build_llm_job_request,
    unwrap_hosted_chat_response,
)
from sogni.core.chat.results import FunctionCall, ToolCall
from sogni.errors import ValidationError

PNG = png(4, 4)
PNG_URI = "data:image/png;base64," + base64.b64encode(PNG).decode()
HELLO = [{"role": "user", "content": "Hello!"}]


def build(params: dict[str, Any], app: str | None = None, **kw: Any) -> dict[str, Any]:
    return build_llm_job_request(params, job_id="JOB-1", client_app_source=app, **kw)


def test_minimal_request() -> None:
    assert build({"model": "qwen", "messages": HELLO}) == {
        "jobID": "JOB-1",
        "type": "llm",
        "model": "qwen",
        "messages": HELLO,
    }


def test_full_request_uses_the_network_key_order() -> None:
    params = {
        "response_format": {"type": "json_object"},
        "think": True,
        "task_profile": "reasoning",
        "sogni_tool_execution": False,
        "sogni_tools": "creative-agent",
        "tool_choice": "auto",
        "tools": [{"type": "function", "function": {"name": "f"}}],
        "token_type": "spark",
        "stop": ["END"],
        "presence_penalty": 0.1,
        "frequency_penalty": 0.2,
        "repetition_penalty": 1.1,
        "stream": True,
        "min_p": 0.05,
        "top_k": 20,
        "top_p": 0.9,
        "temperature": 0.7,
        "max_tokens": 256,
        "app_source": "my-app",
        "messages": HELLO,
        "model": "qwen",
    }
    request = build(params, "client-app")
    assert list(request) == [
        "jobID",
        "type",
        "model",
        "messages",
        "appSource",
        "max_tokens",
        "temperature",
        "top_p",
        "top_k",
        "min_p",
        "stream",
        "repetition_penalty",
        "frequency_penalty",
        "presence_penalty",
        "stop",
        "tokenType",
        "tools",
        "tool_choice",
        "sogni_tools",
        "sogni_tool_execution",
        "taskProfile",
        "chat_template_kwargs",
        "response_format",
    ]
    assert request["appSource"] == "my-app"
    assert request["tokenType"] == "spark"
    assert request["taskProfile"] == "reasoning"
    assert request["sogni_tool_execution"] is False
    assert request["chat_template_kwargs"] == {"enable_thinking": True}


def test_unset_and_none_values_are_omitted() -> None:
    request = build(
        {"model": "m", "messages": HELLO, "temperature": None, "stop": None, "think": None}
    )
    assert set(request) == {"jobID", "type", "model", "messages"}


@pytest.mark.parametrize("think", [True, False])
def test_think_becomes_chat_template_kwargs(think: bool) -> None:
    request = build({"model": "m", "messages": HELLO, "think": think})
    assert request["chat_template_kwargs"] == {"enable_thinking": think}
    assert "think" not in request


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        ("rich", "creative-tools"),
        (" Rich ", "creative-tools"),
        ("RICH", "creative-tools"),
        ("creative-tools", "creative-tools"),
        ("creative-agent", "creative-agent"),
        (True, True),
        (False, False),
    ],
)
def test_sogni_tools_modes(value: Any, sent: Any) -> None:
    assert build({"model": "m", "messages": HELLO, "sogni_tools": value})["sogni_tools"] is not None
    assert build({"model": "m", "messages": HELLO, "sogni_tools": value})["sogni_tools"] == sent


@pytest.mark.parametrize("value", ["everything", 1, "Creative-Tools"])
def test_unknown_sogni_tools_mode_is_rejected(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        build({"model": "m", "messages": HELLO, "sogni_tools": value})
    assert info.value.field == "sogni_tools"


@pytest.mark.parametrize("stop", ["###", ["a", "b"], ("x",), []])
def test_stop_string_or_list(stop: Any) -> None:
    sent = build({"model": "m", "messages": HELLO, "stop": stop})["stop"]
    assert sent == (list(stop) if isinstance(stop, tuple) else stop)


@pytest.mark.parametrize("stop", [5, ["a", 1], {"a": 1}])
def test_bad_stop(stop: Any) -> None:
    with pytest.raises(ValidationError) as info:
        build({"model": "m", "messages": HELLO, "stop": stop})
    assert info.value.field == "stop"


@pytest.mark.parametrize(
    ("param", "client", "sent"),
    [
        ("mine", "client", "mine"),
        (" mine ", None, " mine "),
        ("", "client", "client"),
        (None, " client ", "client"),
        (None, "   ", None),
        ("", None, None),
    ],
)
def test_app_source_fallback(param: str | None, client: str | None, sent: str | None) -> None:
    request = build({"model": "m", "messages": HELLO, "app_source": param}, client)
    assert request.get("appSource") == sent


@pytest.mark.parametrize("stream", [True, False])
def test_stream_is_sent_as_given(stream: bool) -> None:
    assert build({"model": "m", "messages": HELLO, "stream": stream})["stream"] is stream


def test_integral_floats_serialise_like_javascript() -> None:
    request = build({"model": "m", "messages": HELLO, "temperature": 1.0, "max_tokens": 100.0})
    text = json.dumps(request, separators=(",", ":"))
    assert text.endswith('"max_tokens":100,"temperature":1}')
    assert build({"model": "m", "messages": HELLO, "top_p": 0.5})["top_p"] == 0.5


def test_client_only_options_are_ignored() -> None:
    request = build({"model": "m", "messages": HELLO, "max_tool_rounds": 3, "timeout": 5})
    assert "max_tool_rounds" not in request and "timeout" not in request


def test_params_are_not_mutated_and_output_is_a_copy() -> None:
    params = {
        "model": "m",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}],
    }
    before = copy.deepcopy(params)
    request = build(params)
    request["messages"][0]["content"][0]["text"] = "changed"
    request["tools"][0]["function"]["name"] = "g"
    assert params == before


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"messages": HELLO}, "model"),
        ({"model": "  ", "messages": HELLO}, "model"),
        ({"model": "m"}, "messages"),
        ({"model": "m", "messages": []}, "messages"),
        ({"model": "m", "messages": "hi"}, "messages"),
        ({"model": "m", "messages": [{"role": "robot", "content": "x"}]}, "messages[0].role"),
        ({"model": "m", "messages": [*HELLO, {"content": "x"}]}, "messages[1].role"),
        ({"model": "m", "messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
        ({"model": "m", "messages": ["hi"]}, "messages[0]"),
        (
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "audio"}]}]},
            "messages[0].content[0].type",
        ),
        (
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "text"}]}]},
            "messages[0].content[0].text",
        ),
        ({"model": "m", "messages": HELLO, "temperature": math.nan}, "temperature"),
        ({"model": "m", "messages": HELLO, "top_p": math.inf}, "top_p"),
        ({"model": "m", "messages": HELLO, "min_p": "0.1"}, "min_p"),
        ({"model": "m", "messages": HELLO, "presence_penalty": True}, "presence_penalty"),
        ({"model": "m", "messages": HELLO, "max_tokens": 0}, "max_tokens"),
        ({"model": "m", "messages": HELLO, "max_tokens": 10.5}, "max_tokens"),
        ({"model": "m", "messages": HELLO, "top_k": 2.5}, "top_k"),
        ({"model": "m", "messages": HELLO, "stream": "yes"}, "stream"),
        ({"model": "m", "messages": HELLO, "think": 1}, "think"),
        ({"model": "m", "messages": HELLO, "token_type": "auto"}, "token_type"),
        ({"model": "m", "messages": HELLO, "task_profile": "poetry"}, "task_profile"),
        ({"model": "m", "messages": HELLO, "tool_choice": "always"}, "tool_choice"),
        ({"model": "m", "messages": HELLO, "tool_choice": {"type": "function"}}, "tool_choice"),
        ({"model": "m", "messages": HELLO, "tools": {"type": "function"}}, "tools"),
        ({"model": "m", "messages": HELLO, "tools": [{"type": "x"}]}, "tools[0]"),
        ({"model": "m", "messages": HELLO, "response_format": {"type": "yaml"}}, "response_format"),
        (
            {"model": "m", "messages": HELLO, "response_format": {"type": "json_schema"}},
            "response_format.json_schema",
        ),
        (
            {
                "model": "m",
                "messages": HELLO,
                "response_format": {"type": "json_schema", "json_schema": {"schema": {}}},
            },
            "response_format.json_schema.name",
        ),
        (
            {
                "model": "m",
                "messages": HELLO,
                "response_format": {"type": "json_schema", "json_schema": {"name": "n"}},
            },
            "response_format.json_schema.schema",
        ),
        ({"model": "m", "messages": HELLO, "max_token": 5}, "max_token"),
        ({"model": "m", "messages": HELLO, "app_source": 5}, "app_source"),
    ],
)
def test_invalid_params_name_the_field(params: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        build(params)
    assert info.value.field == field


def test_valid_tool_choice_and_response_formats() -> None:
    choice = {"type": "function", "function": {"name": "get_weather"}}
    schema_format = {
        "type": "json_schema",
        "json_schema": {"name": "out", "schema": {"type": "object"}, "strict": True},
    }
    for value in ("auto", "none", "required", choice):
        assert (
            build({"model": "m", "messages": HELLO, "tool_choice": value})["tool_choice"] == value
        )
    for fmt in ({"type": "text"}, {"type": "json_object"}, schema_format):
        assert (
            build({"model": "m", "messages": HELLO, "response_format": fmt})["response_format"]
            == fmt
        )


def test_model_constraints_are_enforced() -> None:
    info = LLMModelInfo.from_wire(
        {
            "workers": 2,
            "temperature": {"min": 0, "max": 2, "default": 0.7},
            "maxOutputTokens": {"min": 1, "max": 8192, "default": 4096},
        }
    )
    ok = build(
        {"model": "m", "messages": HELLO, "temperature": 2, "max_tokens": 8192}, model_info=info
    )
    assert ok["temperature"] == 2
    with pytest.raises(ValidationError) as error:
        build({"model": "m", "messages": HELLO, "temperature": 2.5}, model_info=info)
    assert error.value.field == "temperature"
    assert error.value.allowed == "0 to 2"
    assert "temperature" in str(error.value) and "0 to 2" in str(error.value)
    with pytest.raises(ValidationError) as error:
        build({"model": "m", "messages": HELLO, "max_tokens": 9000}, model_info=info)
    assert error.value.field == "max_tokens"
    # Parameters without a constraint are not limited.
    assert build({"model": "m", "messages": HELLO, "top_p": 5}, model_info=info)["top_p"] == 5


# -- messages and vision ------------------------------------------------------------------------


def test_image_parts_are_rebuilt_and_other_parts_kept() -> None:
    messages = [
        {"role": "system", "content": "Be brief.", "name": "sys"},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?", "extra": 1},
                {
                    "type": "image_url",
                    "image_url": {"url": f"  {PNG_URI}\n", "detail": "low", "x": 1},
                    "y": 2,
                },
                {"type": "image_url", "image_url": {"url": PNG_URI, "detail": ""}},
            ],
            "name": "alice",
        },
    ]
    sent = build({"model": "m", "messages": messages})["messages"]
    assert sent[0] == messages[0]
    assert list(sent[1]) == ["role", "content", "name"]
    assert sent[1]["content"] == [
        {"type": "text", "text": "What is this?", "extra": 1},
        {"type": "image_url", "image_url": {"url": PNG_URI, "detail": "low"}},
        {"type": "image_url", "image_url": {"url": PNG_URI}},
    ]


def test_bad_image_detail_is_rejected() -> None:
    part = {"type": "image_url", "image_url": {"url": PNG_URI, "detail": "ultra"}}
    with pytest.raises(ValidationError) as info:
        build({"model": "m", "messages": [{"role": "user", "content": [part]}]})
    assert info.value.field == "messages[0].content[0].image_url.detail"


def test_shorthand_parts_bytes_and_paths(tmp_path: Path) -> None:
    image = tmp_path / "cat.png"
    image.write_bytes(PNG)
    messages = [
        {
            "role": "user",
            "content": ["Describe", PNG, image, {"type": "image_url", "image_url": PNG}],
        }
    ]
    sent = build({"model": "m", "messages": messages}, read_file=Path.read_bytes)["messages"]
    expected_image = {"type": "image_url", "image_url": {"url": PNG_URI}}
    assert sent[0]["content"] == [
        {"type": "text", "text": "Describe"},
        expected_image,
        expected_image,
        expected_image,
    ]
    with pytest.raises(ValidationError) as info:
        build({"model": "m", "messages": messages})
    assert info.value.field == "messages[0].content[2]"


def test_tool_messages_and_tool_call_objects() -> None:
    call = ToolCall(id="call_1", function=FunctionCall("get_weather", '{"city":"Oslo"}'))
    messages = [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "content": "sunny", "tool_call_id": "call_1", "name": "get_weather"},
    ]
    sent = build({"model": "m", "messages": messages})["messages"]
    assert sent[1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'},
            }
        ],
    }
    assert sent[2] == messages[2]


def test_vision_errors_name_the_part() -> None:
    messages = [
        HELLO[0],
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "x"},
                {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
            ],
        },
    ]
    with pytest.raises(ValidationError) as info:
        build({"model": "m", "messages": messages})
    assert info.value.field == "messages[1].content[1]"


def test_at_most_twenty_images_per_request() -> None:
    part = {"type": "image_url", "image_url": {"url": PNG_URI}}
    twenty = [{"role": "user", "content": [part] * 10}, {"role": "user", "content": [part] * 10}]
    assert len(build({"model": "m", "messages": twenty})["messages"]) == 2
    with pytest.raises(ValidationError) as info:
        build({"model": "m", "messages": [*twenty, {"role": "user", "content": ["x", part]}]})
    assert info.value.field == "messages[2].content[1]"
    assert "20" in info.value.message


# -- hosted body --------------------------------------------------------------------------------


def hosted(params: dict[str, Any], app: str | None = None) -> dict[str, Any]:
    return build_hosted_chat_body(params, client_app_source=app)


def test_hosted_body_key_order_and_names() -> None:
    body = hosted(
        {
            "think": False,
            "api_media_references": [{"id": 2}],
            "media_references": [{"id": 1}],
            "task_profile": "coding",
            "sogni_tool_execution": True,
            "sogni_tools": "rich",
            "tool_choice": "none",
            "tools": [{"type": "function", "function": {"name": "f"}}],
            "token_type": "auto",
            "stop": "x",
            "presence_penalty": 0,
            "frequency_penalty": 0,
            "repetition_penalty": 1,
            "min_p": 0,
            "top_k": 1,
            "top_p": 1,
            "temperature": 0,
            "max_tokens": 5,
            "messages": HELLO,
            "model": "m",
            "response_format": {"type": "text"},
        },
        "client",
    )
    assert list(body) == [
        "model",
        "messages",
        "app_source",
        "max_tokens",
        "temperature",
        "top_p",
        "top_k",
        "min_p",
        "repetition_penalty",
        "frequency_penalty",
        "presence_penalty",
        "stop",
        "token_type",
        "tools",
        "tool_choice",
        "sogni_tools",
        "sogni_tool_execution",
        "task_profile",
        "media_references",
        "api_media_references",
        "chat_template_kwargs",
        "response_format",
    ]
    assert body["app_source"] == "client"
    assert body["sogni_tools"] == "creative-tools"
    assert body["chat_template_kwargs"] == {"enable_thinking": False}
    assert body["temperature"] == 0 and body["presence_penalty"] == 0


def test_hosted_explicit_chat_template_kwargs_win_over_think() -> None:
    body = hosted(
        {"model": "m", "messages": HELLO, "think": True, "chat_template_kwargs": {"x": 1}}
    )
    assert body["chat_template_kwargs"] == {"x": 1}


def test_hosted_minimal_and_stream_refused() -> None:
    assert hosted({"model": "m", "messages": HELLO, "stream": False}) == {
        "model": "m",
        "messages": HELLO,
    }
    with pytest.raises(ValidationError) as info:
        hosted({"model": "m", "messages": HELLO, "stream": True})
    assert info.value.field == "stream"
    with pytest.raises(ValidationError) as info:
        hosted({"model": "m", "messages": HELLO, "media_references": "x"})
    assert info.value.field == "media_references"


def test_hosted_response_with_or_without_envelope() -> None:
    completion = {"id": "c", "object": "chat.completion", "choices": [], "model": "m"}
    assert unwrap_hosted_chat_response(completion) == completion
    assert unwrap_hosted_chat_response({"status": "success", "data": completion}) == completion
    with pytest.raises(ValueError):
        unwrap_hosted_chat_response([completion])


def test_sogni_tools_catalog_can_be_passed_as_tools() -> None:
    from sogni.core.chat.tools import SogniTools

    request = build({"model": "m", "messages": HELLO, "tools": SogniTools})
    assert request["tools"] == SogniTools.all
    assert [t["function"]["name"] for t in request["tools"]][0] == "generate_image"


def test_completions_and_tool_results_can_be_appended_as_messages() -> None:
    from sogni.core.chat.results import ChatCompletion, ToolResult

    call = ToolCall(id="c1", function=FunctionCall("w", "{}"))
    answer = ChatCompletion(job_id="J", content="", finish_reason="tool_calls", tool_calls=(call,))
    result = ToolResult("c1", "w", True, "sunny")
    sent = build({"model": "m", "messages": [*HELLO, answer, result]})["messages"]
    assert sent[1] == {"role": "assistant", "content": None, "tool_calls": [call.to_dict()]}
    assert sent[2] == {"role": "tool", "content": "sunny", "tool_call_id": "c1", "name": "w"}
