"""Wallet login, signup, token refresh and logout (token-mode authentication).

A signature must be 65 hex bytes over a nonce issued for the same wallet; with the
``wallet`` extra (eth-account) installed it must also be the wallet's EIP-712 signature.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from aiohttp import web

from . import envelope
from .routing import Route
from .signatures import recovers_to
from .state import STATE, SupernetState

__all__ = ["ROUTES"]

USERNAME_TAKEN = 108
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_SIGNATURE = re.compile(r"^0x[0-9a-fA-F]{130}$")


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(reason="Request body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="Request body must be a JSON object")
    return body


def _address(body: dict[str, Any]) -> str:
    address = body.get("walletAddress")
    if not isinstance(address, str) or not _ADDRESS.match(address):
        raise web.HTTPBadRequest(reason="walletAddress must be a 0x-prefixed 20-byte hex address")
    return address


def _nonces(state: SupernetState) -> dict[str, str]:
    return state.login_nonces


def _check_signature(
    state: SupernetState, address: str, body: dict[str, Any], primary_type: str
) -> None:
    signature = body.get("signature")
    if not isinstance(signature, str) or not _SIGNATURE.match(signature):
        raise web.HTTPUnauthorized(reason="signature must be a 65-byte hex string")
    issued = _nonces(state).pop(address.lower(), None)
    if issued is None:
        raise web.HTTPUnauthorized(reason="No login nonce was issued for this wallet")
    message: dict[str, Any] = {"walletAddress": address, "nonce": issued}
    if primary_type == "Signup":
        message = {
            "appid": str(body.get("appid", "")),
            "username": str(body.get("username")),
            "email": str(body.get("email", "")),
            "subscribe": int(body.get("subscribe") or 0),
            **message,
        }
    if recovers_to(address, signature, primary_type, message) is False:
        raise web.HTTPUnauthorized(reason="Signature does not match the wallet address")


def _token_pair(state: SupernetState, address: str) -> dict[str, str]:
    token, refresh = state.auth.tokens.issue(address)
    return {"token": token, "refreshToken": refresh}


async def nonce(request: web.Request) -> web.Response:
    """``POST /v1/account/nonce {walletAddress}`` -> ``{nonce}``."""
    state = request.app[STATE]
    address = _address(await _body(request))
    value = secrets.token_hex(16)
    _nonces(state)[address.lower()] = value
    return envelope.success({"nonce": value})


async def login(request: web.Request) -> web.Response:
    """``POST /v1/account/login`` -> ``{token, refreshToken, username}``."""
    state = request.app[STATE]
    body = await _body(request)
    address = _address(body)
    _check_signature(state, address, body, "Authentication")
    account = state.auth.by_address(address)
    if account is None and state.options.auto_register:
        # The signature proves the wallet; give it an account named after its address.
        account = state.auth.register(f"user-{address[2:10].lower()}", address)
    if account is None:
        return envelope.error(404, "No account exists for this wallet; sign up first")
    return envelope.success({**_token_pair(state, address), "username": account.username})


async def create(request: web.Request) -> web.Response:
    """``POST /v1/account/create`` (signup) -> ``{token, refreshToken}``."""
    state = request.app[STATE]
    body = await _body(request)
    address = _address(body)
    username = body.get("username")
    if not isinstance(username, str) or not username.strip():
        return envelope.error(400, "username is required")
    email = body.get("email")
    if not isinstance(email, str) or not _EMAIL.match(email):
        return envelope.error(400, "email must be an e-mail address")
    if state.auth.by_username(username) is not None:
        return envelope.error(400, "Username is already taken", USERNAME_TAKEN)
    if state.auth.by_address(address) is not None:
        return envelope.error(400, "An account already exists for this wallet")
    _check_signature(state, address, body, "Signup")
    state.auth.register(username.strip(), address, email)
    return envelope.success(_token_pair(state, address))


async def refresh_token(request: web.Request) -> web.Response:
    """``POST /v1/account/refresh-token {refreshToken}`` -> a new ``{token, refreshToken}``."""
    state = request.app[STATE]
    token = (await _body(request)).get("refreshToken")
    claims = state.auth.tokens.claims(token, "refresh") if isinstance(token, str) else None
    if claims is None or state.auth.by_address(str(claims.get("addr"))) is None:
        return envelope.error(401, "Refresh token is invalid or expired")
    state.auth.tokens.revoke(str(token))
    return envelope.success(_token_pair(state, str(claims["addr"])))


async def logout(request: web.Request) -> web.Response:
    """``POST /v1/account/logout``: the presented access token stops working."""
    token = request.headers.get("Authorization")
    if token:
        request.app[STATE].auth.tokens.revoke(token.removeprefix("Bearer ").strip())
    return envelope.success({})


async def validate_username(request: web.Request) -> web.Response:
    """``POST /v1/account/username/validate {username}``; error 108 when taken."""
    username = (await _body(request)).get("username")
    if not isinstance(username, str) or not username.strip():
        return envelope.error(400, "username is required")
    if request.app[STATE].auth.by_username(username) is not None:
        return envelope.error(400, "Username is already taken", USERNAME_TAKEN)
    return envelope.success(None)


ROUTES = [
    Route("POST", "/v1/account/nonce", nonce, auth=False),
    Route("POST", "/v1/account/login", login, auth=False),
    Route("POST", "/v1/account/create", create, auth=False),
    Route("POST", "/v1/account/refresh-token", refresh_token, auth=False),
    Route("POST", "/v1/account/username/validate", validate_username, auth=False),
    Route("POST", "/v1/account/logout", logout),
]
