"""Requests that start, list, follow, resume and reseed workflows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sogni.core import checks
from sogni.core.errors import ValidationError
from sogni.core.extra_body import merge_extra_body
from sogni.core.json_safe import check_json_safe
from sogni.core.workflows.base import (
    WORKFLOWS_PATH,
    WorkflowRequest,
    billing_body,
    check_id,
    js_string,
    merge_extra,
    workflow_path,
)
from sogni.core.workflows.steps import normalize_steps, validate_media_references

# The body keys of a start request, with the keyword of start_request that sets each.
_START_KEYWORDS = {
    "kind": "kind",
    "input": "input",
    "workflow_id": "template_id",
    "inputs": "inputs",
    "token_type": "token_type",
    "billing_mode": "billing_mode",
    "app_source": "app_source",
    "max_estimated_capacity_units": "max_estimated_capacity_units",
    "confirm_cost": "confirm_cost",
    "safe_content_filter": "safe_content_filter",
    "media_references": "media_references",
}


# The typed starts set the kind and build the input from their keywords (and ``extra``).
_TYPED_START_KEYWORDS = {
    "kind": "",
    "input": "extra",
    "token_type": "token_type",
    "app_source": "app_source",
}


def _start_source(
    input: Mapping[str, Any] | None,
    kind: str | None,
    template_id: str | None,
    inputs: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """``{kind?, input}`` of an inline workflow or ``{workflow_id, inputs?}`` of a template."""
    if (input is None) == (template_id is None):
        raise ValidationError(
            "start a workflow with either an inline input or a saved template_id, not "
            + ("both" if input is not None else "neither"),
            field="input",
        )
    body: dict[str, Any] = {}
    if kind is not None:
        checks.text(kind, "kind")
        body["kind"] = kind
    if input is not None:
        if not isinstance(input, Mapping):
            raise ValidationError("input must be a mapping", field="input")
        body["input"] = dict(input)
    if inputs is not None and template_id is None:
        raise ValidationError("inputs go with a saved template_id", field="inputs")
    if template_id is not None:
        body["workflow_id"] = check_id(template_id, "template_id")
        if inputs is not None:  # an empty mapping is sent too, as the network's client does
            if not isinstance(inputs, Mapping):
                raise ValidationError("inputs must be a mapping", field="inputs")
            body["inputs"] = dict(inputs)
    return body


def start_request(
    *,
    input: Mapping[str, Any] | None = None,
    kind: str | None = None,
    template_id: str | None = None,
    inputs: Mapping[str, Any] | None = None,
    token_type: str | None = None,
    billing_mode: str | None = None,
    app_source: str | None = None,
    idempotency_key: str | None = None,
    media_references: Sequence[Any] | None = None,
    max_estimated_capacity_units: float | None = None,
    confirm_cost: bool | None = None,
    safe_content_filter: bool | None = None,
    extra_body: Mapping[str, Any] | None = None,
    body_keywords: Mapping[str, str] | None = None,
) -> WorkflowRequest:
    """``POST /v1/creative-agent/workflows``: start a workflow.

    Give either an inline ``input`` (with ``kind`` for the typed workflows, see
    :func:`start_image_to_video_request` and :func:`start_hosted_tool_sequence_request`)
    or the ``template_id`` of a saved template (with its ``inputs``). ``input`` is sent as
    given. Body keys: ``kind, input, workflow_id, inputs, token_type, billing_mode,
    app_source, max_estimated_capacity_units, confirm_cost, safe_content_filter,
    media_references``, each only when set; ``idempotency_key`` travels in the
    ``Idempotency-Key`` header. ``extra_body`` adds further body keys as given; a key of
    ``body_keywords`` (body key -> the keyword that sets it; default: this function's own)
    is refused, naming the keyword.
    """
    body = _start_source(input, kind, template_id, inputs)
    body.update(billing_body(token_type, billing_mode, app_source))
    if max_estimated_capacity_units is not None:
        checks.positive(max_estimated_capacity_units, "max_estimated_capacity_units")
        body["max_estimated_capacity_units"] = max_estimated_capacity_units
    if confirm_cost is not None:
        body["confirm_cost"] = checks.boolean(confirm_cost, "confirm_cost")
    if safe_content_filter is not None:
        body["safe_content_filter"] = checks.boolean(safe_content_filter, "safe_content_filter")
    if media_references is not None:
        body["media_references"] = validate_media_references(media_references)
    merge_extra_body(body, extra_body, _START_KEYWORDS if body_keywords is None else body_keywords)
    check_json_safe(body, "")  # names the path of a NaN, lone surrogate, ... in the body
    headers = {"Content-Type": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return WorkflowRequest(
        "POST", WORKFLOWS_PATH, json=body, headers=headers, result_key="workflow"
    )


def start_image_to_video_request(
    prompt: str,
    *,
    video_prompt: str | None = None,
    negative_prompt: str | None = None,
    width: int | None = None,
    height: int | None = None,
    duration: float | None = None,
    image_model: str | None = None,
    video_model: str | None = None,
    number_of_media: int | None = None,
    seed: int | None = None,
    extra: Mapping[str, Any] | None = None,
    token_type: str | None = None,
    app_source: str | None = None,
    extra_body: Mapping[str, Any] | None = None,
) -> WorkflowRequest:
    """Start an ``image_to_video`` workflow: an image is generated, then animated.

    The model fields take selectors such as ``flux2``, ``ltx23`` or ``wan22``. ``extra``
    adds further input keys (wire names) as they are, ``extra_body`` further body keys.
    """
    checks.text(prompt, "prompt")
    fields: list[tuple[str, str, Any]] = [
        ("videoPrompt", "video_prompt", video_prompt),
        ("negativePrompt", "negative_prompt", negative_prompt),
        ("width", "width", width),
        ("height", "height", height),
        ("duration", "duration", duration),
        ("imageModel", "image_model", image_model),
        ("videoModel", "video_model", video_model),
        ("numberOfMedia", "number_of_media", number_of_media),
        ("seed", "seed", seed),
    ]
    input: dict[str, Any] = {"prompt": prompt}
    for wire, name, value in fields:
        if value is None:
            continue
        if name in ("width", "height", "number_of_media"):
            checks.count(value, name, minimum=1)
        elif name == "seed":
            checks.count(value, name, minimum=0)
        elif name == "duration":
            checks.positive(value, name)
        elif not isinstance(value, str):
            raise ValidationError(f"{name} must be a string", field=name)
        input[wire] = value
    merge_extra(input, extra)
    return start_request(
        kind="image_to_video",
        input=input,
        token_type=token_type,
        app_source=app_source,
        extra_body=extra_body,
        body_keywords=_TYPED_START_KEYWORDS,
    )


def start_hosted_tool_sequence_request(
    steps: Sequence[Mapping[str, Any]],
    *,
    title: str | None = None,
    media_references: Sequence[Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    token_type: str | None = None,
    app_source: str | None = None,
    extra_body: Mapping[str, Any] | None = None,
) -> WorkflowRequest:
    """Start a ``hosted_tool_sequence`` workflow: hosted tool steps run in order.

    ``media_references`` (uploaded media, by URL) go into the input as
    ``mediaReferences``; a dependency with ``sourceStepId: "$input_media"`` binds one of
    them into a step argument. ``extra`` adds further input keys as they are,
    ``extra_body`` further body keys.
    """
    references = None if media_references is None else validate_media_references(media_references)
    input: dict[str, Any] = {}
    if title is not None:
        checks.text(title, "title")
        input["title"] = title
    input["steps"] = normalize_steps(steps, media_references=references)
    if references is not None:
        input["mediaReferences"] = references
    merge_extra(input, extra)
    return start_request(
        kind="hosted_tool_sequence",
        input=input,
        token_type=token_type,
        app_source=app_source,
        extra_body=extra_body,
        body_keywords=_TYPED_START_KEYWORDS,
    )


def list_request(*, limit: int | None = None, offset: int | None = None) -> WorkflowRequest:
    """``GET /v1/creative-agent/workflows?limit=&offset=`` (each only when given)."""
    query: dict[str, str] = {}
    if limit is not None:
        checks.count(limit, "limit", minimum=1)
        query["limit"] = js_string(limit)
    if offset is not None:
        checks.count(offset, "offset", minimum=0)
        query["offset"] = js_string(offset)
    return WorkflowRequest("GET", WORKFLOWS_PATH, query=query, result_key="workflows")


def get_request(workflow_id: str) -> WorkflowRequest:
    """``GET /v1/creative-agent/workflows/{id}``: a snapshot of one workflow."""
    return WorkflowRequest("GET", workflow_path(workflow_id), result_key="workflow")


def events_request(workflow_id: str) -> WorkflowRequest:
    """``GET /v1/creative-agent/workflows/{id}/events``: the event history."""
    return WorkflowRequest("GET", workflow_path(workflow_id, "events"), result_key="events")


def cancel_request(workflow_id: str) -> WorkflowRequest:
    """``POST /v1/creative-agent/workflows/{id}/cancel`` (no body): cooperative cancel."""
    return WorkflowRequest("POST", workflow_path(workflow_id, "cancel"), result_key="workflow")


def stream_request(
    workflow_id: str,
    *,
    after: str | int | None = None,
    last_event_id: str | int | None = None,
) -> WorkflowRequest:
    """``GET /v1/creative-agent/workflows/{id}/events/stream``: the SSE event stream.

    Query ``after`` = ``after`` or else ``last_event_id``; header ``Last-Event-ID`` only
    for ``last_event_id``. For a stream that survives reconnects, use
    :class:`sogni.core.sse.SseStream`, whose ``next_request()`` gives the query and headers
    of every attempt.
    """
    query: dict[str, str] = {}
    resume_from = after if after is not None else last_event_id
    if resume_from is not None:
        query["after"] = js_string(resume_from)
    headers = {"Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = js_string(last_event_id)
    return WorkflowRequest(
        "GET", workflow_path(workflow_id, "events", "stream"), query=query, headers=headers
    )


def resume_request(
    workflow_id: str,
    *,
    token_type: str | None = None,
    billing_mode: str | None = None,
    app_source: str | None = None,
) -> WorkflowRequest:
    """``POST /v1/creative-agent/workflows/{id}/resume``: set a paused workflow going again.

    Body ``{token_type?, billing_mode?, app_source?}`` (``{}`` when none is set); the answer
    is ``{workflow, resumed}``.
    """
    path = workflow_path(workflow_id, "resume")
    body = billing_body(token_type, billing_mode, app_source)
    return WorkflowRequest("POST", path, json=body, headers={"Content-Type": "application/json"})


def reseed_request(
    workflow_id: str,
    *,
    seed_overrides: Mapping[str, int] | None = None,
    token_type: str | None = None,
    billing_mode: str | None = None,
    app_source: str | None = None,
    idempotency_key: str | None = None,
) -> WorkflowRequest:
    """``POST /v1/creative-agent/workflows/{id}/reseed``: a new take of a finished workflow.

    Body ``{seed_overrides?, token_type?, billing_mode?, app_source?}``; ``seed_overrides``
    maps the source's step ids to seeds (unlisted steps get fresh random ones).
    ``idempotency_key`` travels as ``Idempotency-Key``: a retry with it returns the take
    the first request started instead of a second one. The answer is
    ``{workflow, idempotent?, reseed: {cloned_from_run_id, steps}}``.
    """
    path = workflow_path(workflow_id, "reseed")
    body: dict[str, Any] = {}
    if seed_overrides:
        if not isinstance(seed_overrides, Mapping):
            raise ValidationError(
                "seed_overrides must map step ids to seeds", field="seed_overrides"
            )
        for step_id, seed in seed_overrides.items():
            checks.text(step_id, "seed_overrides key")
            checks.count(seed, f"seed_overrides[{step_id!r}]", minimum=0)
        body["seed_overrides"] = dict(seed_overrides)
    body.update(billing_body(token_type, billing_mode, app_source))
    check_json_safe(body, "")
    headers = {"Content-Type": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return WorkflowRequest("POST", path, json=body, headers=headers)
