"""The Python client sends the same jobRequest as the official npm client for the same project.

Each case runs through ``tests/npm/run_project.mjs`` (``@sogni-ai/sogni-client`` 5.1.0,
unmodified) and through :class:`sogni.SogniClient` against the same local Supernet; the
two jobRequest messages must be equal apart from the project id.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import attrs
import pytest

from sogni import SogniClient
from sogni._generated.models import ImageProjectParams
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

# Every case names numberOfMedia: the npm client never reports completion without it.
CASES: list[dict[str, Any]] = [
    {"modelId": "flux1-schnell-fp8", "positivePrompt": "a lighthouse", "numberOfMedia": 2},
    {
        "modelId": "flux1-schnell-fp8",
        "positivePrompt": "a fox",
        "numberOfMedia": 1,
        "negativePrompt": "blurry",
        "stylePrompt": "watercolor",
        "steps": 4,
        "guidance": 1,
        "seed": 1234,
        "sizePreset": "custom",
        "width": 640,
        "height": 384,
        "outputFormat": "webp",
        "tokenType": "spark",
        "numberOfPreviews": 2,
    },
    {
        "modelId": "z_image_turbo_bf16",
        "positivePrompt": "a robot",
        "numberOfMedia": 3,
        "steps": 8,
        "sampler": "euler",
        "scheduler": "simple",
        "network": "relaxed",
        "disableNSFWFilter": True,
        "outputFormat": "jpg",
    },
    {
        "modelId": "coreml-cyberrealistic_v70_768",
        "positivePrompt": "portrait",
        "numberOfMedia": 1,
        "sampler": "euler_a",
        "scheduler": "karras",
        "sizePreset": "square",
    },
]

WIRE_TO_PYTHON = {field.metadata["wire"]: field.name for field in attrs.fields(ImageProjectParams)}


def _npm_job_request(net: LocalSupernet, params: dict[str, Any]) -> dict[str, Any]:
    assert NODE is not None
    env = dict(
        os.environ,
        SOGNI_REST_ENDPOINT=net.rest_url,
        SOGNI_SOCKET_ENDPOINT=net.socket_url,
        SOGNI_API_KEY=net.api_key,
    )
    proc = subprocess.run(
        [NODE, str(NPM_DIR / "run_project.mjs"), json.dumps({"type": "image", **params})],
        cwd=NPM_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    request: dict[str, Any] = net.received("jobRequest")[-1]
    return request


def _python_job_request(net: LocalSupernet, params: dict[str, Any]) -> dict[str, Any]:
    kwargs = {WIRE_TO_PYTHON[key]: value for key, value in params.items()}
    with SogniClient(
        api_key=net.api_key,
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        network=params.get("network", "fast"),
    ) as client:
        project = client.projects.create(type="image", **kwargs)
        project.wait_for_completion(timeout=30)
    request: dict[str, Any] = net.received("jobRequest")[-1]
    assert request["jobID"] == project.id
    return request


def _without_id(request: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in request.items() if k != "jobID"})


@pytest.mark.parametrize("params", CASES, ids=lambda p: f"{p['modelId']}-{len(p)}")
def test_job_request_matches_the_npm_client(params: dict[str, Any]) -> None:
    with LocalSupernet(api_key="parity-key") as net:
        expected = _npm_job_request(net, params)
        actual = _python_job_request(net, params)
    # Compared as serialised JSON so that key order counts too.
    assert _without_id(actual) == _without_id(expected)
