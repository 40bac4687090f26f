"""The client's credentials: an API key or a login's token pair, shared by every thread.

Both drivers and the socket thread read headers from one :class:`Session`. Token renewal
is coordinated here (one refresh in flight; the others wait for it) while the renewal
request itself is an ordinary plan (:mod:`sogni.core.plans.auth`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Literal

from sogni.core.auth import DEFAULT_REFRESH_MARGIN, RefreshTicket, TokenPair, authorization_header

log = logging.getLogger("sogni")

__all__ = ["Session", "SessionChange"]

SessionChange = Literal["login", "tokens", "logout", "idle"]
"""``login``: credentials became usable; ``tokens``: an access token was renewed;
``logout``: every credential was dropped; ``idle``: a refresh ended without a change."""


class Session:
    """Thread-safe credential store; ``on_change`` is called after every change."""

    def __init__(
        self,
        api_key: str | None,
        *,
        clock: Callable[[], float],
        on_change: Callable[[SessionChange], None] | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
    ) -> None:
        self._lock = threading.Lock()
        self._api_key = api_key or None
        self._tokens: TokenPair | None = None
        self._refreshing = False
        self._generation = 0
        self._clock = clock
        self._margin = refresh_margin
        self.on_change = on_change

    def __repr__(self) -> str:
        return f"<Session mode={self.mode!r}>"

    # -- reading ----------------------------------------------------------------------------
    @property
    def mode(self) -> Literal["api_key", "token"] | None:
        """``api_key``, ``token`` (logged in) or ``None`` (no credentials)."""
        if self._api_key:
            return "api_key"
        return "token" if self._tokens is not None else None

    @property
    def tokens(self) -> TokenPair | None:
        """The current token pair (token mode only)."""
        return self._tokens

    @property
    def has_tokens(self) -> bool:
        """Whether the client is logged in with a token pair."""
        return self._tokens is not None

    @property
    def generation(self) -> int:
        """Changes whenever the credentials change."""
        return self._generation

    @property
    def refreshing(self) -> bool:
        """Whether a refresh is in flight."""
        return self._refreshing

    @property
    def authenticated(self) -> bool:
        """An API key is set, or the refresh token is still valid."""
        if self._api_key:
            return True
        tokens = self._tokens
        return tokens is not None and tokens.is_authenticated(self._clock())

    def headers(self) -> dict[str, str]:
        """``api-key`` or the raw access token in ``Authorization``; empty without either."""
        if self._api_key:
            return {"api-key": self._api_key}
        tokens = self._tokens
        return authorization_header(tokens.token) if tokens is not None else {}

    # -- refresh protocol ---------------------------------------------------------------------
    def begin_refresh(self, now: float, *, stale_generation: int | None = None) -> RefreshTicket:
        """See :meth:`sogni.core.auth.Credentials.begin_refresh`."""
        with self._lock:
            tokens = self._tokens
            if tokens is None or self._api_key:
                return RefreshTicket("ready")
            if self._refreshing:
                return RefreshTicket("wait")
            if stale_generation is not None:
                if stale_generation != self._generation:
                    return RefreshTicket("ready")  # renewed since that request left
            elif not tokens.needs_refresh(now, self._margin):
                return RefreshTicket("ready")
            if not tokens.can_refresh(now):
                return RefreshTicket("expired")
            self._refreshing = True
            return RefreshTicket("refresh", tokens.refresh_token)

    def end_refresh(self, tokens: TokenPair | None, *, rejected: bool = False) -> None:
        """See :meth:`sogni.core.auth.Credentials.end_refresh`."""
        with self._lock:
            self._refreshing = False
            if tokens is not None and self._tokens is not None:
                self._tokens = tokens
                self._generation += 1
                change: SessionChange | None = "tokens"
            elif rejected and self._tokens is not None:
                self._tokens = None
                self._generation += 1
                change = "logout"
            else:
                change = "idle"
        self._notify(change)

    # -- changes ------------------------------------------------------------------------------
    def set_tokens(self, tokens: TokenPair) -> None:
        """Log in with a token pair (replaces an API key)."""
        with self._lock:
            self._api_key = None
            self._tokens = tokens
            self._refreshing = False
            self._generation += 1
        self._notify("login")

    def clear(self) -> None:
        """Forget every credential."""
        with self._lock:
            had_any = self._api_key is not None or self._tokens is not None
            self._api_key = None
            self._tokens = None
            self._refreshing = False
            self._generation += 1
        self._notify("logout" if had_any else None)

    def _notify(self, change: SessionChange | None) -> None:
        if change is None or self.on_change is None:
            return
        try:
            self.on_change(change)
        except Exception:
            log.exception("session change handler failed")
