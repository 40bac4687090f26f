"""Signup, username checks, nonces, wallets and token transfers with the sync client,
against the local Supernet (which verifies every signature)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from sogni import ApiError, SogniClient, ValidationError
from sogni.testing import LocalSupernet

pytest.importorskip("eth_account")

USERNAME, EMAIL, PASSWORD = "Newcomer", "newcomer@example.com", "correct horse"


@pytest.fixture
def net() -> Iterator[LocalSupernet]:
    # No auto-registration: only a signup makes an account that can log in.
    with LocalSupernet(auto_register=False) as server:
        yield server


def client_for(net: LocalSupernet, **kwargs: Any) -> SogniClient:
    return SogniClient(rest_endpoint=net.rest_url, socket_endpoint=net.socket_url, **kwargs)


@pytest.fixture
def member(net: LocalSupernet) -> Iterator[SogniClient]:
    """A client logged in as a freshly signed-up account."""
    with client_for(net) as client:
        client.account.create(USERNAME, EMAIL, PASSWORD)
        yield client


def bodies(net: LocalSupernet, path: str) -> list[Any]:
    return [r.json for r in net.requests() if r.path == path]


def sogni_settled(client: SogniClient) -> Decimal:
    return Decimal(client.account.refresh_balance().sogni.settled)


def on_chain(client: SogniClient, provider: str = "base") -> Decimal:
    return Decimal(client.account.wallet_balance(provider=provider).sogni)


# --- signup -----------------------------------------------------------------------------------


def test_signup_creates_an_account_that_logs_in(net: LocalSupernet) -> None:
    with client_for(net, app_source="signup-test") as client:
        assert client.account.validate_username(USERNAME).available
        profile = client.account.create(
            USERNAME, EMAIL, PASSWORD, subscribe=True, referral_code="friend", turnstile_token="t"
        )
        wallet = client.account.get_wallet(USERNAME, PASSWORD)
        assert profile.username == USERNAME and profile.current_email == EMAIL
        assert profile.wallet_address == wallet.address
        assert client.account.tokens is not None  # the new account is logged in
        assert client.account.current.username == USERNAME
        assert client.projects.wait_for_models(10)  # and its socket connected
    (body,) = bodies(net, "/v1/account/create")
    assert body["walletAddress"] == wallet.address
    assert body["subscribe"] == 1 and body["referralCode"] == "friend"
    assert body["appSource"] == "signup-test" and body["turnstileToken"] == "t"
    assert bodies(net, "/v1/account/nonce") == [{"walletAddress": wallet.address}]
    with client_for(net) as again:
        assert again.account.login(USERNAME.lower(), PASSWORD).username == USERNAME
        with pytest.raises(ApiError):  # a different password is a different, unknown wallet
            again.account.login(USERNAME, PASSWORD + "!")


def test_taken_username(net: LocalSupernet, member: SogniClient) -> None:
    check = member.account.validate_username(USERNAME.upper())
    assert not check.available and check.error_code == 108
    assert "taken" in (check.message or "")
    assert member.account.validate_username("someone-else").available
    with client_for(net) as other, pytest.raises(ApiError) as taken:
        other.account.create(USERNAME, "other@example.com", "another password")
    assert taken.value.error_code == 108
    assert other.account.tokens is None


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("", EMAIL, PASSWORD), "username"),
        ((USERNAME, "nope", PASSWORD), "email"),
        ((USERNAME, EMAIL, ""), "password"),
    ],
)
def test_bad_signups_send_nothing(
    net: LocalSupernet, args: tuple[str, str, str], field: str
) -> None:
    with client_for(net, connect=False) as client, pytest.raises(ValidationError) as info:
        client.account.create(*args)
    assert info.value.field == field
    assert not [r for r in net.requests() if r.path.startswith("/v1/account/")]


def test_nonce_per_address_and_wallet(net: LocalSupernet) -> None:
    with client_for(net, connect=False) as client:
        wallet = client.account.get_wallet("alice", "pw")
        assert wallet.address == "0xeEa35541BCF52c4968a8Bc172735Cb4f65a4e08F"
        assert "private_key" not in repr(wallet) and wallet.private_key.hex() not in repr(wallet)
        first, second = (client.account.get_nonce(wallet.address) for _ in range(2))
        other = client.account.get_nonce("0x" + "12" * 20)
        assert len({first, second, other}) == 3
        with pytest.raises(ValidationError) as info:
            client.account.get_nonce("0x1234")
        assert info.value.field == "wallet_address"
        with pytest.raises(ValidationError):
            client.account.get_wallet("", "pw")
    assert len(bodies(net, "/v1/account/nonce")) == 3


# --- token transfers --------------------------------------------------------------------------


def test_deposit_approves_the_account_contract_then_moves_tokens(
    net: LocalSupernet, member: SogniClient
) -> None:
    settled, held = sogni_settled(member), on_chain(member)
    balances: list[Any] = []
    arrived = threading.Event()

    def on_balance(balance: Any) -> None:
        balances.append(balance)
        arrived.set()

    member.on("balance", on_balance)
    transfer = member.account.deposit(PASSWORD, "12.5", approval_wait=0)
    assert transfer.direction == "deposit" and transfer.amount == Decimal("12.5")
    assert transfer.amount_wei == "12500000000000000000"
    assert transfer.approved and transfer.attempts == 2
    assert sogni_settled(member) == settled + Decimal("12.5")
    assert on_chain(member) == held - Decimal("12.5")
    assert arrived.wait(10)  # the network announced the new balance on the socket
    approvals = bodies(net, "/v1/contract/token/approve")
    assert len(approvals) == 1 and approvals[0]["spender"] == "account"
    # the allowance stays: the next deposit goes straight through
    again = member.account.deposit(PASSWORD, 1)
    assert not again.approved and again.attempts == 1
    assert len(bodies(net, "/v1/contract/token/approve")) == 1
    newest = member.account.transactions(limit=2).transactions
    assert [t.source for t in newest] == ["deposit", "deposit"]


def test_withdraw_signs_the_permit_and_moves_tokens_back(
    net: LocalSupernet, member: SogniClient
) -> None:
    settled, held = sogni_settled(member), on_chain(member, "etherlink")
    transfer = member.account.withdraw(PASSWORD, 40, "etherlink")
    assert transfer.direction == "withdraw" and transfer.provider == "etherlink"
    assert sogni_settled(member) == settled - 40
    assert on_chain(member, "etherlink") == held + 40
    (body,) = bodies(net, "/v2/account/token/withdraw")
    assert body["amount"] == str(40 * 10**18) and body["signature"].startswith("0x")
    with pytest.raises(ApiError) as low:  # more than the account holds
        member.account.withdraw(PASSWORD, 10**6)
    assert low.value.error_code == 123
    assert sogni_settled(member) == settled - 40


def test_approve_token_usage_for_staking(net: LocalSupernet, member: SogniClient) -> None:
    approval = member.account.approve_token_usage(PASSWORD, "staker", "etherlink")
    assert approval.spender == "staker" and approval.provider == "etherlink"
    (body,) = bodies(net, "/v1/contract/token/approve")
    assert body["deadline"] == approval.deadline and body["spender"] == "staker"
    assert set(body) == {"walletAddress", "spender", "provider", "deadline", "approveSignature"}


def test_a_deposit_beyond_the_wallet_is_refused(member: SogniClient) -> None:
    member.account.approve_token_usage(PASSWORD, "account")
    with pytest.raises(ApiError) as info:
        member.account.deposit(PASSWORD, 10**9)
    assert info.value.error_code == 123


def test_wrong_password_or_bad_amount_send_nothing(net: LocalSupernet, member: SogniClient) -> None:
    for call in (
        lambda: member.account.withdraw("wrong password", 1),
        lambda: member.account.deposit("wrong password", 1),
        lambda: member.account.approve_token_usage("wrong password", "account"),
    ):
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.field == "password" and "wrong password" not in str(info.value)
    for amount in (0, -5, "ten", "1e3"):
        with pytest.raises(ValidationError) as bad:
            member.account.deposit(PASSWORD, amount)
        assert bad.value.field == "amount"
    with pytest.raises(ValidationError) as provider:
        member.account.withdraw(PASSWORD, 1, "moon")  # type: ignore[arg-type]
    assert provider.value.allowed == ["base", "etherlink"]
    assert not [r for r in net.requests() if "/token/" in r.path or "/contract/" in r.path]


def test_the_network_refuses_a_forged_withdrawal(net: LocalSupernet, member: SogniClient) -> None:
    """The emulator checks what it signed: another wallet's signature does not count."""
    wallet = member.account.get_wallet(USERNAME, PASSWORD)
    token = member.account.tokens.token  # type: ignore[union-attr]
    transfer = {"walletAddress": wallet.address, "amount": str(10**18), "provider": "base"}
    permit = httpx.post(
        net.rest_url + "/v1/account/token/withdraw/permit",
        json=transfer,
        headers={"Authorization": token},
    ).json()["data"]
    forger = member.account.get_wallet("mallory", "pw")
    forged = forger.sign_permit(permit["domain"], permit["types"], permit["message"])
    refused = httpx.post(
        net.rest_url + "/v2/account/token/withdraw",
        json={**transfer, "signature": forged},
        headers={"Authorization": token},
    )
    assert refused.status_code == 401
