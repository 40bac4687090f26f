"""The official npm client (5.54.0) completes chat runs, direct tool execution, workflow
templates, resume and reseed against the local Supernet, and this SDK's requests for them
equal its requests on the wire."""

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

HELLO = [{"role": "user", "content": "hello there"}]
FOX = [{"role": "user", "content": "make an image of a fox"}]
TOOL = {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}
PATHS = ("/v1/chat/runs", "/v1/creative-agent/")

# (the npm client's params, this SDK's keywords) for each call compared on the wire
RUN_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"messages": HELLO}, {}),
    (
        {
            "messages": HELLO,
            "model": "qwen3.6-35b-a3b-gguf-iq4xs",
            "tools": [TOOL],
            "toolChoice": "auto",
            "sampling": {"temperature": 0.3},
            "mediaReferences": [{"url": "https://cdn.example.com/a.png", "type": "image"}],
            "mediaContext": {
                "images": ["https://cdn.example.com/a.png"],
                "videos": [],
                "audio": [],
            },
            "maxEstimatedCapacityUnits": 50,
            "confirmCost": True,
            "sessionId": "s-1",
            "clientMessageId": "m-1",
            "tokenType": "spark",
            "billingMode": "subscription",
            "appSource": "cli",
            "runtimeConfig": {"qualityTier": "fast", "safeContentFilter": True},
            "idempotencyKey": "turn-9",
        },
        {
            "model": "qwen3.6-35b-a3b-gguf-iq4xs",
            "tools": [TOOL],
            "tool_choice": "auto",
            "sampling": {"temperature": 0.3},
            "media_references": [{"url": "https://cdn.example.com/a.png", "type": "image"}],
            "media_context": {
                "images": ["https://cdn.example.com/a.png"],
                "videos": [],
                "audio": [],
            },
            "max_estimated_capacity_units": 50,
            "confirm_cost": True,
            "session_id": "s-1",
            "client_message_id": "m-1",
            "token_type": "spark",
            "billing_mode": "subscription",
            "app_source": "cli",
            "runtime_config": {"qualityTier": "fast", "safeContentFilter": True},
            "idempotency_key": "turn-9",
        },
    ),
    (
        {
            "messages": HELLO,
            "confirmCost": False,
            "maxEstimatedCapacityUnits": 0,
            "billingMode": "auto",
        },
        {"confirm_cost": False, "max_estimated_capacity_units": 0, "billing_mode": "auto"},
    ),
]
TOOL_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {
            "tool": "enhance_prompt",
            "arguments": {"prompt": "a glass robot", "destination_tool": "generate_image"},
            "tokenType": "spark",
        },
        {
            "tool": "enhance_prompt",
            "arguments": {"prompt": "a glass robot", "destination_tool": "generate_image"},
            "token_type": "spark",
        },
    ),
    (
        {
            "tool": "compose_script",
            "arguments": {"brief": "a day at sea", "scene_count": 2},
            "app_source": "own",
            "safeContentFilter": False,
            "tokenType": "auto",
        },
        {
            "tool": "compose_script",
            "arguments": {"brief": "a day at sea", "scene_count": 2},
            "app_source": "own",
            "safe_content_filter": False,
            "token_type": "auto",
        },
    ),
]
LIST_CASES: list[dict[str, Any]] = [
    {},
    {"visibility": "own", "offset": 2, "limit": 10},
    {"visibility": "public", "limit": 200},
]
RESEED_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({}, {}),
    (
        {
            "seedOverrides": {"a": 3},
            "tokenType": "spark",
            "billingMode": "auto",
            "idempotencyKey": "take-1",
        },
        {
            "seed_overrides": {"a": 3},
            "token_type": "spark",
            "billing_mode": "auto",
            "idempotency_key": "take-1",
        },
    ),
]


def run_npm(net: LocalSupernet, spec: dict[str, Any]) -> list[Any]:
    assert NODE is not None
    env = dict(
        os.environ,
        SOGNI_REST_ENDPOINT=net.rest_url,
        SOGNI_SOCKET_ENDPOINT=net.socket_url,
        SOGNI_API_KEY=net.api_key,
    )
    proc = subprocess.run(
        [NODE, str(NPM_DIR / "runs.mjs"), json.dumps(spec)],
        cwd=NPM_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    assert answer["ok"] is True, answer
    results: list[Any] = answer["results"]
    return results


def wire(net: LocalSupernet) -> list[dict[str, Any]]:
    """The compared part of every chat-run, tool and workflow request, in order."""
    return [
        {
            "method": r.method,
            "path": r.path,
            "query": r.query,
            "body": r.json,
            "keys": list(r.json) if isinstance(r.json, dict) else None,
            "idempotency_key": r.headers.get("idempotency-key"),
            "content_type": r.headers.get("content-type", "").split(";")[0] or None,
        }
        for r in net.requests()
        if r.path.startswith(PATHS)
    ]


def finished_workflow(client: SogniClient) -> str:
    record = client.workflows.start(
        input={
            "steps": [{"id": "a", "toolName": "generate_image", "arguments": {"prompt": "a fox"}}]
        }
    )
    client.workflows.wait(record.workflow_id, timeout=30)
    return record.workflow_id


@pytest.mark.parametrize("app_source", [None, "studio"])
def test_requests_equal_the_npm_clients(app_source: str | None) -> None:
    with (
        LocalSupernet(step_delay=0.01) as net,
        SogniClient(
            api_key=net.api_key,
            rest_endpoint=net.rest_url,
            socket_endpoint=net.socket_url,
            app_source=app_source,
            connect=False,
        ) as client,
    ):
        source = finished_workflow(client)
        ops: list[dict[str, Any]] = [{"op": "runs.create", "params": npm} for npm, _ in RUN_CASES]
        ops += [{"op": "hosted.executeTool", "params": npm} for npm, _ in TOOL_CASES]
        ops += [{"op": "templates.list", "options": options} for options in LIST_CASES]
        ops += [
            {"op": "workflows.reseed", "workflowId": source, "params": npm}
            for npm, _ in RESEED_CASES
        ]
        net.clear_records()
        spec: dict[str, Any] = {"ops": ops, **({"appSource": app_source} if app_source else {})}
        results = run_npm(net, spec)
        assert not [r for r in results if isinstance(r, dict) and "error" in r]
        theirs = wire(net)
        net.clear_records()
        for _, ours in RUN_CASES:
            client.chat.runs.create(HELLO, **ours)
        for _, ours in TOOL_CASES:
            client.chat.hosted.execute_tool(**ours)
        for options in LIST_CASES:
            client.workflows.templates.list(**options)
        for _, ours in RESEED_CASES:
            client.workflows.reseed(source, **ours)
        mine = wire(net)
    assert len(theirs) == len(RUN_CASES) + len(TOOL_CASES) + len(LIST_CASES) + len(RESEED_CASES)
    assert mine == theirs  # bodies, key order, queries and headers


def test_the_npm_client_completes_every_flow() -> None:
    failing = [
        {"id": "once", "toolName": "generate_image", "arguments": {"prompt": "a [fail] boat"}}
    ]
    template = {
        "name": "Mine",
        "inputs": [{"name": "brief", "required": True}],
        "stages": [{"id": "a", "toolName": "generate_image", "arguments": {"prompt": "{{brief}}"}}],
    }
    ask_first = {"requireJobConfirmation": True}
    ops = [
        {
            "op": "runs.create",
            "as": "run",
            "params": {"messages": FOX, "runtimeConfig": ask_first, "tokenType": "spark"},
        },
        {"op": "runs.follow", "runId": "$run.runId"},
        {"op": "runs.get", "runId": "$run.runId"},
        {
            "op": "runs.create",
            "as": "declined",
            "params": {"messages": FOX, "maxEstimatedCapacityUnits": 1},
        },
        {"op": "runs.follow", "runId": "$declined.runId", "approve": False},
        {
            "op": "runs.create",
            "as": "dropped",
            "params": {"messages": FOX, "runtimeConfig": ask_first},
        },
        {"op": "runs.cancel", "runId": "$dropped.runId", "reason": "not now"},
        {
            "op": "hosted.executeTool",
            "params": {"tool": "compose_lyrics", "arguments": {"prompt": "rain"}},
        },
        {"op": "templates.list", "options": {"visibility": "public"}},
        {"op": "templates.create", "as": "tpl", "template": template},
        {"op": "templates.update", "id": "$tpl.id", "patch": {"description": "changed"}},
        {"op": "templates.get", "id": "$tpl.id"},
        {"op": "templates.fork", "id": "tpl_poster_to_clip", "body": {"newName": "Copy"}},
        {
            "op": "workflows.start",
            "as": "wf",
            "params": {
                "workflowId": "$tpl.id",
                "inputs": {"brief": "a cat"},
                "billingMode": "tokens",
            },
        },
        {"op": "workflows.finish", "workflowId": "$wf.workflowId"},
        {
            "op": "workflows.reseed",
            "workflowId": "$wf.workflowId",
            "params": {"seedOverrides": {"a": 5}},
        },
        {"op": "workflows.start", "as": "broken", "params": {"input": {"steps": failing}}},
        {"op": "workflows.finish", "workflowId": "$broken.workflowId"},
        {"op": "workflows.resume", "workflowId": "$broken.workflowId"},
        {"op": "workflows.finish", "workflowId": "$broken.workflowId"},
        {"op": "templates.delete", "id": "$tpl.id"},
        {"op": "templates.get", "id": "$tpl.id"},
    ]
    with LocalSupernet(step_delay=0.01) as net:
        (
            created,
            followed,
            final,
            _,
            declined,
            _,
            cancelled,
            tool,
            public,
            made,
            updated,
            got,
            fork,
            _,
            finished,
            reseeded,
            _,
            failed,
            resumed,
            fixed,
            deleted,
            gone,
        ) = run_npm(net, {"ops": ops})
    assert created["status"] == "queued"
    assert followed["types"][-1] == "run_completed" and "run_cost_decision" in followed["types"]
    assert followed["sequences"] == list(range(1, len(followed["sequences"]) + 1))
    assert final["status"] == "completed" and len(final["artifacts"]) == 1
    assert declined["types"][-1] == "run_completed"
    assert cancelled["status"] == "cancelled" and cancelled["cancellationReason"] == "not now"
    assert tool["status"] == "success" and "lyrics" in tool["data"]["result"]
    assert public["templates"] and public["nextCursor"] is None
    assert updated["description"] == "changed" and got["id"] == made["id"]
    assert fork["name"] == "Copy"
    assert finished["workflow"]["status"] == "completed"
    assert reseeded["reseed"]["clonedFromRunId"] == finished["workflow"]["workflowId"]
    assert reseeded["reseed"]["steps"][0]["seed"] == 5
    assert failed["workflow"]["status"] == "failed"
    assert resumed == {"workflow": resumed["workflow"], "resumed": True}
    assert fixed["workflow"]["status"] == "completed"
    assert deleted == {} and gone["status"] == 404
