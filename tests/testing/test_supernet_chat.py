"""LLM chat on the local Supernet: socket llmJobRequest and hosted chat completions."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from supernet_helpers import RawSocket

from sogni.testing import LocalSupernet
from sogni.testing.llm import ChatRequestError, reply_to

MODEL = "qwen3.6-35b-a3b-gguf-iq4xs"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "weather",
        "parameters": {
            "type": "object",
            "required": ["city", "days"],
            "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
        },
    },
}


def chat_request(content: str = "hello there", **extra: Any) -> dict[str, Any]:
    return {
        "jobID": str(uuid.uuid4()).upper(),
        "type": "llm",
        "model": MODEL,
        "messages": [{"role": "user", "content": content}],
        **extra,
    }


def run_chat(sock: RawSocket, request: dict[str, Any]) -> list[tuple[str, Any]]:
    sock.send("llmJobRequest", request)
    return sock.recv_until("llmJobResult", where=lambda p: p["jobID"] == request["jobID"])


def test_socket_chat_sequence(net: LocalSupernet, sock: RawSocket) -> None:
    request = chat_request("hello there world")
    events = [(k, p) for k, p in run_chat(sock, request) if k != "balanceUpdate"]
    states = [p["type"] for k, p in events if k == "jobState"]
    assert states == ["pending", "queued", "assigned", "jobStarted"]
    tokens = [p for k, p in events if k == "jobTokens"]
    assert "".join(p.get("content", "") for p in tokens) == "Echo: hello there world"
    assert tokens[0]["role"] == "assistant"
    assert tokens[-1]["finishReason"] == "stop"
    kinds = [k for k, _ in events]
    assert kinds.index("jobTokens") > max(i for i, k in enumerate(kinds) if k == "jobState")
    result = events[-1][1]
    assert result["usage"] == tokens[-1]["usage"]
    assert result["usage"]["total_tokens"] == (
        result["usage"]["prompt_tokens"] + result["usage"]["completion_tokens"]
    )
    assert set(result["cost"]) == {
        "costInUSD",
        "costInToken",
        "costInSogni",
        "costInSpark",
        "inputTokens",
        "outputTokens",
    }
    assert isinstance(result["timeTaken"], float)
    assert net.received("llmJobRequest")[0]["jobID"] == request["jobID"]


def test_socket_chat_tool_call_deltas(net: LocalSupernet, sock: RawSocket) -> None:
    events = run_chat(
        sock, chat_request("weather in Oslo", tools=[WEATHER_TOOL], tool_choice="required")
    )
    deltas = [d for k, p in events if k == "jobTokens" for d in p.get("tool_calls", [])]
    assert deltas[0]["id"].startswith("call_")
    assert deltas[0]["function"]["name"] == "get_weather"
    arguments = "".join(d["function"].get("arguments", "") for d in deltas)
    assert json.loads(arguments) == {"city": "weather in Oslo", "days": 1}
    final = [p for k, p in events if k == "jobTokens"][-1]
    assert final["finishReason"] == "tool_calls"


def test_unknown_llm_model_errors(net: LocalSupernet, sock: RawSocket) -> None:
    request = chat_request()
    request["model"] = "no-such-llm"
    sock.send("llmJobRequest", request)
    kind, payload = sock.recv()
    assert kind == "llmJobError"
    assert payload["jobID"] == request["jobID"]
    assert "no-such-llm" in payload["error_message"]


def test_hosted_chat_completion(net: LocalSupernet) -> None:
    response = httpx.post(
        net.rest_url + "/v1/chat/completions",
        json={"model": MODEL, "messages": [{"role": "user", "content": "hi"}]},
        headers={"api-key": net.api_key},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "Echo: hi"}
    assert body["choices"][0]["finish_reason"] == "stop"
    recorded = [r for r in net.requests() if r.path == "/v1/chat/completions"][0]
    assert recorded.json["messages"][0]["content"] == "hi"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"model": MODEL, "messages": [{"role": "user", "content": "x"}], "stream": True}, 400),
        ({"model": "nope", "messages": [{"role": "user", "content": "x"}]}, 404),
        ({"model": MODEL, "messages": []}, 400),
    ],
)
def test_hosted_chat_rejections(net: LocalSupernet, body: dict[str, Any], status: int) -> None:
    response = httpx.post(
        net.rest_url + "/v1/chat/completions", json=body, headers={"api-key": net.api_key}
    )
    assert response.status_code == status
    assert response.json()["status"] == "error"


def test_hosted_chat_needs_credentials(net: LocalSupernet) -> None:
    response = httpx.post(
        net.rest_url + "/v1/chat/completions",
        json={"model": MODEL, "messages": [{"role": "user", "content": "x"}]},
    )
    assert response.status_code == 401


# --- the deterministic responder -------------------------------------------------------------


def reply(**request: Any) -> Any:
    body = {"model": MODEL, "messages": [{"role": "user", "content": "one two three four"}]}
    body.update(request)
    return reply_to(body, {MODEL})


def test_reply_truncates_at_max_tokens() -> None:
    result = reply(max_tokens=2)
    assert result.content == "Echo: one "
    assert result.finish_reason == "length"


def test_reply_honours_stop_strings() -> None:
    assert reply(stop=[" three"]).content == "Echo: one two"


def test_reply_json_formats() -> None:
    assert json.loads(reply(response_format={"type": "json_object"}).content) == {
        "reply": "Echo: one two three four"
    }
    schema = {
        "type": "object",
        "required": ["n", "ok"],
        "properties": {"n": {"type": "integer"}, "ok": {"type": "boolean"}},
    }
    content = reply(
        response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}
    ).content
    assert json.loads(content) == {"n": 1, "ok": True}


def test_reply_after_tool_result() -> None:
    result = reply_to(
        {
            "model": MODEL,
            "tools": [WEATHER_TOOL],
            "messages": [
                {"role": "user", "content": "get_weather please"},
                {"role": "assistant", "content": None, "tool_calls": []},
                {"role": "tool", "name": "get_weather", "tool_call_id": "c1", "content": "sunny"},
            ],
        },
        {MODEL},
    )
    assert result.content == "Tool get_weather returned: sunny"
    assert result.tool_calls == []


def test_auto_tool_choice_calls_a_named_tool_only() -> None:
    assert reply(tools=[WEATHER_TOOL]).tool_calls == []
    named = reply(
        tools=[WEATHER_TOOL], messages=[{"role": "user", "content": "use get_weather for Rome"}]
    )
    assert named.tool_calls[0]["function"]["name"] == "get_weather"
    assert (
        reply(
            tools=[WEATHER_TOOL],
            tool_choice="none",
            messages=[{"role": "user", "content": "get_weather"}],
        ).tool_calls
        == []
    )


def test_vision_parts_are_read_as_text() -> None:
    content = [
        {"type": "text", "text": "what is this"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
    ]
    assert reply(messages=[{"role": "user", "content": content}]).content == (
        "Echo: what is this [1 image]"
    )


def test_unknown_model_is_refused() -> None:
    with pytest.raises(ChatRequestError):
        reply(model="nope")


def test_reply_thinks_when_thinking_is_on() -> None:
    result = reply(chat_template_kwargs={"enable_thinking": True})
    assert result.chunks[0] == "<think>\n"
    assert result.content == (
        "<think>\nConsidering: one two three four\n</think>\n\nEcho: one two three four"
    )
    assert reply(chat_template_kwargs={"enable_thinking": False}).content == (
        "Echo: one two three four"
    )


def test_fail_marker_streams_up_to_it_then_fails() -> None:
    result = reply(messages=[{"role": "user", "content": "a b [fail:busy] c"}])
    assert result.content == "Echo: a b "
    assert result.error == ("busy", "The worker failed the job (busy)")
    assert reply(messages=[{"role": "user", "content": "[fail]"}]).error is not None


def test_tool_call_ids_depend_only_on_the_conversation() -> None:
    first = reply(tools=[WEATHER_TOOL], tool_choice="required")
    again = reply(tools=[WEATHER_TOOL], tool_choice="required")
    other = reply(
        tools=[WEATHER_TOOL],
        tool_choice="required",
        messages=[{"role": "user", "content": "other"}],
    )
    assert first.tool_calls[0]["id"] == again.tool_calls[0]["id"]
    assert first.tool_calls[0]["id"] != other.tool_calls[0]["id"]


def test_sogni_tools_are_called_for_media_requests() -> None:
    from sogni.testing.hosted_tools import sogni_tool_definitions

    tools = sogni_tool_definitions()
    for text, name in [
        ("draw a picture of a cat", "generate_image"),
        ("a short video of waves", "generate_video"),
        ("write a song", "generate_music"),
    ]:
        result = reply(tools=tools, messages=[{"role": "user", "content": text}])
        assert result.tool_calls[0]["function"]["name"] == name
        assert json.loads(result.tool_calls[0]["function"]["arguments"]) == {"prompt": text}
    assert reply(tools=tools).tool_calls == []


def test_socket_chat_fails_after_streaming_on_request(net: LocalSupernet, sock: RawSocket) -> None:
    request = chat_request("x y [fail:overloaded]")
    sock.send("llmJobRequest", request)
    events = sock.recv_until("llmJobError", where=lambda p: p["jobID"] == request["jobID"])
    tokens = [p for k, p in events if k == "jobTokens"]
    assert "".join(p.get("content", "") for p in tokens) == "Echo: x y "
    assert all("finishReason" not in p for p in tokens)
    error = events[-1][1]
    assert error["error"] == "overloaded" and error["workerName"] == "local-llm-worker-1"
    assert not [k for k, _ in events if k == "llmJobResult"]


def test_socket_chat_offers_sogni_tools_when_asked(net: LocalSupernet, sock: RawSocket) -> None:
    events = run_chat(sock, chat_request("paint an image of a bridge", sogni_tools=True))
    deltas = [d for k, p in events if k == "jobTokens" for d in p.get("tool_calls", [])]
    assert deltas[0]["function"]["name"] == "generate_image"


def test_hosted_chat_runs_sogni_tools_and_returns_media(net: LocalSupernet) -> None:
    body = {
        "model": MODEL,
        "sogni_tools": "creative-tools",
        "messages": [{"role": "user", "content": "two pictures of a dog"}],
    }
    response = httpx.post(
        net.rest_url + "/v1/chat/completions",
        json=body,
        headers={"api-key": net.api_key},
        timeout=30,
    )
    assert response.status_code == 200
    answer = response.json()
    [result] = answer["sogni_tool_results"]
    assert result["success"] is True and result["media_type"] == "image"
    assert result["prompt"] == "two pictures of a dog"
    media = httpx.get(result["urls"][0], timeout=10)
    assert media.status_code == 200 and media.headers["content-type"] == "image/png"
    message = answer["choices"][0]["message"]
    assert message["content"].startswith("Tool generate_image returned: {")
    assert answer["choices"][0]["finish_reason"] == "stop"
    assert answer["usage"]["total_tokens"] > 0


def test_hosted_chat_leaves_tool_calls_to_the_client_without_execution(net: LocalSupernet) -> None:
    body = {
        "model": MODEL,
        "sogni_tools": True,
        "sogni_tool_execution": False,
        "messages": [{"role": "user", "content": "an image of a tree"}],
    }
    answer = httpx.post(
        net.rest_url + "/v1/chat/completions",
        json=body,
        headers={"api-key": net.api_key},
        timeout=30,
    ).json()
    assert "sogni_tool_results" not in answer
    assert answer["choices"][0]["finish_reason"] == "tool_calls"
    assert answer["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == (
        "generate_image"
    )
