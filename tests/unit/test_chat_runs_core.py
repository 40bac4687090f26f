"""The sans-I/O core of durable chat runs: request builders, checks and the event stream."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sogni.core.chat import runs as cr
from sogni.errors import ValidationError

USER = [{"role": "user", "content": "hello"}]
PREVIEW = {
    "totalEstimatedCapacityUnits": 2,
    "tokenType": "spark",
    "validityUntil": "2030-01-01T00:00:00.000Z",
}


def frame(sequence: int, type_: str = "assistant_delta", **payload: Any) -> str:
    event = {"sequence": sequence, "type": type_, "at": "t", "payload": payload}
    return f"id: {sequence}\nevent: {type_}\ndata: {json.dumps(event)}\n\n"


def test_create_body_keys_in_the_clients_order() -> None:
    request = cr.create_request(
        USER,
        tools=[],
        tool_choice="auto",
        model="m",
        sampling={"temperature": 0.2},
        media_references=[],
        media_context={"images": []},
        max_estimated_capacity_units=0,
        confirm_cost=False,
        session_id="s",
        client_message_id="c",
        token_type="spark",
        billing_mode="tokens",
        app_source="app",
        runtime_config={"qualityTier": "fast"},
        idempotency_key="k",
    )
    assert (request.method, request.path) == ("POST", "/v1/chat/runs")
    assert list(request.json) == [
        "messages",
        "tools",
        "tool_choice",
        "model",
        "sampling",
        "media_references",
        "media_context",
        "max_estimated_capacity_units",
        "confirm_cost",
        "session_id",
        "client_message_id",
        "token_type",
        "billing_mode",
        "app_source",
        "runtime_config",
    ]
    assert request.headers == {"Content-Type": "application/json", "Idempotency-Key": "k"}
    assert request.idempotent  # keyed: a repeat returns the same run
    assert cr.create_request(USER).json == {"messages": USER}
    assert not cr.create_request(USER).idempotent


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"messages": []}, "messages"),
        ({"messages": [{"content": "no role"}]}, "messages[0].role"),
        ({"token_type": "gold"}, "token_type"),
        ({"billing_mode": "free"}, "billing_mode"),
        ({"confirm_cost": "yes"}, "confirm_cost"),
        ({"max_estimated_capacity_units": float("nan")}, "max_estimated_capacity_units"),
        ({"tool_choice": "sometimes"}, "tool_choice"),
        ({"extra_body": {"model": "x"}}, "extra_body.model"),
    ],
)
def test_create_refuses_bad_input(kwargs: dict[str, Any], field: str) -> None:
    messages = kwargs.pop("messages", USER)
    with pytest.raises(ValidationError) as info:
        cr.create_request(messages, **kwargs)
    assert info.value.field == field


def test_inline_media_is_refused_naming_every_field() -> None:
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "look"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
            ],
        }
    ]
    with pytest.raises(ValidationError) as info:
        cr.create_request(
            messages,
            media_references=[{"url": "https://cdn.example/a.png"}, {"dataUri": "data:x"}],
            media_context={"images": ["https://ok.example/b.png", "file:///tmp/c.png"]},
        )
    message = str(info.value)
    for path in (
        "messages[0].content[1].image_url.url",
        "media_references[1].dataUri",
        "media_context.images[1]",
    ):
        assert path in message
    assert "media_references[0]" not in message and "images[0]" not in message
    assert info.value.field == "messages[0].content[1].image_url.url"


def test_confirm_and_cancel_bodies() -> None:
    confirm = cr.confirm_cost_request(
        "run 1",
        tool_call_id="call_1",
        decision="confirm",
        accepted_cost_preview=PREVIEW,
        reason="ok",
        idempotency_key="once",
    )
    assert confirm.path == "/v1/chat/runs/run%201/confirm-cost"
    assert confirm.json == {
        "tool_call_id": "call_1",
        "decision": "confirm",
        "acceptedCostPreview": PREVIEW,
        "reason": "ok",
    }
    assert confirm.headers["Idempotency-Key"] == "once"
    decline = cr.confirm_cost_request("r", tool_call_id="call_1", decision="cancel")
    assert decline.json == {"tool_call_id": "call_1", "decision": "cancel"}
    with pytest.raises(ValidationError) as missing:
        cr.confirm_cost_request("r", tool_call_id="call_1", decision="confirm")
    assert missing.value.field == "accepted_cost_preview"
    with pytest.raises(ValidationError) as decision:
        cr.confirm_cost_request(
            "r", tool_call_id="c", decision="maybe", accepted_cost_preview=PREVIEW
        )
    assert decision.value.allowed == ["confirm", "cancel"]
    assert cr.cancel_request("r").json == {}
    assert cr.cancel_request("r", "changed my mind").json == {"reason": "changed my mind"}
    with pytest.raises(ValidationError):
        cr.get_request("")


def test_approval_of_takes_only_an_approvable_cost_pause() -> None:
    waiting = {
        "reason": "cost_approval_required",
        "details": {"toolCallId": "call_1", "costApprovalPreview": PREVIEW},
    }
    assert cr.approval_of(waiting) == ("call_1", PREVIEW)
    for bad in (
        None,
        {"reason": "ask_clarifying_question"},
        {"reason": "cost_approval_required", "details": {"toolCallId": "call_1"}},
    ):
        with pytest.raises(ValidationError):
            cr.approval_of(bad)


def test_execute_tool_checks_the_tool_and_its_given_arguments() -> None:
    request = cr.execute_tool_request(
        "enhance_prompt",
        {"prompt": "a robot"},
        app_source="app",
        token_type="auto",
        safe_content_filter=False,
    )
    assert request.path == "/v1/creative-agent/tools/execute"
    assert request.json == {
        "tool": "enhance_prompt",
        "arguments": {"prompt": "a robot"},
        "app_source": "app",
        "token_type": "auto",
        "safe_content_filter": False,
    }
    # a tool the SDK does not know yet goes to the network as given
    assert cr.execute_tool_request("compose_poem", {"x": 1}).json["tool"] == "compose_poem"
    with pytest.raises(ValidationError) as media:
        cr.execute_tool_request("generate_image", {"prompt": "x"})
    assert media.value.allowed == list(cr.SYNCHRONOUS_TOOLS)
    with pytest.raises(ValidationError) as missing:
        cr.execute_tool_request("compose_script", {"scene_count": 2})
    assert missing.value.field == "arguments.brief"
    with pytest.raises(ValidationError) as bounds:
        cr.execute_tool_request("compose_script", {"brief": "b", "scene_count": 99})
    assert bounds.value.field == "arguments.scene_count"
    with pytest.raises(ValidationError):
        cr.execute_tool_request("compose_script", ["brief"])  # type: ignore[arg-type]


def test_event_stream_skips_status_frames_and_resumes_without_repeats() -> None:
    stream = cr.RunEventStream.starting()
    assert stream.next_headers() == {"Accept": "text/event-stream"}
    status = 'event: run_status\ndata: {"runId": "r", "status": "running"}\n\n'
    body = status + frame(1) + frame(2) + frame(3)[:12]  # the third is cut mid-frame
    assert [e["sequence"] for e in stream.feed(body)] == [1, 2]
    stream.connection_lost()
    assert stream.next_headers() == {"Accept": "text/event-stream", "Last-Event-ID": "2"}
    # the server replays from its own idea of where to start: repeats are dropped
    replay = status + frame(2) + frame(3) + frame(4, "run_completed", status="completed")
    assert [e["sequence"] for e in stream.feed(replay)] == [3, 4]
    assert stream.done
    assert stream.feed(frame(5)) == []


def test_event_stream_starts_after_a_given_event_and_finishes_on_a_cut_terminal() -> None:
    stream = cr.RunEventStream.starting(3)
    assert stream.next_headers()["Last-Event-ID"] == "3"
    assert stream.feed(frame(3)) == []
    terminal = frame(4, "run_failed", status="failed").rstrip("\n")
    assert stream.feed(terminal) == []
    assert [e["type"] for e in stream.end_of_body()] == ["run_failed"]
    with pytest.raises(ValidationError):
        cr.RunEventStream.starting(-1)
