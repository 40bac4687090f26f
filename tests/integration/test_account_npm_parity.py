"""The official npm client and this one sign up and move tokens with the same requests.

Each runs the same sequence (validate the username, sign up, approve the account
contract, deposit, withdraw) against a local Supernet of its own, which verifies every
signature; the request bodies must agree key for key, in order, except the values that
depend on the server's nonce, the permit's deadline or the app id.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sogni import SogniClient
from sogni.testing import LocalSupernet

pytest.importorskip("eth_account")

NPM_DIR = Path(__file__).resolve().parent.parent / "npm"
NODE = shutil.which("node")
pytestmark = [
    pytest.mark.npm,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (NPM_DIR / "node_modules" / "@sogni-ai" / "sogni-client").is_dir(),
        reason="run `npm ci` in tests/npm to install the official client",
    ),
]

USERNAME, EMAIL, PASSWORD = "ParityUser", "parity@example.com", "same password"
PATHS = [
    "/v1/account/username/validate",
    "/v1/account/nonce",
    "/v1/account/create",
    "/v1/contract/token/approve/permit",
    "/v1/contract/token/approve",
    "/v3/account/token/deposit",
    "/v1/account/token/withdraw/permit",
    "/v2/account/token/withdraw",
]
#: Values that differ by design: they cover the server's nonce or deadline, or the app id.
VARYING = {"appid", "signature", "approveSignature", "deadline"}


def exchanges(net: LocalSupernet) -> list[tuple[str, Any]]:
    return [(r.path, r.json) for r in net.requests() if r.path in PATHS]


def comparable(body: Any) -> list[tuple[str, Any]]:
    return [(k, "<varies>" if k in VARYING else v) for k, v in body.items()]


def run_npm(net: LocalSupernet) -> Any:
    assert NODE is not None
    env = dict(os.environ, SOGNI_REST_ENDPOINT=net.rest_url, SOGNI_SOCKET_ENDPOINT=net.socket_url)
    proc = subprocess.run(
        [NODE, str(NPM_DIR / "account_ops.mjs"), USERNAME, EMAIL, PASSWORD],
        cwd=NPM_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_npm_and_python_send_the_same_account_requests() -> None:
    with LocalSupernet(auto_register=False) as theirs_net:
        theirs = run_npm(theirs_net)
        npm_requests = exchanges(theirs_net)
    with (
        LocalSupernet(auto_register=False) as ours_net,
        SogniClient(
            rest_endpoint=ours_net.rest_url, socket_endpoint=ours_net.socket_url, connect=False
        ) as client,
    ):
        free = client.account.validate_username(USERNAME)
        profile = client.account.create(
            USERNAME,
            EMAIL,
            PASSWORD,
            subscribe=True,
            turnstile_token="turnstile",
            referral_code="friend",
        )
        taken = client.account.validate_username(USERNAME)
        client.account.approve_token_usage(PASSWORD, "account", "base")
        client.account.deposit(PASSWORD, 3, "base")
        client.account.withdraw(PASSWORD, "1.5", "base")
        balance = client.account.refresh_balance()
        py_requests = exchanges(ours_net)
    assert theirs["ok"] is True
    assert free.available and theirs["free"] == "success"
    assert not taken.available and taken.error_code == theirs["taken"]["errorCode"] == 108
    assert profile.wallet_address == theirs["me"]["walletAddress"]
    assert profile.current_email == theirs["me"]["currentEmail"] == EMAIL
    assert balance.sogni.settled == theirs["balance"]["sogni"]["settled"]
    assert [path for path, _ in py_requests] == [path for path, _ in npm_requests]
    for (path, ours), (_, reference) in zip(py_requests, npm_requests, strict=True):
        assert comparable(ours) == comparable(reference), path
