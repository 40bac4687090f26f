"""Signup, username checks, nonces, wallets and token transfers with the async client,
against the local Supernet: the same calls awaited, ``get_wallet`` a plain call."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from sogni import ApiError, ValidationError
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

pytest.importorskip("eth_account")
pytestmark = pytest.mark.anyio

USERNAME, EMAIL, PASSWORD = "AsyncNewcomer", "async@example.com", "tr0ub4dor&3"


@pytest.fixture
def net() -> Iterator[LocalSupernet]:
    with LocalSupernet(auto_register=False) as server:
        yield server


def client_for(net: LocalSupernet, **kwargs: Any) -> AsyncSogniClient:
    return AsyncSogniClient(rest_endpoint=net.rest_url, socket_endpoint=net.socket_url, **kwargs)


def paths(net: LocalSupernet) -> list[str]:
    return [r.path for r in net.requests()]


async def test_signup_then_login_and_username_checks(net: LocalSupernet) -> None:
    async with client_for(net) as client:
        assert (await client.account.validate_username(USERNAME)).available
        profile = await client.account.create(USERNAME, EMAIL, PASSWORD)
        wallet = client.account.get_wallet(USERNAME, PASSWORD)  # not a coroutine
        assert not inspect.iscoroutine(wallet)
        assert profile.wallet_address == wallet.address and profile.current_email == EMAIL
        assert client.account.tokens is not None
        assert await client.projects.wait_for_models(10)
        taken = await client.account.validate_username(USERNAME.lower())
        assert not taken.available and taken.error_code == 108
    async with client_for(net) as again:
        assert (await again.account.login(USERNAME, PASSWORD)).username == USERNAME
        with pytest.raises(ApiError) as info:
            await again.account.create(USERNAME, "x@example.com", "other")
        assert info.value.error_code == 108


async def test_nonces_and_bad_input(net: LocalSupernet) -> None:
    async with client_for(net, connect=False) as client:
        address = client.account.get_wallet("alice", "pw").address
        nonces = {await client.account.get_nonce(address) for _ in range(3)}
        assert len(nonces) == 3
        with pytest.raises(ValidationError):
            await client.account.get_nonce("not an address")
        with pytest.raises(ValidationError) as info:
            await client.account.create(USERNAME, "no-at-sign", PASSWORD)
        assert info.value.field == "email"
        with pytest.raises(ValidationError):
            await client.account.validate_username("")
    assert paths(net).count("/v1/account/nonce") == 3
    assert "/v1/account/create" not in paths(net)


async def test_transfers_move_balances(net: LocalSupernet) -> None:
    async with client_for(net) as client:
        await client.account.create(USERNAME, EMAIL, PASSWORD)
        loop_thread = threading.current_thread()
        seen = asyncio.Event()
        threads: set[threading.Thread] = set()

        def on_balance(_balance: Any) -> None:
            threads.add(threading.current_thread())
            seen.set()

        client.on("balance", on_balance)
        start = Decimal((await client.account.refresh_balance()).sogni.settled)
        held = Decimal((await client.account.wallet_balance()).sogni)

        deposit = await client.account.deposit(PASSWORD, "3.25", approval_wait=0)
        assert deposit.approved and deposit.attempts == 2
        await asyncio.wait_for(seen.wait(), 10)
        assert threads == {loop_thread}  # callbacks run in the loop

        withdrawal = await client.account.withdraw(PASSWORD, "1.25")
        assert withdrawal.amount == Decimal("1.25")
        approval = await client.account.approve_token_usage(PASSWORD, "staker")
        assert approval.spender == "staker"

        assert Decimal((await client.account.refresh_balance()).sogni.settled) == start + 2
        assert Decimal((await client.account.wallet_balance()).sogni) == held - 2
        with pytest.raises(ValidationError) as wrong:
            await client.account.withdraw("not the password", 1)
        assert wrong.value.field == "password"
        with pytest.raises(ApiError) as low:
            await client.account.withdraw(PASSWORD, 10**7)
        assert low.value.error_code == 123
    assert paths(net).count("/v2/account/token/withdraw") == 2  # the refused one reached it
