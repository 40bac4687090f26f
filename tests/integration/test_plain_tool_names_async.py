"""The plain-named hosted tools with the async client against the local Supernet: tool
execution, the tool loop, hosted completions, workflow steps and extra_body."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sogni import SogniTools, ToolCall, ToolProgress, ValidationError
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

pytestmark = pytest.mark.anyio

MODEL = "qwen3.6-35b-a3b-gguf-iq4xs"
WORKFLOWS = "/v1/creative-agent/workflows"
HELLO = [{"role": "user", "content": "hello there"}]


def _client(net: LocalSupernet, **kwargs: Any) -> AsyncSogniClient:
    return AsyncSogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url, **kwargs
    )


def _call(name: str, arguments: Any, call_id: str = "call_1") -> dict[str, Any]:
    return {"id": call_id, "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)}}  # fmt: skip


def _posted(net: LocalSupernet, path: str) -> list[Any]:
    return [r.json for r in net.requests() if r.method == "POST" and r.path == path]


async def test_generate_image_runs_exactly_as_its_older_twin(net: LocalSupernet) -> None:
    progress: list[str] = []

    async def on_progress(update: ToolProgress) -> None:
        progress.append(update.status)

    async with _client(net) as client:
        plain = await client.chat.tools.execute(
            _call("generate_image", {"prompt": "a heron", "numberOfVariations": 2, "seed": 3,
                                     "negativePrompt": "blur"}),
            on_progress=on_progress,
        )  # fmt: skip
        older = await client.chat.tools.execute(
            _call("sogni_generate_image", {"prompt": "a heron", "number_of_variations": 2,
                                           "seed": 3, "negative_prompt": "blur"}),
        )  # fmt: skip
    assert plain.success and older.success and len(plain.result_urls) == 2
    assert progress[0] == "creating" and progress[-1] == "completed"
    first, second = net.received("jobRequest")
    same = ("keyFrames", "numberOfImages", "tokenType", "network")
    assert {k: first.get(k) for k in same} == {k: second.get(k) for k in same}
    assert first["keyFrames"][0]["negativePrompt"] == "blur"


async def test_execute_all_mixes_plain_hosted_only_and_own_tools(net: LocalSupernet) -> None:
    async def own(call: ToolCall) -> str:
        return f"ran {call.name}"

    async with _client(net) as client:
        await client.projects.wait_for_models(10)
        results = await client.chat.tools.execute_all(
            [
                _call("generate_music", {"prompt": "rain", "duration": 10}, "a"),
                _call("remove_background", {}, "b"),
                _call("lookup", {"term": "x"}, "c"),
            ],
            on_tool_call=own,
        )
    music, hosted_only, mine = results
    assert music.success and json.loads(music.content)["media_type"] == "audio"
    assert not hosted_only.success and "chat.hosted.create()" in (hosted_only.error or "")
    assert mine.success and mine.content == "ran lookup"
    assert len(net.received("jobRequest")) == 1


async def test_bad_arguments_fail_before_any_io(net: LocalSupernet) -> None:
    async with _client(net, connect=False) as client:
        with pytest.raises(ValidationError) as info:
            await client.creative_workflows.start_hosted_tool_sequence(
                [{"toolName": "dance_montage", "arguments": {"dance": "tango"}}]
            )
        assert info.value.field == "steps[0].arguments.dance"
        assert "rasputin" in (info.value.allowed or ())
    with pytest.raises(ValidationError) as direct:
        SogniTools.validate(_call("edit_image", {"prompt": "x", "numberOfVariations": 0}))
    assert direct.value.field == "numberOfVariations"
    assert _posted(net, WORKFLOWS) == []


async def test_the_tool_loop_and_hosted_tools(net: LocalSupernet) -> None:
    async with _client(net) as client:
        answer = await client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "compose a song about the sea"}],
            tools=SogniTools.direct,
            auto_execute_tools=True,
        )
        hosted = await client.chat.hosted.create(
            model=MODEL,
            messages=[{"role": "user", "content": "use compose_script for a kite ad"}],
            sogni_tools="creative-tools",
        )
    [round_] = answer.tool_history
    assert round_.tool_calls[0].name == "generate_music" and round_.tool_results[0].success
    [result] = hosted.sogni_tool_results
    assert result["tool_name"] == "compose_script" and result["media_type"] == "text"


async def test_plain_workflow_steps_run(net: LocalSupernet) -> None:
    steps: list[dict[str, Any]] = [
        {"id": "still", "toolName": "generate_image", "arguments": {"prompt": "a lantern"}},
        {"id": "bigger", "toolName": "upscale_image", "arguments": {"scale": 2},
         "dependsOn": [{"sourceStepId": "still", "targetArgument": "sourceImageIndex",
                        "transform": "image_index"}]},
        {"id": "mesh", "toolName": "image_to_3d", "arguments": {}},
    ]  # fmt: skip
    async with _client(net, connect=False) as client:
        record = await client.creative_workflows.start_hosted_tool_sequence(steps)
        final = await client.creative_workflows.wait(record.workflow_id, timeout=30)
    assert final.status == "completed"
    assert [a.media_type for a in final.artifacts or ()] == ["image", "image", "model"]


async def test_extra_body_arrives_verbatim_and_keywords_are_protected(net: LocalSupernet) -> None:
    extra = {"reasoningEffort": "high", "x_tags": ["a", "b"]}
    async with _client(net) as client:
        await client.chat.completions.create(model=MODEL, messages=HELLO, extra_body=extra)
        await client.chat.hosted.create(model=MODEL, messages=HELLO, extra_body=extra)
        await client.creative_workflows.start(
            input={"steps": [{"toolName": "generate_image", "arguments": {"prompt": "x"}}]},
            extra_body={"safeContentFilter": True},
        )
        with pytest.raises(ValidationError) as info:
            await client.chat.completions.create(
                model=MODEL, messages=HELLO, extra_body={"chat_template_kwargs": {}}
            )
        assert info.value.allowed == ["think"]
    [socket] = net.received("llmJobRequest")
    assert {k: socket[k] for k in extra} == extra
    [hosted] = _posted(net, "/v1/chat/completions")
    assert {k: hosted[k] for k in extra} == extra
    [workflow] = _posted(net, WORKFLOWS)
    assert workflow["safeContentFilter"] is True
