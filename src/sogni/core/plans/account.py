"""Plans of the account: login and sessions, profile, balances, history, rewards, stats.

Username/password login derives the account's wallet from the credentials and signs the
server's nonce with EIP-712, exactly as the network's own clients do (see
:mod:`sogni.wallet`; signing needs the ``wallet`` extra). The resulting token pair is kept
by the client's credentials, renewed before it expires, and can be saved (``tokens``) and
handed to another client later (``set_tokens``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sogni._generated.models import (
    AccountProfile,
    Balances,
    LeaderboardEntry,
    Reward,
    TransactionPage,
    WalletBalance,
)
from sogni._wire import from_wire, from_wire_list
from sogni.core import auth
from sogni.core.account import balances_from_wire
from sogni.core.auth import TokenPair
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall
from sogni.core.plans import Plan
from sogni.core.plans.auth import ensure_fresh_token
from sogni.errors import ApiError, AuthenticationError, ValidationError

__all__ = [
    "LEADERBOARD_TYPES",
    "PROVIDERS",
    "claim_rewards",
    "leaderboard",
    "login",
    "logout",
    "me",
    "refresh_balance",
    "rewards",
    "set_tokens",
    "transactions",
    "wallet_balance",
]

PROVIDERS = ("base", "etherlink")
"""Blockchains the network settles on."""

LEADERBOARD_TYPES = (
    "renderUSDCompleteWorker",
    "renderUSDCompleteArtist",
    "renderSecCompleteWorker",
    "renderSecCompleteArtist",
    "renderTokenCompleteWorker",
    "renderTokenCompleteWorker2",
    "renderTokenCompleteArtist",
    "renderTokenCompleteArtist2",
    "jobCompleteWorker",
    "jobCompleteArtist",
    "projectCompleteArtist",
    "uloginWorker",
    "uloginArtist",
    "tokenVolume",
    "referral",
)
"""The rankings ``leaderboard(type=...)`` can show."""

_PERIODS = ("day", "lifetime")
_LEADERBOARD_NETWORKS = ("fast", "relaxed", "all")
_TX_STATUSES = ("completed", "pending", "failed")


def _choice(value: str, name: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ValidationError(f"{name} {value!r} is not supported", field=name, allowed=allowed)
    return value


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{name} must be a non-empty string", field=name)
    return value


def _count(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(f"{name} must be an integer >= {minimum}", field=name)
    return value


# -- sessions ------------------------------------------------------------------------------
def login(
    ctx: CoreContext,
    username: str,
    password: str,
    remember_me: bool = False,
    app_source: str | None = None,
) -> Plan[AccountProfile]:
    """Log in with a username and password; returns the account's profile."""
    from sogni.wallet import Wallet  # needs the wallet extra only when used

    # Derive and check everything that can fail locally before any request.
    wallet = Wallet.from_credentials(_text(username, "username"), password)
    data = yield RestCall(
        "POST",
        auth.NONCE_PATH,
        json=auth.nonce_body(wallet.address),
        authorize=False,
        idempotent=False,
    )
    nonce = data.get("nonce") if isinstance(data, Mapping) else None
    if not isinstance(nonce, str):
        raise ApiError("the server's nonce reply did not include data.nonce")
    signature = wallet.sign_authentication(nonce, testnet=bool(ctx.config.testnet))
    body = auth.login_body(
        wallet.address,
        signature,
        remember_me=remember_me,
        app_source=app_source,
        client_app_source=ctx.config.app_source,
    )
    data = yield RestCall("POST", auth.LOGIN_PATH, json=body, authorize=False, idempotent=False)
    tokens = auth.tokens_from_response(data)
    _credentials(ctx).set_tokens(tokens)
    if isinstance(data, Mapping) and isinstance(data.get("username"), str):
        ctx.account.username = data["username"]
    ctx.account.wallet_address = wallet.address
    return (yield from me(ctx))


def set_tokens(
    ctx: CoreContext, token: str | TokenPair, refresh_token: str | None = None
) -> Plan[AccountProfile]:
    """Resume a saved session: renew the access token if it expired, then load the profile."""
    if isinstance(token, TokenPair):
        tokens = token
    else:
        if refresh_token is None:
            raise ValidationError(
                "give the saved refresh_token too (or a TokenPair)", field="refresh_token"
            )
        tokens = TokenPair(token, refresh_token)
    if not tokens.can_refresh(ctx.clock()):
        raise AuthenticationError(
            "the saved session expired", status=401, hint="log in again with account.login()"
        )
    credentials = _credentials(ctx)
    credentials.set_tokens(tokens)
    yield from ensure_fresh_token(ctx)
    return (yield from me(ctx))


def logout(ctx: CoreContext) -> Plan[None]:
    """End the session on the network and forget the credentials."""
    credentials = _credentials(ctx)
    if credentials.has_tokens:
        try:
            yield RestCall(
                "POST",
                auth.LOGOUT_PATH,
                json=auth.logout_body(),
                idempotent=False,
            )
        except AuthenticationError:
            pass  # already logged out on the server
    credentials.clear()


def _credentials(ctx: CoreContext) -> auth.Credentials:
    return ctx.credentials


# -- profile and balances -------------------------------------------------------------------
def me(ctx: CoreContext) -> Plan[AccountProfile]:
    """The account's profile; also updates ``account.current``."""
    data = yield RestCall("GET", auth.ME_PATH)
    profile = from_wire(AccountProfile, data)
    ctx.account.on_profile(profile)
    return profile


def refresh_balance(ctx: CoreContext) -> Plan[Balances]:
    """Fetch the balance now; also updates ``account.current.balance``."""
    data = yield RestCall("GET", "/v4/account/balance")
    balance = balances_from_wire(data)
    if balance is None:
        raise ApiError("the balance reply did not include sogni or spark balances")
    ctx.account.set_balance(data)
    return balance


def wallet_balance(
    ctx: CoreContext, wallet_address: str | None = None, provider: str = "base"
) -> Plan[WalletBalance]:
    """On-chain balances of a wallet (the account's own when not given)."""
    address = wallet_address or ctx.account.wallet_address
    if address is None:
        profile = yield from me(ctx)
        address = profile.wallet_address
    if not address:
        raise ValidationError("wallet_address is unknown; pass it", field="wallet_address")
    _choice(provider, "provider", PROVIDERS)
    data = yield RestCall(
        "GET", "/v2/wallet/balance", query={"walletAddress": address, "provider": provider}
    )
    return from_wire(WalletBalance, data)


def transactions(
    ctx: CoreContext,
    limit: int = 20,
    offset: int | None = None,
    status: str = "completed",
    address: str | None = None,
    provider: str | None = None,
) -> Plan[TransactionPage]:
    """One page of the account's transaction history (``offset=page.next`` for the next)."""
    _count(limit, "limit", 1)
    if offset is not None:
        _count(offset, "offset", 0)
    _choice(status, "status", _TX_STATUSES)
    if provider is not None:
        _choice(provider, "provider", PROVIDERS)
    wallet = address or ctx.account.wallet_address
    if wallet is None:
        profile = yield from me(ctx)
        wallet = profile.wallet_address
    query: dict[str, Any] = {"status": status, "address": wallet, "limit": str(limit)}
    if offset:
        query["offset"] = str(offset)
    if provider:
        query["provider"] = provider
    data = yield RestCall("GET", "/v1/transactions/list", query=query)
    return from_wire(TransactionPage, data)


def rewards(ctx: CoreContext, provider: str | None = None) -> Plan[list[Reward]]:
    """The rewards the account can earn or claim."""
    query = None
    if provider is not None:
        query = {"provider": _choice(provider, "provider", PROVIDERS)}
    data = yield RestCall("GET", "/v4/account/rewards", query=query)
    items = data.get("rewards") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise ApiError("the rewards reply did not include data.rewards")
    return from_wire_list(Reward, items)


def claim_rewards(
    ctx: CoreContext,
    reward_ids: Sequence[str],
    provider: str = "base",
    turnstile_token: str | None = None,
) -> Plan[None]:
    """Claim rewards by id."""
    if isinstance(reward_ids, str) or not reward_ids:
        raise ValidationError("reward_ids must be a non-empty list of ids", field="reward_ids")
    ids = [_text(item, "reward_ids") for item in reward_ids]
    body: dict[str, Any] = {"claims": ids, "provider": _choice(provider, "provider", PROVIDERS)}
    if turnstile_token:
        body["turnstileToken"] = turnstile_token
    yield RestCall("POST", "/v3/account/reward/claim", json=body, idempotent=False)


# -- stats ---------------------------------------------------------------------------------
def leaderboard(
    ctx: CoreContext,
    type: str = "projectCompleteArtist",
    period: str = "day",
    username: str | None = None,
    network: str | None = None,
    page: int | None = None,
    limit: int | None = None,
    date: int | None = None,
    address: str | None = None,
) -> Plan[list[LeaderboardEntry]]:
    """A leaderboard page."""
    query: dict[str, Any] = {
        "type": _choice(type, "type", LEADERBOARD_TYPES),
        "period": _choice(period, "period", _PERIODS),
    }
    if username is not None:
        query["username"] = username
    if network is not None:
        query["network"] = _choice(network, "network", _LEADERBOARD_NETWORKS)
    if page is not None:
        query["page"] = str(_count(page, "page", 1))
    if limit is not None:
        query["limit"] = str(_count(limit, "limit", 1))
    if date is not None:
        query["date"] = str(_count(date, "date", 0))
    if address is not None:
        query["address"] = address
    data = yield RestCall("GET", "/v1/leaderboard/", query=query)
    if not isinstance(data, list):
        raise ApiError("the leaderboard reply was not a list")
    return from_wire_list(LeaderboardEntry, data)
