"""Durable creative workflows with both clients against the local Supernet."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from sogni import SogniClient, ValidationError
from sogni.core._generated.models import WorkflowRecord, WorkflowSseFrame
from sogni.errors import ApiError
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

WORKFLOWS = "/v1/creative-agent/workflows"
STEPS: list[dict[str, Any]] = [
    {
        "id": "poster",
        "toolName": "sogni_generate_image",
        "arguments": {"prompt": "a red kite", "width": 512, "height": 768},
    },
    {
        "id": "clip",
        "toolName": "sogni_generate_video",
        "arguments": {"prompt": "the kite flies", "duration": 1},
        "dependsOn": [
            {
                "sourceStepId": "poster",
                "targetArgument": "reference_image_url",
                "transform": "artifact_url",
            }
        ],
    },
]
TERMINAL = {"completed", "failed", "cancelled"}


@pytest.fixture
def paced_net() -> Iterator[LocalSupernet]:
    """Workflow events a little apart, so a test can act between them."""
    with LocalSupernet(api_key="test-key", step_delay=0.03) as server:
        yield server


@pytest.fixture
def steady_net() -> Iterator[LocalSupernet]:
    """Workflow events 0.1 s apart: the workflow is still running at every drop below."""
    with LocalSupernet(api_key="test-key", step_delay=0.1) as server:
        yield server


def sync_client(net: LocalSupernet, **kwargs: Any) -> SogniClient:
    return SogniClient(
        api_key=net.api_key,
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        connect=False,
        **kwargs,
    )


def async_client(net: LocalSupernet, **kwargs: Any) -> AsyncSogniClient:
    return AsyncSogniClient(
        api_key=net.api_key,
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        connect=False,
        **kwargs,
    )


def posted(net: LocalSupernet, path: str = WORKFLOWS) -> list[Any]:
    return [r.json for r in net.requests() if r.method == "POST" and r.path == path]


def stream_requests(net: LocalSupernet, workflow_id: str) -> list[Any]:
    path = f"{WORKFLOWS}/{workflow_id}/events/stream"
    return [r for r in net.requests() if r.path == path]


def test_hosted_sequence_runs_and_streams_to_the_end(paced_net: LocalSupernet) -> None:
    with sync_client(paced_net) as client:
        record = client.creative_workflows.start_hosted_tool_sequence(
            STEPS, title="poster then clip", token_type="spark"
        )
        assert isinstance(record, WorkflowRecord) and record.status == "queued"
        assert posted(paced_net) == [
            {
                "kind": "hosted_tool_sequence",
                "input": {"title": "poster then clip", "steps": STEPS},
                "token_type": "spark",
            }
        ]
        frames = list(client.creative_workflows.stream_events(record.workflow_id))
        assert all(isinstance(f, WorkflowSseFrame) for f in frames)
        assert frames[-1].data["status"] == "completed"
        history = client.creative_workflows.events(record.workflow_id)
        assert [f.id for f in frames] == [str(e.id) for e in history]
        final = client.creative_workflows.get(record.workflow_id)
        assert final.status == "completed"
        poster, clip = final.artifacts or []
        assert (poster.width, poster.height) == (512, 768) and clip.media_type == "video"
        listed = client.creative_workflows.list(limit=5)
        assert record.workflow_id in [w.workflow_id for w in listed]


def test_stream_survives_repeated_drops_without_loss_or_repeats(
    steady_net: LocalSupernet,
) -> None:
    paced_net = steady_net
    with sync_client(paced_net) as client:
        record = client.creative_workflows.start_hosted_tool_sequence(STEPS)
        ids: list[str] = []
        cut = 0
        pending = False
        for frame in client.creative_workflows.stream_events(record.workflow_id):
            ids.append(str(frame.id))
            # Frames may come from what was buffered before a cut: drop again as soon as a
            # live stream exists.
            pending = pending or len(ids) in (2, 5, 8)
            if pending and paced_net.drop_connections():
                cut, pending = cut + 1, False
        assert cut == 3
        history = client.creative_workflows.events(record.workflow_id)
        assert ids == [str(e.id) for e in history]  # every event once, in order
        assert frame.data["status"] in TERMINAL and frame.data["status"] == "completed"
        requests = stream_requests(paced_net, record.workflow_id)
        assert len(requests) == 4
        # every reconnection resumed after the last event delivered before the drop
        resumed = [r for r in requests if "after" in r.query]
        assert len(resumed) == 3
        for request in resumed:
            assert request.headers["last-event-id"] == request.query["after"]
            assert request.query["after"] in ids


def test_async_stream_survives_drops(steady_net: LocalSupernet) -> None:
    paced_net = steady_net

    async def main() -> tuple[list[str], list[str]]:
        async with async_client(paced_net) as client:
            record = await client.creative_workflows.start_hosted_tool_sequence(STEPS)
            ids: list[str] = []
            cut, pending = 0, False
            async for frame in client.creative_workflows.stream_events(record.workflow_id):
                ids.append(str(frame.id))
                pending = pending or len(ids) in (3, 6, 9)
                if pending and paced_net.drop_connections():
                    cut, pending = cut + 1, False
            assert frame.data["status"] == "completed"
            assert cut == 3
            history = await client.creative_workflows.events(record.workflow_id)
            return ids, [str(e.id) for e in history]

    ids, history = asyncio.run(main())
    assert ids == history


def test_stream_resumes_after_a_given_event(paced_net: LocalSupernet) -> None:
    with sync_client(paced_net) as client:
        record = client.creative_workflows.start_hosted_tool_sequence(STEPS)
        final = client.creative_workflows.wait(record.workflow_id, timeout=30)
        assert final.status == "completed"
        total = len(client.creative_workflows.events(record.workflow_id))
        after = [
            f.id
            for f in client.creative_workflows.stream_events(record.workflow_id, after=total - 3)
        ]
        assert after == [str(n) for n in range(total - 2, total + 1)]
        resumed = [
            f.id
            for f in client.creative_workflows.stream_events(
                record.workflow_id, last_event_id=total - 1
            )
        ]
        assert resumed == [str(total)]
        last = stream_requests(paced_net, record.workflow_id)[-1]
        assert last.headers["last-event-id"] == str(total - 1)
        assert last.query == {"after": str(total - 1)}


def test_breaking_out_of_the_stream_closes_it(paced_net: LocalSupernet) -> None:
    with sync_client(paced_net) as client:
        record = client.creative_workflows.start_hosted_tool_sequence(STEPS)
        stream = client.creative_workflows.stream_events(record.workflow_id)
        first = next(iter(stream))
        assert first.id == "1"
        stream.close()  # type: ignore[attr-defined]
        assert client.creative_workflows.wait(record.workflow_id, timeout=30).status == "completed"


def test_cancel_is_cooperative_and_ends_the_stream() -> None:
    with LocalSupernet(api_key="test-key", step_delay=0.3) as net, sync_client(net) as client:
        record = client.creative_workflows.start_hosted_tool_sequence(STEPS)
        stream = iter(client.creative_workflows.stream_events(record.workflow_id))
        next(stream)
        cancelled = client.creative_workflows.cancel(record.workflow_id)
        assert cancelled.status == "cancelled"
        rest = list(stream)
        assert rest[-1].data["status"] == "cancelled"
        cancel = [r for r in net.requests() if r.path.endswith("/cancel")][0]
        assert cancel.method == "POST" and cancel.json is None  # no body, as the network's client


def test_wait_returns_the_final_record_async(paced_net: LocalSupernet) -> None:
    async def main() -> WorkflowRecord:
        async with async_client(paced_net) as client:
            record = await client.creative_workflows.start_image_to_video(
                "a lighthouse",
                video_prompt="waves roll in",
                width=512,
                height=512,
                duration=1,
                token_type="sogni",
            )
            return await client.creative_workflows.wait(record.workflow_id, timeout=30)

    final = asyncio.run(main())
    assert final.status == "completed" and len(final.artifacts or []) == 2
    assert posted(paced_net) == [
        {
            "kind": "image_to_video",
            "input": {
                "prompt": "a lighthouse",
                "videoPrompt": "waves roll in",
                "width": 512,
                "height": 512,
                "duration": 1,
            },
            "token_type": "sogni",
        }
    ]


def test_generic_start_bodies(paced_net: LocalSupernet) -> None:
    with sync_client(paced_net, app_source="my-app") as client:
        body = {"title": "t", "steps": STEPS}
        newer = client.creative_workflows.start(
            input=body, token_type="spark", idempotency_key="k-1"
        )
        again = client.creative_workflows.start(
            input=body, token_type="spark", idempotency_key="k-1"
        )
        assert again.workflow_id == newer.workflow_id  # the key made the repeat harmless
        typed = client.creative_workflows.start("hosted_tool_sequence", body, app_source="x")
        positional = client.creative_workflows.start(body)
        sent = posted(paced_net)
        assert sent[0] == {"input": body, "token_type": "spark", "app_source": "my-app"}
        assert list(sent[2]) == ["kind", "input", "app_source"]
        assert sent[2]["kind"] == "hosted_tool_sequence" and sent[2]["app_source"] == "x"
        assert sent[3] == {"input": body, "app_source": "my-app"}
        keys = [
            r.headers.get("idempotency-key")
            for r in paced_net.requests()
            if r.method == "POST" and r.path == WORKFLOWS
        ]
        assert keys == ["k-1", "k-1", None, None]
        assert positional.workflow_id != typed.workflow_id


def test_invalid_steps_fail_before_any_request(net: LocalSupernet) -> None:
    with sync_client(net) as client:
        bad_steps: list[Any] = [
            [{"toolName": "sogni_paint_house", "arguments": {"prompt": "x"}}],
            [
                {
                    "id": "a",
                    "toolName": "sogni_generate_video",
                    "arguments": {"prompt": "x"},
                    "dependsOn": [
                        {
                            "sourceStepId": "zzz",
                            "targetArgument": "reference_image_url",
                            "transform": "artifact_url",
                        }
                    ],
                }
            ],
            [{"id": "a", "toolName": "sogni_video_to_video", "arguments": {"prompt": "x"}}],
            [
                {
                    "id": "a",
                    "toolName": "sogni_generate_video",
                    "arguments": {"prompt": "x"},
                    "dependsOn": [
                        {
                            "sourceStepId": "$input_media",
                            "targetArgument": "reference_image_url",
                            "transform": "artifact_url",
                        }
                    ],
                }
            ],
        ]
        for steps in bad_steps:
            with pytest.raises(ValidationError) as info:
                client.creative_workflows.start_hosted_tool_sequence(steps)
            assert info.value.field and info.value.field.startswith("steps[0]")
        with pytest.raises(ValidationError) as data_uri:
            client.creative_workflows.start(
                input={"steps": STEPS},
                media_references=[{"url": "data:image/png;base64,AAAA", "type": "image"}],
            )
        assert "media_references" in (data_uri.value.field or "")
        assert posted(net) == []


def test_input_media_binds_an_uploaded_reference(paced_net: LocalSupernet) -> None:
    media = [{"url": "https://cdn.example.com/photo.png", "type": "image"}]
    steps = [
        {
            "id": "move",
            "toolName": "sogni_generate_video",
            "arguments": {"prompt": "it moves", "duration": 1},
            "dependsOn": [
                {
                    "sourceStepId": "$input_media",
                    "targetArgument": "reference_image_url",
                    "transform": "artifact_url",
                    "sourceArtifactIndex": 0,
                }
            ],
        }
    ]
    with sync_client(paced_net) as client:
        record = client.creative_workflows.start_hosted_tool_sequence(steps, media_references=media)
        assert client.creative_workflows.wait(record.workflow_id, timeout=30).status == "completed"
    assert posted(paced_net)[0]["input"]["mediaReferences"] == media


def test_server_refusal_and_unknown_workflow_are_api_errors(net: LocalSupernet) -> None:
    with sync_client(net) as client:
        with pytest.raises(ApiError) as refused:
            client.creative_workflows.start(input={"steps": []})
        assert refused.value.status == 400
        with pytest.raises(ApiError) as missing:
            client.creative_workflows.get("wf_missing")
        assert missing.value.status == 404
        with pytest.raises(ApiError):
            list(client.creative_workflows.stream_events("wf_missing"))
