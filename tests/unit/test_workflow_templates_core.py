"""Request builders of workflow templates, resume and reseed, and their answers."""

from __future__ import annotations

from typing import Any

import pytest

from sogni.core import workflows as wf
from sogni.errors import ApiError, ValidationError

TEMPLATE = {"id": "tpl_1", "name": "One"}


def test_resume_and_reseed_bodies() -> None:
    resume = wf.resume_request("wf 1", token_type="spark", billing_mode="tokens", app_source="app")
    assert (resume.method, resume.path) == ("POST", "/v1/creative-agent/workflows/wf%201/resume")
    assert list(resume.json) == ["token_type", "billing_mode", "app_source"]
    assert wf.resume_request("w").json == {}
    reseed = wf.reseed_request(
        "w", seed_overrides={"a": 7}, billing_mode="auto", idempotency_key="take-2"
    )
    assert reseed.json == {"seed_overrides": {"a": 7}, "billing_mode": "auto"}
    assert reseed.headers["Idempotency-Key"] == "take-2"
    bad_overrides: list[dict[str, Any]] = [{"a": -1}, {"a": 1.5}, {"a": True}, {"": 3}]
    for bad in bad_overrides:
        with pytest.raises(ValidationError):
            wf.reseed_request("w", seed_overrides=bad)
    with pytest.raises(ValidationError) as mode:
        wf.resume_request("w", billing_mode="free")
    assert mode.value.field == "billing_mode"


def test_template_requests() -> None:
    listing = wf.list_templates_request(visibility="public", offset=0, limit=200)
    assert listing.query == {"visibility": "public", "offset": "0", "limit": "200"}
    assert wf.list_templates_request().query == {}
    for kwargs in ({"visibility": "team"}, {"limit": 0}, {"limit": 201}, {"offset": -1}):
        with pytest.raises(ValidationError):
            wf.list_templates_request(**kwargs)
    assert wf.get_template_request("a/b").path == "/v1/creative-agent/workflows/templates/a%2Fb"
    create = wf.create_template_request({"name": "Mine", "stages": []})
    assert (create.method, create.json) == ("POST", {"name": "Mine", "stages": []})
    with pytest.raises(ValidationError) as nameless:
        wf.create_template_request({"description": "no name"})
    assert nameless.value.field == "template.name"
    update = wf.update_template_request("tpl_1", {"description": "d"})
    assert (update.method, update.json) == ("PATCH", {"description": "d"})
    delete = wf.delete_template_request("tpl_1")
    assert (delete.method, delete.json) == ("DELETE", None)
    assert wf.fork_template_request("tpl_1").json == {}
    assert wf.fork_template_request("tpl_1", new_name="Copy").json == {"newName": "Copy"}


def test_start_sends_the_safe_content_filter_before_the_media() -> None:
    request = wf.start_request(
        template_id="tpl_1", safe_content_filter=False, media_references=[], confirm_cost=True
    )
    assert list(request.json) == [
        "workflow_id",
        "confirm_cost",
        "safe_content_filter",
        "media_references",
    ]
    with pytest.raises(ValidationError):
        wf.start_request(template_id="tpl_1", safe_content_filter="no")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "payload", [{"status": "success", "data": {"template": TEMPLATE}}, {"template": TEMPLATE}]
)
def test_template_answers_with_or_without_the_envelope(payload: dict[str, Any]) -> None:
    assert wf.unwrap_template(payload) == TEMPLATE


def test_template_lists_keep_only_templates() -> None:
    payload = {"status": "success", "data": {"templates": [TEMPLATE, {"id": 3}, "x"], "next": 50}}
    assert wf.unwrap_templates(payload) == {"templates": [TEMPLATE], "next": 50}
    assert wf.unwrap_templates({"templates": None, "next": True}) == {"templates": [], "next": None}
    with pytest.raises(ApiError):
        wf.unwrap_template({"status": "success", "data": {"template": {"id": "x"}}}, "fork")
