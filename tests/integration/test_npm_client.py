"""The unmodified official npm client (@sogni-ai/sogni-client 5.1.0) against the local Supernet.

Run ``npm ci`` in ``tests/npm`` first; the test is skipped when Node.js or the installed
client is missing.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
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
    pytest.mark.skipif(not (NPM_DIR / "node_modules" / "@sogni-ai" / "sogni-client").is_dir(),
                       reason="run `npm ci` in tests/npm to install the official client"),
]


def run_project(net: LocalSupernet, params: dict[str, Any], timeout_ms: int = 30000) -> Any:
    """Run ``run_project.mjs`` with ``params``; returns (exit code, parsed last stdout line)."""
    assert NODE is not None
    env = dict(os.environ, SOGNI_REST_ENDPOINT=net.rest_url,
               SOGNI_SOCKET_ENDPOINT=net.socket_url, SOGNI_API_KEY=net.api_key,
               SOGNI_TIMEOUT_MS=str(timeout_ms))
    proc = subprocess.run([NODE, str(NPM_DIR / "run_project.mjs"), json.dumps(params)],
                          cwd=NPM_DIR, env=env, capture_output=True, text=True,
                          timeout=timeout_ms / 1000 + 30)
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
            "custom", 640, 384)

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
            net_wrong, {"type": "image", "modelId": "flux1-schnell-fp8",
                        "positivePrompt": "x", "numberOfMedia": 1}, timeout_ms=15000)
        assert code == 1, (result, stderr)
        assert result["ok"] is False
        assert not net.received("jobRequest")


class _WrongKey:
    """Presents a LocalSupernet's endpoints with a different API key."""

    def __init__(self, net: LocalSupernet) -> None:
        self.rest_url = net.rest_url
        self.socket_url = net.socket_url
        self.api_key = "wrong-key"
