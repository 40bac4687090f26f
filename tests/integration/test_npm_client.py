"""The unmodified official npm client (@sogni-ai/sogni-client 5.1.0) against the local Supernet.

Run ``npm ci`` in ``tests/npm`` first; the test is skipped when Node.js or the installed
client is missing.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import wave
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("aiohttp")
from PIL import Image  # noqa: E402

from sogni.testing import LocalSupernet  # noqa: E402

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


def run_project(
    net: Any,
    params: dict[str, Any],
    timeout_ms: int = 30000,
    script: str = "run_project.mjs",
    login: tuple[str, str] | None = None,
) -> Any:
    """Run a harness script with ``params``; returns (exit code, last stdout line, stderr).

    With ``login`` (username, password) the client logs in instead of using the API key.
    """
    assert NODE is not None
    env = dict(
        os.environ,
        SOGNI_REST_ENDPOINT=net.rest_url,
        SOGNI_SOCKET_ENDPOINT=net.socket_url,
        SOGNI_API_KEY=net.api_key,
        SOGNI_TIMEOUT_MS=str(timeout_ms),
    )
    if login is not None:
        del env["SOGNI_API_KEY"]
        env.update(SOGNI_USERNAME=login[0], SOGNI_PASSWORD=login[1])
    proc = subprocess.run(
        [NODE, str(NPM_DIR / script), json.dumps(params)],
        cwd=NPM_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_ms / 1000 + 30,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    result = json.loads(lines[-1]) if lines else None
    return proc.returncode, result, proc.stderr


def test_text_to_image_project_with_two_images() -> None:
    params = {
        "type": "image",
        "modelId": "flux1-schnell-fp8",
        "positivePrompt": "a lighthouse at dusk",
        "numberOfMedia": 2,
        "steps": 4,
        "guidance": 1,
        "sizePreset": "custom",
        "width": 640,
        "height": 384,
        "tokenType": "spark",
    }
    with LocalSupernet() as net:
        code, result, stderr = run_project(net, params)
        assert code == 0, (result, stderr)
        assert result["ok"] is True
        urls = result["resultUrls"]
        assert len(urls) == 2 and len(set(urls)) == 2
        for url in urls:
            response = httpx.get(url, timeout=10)
            assert response.status_code == 200
            assert response.headers["content-type"] == "image/png"
            image = Image.open(io.BytesIO(response.content))
            image.verify()
            assert image.format == "PNG"
            assert image.size == (640, 384)

        requests = net.received("jobRequest")
        assert len(requests) == 1
        request = requests[0]
        assert request["jobID"] == result["projectId"]
        assert request["numberOfImages"] == 2
        key_frame = request["keyFrames"][0]
        assert key_frame["modelID"] == "flux1-schnell-fp8"
        assert key_frame["positivePrompt"] == "a lighthouse at dusk"
        assert (key_frame["sizePreset"], key_frame["width"], key_frame["height"]) == (
            "custom",
            640,
            384,
        )

        # The jobs the client tracked are the ones the server simulated.
        server_jobs = {job["imgID"] for job in net.project(result["projectId"])["workerJobs"]}
        assert {job["id"] for job in result["jobs"]} == server_jobs
        handshakes = [r for r in net.requests() if r.path == "/" and r.method == "GET"]
        assert handshakes and handshakes[0].headers["api-key"] == net.api_key
        assert handshakes[0].query["clientType"] == "artist"


def test_wrong_api_key_fails_without_hanging() -> None:
    with LocalSupernet(api_key="right-key") as net:
        net_wrong = _WrongKey(net)
        code, result, stderr = run_project(
            net_wrong,
            {
                "type": "image",
                "modelId": "flux1-schnell-fp8",
                "positivePrompt": "x",
                "numberOfMedia": 1,
            },
            timeout_ms=15000,
        )
        assert code == 1, (result, stderr)
        assert result["ok"] is False
        assert not net.received("jobRequest")


class _WrongKey:
    """Presents a LocalSupernet's endpoints with a different API key."""

    def __init__(self, net: LocalSupernet) -> None:
        self.rest_url = net.rest_url
        self.socket_url = net.socket_url
        self.api_key = "wrong-key"


def png_file(tmp_path: Path, size: tuple[int, int] = (320, 240)) -> Path:
    path = tmp_path / "input.png"
    Image.new("RGB", size, (200, 30, 30)).save(path)
    return path


def test_image_to_image_uploads_the_starting_image(tmp_path: Path) -> None:
    source = png_file(tmp_path)
    params = {
        "type": "image",
        "modelId": "flux1-schnell-fp8",
        "positivePrompt": "redder",
        "numberOfMedia": 1,
        "startingImage": f"file:{source}",
        "startingImageStrength": 0.6,
        "numberOfPreviews": 2,
        "steps": 4,
    }
    with LocalSupernet() as net:
        code, result, stderr = run_project(net, params)
        assert code == 0, (result, stderr)
        stored = net.upload(result["projectId"], "startingImage")
        assert stored is not None
        assert stored.read_bytes() == source.read_bytes()
        key_frame = net.received("jobRequest")[0]["keyFrames"][0]
        assert key_frame["hasStartingImage"] is True
        assert key_frame["strength"] == pytest.approx(0.4)
        previews = [
            r
            for r in net.requests()
            if r.path == "/v1/image/downloadUrl" and r.query["type"] == "preview"
        ]
        assert len(previews) == 2
        image = Image.open(io.BytesIO(httpx.get(result["resultUrls"][0]).content))
        assert image.size == (1024, 1024)


def mp4_track_size(data: bytes) -> tuple[int, int]:
    at = data.index(b"tkhd")
    width, height = struct.unpack(">II", data[at + 4 + 76 : at + 4 + 84])
    return width >> 16, height >> 16


def test_text_to_video_project() -> None:
    params = {
        "type": "video",
        "modelId": "wan_v2.2-14b-fp8_t2v_lightx2v",
        "positivePrompt": "waves",
        "numberOfMedia": 1,
        "duration": 2,
        "fps": 16,
        "width": 640,
        "height": 480,
        "tokenType": "spark",
    }
    with LocalSupernet() as net:
        code, result, stderr = run_project(net, params)
        assert code == 0, (result, stderr)
        assert net.received("jobRequest")[0]["keyFrames"][0]["frames"] == 33
        response = httpx.get(result["resultUrls"][0])
        assert response.headers["content-type"] == "video/mp4"
        assert response.content[4:8] == b"ftyp"
        assert mp4_track_size(response.content) == (640, 480)
        assert any(r.path == "/v1/media/downloadUrl" for r in net.requests())


def test_music_project_as_wav() -> None:
    params = {
        "type": "audio",
        "modelId": "ace_step_1.5_turbo",
        "positivePrompt": "lofi",
        "numberOfMedia": 2,
        "duration": 10,
        "outputFormat": "wav",
        "tokenType": "spark",
    }
    with LocalSupernet() as net:
        code, result, stderr = run_project(net, params)
        assert code == 0, (result, stderr)
        assert len(result["resultUrls"]) == 2
        for url in result["resultUrls"]:
            response = httpx.get(url)
            assert response.headers["content-type"] == "audio/wav"
            with wave.open(io.BytesIO(response.content)) as reader:
                assert reader.getnframes() / reader.getframerate() == pytest.approx(10)


def test_external_model_result_url_comes_from_the_job_result(tmp_path: Path) -> None:
    source = png_file(tmp_path)
    params = {
        "type": "image",
        "modelId": "gpt-image-2",
        "positivePrompt": "edit it",
        "numberOfMedia": 1,
        "outputFormat": "webp",
        "contextImages": [f"file:{source}"],
        "sizePreset": "custom",
        "width": 1024,
        "height": 1536,
        "tokenType": "spark",
    }
    with LocalSupernet() as net:
        code, result, stderr = run_project(net, params)
        assert code == 0, (result, stderr)
        assert net.upload(result["projectId"], "contextImage1") is not None
        sent = [p for p in net.sent("jobResult") if p["jobID"] == result["projectId"]]
        assert result["resultUrls"] == [sent[0]["resultUrl"]]
        assert not any(r.path == "/v1/image/downloadUrl" for r in net.requests())
        image = Image.open(io.BytesIO(httpx.get(result["resultUrls"][0]).content))
        assert (image.format, image.size) == ("WEBP", (1024, 1536))


LLM = "qwen3.6-35b-a3b-gguf-iq4xs"


@pytest.mark.parametrize("stream", [False, True])
def test_socket_chat_completion(stream: bool) -> None:
    params = {
        "model": LLM,
        "stream": stream,
        "max_tokens": 100,
        "messages": [{"role": "user", "content": "hello from node"}],
    }
    with LocalSupernet() as net:
        code, result, stderr = run_project(net, params, script="run_chat.mjs")
        assert code == 0, (result, stderr)
        final = result["result"]
        assert final["content"] == "Echo: hello from node"
        assert final["finishReason"] == "stop"
        assert final["usage"]["completion_tokens"] == 4  # "Echo: ", "hello ", "from ", "node"
        assert final["workerName"]
        if stream:
            assert "".join(c["content"] for c in result["chunks"]) == final["content"]
        request = net.received("llmJobRequest")[0]
        assert request["model"] == LLM and request["max_tokens"] == 100
        assert request["jobID"] == final["jobID"]


def test_socket_chat_tool_call() -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {
                "type": "object",
                "required": ["city"],
                "properties": {"city": {"type": "string"}},
            },
        },
    }
    params = {
        "model": LLM,
        "tools": [tool],
        "tool_choice": "required",
        "messages": [{"role": "user", "content": "Paris"}],
    }
    with LocalSupernet() as net:
        code, result, stderr = run_project(net, params, script="run_chat.mjs")
        assert code == 0, (result, stderr)
        final = result["result"]
        assert final["finishReason"] == "tool_calls"
        (call,) = final["tool_calls"]
        assert call["function"]["name"] == "get_weather"
        assert json.loads(call["function"]["arguments"]) == {"city": "Paris"}
        assert net.received("llmJobRequest")[0]["tools"] == [tool]


def test_hosted_chat_completion() -> None:
    params = {"hosted": True, "model": LLM, "messages": [{"role": "user", "content": "hi"}]}
    with LocalSupernet() as net:
        code, result, stderr = run_project(net, params, script="run_chat.mjs")
        assert code == 0, (result, stderr)
        assert result["result"]["choices"][0]["message"]["content"] == "Echo: hi"
        posted = [r for r in net.requests() if r.path == "/v1/chat/completions"]
        assert posted and posted[0].json["model"] == LLM


def test_wallet_login_then_project() -> None:
    pytest.importorskip("eth_account")
    with LocalSupernet() as net:
        account = net.add_account("alice", password="pw")
        params = {
            "type": "image",
            "modelId": "z_image_turbo_bf16",
            "positivePrompt": "x",
            "numberOfMedia": 1,
        }
        code, result, stderr = run_project(net, params, login=("alice", "pw"))
        assert code == 0, (result, stderr)
        assert result["account"] == {"username": "alice", "walletAddress": account.address}
        login = [r for r in net.requests() if r.path == "/v1/account/login"][0]
        assert login.json["walletAddress"] == account.address
        handshake = [r for r in net.requests() if r.path == "/"][0]
        assert "api-key" not in handshake.headers
        assert handshake.headers["authorization"].count(".") == 2  # a JWT
        assert net.received("jobRequest")[0]["keyFrames"][0]["modelID"] == "z_image_turbo_bf16"


def test_durable_workflow_with_event_stream() -> None:
    params = {
        "tokenType": "spark",
        "input": {
            "title": "poster then clip",
            "steps": [
                {
                    "id": "poster",
                    "toolName": "generate_image",
                    "arguments": {"prompt": "a red kite", "width": 512, "height": 768},
                },
                {
                    "id": "clip",
                    "toolName": "generate_video",
                    "arguments": {"prompt": "the kite flies", "duration": 1},
                    "dependsOn": [
                        {
                            "sourceStepId": "poster",
                            "targetArgument": "reference_image_url",
                            "transform": "artifact_url",
                        }
                    ],
                },
            ],
        },
    }
    with LocalSupernet() as net:
        code, result, stderr = run_project(net, params, script="run_workflow.mjs")
        assert code == 0, (result, stderr)
        workflow = result["workflow"]
        assert workflow["status"] == "completed"
        assert result["streamed"][-1]["status"] == "completed"
        assert [int(f["id"]) for f in result["streamed"]] == [e["id"] for e in result["events"]]
        assert workflow["workflowId"] in result["listedIds"]
        poster, clip = workflow["artifacts"]
        image = Image.open(io.BytesIO(httpx.get(poster["url"]).content))
        assert image.size == (512, 768)
        assert httpx.get(clip["url"]).headers["content-type"] == "video/mp4"
        assert workflow["steps"][1]["arguments"]["reference_image_url"] == poster["url"]
        started = [
            r
            for r in net.requests()
            if r.method == "POST" and r.path == "/v1/creative-agent/workflows"
        ][0]
        assert started.json["token_type"] == "spark"
        assert started.json["input"]["steps"][0]["toolName"] == "generate_image"
