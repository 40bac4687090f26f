"""Durable creative workflows: request builders, step validation and response handling.

Workflows live on the REST host under ``/v1/creative-agent/workflows``. Every builder here
returns a :class:`WorkflowRequest` (method, path, query, JSON body, headers) and validates
its arguments first, so a request that cannot succeed fails with
:class:`~sogni.errors.ValidationError` before anything is sent. Replies are unwrapped with
:func:`unwrap` and HTTP errors turned into exceptions with :func:`error_from_response`.
The event stream itself is parsed by :mod:`sogni.core.sse`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import attrs

from sogni.core._generated.models import StepDependency
from sogni.core._generated.vocabulary import BILLING_MODES, TOKEN_TYPES
from sogni.core.chat.manifest import (
    argument_problems,
    older_tools,
    plain_tools,
    tool_spec,
    workflow_step_tools,
)
from sogni.core.errors import ApiError, AuthenticationError, ValidationError
from sogni.core.extra_body import merge_extra_body
from sogni.core.json_safe import check_json_safe
from sogni.core.sse import TERMINAL_STATUSES

__all__ = [
    "BILLING_MODES",
    "DEPENDENCY_TRANSFORMS",
    "HOSTED_TOOL_ARGUMENTS",
    "HOSTED_TOOL_NAMES",
    "INPUT_MEDIA",
    "MEDIA_TYPES",
    "TEMPLATES_PATH",
    "TEMPLATE_VISIBILITIES",
    "TERMINAL_STATUSES",
    "TOKEN_TYPES",
    "WORKFLOWS_PATH",
    "WorkflowRequest",
    "cancel_request",
    "create_template_request",
    "delete_template_request",
    "error_from_response",
    "events_request",
    "fork_template_request",
    "get_request",
    "get_template_request",
    "is_terminal_status",
    "list_request",
    "list_templates_request",
    "normalize_steps",
    "reseed_request",
    "resume_request",
    "start_hosted_tool_sequence_request",
    "start_image_to_video_request",
    "start_request",
    "stream_request",
    "template_envelope",
    "template_path",
    "unwrap",
    "unwrap_template",
    "unwrap_templates",
    "update_template_request",
    "validate_media_references",
    "workflow_path",
]

WORKFLOWS_PATH = "/v1/creative-agent/workflows"
TEMPLATES_PATH = WORKFLOWS_PATH + "/templates"
TEMPLATE_VISIBILITIES = ("own", "public", "all")
"""Which templates ``templates.list`` shows: the account's own, the public ones, or both."""
MAX_TEMPLATE_PAGE = 200
"""Most templates one list request may ask for."""

DEPENDENCY_TRANSFORMS: tuple[str, ...] = tuple(
    attrs.fields_dict(StepDependency)["transform"].metadata["check"]["enum"]
)
"""How a dependency passes an artifact on (from ``schemas/workflows.json``)."""
MEDIA_TYPES = ("image", "video", "audio")
INPUT_MEDIA = "$input_media"
"""The pseudo step id that binds one of the request's media references into a step."""


def _step_tools() -> dict[str, tuple[str, ...] | None]:
    tools: dict[str, tuple[str, ...] | None] = {}
    for spec in (*plain_tools(), *older_tools()):
        arguments = spec.arguments
        twin = tool_spec(spec.twin) if not spec.older else None
        if twin is not None:  # a client-run plain tool also reads its twin's inline media
            arguments += tuple(a for a in twin.arguments if a not in spec.renames.values())
        tools[spec.name] = tuple(dict.fromkeys(arguments))
    tools.update(dict.fromkeys(workflow_step_tools()))
    return tools


_STEP_TOOLS = _step_tools()

HOSTED_TOOL_ARGUMENTS: Mapping[str, tuple[str, ...]] = {
    name: arguments for name, arguments in _STEP_TOOLS.items() if arguments is not None
}
"""The tools a step may run whose arguments are published, with the arguments each takes:
the plain-named hosted tools and the older ``sogni_*`` ones (from the tool data). A plain
tool that also runs on the client (``generate_image`` ...) takes its older twin's
arguments too, under their older names (``source_image_url`` ...)."""

HOSTED_TOOL_NAMES = tuple(_STEP_TOOLS)
"""Every tool a step may name: those of :data:`HOSTED_TOOL_ARGUMENTS`, then the
workflow-only tools (``analyze_image`` ...), whose arguments are not checked."""

_REQUIRED_ARGUMENTS: Mapping[str, tuple[str, ...]] = {
    spec.name: spec.required for spec in (*plain_tools(), *older_tools())
}

# snake_case spellings accepted for step and dependency keys; the wire uses camelCase.
_STEP_ALIASES = {"tool_name": "toolName", "depends_on": "dependsOn"}
_DEPENDENCY_ALIASES = {
    "source_step_id": "sourceStepId",
    "target_argument": "targetArgument",
    "source_artifact_id": "sourceArtifactId",
    "source_artifact_index": "sourceArtifactIndex",
    "media_type": "mediaType",
}
_HTTP_URL = re.compile(r"^https?://", re.IGNORECASE)
_DATA_URI = re.compile(r"^data:", re.IGNORECASE)


@attrs.frozen
class WorkflowRequest:
    """One HTTP request to the workflow API, as the network expects it.

    ``json`` is ``None`` when the request has no body. ``result_key`` names the key of the
    reply's ``data`` that holds the result (``None`` for the event stream, which is SSE).
    """

    method: str
    path: str
    query: Mapping[str, str] = attrs.field(factory=dict)
    json: Any = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    result_key: str | None = None

    @property
    def idempotent(self) -> bool:
        """True for requests that are safe to retry (reads)."""
        return self.method == "GET"


def is_terminal_status(status: object) -> bool:
    """True for ``completed``, ``failed`` and ``cancelled``."""
    return isinstance(status, str) and status in TERMINAL_STATUSES


# --- small checks ------------------------------------------------------------------------


def _check_id(workflow_id: object, field: str = "workflow_id") -> str:
    if not isinstance(workflow_id, str) or not workflow_id:
        raise ValidationError(f"{field} must be a non-empty string", field=field)
    try:
        workflow_id.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"{field} is not valid text", field=field) from None
    return workflow_id


def workflow_path(workflow_id: str, *suffix: str) -> str:
    """``/v1/creative-agent/workflows/{id}[/suffix…]`` with the id URL-encoded."""
    encoded = quote(_check_id(workflow_id), safe="!'()*")  # encodeURIComponent's set
    return "/".join((WORKFLOWS_PATH, encoded, *suffix))


def _js_string(value: object) -> str:
    """``String(value)`` for the scalar types a query can hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_choice(value: object, field: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValidationError(
            f"{field} must be one of {', '.join(allowed)}, got {value!r}",
            field=field,
            allowed=list(allowed),
        )


def _check_count(value: object, field: str, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(
            f"{field} must be an integer of at least {minimum}, got {value!r}",
            field=field,
            allowed=f"integers >= {minimum}",
        )


def _check_number(value: object, field: str, *, positive: bool = True) -> None:
    ok = (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and math.isfinite(value)
        and (value > 0 or not positive)
    )
    if not ok:
        what = "a positive number" if positive else "a finite number"
        raise ValidationError(f"{field} must be {what}, got {value!r}", field=field)


def _merge_extra(input: dict[str, Any], extra: Mapping[str, Any] | None) -> None:
    for key, value in (extra or {}).items():
        if key in input:
            raise ValidationError(
                f"extra repeats the input key '{key}'; pass it as its own argument",
                field="extra",
            )
        if value is not None:
            input[key] = value


def _check_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{field} must be a boolean, got {value!r}", field=field)
    return value


def _check_text(value: object, field: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} must be a non-empty string", field=field)


# --- media references --------------------------------------------------------------------


def validate_media_references(references: object, field: str = "media_references") -> list[Any]:
    """Check request-level media references; returns them as a list.

    Durable workflows run later, on the server, so media must be uploaded first and
    referenced by an ``http(s)`` URL; inline ``data:`` URIs (``url``, ``dataUri``,
    ``data_uri``) are rejected, as the network's newer clients do.
    """
    if isinstance(references, (str, bytes)) or not isinstance(references, Sequence):
        raise ValidationError(f"{field} must be a list", field=field)
    problems: list[str] = []
    for index, reference in enumerate(references):
        if not isinstance(reference, Mapping):
            continue
        url = reference.get("url")
        if isinstance(url, str) and url.strip():
            trimmed = url.strip()
            if _DATA_URI.match(trimmed) or not _HTTP_URL.match(trimmed):
                problems.append(f"{field}[{index}].url")
        for key in ("dataUri", "data_uri"):
            inline = reference.get(key)
            if isinstance(inline, str) and inline.strip():
                problems.append(f"{field}[{index}].{key}")
    if problems:
        raise ValidationError(
            "durable workflows need uploaded media referenced by http(s) URL, not inline "
            f"data: {', '.join(problems)}",
            field=field,
            hint="upload the media first and pass its URL",
        )
    return list(references)


# --- hosted tool steps -------------------------------------------------------------------


def _rename(value: Mapping[str, Any], aliases: Mapping[str, str], field: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        wire = aliases.get(key, key)
        if wire in out:
            raise ValidationError(
                f"{field} gives '{wire}' twice (camelCase and snake_case)", field=field
            )
        if item is not None:
            out[wire] = item
    return out


def _normalize_dependency(
    raw: object,
    field: str,
    *,
    tool_name: str,
    earlier_ids: set[str],
    media_count: int | None,
) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ValidationError(f"{field} must be a mapping", field=field)
    dep = _rename(raw, _DEPENDENCY_ALIASES, field)
    source = dep.get("sourceStepId")
    _check_text(source, f"{field}.source_step_id")
    target = dep.get("targetArgument")
    _check_text(target, f"{field}.target_argument")
    arguments = HOSTED_TOOL_ARGUMENTS.get(tool_name)
    if arguments is not None and target not in arguments:
        raise ValidationError(
            f"{field}.target_argument {target!r} is not an argument of {tool_name}",
            field=f"{field}.target_argument",
            allowed=list(arguments),
        )
    _check_choice(dep.get("transform"), f"{field}.transform", DEPENDENCY_TRANSFORMS)
    if "mediaType" in dep:
        _check_choice(dep["mediaType"], f"{field}.media_type", MEDIA_TYPES)
    if "required" in dep and not isinstance(dep["required"], bool):
        raise ValidationError(f"{field}.required must be a boolean", field=f"{field}.required")
    if "sourceArtifactId" in dep:
        _check_text(dep["sourceArtifactId"], f"{field}.source_artifact_id")
    if "sourceArtifactIndex" in dep:
        _check_count(dep["sourceArtifactIndex"], f"{field}.source_artifact_index", minimum=0)
    if source == INPUT_MEDIA:
        if not media_count:
            raise ValidationError(
                f"{field} binds {INPUT_MEDIA} but the request has no media references",
                field=f"{field}.source_step_id",
                hint="pass media_references with the uploaded media",
            )
        index = dep.get("sourceArtifactIndex")
        if isinstance(index, int) and index >= media_count:
            raise ValidationError(
                f"{field}.source_artifact_index {index} is past the {media_count} media "
                "reference(s)",
                field=f"{field}.source_artifact_index",
                allowed=f"0..{media_count - 1}",
            )
    elif source not in earlier_ids:
        allowed = sorted(earlier_ids) + [INPUT_MEDIA]
        raise ValidationError(
            f"{field}.source_step_id {source!r} is not the id of an earlier step",
            field=f"{field}.source_step_id",
            allowed=allowed,
        )
    return dep


def _check_step_arguments(
    field: str, tool_name: str, arguments: Mapping[str, Any], bound: set[str]
) -> None:
    """Required arguments given or bound by a dependency; given values as the tool's
    parameters allow (types, enums, bounds ...)."""
    for name in _REQUIRED_ARGUMENTS.get(tool_name, ()):
        if arguments.get(name) is None and name not in bound:
            raise ValidationError(
                f"{field}: {tool_name} needs the argument '{name}'",
                field=f"{field}.arguments.{name}",
            )
    spec = tool_spec(tool_name)
    if spec is None:
        return  # a workflow-only tool: its arguments are not published
    for problem in argument_problems(spec, arguments):
        top = problem.argument.split(".", 1)[0].split("[", 1)[0]
        if top in bound and problem.missing:
            continue
        raise ValidationError(
            f"{field}: {tool_name} {problem.message}",
            field=f"{field}.arguments.{problem.argument}",
            allowed=problem.allowed,
        )


def normalize_steps(
    steps: object, *, media_references: Sequence[Any] | None = None
) -> list[dict[str, Any]]:
    """Validate hosted-tool steps and return them in wire form.

    Each step is a mapping ``{id?, toolName, arguments, dependsOn?}`` (``tool_name`` and
    ``depends_on`` are accepted too); each dependency ``{sourceStepId, targetArgument,
    transform, sourceArtifactId?, sourceArtifactIndex?, mediaType?, required?}`` (or the
    snake_case spellings). Checked: tool names (either tool set, or a workflow-only tool),
    unique step ids, arguments present, required arguments given or bound by a dependency,
    given argument values against the tool's parameters, dependency targets are arguments
    of the tool, transforms and media types, and that every dependency comes from an
    earlier step or from ``$input_media`` (which needs ``media_references``). Unknown keys
    pass through.
    """
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence) or not steps:
        raise ValidationError("steps must be a non-empty list of steps", field="steps")
    media_count = None if media_references is None else len(media_references)
    seen_ids: set[str] = set()
    out: list[dict[str, Any]] = []
    for index, raw in enumerate(steps):
        field = f"steps[{index}]"
        if not isinstance(raw, Mapping):
            raise ValidationError(f"{field} must be a mapping", field=field)
        step = _rename(raw, _STEP_ALIASES, field)
        tool_name = step.get("toolName")
        if not isinstance(tool_name, str) or tool_name not in HOSTED_TOOL_NAMES:
            raise ValidationError(
                f"{field}.tool_name {tool_name!r} is not a hosted tool",
                field=f"{field}.tool_name",
                allowed=list(HOSTED_TOOL_NAMES),
            )
        step_id = step.get("id")
        if step_id is not None:
            _check_text(step_id, f"{field}.id")
            if step_id == INPUT_MEDIA or step_id in seen_ids:
                raise ValidationError(
                    f"{field}.id {step_id!r} is already used", field=f"{field}.id"
                )
        arguments = step.get("arguments")
        if not isinstance(arguments, Mapping):
            raise ValidationError(
                f"{field}.arguments must be a mapping of tool arguments",
                field=f"{field}.arguments",
            )
        step["arguments"] = dict(arguments)
        bound: set[str] = set()
        if "dependsOn" in step:
            deps = step["dependsOn"]
            if isinstance(deps, (str, bytes)) or not isinstance(deps, Sequence):
                raise ValidationError(
                    f"{field}.depends_on must be a list", field=f"{field}.depends_on"
                )
            step["dependsOn"] = [
                _normalize_dependency(
                    dep,
                    f"{field}.depends_on[{n}]",
                    tool_name=tool_name,
                    earlier_ids=seen_ids,
                    media_count=media_count,
                )
                for n, dep in enumerate(deps)
            ]
            bound = {dep["targetArgument"] for dep in step["dependsOn"]}
        _check_step_arguments(field, tool_name, arguments, bound)
        if step_id is not None:
            seen_ids.add(step_id)
        out.append(step)
    return out


# --- request builders --------------------------------------------------------------------


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
    if (input is None) == (template_id is None):
        raise ValidationError(
            "start a workflow with either an inline input or a saved template_id, not "
            + ("both" if input is not None else "neither"),
            field="input",
        )
    body: dict[str, Any] = {}
    if kind is not None:
        _check_text(kind, "kind")
        body["kind"] = kind
    if input is not None:
        if not isinstance(input, Mapping):
            raise ValidationError("input must be a mapping", field="input")
        body["input"] = dict(input)
    if inputs is not None and template_id is None:
        raise ValidationError("inputs go with a saved template_id", field="inputs")
    if template_id is not None:
        body["workflow_id"] = _check_id(template_id, "template_id")
        if inputs is not None:  # an empty mapping is sent too, as the network's client does
            if not isinstance(inputs, Mapping):
                raise ValidationError("inputs must be a mapping", field="inputs")
            body["inputs"] = dict(inputs)
    if token_type:
        _check_choice(token_type, "token_type", TOKEN_TYPES)
        body["token_type"] = token_type
    if billing_mode:
        _check_choice(billing_mode, "billing_mode", BILLING_MODES)
        body["billing_mode"] = billing_mode
    if app_source:
        body["app_source"] = app_source
    if max_estimated_capacity_units is not None:
        _check_number(max_estimated_capacity_units, "max_estimated_capacity_units")
        body["max_estimated_capacity_units"] = max_estimated_capacity_units
    if confirm_cost is not None:
        body["confirm_cost"] = _check_bool(confirm_cost, "confirm_cost")
    if safe_content_filter is not None:
        body["safe_content_filter"] = _check_bool(safe_content_filter, "safe_content_filter")
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
    _check_text(prompt, "prompt")
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
            _check_count(value, name, minimum=1)
        elif name == "seed":
            _check_count(value, name, minimum=0)
        elif name == "duration":
            _check_number(value, name)
        elif not isinstance(value, str):
            raise ValidationError(f"{name} must be a string", field=name)
        input[wire] = value
    _merge_extra(input, extra)
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
        _check_text(title, "title")
        input["title"] = title
    input["steps"] = normalize_steps(steps, media_references=references)
    if references is not None:
        input["mediaReferences"] = references
    _merge_extra(input, extra)
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
        _check_count(limit, "limit", minimum=1)
        query["limit"] = _js_string(limit)
    if offset is not None:
        _check_count(offset, "offset", minimum=0)
        query["offset"] = _js_string(offset)
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
        query["after"] = _js_string(resume_from)
    headers = {"Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = _js_string(last_event_id)
    return WorkflowRequest(
        "GET", workflow_path(workflow_id, "events", "stream"), query=query, headers=headers
    )


def _billing_body(
    token_type: str | None, billing_mode: str | None, app_source: str | None
) -> dict[str, Any]:
    """``{token_type?, billing_mode?, app_source?}``, each only when set."""
    body: dict[str, Any] = {}
    if token_type:
        _check_choice(token_type, "token_type", TOKEN_TYPES)
        body["token_type"] = token_type
    if billing_mode:
        _check_choice(billing_mode, "billing_mode", BILLING_MODES)
        body["billing_mode"] = billing_mode
    if app_source:
        body["app_source"] = app_source
    return body


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
    body = _billing_body(token_type, billing_mode, app_source)
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
            _check_text(step_id, "seed_overrides key")
            _check_count(seed, f"seed_overrides[{step_id!r}]", minimum=0)
        body["seed_overrides"] = dict(seed_overrides)
    body.update(_billing_body(token_type, billing_mode, app_source))
    check_json_safe(body, "")
    headers = {"Content-Type": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return WorkflowRequest("POST", path, json=body, headers=headers)


# --- templates -----------------------------------------------------------------------------


def template_path(template_id: str, *suffix: str) -> str:
    """``/v1/creative-agent/workflows/templates/{id}[/suffix…]``, the id URL-encoded."""
    encoded = quote(_check_id(template_id, "template_id"), safe="!'()*")
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
        _check_choice(visibility, "visibility", TEMPLATE_VISIBILITIES)
        query["visibility"] = visibility
    if offset is not None:
        _check_count(offset, "offset", minimum=0)
        query["offset"] = _js_string(offset)
    if limit is not None:
        _check_count(limit, "limit", minimum=1)
        if limit > MAX_TEMPLATE_PAGE:
            raise ValidationError(
                f"limit must be at most {MAX_TEMPLATE_PAGE}, got {limit}",
                field="limit",
                allowed=f"1..{MAX_TEMPLATE_PAGE}",
            )
        query["limit"] = _js_string(limit)
    return WorkflowRequest("GET", TEMPLATES_PATH, query=query)


def get_template_request(template_id: str) -> WorkflowRequest:
    """``GET /v1/creative-agent/workflows/templates/{id}``."""
    return WorkflowRequest("GET", template_path(template_id), result_key="template")


def _template_body(template: object, field: str, *, partial: bool) -> dict[str, Any]:
    if not isinstance(template, Mapping):
        raise ValidationError(f"{field} must be a mapping of template fields", field=field)
    body = dict(template)
    if not partial or "name" in body:
        _check_text(body.get("name"), f"{field}.name")
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
        _check_text(new_name, "new_name")
        body["newName"] = new_name
    check_json_safe(body, "")
    return WorkflowRequest(
        "POST",
        path,
        json=body,
        headers={"Content-Type": "application/json"},
        result_key="template",
    )


# --- responses ---------------------------------------------------------------------------

_EXPECTED_TYPES: Mapping[str, type] = {
    "workflow": Mapping,
    "workflows": list,
    "events": list,
    "template": Mapping,
}


def unwrap(data: object, key: str) -> Any:
    """The ``key`` entry of a reply's ``data`` (``workflow``, ``workflows``, ``events`` …).

    Raises :class:`~sogni.errors.ApiError` when ``data`` or the key is missing or has the
    wrong shape.
    """
    if not isinstance(data, Mapping):
        raise ApiError("the workflow reply did not include data")
    if key not in data:
        raise ApiError(f"the workflow reply did not include data.{key}")
    value = data[key]
    expected = _EXPECTED_TYPES.get(key)
    if expected is not None and not isinstance(value, expected):
        raise ApiError(f"the workflow reply's data.{key} has an unexpected shape")
    return value


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


def error_from_response(status: int, body_text: str, *, reason: str | None = None) -> ApiError:
    """The exception for a non-2xx workflow reply.

    The body is read as JSON (text that is not JSON becomes the message); the error payload
    is the body itself when its ``status`` is ``"error"``, else its ``data`` (or the body).
    The message is the payload's ``message`` when it is a string, else the HTTP reason;
    the code is its numeric ``errorCode``, else 0. A 401 gives
    :class:`~sogni.errors.AuthenticationError` (the caller should drop its credentials).
    """
    body: Any
    if not body_text:
        body = {}
    else:
        try:
            body = json.loads(body_text)
        except ValueError:
            body = {"status": "error", "message": body_text, "errorCode": 0}
    payload: Any = body
    if not (isinstance(body, Mapping) and body.get("status") == "error"):
        data = body.get("data") if isinstance(body, Mapping) else None
        payload = data if data is not None else body
    if reason is None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    message: str = reason or f"HTTP {status}"
    error_code = 0
    if isinstance(payload, Mapping):
        if isinstance(payload.get("message"), str):
            message = payload["message"]
        code = payload.get("errorCode")
        if isinstance(code, (int, float)) and not isinstance(code, bool) and math.isfinite(code):
            error_code = int(code)
    cls = AuthenticationError if status == 401 else ApiError
    return cls(message, status=status, error_code=error_code)
