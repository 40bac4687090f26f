"""Account login: JWT handling and the request bodies of the account endpoints.

Token mode works with a pair of JWTs: a short-lived access token sent raw in the
``Authorization`` header (no ``Bearer`` prefix) and a refresh token exchanged at
``/v1/account/refresh-token`` for a new pair. Tokens are read without verifying their
signature (only the server can do that); the client only needs their expiry and address.

Nothing here puts a token into a ``repr``, a log line or an exception message.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any, Literal, Protocol

import attrs

from sogni.core.errors import ApiError, ValidationError

__all__ = [
    "CREATE_PATH",
    "LOGIN_PATH",
    "LOGOUT_PATH",
    "ME_PATH",
    "NONCE_PATH",
    "REFRESH_PATH",
    "DEFAULT_REFRESH_MARGIN",
    "Credentials",
    "JwtClaims",
    "NoCredentials",
    "RefreshTicket",
    "TokenPair",
    "authorization_header",
    "decode_jwt",
    "login_body",
    "logout_body",
    "nonce_body",
    "refresh_body",
    "resolve_app_source",
    "signup_body",
    "signup_typed_values",
    "tokens_from_response",
]

NONCE_PATH = "/v1/account/nonce"
LOGIN_PATH = "/v1/account/login"
CREATE_PATH = "/v1/account/create"
REFRESH_PATH = "/v1/account/refresh-token"
LOGOUT_PATH = "/v1/account/logout"
ME_PATH = "/v1/account/me"

DEFAULT_REFRESH_MARGIN = 60.0
"""Seconds before expiry at which an access token is renewed."""

# The characters String.prototype.trim() removes (app sources are trimmed that way).
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


@attrs.frozen
class JwtClaims:
    """The claims the SDK reads from a JWT (times in seconds since the epoch).

    Access tokens carry ``addr`` (the wallet address); refresh tokens carry ``type``.
    Both carry ``env``, ``iat`` and ``exp``. Every claim is kept in ``claims``.
    """

    exp: float | None = None
    iat: float | None = None
    addr: str | None = None
    env: str | None = None
    type: str | None = None
    claims: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False, hash=False)

    def expired(self, now: float, margin: float = 0.0) -> bool:
        """True when the token is expired ``margin`` seconds from ``now``.

        A token without ``exp`` counts as expired, as the network's client treats it.
        """
        return self.exp is None or self.exp - margin <= now

    @property
    def lifetime(self) -> float | None:
        """``exp - iat`` when both are known."""
        if self.exp is None or self.iat is None:
            return None
        return self.exp - self.iat


def decode_jwt(token: str) -> JwtClaims:
    """Read a JWT's payload without checking its signature.

    Raises :class:`~sogni.errors.ValidationError` (without repeating the token) when it
    is not a JWT.
    """
    if not isinstance(token, str):
        raise ValidationError("a token must be a string", field="token")
    parts = token.split(".")
    if len(parts) < 2 or not parts[1]:
        raise ValidationError(
            "the token is not a JWT (expected three dot-separated parts)", field="token"
        )
    segment = parts[1]
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        claims = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("the token's payload is not base64url JSON", field="token") from exc
    if not isinstance(claims, dict):
        raise ValidationError("the token's payload is not a JSON object", field="token")
    return JwtClaims(
        exp=_number(claims.get("exp")),
        iat=_number(claims.get("iat")),
        addr=_text(claims.get("addr")),
        env=_text(claims.get("env")),
        type=_text(claims.get("type")),
        claims=claims,
    )


def _claims_of(attribute: str) -> Any:
    return attrs.Factory(lambda self: decode_jwt(getattr(self, attribute)), takes_self=True)


@attrs.frozen(repr=False)
class TokenPair:
    """An access token and its refresh token, with their decoded claims.

    The tokens are secrets: they are left out of ``repr`` and comparisons of claims do not
    need them. Construction fails with :class:`~sogni.errors.ValidationError` when either
    token is not a JWT.
    """

    token: str = attrs.field(repr=False)
    refresh_token: str = attrs.field(repr=False)
    token_claims: JwtClaims = attrs.field(init=False, default=_claims_of("token"))
    refresh_claims: JwtClaims = attrs.field(init=False, default=_claims_of("refresh_token"))

    def __repr__(self) -> str:
        return (
            f"TokenPair(wallet_address={self.wallet_address!r}, "
            f"expires_at={self.expires_at!r}, refresh_expires_at={self.refresh_expires_at!r})"
        )

    @property
    def wallet_address(self) -> str | None:
        """The ``addr`` claim of the access token."""
        return self.token_claims.addr

    @property
    def expires_at(self) -> float | None:
        """When the access token expires (seconds since the epoch)."""
        return self.token_claims.exp

    @property
    def refresh_expires_at(self) -> float | None:
        """When the refresh token expires (seconds since the epoch)."""
        return self.refresh_claims.exp

    def token_valid(self, now: float) -> bool:
        """True while the access token is unexpired."""
        return not self.token_claims.expired(now)

    def needs_refresh(self, now: float, margin: float = DEFAULT_REFRESH_MARGIN) -> bool:
        """True when the access token should be renewed before the next request.

        Renews ``margin`` seconds early so a request never leaves with a token that expires
        on the way (the network's client only renews after expiry). The margin is capped at
        half the token's lifetime, so short-lived tokens are not renewed on every request.
        """
        lifetime = self.token_claims.lifetime
        if lifetime is not None and lifetime > 0:
            margin = min(margin, lifetime / 2)
        return self.token_claims.expired(now, margin)

    def can_refresh(self, now: float) -> bool:
        """True while the refresh token is unexpired (a refresh may be attempted)."""
        return not self.refresh_claims.expired(now)

    def is_authenticated(self, now: float) -> bool:
        """Whether the session is alive: the refresh token is unexpired."""
        return self.can_refresh(now)


def tokens_from_response(data: object) -> TokenPair:
    """Read ``{token, refreshToken}`` from the ``data`` of a login, signup or refresh reply."""
    if isinstance(data, Mapping):
        token, refresh = data.get("token"), data.get("refreshToken")
        if isinstance(token, str) and isinstance(refresh, str):
            try:
                return TokenPair(token, refresh)
            except ValidationError as exc:
                raise ApiError(f"the server returned an unreadable token: {exc.message}") from None
    raise ApiError("the server's reply did not include data.token and data.refreshToken")


def authorization_header(token: str) -> dict[str, str]:
    """The header that authenticates a request: the raw JWT, no ``Bearer`` prefix."""
    return {"Authorization": token}


def resolve_app_source(app_source: str | None, client_app_source: str | None) -> str | None:
    """The app source to send: the argument trimmed, else the client's, else none."""
    for candidate in (app_source, client_app_source):
        if candidate:
            trimmed = candidate.strip(_JS_WHITESPACE)
            if trimmed:
                return trimmed
    return None


def nonce_body(wallet_address: str) -> dict[str, Any]:
    """Body of ``POST /v1/account/nonce``."""
    return {"walletAddress": wallet_address}


def login_body(
    wallet_address: str,
    signature: str,
    *,
    remember_me: bool = False,
    app_source: str | None = None,
    client_app_source: str | None = None,
) -> dict[str, Any]:
    """Body of ``POST /v1/account/login``: walletAddress, signature, appSource?, rememberMe."""
    body: dict[str, Any] = {"walletAddress": wallet_address, "signature": signature}
    source = resolve_app_source(app_source, client_app_source)
    if source:
        body["appSource"] = source
    body["rememberMe"] = bool(remember_me)
    return body


def signup_typed_values(
    *, app_id: str, username: str, email: str, subscribe: bool, wallet_address: str, nonce: str
) -> dict[str, Any]:
    """The values of the EIP-712 ``Signup`` struct for an account creation."""
    return {
        "appid": app_id,
        "username": username,
        "email": email,
        "subscribe": 1 if subscribe else 0,
        "walletAddress": wallet_address,
        "nonce": nonce,
    }


def signup_body(
    *,
    app_id: str,
    username: str,
    email: str,
    subscribe: bool,
    wallet_address: str,
    turnstile_token: str | None,
    signature: str,
    remember_me: bool = False,
    referral_code: str | None = None,
    app_source: str | None = None,
    client_app_source: str | None = None,
) -> dict[str, Any]:
    """Body of ``POST /v1/account/create`` (the signature covers :func:`signup_typed_values`)."""
    body: dict[str, Any] = {
        "appid": app_id,
        "username": username,
        "email": email,
        "subscribe": 1 if subscribe else 0,
        "walletAddress": wallet_address,
    }
    if turnstile_token is not None:
        body["turnstileToken"] = turnstile_token
    source = resolve_app_source(app_source, client_app_source)
    if source:
        body["appSource"] = source
    if referral_code is not None:
        body["referralCode"] = referral_code
    body["signature"] = signature
    body["rememberMe"] = bool(remember_me)
    return body


def refresh_body(refresh_token: str) -> dict[str, Any]:
    """Body of ``POST /v1/account/refresh-token`` (sent without an ``Authorization`` header)."""
    return {"refreshToken": refresh_token}


def logout_body() -> dict[str, Any]:
    """Body of ``POST /v1/account/logout`` (a 401 reply means already logged out)."""
    return {}


@attrs.frozen(repr=False)
class RefreshTicket:
    """What a caller must do about the access token before a request.

    * ``ready``: nothing, send the request;
    * ``refresh``: the caller now owns the one refresh in flight and must exchange
      ``refresh_token`` and report the outcome;
    * ``wait``: another caller is refreshing; wait until it is done and ask again;
    * ``expired``: the session is over (the refresh token expired); log in again.
    """

    action: Literal["ready", "refresh", "wait", "expired"]
    refresh_token: str | None = None

    def __repr__(self) -> str:
        return f"RefreshTicket(action={self.action!r})"


class Credentials(Protocol):
    """The client's credentials as plans see them: headers, and the token refresh protocol.

    Implementations are shared by every thread and task of a client, so that at most one
    refresh is in flight at a time.
    """

    @property
    def generation(self) -> int:
        """Changes whenever the credentials change (login, refresh, logout)."""

    @property
    def refreshing(self) -> bool:
        """Whether a refresh is in flight."""

    @property
    def has_tokens(self) -> bool:
        """Whether the client is in token mode (logged in with a token pair)."""

    @property
    def tokens(self) -> TokenPair | None:
        """The session's token pair (token mode only)."""

    def headers(self) -> dict[str, str]:
        """The authentication headers to send now (empty without credentials)."""

    def begin_refresh(self, now: float, *, stale_generation: int | None = None) -> RefreshTicket:
        """Decide whether the access token must be renewed before a request.

        ``stale_generation`` forces a renewal of the credentials of that generation (a
        request sent with them got a 401), unless they were renewed meanwhile.
        """

    def end_refresh(self, tokens: TokenPair | None, *, rejected: bool = False) -> None:
        """Report the refresh outcome: the new pair, or ``None`` on failure (``rejected``:
        the server refused the refresh token, so the session is over)."""

    def set_tokens(self, tokens: TokenPair) -> None:
        """Start or resume a session with a token pair."""

    def clear(self) -> None:
        """Forget every credential (logout)."""


class NoCredentials:
    """Credentials of a context that sends none (e.g. in tests of plans)."""

    generation = 0
    refreshing = False
    has_tokens = False
    tokens: TokenPair | None = None

    def headers(self) -> dict[str, str]:
        """No headers."""
        return {}

    def begin_refresh(self, now: float, *, stale_generation: int | None = None) -> RefreshTicket:
        """Nothing to renew."""
        return RefreshTicket("ready")

    def end_refresh(self, tokens: TokenPair | None, *, rejected: bool = False) -> None:
        """Nothing to record."""

    def set_tokens(self, tokens: TokenPair) -> None:
        """Refused: there is nowhere to keep them."""
        raise ValidationError("this client keeps no credentials", field="tokens")

    def clear(self) -> None:
        """Nothing to forget."""
