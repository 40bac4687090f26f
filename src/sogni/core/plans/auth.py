"""Plans that attach credentials to requests and keep the access token fresh.

Both drivers run :func:`authorized` for every :class:`~sogni.core.effects.RestCall` and
:class:`~sogni.core.effects.OpenStream` that asks for credentials. In token mode it renews
an access token shortly before it expires (one renewal in flight, shared by every thread
and task), sends the request with the current token, and after a 401 renews once and
retries; when that fails too the session is over and the credentials are dropped.
"""

from __future__ import annotations

from typing import Any

import attrs

from sogni.core.auth import REFRESH_PATH, Credentials, refresh_body, tokens_from_response
from sogni.core.context import CoreContext
from sogni.core.effects import OpenStream, RestCall, WaitUntil
from sogni.core.errors import ApiError, AuthenticationError
from sogni.core.plans import Plan

__all__ = ["authorized", "ensure_fresh_token", "needs_credentials", "REFRESH_TIMEOUT"]

REFRESH_TIMEOUT = 30.0
"""Seconds a token refresh may take (the network's client has no limit)."""

# Answers to a refresh that mean the refresh token is no good (rather than a hiccup).
_REJECTED = frozenset({400, 401, 403})


def needs_credentials(effect: object) -> bool:
    """Whether a driver must run ``effect`` through :func:`authorized`."""
    if isinstance(effect, OpenStream):
        return effect.call.authorize
    return isinstance(effect, RestCall) and effect.authorize


def _credentials(ctx: CoreContext) -> Credentials:
    return ctx.credentials


def ensure_fresh_token(ctx: CoreContext, *, stale_generation: int | None = None) -> Plan[None]:
    """Renew the access token if it expires soon (or was refused: ``stale_generation``)."""
    credentials = _credentials(ctx)
    while True:
        ticket = credentials.begin_refresh(ctx.clock(), stale_generation=stale_generation)
        if ticket.action == "ready":
            return
        if ticket.action == "wait":
            yield WaitUntil(
                lambda: not credentials.refreshing, REFRESH_TIMEOUT, "the access token refresh"
            )
            continue
        if ticket.action == "expired":
            credentials.clear()
            raise AuthenticationError(
                "the session expired", status=401, hint="log in again with account.login()"
            )
        assert ticket.refresh_token is not None
        try:
            data = yield RestCall(
                "POST",
                REFRESH_PATH,
                json=refresh_body(ticket.refresh_token),
                idempotent=False,
                timeout=REFRESH_TIMEOUT,
                authorize=False,
            )
        except ApiError as exc:
            rejected = exc.status in _REJECTED
            credentials.end_refresh(None, rejected=rejected)
            if rejected:
                raise AuthenticationError(
                    "the session could not be renewed",
                    status=exc.status or 401,
                    error_code=exc.error_code,
                    hint="log in again with account.login()",
                ) from None
            raise
        except BaseException:
            credentials.end_refresh(None)
            raise
        try:
            tokens = tokens_from_response(data)
        except ApiError:
            credentials.end_refresh(None, rejected=True)
            raise
        credentials.end_refresh(tokens)
        return


def _signed(effect: RestCall | OpenStream, headers: dict[str, str]) -> RestCall | OpenStream:
    call = effect.call if isinstance(effect, OpenStream) else effect
    signed = attrs.evolve(call, headers={**headers, **(call.headers or {})}, authorize=False)
    return OpenStream(signed) if isinstance(effect, OpenStream) else signed


def authorized(ctx: CoreContext, effect: RestCall | OpenStream) -> Plan[Any]:
    """Carry out ``effect`` with the client's credentials (see the module docstring)."""
    credentials = _credentials(ctx)
    yield from ensure_fresh_token(ctx)
    generation = credentials.generation
    try:
        return (yield _signed(effect, credentials.headers()))
    except AuthenticationError:
        if not credentials.has_tokens:
            raise
    # The access token was refused although it looked valid: renew it once and retry.
    yield from ensure_fresh_token(ctx, stale_generation=generation)
    try:
        return (yield _signed(effect, credentials.headers()))
    except AuthenticationError:
        credentials.clear()
        raise
