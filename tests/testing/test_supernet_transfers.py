"""Token transfers on the local Supernet, spoken to directly: permits are single-use and
bound to what they were issued for, deposits need the account contract's allowance, and
only the account's own wallet can move its tokens."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from supernet_helpers import RawSocket

from sogni.testing import LocalSupernet

pytest.importorskip("eth_account")
from sogni.wallet import Wallet  # noqa: E402

ALICE = Wallet.from_credentials("alice", "pw")
WEI = 10**18


@pytest.fixture
def token(net: LocalSupernet) -> str:
    net.add_account("alice", address=ALICE.address)
    return net.issue_tokens(ALICE.address)[0]


def post(net: LocalSupernet, path: str, body: dict[str, Any], token: str) -> httpx.Response:
    return httpx.post(net.rest_url + path, json=body, headers={"Authorization": token})


def transfer(amount: int = WEI, provider: str = "base") -> dict[str, Any]:
    return {"walletAddress": ALICE.address, "amount": str(amount), "provider": provider}


def signed(permit: dict[str, Any]) -> str:
    return ALICE.sign_permit(permit["domain"], permit["types"], permit["message"])


def approve(net: LocalSupernet, token: str, spender: str = "account") -> httpx.Response:
    ask = {"walletAddress": ALICE.address, "spender": spender, "provider": "base"}
    permit = post(net, "/v1/contract/token/approve/permit", ask, token).json()["data"]
    return post(
        net,
        "/v1/contract/token/approve",
        {**ask, "deadline": permit["message"]["deadline"], "approveSignature": signed(permit)},
        token,
    )


def test_withdraw_permit_is_single_use_and_bound_to_its_amount(
    net: LocalSupernet, token: str
) -> None:
    permit = post(net, "/v1/account/token/withdraw/permit", transfer(), token).json()["data"]
    assert set(permit) == {"domain", "types", "message"}
    assert permit["message"]["owner"] == ALICE.address
    assert permit["message"]["amount"] == str(WEI)
    larger = post(
        net, "/v2/account/token/withdraw", {**transfer(2 * WEI), "signature": signed(permit)}, token
    )
    assert larger.status_code == 400 and "amount" in larger.json()["message"]
    permit = post(net, "/v1/account/token/withdraw/permit", transfer(), token).json()["data"]
    body = {**transfer(), "signature": signed(permit)}
    assert post(net, "/v2/account/token/withdraw", body, token).status_code == 200
    again = post(net, "/v2/account/token/withdraw", body, token)
    assert again.status_code == 400 and "permit" in again.json()["message"]


def test_deposit_needs_the_allowance_and_announces_the_balance(
    net: LocalSupernet, token: str
) -> None:
    refused = post(net, "/v3/account/token/deposit", transfer(), token)
    assert refused.status_code == 400 and refused.json()["errorCode"] == 149
    assert approve(net, token, "staker").status_code == 200  # the wrong contract
    assert post(net, "/v3/account/token/deposit", transfer(), token).json()["errorCode"] == 149
    assert approve(net, token).status_code == 200
    sock = RawSocket(net, token=token)
    sock.recv_until("swarmLLMModels")
    try:
        elsewhere = post(net, "/v3/account/token/deposit", transfer(5 * WEI, "etherlink"), token)
        assert elsewhere.json()["errorCode"] == 149  # each chain has its own allowance
        accepted = post(net, "/v3/account/token/deposit", transfer(5 * WEI), token)
        assert accepted.status_code == 200, accepted.text
        _, balance = sock.recv_until("balanceUpdate")[-1]
        assert balance["sogni"]["settled"] == "1005.0000"
    finally:
        sock.close()
    too_much = post(net, "/v3/account/token/deposit", transfer(10**9 * WEI), token)
    assert too_much.json()["errorCode"] == 123


def test_only_the_accounts_own_wallet_and_known_providers(net: LocalSupernet, token: str) -> None:
    other = {**transfer(), "walletAddress": "0x" + "12" * 20}
    assert post(net, "/v3/account/token/deposit", other, token).status_code == 403
    assert (
        post(net, "/v3/account/token/deposit", transfer(provider="moon"), token).status_code == 400
    )
    assert post(net, "/v3/account/token/deposit", transfer(0), token).status_code == 400
    anonymous = httpx.post(net.rest_url + "/v3/account/token/deposit", json=transfer())
    assert anonymous.status_code == 401
    bad_spender = {"walletAddress": ALICE.address, "spender": "bank", "provider": "base"}
    assert post(net, "/v1/contract/token/approve/permit", bad_spender, token).status_code == 400
