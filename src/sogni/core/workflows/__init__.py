"""Durable creative workflows: request builders, step validation and response handling.

Workflows live on the REST host under ``/v1/creative-agent/workflows``. Every builder here
returns a :class:`WorkflowRequest` (method, path, query, JSON body, headers) and validates
its arguments first, so a request that cannot succeed fails with
:class:`~sogni.errors.ValidationError` before anything is sent. Replies are unwrapped with
:func:`unwrap` and HTTP errors turned into exceptions with :func:`error_from_response`.
The event stream itself is parsed by :mod:`sogni.core.sse`.
"""

from __future__ import annotations

from sogni.core._generated.vocabulary import BILLING_MODES, TOKEN_TYPES
from sogni.core.sse import TERMINAL_STATUSES
from sogni.core.workflows.base import (
    TEMPLATES_PATH,
    WORKFLOWS_PATH,
    WorkflowRequest,
    is_terminal_status,
    workflow_path,
)
from sogni.core.workflows.requests import (
    cancel_request,
    events_request,
    get_request,
    list_request,
    reseed_request,
    resume_request,
    start_hosted_tool_sequence_request,
    start_image_to_video_request,
    start_request,
    stream_request,
)
from sogni.core.workflows.responses import error_from_response, unwrap
from sogni.core.workflows.steps import (
    DEPENDENCY_TRANSFORMS,
    HOSTED_TOOL_ARGUMENTS,
    HOSTED_TOOL_NAMES,
    INPUT_MEDIA,
    MEDIA_TYPES,
    normalize_steps,
    validate_media_references,
)
from sogni.core.workflows.templates import (
    MAX_TEMPLATE_PAGE,
    TEMPLATE_VISIBILITIES,
    create_template_request,
    delete_template_request,
    fork_template_request,
    get_template_request,
    list_templates_request,
    template_envelope,
    template_path,
    unwrap_template,
    unwrap_templates,
    update_template_request,
)

__all__ = [
    "BILLING_MODES",
    "DEPENDENCY_TRANSFORMS",
    "HOSTED_TOOL_ARGUMENTS",
    "HOSTED_TOOL_NAMES",
    "INPUT_MEDIA",
    "MAX_TEMPLATE_PAGE",
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
