"""JWT access/refresh tokens the emulated network issues at login (HS256, server secret).

Clients decode these without verifying them; the server verifies signature, expiry, type
and revocation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

__all__ = ["TokenIssuer"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenIssuer:
    """Issues and checks token pairs; ``ttl``s are in seconds."""

    def __init__(
        self, access_ttl: float = 3600.0, refresh_ttl: float = 30 * 86400.0, env: str = "local"
    ) -> None:
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.env = env
        self._secret = secrets.token_bytes(32)
        self._revoked: set[str] = set()

    def _sign(self, claims: dict[str, Any]) -> str:
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
        return f"{header}.{body}.{_b64(signature)}"

    def issue(self, address: str) -> tuple[str, str]:
        """A fresh ``(access token, refresh token)`` for ``address``."""
        now = int(time.time())
        access = self._sign(
            {
                "addr": address,
                "env": self.env,
                "iat": now,
                "exp": now + int(self.access_ttl),
                "jti": secrets.token_hex(6),
            }
        )
        refresh = self._sign(
            {
                "type": "refresh",
                "addr": address,
                "env": self.env,
                "iat": now,
                "exp": now + int(self.refresh_ttl),
                "jti": secrets.token_hex(6),
            }
        )
        return access, refresh

    def claims(self, token: str, kind: str) -> dict[str, Any] | None:
        """The claims of a valid, unexpired, unrevoked token of ``kind`` (access|refresh)."""
        parts = token.strip().split(".")
        if len(parts) != 3 or token in self._revoked:
            return None
        expected = hmac.new(
            self._secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256
        ).digest()
        try:
            if not hmac.compare_digest(expected, _unb64(parts[2])):
                return None
            claims = json.loads(_unb64(parts[1]))
        except (ValueError, json.JSONDecodeError):
            return None
        if not isinstance(claims, dict) or claims.get("exp", 0) <= time.time():
            return None
        if (claims.get("type") == "refresh") != (kind == "refresh"):
            return None
        return claims

    def revoke(self, token: str) -> None:
        """Refuse ``token`` from now on."""
        self._revoked.add(token.strip())
