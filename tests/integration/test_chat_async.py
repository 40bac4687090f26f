"""LLM chat with the async client against the local Supernet."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import httpx
import pytest

from sogni import (
    ChatCompletion,
    ChatJobError,
    ConnectionLost,
    HostedChatCompletion,
    SogniTimeoutError,
    SogniTools,
    ToolCall,
    ToolProgress,
    ValidationError,
    parse_tool_call_arguments,
)
from sogni.testing import LocalSupernet
from sogni_async import AsyncChatStream, AsyncSogniClient

pytestmark = pytest.mark.anyio

MODEL = "qwen3.6-35b-a3b-gguf-iq4xs"
HELLO = [{"role": "user", "content": "hello there"}]
LOOKUP = {
    "type": "function",
    "function": {
        "name": "lookup",
        "parameters": {
            "type": "object",
            "required": ["term"],
            "properties": {"term": {"type": "string"}},
        },
    },
}


def _client(net: LocalSupernet, **kwargs: Any) -> AsyncSogniClient:
    return AsyncSogniClient(
        api_key=net.api_key,
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        **kwargs,
    )


async def test_completion_and_models(net: LocalSupernet) -> None:
    async with _client(net) as client:
        models = await client.chat.wait_for_models()
        assert MODEL in models and client.chat.models == models
        result = await client.chat.completions.create(model=MODEL, messages=HELLO)
        assert isinstance(result, ChatCompletion)
        assert result.content == "Echo: hello there" and result.cost is not None
        estimate = await client.chat.estimate_cost(model=MODEL, messages=HELLO, max_tokens=10)
        assert estimate.output_tokens == 10
    [request] = net.received("llmJobRequest")
    assert request == {"jobID": result.job_id, "type": "llm", "model": MODEL, "messages": HELLO}


async def test_stream_with_async_for(net: LocalSupernet) -> None:
    async with _client(net) as client:
        stream = await client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "a b c"}], stream=True, think=True
        )
        assert isinstance(stream, AsyncChatStream)
        pieces = [chunk.content async for chunk in stream]
        completion = stream.completion
    assert completion is not None and "".join(pieces) == completion.content
    assert completion.content.startswith("<think>") and completion.content.endswith("Echo: a b c")
    assert stream.status == "completed" and stream.worker_name == "local-llm-worker-1"


async def test_stream_chunks_are_delivered_in_the_event_loop(net: LocalSupernet) -> None:
    async with _client(net) as client:
        stream = await client.chat.completions.create(model=MODEL, messages=HELLO, stream=True)
        threads = {threading.current_thread().name async for _ in stream}
    assert threads == {threading.current_thread().name}


async def test_errors_are_typed(net: LocalSupernet) -> None:
    async with _client(net) as client:
        with pytest.raises(ChatJobError) as caught:
            await client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": "[fail:quota]"}]
            )
        assert caught.value.code == "quota"
        stream = await client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "x y [fail]"}], stream=True
        )
        received = []
        with pytest.raises(ChatJobError):
            async for chunk in stream:
                received.append(chunk.content)
        assert "".join(received) == "Echo: x y "
        with pytest.raises(ValidationError):
            await client.chat.completions.create(model=MODEL, messages=[])
    assert len(net.received("llmJobRequest")) == 2


async def test_timeouts_and_disconnects_end_streams() -> None:
    with LocalSupernet(api_key="k", step_delay=0.3) as net:
        async with _client(net) as client:
            with pytest.raises(SogniTimeoutError):
                await client.chat.completions.create(model=MODEL, messages=HELLO, timeout=0.2)
            silent = await client.chat.completions.create(
                model=MODEL, messages=HELLO, stream=True, timeout=0.1
            )
            with pytest.raises(SogniTimeoutError):
                async for _ in silent:
                    pass
            words = " ".join(f"w{i}" for i in range(30))
            stream = await client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": words}], stream=True
            )
            first = await stream.__anext__()
            assert first.content == "Echo: "
            net.drop_connections()
            with pytest.raises(ConnectionLost):
                async for _ in stream:
                    pass


async def test_async_tool_handler_in_the_tool_loop(net: LocalSupernet) -> None:
    calls: list[ToolCall] = []

    async def handler(call: ToolCall) -> str:
        await asyncio.sleep(0)
        calls.append(call)
        return "definition: " + str(parse_tool_call_arguments(call)["term"])

    async with _client(net) as client:
        result = await client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "lookup zebra"}],
            tools=[LOOKUP],
            auto_execute_tools=True,
            on_tool_call=handler,
        )
    assert len(calls) == 1
    assert result.content == "Tool lookup returned: definition: lookup zebra"
    assert result.tool_history[0].tool_results[0].content == "definition: lookup zebra"


async def test_sogni_tool_execution_with_async_progress(net: LocalSupernet) -> None:
    progress: list[str] = []

    async def on_progress(call: ToolCall, update: ToolProgress) -> None:
        progress.append(update.status)

    async with _client(net) as client:
        result = await client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "draw an image of a kite"}],
            tools=SogniTools,
            auto_execute_tools=True,
            on_tool_progress=on_progress,
        )
        tool_result = result.tool_history[0].tool_results[0]
        assert tool_result.success
        invalid = await client.chat.tools.execute(
            {
                "id": "c",
                "type": "function",
                "function": {"name": "sogni_generate_music", "arguments": '{"duration": 30}'},
            }
        )
    assert progress[0] == "creating" and progress[-1] == "completed"
    assert not invalid.success and '"prompt"' in (invalid.error or "")
    assert len(net.received("jobRequest")) == 1
    async with httpx.AsyncClient() as http:
        response = await http.get(tool_result.result_urls[0], timeout=10)
    assert response.headers["content-type"] == "image/png"


async def test_hosted_completion_with_creative_tools(net: LocalSupernet) -> None:
    async with _client(net) as client:
        result = await client.chat.hosted.create(
            model=MODEL,
            messages=[{"role": "user", "content": "a photo of a harbour"}],
            sogni_tools="creative-tools",
        )
    assert isinstance(result, HostedChatCompletion)
    [tool_result] = result.sogni_tool_results
    assert tool_result["success"] and tool_result["media_type"] == "image"
    assert json.loads(result.content.split("returned: ", 1)[1])["urls"] == tool_result["urls"]
