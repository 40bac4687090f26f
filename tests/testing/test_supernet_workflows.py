"""Durable creative workflows and their SSE stream on the local Supernet."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from sogni.testing import LocalSupernet

BASE = "/v1/creative-agent/workflows"


def steps_body(*steps: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"input": {"title": "test", "steps": list(steps)}, **extra}


IMAGE_STEP = {
    "id": "img",
    "toolName": "generate_image",
    "arguments": {"prompt": "a cat", "width": 256, "height": 256},
}
MUSIC_STEP = {
    "id": "song",
    "toolName": "sogni_generate_music",
    "arguments": {"prompt": "lofi", "duration": 10},
}


def call(net: LocalSupernet, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(
        method,
        net.rest_url + path,
        headers={"api-key": net.api_key, **kwargs.pop("headers", {})},
        timeout=10,
        **kwargs,
    )


def start(net: LocalSupernet, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    response = call(net, "POST", BASE, json=body, **kwargs)
    assert response.status_code == 200, response.text
    workflow: dict[str, Any] = response.json()["data"]["workflow"]
    return workflow


def sse_frames(net: LocalSupernet, workflow_id: str, **params: str) -> list[dict[str, Any]]:
    frames: list[dict[str, Any]] = []
    with httpx.stream(
        "GET",
        f"{net.rest_url}{BASE}/{workflow_id}/events/stream",
        params=params,
        headers={"api-key": net.api_key, "Accept": "text/event-stream"},
        timeout=10,
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        block: dict[str, Any] = {}
        for line in response.iter_lines():
            if not line:
                if block:
                    frames.append(block)
                block = {}
            elif not line.startswith(":"):
                field, _, value = line.partition(": ")
                block[field] = json.loads(value) if field == "data" else value
    return frames


def test_workflow_runs_to_completion_with_artifacts(net: LocalSupernet) -> None:
    workflow = start(net, steps_body(IMAGE_STEP, MUSIC_STEP, token_type="spark"))
    assert workflow["workflowId"].startswith("wf_")
    assert workflow["status"] in ("queued", "running")
    frames = sse_frames(net, workflow["workflowId"])
    assert frames[-1]["data"]["status"] == "completed"
    assert [int(f["id"]) for f in frames] == list(range(1, len(frames) + 1))
    assert all(f["event"] == f["data"]["event"] for f in frames)
    record = call(net, "GET", f"{BASE}/{workflow['workflowId']}").json()["data"]["workflow"]
    assert record["status"] == "completed"
    assert [s["status"] for s in record["steps"]] == ["completed", "completed"]
    image, song = record["artifacts"]
    assert (image["mediaType"], image["width"], image["height"]) == ("image", 256, 256)
    assert song["mimeType"] == "audio/mpeg"
    assert httpx.get(song["url"]).content[:2] == b"\xff\xfb"
    events = call(net, "GET", f"{BASE}/{workflow['workflowId']}/events").json()["data"]["events"]
    assert [e["id"] for e in events] == [int(f["id"]) for f in frames]


def test_stream_resumes_after_an_event_id(net: LocalSupernet) -> None:
    workflow = start(net, steps_body(IMAGE_STEP))
    everything = sse_frames(net, workflow["workflowId"])
    resumed = sse_frames(net, workflow["workflowId"], after="3")
    assert [f["id"] for f in resumed] == [f["id"] for f in everything[3:]]


def test_image_to_video_kind_compiles_two_steps(net: LocalSupernet) -> None:
    workflow = start(net, {"kind": "image_to_video", "input": {"prompt": "a boat", "duration": 1}})
    sse_frames(net, workflow["workflowId"])
    record = call(net, "GET", f"{BASE}/{workflow['workflowId']}").json()["data"]["workflow"]
    assert [s["toolName"] for s in record["steps"]] == ["generate_image", "generate_video"]
    image, video = record["artifacts"]
    assert record["steps"][1]["arguments"]["reference_image_url"] == image["url"]
    assert video["mimeType"] == "video/mp4"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"input": {"steps": []}},
        {"input": {"steps": [{"toolName": "make_coffee", "arguments": {}}]}},
        {"input": {"steps": [{"toolName": "generate_image", "arguments": {}}]}},
        {
            "input": {
                "steps": [
                    {
                        "id": "a",
                        "toolName": "generate_image",
                        "arguments": {"prompt": "x"},
                        "dependsOn": [
                            {
                                "sourceStepId": "later",
                                "targetArgument": "y",
                                "transform": "artifact_url",
                            }
                        ],
                    }
                ]
            }
        },
        {"kind": "teleport", "input": {}},
    ],
)
def test_invalid_workflows_are_rejected_before_running(
    net: LocalSupernet, body: dict[str, Any]
) -> None:
    response = call(net, "POST", BASE, json=body)
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert call(net, "GET", BASE).json()["data"]["workflows"] == []


def test_cancel_a_running_workflow() -> None:
    with LocalSupernet(step_delay=0.2) as net:
        workflow = start(net, steps_body(IMAGE_STEP, MUSIC_STEP))
        response = call(net, "POST", f"{BASE}/{workflow['workflowId']}/cancel")
        assert response.status_code == 200
        assert response.json()["data"]["workflow"]["status"] == "cancelled"
        frames = sse_frames(net, workflow["workflowId"])
        assert frames[-1]["data"]["status"] == "cancelled"


def test_list_get_and_404(net: LocalSupernet) -> None:
    first = start(net, steps_body(IMAGE_STEP))
    second = start(net, steps_body(IMAGE_STEP))
    listed = call(net, "GET", BASE, params={"limit": "1"}).json()["data"]["workflows"]
    assert [w["workflowId"] for w in listed] == [second["workflowId"]]
    offset = call(net, "GET", BASE, params={"offset": "1"}).json()["data"]["workflows"]
    assert [w["workflowId"] for w in offset] == [first["workflowId"]]
    for path in (f"{BASE}/wf_nope", f"{BASE}/wf_nope/events"):
        assert call(net, "GET", path).status_code == 404
    assert call(net, "POST", f"{BASE}/wf_nope/cancel").status_code == 404
    assert httpx.get(net.rest_url + BASE).status_code == 401


def test_idempotency_key_returns_the_same_workflow(net: LocalSupernet) -> None:
    headers = {"Idempotency-Key": "abc"}
    first = start(net, steps_body(IMAGE_STEP), headers=headers)
    again = start(net, steps_body(IMAGE_STEP), headers=headers)
    assert first["workflowId"] == again["workflowId"]
    assert len(call(net, "GET", BASE).json()["data"]["workflows"]) == 1


def test_drop_connections_cuts_open_streams() -> None:
    with LocalSupernet(step_delay=0.5) as net:
        workflow = start(net, steps_body(IMAGE_STEP))
        with httpx.stream(
            "GET",
            f"{net.rest_url}{BASE}/{workflow['workflowId']}/events/stream",
            headers={"api-key": net.api_key},
            timeout=10,
        ) as response:
            lines = response.iter_lines()
            assert next(lines).startswith("id: ")
            assert net.drop_connections() == 1
            with pytest.raises(httpx.HTTPError):
                for _ in lines:
                    pass
