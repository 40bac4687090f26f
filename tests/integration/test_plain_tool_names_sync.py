"""The plain-named hosted tools with the sync client against the local Supernet: tool
execution, the tool loop, hosted completions, workflow steps and extra_body."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sogni import SogniClient, SogniTools, ToolCall, ValidationError
from sogni.testing import LocalSupernet

MODEL = "qwen3.6-35b-a3b-gguf-iq4xs"
WORKFLOWS = "/v1/creative-agent/workflows"
HELLO = [{"role": "user", "content": "hello there"}]
# One step per kind of output: image, video, audio, 3D model, text.
MEDIA_STEPS: list[dict[str, Any]] = [
    {"id": "still", "toolName": "generate_image",
     "arguments": {"prompt": "a paper kite", "width": 512, "height": 512}},
    {"id": "clip", "toolName": "animate_photo", "arguments": {"prompt": "it flies", "duration": 1},
     "dependsOn": [{"sourceStepId": "still", "targetArgument": "sourceImageIndex",
                    "transform": "image_index"}]},
    {"id": "voice", "toolName": "generate_speech", "arguments": {"prompt": "Up it goes."}},
    {"id": "mesh", "toolName": "image_to_3d", "arguments": {},
     "dependsOn": [{"sourceStepId": "still", "targetArgument": "source_image_url",
                    "transform": "artifact_url"}]},
    {"id": "script", "toolName": "compose_script", "arguments": {"brief": "a kite ad"}},
]  # fmt: skip


@pytest.fixture
def sogni(net: LocalSupernet) -> Iterator[SogniClient]:
    with SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    ) as client:
        client.projects.wait_for_models(10)
        yield client


def _call(name: str, arguments: Any, call_id: str = "call_1") -> dict[str, Any]:
    return {"id": call_id, "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)}}  # fmt: skip


def _without_ids(request: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in request.items() if k not in ("jobID", "projectId", "id")}


def _posted(net: LocalSupernet, path: str) -> list[Any]:
    return [r.json for r in net.requests() if r.method == "POST" and r.path == path]


# -- chat.tools.execute -----------------------------------------------------------------------


def test_generate_image_runs_exactly_as_its_older_twin(
    net: LocalSupernet, sogni: SogniClient
) -> None:
    plain = sogni.chat.tools.execute(
        _call("generate_image", {"prompt": "a red fox", "model": "flux2", "width": 640,
                                 "height": 512, "numberOfVariations": 2, "seed": 5,
                                 "negativePrompt": "blur", "outputFormat": "jpeg"}),
        token_type="spark",
    )  # fmt: skip
    older = sogni.chat.tools.execute(
        _call("sogni_generate_image", {"prompt": "a red fox", "model": "flux2", "width": 640,
                                       "height": 512, "number_of_variations": 2, "seed": 5,
                                       "negative_prompt": "blur", "output_format": "jpeg"}),
        token_type="spark",
    )  # fmt: skip
    assert plain.success and older.success
    assert plain.tool_name == "generate_image" and len(plain.result_urls) == 2
    first, second = net.received("jobRequest")
    assert _without_ids(first) == _without_ids(second)
    assert first["keyFrames"][0]["modelID"] == "flux2_dev_fp8"
    assert first["keyFrames"][0]["negativePrompt"] == "blur"
    assert first["outputFormat"] == "jpg" and first["tokenType"] == "spark"
    content = json.loads(plain.content)
    assert content["media_type"] == "image" and content["urls"] == list(plain.result_urls)
    image = httpx.get(plain.result_urls[0], timeout=10)
    assert image.headers["content-type"] == "image/jpeg"


def test_execute_all_runs_plain_generation_tools_and_your_own(
    net: LocalSupernet, sogni: SogniClient
) -> None:
    seen: list[str] = []

    def weather(call: ToolCall) -> str:
        seen.append(call.name)
        return "sunny"

    results = sogni.chat.tools.execute_all(
        [
            _call("generate_music", {"prompt": "calm piano", "duration": 10}, "a"),
            _call("generate_video", {"prompt": "waves", "duration": 2}, "b"),
            _call("get_weather", {"city": "Oslo"}, "c"),
        ],
        on_tool_call=weather,
    )
    assert [r.success for r in results] == [True, True, True]
    assert [json.loads(r.content).get("media_type") for r in results[:2]] == ["audio", "video"]
    assert results[2].content == "sunny" and seen == ["get_weather"]
    assert len(net.received("jobRequest")) == 2


def test_hosted_only_tool_is_an_error_result_without_any_io(
    net: LocalSupernet, sogni: SogniClient
) -> None:
    requests, messages = len(net.requests()), len(net.received())
    results = sogni.chat.tools.execute_all(
        [_call("apply_style", {"prompt": "70s film"}, "s"),
         _call("compose_script", {"brief": "a trailer"}, "t")]
    )  # fmt: skip
    for result in results:
        assert not result.success and result.error is not None
        assert "chat.hosted.create()" in result.error
        assert json.loads(result.content) == {"success": False, "error": result.error}
    assert (len(net.requests()), len(net.received())) == (requests, messages)


def test_bad_arguments_fail_before_any_io(net: LocalSupernet, sogni: SogniClient) -> None:
    call = _call("generate_image", {"prompt": "fox", "outputFormat": "tiff"})
    with pytest.raises(ValidationError) as info:
        SogniTools.validate(call)
    assert info.value.field == "outputFormat" and "png" in (info.value.allowed or ())
    result = sogni.chat.tools.execute(call)
    assert not result.success and '"outputFormat"' in (result.error or "")
    with pytest.raises(ValidationError) as step:
        sogni.creative_workflows.start_hosted_tool_sequence(
            [{"toolName": "upscale_video", "arguments": {"targetResolution": 720}}]
        )
    assert step.value.field == "steps[0].arguments.targetResolution"
    assert net.received("jobRequest") == [] and _posted(net, WORKFLOWS) == []


def test_the_tool_loop_runs_a_plain_tool_the_model_calls(
    net: LocalSupernet, sogni: SogniClient
) -> None:
    answer = sogni.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "draw an image of a kite"}],
        tools=SogniTools.direct,
        auto_execute_tools=True,
    )
    [round_] = answer.tool_history
    assert [c.name for c in round_.tool_calls] == ["generate_image"]
    assert round_.tool_results[0].success and round_.tool_results[0].result_urls
    assert answer.content.startswith("Tool generate_image returned:")
    offered = net.received("llmJobRequest")[0]["tools"]
    assert [t["function"]["name"] for t in offered] == list(SogniTools.direct.names)


# -- hosted completions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tool", "media_type"),
    [
        ("please run image_to_3d on it", "image_to_3d", "model"),
        ("use compose_lyrics for a song about rain", "compose_lyrics", "text"),
        ("generate_speech: good morning", "generate_speech", "audio"),
    ],
)
def test_the_network_runs_hosted_only_tools(
    sogni: SogniClient, text: str, tool: str, media_type: str
) -> None:
    answer = sogni.chat.hosted.create(
        model=MODEL, messages=[{"role": "user", "content": text}], sogni_tools=True
    )
    [result] = answer.sogni_tool_results
    assert result["tool_name"] == tool and result["success"] is True
    assert result["media_type"] == media_type
    if media_type == "model":
        glb = httpx.get(result["urls"][0], timeout=10)
        assert glb.headers["content-type"] == "model/gltf-binary"
        assert glb.content[:4] == b"glTF"


# -- workflow steps -----------------------------------------------------------------------------


def test_plain_workflow_steps_produce_each_kind_of_output(net: LocalSupernet) -> None:
    with SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url,
        connect=False,
    ) as client:  # fmt: skip
        record = client.creative_workflows.start_hosted_tool_sequence(MEDIA_STEPS, title="kite")
        final = client.creative_workflows.wait(record.workflow_id, timeout=30)
    assert final.status == "completed"
    kinds = [(a.extra.get("stepId"), a.media_type) for a in final.artifacts or ()]
    assert kinds == [("still", "image"), ("clip", "video"), ("voice", "audio"),
                     ("mesh", "model"), ("script", "text")]  # fmt: skip
    mesh = next(a for a in final.artifacts or () if a.media_type == "model")
    assert mesh.url is not None and httpx.get(mesh.url, timeout=10).content[:4] == b"glTF"
    [sent] = _posted(net, WORKFLOWS)
    assert [s["toolName"] for s in sent["input"]["steps"]] == [s["toolName"] for s in MEDIA_STEPS]
    assert sent["input"]["steps"][1]["dependsOn"][0]["transform"] == "image_index"


def test_older_and_plain_steps_mix(net: LocalSupernet) -> None:
    steps: list[dict[str, Any]] = [
        {"id": "a", "toolName": "sogni_generate_image", "arguments": {"prompt": "a boat"}},
        {"id": "b", "toolName": "generate_video", "arguments": {"prompt": "it sails"},
         "dependsOn": [{"sourceStepId": "a", "targetArgument": "reference_image_url",
                        "transform": "artifact_url"}]},
    ]  # fmt: skip
    with SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url,
        connect=False,
    ) as client:  # fmt: skip
        record = client.creative_workflows.start_hosted_tool_sequence(steps)
        final = client.creative_workflows.wait(record.workflow_id, timeout=30)
    assert final.status == "completed"
    assert [a.media_type for a in final.artifacts or ()] == ["image", "video"]


# -- extra_body ---------------------------------------------------------------------------------

EXTRA = {"reasoningEffort": "low", "x_trace": {"ids": [1, 2], "on": True}}


def test_extra_body_arrives_verbatim(net: LocalSupernet, sogni: SogniClient) -> None:
    sogni.chat.completions.create(model=MODEL, messages=HELLO, extra_body=EXTRA)
    [socket] = net.received("llmJobRequest")
    assert {k: socket[k] for k in EXTRA} == EXTRA
    sogni.chat.hosted.create(model=MODEL, messages=HELLO, extra_body=EXTRA)
    [hosted] = _posted(net, "/v1/chat/completions")
    assert {k: hosted[k] for k in EXTRA} == EXTRA
    sogni.creative_workflows.start(
        input={"steps": MEDIA_STEPS[:1]}, extra_body={"safeContentFilter": False}
    )
    sogni.creative_workflows.start_hosted_tool_sequence(
        MEDIA_STEPS[:1], extra_body={"billingMode": "auto"}
    )
    sogni.creative_workflows.start_image_to_video("a kite", extra_body={"priority": 2})
    first, second, third = _posted(net, WORKFLOWS)
    assert first["safeContentFilter"] is False and second["billingMode"] == "auto"
    assert third["priority"] == 2 and third["kind"] == "image_to_video"


def test_extra_body_may_not_repeat_a_keyword(net: LocalSupernet, sogni: SogniClient) -> None:
    with pytest.raises(ValidationError) as socket:
        sogni.chat.completions.create(model=MODEL, messages=HELLO, extra_body={"tokenType": "x"})
    assert socket.value.field == "extra_body.tokenType" and "token_type=" in socket.value.message
    with pytest.raises(ValidationError) as hosted:
        sogni.chat.hosted.create(model=MODEL, messages=HELLO, extra_body={"model": "other"})
    assert hosted.value.allowed == ["model"]
    with pytest.raises(ValidationError) as start:
        sogni.creative_workflows.start(input={}, extra_body={"confirm_cost": True})
    assert start.value.allowed == ["confirm_cost"]
    with pytest.raises(ValidationError):
        sogni.chat.completions.create(model=MODEL, messages=HELLO, extra_body={"x": float("inf")})
    assert net.received("llmJobRequest") == []
    assert _posted(net, "/v1/chat/completions") == [] and _posted(net, WORKFLOWS) == []
