"""Wallet balance, transaction history, rewards and leaderboard endpoints (envelope)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sogni.core._generated.vocabulary import LEADERBOARD_NETWORKS, WALLET_PROVIDERS

from . import envelope
from .ledger import LEADERBOARD_TYPES, Ledger, RewardError
from .routing import Route
from .state import STATE, caller

__all__ = ["ROUTES"]

_PROVIDERS = WALLET_PROVIDERS


def _ledger(request: web.Request) -> Ledger:
    return request.app[STATE].ledger


def _int(request: web.Request, name: str, default: int, minimum: int) -> int:
    text = request.query.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise web.HTTPBadRequest(reason=f"'{name}' must be an integer") from None
    if value < minimum:
        raise web.HTTPBadRequest(reason=f"'{name}' must be at least {minimum}")
    return value


def _provider(value: str | None) -> str:
    provider = value or "base"
    if provider not in _PROVIDERS:
        raise web.HTTPBadRequest(reason=f"Unknown provider {provider!r}")
    return provider


async def balance_of_wallet(request: web.Request) -> web.Response:
    """``GET /v2/wallet/balance?walletAddress=&provider=`` -> ``{sogni, spark, ether}``."""
    address = request.query.get("walletAddress")
    if not address:
        return envelope.error(400, "walletAddress is required")
    provider = _provider(request.query.get("provider"))
    return envelope.success(_ledger(request).wallet_balance(address, provider))


async def transactions(request: web.Request) -> web.Response:
    """``GET /v1/transactions/list?status=&address=&limit=[&offset=][&provider=]``."""
    account = caller(request)
    address = request.query.get("address") or account.address
    if address.lower() != account.address.lower():
        return envelope.error(403, "You can only list your own transactions")
    _provider(request.query.get("provider"))
    page = _ledger(request).transactions(
        account.address,
        request.query.get("status", "completed"),
        _int(request, "limit", 20, 1),
        _int(request, "offset", 0, 0),
    )
    return envelope.success(page)


async def rewards(request: web.Request) -> web.Response:
    """``GET /v4/account/rewards[?provider=]`` -> ``{rewards}``."""
    _provider(request.query.get("provider"))
    return envelope.success({"rewards": _ledger(request).rewards(caller(request).address)})


async def claim(request: web.Request) -> web.Response:
    """``POST /v3/account/reward/claim {claims, provider, turnstileToken?}``."""
    try:
        body: Any = await request.json()
    except ValueError:
        return envelope.error(400, "Request body must be JSON")
    claims = body.get("claims") if isinstance(body, dict) else None
    if not isinstance(claims, list) or not claims or not all(isinstance(c, str) for c in claims):
        return envelope.error(400, "claims must be a non-empty list of reward ids")
    _provider(body.get("provider"))
    try:
        _ledger(request).claim(caller(request).address, claims)
    except RewardError as exc:
        return envelope.error(400, str(exc))
    return envelope.success({"claimed": claims})


async def leaderboard(request: web.Request) -> web.Response:
    """``GET /v1/leaderboard/?type=&period=[&username][&network][&page][&limit]...``."""
    kind = request.query.get("type", "")
    if kind not in LEADERBOARD_TYPES:
        return envelope.error(400, f"Unknown leaderboard type {kind!r}")
    period = request.query.get("period", "")
    if period not in ("day", "lifetime"):
        return envelope.error(400, "period must be 'day' or 'lifetime'")
    network = request.query.get("network")
    if network is not None and network not in LEADERBOARD_NETWORKS:
        return envelope.error(400, f"network must be one of {', '.join(LEADERBOARD_NETWORKS)}")
    rows = Ledger.leaderboard(
        kind,
        period,
        network,
        _int(request, "page", 1, 1),
        _int(request, "limit", 10, 1),
        request.query.get("username"),
        request.query.get("address"),
    )
    return envelope.success(rows)


ROUTES = [
    Route("GET", "/v2/wallet/balance", balance_of_wallet),
    Route("GET", "/v1/transactions/list", transactions),
    Route("GET", "/v4/account/rewards", rewards),
    Route("POST", "/v3/account/reward/claim", claim),
    Route("GET", "/v1/leaderboard/", leaderboard),
]
