"""Workflow answers: the result inside a reply, and the exception for an HTTP error."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from sogni.core.errors import ApiError, AuthenticationError

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
