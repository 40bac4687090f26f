"""The official npm client 5.54.0 and this one read the LoRA catalogue, the saved uploads,
the personal LoRA library, the subscription plans, the replay records and the live
announcements with the same requests, and read the same answers.

Each runs against a local Supernet of its own; what the server recorded of those calls
(method, path, query and body) must agree request for request.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sogni import SogniClient
from sogni.testing import LocalSupernet

NPM_DIR = Path(__file__).resolve().parent.parent / "npm554"
NODE = shutil.which("node")
pytestmark = [
    pytest.mark.npm,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (NPM_DIR / "node_modules" / "@sogni-ai" / "sogni-client").is_dir(),
        reason="run `npm ci` in tests/npm554 to install the official client",
    ),
]

MODEL, PLATFORM = "krea2_turbo_fp8_scaled", "sogni-mac"
PATHS = (
    "/v1/loras/comfy",
    "/v1/assets",
    "/v1/loras/personal",
    "/v1/subscriptions/plans",
    "/v1/replay/records",
    "/v1/announcements/active",
)


def exchanges(net: LocalSupernet) -> list[tuple[str, str, dict[str, str], Any]]:
    return [(r.method, r.path, r.query, r.json) for r in net.requests() if r.path in PATHS]


def run_npm(net: LocalSupernet) -> Any:
    assert NODE is not None
    env = dict(
        os.environ,
        SOGNI_REST_ENDPOINT=net.rest_url,
        SOGNI_SOCKET_ENDPOINT=net.socket_url,
        SOGNI_API_KEY=net.api_key,
    )
    proc = subprocess.run(
        [NODE, str(NPM_DIR / "catalog.mjs"), MODEL, PLATFORM],
        cwd=NPM_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["ok"] is True, result
    return result


def test_npm_and_python_read_the_catalogue_groups_with_the_same_requests() -> None:
    with LocalSupernet() as theirs_net:
        theirs = run_npm(theirs_net)
        npm_requests = exchanges(theirs_net)
    with (
        LocalSupernet() as ours_net,
        SogniClient(
            api_key=ours_net.api_key,
            rest_endpoint=ours_net.rest_url,
            socket_endpoint=ours_net.socket_url,
            connect=False,
        ) as client,
    ):
        loras = client.projects.available_loras(MODEL)
        assets = client.assets.list()
        personal = client.projects.personal_loras.list()
        plans = client.account.get_subscription_plans()
        replay = client.replay.list(limit=5)
        announcements = client.announcements.active(platform=PLATFORM)
        py_requests = exchanges(ours_net)
    assert [path for _, path, _, _ in npm_requests] == list(PATHS)
    assert py_requests == npm_requests
    assert [lora.lora_id for lora in loras.loras] == [r["loraId"] for r in theirs["loras"]["loras"]]
    assert loras.models == theirs["loras"]["models"]
    constraints = theirs["loras"]["constraints"]
    assert (
        loras.constraints.max_per_request,
        loras.constraints.min_strength,
        loras.constraints.max_strength,
    ) == (constraints["maxPerRequest"], constraints["minStrength"], constraints["maxStrength"])
    assert assets.assets == theirs["assets"]["assets"] == []
    assert assets.limits is not None
    assert assets.limits.file_bytes == theirs["assets"]["limits"]["fileBytes"]
    assert personal.models == theirs["personalLoras"]["models"]
    assert [(p.plan_id, p.term, p.price_usd) for p in plans] == [
        (p["planId"], p["term"], p["priceUsd"]) for p in theirs["plans"]
    ]
    assert replay == theirs["replay"]["records"] == []
    assert [a.id for a in announcements] == [a["id"] for a in theirs["announcements"]]
