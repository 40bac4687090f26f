"""Account REST endpoints the official client calls on its own (``{status, data}`` envelope):
the profile and balance, and the token transfers between a wallet and its account.

A withdrawal and an approval each take two calls: the first hands out an EIP-712 permit
(kept until it is used, a newer one replaces it), the second brings it back signed by the
account's wallet and moves the tokens (see :mod:`.ledger`). A deposit needs no signature,
only the account contract's allowance. Every transfer broadcasts the new balance.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from . import envelope
from .auth import Account
from .ledger import CHAIN_IDS, MAX_ALLOWANCE, SPENDERS, TransferError, contract_address
from .routing import Route
from .signatures import approval_permit, permit_recovers_to, withdraw_permit
from .state import STATE, SupernetState, caller

__all__ = ["PERMIT_TTL", "ROUTES"]

PERMIT_TTL = 600
"""Seconds a transfer permit stays valid."""

_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_SIGNATURE = re.compile(r"^0x[0-9a-fA-F]{130}$")
_WEI = re.compile(r"^[0-9]{1,78}$")


async def me(request: web.Request) -> web.Response:
    """``GET /v1/account/me``."""
    account = caller(request)
    return envelope.success(
        {
            "currentEmail": account.email,
            "discord2FA": False,
            "discordLinked": False,
            "discordServerMember": False,
            "discordUsername": "",
            "emailVerified": True,
            "requestedUpdatedEmail": "",
            "username": account.username,
            "walletAddress": account.address,
        }
    )


async def balance(request: web.Request) -> web.Response:
    """``GET /v4/account/balance``."""
    return envelope.success(request.app[STATE].balances.balance_update())


async def subscription_status(request: web.Request) -> web.Response:
    """``GET /v1/subscriptions/status``: the account has no subscription."""
    return envelope.success({"subscription": {"active": False, "status": "none"}})


# -- token transfers -------------------------------------------------------------------------
class _Refused(Exception):
    def __init__(self, status: int, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


async def _transfer_request(request: web.Request) -> tuple[Account, dict[str, Any], str, str]:
    """The caller, the JSON body, and its own wallet address and provider."""
    try:
        body = await request.json()
    except ValueError:
        raise _Refused(400, "Request body must be JSON") from None
    if not isinstance(body, dict):
        raise _Refused(400, "Request body must be a JSON object")
    account = caller(request)
    address = body.get("walletAddress")
    if not isinstance(address, str) or not _ADDRESS.match(address):
        raise _Refused(400, "walletAddress must be a 0x-prefixed 20-byte hex address")
    if address.lower() != account.address.lower():
        raise _Refused(403, "walletAddress is not the wallet of this account")
    provider = body.get("provider")
    if provider not in CHAIN_IDS:
        raise _Refused(400, f"Unknown provider {provider!r}")
    return account, body, address, str(provider)


def _wei(body: dict[str, Any]) -> str:
    amount = body.get("amount")
    if not isinstance(amount, str) or not _WEI.match(amount) or int(amount) == 0:
        raise _Refused(400, "amount must be a positive whole number of wei, as a string")
    return amount


def _signed(permit: dict[str, Any] | None, address: str, signature: object, what: str) -> None:
    if permit is None:
        raise _Refused(400, f"No {what} permit was issued for this wallet (or it was used)")
    if permit["message"]["deadline"] < time.time():
        raise _Refused(400, f"The {what} permit expired")
    if not isinstance(signature, str) or not _SIGNATURE.match(signature):
        raise _Refused(400, "The signature must be a 65-byte hex string")
    if permit_recovers_to(address, signature, permit) is False:
        raise _Refused(401, f"The signature does not match the {what} permit")


def _permit_terms(state: SupernetState, address: str, provider: str) -> dict[str, Any]:
    return {
        "nonce": state.ledger.next_permit_nonce(address),
        "deadline": int(time.time()) + PERMIT_TTL,
        "chain_id": CHAIN_IDS[provider],
    }


_Handler = Callable[[web.Request, SupernetState], Awaitable[web.Response]]


def _handled(handler: _Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
    """A route handler; refusals become error envelopes."""

    @functools.wraps(handler)
    async def handle(request: web.Request) -> web.Response:
        try:
            return await handler(request, request.app[STATE])
        except _Refused as refused:
            return envelope.error(refused.status, refused.message, refused.code)
        except TransferError as exc:
            return envelope.error(400, str(exc), exc.code)

    return handle


async def _announce_balance(state: SupernetState) -> None:
    await state.broadcaster.broadcast("balanceUpdate", state.balances.balance_update())


@_handled
async def withdraw_permit_route(request: web.Request, state: SupernetState) -> web.Response:
    """``POST /v1/account/token/withdraw/permit {walletAddress, amount, provider}`` ->
    ``{domain, types, message}``."""
    _, body, address, provider = await _transfer_request(request)
    amount = _wei(body)
    permit = withdraw_permit(
        address,
        amount,
        contract=contract_address(provider, "account"),
        **_permit_terms(state, address, provider),
    )
    state.ledger.hold_permit((address, "withdraw", provider), permit)
    return envelope.success(permit)


@_handled
async def withdraw(request: web.Request, state: SupernetState) -> web.Response:
    """``POST /v2/account/token/withdraw {walletAddress, amount, provider, signature}``."""
    _, body, address, provider = await _transfer_request(request)
    amount = _wei(body)
    permit = state.ledger.take_permit((address, "withdraw", provider))
    if permit is not None and permit["message"]["amount"] != amount:
        raise _Refused(400, "amount differs from the withdrawal permit")
    _signed(permit, address, body.get("signature"), "withdrawal")
    state.ledger.withdraw(address, provider, int(amount), state.balances)
    await _announce_balance(state)
    return envelope.success({"walletAddress": address, "amount": amount, "provider": provider})


@_handled
async def deposit(request: web.Request, state: SupernetState) -> web.Response:
    """``POST /v3/account/token/deposit {walletAddress, amount, provider}``; ``errorCode``
    149 while the account contract lacks the allowance, 123 beyond the wallet's SOGNI."""
    _, body, address, provider = await _transfer_request(request)
    amount = _wei(body)
    state.ledger.deposit(address, provider, int(amount), state.balances)
    await _announce_balance(state)
    return envelope.success({"walletAddress": address, "amount": amount, "provider": provider})


def _spender(body: dict[str, Any]) -> str:
    spender = body.get("spender")
    if spender not in SPENDERS:
        raise _Refused(400, f"spender must be one of {', '.join(SPENDERS)}")
    return str(spender)


@_handled
async def approve_permit_route(request: web.Request, state: SupernetState) -> web.Response:
    """``POST /v1/contract/token/approve/permit {walletAddress, spender, provider}`` ->
    ``{domain, types, message}`` (an ERC-2612 ``Permit`` of unlimited value)."""
    _, body, address, provider = await _transfer_request(request)
    spender = _spender(body)
    permit = approval_permit(
        address,
        contract_address(provider, spender),
        str(MAX_ALLOWANCE),
        token=contract_address(provider, "token"),
        **_permit_terms(state, address, provider),
    )
    state.ledger.hold_permit((address, "approve", provider, spender), permit)
    return envelope.success(permit)


@_handled
async def approve(request: web.Request, state: SupernetState) -> web.Response:
    """``POST /v1/contract/token/approve {walletAddress, spender, provider, deadline,
    approveSignature}``."""
    _, body, address, provider = await _transfer_request(request)
    spender = _spender(body)
    permit = state.ledger.take_permit((address, "approve", provider, spender))
    if permit is not None and body.get("deadline") != permit["message"]["deadline"]:
        raise _Refused(400, "deadline differs from the approval permit")
    _signed(permit, address, body.get("approveSignature"), "approval")
    state.ledger.approve(address, provider, spender, MAX_ALLOWANCE)
    return envelope.success({"walletAddress": address, "spender": spender, "provider": provider})


ROUTES = [
    Route("GET", "/v1/account/me", me),
    Route("GET", "/v4/account/balance", balance),
    Route("GET", "/v1/subscriptions/status", subscription_status),
    Route("POST", "/v1/account/token/withdraw/permit", withdraw_permit_route),
    Route("POST", "/v2/account/token/withdraw", withdraw),
    Route("POST", "/v3/account/token/deposit", deposit),
    Route("POST", "/v1/contract/token/approve/permit", approve_permit_route),
    Route("POST", "/v1/contract/token/approve", approve),
]
