"""Workflow requests of this SDK equal the official npm client's (5.1.0), on the wire.

Both clients talk to the same local Supernet; the requests it recorded are compared.
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
from sogni.errors import ApiError
from sogni.testing import LocalSupernet

NPM_DIR = Path(__file__).resolve().parent.parent / "npm"
NODE = shutil.which("node")
WORKFLOWS = "/v1/creative-agent/workflows"

pytestmark = [
    pytest.mark.npm,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (NPM_DIR / "node_modules" / "@sogni-ai" / "sogni-client").is_dir(),
        reason="run `npm ci` in tests/npm to install the official client",
    ),
]

STEPS: list[dict[str, Any]] = [
    {
        "id": "img",
        "toolName": "sogni_generate_image",
        "arguments": {"prompt": "a fox, études", "width": 512, "height": 512},
    },
    {
        "id": "vid",
        "toolName": "sogni_generate_video",
        "arguments": {"prompt": "it runs"},
        "dependsOn": [
            {
                "sourceStepId": "img",
                "targetArgument": "reference_image_url",
                "transform": "artifact_url",
            }
        ],
    },
]
MEDIA = [{"url": "https://cdn.example.com/a.png", "type": "image"}]

# (the npm client's workflows.start params, the same request with this SDK)
CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"input": {"title": "Fox", "steps": STEPS}}, {"input": {"title": "Fox", "steps": STEPS}}),
    (
        {"input": {"steps": STEPS}, "tokenType": "spark"},
        {"input": {"steps": STEPS}, "token_type": "spark"},
    ),
    (
        {
            "input": {"steps": STEPS},
            "tokenType": "sogni",
            "billingMode": "auto",
            "appSource": "cli",
            "idempotencyKey": "idem-1",
        },
        {
            "input": {"steps": STEPS},
            "token_type": "sogni",
            "billing_mode": "auto",
            "app_source": "cli",
            "idempotency_key": "idem-1",
        },
    ),
    (
        {"input": {"steps": STEPS}, "mediaReferences": MEDIA},
        {"input": {"steps": STEPS}, "media_references": MEDIA},
    ),
    (
        {
            "input": {"steps": STEPS},
            "maxEstimatedCapacityUnits": 12.5,
            "confirmCost": True,
            "billingMode": "subscription",
        },
        {
            "input": {"steps": STEPS},
            "max_estimated_capacity_units": 12.5,
            "confirm_cost": True,
            "billing_mode": "subscription",
        },
    ),
    (
        {
            "workflowId": "tpl_poster",
            "inputs": {"brief": "a poster", "aspect_ratio": "2:3"},
            "tokenType": "spark",
        },
        {
            "template_id": "tpl_poster",
            "inputs": {"brief": "a poster", "aspect_ratio": "2:3"},
            "token_type": "spark",
        },
    ),
    (
        {
            "workflowId": "tpl_empty",
            "inputs": {},
            "confirmCost": False,
            "maxEstimatedCapacityUnits": 0.5,
            "mediaReferences": [],
        },
        {
            "template_id": "tpl_empty",
            "inputs": {},
            "confirm_cost": False,
            "max_estimated_capacity_units": 0.5,
            "media_references": [],
        },
    ),
    (
        {"input": {}, "tokenType": "spark", "appSource": ""},
        {"input": {}, "token_type": "spark", "app_source": ""},
    ),
    (
        {
            "input": {
                "title": "raw",
                "steps": [
                    {
                        "toolName": "edit_image",
                        "arguments": {
                            "prompt": "make it blue",
                            "source_image_url": "https://cdn.example.com/a.png",
                        },
                    }
                ],
                "custom_key": {"nested": [1, 2.5, None, True]},
            }
        },
        {
            "input": {
                "title": "raw",
                "steps": [
                    {
                        "toolName": "edit_image",
                        "arguments": {
                            "prompt": "make it blue",
                            "source_image_url": "https://cdn.example.com/a.png",
                        },
                    }
                ],
                "custom_key": {"nested": [1, 2.5, None, True]},
            }
        },
    ),
]


def run_npm(net: LocalSupernet, spec: dict[str, Any]) -> Any:
    assert NODE is not None
    env = dict(
        os.environ,
        SOGNI_REST_ENDPOINT=net.rest_url,
        SOGNI_SOCKET_ENDPOINT=net.socket_url,
        SOGNI_API_KEY=net.api_key,
    )
    proc = subprocess.run(
        [NODE, str(NPM_DIR / "workflows.mjs"), json.dumps(spec)],
        cwd=NPM_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def workflow_requests(net: LocalSupernet) -> list[dict[str, Any]]:
    return [
        {
            "method": r.method,
            "path": r.path,
            "query": r.query,
            "body": r.json,
            "idempotency_key": r.headers.get("idempotency-key"),
            "last_event_id": r.headers.get("last-event-id"),
            "accept": r.headers.get("accept") if r.path.endswith("/stream") else None,
        }
        for r in net.requests()
        if r.path.startswith(WORKFLOWS)
    ]


@pytest.mark.parametrize("app_source", [None, "studio"])
def test_start_bodies_equal_the_npm_clients(app_source: str | None) -> None:
    with LocalSupernet() as net:
        spec: dict[str, Any] = {"starts": [npm for npm, _ in CASES]}
        if app_source:
            spec["appSource"] = app_source
        theirs = run_npm(net, spec)
        assert theirs["ok"] is True
        npm_requests = workflow_requests(net)
        net.clear_records()
        with SogniClient(
            api_key=net.api_key,
            rest_endpoint=net.rest_url,
            socket_endpoint=net.socket_url,
            app_source=app_source,
            connect=False,
        ) as client:
            for _, ours in CASES:
                try:
                    client.creative_workflows.start(**ours)
                except ApiError:
                    pass  # refused by the server, like the npm client's: compared below
        our_requests = workflow_requests(net)
    assert len(npm_requests) == len(CASES)
    assert our_requests == npm_requests
    for npm, ours in zip(npm_requests, our_requests, strict=True):
        assert list(npm["body"]) == list(ours["body"])  # key order too


def test_stream_and_cancel_requests_equal_the_npm_clients() -> None:
    with LocalSupernet() as net:
        with SogniClient(
            api_key=net.api_key,
            rest_endpoint=net.rest_url,
            socket_endpoint=net.socket_url,
            connect=False,
        ) as client:
            workflow = client.creative_workflows.start_hosted_tool_sequence(STEPS)
            client.creative_workflows.wait(workflow.workflow_id, timeout=30)
            wid = workflow.workflow_id
            net.clear_records()
            theirs = run_npm(
                net,
                {
                    "streams": [
                        {"workflowId": wid, "after": 3},
                        {"workflowId": wid, "lastEventId": 5},
                        {"workflowId": wid},
                    ],
                    "cancel": [wid],
                },
            )
            npm_requests = workflow_requests(net)
            net.clear_records()
            ours = [
                [f.id for f in client.creative_workflows.stream_events(wid, after=3)],
                [f.id for f in client.creative_workflows.stream_events(wid, last_event_id=5)],
                [f.id for f in client.creative_workflows.stream_events(wid)],
            ]
            client.creative_workflows.cancel(wid)
            our_requests = workflow_requests(net)
    assert ours == theirs["streams"]
    assert our_requests == npm_requests
