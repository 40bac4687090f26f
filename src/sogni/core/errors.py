"""The exceptions raised by the SDK.

Everything derives from :class:`SogniError`, so ``except sogni.SogniError`` catches any
failure the SDK reports. No exception text ever contains an API key or a token.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

__all__ = [
    "SogniError",
    "ValidationError",
    "ApiError",
    "APIConnectionError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "status_error_class",
    "UploadError",
    "ProjectFailed",
    "ProjectCanceled",
    "ChatJobError",
    "ConnectionLost",
    "ClientClosed",
    "NotDelivered",
    "WrongEventLoop",
    "SogniTimeoutError",
    "MissingExtraError",
]


class SogniError(Exception):
    """Base class of every error the SDK raises.

    ``message`` is the human-readable reason, ``hint`` (when set) says how to fix it.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message} ({hint})")


class ValidationError(SogniError, ValueError):
    """A parameter was rejected before anything was sent to the network.

    ``field`` names the parameter (snake_case), ``allowed`` lists or describes the
    accepted values when that is known.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        allowed: Sequence[Any] | str | None = None,
        hint: str | None = None,
    ) -> None:
        self.field = field
        self.allowed = allowed
        if hint is None and allowed is not None:
            shown = allowed if isinstance(allowed, str) else ", ".join(map(str, allowed))
            hint = f"allowed: {shown}"
        super().__init__(message, hint=hint)


class ApiError(SogniError):
    """The network answered with an error, or could not be reached.

    ``status`` is the HTTP status (0 when there was none), ``error_code`` the server's
    numeric ``errorCode`` (0 when it gave none), ``retry_after`` the seconds the server
    asked to wait before trying again, ``request_id`` the id the server gave the request
    (``x-request-id``) and ``details`` the structured context the server sent with the
    error (its ``details`` object), each ``None`` when the server did not say. The HTTP statuses
    have subclasses: :class:`BadRequestError` (400), :class:`AuthenticationError` (401),
    :class:`PermissionDeniedError` (403), :class:`NotFoundError` (404),
    :class:`ConflictError` (409), :class:`UnprocessableEntityError` (422),
    :class:`RateLimitError` (429) and :class:`InternalServerError` (5xx); a request that
    got no answer at all raises :class:`APIConnectionError`.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        error_code: int = 0,
        hint: str | None = None,
        retry_after: float | None = None,
        request_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.error_code = error_code
        self.retry_after = retry_after
        self.request_id = request_id
        self.details = details
        super().__init__(message, hint=hint)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, error_code={self.error_code}, "
            f"message={self.message!r})"
        )


class APIConnectionError(ApiError):
    """The request got no answer: the connection failed, broke or timed out."""


class BadRequestError(ApiError):
    """The network refused the request as malformed or invalid (HTTP 400)."""


class AuthenticationError(ApiError):
    """The credentials were rejected (HTTP 401, or socket close code 4021)."""


class PermissionDeniedError(ApiError):
    """The account may not do this (HTTP 403)."""


class NotFoundError(ApiError):
    """What the request names does not exist (HTTP 404)."""


class ConflictError(ApiError):
    """The request conflicts with the current state, e.g. a name already taken (HTTP 409)."""


class UnprocessableEntityError(ApiError):
    """The request was well formed but could not be carried out (HTTP 422)."""


class RateLimitError(ApiError):
    """Too many requests (HTTP 429); ``retry_after`` says how long to wait when known."""


class InternalServerError(ApiError):
    """The network failed to answer the request (HTTP 5xx)."""


_STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[ApiError]:
    """The :class:`ApiError` subclass for an HTTP error status."""
    if status >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status, ApiError)


class UploadError(ApiError):
    """An asset could not be uploaded; ``asset`` names the parameter it came from."""

    def __init__(self, message: str, *, asset: str, status: int = 0, error_code: int = 0) -> None:
        self.asset = asset
        super().__init__(f"{asset}: {message}", status=status, error_code=error_code)


class ProjectFailed(SogniError):
    """A project (or the job that decided its fate) failed on the network.

    ``code`` follows the network's numbering (5000–5005 for named string errors),
    ``original_code`` keeps the server's string code when it sent one.
    """

    def __init__(
        self,
        message: str,
        *,
        project_id: str,
        code: int = 0,
        original_code: str | None = None,
    ) -> None:
        self.project_id = project_id
        self.code = code
        self.original_code = original_code
        super().__init__(f"project {project_id} failed: {message} (code {code})")


class ProjectCanceled(SogniError):
    """A project was canceled while something was waiting for it."""

    def __init__(self, project_id: str) -> None:
        self.project_id = project_id
        super().__init__(f"project {project_id} was canceled")


class ChatJobError(SogniError):
    """An LLM chat job failed; ``code`` is the server's error code or name.

    ``error_code`` is the server's machine-readable ``error_code`` when it sent one (for
    example a subscription denial such as ``"4078"``).
    """

    def __init__(
        self,
        message: str,
        *,
        job_id: str,
        code: str | int | None = None,
        error_code: str | None = None,
    ) -> None:
        self.job_id = job_id
        self.code = code
        self.error_code = error_code
        prefix = f"{code}: " if code not in (None, "") else ""
        super().__init__(f"{prefix}{message}")


class ConnectionLost(SogniError):
    """The connection closed and could not be restored.

    ``code`` and ``reason`` are those of the close frame, when there was one.
    """

    def __init__(self, message: str, *, code: int | None = None, reason: str = "") -> None:
        self.code = code
        self.reason = reason
        super().__init__(message)


class ClientClosed(ConnectionLost):
    """The client was closed: waiters are woken with this, and every later call raises it."""

    def __init__(self, message: str = "the client was closed") -> None:
        super().__init__(message, code=1000, reason="Client disconnected")


class NotDelivered(ClientClosed):
    """The client was closed before the network confirmed a request (``close()`` waits a
    few seconds for that, e.g. during an outage, then gives up).

    ``request_type`` is the socket message (``jobRequest``, ``llmJobRequest`` ...) and
    ``request_id`` its job id.
    """

    def __init__(self, message: str, *, request_type: str, request_id: str | None) -> None:
        self.request_type = request_type
        self.request_id = request_id
        super().__init__(message)


class WrongEventLoop(SogniError, RuntimeError):
    """An :class:`~sogni_async.AsyncSogniClient` was used from an event loop other than the
    running one it is bound to."""


class SogniTimeoutError(SogniError, builtins.TimeoutError):
    """Waiting for something (models, a project, a chat answer) took longer than allowed."""


class MissingExtraError(SogniError, ImportError):
    """A feature needs an optional extra that is not installed."""

    def __init__(self, feature: str, extra: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the '{extra}' extra",
            hint=f"pip install 'sogni[{extra}]'",
        )
