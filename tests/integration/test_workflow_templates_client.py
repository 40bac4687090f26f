"""Workflow templates, runs of a template, resume and reseed with both clients against the
local Supernet."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from sogni import SogniClient, ValidationError
from sogni.core._generated.models import (
    WorkflowReseeded,
    WorkflowResumed,
    WorkflowTemplate,
    WorkflowTemplatePage,
)
from sogni.errors import ApiError, ConflictError, NotFoundError, PermissionDeniedError
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

TEMPLATES = "/v1/creative-agent/workflows/templates"
POSTER = {
    "name": "Poster",
    "description": "One image of the brief.",
    "inputs": [
        {"name": "brief", "type": "string", "required": True},
        {"name": "width", "type": "number", "default": 512},
    ],
    "stages": [
        {
            "id": "poster",
            "toolName": "generate_image",
            "arguments": {"prompt": "a poster of {{brief}}", "width": "{{width}}", "height": 768},
        }
    ],
}


@pytest.fixture
def wf_net() -> Iterator[LocalSupernet]:
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


def async_client(net: LocalSupernet) -> AsyncSogniClient:
    return AsyncSogniClient(
        api_key=net.api_key,
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        connect=False,
    )


def test_templates_are_kept_per_account(wf_net: LocalSupernet) -> None:
    with sync_client(wf_net) as client:
        templates = client.workflows.templates
        public = templates.list(visibility="public")
        assert isinstance(public, WorkflowTemplatePage)
        assert public.templates and all(t.visibility == "public" for t in public.templates)
        assert templates.list(visibility="own").templates == []
        mine = templates.create(POSTER)
        assert isinstance(mine, WorkflowTemplate) and mine.id and mine.name == "Poster"
        assert isinstance(mine.author, dict) and mine.author["displayName"] == "local-artist"
        assert templates.get(mine.id).stages == POSTER["stages"]
        changed = templates.update(mine.id, {"description": "Changed"})
        assert changed.description == "Changed" and changed.name == "Poster"
        fork = templates.fork(public.templates[0].id, new_name="My copy")
        assert fork.name == "My copy" and fork.visibility == "private"
        assert fork.extra["forkedFrom"] == public.templates[0].id
        own = templates.list(visibility="own", limit=1)
        assert [t.id for t in own.templates] == [mine.id] and own.next_cursor == 1
        assert [t.id for t in templates.list(visibility="own", offset=1).templates] == [fork.id]
        with pytest.raises(PermissionDeniedError):
            templates.update(public.templates[0].id, {"name": "Taken"})
        templates.delete(mine.id)
        with pytest.raises(NotFoundError):
            templates.get(mine.id)
        with pytest.raises(ValidationError):
            templates.list(limit=500)
        with pytest.raises(ValidationError):
            templates.create({"description": "nameless"})
    methods = [
        (r.method, r.path, r.json)
        for r in wf_net.requests()
        if r.path.startswith(TEMPLATES) and r.method != "GET"
    ]
    assert methods[0] == ("POST", TEMPLATES, POSTER)
    assert methods[1] == ("PATCH", f"{TEMPLATES}/{mine.id}", {"description": "Changed"})
    assert methods[2] == (
        "POST",
        f"{TEMPLATES}/{public.templates[0].id}/fork",
        {"newName": "My copy"},
    )
    assert methods[-1] == ("DELETE", f"{TEMPLATES}/{mine.id}", None)


def test_a_run_of_a_template_fills_in_its_inputs(wf_net: LocalSupernet) -> None:
    with sync_client(wf_net) as client:
        mine = client.workflows.templates.create(POSTER)
        record = client.workflows.start(
            template_id=mine.id,
            inputs={"brief": "a lighthouse"},
            billing_mode="tokens",
            safe_content_filter=False,
        )
        final = client.workflows.wait(record.workflow_id, timeout=30)
        assert final.status == "completed" and final.safe_content_filter is False
        (artifact,) = final.artifacts or []
        assert (artifact.width, artifact.height) == (512, 768)  # the input's default
        assert final.steps and final.steps[0]["arguments"]["prompt"] == "a poster of a lighthouse"
        with pytest.raises(ApiError) as missing:
            client.workflows.start(template_id=mine.id, inputs={})
        assert missing.value.status == 400  # the required brief
    start = [
        r.json
        for r in wf_net.requests()
        if r.method == "POST" and r.path == "/v1/creative-agent/workflows"
    ][0]
    assert start == {
        "workflow_id": mine.id,
        "inputs": {"brief": "a lighthouse"},
        "billing_mode": "tokens",
        "safe_content_filter": False,
    }


def test_resume_a_workflow_waiting_for_its_user(wf_net: LocalSupernet) -> None:
    asking = [
        {
            "id": "ask",
            "toolName": "ask_clarifying_question",
            "arguments": {"question": "Which colour?"},
        },
        {"id": "paint", "toolName": "generate_image", "arguments": {"prompt": "a kite"}},
    ]
    with sync_client(wf_net) as client:
        paused = client.workflows.start(input={"steps": asking})
        frames = iter(client.workflows.stream_events(paused.workflow_id))
        next(f for f in frames if f.event == "workflow.waiting_for_user")
        waiting = client.workflows.get(paused.workflow_id)
        assert waiting.status == "waiting_for_user"
        assert waiting.waiting_reason == "ask_clarifying_question"
        assert waiting.awaiting_cost_approval is False
        resumed = client.workflows.resume(paused.workflow_id, token_type="spark")
        assert isinstance(resumed, WorkflowResumed) and resumed.resumed is True
        assert resumed.workflow.workflow_id == paused.workflow_id
        assert [f for f in frames][-1].data["status"] == "completed"
        with pytest.raises(ConflictError):  # a completed workflow has nothing to resume
            client.workflows.resume(paused.workflow_id)
    (body, _) = [r.json for r in wf_net.requests() if r.path.endswith("/resume")]
    assert body == {"token_type": "spark"}


def test_resume_of_a_failed_workflow_and_refusals(wf_net: LocalSupernet) -> None:
    failing = [
        {"id": "once", "toolName": "generate_image", "arguments": {"prompt": "a [fail] boat"}}
    ]
    with sync_client(wf_net) as client:
        record = client.workflows.start(input={"steps": failing})
        failed = client.workflows.wait(record.workflow_id, timeout=30)
        assert failed.status == "failed" and failed.error == {
            "message": "generate_image failed",
            "stepId": "once",
        }
        resumed = client.workflows.resume(record.workflow_id)
        assert resumed.resumed is True
        final = client.workflows.wait(record.workflow_id, timeout=30)
        assert final.status == "completed" and len(final.artifacts or []) == 1
        with pytest.raises(ConflictError):
            client.workflows.resume(record.workflow_id)
        with pytest.raises(NotFoundError):
            client.workflows.resume("wf_missing")
    bodies = [r.json for r in wf_net.requests() if r.path.endswith("/resume")]
    assert bodies[0] == {}


def test_reseed_a_finished_workflow(wf_net: LocalSupernet) -> None:
    steps = [
        {"id": "a", "toolName": "generate_image", "arguments": {"prompt": "a fox"}},
        {"id": "b", "toolName": "generate_image", "arguments": {"prompt": "a hen"}},
    ]
    with sync_client(wf_net, app_source="studio") as client:
        record = client.workflows.start(input={"steps": steps})
        with pytest.raises(ConflictError):  # still running
            client.workflows.reseed(record.workflow_id)
        client.workflows.wait(record.workflow_id, timeout=30)
        take = client.workflows.reseed(
            record.workflow_id,
            seed_overrides={"a": 42},
            billing_mode="auto",
            idempotency_key="take-2",
        )
        assert isinstance(take, WorkflowReseeded) and take.idempotent is False
        assert take.reseed is not None
        assert take.reseed.cloned_from_run_id == record.workflow_id
        seeds = {s["id"]: s["seed"] for s in take.reseed.steps or []}
        assert seeds["a"] == 42 and isinstance(seeds["b"], int)
        repeat = client.workflows.reseed(
            record.workflow_id,
            seed_overrides={"a": 42},
            billing_mode="auto",
            idempotency_key="take-2",
        )
        assert repeat.idempotent is True
        assert repeat.workflow.workflow_id == take.workflow.workflow_id
        other = client.workflows.reseed(record.workflow_id)
        assert other.workflow.workflow_id != take.workflow.workflow_id
        assert client.workflows.wait(take.workflow.workflow_id, timeout=30).status == "completed"
        with pytest.raises(ValidationError):
            client.workflows.reseed(record.workflow_id, seed_overrides={"a": -3})
    reseeds = [r for r in wf_net.requests() if r.path.endswith("/reseed")]
    assert reseeds[1].json == {
        "seed_overrides": {"a": 42},
        "billing_mode": "auto",
        "app_source": "studio",
    }
    assert reseeds[1].headers["idempotency-key"] == "take-2"
    assert "idempotency-key" not in reseeds[3].headers


def test_async_client_templates_resume_and_reseed(wf_net: LocalSupernet) -> None:
    failing = [
        {"id": "once", "toolName": "generate_image", "arguments": {"prompt": "a [fail] comet"}}
    ]

    async def main() -> dict[str, Any]:
        async with async_client(wf_net) as client:
            templates = client.workflows.templates
            mine = await templates.create(POSTER)
            fork = await templates.fork(mine.id)
            own = await templates.list(visibility="own")
            await templates.update(fork.id, {"tags": ["space"]})
            tags = (await templates.get(fork.id)).tags
            await templates.delete(mine.id)
            from_template = await client.workflows.start(
                template_id=fork.id, inputs={"brief": "a comet"}
            )
            first = await client.workflows.wait(from_template.workflow_id, timeout=30)
            take = await client.workflows.reseed(from_template.workflow_id)
            broken = await client.workflows.start(input={"steps": failing})
            failed = await client.workflows.wait(broken.workflow_id, timeout=30)
            resumed = await client.workflows.resume(broken.workflow_id, billing_mode="auto")
            fixed = await client.workflows.wait(broken.workflow_id, timeout=30)
            left = await templates.list(visibility="own")
            return {
                "own": [t.id for t in own.templates],
                "tags": tags,
                "first": first.status,
                "cloned": take.reseed.cloned_from_run_id if take.reseed else None,
                "source": from_template.workflow_id,
                "failed": failed.status,
                "resumed": resumed.resumed,
                "fixed": fixed.status,
                "left": [t.id for t in left.templates],
                "fork": fork.id,
                "mine": mine.id,
            }

    seen = asyncio.run(main())
    assert seen["own"] == [seen["mine"], seen["fork"]] and seen["tags"] == ["space"]
    assert seen["first"] == "completed" and seen["cloned"] == seen["source"]
    assert (seen["failed"], seen["resumed"], seen["fixed"]) == ("failed", True, "completed")
    assert seen["left"] == [seen["fork"]]
