"""The Python client and the official npm client (@sogni-ai/sogni-client 5.1.0) chat with
the same local Supernet: each request's ``llmJobRequest`` must be identical apart from the
job id, and both clients must read the same streamed answer.

Skipped without Node.js or the installed npm client (``npm ci`` in ``tests/npm``).
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from sogni import ChatChunk, ChatCompletion, ChatStream, SogniClient
from sogni.testing import LocalSupernet

NPM_DIR = Path(__file__).resolve().parent.parent / "npm"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.npm,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (NPM_DIR / "node_modules" / "@sogni-ai" / "sogni-client").is_dir(),
        reason="run `npm ci` in tests/npm to install the official client",
    ),
]

MODEL = "qwen3.6-35b-a3b-gguf-iq4xs"
#: SDK parameter names whose npm spelling differs.
NPM_NAMES = {"token_type": "tokenType", "task_profile": "taskProfile", "app_source": "appSource"}
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "required": ["city", "unit"],
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
        },
    },
}


def _image_uri() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), "purple").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


IMAGE = _image_uri()

CASES: dict[str, dict[str, Any]] = {
    "hello": {"messages": [{"role": "user", "content": "Hello!"}]},
    "multi_turn": {
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Name a colour"},
            {"role": "assistant", "content": "Blue."},
            {"role": "user", "content": "Another one, ünïcödé 😀"},
        ]
    },
    "sampling": {
        "messages": [{"role": "user", "content": "tell me a story about a lighthouse keeper"}],
        "max_tokens": 5,
        "temperature": 0.4,
        "top_p": 0.9,
        "top_k": 30,
        "min_p": 0.05,
        "repetition_penalty": 1.1,
        "frequency_penalty": 0.3,
        "presence_penalty": 0.2,
        "token_type": "spark",
        "task_profile": "coding",
        "app_source": "parity-suite",
    },
    "stop_and_json": {
        "messages": [{"role": "user", "content": "answer in json"}],
        "stop": ["zzz", "json"],
        "response_format": {"type": "json_object"},
        "think": False,
    },
    "json_schema": {
        "messages": [{"role": "user", "content": "a person"}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": "person",
                "strict": True,
                "schema": {
                    "type": "object",
                    "required": ["name", "age"],
                    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                },
            },
        },
    },
    "stream_thinking": {
        "messages": [{"role": "user", "content": "why is the sky blue"}],
        "stream": True,
        "think": True,
        "task_profile": "reasoning",
    },
    "tool_call": {
        "messages": [{"role": "user", "content": "What is the weather in Oslo?"}],
        "tools": [WEATHER],
        "tool_choice": "required",
    },
    "tool_call_streamed": {
        "messages": [{"role": "user", "content": "Bergen please"}],
        "tools": [WEATHER],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "stream": True,
    },
    "tool_result_turn": {
        "messages": [
            {"role": "user", "content": "weather? get_weather"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Rome"}'},
                    }
                ],
            },
            {
                "role": "tool",
                "tool_call_id": "call_1",
                "name": "get_weather",
                "content": "sunny, 24 C",
            },
        ],
        "tools": [WEATHER],
        "tool_choice": "auto",
    },
    "vision": {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What colour is this?"},
                    {"type": "image_url", "image_url": {"url": IMAGE, "detail": "low"}},
                ],
            }
        ],
        "stream": True,
    },
    "sogni_tools_flags": {
        "messages": [{"role": "user", "content": "just chat, thanks"}],
        "sogni_tools": "rich",
        "sogni_tool_execution": False,
        "stream": False,
    },
}


@pytest.fixture(scope="module")
def net() -> Iterator[LocalSupernet]:
    with LocalSupernet(api_key="parity-key") as server:
        yield server


def _npm_params(params: dict[str, Any]) -> dict[str, Any]:
    return {"model": MODEL, **{NPM_NAMES.get(k, k): v for k, v in params.items()}}


def _run_npm(net: LocalSupernet, params: dict[str, Any]) -> dict[str, Any]:
    assert NODE is not None
    env = dict(
        os.environ,
        SOGNI_REST_ENDPOINT=net.rest_url,
        SOGNI_SOCKET_ENDPOINT=net.socket_url,
        SOGNI_API_KEY=net.api_key,
        SOGNI_TIMEOUT_MS="30000",
    )
    proc = subprocess.run(
        [NODE, str(NPM_DIR / "run_chat.mjs"), json.dumps(_npm_params(params))],
        cwd=NPM_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert proc.returncode == 0 and lines, (proc.stdout, proc.stderr)
    outcome: dict[str, Any] = json.loads(lines[-1])
    assert outcome["ok"], outcome
    return outcome


def _delta_dict(delta: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"index": delta.index}
    if delta.id is not None:
        out["id"] = delta.id
    if delta.type is not None:
        out["type"] = delta.type
    if delta.function is not None:
        function = {}
        if delta.function.name is not None:
            function["name"] = delta.function.name
        if delta.function.arguments is not None:
            function["arguments"] = delta.function.arguments
        out["function"] = function
    return out


def _chunk_dict(chunk: ChatChunk) -> dict[str, Any]:
    """A chunk in the npm client's shape (absent fields left out, as JSON does)."""
    out: dict[str, Any] = {"content": chunk.content}
    if chunk.role is not None:
        out["role"] = chunk.role
    if chunk.finish_reason is not None:
        out["finishReason"] = chunk.finish_reason
    if chunk.usage is not None:
        out["usage"] = chunk.usage.to_dict()
    if chunk.tool_calls is not None:
        out["tool_calls"] = [_delta_dict(d) for d in chunk.tool_calls]
    return out


def _result_dict(result: ChatCompletion) -> dict[str, Any]:
    """A completion in the npm client's shape, without ``jobID`` and ``timeTaken``."""
    out: dict[str, Any] = {
        "content": result.content,
        "role": result.role,
        "finishReason": result.finish_reason,
        "usage": result.usage.to_dict(),
        "workerName": result.worker_name,
        "cost": result.cost.to_dict() if result.cost is not None else None,
    }
    if result.tool_calls:
        out["tool_calls"] = [call.to_dict() for call in result.tool_calls]
    return out


def _run_python(net: LocalSupernet, params: dict[str, Any]) -> dict[str, Any]:
    with SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    ) as client:
        client.chat.wait_for_models()
        answer = client.chat.completions.create(model=MODEL, **params)
        chunks: list[dict[str, Any]] = []
        if isinstance(answer, ChatStream):
            chunks = [_chunk_dict(chunk) for chunk in answer]
            completion = answer.completion
            assert completion is not None
        else:
            completion = answer
    return {"result": _result_dict(completion), "chunks": chunks}


def _npm_result(outcome: dict[str, Any]) -> dict[str, Any]:
    result = dict(outcome["result"])
    result.pop("jobID")
    result.pop("timeTaken")
    return result


def _without_job_id(request: dict[str, Any]) -> str:
    rest = {k: v for k, v in request.items() if k != "jobID"}
    return json.dumps(rest, ensure_ascii=False)  # key order matters


@pytest.mark.parametrize("name", list(CASES))
def test_python_and_npm_clients_send_and_read_the_same(net: LocalSupernet, name: str) -> None:
    params = CASES[name]
    before = len(net.received("llmJobRequest"))
    npm = _run_npm(net, params)
    python = _run_python(net, params)
    npm_request, python_request = net.received("llmJobRequest")[before:]

    assert _without_job_id(python_request) == _without_job_id(npm_request)
    assert python_request["jobID"] != npm_request["jobID"]

    assert python["result"] == _npm_result(npm)
    if params.get("stream"):
        npm_chunks = [{k: v for k, v in c.items() if k != "jobID"} for c in npm["chunks"]]
        assert python["chunks"] == npm_chunks
        assert len(npm_chunks) > 1


HOSTED_CASES: dict[str, dict[str, Any]] = {
    "hosted_plain": {
        "messages": [{"role": "user", "content": "Hello from REST"}],
        "max_tokens": 50,
        "think": True,
        "token_type": "auto",
        "task_profile": "general",
        "app_source": "parity-suite",
    },
    "hosted_creative_tools": {
        "messages": [{"role": "user", "content": "draw an image of a red kite"}],
        "sogni_tools": "rich",
        "media_references": [{"type": "image", "url": "https://example.com/ref.png"}],
    },
}


def _hosted_bodies(net: LocalSupernet, before: int) -> list[Any]:
    return [r.json for r in net.requests()[before:] if r.path == "/v1/chat/completions"]


def _hosted_answer(answer: dict[str, Any]) -> dict[str, Any]:
    """What must agree between two runs: everything but the id and the creation time."""
    urls = [u for r in answer.get("sogni_tool_results", []) for u in r.get("urls", [])]
    text = json.dumps({k: v for k, v in answer.items() if k not in ("id", "created")})
    for index, url in enumerate(urls):
        text = text.replace(url, f"<media {index}>")  # every run renders fresh files
    parsed: dict[str, Any] = json.loads(text)
    return parsed


@pytest.mark.parametrize("name", list(HOSTED_CASES))
def test_hosted_requests_match_the_npm_client(net: LocalSupernet, name: str) -> None:
    params = HOSTED_CASES[name]
    before = len(net.requests())
    npm = _run_npm(net, {**params, "hosted": True})
    middle = len(net.requests())
    with SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    ) as client:
        answer = client.chat.hosted.create(model=MODEL, **params)
    [npm_body] = _hosted_bodies(net, before)[:1]
    [python_body] = _hosted_bodies(net, middle)
    assert json.dumps(python_body) == json.dumps(npm_body)
    python_raw = {
        "object": answer.object,
        "model": answer.model,
        "choices": [
            {"index": c.index, "message": c.message.to_message(), "finish_reason": c.finish_reason}
            for c in answer.choices
        ],
        "usage": answer.usage.to_dict() if answer.usage else None,
    }
    if answer.sogni_tool_results:
        python_raw["sogni_tool_results"] = [dict(r) for r in answer.sogni_tool_results]
    assert _hosted_answer(python_raw) == _hosted_answer(npm["result"])
