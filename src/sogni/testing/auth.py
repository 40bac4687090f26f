"""Who is calling: API keys and (later) JWT access tokens mapped to the emulated account."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import attrs

__all__ = ["Account", "Authenticator"]


@attrs.frozen
class Account:
    """The emulated Supernet account a credential belongs to."""

    username: str
    address: str
    email: str
    user_id: str
    sid: int


def account_for(username: str) -> Account:
    """A stable account (wallet address, ids) derived from ``username``."""
    digest = hashlib.sha256(username.encode("utf-8")).hexdigest()
    return Account(
        username=username,
        address="0x" + digest[:40],
        email=f"{username}@example.invalid",
        user_id=digest[:24],
        sid=int(digest[:6], 16),
    )


class Authenticator:
    """Checks request headers: ``api-key: <key>`` or ``Authorization: <jwt>`` (no Bearer prefix).

    Access tokens are registered with :meth:`add_token`; a future login module issues them.
    """

    def __init__(self, api_key: str, username: str = "local-artist") -> None:
        self.api_key = api_key
        self.account = account_for(username)
        self._tokens: dict[str, Account] = {}

    def add_token(self, token: str, account: Account | None = None) -> None:
        """Accept ``token`` in the ``Authorization`` header from now on."""
        self._tokens[token] = account or self.account

    def revoke_token(self, token: str) -> None:
        """Stop accepting ``token``."""
        self._tokens.pop(token, None)

    def identify(self, headers: Mapping[str, str]) -> Account | None:
        """The account the headers authenticate, or ``None``."""
        key = headers.get("api-key")
        if key is not None:
            return self.account if key == self.api_key else None
        token = headers.get("authorization")
        if token:
            if token.lower().startswith("bearer "):
                token = token[7:]
            return self._tokens.get(token.strip())
        return None
