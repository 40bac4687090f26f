"""Wallet derivation and EIP-712 signatures, checked against known vectors."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from sogni import wallet as wallet_module
from sogni.errors import MissingExtraError, ValidationError
from sogni.wallet import (
    AUTHENTICATION_TYPES,
    Wallet,
    authentication_typed_data,
    derive_private_key,
    eip712_domain,
    recover_authentication_signer,
    recover_signer,
    same_address,
    signup_typed_data,
)

KEY = "5386d123094753ca4d354fa2d2e57c67b1f0091847c88e25d101537dc2a1311f"
ADDRESS = "0xeEa35541BCF52c4968a8Bc172735Cb4f65a4e08F"
LOGIN_SIGNATURE = (
    "0x32ec61761ffe26f068c148490dc6c9a2b28f9b0daffbe65b5b775893ddc8a89c"
    "4abd63be394a69a22b706424b6b8199cc262bd0ec00b191845d5efb2580b152b1b"
)
# Produced by ethers' Wallet.signTypedData with the same inputs.
TESTNET_LOGIN_SIGNATURE = (
    "0x32880f406ac288834c311b3646b6db9c08f634763c0195aa491ed2b057c8dde7"
    "6f62c3f83195f3fb68c17c6aec8cf3039bc6e148f4e0459a42ddb4dc42d5abb11b"
)
SIGNUP_SIGNATURE = (
    "0x549db526764ea7f77c79a38952e4e0524227039d07a0ae6245117e0057c21e88"
    "2fe5796120bf17402dbfefb1aeb43eadd5a7e85ca9f8120c5d1e6492155c65f21b"
)


# --- derivation (standard library only) ------------------------------------------------------


def test_private_key_vector() -> None:
    assert derive_private_key("alice", "pw").hex() == KEY


def test_username_is_lower_cased_but_password_is_not() -> None:
    assert derive_private_key("ALICE", "pw").hex() == KEY
    assert derive_private_key("alice", "PW").hex() != KEY


@pytest.mark.parametrize(("username", "password"), [("", "pw"), ("alice", ""), (None, "pw")])
def test_empty_credentials_fail(username: object, password: object) -> None:
    with pytest.raises(ValidationError):
        derive_private_key(username, password)  # type: ignore[arg-type]


def test_domains() -> None:
    assert eip712_domain() == {
        "name": "Sogni AI",
        "version": "1",
        "chainId": 8453,
        "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC",
    }
    testnet = eip712_domain(testnet=True)
    assert (testnet["name"], testnet["chainId"]) == ("Sogni-testnet", 84532)


def test_typed_data_documents() -> None:
    doc = authentication_typed_data(ADDRESS, "abc")
    assert doc["primaryType"] == "Authentication"
    assert doc["message"] == {"walletAddress": ADDRESS, "nonce": "abc"}
    assert [f["name"] for f in doc["types"]["EIP712Domain"]] == [
        "name",
        "version",
        "chainId",
        "verifyingContract",
    ]
    assert doc["types"]["Authentication"] == list(AUTHENTICATION_TYPES["Authentication"])
    with pytest.raises(ValidationError) as info:
        signup_typed_data({"appid": "a", "username": "u"})
    assert "email" in str(info.value)


# --- signing (eth-account) ---------------------------------------------------------------------

needs_eth_account = pytest.mark.skipif(
    importlib.util.find_spec("eth_account") is None, reason="the wallet extra is not installed"
)


@pytest.fixture(scope="module")
def alice() -> Wallet:
    pytest.importorskip("eth_account")
    return Wallet.from_credentials("alice", "pw")


def test_address_vector(alice: Wallet) -> None:
    assert alice.address == ADDRESS
    assert alice.private_key.hex() == KEY


def test_login_signature_vector(alice: Wallet) -> None:
    assert alice.sign_authentication("abc") == LOGIN_SIGNATURE
    assert alice.sign_authentication("abc", testnet=True) == TESTNET_LOGIN_SIGNATURE


def test_signup_signature_vector(alice: Wallet) -> None:
    signature = alice.sign_signup(
        app_id="a", username="alice", email="a@b.c", subscribe=True, nonce="n"
    )
    assert signature == SIGNUP_SIGNATURE


def test_private_key_not_in_repr(alice: Wallet) -> None:
    assert KEY not in repr(alice) and KEY not in str(alice)
    assert repr(alice) == f"Wallet(address={ADDRESS!r})"


@needs_eth_account
def test_recover_authentication_signer(alice: Wallet) -> None:
    assert recover_authentication_signer(ADDRESS, "abc", LOGIN_SIGNATURE) == ADDRESS
    assert recover_authentication_signer(ADDRESS.lower(), "abc", LOGIN_SIGNATURE) == ADDRESS
    # a different nonce or network recovers someone else
    assert recover_authentication_signer(ADDRESS, "abd", LOGIN_SIGNATURE) != ADDRESS
    assert recover_authentication_signer(ADDRESS, "abc", LOGIN_SIGNATURE, testnet=True) != ADDRESS
    raw = bytes.fromhex(LOGIN_SIGNATURE[2:])
    assert recover_signer(authentication_typed_data(ADDRESS, "abc"), raw) == ADDRESS


@needs_eth_account
def test_recover_signup_signer(alice: Wallet) -> None:
    values = {
        "appid": "a",
        "username": "alice",
        "email": "a@b.c",
        "subscribe": 1,
        "walletAddress": ADDRESS,
        "nonce": "n",
        "turnstileToken": "ignored",
    }
    assert recover_signer(signup_typed_data(values), SIGNUP_SIGNATURE) == ADDRESS


@needs_eth_account
@pytest.mark.parametrize("signature", ["0x1234", "zz", "0x" + "00" * 65])
def test_bad_signatures_fail_cleanly(signature: str) -> None:
    with pytest.raises(ValidationError) as info:
        recover_authentication_signer(ADDRESS, "abc", signature)
    assert info.value.field == "signature"


def test_sign_permit_matches_the_full_document(alice: Wallet) -> None:
    domain = eip712_domain()
    types = {
        "EIP712Domain": [{"name": "name", "type": "string"}],  # ignored: derived from domain
        "Authentication": list(AUTHENTICATION_TYPES["Authentication"]),
    }
    message = {"walletAddress": ADDRESS, "nonce": "abc"}
    assert alice.sign_permit(domain, types, message) == LOGIN_SIGNATURE


def test_same_address() -> None:
    assert same_address(ADDRESS, ADDRESS.lower())
    assert not same_address(ADDRESS, "0x" + "0" * 40)


def test_missing_extra_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "eth_account", None)
    monkeypatch.setitem(sys.modules, "eth_account.messages", None)
    with pytest.raises(MissingExtraError) as info:
        Wallet.from_credentials("alice", "pw")
    assert info.value.extra == "wallet"
    assert "username/password login" in str(info.value)
    assert "sogni[wallet]" in str(info.value)
    with pytest.raises(MissingExtraError):
        recover_authentication_signer(ADDRESS, "abc", LOGIN_SIGNATURE)
    # derivation itself needs nothing extra
    assert wallet_module.derive_private_key("alice", "pw").hex() == KEY


def test_importing_the_module_does_not_import_eth_account() -> None:
    import subprocess

    code = "import sys, sogni.wallet; print('eth_account' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
