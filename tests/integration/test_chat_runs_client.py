"""Durable chat runs and direct hosted tool execution with both clients against the local
Supernet."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sogni import SogniClient, ValidationError
from sogni.core._generated.models import (
    ChatRunCostPreview,
    ChatRunEvent,
    ChatRunRecord,
    HostedToolExecution,
)
from sogni.errors import ApiError, ConflictError, NotFoundError
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

RUNS = "/v1/chat/runs"
IMAGE_ASK = [{"role": "user", "content": "make an image of a red fox in the snow"}]
ASK_FIRST = {"requireJobConfirmation": True}


@pytest.fixture
def runs_net() -> Iterator[LocalSupernet]:
    with LocalSupernet(api_key="test-key", step_delay=0.01) as server:
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


def posts(net: LocalSupernet, suffix: str = "") -> list[Any]:
    return [
        r
        for r in net.requests()
        if r.method == "POST" and r.path.startswith(RUNS) and r.path.endswith(suffix)
    ]


def test_a_run_waits_for_approval_then_runs_the_tool(runs_net: LocalSupernet) -> None:
    with sync_client(runs_net, app_source="studio") as client:
        run = client.chat.runs.create(
            IMAGE_ASK,
            runtime_config=ASK_FIRST,
            token_type="spark",
            session_id="s-1",
            idempotency_key="turn-1",
        )
        assert isinstance(run, ChatRunRecord) and run.status == "queued"
        assert run.scope is not None and run.scope.app_source == "studio"
        streamed: list[ChatRunEvent] = []
        for event in client.chat.runs.stream_events(run.run_id):
            streamed.append(event)
            if event.type == "run_waiting_for_user":
                paused = client.chat.runs.get(run.run_id)
                assert paused.status == "waiting_for_user" and paused.waiting is not None
                assert paused.waiting.reason == "cost_approval_required"
                details = paused.waiting.details
                assert details is not None and details.tool_call_id is not None
                preview = details.cost_approval_preview
                assert isinstance(preview, ChatRunCostPreview)
                assert preview.token_type == "spark" and preview.total_estimated_capacity_units
                resumed = client.chat.runs.approve(run.run_id, paused, idempotency_key="approve-1")
                assert resumed.status == "running" and resumed.waiting is None
        assert streamed[-1].type == "run_completed"
        assert [e.sequence for e in streamed] == list(range(1, len(streamed) + 1))
        assert [e.sequence for e in client.chat.runs.events(run.run_id)] == [
            e.sequence for e in streamed
        ]
        final = client.chat.runs.get(run.run_id)
        assert final.status == "completed" and final.final_response is not None
        assert final.final_response.finish_reason == "stop"
        assert len(final.artifacts or []) == 1
        assert final.media_context is not None and len(final.media_context.images or []) == 1
    (create,) = posts(runs_net, RUNS)
    assert create.json == {
        "messages": IMAGE_ASK,
        "session_id": "s-1",
        "token_type": "spark",
        "app_source": "studio",
        "runtime_config": ASK_FIRST,
    }
    assert create.headers["idempotency-key"] == "turn-1"
    (confirm,) = posts(runs_net, "/confirm-cost")
    # the preview the user was shown went back exactly as the network sent it
    waiting_event = next(e for e in streamed if e.type == "run_waiting_for_user")
    assert confirm.json == {
        "tool_call_id": waiting_event.payload["details"]["toolCallId"],  # type: ignore[index]
        "decision": "confirm",
        "acceptedCostPreview": waiting_event.payload["details"]["costApprovalPreview"],  # type: ignore[index]
    }
    assert confirm.headers["idempotency-key"] == "approve-1"


def test_declining_skips_the_paid_tool(runs_net: LocalSupernet) -> None:
    with sync_client(runs_net) as client:
        run = client.chat.runs.create(IMAGE_ASK, max_estimated_capacity_units=1)
        events = iter(client.chat.runs.stream_events(run.run_id))
        waiting = next(e for e in events if e.type == "run_waiting_for_user")
        details = waiting.payload["details"]  # type: ignore[index]
        client.chat.runs.confirm_cost(
            run.run_id, tool_call_id=details["toolCallId"], decision="cancel", reason="too dear"
        )
        assert [e.type for e in events][-1] == "run_completed"
        final = client.chat.runs.get(run.run_id)
        assert final.artifacts == [] and final.tool_results
        assert final.tool_results[0]["cancelled"] is True
    (confirm,) = posts(runs_net, "/confirm-cost")
    assert confirm.json == {
        "tool_call_id": details["toolCallId"],
        "decision": "cancel",
        "reason": "too dear",
    }


def test_approval_needs_the_current_preview(runs_net: LocalSupernet) -> None:
    with sync_client(runs_net) as client:
        run = client.chat.runs.create(IMAGE_ASK, runtime_config=ASK_FIRST)
        events = iter(client.chat.runs.stream_events(run.run_id))
        waiting = next(e for e in events if e.type == "run_waiting_for_user")
        details = dict(waiting.payload["details"])  # type: ignore[index]
        stale = {**details["costApprovalPreview"], "totalEstimatedCapacityUnits": 0.5}
        with pytest.raises(ConflictError) as conflict:
            client.chat.runs.confirm_cost(
                run.run_id, tool_call_id=details["toolCallId"], accepted_cost_preview=stale
            )
        assert conflict.value.status == 409
        with pytest.raises(ValidationError) as no_preview:
            client.chat.runs.confirm_cost(run.run_id, tool_call_id=details["toolCallId"])
        assert no_preview.value.field == "accepted_cost_preview"
        with pytest.raises(ValidationError):
            client.chat.runs.approve(run.run_id, run)  # the queued record holds no pause
        approved = client.chat.runs.approve(run.run_id, waiting, idempotency_key="once")
        again = client.chat.runs.approve(run.run_id, waiting, idempotency_key="once")
        assert approved.run_id == again.run_id  # the repeat of a decision counts once
        with pytest.raises(ConflictError):  # without the key it is a second decision
            client.chat.runs.approve(run.run_id, waiting)
        assert [e.type for e in events][-1] == "run_completed"
    assert len(posts(runs_net, "/confirm-cost")) == 4  # the ValidationErrors sent nothing


def test_cancel_a_waiting_run(runs_net: LocalSupernet) -> None:
    with sync_client(runs_net) as client:
        run = client.chat.runs.create(IMAGE_ASK, runtime_config=ASK_FIRST)
        events = iter(client.chat.runs.stream_events(run.run_id))
        next(e for e in events if e.type == "run_waiting_for_user")
        cancelled = client.chat.runs.cancel(run.run_id, "not now")
        assert cancelled.status == "cancelled" and cancelled.cancellation_reason == "not now"
        assert [e.type for e in events] == ["run_cancelled"]
        assert client.chat.runs.cancel(run.run_id).status == "cancelled"  # no change
    bodies = [r.json for r in posts(runs_net, "/cancel")]
    assert bodies == [{"reason": "not now"}, {}]


def test_repeated_keys_unknown_runs_and_inline_media(runs_net: LocalSupernet) -> None:
    with sync_client(runs_net) as client:
        first = client.chat.runs.create([{"role": "user", "content": "hi"}], idempotency_key="same")
        second = client.chat.runs.create(
            [{"role": "user", "content": "hi"}], idempotency_key="same"
        )
        assert first.run_id == second.run_id
        with pytest.raises(NotFoundError):
            client.chat.runs.get("run_missing")
        with pytest.raises(ApiError) as stream:
            list(client.chat.runs.stream_events("run_missing"))
        assert stream.value.status == 404
        before = len(runs_net.requests())
        with pytest.raises(ValidationError) as inline:
            client.chat.runs.create(
                [
                    {
                        "role": "user",
                        "content": [
                            {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}
                        ],
                    }
                ]
            )
        assert "data" in str(inline.value)
        assert len(runs_net.requests()) == before  # refused before any request


def test_a_run_is_its_owners_only(runs_net: LocalSupernet) -> None:
    runs_net.add_account("other", address="0x" + "1" * 40)
    with sync_client(runs_net) as client:
        run = client.chat.runs.create([{"role": "user", "content": "mine"}])
        access, _ = runs_net.issue_tokens("0x" + "1" * 40)
        url = f"{runs_net.rest_url}{RUNS}/{run.run_id}"
        assert httpx.get(url, headers={"Authorization": access}).status_code == 404
        assert client.chat.runs.get(run.run_id).run_id == run.run_id


def test_execute_tool_runs_a_synchronous_tool(runs_net: LocalSupernet) -> None:
    with sync_client(runs_net, app_source="studio") as client:
        enhanced = client.chat.hosted.execute_tool(
            "enhance_prompt",
            {"prompt": "a glass robot", "destination_tool": "generate_image"},
            token_type="spark",
        )
        assert isinstance(enhanced, HostedToolExecution)
        assert enhanced.tool == "enhance_prompt" and enhanced.tool_call_id
        assert enhanced.result and "a glass robot" in enhanced.result["prompt"]
        plan = client.chat.hosted.execute_tool(
            "compose_workflow", {"brief": "a day at sea", "scene_count": 3}
        )
        assert plan.result and len(plan.result["steps"]) == 3
        before = len(runs_net.requests())
        with pytest.raises(ValidationError):
            client.chat.hosted.execute_tool("generate_video", {"prompt": "x"})
        assert len(runs_net.requests()) == before
        with pytest.raises(ApiError) as unknown:
            client.chat.hosted.execute_tool("compose_sonnet", {"prompt": "x"})
        assert unknown.value.status == 400
    sent = [r.json for r in runs_net.requests() if r.path == "/v1/creative-agent/tools/execute"]
    assert sent[0] == {
        "tool": "enhance_prompt",
        "arguments": {"prompt": "a glass robot", "destination_tool": "generate_image"},
        "app_source": "studio",
        "token_type": "spark",
    }


def test_async_client_runs_the_same_flow(runs_net: LocalSupernet) -> None:
    async def main() -> tuple[list[str], ChatRunRecord, ChatRunRecord, HostedToolExecution]:
        async with async_client(runs_net) as client:
            run = await client.chat.runs.create(
                IMAGE_ASK, runtime_config=ASK_FIRST, billing_mode="tokens"
            )
            types: list[str] = []
            async for event in client.chat.runs.stream_events(run.run_id):
                types.append(event.type)
                if event.type == "run_waiting_for_user":
                    await client.chat.runs.approve(run.run_id, event)
            history = await client.chat.runs.events(run.run_id)
            assert [e.type for e in history] == types
            final = await client.chat.runs.get(run.run_id)
            other = await client.chat.runs.create(IMAGE_ASK, runtime_config=ASK_FIRST)
            stream = client.chat.runs.stream_events(other.run_id)
            async for event in stream:
                if event.type == "run_waiting_for_user":
                    waiting = await client.chat.runs.get(other.run_id)
                    assert waiting.waiting is not None and waiting.waiting.details is not None
                    await client.chat.runs.confirm_cost(
                        other.run_id,
                        tool_call_id=str(waiting.waiting.details.tool_call_id),
                        decision="cancel",
                    )
            cancelled = await client.chat.runs.cancel(other.run_id)  # finished: unchanged
            tool = await client.chat.hosted.execute_tool(
                "compose_lyrics", {"prompt": "rain on a tin roof"}
            )
            return types, final, cancelled, tool

    types, final, cancelled, tool = asyncio.run(main())
    assert types[-1] == "run_completed" and "run_cost_decision" in types
    assert final.status == "completed" and len(final.artifacts or []) == 1
    assert cancelled.status == "completed"
    assert tool.result and "lyrics" in tool.result
    (create, _) = posts(runs_net, RUNS)
    assert create.json["billing_mode"] == "tokens"
