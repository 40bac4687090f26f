"""Plans of the account: signup, login and sessions, profile, balances, token transfers,
history, rewards, stats.

Signup and username/password login derive the account's wallet from the credentials and
sign the server's nonce with EIP-712, exactly as the network's own clients do (see
:mod:`sogni.core.wallet`; signing needs the ``wallet`` extra). The resulting token pair is kept
by the client's credentials, renewed before it expires, and can be saved (``tokens``) and
handed to another client later (``set_tokens``).

Withdrawals and approvals sign the permit the network sends for them; deposits need only
the wallet's address, but an approval first when the account contract's allowance is
missing. Every transfer checks that the password opens the account's own wallet before
anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sogni.core import account as core
from sogni.core import auth
from sogni.core._generated.models import (
    AccountProfile,
    Balances,
    LeaderboardEntry,
    Reward,
    TransactionPage,
    WalletBalance,
)
from sogni.core._generated.vocabulary import LEADERBOARD_NETWORKS, WALLET_PROVIDERS
from sogni.core.account import (
    Permit,
    TokenApproval,
    TokenTransfer,
    UsernameCheck,
    balances_from_wire,
)
from sogni.core.auth import TokenPair
from sogni.core.checks import choice, text
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall, Sleep
from sogni.core.errors import ApiError, AuthenticationError, SogniError, ValidationError
from sogni.core.plans import Plan
from sogni.core.plans.auth import ensure_fresh_token
from sogni.core.wire import from_wire, from_wire_list

if TYPE_CHECKING:
    from sogni.core.wallet import Wallet

__all__ = [
    "LEADERBOARD_TYPES",
    "PROVIDERS",
    "approve_token_usage",
    "claim_rewards",
    "create",
    "deposit",
    "get_nonce",
    "leaderboard",
    "login",
    "logout",
    "me",
    "refresh_balance",
    "rewards",
    "set_tokens",
    "transactions",
    "validate_username",
    "wallet_balance",
    "withdraw",
]

PROVIDERS = WALLET_PROVIDERS
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
_LEADERBOARD_NETWORKS = LEADERBOARD_NETWORKS
_TX_STATUSES = ("completed", "pending", "failed")


def _count(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(f"{name} must be an integer >= {minimum}", field=name)
    return value


# -- sessions ------------------------------------------------------------------------------
def get_nonce(ctx: CoreContext, wallet_address: str) -> Plan[str]:
    """A fresh nonce for the wallet to sign (a login or a signup uses it once)."""
    address = core.check_wallet_address(wallet_address)
    data = yield RestCall(
        "POST", auth.NONCE_PATH, json=auth.nonce_body(address), authorize=False, idempotent=False
    )
    nonce = data.get("nonce") if isinstance(data, Mapping) else None
    if not isinstance(nonce, str):
        raise ApiError("the server's nonce reply did not include data.nonce")
    return nonce


def login(
    ctx: CoreContext,
    username: str,
    password: str,
    remember_me: bool = False,
    app_source: str | None = None,
) -> Plan[AccountProfile]:
    """Log in with a username and password; returns the account's profile."""
    from sogni.core.wallet import Wallet  # needs the wallet extra only when used

    # Derive and check everything that can fail locally before any request.
    wallet = Wallet.from_credentials(text(username, "username"), password)
    nonce = yield from get_nonce(ctx, wallet.address)
    signature = wallet.sign_authentication(nonce, testnet=bool(ctx.config.testnet))
    body = auth.login_body(
        wallet.address,
        signature,
        remember_me=remember_me,
        app_source=app_source,
        client_app_source=ctx.config.app_source,
    )
    data = yield RestCall("POST", auth.LOGIN_PATH, json=body, authorize=False, idempotent=False)
    return (yield from _start_session(ctx, data, wallet.address))


def create(
    ctx: CoreContext,
    username: str,
    email: str,
    password: str,
    subscribe: bool = False,
    turnstile_token: str | None = None,
    referral_code: str | None = None,
    app_source: str | None = None,
    remember_me: bool = False,
) -> Plan[AccountProfile]:
    """Create an account (signup) and log it in; returns its profile."""
    from sogni.core.wallet import Wallet  # needs the wallet extra only when used

    name = text(username, "username")
    address = core.check_email(email)
    if not isinstance(subscribe, bool):
        raise ValidationError("subscribe must be True or False", field="subscribe")
    for value, field in ((turnstile_token, "turnstile_token"), (referral_code, "referral_code")):
        if value is not None:
            text(value, field)
    wallet = Wallet.from_credentials(name, core.check_password(password))
    nonce = yield from get_nonce(ctx, wallet.address)
    app_id = ctx.config.app_id or ""
    signature = wallet.sign_signup(
        app_id=app_id,
        username=name,
        email=address,
        subscribe=subscribe,
        nonce=nonce,
        testnet=bool(ctx.config.testnet),
    )
    body = auth.signup_body(
        app_id=app_id,
        username=name,
        email=address,
        subscribe=subscribe,
        wallet_address=wallet.address,
        turnstile_token=turnstile_token,
        signature=signature,
        remember_me=remember_me,
        referral_code=referral_code,
        app_source=app_source,
        client_app_source=ctx.config.app_source,
    )
    data = yield RestCall("POST", auth.CREATE_PATH, json=body, authorize=False, idempotent=False)
    return (yield from _start_session(ctx, data, wallet.address, username=name))


def validate_username(ctx: CoreContext, username: str) -> Plan[UsernameCheck]:
    """Whether ``username`` is free to sign up with."""
    name = text(username, "username")
    try:
        yield RestCall(
            "POST", core.VALIDATE_USERNAME_PATH, json={"username": name}, authorize=False
        )
    except ApiError as exc:
        if exc.error_code != core.USERNAME_TAKEN:
            raise
        return UsernameCheck(name, False, message=exc.message, error_code=exc.error_code)
    return UsernameCheck(name, True)


def _start_session(
    ctx: CoreContext, data: Any, wallet_address: str, username: str | None = None
) -> Plan[AccountProfile]:
    """Keep the token pair of a login or signup reply, then load the profile."""
    tokens = auth.tokens_from_response(data)
    _credentials(ctx).set_tokens(tokens)
    if isinstance(data, Mapping) and isinstance(data.get("username"), str):
        username = data["username"]
    if username is not None:
        ctx.account.username = username
    ctx.account.wallet_address = wallet_address
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
    choice(provider, "provider", PROVIDERS)
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
    choice(status, "status", _TX_STATUSES)
    if provider is not None:
        choice(provider, "provider", PROVIDERS)
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
        query = {"provider": choice(provider, "provider", PROVIDERS)}
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
    ids = [text(item, "reward_ids") for item in reward_ids]
    body: dict[str, Any] = {"claims": ids, "provider": choice(provider, "provider", PROVIDERS)}
    if turnstile_token:
        body["turnstileToken"] = turnstile_token
    yield RestCall("POST", "/v3/account/reward/claim", json=body, idempotent=False)


# -- token transfers -----------------------------------------------------------------------
def _own_wallet(ctx: CoreContext, password: str) -> Plan[Wallet]:
    """The account's wallet, derived from its username and ``password``; a password that
    opens another wallet is refused before anything is signed or sent."""
    from sogni.core.wallet import Wallet, same_address  # needs the wallet extra only when used

    core.check_password(password)
    account = ctx.account
    if account.username is None or account.wallet_address is None:
        yield from me(ctx)
    if not account.username or not account.wallet_address:
        raise ApiError("the network did not say which account this is (username, wallet)")
    wallet = Wallet.from_credentials(account.username, password)
    if not same_address(wallet.address, account.wallet_address):
        raise ValidationError("the password does not open this account's wallet", field="password")
    return wallet


def _signed(permit: Permit, wallet: Wallet) -> str:
    return wallet.sign_permit(permit.domain, permit.types, permit.message)


def _sending(body: Mapping[str, Any], path: str, secret: str) -> Plan[Any]:
    """POST a signed body; an error reply never carries the signature on."""
    try:
        return (yield RestCall("POST", path, json=dict(body), idempotent=False))
    except SogniError as exc:
        raise _scrubbed(exc, secret) from None


def _scrubbed(error: SogniError, secret: str) -> SogniError:
    error.args = tuple(a.replace(secret, "***") if isinstance(a, str) else a for a in error.args)
    for name, value in list(vars(error).items()):
        if isinstance(value, str):
            setattr(error, name, value.replace(secret, "***"))
    return error


def _transfer_args(amount: object, provider: str) -> tuple[Decimal, str]:
    value, wei = core.to_wei(amount)
    choice(provider, "provider", PROVIDERS)
    return value, wei


def withdraw(
    ctx: CoreContext, password: str, amount: Any, provider: str = "base"
) -> Plan[TokenTransfer]:
    """Move tokens from the account to its wallet: the wallet signs the network's permit."""
    value, wei = _transfer_args(amount, provider)
    wallet = yield from _own_wallet(ctx, password)
    body = core.transfer_body(wallet.address, wei, provider)
    data = yield RestCall("POST", core.WITHDRAW_PERMIT_PATH, json=body, idempotent=False)
    signature = _signed(Permit.from_reply(data, "withdrawal"), wallet)
    yield from _sending(core.withdraw_body(body, signature), core.WITHDRAW_PATH, signature)
    return TokenTransfer("withdraw", wallet.address, value, wei, provider)


def deposit(
    ctx: CoreContext,
    password: str,
    amount: Any,
    provider: str = "base",
    approval_wait: float = core.APPROVAL_WAIT,
) -> Plan[TokenTransfer]:
    """Move tokens from the wallet to the account.

    When the network answers that the account contract may not spend the wallet's tokens
    (``errorCode`` 149), the wallet approves it once, then the deposit is tried again
    every ``approval_wait`` seconds, at most :data:`~sogni.core.account.MAX_DEPOSIT_ATTEMPTS`
    times in all, while the approval transaction settles.
    """
    value, wei = _transfer_args(amount, provider)
    if (
        isinstance(approval_wait, bool)
        or not isinstance(approval_wait, (int, float))
        or not 0 <= approval_wait < float("inf")
    ):
        raise ValidationError(
            "approval_wait must be a number of seconds >= 0", field="approval_wait"
        )
    wallet = yield from _own_wallet(ctx, password)
    body = core.transfer_body(wallet.address, wei, provider)
    approved = False
    attempt = 1
    while True:
        try:
            yield RestCall("POST", core.DEPOSIT_PATH, json=body, idempotent=False)
        except ApiError as exc:
            last = attempt >= core.MAX_DEPOSIT_ATTEMPTS
            if exc.error_code != core.INSUFFICIENT_ALLOWANCE or last:
                raise
            if not approved:
                yield from _approve(ctx, wallet, "account", provider)
                approved = True
            yield Sleep(float(approval_wait))
            attempt += 1
            continue
        return TokenTransfer(
            "deposit", wallet.address, value, wei, provider, approved=approved, attempts=attempt
        )


def approve_token_usage(
    ctx: CoreContext, password: str, spender: str, provider: str = "base"
) -> Plan[TokenApproval]:
    """Let ``spender`` (the account contract or the staking contract) spend the wallet's
    SOGNI: the wallet signs the network's approval permit."""
    choice(spender, "spender", core.SPENDERS)
    choice(provider, "provider", PROVIDERS)
    wallet = yield from _own_wallet(ctx, password)
    return (yield from _approve(ctx, wallet, spender, provider))


def _approve(ctx: CoreContext, wallet: Wallet, spender: str, provider: str) -> Plan[TokenApproval]:
    data = yield RestCall(
        "POST",
        core.APPROVE_PERMIT_PATH,
        json=core.approve_permit_body(wallet.address, spender, provider),
        idempotent=False,
    )
    permit = Permit.from_reply(data, "approval")
    deadline = permit.deadline
    signature = _signed(permit, wallet)
    body = core.approve_body(wallet.address, spender, provider, deadline, signature)
    yield from _sending(body, core.APPROVE_PATH, signature)
    return TokenApproval(wallet.address, spender, provider, deadline)


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
        "type": choice(type, "type", LEADERBOARD_TYPES),
        "period": choice(period, "period", _PERIODS),
    }
    if username is not None:
        query["username"] = username
    if network is not None:
        query["network"] = choice(network, "network", _LEADERBOARD_NETWORKS)
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
