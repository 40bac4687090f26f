"""What every workflow request shares: the paths, the request record, ids and query values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import attrs

from sogni.core import checks
from sogni.core._generated.vocabulary import BILLING_MODES, TOKEN_TYPES
from sogni.core.errors import ValidationError
from sogni.core.sse import TERMINAL_STATUSES

WORKFLOWS_PATH = "/v1/creative-agent/workflows"


TEMPLATES_PATH = WORKFLOWS_PATH + "/templates"


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


def check_id(workflow_id: object, field: str = "workflow_id") -> str:
    if not isinstance(workflow_id, str) or not workflow_id:
        raise ValidationError(f"{field} must be a non-empty string", field=field)
    try:
        workflow_id.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"{field} is not valid text", field=field) from None
    return workflow_id


def workflow_path(workflow_id: str, *suffix: str) -> str:
    """``/v1/creative-agent/workflows/{id}[/suffix…]`` with the id URL-encoded."""
    encoded = quote(check_id(workflow_id), safe="!'()*")  # encodeURIComponent's set
    return "/".join((WORKFLOWS_PATH, encoded, *suffix))


def js_string(value: object) -> str:
    """``String(value)`` for the scalar types a query can hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def merge_extra(input: dict[str, Any], extra: Mapping[str, Any] | None) -> None:
    for key, value in (extra or {}).items():
        if key in input:
            raise ValidationError(
                f"extra repeats the input key '{key}'; pass it as its own argument",
                field="extra",
            )
        if value is not None:
            input[key] = value


def billing_body(
    token_type: str | None, billing_mode: str | None, app_source: str | None
) -> dict[str, Any]:
    """``{token_type?, billing_mode?, app_source?}``, each only when set."""
    body: dict[str, Any] = {}
    if token_type:
        checks.choice(token_type, "token_type", TOKEN_TYPES, quoted=False)
        body["token_type"] = token_type
    if billing_mode:
        checks.choice(billing_mode, "billing_mode", BILLING_MODES, quoted=False)
        body["billing_mode"] = billing_mode
    if app_source:
        body["app_source"] = app_source
    return body
