"""The exceptions raised by the SDK.

Everything derives from :class:`SogniError`, so ``except sogni.SogniError`` catches any
failure the SDK reports. No exception text ever contains an API key or a token.
"""

from __future__ import annotations

from sogni.core.errors import (
    APIConnectionError,
    ApiError,
    AuthenticationError,
    BadRequestError,
    ChatJobError,
    ClientClosed,
    ConflictError,
    ConnectionLost,
    InternalServerError,
    MissingExtraError,
    NotDelivered,
    NotFoundError,
    PermissionDeniedError,
    ProjectCanceled,
    ProjectFailed,
    RateLimitError,
    SogniError,
    SogniTimeoutError,
    UnprocessableEntityError,
    UploadError,
    ValidationError,
    WrongEventLoop,
    status_error_class,
)

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

# Tracebacks, reprs and pickles name the public module, where users import from.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type) or callable(_value):
        _value.__module__ = __name__
