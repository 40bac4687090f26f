"""Signup, nonces, username checks and token transfers as plans, without I/O.

A scripted driver answers each effect; the request bodies are compared with what the
reference client sends, and the signatures with vectors made by ethers'
``Wallet.signTypedData`` from the same inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from helpers import hs256_jwt as jwt

from sogni._runtime.session import Session
from sogni.core import account as core
from sogni.core._generated.models import ClientConfig
from sogni.core.account import Permit, TokenApproval, TokenTransfer, to_wei
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall, Sleep
from sogni.core.plans import Plan
from sogni.core.plans import account as plans
from sogni.errors import ApiError, ValidationError

pytest.importorskip("eth_account")

NOW = 1_800_000_000.0
ALICE = "0xeEa35541BCF52c4968a8Bc172735Cb4f65a4e08F"  # the wallet of alice / pw
# ethers' signTypedData of the Signup struct: appid "a", alice, a@b.c, subscribe 1, nonce "n".
SIGNUP_SIGNATURE = (
    "0x549db526764ea7f77c79a38952e4e0524227039d07a0ae6245117e0057c21e88"
    "2fe5796120bf17402dbfefb1aeb43eadd5a7e85ca9f8120c5d1e6492155c65f21b"
)
WITHDRAW_PERMIT: dict[str, Any] = {
    "domain": {
        "name": "Sogni Account",
        "version": "1",
        "chainId": 8453,
        "verifyingContract": "0x" + "ab" * 20,
    },
    "types": {
        "Withdraw": [
            {"name": "owner", "type": "address"},
            {"name": "amount", "type": "uint256"},
            {"name": "nonce", "type": "uint256"},
            {"name": "deadline", "type": "uint256"},
        ]
    },
    "message": {
        "owner": ALICE,
        "amount": "12500000000000000000",
        "nonce": "7",
        "deadline": 1900000000,
    },
}
# ethers' signTypedData(domain, types, message) of WITHDRAW_PERMIT by alice / pw.
WITHDRAW_SIGNATURE = (
    "0x62b3d1963ad264ccdbb53436339474643fc116ec073e78daf3570c864d166e2b"
    "78e98d77cfd7f55a6c9de97583dfccb9d02f36edfbd0d60bf74c16d93cd8561a1b"
)
APPROVAL_PERMIT: dict[str, Any] = {
    "domain": {
        "name": "Sogni AI",
        "version": "1",
        "chainId": 42793,
        "verifyingContract": "0x" + "cd" * 20,
    },
    "types": {
        "Permit": [
            {"name": "owner", "type": "address"},
            {"name": "spender", "type": "address"},
            {"name": "value", "type": "uint256"},
            {"name": "nonce", "type": "uint256"},
            {"name": "deadline", "type": "uint256"},
        ]
    },
    "message": {
        "owner": ALICE,
        "spender": "0x" + "ef" * 20,
        "value": str(2**256 - 1),
        "nonce": "0",
        "deadline": 1900000000,
    },
}
APPROVAL_SIGNATURE = (
    "0xaaaa6fb9c48ad505f1db9302a42494d04e151398e2811c0738434042f011a3c0"
    "00dff1c6cf588dcf254f95870f8fc150fb5e901f646cadfca1ad9236535eee4f1b"
)
PROFILE = {"username": "alice", "walletAddress": ALICE, "currentEmail": "a@b.c"}


TOKENS = {
    "token": jwt({"addr": ALICE, "iat": NOW, "exp": NOW + 3600}),
    "refreshToken": jwt({"type": "refresh", "iat": NOW, "exp": NOW + 86400}),
}


def drive(plan: Plan[Any], answer: Callable[[Any], Any]) -> tuple[Any, list[Any]]:
    """Run ``plan``; returns its result and every effect it yielded."""
    value: Any = None
    error: BaseException | None = None
    seen: list[Any] = []
    while True:
        try:
            effect = plan.throw(error) if error is not None else plan.send(value)
        except StopIteration as stop:
            return stop.value, seen
        value, error = None, None
        seen.append(effect)
        try:
            value = answer(effect)
        except Exception as exc:  # noqa: BLE001 - handed back to the plan
            error = exc


def context(**config: Any) -> CoreContext:
    ctx = CoreContext(config=ClientConfig(**config), registry=None)  # type: ignore[arg-type]
    ctx.credentials = Session(None, clock=lambda: NOW)
    ctx.clock = lambda: NOW
    return ctx


def logged_in() -> CoreContext:
    ctx = context()
    ctx.account.username, ctx.account.wallet_address = "alice", ALICE
    return ctx


def calls(seen: list[Any]) -> list[tuple[str, str]]:
    return [(e.method, e.path) for e in seen if isinstance(e, RestCall)]


def no_io(effect: Any) -> Any:
    raise AssertionError(f"no request may be made, got {effect!r}")


# --- amounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "wei"),
    [  # what ethers.parseEther(String(amount)) gives
        ("1", "1000000000000000000"),
        ("0.5", "500000000000000000"),
        (0.1, "100000000000000000"),
        ("1.000000000000000001", "1000000000000000001"),
        ("123456789.123456789", "123456789123456789000000000"),
        (100, "100000000000000000000"),
        (Decimal("2.50"), "2500000000000000000"),
    ],
)
def test_wei_as_parse_ether_writes_it(amount: Any, wei: str) -> None:
    assert to_wei(amount)[1] == wei


def test_amount_reads_plainly() -> None:
    assert to_wei("100")[0] == Decimal("100") and str(to_wei("100")[0]) == "100"
    assert to_wei(1e-7) == (Decimal("0.0000001"), "100000000000")


@pytest.mark.parametrize(
    "amount",
    [
        0,
        -1,
        "0",
        "-1",
        "1e5",
        "abc",
        "",
        True,
        None,
        float("nan"),
        float("inf"),
        "0.0000000000000000001",
        [1],
    ],
)
def test_bad_amounts_are_refused(amount: Any) -> None:
    with pytest.raises(ValidationError) as info:
        to_wei(amount)
    assert info.value.field == "amount"
    assert "18 decimals" in str(info.value)  # says what is allowed


# --- signup, nonce, usernames -----------------------------------------------------------------


def test_signup_body_and_signature_are_the_references() -> None:
    ctx = context(app_id="a")
    replies = {
        "/v1/account/nonce": {"nonce": "n"},
        "/v1/account/create": TOKENS,
        "/v1/account/me": PROFILE,
    }
    profile, seen = drive(
        plans.create(ctx, "alice", "a@b.c", "pw", subscribe=True), lambda e: replies[e.path]
    )
    assert calls(seen) == [
        ("POST", "/v1/account/nonce"),
        ("POST", "/v1/account/create"),
        ("GET", "/v1/account/me"),
    ]
    nonce, create = seen[0], seen[1]
    assert nonce.json == {"walletAddress": ALICE} and not nonce.authorize
    assert not create.authorize and not create.idempotent
    # the reference's keys, in its order; undefined options are left out
    assert list(create.json) == [
        "appid",
        "username",
        "email",
        "subscribe",
        "walletAddress",
        "signature",
        "rememberMe",
    ]
    assert create.json["signature"] == SIGNUP_SIGNATURE
    assert create.json["subscribe"] == 1 and create.json["rememberMe"] is False
    assert profile.wallet_address == ALICE
    assert ctx.credentials.tokens is not None  # logged in
    assert ctx.account.username == "alice" and ctx.account.wallet_address == ALICE


def test_signup_options_reach_the_body() -> None:
    ctx = context(app_id="a", app_source="client-app")
    replies = {
        "/v1/account/nonce": {"nonce": "n"},
        "/v1/account/create": TOKENS,
        "/v1/account/me": PROFILE,
    }
    _, seen = drive(
        plans.create(
            ctx,
            "alice",
            "a@b.c",
            "pw",
            turnstile_token="t",
            referral_code="friend",
            remember_me=True,
        ),
        lambda e: replies[e.path],
    )
    body = seen[1].json
    assert list(body) == [
        "appid",
        "username",
        "email",
        "subscribe",
        "walletAddress",
        "turnstileToken",
        "appSource",
        "referralCode",
        "signature",
        "rememberMe",
    ]
    assert (body["turnstileToken"], body["appSource"], body["referralCode"]) == (
        "t",
        "client-app",
        "friend",
    )
    assert body["subscribe"] == 0 and body["rememberMe"] is True


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("", "a@b.c", "pw"), "username"),
        (("  ", "a@b.c", "pw"), "username"),
        (("alice", "not-an-email", "pw"), "email"),
        (("alice", "", "pw"), "email"),
        (("alice", "a@b.c", ""), "password"),
    ],
)
def test_signup_checks_before_any_request(args: tuple[str, str, str], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        drive(plans.create(context(), *args), no_io)
    assert info.value.field == field


def test_signup_secret_stays_out_of_errors() -> None:
    with pytest.raises(ValidationError) as info:
        drive(plans.create(context(), "alice", "bad", "hunter2-secret"), no_io)
    assert "hunter2-secret" not in str(info.value) and "hunter2-secret" not in repr(info.value)


def test_nonce() -> None:
    nonce, seen = drive(plans.get_nonce(context(), ALICE), lambda e: {"nonce": "abc"})
    assert nonce == "abc" and seen[0].json == {"walletAddress": ALICE}
    with pytest.raises(ApiError):
        drive(plans.get_nonce(context(), ALICE), lambda e: {})


@pytest.mark.parametrize(
    "address", ["", "0x123", "eEa35541BCF52c4968a8Bc172735Cb4f65a4e08F0x", "0x" + "g" * 40, None]
)
def test_nonce_needs_an_address(address: Any) -> None:
    with pytest.raises(ValidationError) as info:
        drive(plans.get_nonce(context(), address), no_io)
    assert info.value.field == "wallet_address"


def test_username_taken_is_an_answer_not_an_error() -> None:
    free, seen = drive(plans.validate_username(context(), "bob"), lambda e: None)
    assert free == core.UsernameCheck("bob", True)
    assert seen[0].json == {"username": "bob"} and seen[0].path == core.VALIDATE_USERNAME_PATH

    def taken(effect: Any) -> Any:
        raise ApiError("Username is already taken", status=400, error_code=108)

    check, _ = drive(plans.validate_username(context(), "bob"), taken)
    assert not check.available and check.error_code == 108
    assert check.message == "Username is already taken"

    def broken(effect: Any) -> Any:
        raise ApiError("boom", status=500, error_code=500)

    with pytest.raises(ApiError):
        drive(plans.validate_username(context(), "bob"), broken)
    with pytest.raises(ValidationError):
        drive(plans.validate_username(context(), ""), no_io)


# --- transfers --------------------------------------------------------------------------------


def test_permit_signatures_match_ethers() -> None:
    from sogni.wallet import Wallet

    alice = Wallet.from_credentials("alice", "pw")
    assert alice.sign_permit(**WITHDRAW_PERMIT) == WITHDRAW_SIGNATURE
    assert alice.sign_permit(**APPROVAL_PERMIT) == APPROVAL_SIGNATURE


def test_withdraw_signs_the_permit() -> None:
    replies = {core.WITHDRAW_PERMIT_PATH: WITHDRAW_PERMIT, core.WITHDRAW_PATH: {}}
    result, seen = drive(plans.withdraw(logged_in(), "pw", "12.5"), lambda e: replies[e.path])
    assert calls(seen) == [("POST", core.WITHDRAW_PERMIT_PATH), ("POST", core.WITHDRAW_PATH)]
    transfer = {"walletAddress": ALICE, "amount": "12500000000000000000", "provider": "base"}
    assert seen[0].json == transfer
    assert seen[1].json == {**transfer, "signature": WITHDRAW_SIGNATURE}
    assert not seen[1].idempotent
    assert result == TokenTransfer(
        "withdraw", ALICE, Decimal("12.5"), "12500000000000000000", "base"
    )


def test_a_bad_permit_reply_is_an_api_error() -> None:
    with pytest.raises(ApiError, match="permit"):
        drive(plans.withdraw(logged_in(), "pw", 1), lambda e: {"domain": {}})


def test_approval_sends_the_deadline_and_signature() -> None:
    replies = {core.APPROVE_PERMIT_PATH: APPROVAL_PERMIT, core.APPROVE_PATH: {}}
    result, seen = drive(
        plans.approve_token_usage(logged_in(), "pw", "staker", "etherlink"),
        lambda e: replies[e.path],
    )
    assert seen[0].json == {"walletAddress": ALICE, "spender": "staker", "provider": "etherlink"}
    assert seen[1].json == {
        "walletAddress": ALICE,
        "spender": "staker",
        "provider": "etherlink",
        "deadline": 1900000000,
        "approveSignature": APPROVAL_SIGNATURE,
    }
    assert result == TokenApproval(ALICE, "staker", "etherlink", 1900000000)


def test_deposit_approves_once_then_tries_again() -> None:
    refusals = 2
    sleeps: list[float] = []

    def answer(effect: Any) -> Any:
        nonlocal refusals
        if isinstance(effect, Sleep):
            sleeps.append(effect.seconds)
            return None
        if effect.path == core.DEPOSIT_PATH and refusals:
            refusals -= 1
            raise ApiError("allowance", status=400, error_code=core.INSUFFICIENT_ALLOWANCE)
        return APPROVAL_PERMIT if effect.path == core.APPROVE_PERMIT_PATH else {}

    result, seen = drive(plans.deposit(logged_in(), "pw", 5, approval_wait=0.25), answer)
    assert calls(seen) == [
        ("POST", core.DEPOSIT_PATH),
        ("POST", core.APPROVE_PERMIT_PATH),
        ("POST", core.APPROVE_PATH),
        ("POST", core.DEPOSIT_PATH),
        ("POST", core.DEPOSIT_PATH),
    ]
    assert seen[1].json["spender"] == "account"
    assert sleeps == [0.25, 0.25]
    assert result.approved and result.attempts == 3 and result.direction == "deposit"
    assert seen[0].json == {
        "walletAddress": ALICE,
        "amount": "5000000000000000000",
        "provider": "base",
    }


def test_deposit_gives_up_after_four_tries() -> None:
    def answer(effect: Any) -> Any:
        if isinstance(effect, RestCall) and effect.path == core.DEPOSIT_PATH:
            raise ApiError("allowance", status=400, error_code=core.INSUFFICIENT_ALLOWANCE)
        return APPROVAL_PERMIT if isinstance(effect, RestCall) else None

    with pytest.raises(ApiError) as info:
        drive(plans.deposit(logged_in(), "pw", 5, approval_wait=0), answer)
    assert info.value.error_code == core.INSUFFICIENT_ALLOWANCE


def test_other_deposit_errors_are_not_retried() -> None:
    seen: list[Any] = []

    def answer(effect: Any) -> Any:
        seen.append(effect)
        raise ApiError("too little", status=400, error_code=core.INSUFFICIENT_BALANCE)

    with pytest.raises(ApiError):
        drive(plans.deposit(logged_in(), "pw", 5), answer)
    assert len(seen) == 1


def test_wrong_password_is_refused_before_any_request() -> None:
    for plan in (
        plans.withdraw(logged_in(), "wrong", 1),
        plans.deposit(logged_in(), "wrong", 1),
        plans.approve_token_usage(logged_in(), "wrong", "account"),
    ):
        with pytest.raises(ValidationError) as info:
            drive(plan, no_io)
        assert info.value.field == "password" and "wrong" not in str(info.value)


def test_the_account_is_looked_up_when_unknown() -> None:
    replies = {"/v1/account/me": PROFILE, core.DEPOSIT_PATH: {}}
    _, seen = drive(plans.deposit(context(), "pw", 1), lambda e: replies[e.path])
    assert calls(seen) == [("GET", "/v1/account/me"), ("POST", core.DEPOSIT_PATH)]


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda ctx: plans.withdraw(ctx, "pw", 0), "amount"),
        (lambda ctx: plans.withdraw(ctx, "pw", 1, "moon"), "provider"),
        (lambda ctx: plans.deposit(ctx, "pw", -2), "amount"),
        (lambda ctx: plans.deposit(ctx, "pw", 1, approval_wait=-1), "approval_wait"),
        (lambda ctx: plans.deposit(ctx, "", 1), "password"),
        (lambda ctx: plans.approve_token_usage(ctx, "pw", "bank"), "spender"),
        (lambda ctx: plans.approve_token_usage(ctx, "pw", "account", "moon"), "provider"),
    ],
)
def test_bad_transfer_arguments_fail_before_any_request(
    make: Callable[[CoreContext], Plan[Any]], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        drive(make(context()), no_io)  # not even the profile is asked for
    assert info.value.field == field


def test_signatures_are_scrubbed_from_error_replies() -> None:
    def echo(effect: Any) -> Any:
        if effect.path == core.WITHDRAW_PERMIT_PATH:
            return WITHDRAW_PERMIT
        raise ApiError(f"rejected {effect.json['signature']}", status=400, error_code=0)

    with pytest.raises(ApiError) as info:
        drive(plans.withdraw(logged_in(), "pw", "12.5"), echo)
    assert WITHDRAW_SIGNATURE not in str(info.value)
    assert WITHDRAW_SIGNATURE not in info.value.message and "***" in info.value.message


def test_permit_needs_a_deadline_for_approvals() -> None:
    permit = Permit.from_reply(WITHDRAW_PERMIT, "x")
    assert permit.deadline == 1900000000
    with pytest.raises(ApiError):
        Permit({}, {}, {}).deadline  # noqa: B018 - the property raises
