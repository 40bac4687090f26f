"""Saved workflow templates: their requests and the answers to them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from sogni.core import checks
from sogni.core.errors import ApiError, ValidationError
from sogni.core.json_safe import check_json_safe
from sogni.core.workflows.base import TEMPLATES_PATH, WorkflowRequest, check_id, js_string

TEMPLATE_VISIBILITIES = ("own", "public", "all")
"""Which templates ``templates.list`` shows: the account's own, the public ones, or both."""


MAX_TEMPLATE_PAGE = 200
"""Most templates one list request may ask for."""


def template_path(template_id: str, *suffix: str) -> str:
    """``/v1/creative-agent/workflows/templates/{id}[/suffix…]``, the id URL-encoded."""
    encoded = quote(check_id(template_id, "template_id"), safe="!'()*")
    return "/".join((TEMPLATES_PATH, encoded, *suffix))


def list_templates_request(
    *,
    visibility: str | None = None,
    offset: int | None = None,
    limit: int | None = None,
) -> WorkflowRequest:
    """``GET /v1/creative-agent/workflows/templates?visibility=&offset=&limit=`` (each only
    when given); ``limit`` is at most :data:`MAX_TEMPLATE_PAGE`."""
    query: dict[str, str] = {}
    if visibility is not None:
        checks.choice(visibility, "visibility", TEMPLATE_VISIBILITIES, quoted=False)
        query["visibility"] = visibility
    if offset is not None:
        checks.count(offset, "offset", minimum=0)
        query["offset"] = js_string(offset)
    if limit is not None:
        checks.count(limit, "limit", minimum=1)
        if limit > MAX_TEMPLATE_PAGE:
            raise ValidationError(
                f"limit must be at most {MAX_TEMPLATE_PAGE}, got {limit}",
                field="limit",
                allowed=f"1..{MAX_TEMPLATE_PAGE}",
            )
        query["limit"] = js_string(limit)
    return WorkflowRequest("GET", TEMPLATES_PATH, query=query)


def get_template_request(template_id: str) -> WorkflowRequest:
    """``GET /v1/creative-agent/workflows/templates/{id}``."""
    return WorkflowRequest("GET", template_path(template_id), result_key="template")


def _template_body(template: object, field: str, *, partial: bool) -> dict[str, Any]:
    if not isinstance(template, Mapping):
        raise ValidationError(f"{field} must be a mapping of template fields", field=field)
    body = dict(template)
    if not partial or "name" in body:
        checks.text(body.get("name"), f"{field}.name")
    check_json_safe(body, field)
    return body


def create_template_request(template: Mapping[str, Any]) -> WorkflowRequest:
    """``POST /v1/creative-agent/workflows/templates`` with the template as the body (it
    needs a ``name``)."""
    body = _template_body(template, "template", partial=False)
    return WorkflowRequest(
        "POST",
        TEMPLATES_PATH,
        json=body,
        headers={"Content-Type": "application/json"},
        result_key="template",
    )


def update_template_request(template_id: str, patch: Mapping[str, Any]) -> WorkflowRequest:
    """``PATCH /v1/creative-agent/workflows/templates/{id}`` with the fields to change."""
    path = template_path(template_id)
    body = _template_body(patch, "patch", partial=True)
    return WorkflowRequest(
        "PATCH",
        path,
        json=body,
        headers={"Content-Type": "application/json"},
        result_key="template",
    )


def delete_template_request(template_id: str) -> WorkflowRequest:
    """``DELETE /v1/creative-agent/workflows/templates/{id}`` (no body)."""
    return WorkflowRequest("DELETE", template_path(template_id))


def fork_template_request(template_id: str, *, new_name: str | None = None) -> WorkflowRequest:
    """``POST /v1/creative-agent/workflows/templates/{id}/fork`` with ``{newName?}``: an own
    copy of a template (e.g. a public one) to change."""
    path = template_path(template_id, "fork")
    body: dict[str, Any] = {}
    if new_name is not None:
        checks.text(new_name, "new_name")
        body["newName"] = new_name
    check_json_safe(body, "")
    return WorkflowRequest(
        "POST",
        path,
        json=body,
        headers={"Content-Type": "application/json"},
        result_key="template",
    )


def template_envelope(payload: object) -> Mapping[str, Any]:
    """The data of a template answer: the ``data`` of a ``{"status": "success", "data"}``
    envelope, or the answer itself (older servers answer without the envelope)."""
    if not isinstance(payload, Mapping):
        return {}
    data = payload.get("data")
    if payload.get("status") == "success" and isinstance(data, Mapping):
        return data
    return payload


def _is_template(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("id"), str)
        and isinstance(value.get("name"), str)
    )


def unwrap_template(payload: object, operation: str = "") -> Mapping[str, Any]:
    """The ``template`` of a template answer; :class:`ApiError` when it has none with an
    ``id`` and a ``name``."""
    template = template_envelope(payload).get("template")
    if not _is_template(template):
        label = f" {operation}" if operation else ""
        raise ApiError(f"the workflow template{label} answer did not include a template")
    assert isinstance(template, Mapping)
    return template


def unwrap_templates(payload: object) -> dict[str, Any]:
    """``{templates, next}`` of a list answer: entries without an ``id`` and a ``name`` are
    left out, and ``next`` is kept only when it is a number."""
    data = template_envelope(payload)
    raw = data.get("templates")
    templates = [t for t in raw if _is_template(t)] if isinstance(raw, list) else []
    following = data.get("next")
    number = isinstance(following, int) and not isinstance(following, bool)
    return {"templates": templates, "next": following if number else None}
