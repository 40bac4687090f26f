"""JWT reading, token refresh timing and the account request bodies."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from sogni.core import auth
from sogni.errors import ApiError, ValidationError


def b64url(value: Any) -> str:
    raw = json.dumps(value).encode() if not isinstance(value, bytes) else value
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def jwt(claims: dict[str, Any]) -> str:
    return f"{b64url({'alg': 'HS256', 'typ': 'JWT'})}.{b64url(claims)}.c2lnbmF0dXJl"


ADDRESS = "0xeEa35541BCF52c4968a8Bc172735Cb4f65a4e08F"
NOW = 1_700_000_000.0


def pair(token_exp: float = NOW + 3600, refresh_exp: float = NOW + 86400) -> auth.TokenPair:
    return auth.TokenPair(
        jwt({"addr": ADDRESS, "env": "prod", "iat": token_exp - 3600, "exp": token_exp}),
        jwt({"type": "refresh", "env": "prod", "iat": NOW, "exp": refresh_exp}),
    )


# --- JWT -----------------------------------------------------------------------------------


def test_decode_reads_the_claims() -> None:
    claims = auth.decode_jwt(jwt({"addr": ADDRESS, "env": "prod", "iat": 10, "exp": 20, "x": 1}))
    assert (claims.addr, claims.env, claims.iat, claims.exp, claims.type) == (
        ADDRESS,
        "prod",
        10.0,
        20.0,
        None,
    )
    assert claims.claims["x"] == 1
    assert claims.lifetime == 10.0


def test_decode_handles_every_padding_length_and_unicode() -> None:
    for name in ("a", "ab", "abc", "abcd", "caf\u00e9 \u2603"):
        assert auth.decode_jwt(jwt({"env": name, "exp": 1})).env == name


def test_decode_ignores_claims_of_the_wrong_type() -> None:
    claims = auth.decode_jwt(jwt({"exp": "soon", "iat": True, "addr": 5}))
    assert (claims.exp, claims.iat, claims.addr) == (None, None, None)


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a..c", "a.!!!.c", f"a.{b64url(b'not json')}.c", f"a.{b64url([1, 2])}.c"],
)
def test_not_a_jwt(token: str) -> None:
    with pytest.raises(ValidationError) as info:
        auth.decode_jwt(token)
    assert info.value.field == "token"
    if token:
        assert token not in str(info.value)


def test_expiry_is_strict_and_missing_exp_counts_as_expired() -> None:
    claims = auth.decode_jwt(jwt({"exp": NOW}))
    assert claims.expired(NOW)
    assert not claims.expired(NOW - 0.001)
    assert auth.decode_jwt(jwt({"addr": ADDRESS})).expired(0)


# --- TokenPair -----------------------------------------------------------------------------


def test_token_pair_exposes_claims() -> None:
    tokens = pair()
    assert tokens.wallet_address == ADDRESS
    assert tokens.expires_at == NOW + 3600
    assert tokens.refresh_expires_at == NOW + 86400
    assert tokens.token_valid(NOW)
    assert tokens.is_authenticated(NOW)
    assert not tokens.is_authenticated(NOW + 86400)


def test_tokens_never_appear_in_repr() -> None:
    tokens = pair()
    text = repr(tokens) + str(tokens) + repr(tokens.token_claims) + repr(tokens.refresh_claims)
    assert tokens.token not in text
    assert tokens.refresh_token not in text
    for part in tokens.token.split(".") + tokens.refresh_token.split("."):
        assert part not in text
    assert ADDRESS in repr(tokens)


def test_needs_refresh_before_expiry() -> None:
    tokens = pair(token_exp=NOW + 3600)
    assert not tokens.needs_refresh(NOW)
    assert not tokens.needs_refresh(NOW + 3600 - 61)
    assert tokens.needs_refresh(NOW + 3600 - 60)  # a minute early by default
    assert tokens.needs_refresh(NOW + 3600 - 300, margin=300)
    assert tokens.token_valid(NOW + 3600 - 60)  # still usable, only renewed early


def test_margin_is_capped_for_short_lived_tokens() -> None:
    short = auth.TokenPair(
        jwt({"addr": ADDRESS, "iat": NOW, "exp": NOW + 30}),
        jwt({"type": "refresh", "exp": NOW + 600}),
    )
    assert not short.needs_refresh(NOW)  # a 60 s margin would refresh on every request
    assert not short.needs_refresh(NOW + 14)
    assert short.needs_refresh(NOW + 15)


def test_token_without_iat_uses_the_full_margin() -> None:
    tokens = auth.TokenPair(jwt({"exp": NOW + 30}), jwt({"exp": NOW + 600}))
    assert tokens.needs_refresh(NOW)


def test_can_refresh_follows_the_refresh_token() -> None:
    tokens = pair(token_exp=NOW - 10, refresh_exp=NOW + 10)
    assert tokens.needs_refresh(NOW) and not tokens.token_valid(NOW)
    assert tokens.can_refresh(NOW)
    assert not tokens.can_refresh(NOW + 10)


def test_tokens_from_response() -> None:
    tokens = pair()
    data = {"token": tokens.token, "refreshToken": tokens.refresh_token, "username": "alice"}
    assert auth.tokens_from_response(data) == tokens


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"token": "x"},
        {"token": 1, "refreshToken": 2},
        {"token": "a", "refreshToken": "b"},
    ],
)
def test_tokens_from_bad_response(data: Any) -> None:
    with pytest.raises(ApiError):
        auth.tokens_from_response(data)


# --- request bodies ------------------------------------------------------------------------


def test_paths() -> None:
    assert auth.NONCE_PATH == "/v1/account/nonce"
    assert auth.LOGIN_PATH == "/v1/account/login"
    assert auth.CREATE_PATH == "/v1/account/create"
    assert auth.REFRESH_PATH == "/v1/account/refresh-token"
    assert auth.LOGOUT_PATH == "/v1/account/logout"


def test_simple_bodies() -> None:
    assert auth.nonce_body(ADDRESS) == {"walletAddress": ADDRESS}
    assert auth.refresh_body("r") == {"refreshToken": "r"}
    assert auth.logout_body() == {}
    assert auth.authorization_header("t") == {"Authorization": "t"}


def test_login_body_defaults() -> None:
    body = auth.login_body(ADDRESS, "0xsig")
    assert body == {"walletAddress": ADDRESS, "signature": "0xsig", "rememberMe": False}
    assert list(body) == ["walletAddress", "signature", "rememberMe"]


def test_login_body_app_source_rules() -> None:
    body = auth.login_body(ADDRESS, "s", remember_me=True, app_source="  mine\u00a0")
    assert body == {
        "walletAddress": ADDRESS,
        "signature": "s",
        "appSource": "mine",
        "rememberMe": True,
    }
    assert list(body) == ["walletAddress", "signature", "appSource", "rememberMe"]
    # blank argument falls back to the client's app source
    assert (
        auth.login_body(ADDRESS, "s", app_source="  ", client_app_source="client")["appSource"]
        == "client"
    )
    assert (
        auth.login_body(ADDRESS, "s", app_source="arg", client_app_source="client")["appSource"]
        == "arg"
    )
    assert "appSource" not in auth.login_body(ADDRESS, "s", app_source=" ", client_app_source=" ")


def test_signup_body() -> None:
    body = auth.signup_body(
        app_id="app",
        username="alice",
        email="a@example.com",
        subscribe=True,
        wallet_address=ADDRESS,
        turnstile_token="ts",
        signature="0xsig",
        client_app_source="src",
    )
    assert body == {
        "appid": "app",
        "username": "alice",
        "email": "a@example.com",
        "subscribe": 1,
        "walletAddress": ADDRESS,
        "turnstileToken": "ts",
        "appSource": "src",
        "signature": "0xsig",
        "rememberMe": False,
    }
    assert list(body)[-2:] == ["signature", "rememberMe"]
    minimal = auth.signup_body(
        app_id="app",
        username="alice",
        email="a@example.com",
        subscribe=False,
        wallet_address=ADDRESS,
        turnstile_token=None,
        signature="s",
        referral_code="ref",
    )
    assert minimal["subscribe"] == 0
    assert "turnstileToken" not in minimal and "appSource" not in minimal
    assert minimal["referralCode"] == "ref"


def test_signup_typed_values() -> None:
    assert auth.signup_typed_values(
        app_id="app", username="u", email="e", subscribe=False, wallet_address=ADDRESS, nonce="n"
    ) == {
        "appid": "app",
        "username": "u",
        "email": "e",
        "subscribe": 0,
        "walletAddress": ADDRESS,
        "nonce": "n",
    }


# --- parity with the official npm client ----------------------------------------------------

NPM_DIR = Path(__file__).resolve().parents[1] / "npm"
NODE = shutil.which("node")

# Logs in with the npm client against a stubbed fetch and prints every request it made.
NPM_LOGIN = r"""
import { SogniClient } from '@sogni-ai/sogni-client';
const [username, password, nonce, token, refreshToken, appSource] = JSON.parse(process.argv[1]);
const calls = [];
globalThis.fetch = async (url, init = {}) => {
  const u = new URL(url);
  const headers = Object.fromEntries(new Headers(init.headers || {}).entries());
  calls.push({method: init.method || 'GET', path: u.pathname, headers,
              body: init.body === undefined ? null : JSON.parse(init.body)});
  let data = {};
  if (u.pathname === '/v1/account/nonce') data = {nonce};
  if (u.pathname === '/v1/account/login') data = {token, refreshToken, username};
  return new Response(JSON.stringify({status: 'success', data}), {status: 200});
};
const sogni = await SogniClient.createInstance({appId: 'parity', appSource,
  restEndpoint: 'http://stub.invalid', socketEndpoint: 'ws://stub.invalid', disableSocket: true});
await sogni.account.login(username, password, true);
process.stdout.write(JSON.stringify(calls));
"""


@pytest.mark.npm
@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.skipif(
    not (NPM_DIR / "node_modules" / "@sogni-ai" / "sogni-client").is_dir(),
    reason="run `npm ci` in tests/npm to install the official client",
)
def test_login_requests_equal_the_npm_clients() -> None:
    pytest.importorskip("eth_account")
    from sogni.wallet import Wallet

    now = time.time()
    tokens = auth.TokenPair(
        jwt({"addr": ADDRESS, "env": "prod", "iat": now, "exp": now + 3600}),
        jwt({"type": "refresh", "env": "prod", "iat": now, "exp": now + 86400}),
    )
    args = ["Alice", "pw", "n-123", tokens.token, tokens.refresh_token, "  my-app "]
    assert NODE is not None
    proc = subprocess.run(
        [NODE, "--input-type=module", "-e", NPM_LOGIN, json.dumps(args)],
        cwd=NPM_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    calls = json.loads(proc.stdout)

    wallet = Wallet.from_credentials("Alice", "pw")
    assert wallet.address == ADDRESS  # the username is lower-cased before derivation
    ours = [
        ("POST", auth.NONCE_PATH, auth.nonce_body(wallet.address)),
        (
            "POST",
            auth.LOGIN_PATH,
            auth.login_body(
                wallet.address,
                wallet.sign_authentication("n-123"),
                remember_me=True,
                client_app_source="  my-app ".strip(),
            ),
        ),
    ]
    assert [(c["method"], c["path"], c["body"]) for c in calls[:2]] == ours
    assert list(calls[1]["body"]) == list(ours[1][2])
    # neither call carries credentials; the next one carries the raw JWT
    assert "authorization" not in calls[0]["headers"] and "authorization" not in calls[1]["headers"]
    assert (
        calls[2]["headers"]["authorization"]
        == auth.authorization_header(tokens.token)["Authorization"]
    )
