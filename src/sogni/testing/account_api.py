"""Account REST endpoints the official client calls on its own (``{status, data}`` envelope)."""

from __future__ import annotations

from aiohttp import web

from . import envelope
from .routing import Route
from .state import STATE, caller

__all__ = ["ROUTES"]


async def me(request: web.Request) -> web.Response:
    """``GET /v1/account/me``."""
    account = caller(request)
    return envelope.success({
        "currentEmail": account.email,
        "discord2FA": False,
        "discordLinked": False,
        "discordServerMember": False,
        "discordUsername": "",
        "emailVerified": True,
        "requestedUpdatedEmail": "",
        "username": account.username,
        "walletAddress": account.address,
    })


async def balance(request: web.Request) -> web.Response:
    """``GET /v4/account/balance``."""
    return envelope.success(request.app[STATE].wallet.balances())


async def subscription_status(request: web.Request) -> web.Response:
    """``GET /v1/subscriptions/status``: the account has no subscription."""
    return envelope.success({"subscription": {"active": False, "status": "none"}})


ROUTES = [
    Route("GET", "/v1/account/me", me),
    Route("GET", "/v4/account/balance", balance),
    Route("GET", "/v1/subscriptions/status", subscription_status),
]
