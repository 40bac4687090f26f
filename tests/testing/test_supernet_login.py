"""Token-mode authentication on the local Supernet: nonce, login, signup, refresh, logout."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from supernet_helpers import RawSocket

from sogni.testing import LocalSupernet

eth_account = pytest.importorskip("eth_account")
from eth_account.messages import encode_typed_data  # noqa: E402

ALICE_KEY = "0x5386d123094753ca4d354fa2d2e57c67b1f0091847c88e25d101537dc2a1311f"
ALICE = "0xeEa35541BCF52c4968a8Bc172735Cb4f65a4e08F"
DOMAIN = {
    "name": "Sogni AI",
    "version": "1",
    "chainId": 8453,
    "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC",
}
DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


def sign(
    primary: str, fields: list[dict[str, str]], message: dict[str, Any], key: str = ALICE_KEY
) -> str:
    typed = {
        "types": {"EIP712Domain": DOMAIN_TYPE, primary: fields},
        "primaryType": primary,
        "domain": DOMAIN,
        "message": message,
    }
    signed = eth_account.Account.sign_message(encode_typed_data(full_message=typed), key)
    return "0x" + bytes(signed.signature).hex().removeprefix("0x")


def post(
    net: LocalSupernet, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.post(net.rest_url + path, json=body, headers=headers or {})


def nonce(net: LocalSupernet, address: str = ALICE) -> str:
    response = post(net, "/v1/account/nonce", {"walletAddress": address})
    assert response.status_code == 200
    return str(response.json()["data"]["nonce"])


def login(net: LocalSupernet, key: str = ALICE_KEY) -> httpx.Response:
    value = nonce(net)
    signature = sign(
        "Authentication",
        [{"name": "walletAddress", "type": "address"}, {"name": "nonce", "type": "string"}],
        {"walletAddress": ALICE, "nonce": value},
        key,
    )
    return post(
        net,
        "/v1/account/login",
        {"walletAddress": ALICE, "signature": signature, "rememberMe": False},
    )


def test_password_derives_the_documented_wallet(net: LocalSupernet) -> None:
    assert net.add_account("alice", password="pw").address == ALICE


def test_login_returns_working_tokens(net: LocalSupernet) -> None:
    net.add_account("alice", address=ALICE)
    response = login(net)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["username"] == "alice"
    me = httpx.get(net.rest_url + "/v1/account/me", headers={"Authorization": data["token"]})
    assert me.status_code == 200
    assert me.json()["data"]["walletAddress"] == ALICE
    # the refresh token is not an access token
    refused = httpx.get(
        net.rest_url + "/v1/account/me", headers={"Authorization": data["refreshToken"]}
    )
    assert refused.status_code == 401


def test_login_with_another_wallets_signature_is_refused(net: LocalSupernet) -> None:
    net.add_account("alice", address=ALICE)
    other_key = "0x" + "11" * 32
    assert login(net, other_key).status_code == 401


def test_login_needs_a_fresh_nonce(net: LocalSupernet) -> None:
    net.add_account("alice", address=ALICE)
    signature = sign(
        "Authentication",
        [{"name": "walletAddress", "type": "address"}, {"name": "nonce", "type": "string"}],
        {"walletAddress": ALICE, "nonce": "never-issued"},
    )
    response = post(net, "/v1/account/login", {"walletAddress": ALICE, "signature": signature})
    assert response.status_code == 401
    assert response.json()["status"] == "error"


def test_signup_then_username_is_taken(net: LocalSupernet) -> None:
    value = nonce(net)
    fields = [
        {"name": "appid", "type": "string"},
        {"name": "username", "type": "string"},
        {"name": "email", "type": "string"},
        {"name": "subscribe", "type": "uint256"},
        {"name": "walletAddress", "type": "address"},
        {"name": "nonce", "type": "string"},
    ]
    message = {
        "appid": "app",
        "username": "alice",
        "email": "a@b.c",
        "subscribe": 0,
        "walletAddress": ALICE,
        "nonce": value,
    }
    body = {
        **message,
        "turnstileToken": "t",
        "signature": sign("Signup", fields, message),
        "rememberMe": False,
    }
    del body["nonce"]
    created = post(net, "/v1/account/create", body)
    assert created.status_code == 200, created.text
    assert set(created.json()["data"]) == {"token", "refreshToken"}
    taken = post(net, "/v1/account/username/validate", {"username": "ALICE"})
    assert taken.status_code == 400
    assert taken.json()["errorCode"] == 108
    free = post(net, "/v1/account/username/validate", {"username": "bob"})
    assert free.status_code == 200


def test_refresh_rotates_and_logout_revokes(net: LocalSupernet) -> None:
    net.add_account("alice", address=ALICE)
    token, refresh = net.issue_tokens(ALICE)
    rotated = post(net, "/v1/account/refresh-token", {"refreshToken": refresh})
    assert rotated.status_code == 200
    new = rotated.json()["data"]
    assert new["token"] != token and new["refreshToken"] != refresh
    assert post(net, "/v1/account/refresh-token", {"refreshToken": refresh}).status_code == 401
    headers = {"Authorization": new["token"]}
    assert post(net, "/v1/account/logout", {}, headers).status_code == 200
    assert httpx.get(net.rest_url + "/v4/account/balance", headers=headers).status_code == 401


def test_expired_tokens_are_refused() -> None:
    with LocalSupernet(access_token_ttl=0, refresh_token_ttl=0) as net:
        token, refresh = net.issue_tokens()  # expire the moment they are issued
        response = httpx.get(net.rest_url + "/v1/account/me", headers={"Authorization": token})
        assert response.status_code == 401
        assert post(net, "/v1/account/refresh-token", {"refreshToken": refresh}).status_code == 401


def test_issued_access_token_works_for_the_api_key_account(net: LocalSupernet) -> None:
    token, _ = net.issue_tokens()
    response = httpx.get(net.rest_url + "/v1/account/me", headers={"Authorization": token})
    assert response.status_code == 200
    assert response.json()["data"]["username"] == "local-artist"


def test_socket_accepts_an_access_token(net: LocalSupernet) -> None:
    net.add_account("alice", address=ALICE)
    token, _ = net.issue_tokens(ALICE)
    sock = RawSocket(net, token=token)
    kind, payload = sock.recv()
    sock.close()
    assert kind == "authenticated"
    assert (payload["username"], payload["address"]) == ("alice", ALICE)
