"""Who is calling: the API key, or a JWT access token from a wallet login."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import attrs

from .tokens import TokenIssuer

__all__ = ["Account", "Authenticator", "account_for", "wallet_address"]


@attrs.frozen
class Account:
    """An emulated Supernet account."""

    username: str
    address: str
    email: str
    user_id: str
    sid: int


def account_for(username: str, address: str | None = None, email: str | None = None) -> Account:
    """A stable account (ids, and a wallet address and e-mail unless given) derived from
    ``username``."""
    digest = hashlib.sha256(username.encode("utf-8")).hexdigest()
    return Account(
        username=username,
        address=address or "0x" + digest[:40],
        email=email or f"{username}@example.invalid",
        user_id=digest[:24],
        sid=int(digest[:6], 16),
    )


class Authenticator:
    """Checks request headers: ``api-key: <key>`` or ``Authorization: <jwt>`` (no Bearer prefix).

    API keys belong to :attr:`account`; access tokens (issued at login, or registered with
    :meth:`add_token`) belong to the account of their wallet address.
    """

    def __init__(
        self, api_key: str, username: str = "local-artist", tokens: TokenIssuer | None = None
    ) -> None:
        self.api_key = api_key
        self.account = account_for(username)
        self.tokens = tokens or TokenIssuer()
        self._by_address: dict[str, Account] = {self.account.address.lower(): self.account}
        self._static_tokens: dict[str, Account] = {}

    def register(self, username: str, address: str, email: str | None = None) -> Account:
        """Create (or replace) the account of ``address``."""
        account = account_for(username, address, email)
        self._by_address[address.lower()] = account
        return account

    def by_address(self, address: str) -> Account | None:
        """The registered account of a wallet address."""
        return self._by_address.get(address.lower())

    def by_username(self, username: str) -> Account | None:
        """The registered account with ``username`` (case-insensitive)."""
        wanted = username.lower()
        return next((a for a in self._by_address.values() if a.username.lower() == wanted), None)

    def add_token(self, token: str, account: Account | None = None) -> None:
        """Accept a fixed ``token`` in the ``Authorization`` header."""
        self._static_tokens[token] = account or self.account

    def identify(self, headers: Mapping[str, str]) -> Account | None:
        """The account the headers authenticate, or ``None``."""
        key = headers.get("api-key")
        if key is not None:
            return self.account if key == self.api_key else None
        token = (headers.get("authorization") or "").strip()
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        if not token:
            return None
        if token in self._static_tokens:
            return self._static_tokens[token]
        claims = self.tokens.claims(token, "access")
        if claims is None or not isinstance(claims.get("addr"), str):
            return None
        return self.by_address(claims["addr"])


def wallet_address(username: str, password: str) -> str:
    """The wallet address the network's clients derive from a username and password."""
    try:
        from eth_account import Account as EthAccount
    except ImportError as exc:
        from sogni.errors import MissingExtraError

        raise MissingExtraError("deriving a wallet from a password", "wallet") from exc
    key = hashlib.pbkdf2_hmac(
        "sha256", (username.lower() + password).encode("utf-8"), b"sogni-salt-value", 10000, 32
    )
    return str(EthAccount.from_key(key).address)
