"""LLM chat with the sync client against the local Supernet."""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import data_uri, pillow_png
from PIL import Image

from sogni import (
    ChatCompletion,
    ChatJobError,
    ChatStream,
    ConnectionLost,
    HostedChatCompletion,
    SogniClient,
    SogniTimeoutError,
    SogniTools,
    ToolCall,
    ToolProgress,
    ValidationError,
    is_sogni_tool_call,
    parse_tool_call_arguments,
)
from sogni.testing import LocalSupernet

MODEL = "qwen3.6-35b-a3b-gguf-iq4xs"
HELLO = [{"role": "user", "content": "hello there"}]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather of a city",
        "parameters": {
            "type": "object",
            "required": ["city"],
            "properties": {"city": {"type": "string"}},
        },
    },
}


def _client(net: LocalSupernet, **kwargs: Any) -> SogniClient:
    return SogniClient(
        api_key=net.api_key,
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        **kwargs,
    )


@pytest.fixture
def chat(net: LocalSupernet) -> Iterator[SogniClient]:
    with _client(net) as client:
        yield client


# -- completions ------------------------------------------------------------------------------


def test_completion_returns_the_assembled_answer(net: LocalSupernet, chat: SogniClient) -> None:
    result = chat.chat.completions.create(model=MODEL, messages=HELLO)
    assert isinstance(result, ChatCompletion)
    assert result.content == "Echo: hello there"
    assert result.role == "assistant" and result.finish_reason == "stop"
    assert result.usage.completion_tokens == 3
    assert result.usage.total_tokens == result.usage.prompt_tokens + 3
    assert result.worker_name == "local-llm-worker-1"
    assert result.cost is not None and float(result.cost.cost_in_token) > 0
    assert result.cost.output_tokens == 3
    assert result.tool_calls == ()
    [request] = net.received("llmJobRequest")
    assert request["jobID"] == result.job_id and request["jobID"] == request["jobID"].upper()
    assert request == {"jobID": result.job_id, "type": "llm", "model": MODEL, "messages": HELLO}


def test_every_parameter_reaches_the_request_in_the_network_order(
    net: LocalSupernet, chat: SogniClient
) -> None:
    chat.chat.completions.create(
        model=MODEL,
        messages=HELLO,
        max_tokens=64,
        temperature=0.5,
        top_p=0.9,
        top_k=40,
        min_p=0.05,
        repetition_penalty=1.1,
        frequency_penalty=0.2,
        presence_penalty=0.3,
        stop=["###"],
        token_type="spark",
        tools=[WEATHER],
        tool_choice="none",
        think=False,
        response_format={"type": "json_object"},
        sogni_tools="rich",
        sogni_tool_execution=False,
        task_profile="reasoning",
        app_source="my-app",
        stream=False,
    )
    [request] = net.received("llmJobRequest")
    request.pop("jobID")
    assert list(request) == [
        "type", "model", "messages", "appSource", "max_tokens", "temperature", "top_p",
        "top_k", "min_p", "stream", "repetition_penalty", "frequency_penalty",
        "presence_penalty", "stop", "tokenType", "tools", "tool_choice", "sogni_tools",
        "sogni_tool_execution", "taskProfile", "chat_template_kwargs", "response_format",
    ]  # fmt: skip
    assert request["sogni_tools"] == "creative-tools"
    assert request["chat_template_kwargs"] == {"enable_thinking": False}
    assert request["stream"] is False and request["tokenType"] == "spark"


def test_stream_yields_chunks_and_the_final_result(net: LocalSupernet, chat: SogniClient) -> None:
    stream = chat.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "one two three four"}], stream=True
    )
    assert isinstance(stream, ChatStream)
    assert stream.completion is None
    chunks = list(stream)
    assert [c.content for c in chunks] == ["Echo: ", "one ", "two ", "three ", "four"]
    assert chunks[0].role == "assistant" and chunks[-1].finish_reason == "stop"
    assert chunks[-1].usage is not None
    completion = stream.completion
    assert completion is not None and completion.content == "Echo: one two three four"
    assert stream.content == completion.content
    assert stream.status == "completed" and stream.finish_reason == "stop"
    assert stream.worker_name == "local-llm-worker-1"
    assert stream.usage == completion.usage and stream.cost == completion.cost
    assert net.received("llmJobRequest")[0]["stream"] is True
    assert list(stream) == []


def test_multi_turn_history_is_just_messages(net: LocalSupernet, chat: SogniClient) -> None:
    first = chat.chat.completions.create(model=MODEL, messages=HELLO)
    history: list[Any] = [*HELLO, first, {"role": "user", "content": "and again"}]
    second = chat.chat.completions.create(model=MODEL, messages=history)
    assert second.content == "Echo: and again"
    sent = net.received("llmJobRequest")[1]["messages"]
    assert sent[1] == {"role": "assistant", "content": "Echo: hello there"}
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]


def test_think_turns_thinking_on(net: LocalSupernet, chat: SogniClient) -> None:
    result = chat.chat.completions.create(model=MODEL, messages=HELLO, think=True)
    assert result.content.startswith("<think>\n") and "</think>" in result.content
    assert result.content.endswith("Echo: hello there")
    assert net.received("llmJobRequest")[0]["chat_template_kwargs"] == {"enable_thinking": True}


def test_parameters_outside_the_models_range_fail_before_sending(
    net: LocalSupernet, chat: SogniClient
) -> None:
    models = chat.chat.wait_for_models()
    assert models[MODEL].temperature is not None
    with pytest.raises(ValidationError) as caught:
        chat.chat.completions.create(model=MODEL, messages=HELLO, temperature=5)
    assert caught.value.field == "temperature" and caught.value.allowed == "0 to 2"
    assert net.received("llmJobRequest") == []


def test_llm_job_error_is_a_typed_chat_job_error(net: LocalSupernet, chat: SogniClient) -> None:
    with pytest.raises(ChatJobError) as caught:
        chat.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "hi [fail:overloaded]"}]
        )
    assert caught.value.code == "overloaded"
    assert "The worker failed the job (overloaded)" in str(caught.value)
    assert caught.value.job_id == net.received("llmJobRequest")[0]["jobID"]
    with pytest.raises(ChatJobError) as unknown:
        chat.chat.completions.create(model="no-such-llm", messages=HELLO)
    assert unknown.value.code == "modelNotAvailable"


def test_stream_delivers_buffered_chunks_before_the_error(chat: SogniClient) -> None:
    stream = chat.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "a b c [fail]"}], stream=True
    )
    received: list[str] = []
    with pytest.raises(ChatJobError) as caught:
        for chunk in stream:
            received.append(chunk.content)
    assert "".join(received) == "Echo: a b c "
    assert caught.value.code == "workerError"
    assert stream.status == "failed" and stream.completion is None
    assert stream.error is caught.value


def test_whole_answer_times_out_with_a_typed_error() -> None:
    with LocalSupernet(api_key="k", step_delay=0.5) as net, _client(net) as client:
        with pytest.raises(SogniTimeoutError) as caught:
            client.chat.completions.create(model=MODEL, messages=HELLO, timeout=0.3)
        assert net.received("llmJobRequest")[0]["jobID"] in str(caught.value)


def test_silent_stream_times_out() -> None:
    with LocalSupernet(api_key="k", step_delay=0.5) as net, _client(net) as client:
        stream = client.chat.completions.create(
            model=MODEL, messages=HELLO, stream=True, timeout=0.2
        )
        with pytest.raises(SogniTimeoutError):
            list(stream)


def test_stream_fails_when_the_connection_drops() -> None:
    with LocalSupernet(api_key="k", step_delay=0.2) as net, _client(net) as client:
        words = " ".join(f"w{i}" for i in range(40))
        stream = client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": words}], stream=True
        )
        first = next(stream)
        assert first.content == "Echo: "
        assert net.drop_connections() >= 1
        with pytest.raises(ConnectionLost):
            for _ in stream:
                pass
        assert stream.status == "failed"


def test_chat_models_and_cost_estimate(net: LocalSupernet, chat: SogniClient) -> None:
    models = chat.chat.wait_for_models()
    info = models[MODEL]
    assert info.workers == 2 and info.max_context_length == 262144
    assert info.max_output_tokens is not None and info.max_output_tokens.default == 4096
    assert chat.chat.models == models
    estimate = chat.chat.estimate_cost(
        model=MODEL, messages=HELLO, think=True, task_profile="coding"
    )
    assert estimate.output_tokens == 16384 and estimate.cost_in_token > 0
    request = next(r for r in net.requests() if r.path.startswith("/api/v1/job-llm/estimate/"))
    assert request.path == f"/api/v1/job-llm/estimate/sogni/{MODEL}/11/16384"


# -- vision ---------------------------------------------------------------------------------


def test_vision_images_from_a_path_bytes_and_adata_uri(
    net: LocalSupernet, chat: SogniClient, tmp_path: Path
) -> None:
    path = tmp_path / "blue.png"
    path.write_bytes(pillow_png(64, 32, "blue"))
    jpeg = io.BytesIO()
    Image.new("RGB", (40, 40), "green").save(jpeg, "JPEG")
    uri = data_uri(pillow_png(16, 16))
    result = chat.chat.completions.create(
        model=MODEL,
        messages=[
            {
                "role": "user",
                "content": [
                    "Describe these",
                    path,
                    jpeg.getvalue(),
                    {"type": "image_url", "image_url": {"url": uri}},
                ],
            }
        ],
    )
    assert result.content == "Echo: Describe these [3 images]"
    parts = net.received("llmJobRequest")[0]["messages"][0]["content"]
    assert parts[0] == {"type": "text", "text": "Describe these"}
    assert parts[1]["image_url"]["url"] == data_uri(path.read_bytes())
    assert parts[2]["image_url"]["url"].startswith("data:image/jpeg;base64,")
    assert parts[3] == {"type": "image_url", "image_url": {"url": uri}}


def test_oversized_images_are_downscaled_with_pillow(net: LocalSupernet, chat: SogniClient) -> None:
    chat.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": ["look", pillow_png(2048, 512)]}]
    )
    url = net.received("llmJobRequest")[0]["messages"][0]["content"][1]["image_url"]["url"]
    data = base64.b64decode(url.split(",", 1)[1])
    with Image.open(io.BytesIO(data)) as image:
        assert max(image.size) == 1024


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        (["x", b"GIF89a" + b"\0" * 20], "messages[0].content[1]", "decode"),
        (
            [{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}],
            "messages[0].content[0]",
            "data",
        ),
        (["x", *[pillow_png(8, 8)] * 21], "messages[0].content[21]", "20"),
        ([Path("/nonexistent/image.png")], "messages", "cannot read"),
    ],
)
def test_bad_vision_inputs_raise_before_anything_is_sent(
    net: LocalSupernet, chat: SogniClient, content: list[Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        chat.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": content}])
    assert caught.value.field == field
    assert words in str(caught.value)
    assert net.received("llmJobRequest") == []


def test_oversized_images_are_rejected_when_resizing_is_unavailable(
    net: LocalSupernet, chat: SogniClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sogni.core.chat import vision

    monkeypatch.setattr(vision, "_can_resize", lambda: False)
    with pytest.raises(ValidationError) as caught:
        chat.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": ["x", pillow_png(1100, 10)]}]
        )
    assert "1024" in str(caught.value) and caught.value.field == "messages[0].content[1]"
    assert net.received("llmJobRequest") == []


# -- tool calling -------------------------------------------------------------------------------


def test_user_tool_call_is_assembled_from_streamed_deltas(chat: SogniClient) -> None:
    stream = chat.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Oslo"}],
        tools=[WEATHER],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        stream=True,
    )
    deltas = [d for chunk in stream for d in chunk.tool_calls or ()]
    assert len(deltas) >= 2 and deltas[0].function is not None
    assert deltas[0].function.name == "get_weather"
    completion = stream.completion
    assert completion is not None and completion.finish_reason == "tool_calls"
    [call] = completion.tool_calls
    assert call.id.startswith("call_") and call.name == "get_weather"
    assert parse_tool_call_arguments(call) == {"city": "Oslo"}
    assert not is_sogni_tool_call(call)


def test_tool_results_go_back_as_messages(net: LocalSupernet, chat: SogniClient) -> None:
    messages: list[Any] = [{"role": "user", "content": "weather? get_weather"}]
    first = chat.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER])
    [call] = first.tool_calls
    messages += [
        first,
        {"role": "tool", "tool_call_id": call.id, "name": call.name, "content": "sunny"},
    ]
    second = chat.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER])
    assert second.content == "Tool get_weather returned: sunny"
    sent = net.received("llmJobRequest")[1]["messages"]
    assert sent[1] == {"role": "assistant", "content": None, "tool_calls": [call.to_dict()]}


def test_auto_execute_runs_user_tools_through_the_handler(chat: SogniClient) -> None:
    seen: list[ToolCall] = []

    def handler(call: ToolCall) -> dict[str, Any]:
        seen.append(call)
        return {"city": parse_tool_call_arguments(call)["city"], "sky": "clear"}

    result = chat.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "use get_weather"}],
        tools=[WEATHER],
        auto_execute_tools=True,
        on_tool_call=handler,
    )
    assert len(seen) == 1
    expected = {"city": "use get_weather", "sky": "clear"}
    assert result.content == f"Tool get_weather returned: {json.dumps(expected)}"
    [round_] = result.tool_history
    assert round_.round == 0 and round_.tool_calls == tuple(seen)
    assert round_.tool_results[0].success


def test_auto_execute_refuses_streaming(net: LocalSupernet, chat: SogniClient) -> None:
    with pytest.raises(ValidationError) as caught:
        chat.chat.completions.create(
            model=MODEL, messages=HELLO, stream=True, auto_execute_tools=True
        )
    assert caught.value.field == "auto_execute_tools"
    assert net.received("llmJobRequest") == []


def test_auto_execute_stops_after_the_round_limit(chat: SogniClient) -> None:
    from sogni import SogniError

    with pytest.raises(SogniError, match="after 2 rounds"):
        chat.chat.completions.create(
            model=MODEL,
            messages=HELLO,
            tools=[WEATHER],
            tool_choice="required",
            auto_execute_tools=True,
            max_tool_rounds=2,
            on_tool_call=lambda call: "ok",
        )


# -- Sogni tools ------------------------------------------------------------------------------


def _sogni_call(name: str, arguments: Any, call_id: str = "call_1") -> dict[str, Any]:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": text}}


def test_sogni_tool_execute_renders_an_image(net: LocalSupernet, chat: SogniClient) -> None:
    progress: list[ToolProgress] = []
    call = _sogni_call(
        "sogni_generate_image",
        {
            "prompt": "a red fox",
            "model": "flux1-schnell-fp8",
            "width": 512,
            "height": 384,
            "output_format": "jpeg",
            "number_of_variations": 2,
        },
    )
    result = chat.chat.tools.execute(call, on_progress=progress.append)
    assert result.success and result.tool_call_id == "call_1"
    assert len(result.result_urls) == 2
    content = json.loads(result.content)
    assert content == {
        "success": True,
        "media_type": "image",
        "urls": list(result.result_urls),
        "model": "flux1-schnell-fp8",
        "prompt": "a red fox",
    }
    [request] = net.received("jobRequest")
    key_frame = request["keyFrames"][0]
    assert key_frame["modelID"] == "flux1-schnell-fp8"
    assert key_frame["positivePrompt"] == "a red fox"
    assert (key_frame["width"], key_frame["height"]) == (512, 384)
    assert request["numberOfImages"] == 2 and request["outputFormat"] == "jpg"
    statuses = [p.status for p in progress]
    assert statuses[:2] == ["creating", "queued"] and statuses[-1] == "completed"
    assert "processing" in statuses and progress[-1].result_urls == result.result_urls
    image = httpx.get(result.result_urls[0], timeout=10)
    assert image.headers["content-type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"model": "flux1-schnell-fp8"}, '"prompt"'),
        ({"prompt": "fox", "width": "wide"}, '"width"'),
        ({"prompt": "fox", "output_format": "gif"}, '"output_format"'),
        ([1, 2], "arguments"),
    ],
)
def test_invalid_sogni_tool_arguments_give_an_error_result_and_no_project(
    net: LocalSupernet, chat: SogniClient, arguments: Any, argument: str
) -> None:
    result = chat.chat.tools.execute(_sogni_call("sogni_generate_image", arguments))
    assert not result.success
    assert result.error is not None and argument in result.error
    assert json.loads(result.content) == {"success": False, "error": result.error}
    assert net.received("jobRequest") == []


def _wav_uri() -> str:
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\0\0" * 8000)
    return data_uri(buffer.getvalue(), "audio/wav")


CLIP = Path(__file__).resolve().parents[2] / "examples" / "assets" / "clip.mp4"


def _media_calls() -> list[tuple[str, dict[str, Any], str, str, dict[str, Any], list[str]]]:
    """(tool, arguments, media, model, keyFrame entries, uploaded asset types)."""
    image = data_uri(pillow_png(64, 64))
    return [
        (
            "sogni_generate_video",
            {"prompt": "waves", "duration": 2},
            "video",
            "ltx23-22b-fp8_t2v_distilled",
            {"fps": 24},
            [],
        ),
        (
            "sogni_generate_video",
            {"prompt": "waves", "reference_image_url": image},
            "video",
            "ltx23-22b-fp8_i2v_distilled",
            {"hasReferenceImage": True},
            ["referenceImage"],
        ),
        (
            "sogni_sound_to_video",
            {
                "prompt": "singing",
                "reference_audio_url": _wav_uri(),
                "reference_image_url": image,
                "duration": 2,
            },
            "video",
            "ltx23-22b-fp8_ia2v_distilled",
            {"hasReferenceAudio": True, "audioDuration": 2},
            ["referenceAudio", "referenceImage"],
        ),
        (
            "sogni_video_to_video",
            {
                "prompt": "cartoon",
                "control_mode": "canny",
                "duration": 2,
                "reference_video_url": data_uri(CLIP.read_bytes(), "video/mp4"),
            },
            "video",
            "ltx23-22b-fp8_v2v_distilled",
            {"currentControlNetsJob": [{"name": "canny", "controlStrength": 0.85}]},
            ["referenceVideo"],
        ),
        (
            "sogni_edit_image",
            {"prompt": "make it blue", "source_image_url": image},
            "image",
            "flux1-dev-kontext_fp8_scaled",
            {"hasContextImage1": True},
            ["contextImage1"],
        ),
        (
            "sogni_generate_music",
            {"prompt": "rain", "duration": 10, "bpm": 90, "timesignature": "3", "model": "sft"},
            "audio",
            "ace_step_1.5_sft",
            {"bpm": 90, "timesignature": "3", "duration": 10},
            [],
        ),
    ]


@pytest.mark.parametrize(
    ("tool", "arguments", "media", "model", "key_frame", "uploads"),
    _media_calls(),
    ids=["t2v", "i2v", "ia2v", "v2v-canny", "edit", "music"],
)
def test_sogni_tools_render_every_kind_of_media(
    net: LocalSupernet,
    chat: SogniClient,
    tool: str,
    arguments: dict[str, Any],
    media: str,
    model: str,
    key_frame: dict[str, Any],
    uploads: list[str],
) -> None:
    result = chat.chat.tools.execute(_sogni_call(tool, arguments))
    assert result.success, result.error
    content = json.loads(result.content)
    assert content["media_type"] == media and content["model"] == model
    [request] = net.received("jobRequest")
    sent = request["keyFrames"][0]
    assert sent["modelID"] == model and sent["positivePrompt"] == arguments["prompt"]
    assert {k: sent.get(k) for k in key_frame} == key_frame
    assert sorted(u.type for u in net.uploads()) == sorted(uploads)
    response = httpx.get(result.result_urls[0], timeout=10)
    expected = {"image": "image/", "video": "video/mp4", "audio": "audio/"}[media]
    assert response.status_code == 200 and response.headers["content-type"].startswith(expected)


def test_execute_refuses_a_non_sogni_call(chat: SogniClient) -> None:
    with pytest.raises(ValidationError):
        chat.chat.tools.execute(_sogni_call("get_weather", {"city": "Oslo"}))


def test_execute_all_runs_calls_in_order(net: LocalSupernet, chat: SogniClient) -> None:
    calls = [
        _sogni_call("get_weather", {"city": "Oslo"}, "a"),
        _sogni_call("sogni_generate_image", {"prompt": "a boat"}, "b"),
        _sogni_call("lookup", {}, "c"),
    ]
    progress: list[tuple[str, str]] = []
    results = chat.chat.tools.execute_all(
        calls,
        on_tool_call=lambda call: "sunny" if call.name == "get_weather" else 1 / 0,
        on_tool_progress=lambda call, p: progress.append((call.id, p.status)),
    )
    assert [r.tool_call_id for r in results] == ["a", "b", "c"]
    assert results[0].success and results[0].content == "sunny"
    assert results[1].success and len(results[1].result_urls) == 1
    assert not results[2].success and "division by zero" in (results[2].error or "")
    assert {call_id for call_id, _ in progress} == {"b"}
    too_many = [_sogni_call("sogni_generate_image", {"prompt": "x"}, str(i)) for i in range(9)]
    with pytest.raises(ValidationError):
        chat.chat.tools.execute_all(too_many)
    assert len(net.received("jobRequest")) == 1


def test_sogni_tools_round_trip_with_auto_execution(net: LocalSupernet, chat: SogniClient) -> None:
    events: list[str] = []
    result = chat.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Please draw an image of a lighthouse"}],
        tools=SogniTools,
        auto_execute_tools=True,
        on_tool_progress=lambda call, p: events.append(p.status),
    )
    [round_] = result.tool_history
    [call] = round_.tool_calls
    assert call.name == "generate_image" and is_sogni_tool_call(call)
    [tool_result] = round_.tool_results
    assert tool_result.success and tool_result.result_urls
    assert result.content.startswith("Tool generate_image returned: {")
    assert events[0] == "creating" and events[-1] == "completed"
    assert len(net.received("jobRequest")) == 1
    tools_sent = net.received("llmJobRequest")[0]["tools"]
    assert [t["function"]["name"] for t in tools_sent] == list(SogniTools.names)


def test_tool_definitions_follow_the_available_models(chat: SogniClient) -> None:
    definitions = chat.chat.tools.definitions()
    image = next(d for d in definitions if d["function"]["name"] == "sogni_generate_image")
    enum = image["function"]["parameters"]["properties"]["model"]["enum"]
    available = {m.id for m in chat.projects.available_models if m.media == "image"}
    assert set(enum) == available


# -- hosted ------------------------------------------------------------------------------------


def test_hosted_completion(net: LocalSupernet, chat: SogniClient) -> None:
    result = chat.chat.hosted.create(
        model=MODEL,
        messages=HELLO,
        token_type="auto",
        think=True,
        sogni_tools=False,
        media_references=[{"url": "https://example.com/a.png"}],
    )
    assert isinstance(result, HostedChatCompletion)
    assert result.content.endswith("Echo: hello there") and result.finish_reason == "stop"
    assert result.usage is not None and result.usage.total_tokens
    [request] = [r for r in net.requests() if r.path == "/v1/chat/completions"]
    assert request.json == {
        "model": MODEL,
        "messages": HELLO,
        "token_type": "auto",
        "sogni_tools": False,
        "media_references": [{"url": "https://example.com/a.png"}],
        "chat_template_kwargs": {"enable_thinking": True},
    }


def test_hosted_creative_tools_render_media(net: LocalSupernet, chat: SogniClient) -> None:
    result = chat.chat.hosted.create(
        model=MODEL,
        messages=[{"role": "user", "content": "make a picture of a castle"}],
        sogni_tools="rich",
    )
    [request] = [r for r in net.requests() if r.path == "/v1/chat/completions"]
    assert request.json["sogni_tools"] == "creative-tools"
    [tool_result] = result.sogni_tool_results
    assert tool_result["success"] is True and tool_result["tool_name"] == "generate_image"
    assert result.content.startswith("Tool generate_image returned:")
    image = httpx.get(tool_result["urls"][0], timeout=10)
    with Image.open(io.BytesIO(image.content)) as decoded:
        assert decoded.format == "PNG"


def test_hosted_without_execution_returns_the_tool_calls(chat: SogniClient) -> None:
    result = chat.chat.hosted.create(
        model=MODEL,
        messages=[{"role": "user", "content": "compose a song about rain"}],
        sogni_tools=True,
        sogni_tool_execution=False,
    )
    assert result.finish_reason == "tool_calls" and result.sogni_tool_results == ()
    [call] = result.tool_calls
    assert call.name == "generate_music"
    assert parse_tool_call_arguments(call)["prompt"] == "compose a song about rain"


def test_hosted_refuses_bad_input_before_sending(net: LocalSupernet, chat: SogniClient) -> None:
    with pytest.raises(ValidationError):
        chat.chat.hosted.create(model=MODEL, messages=HELLO, sogni_tools="everything")  # type: ignore[arg-type]
    assert not [r for r in net.requests() if r.path == "/v1/chat/completions"]


# -- concurrency -------------------------------------------------------------------------------


def test_concurrent_completions_from_threads(chat: SogniClient) -> None:
    results: dict[int, str] = {}

    def ask(index: int) -> None:
        answer = chat.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": f"question {index}"}]
        )
        results[index] = answer.content

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == {i: f"Echo: question {i}" for i in range(8)}


def test_llm_models_accept_both_wire_forms(chat: SogniClient) -> None:
    chat.chat.wait_for_models()
    hub = chat._conn.hub
    hub.dispatch("swarmLLMModels", {"legacy-llm": 3, MODEL: {"workers": 5, "maxContextLength": 8}})
    models = chat.chat.models
    assert set(models) == {"legacy-llm", MODEL}
    assert models["legacy-llm"].workers == 3 and models["legacy-llm"].max_context_length is None
    assert models[MODEL].workers == 5 and models[MODEL].max_context_length == 8


def test_stream_status_follows_the_job_states() -> None:
    with LocalSupernet(api_key="k", step_delay=0.2) as net, _client(net) as client:
        stream = client.chat.completions.create(model=MODEL, messages=HELLO, stream=True)
        assert stream.status in ("sent", "pending", "queued", "assigned", "jobStarted")
        first = next(stream)
        assert first.role == "assistant" and stream.status == "jobStarted"
        assert stream.worker_name == "local-llm-worker-1"
        stream.wait_for_completion()
        assert stream.status == "completed"
