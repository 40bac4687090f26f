"""Username/password login, sessions and account endpoints against the local Supernet."""

from __future__ import annotations

import asyncio
import builtins
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from helpers import sync_client

from sogni import AuthenticationError, MissingExtraError, SogniClient, ValidationError
from sogni._runtime.events import ConnectionEvent
from sogni.core.auth import TokenPair
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

pytest.importorskip("eth_account")

ALICE = "0xeEa35541BCF52c4968a8Bc172735Cb4f65a4e08F"  # the wallet of alice / pw
NPM_DIR = Path(__file__).resolve().parent.parent / "npm"
NODE = shutil.which("node")
_NPM_MARKS = [
    pytest.mark.npm,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (NPM_DIR / "node_modules" / "@sogni-ai" / "sogni-client").is_dir(),
        reason="run `npm ci` in tests/npm to install the official client",
    ),
]
F = TypeVar("F", bound=Callable[..., Any])


def needs_npm(test: F) -> F:
    """Run ``test`` only where the official npm client is installed."""
    for mark in _NPM_MARKS:
        test = mark(test)
    return test


@pytest.fixture
def accounts_net() -> Iterator[LocalSupernet]:
    with LocalSupernet(accounts={"alice": "pw"}) as server:
        yield server


def client_for(net: LocalSupernet, **kwargs: Any) -> SogniClient:
    return SogniClient(rest_endpoint=net.rest_url, socket_endpoint=net.socket_url, **kwargs)


def skip_ahead(client: SogniClient, to: float) -> None:
    """Make the client's clock read ``to`` until its session is renewed (then real time)."""
    before = client.account.tokens
    client._ctx.clock = lambda: to if client.account.tokens is before else time.time()


def paths(net: LocalSupernet, prefix: str = "/v1/account/") -> list[str]:
    return [r.path for r in net.requests() if r.path.startswith(prefix)]


def npm_login(net: LocalSupernet, username: str, password: str, *flags: str) -> Any:
    assert NODE is not None
    env = dict(os.environ, SOGNI_REST_ENDPOINT=net.rest_url, SOGNI_SOCKET_ENDPOINT=net.socket_url)
    proc = subprocess.run(
        [NODE, str(NPM_DIR / "login.mjs"), username, password, *flags],
        cwd=NPM_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def logins(net: LocalSupernet) -> list[Any]:
    return [r.json for r in net.requests() if r.path == "/v1/account/login"]


# --- the official client and this one log in as the same user ---------------------------------


@needs_npm
@pytest.mark.parametrize("registered", [True, False], ids=["registered", "first-login"])
def test_npm_and_python_log_in_as_the_same_user(registered: bool) -> None:
    accounts = {"alice": "pw"} if registered else {}
    with LocalSupernet(accounts=accounts) as net:
        theirs = npm_login(net, "Alice", "pw", "--socket")
        assert theirs["ok"] is True
        with client_for(net) as client:
            ours = client.account.login("Alice", "pw")
            assert client.projects.wait_for_models(10)  # the socket came up with the token
            assert ours.wallet_address == theirs["me"]["walletAddress"] == ALICE
            assert ours.username == theirs["me"]["username"] == theirs["login"]["username"]
            if registered:
                assert ours.username == "alice"
            assert client.account.current.wallet_address == theirs["account"]["walletAddress"]
            assert client.account.current.username == theirs["account"]["username"]
        npm_body, py_body = logins(net)
        # same wallet, same keys in the same order; the signatures cover different nonces
        assert list(npm_body) == list(py_body) == ["walletAddress", "signature", "rememberMe"]
        assert npm_body["walletAddress"] == py_body["walletAddress"] == ALICE
        nonces = [r.json for r in net.requests() if r.path == "/v1/account/nonce"]
        assert nonces == [{"walletAddress": ALICE}] * 2
        sockets = [r for r in net.requests() if r.path == "/" and "upgrade" in r.headers]
        assert len(sockets) == 2
        assert all(s.headers["authorization"].count(".") == 2 for s in sockets)


@needs_npm
def test_testnet_logins_agree_too() -> None:
    """The testnet domain signs differently; both clients agree on it too."""
    with LocalSupernet(accounts={"alice": "pw"}) as net:
        theirs = npm_login(net, "alice", "pw", "--testnet")
        with client_for(net, testnet=True, connect=False) as client:
            ours = client.account.login("alice", "pw")
        assert ours.wallet_address == theirs["me"]["walletAddress"]


# --- sessions ---------------------------------------------------------------------------------


def test_login_sends_the_reference_bodies_and_keeps_the_session(
    accounts_net: LocalSupernet,
) -> None:
    tokens: list[TokenPair] = []
    with client_for(accounts_net, app_source="my-app", connect=False) as client:
        client.on("tokens", tokens.append)
        profile = client.account.login("alice", "pw", remember_me=True)
        assert profile.username == "alice" and profile.wallet_address == ALICE
        body = logins(accounts_net)[0]
        assert list(body) == ["walletAddress", "signature", "appSource", "rememberMe"]
        assert body["appSource"] == "my-app" and body["rememberMe"] is True
        assert client.account.tokens is not None and tokens == [client.account.tokens]
        assert client.account.tokens.wallet_address == ALICE
        assert "pw" not in repr(client.account.tokens)
        assert client.account.tokens.token not in repr(client.account.tokens)
        me = [r for r in accounts_net.requests() if r.path == "/v1/account/me"][-1]
        assert me.headers["authorization"] == client.account.tokens.token  # raw JWT, no Bearer
        assert "api-key" not in me.headers


def test_access_token_is_renewed_before_it_expires(accounts_net: LocalSupernet) -> None:
    with client_for(accounts_net, connect=False) as client:
        client.account.login("alice", "pw")
        first = client.account.tokens
        assert first is not None and first.expires_at is not None
        assert paths(accounts_net).count("/v1/account/refresh-token") == 0
        # A minute before expiry (by the client's clock) the token is renewed first.
        skip_ahead(client, first.expires_at - 30)
        client.account.me()
        assert paths(accounts_net).count("/v1/account/refresh-token") == 1
        second = client.account.tokens
        assert second is not None and second.token != first.token
        me = [r for r in accounts_net.requests() if r.path == "/v1/account/me"][-1]
        assert me.headers["authorization"] == second.token


def test_concurrent_requests_share_one_refresh(accounts_net: LocalSupernet) -> None:
    with client_for(accounts_net, connect=False) as client:
        client.account.login("alice", "pw")
        expires = client.account.tokens.expires_at  # type: ignore[union-attr]
        assert expires is not None
        skip_ahead(client, expires - 1)
        errors: list[BaseException] = []

        def call() -> None:
            try:
                client.account.me()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=call) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        assert paths(accounts_net).count("/v1/account/refresh-token") == 1


def test_401_renews_once_and_retries(accounts_net: LocalSupernet) -> None:
    with client_for(accounts_net, connect=False) as client:
        client.account.login("alice", "pw")
        old = client.account.tokens
        assert old is not None
        accounts_net._on_loop(lambda: accounts_net._world.auth.tokens.revoke(old.token))
        accounts_net.clear_records()
        assert client.account.me().username == "alice"
        assert paths(accounts_net) == [
            "/v1/account/me",
            "/v1/account/refresh-token",
            "/v1/account/me",
        ]
        assert client.account.tokens is not None and client.account.tokens.token != old.token


def test_refused_refresh_ends_the_session(accounts_net: LocalSupernet) -> None:
    with client_for(accounts_net, connect=False) as client:
        client.account.login("alice", "pw")
        pair = client.account.tokens
        assert pair is not None
        auth = accounts_net._world.auth

        def revoke_both() -> None:
            auth.tokens.revoke(pair.token)
            auth.tokens.revoke(pair.refresh_token)

        accounts_net._on_loop(revoke_both)
        with pytest.raises(AuthenticationError):
            client.account.me()
        assert client.account.tokens is None
        with pytest.raises(AuthenticationError) as info:
            client.projects.wait_for_models(1)
        assert "login" in str(info.value)


def test_saved_tokens_resume_the_session_elsewhere(accounts_net: LocalSupernet) -> None:
    with client_for(accounts_net, connect=False) as first:
        first.account.login("alice", "pw")
        saved = first.account.tokens
        assert saved is not None
    with client_for(accounts_net) as second:
        assert second.account.tokens is None
        profile = second.account.set_tokens(saved.token, saved.refresh_token)
        assert profile.wallet_address == ALICE
        assert second.projects.wait_for_models(10)  # the socket connects with the token
        assert second.account.current.username == "alice"
    # an access token that already expired (by the client's clock) is renewed first
    with client_for(accounts_net, connect=False) as third:
        assert saved.expires_at is not None
        expired_at = saved.expires_at + 10
        third._ctx.clock = (  # expired until renewed
            lambda: expired_at if third.account.tokens in (None, saved) else time.time()
        )
        accounts_net.clear_records()
        third.account.set_tokens(saved)
        assert paths(accounts_net) == ["/v1/account/refresh-token", "/v1/account/me"]


def test_set_tokens_rejects_bad_input(accounts_net: LocalSupernet) -> None:
    with client_for(accounts_net, connect=False) as client:
        with pytest.raises(ValidationError):
            client.account.set_tokens("not-a-jwt", "also-not")
        with pytest.raises(ValidationError) as missing:
            client.account.set_tokens("a.b.c")
        assert missing.value.field == "refresh_token"
        assert accounts_net.requests() == []


def test_logout_revokes_and_disconnects(accounts_net: LocalSupernet) -> None:
    seen: list[ConnectionEvent] = []
    gone = threading.Event()

    def on_disconnected(event: ConnectionEvent) -> None:
        seen.append(event)
        gone.set()

    with client_for(accounts_net) as client:
        client.on("disconnected", on_disconnected)
        client.account.login("alice", "pw")
        client.projects.wait_for_models(10)
        token = client.account.tokens.token  # type: ignore[union-attr]
        client.account.logout()
        assert gone.wait(10)
        assert seen[-1].code == 1000 and not seen[-1].will_reconnect
        assert client.account.tokens is None
        assert client.account.current.wallet_address is None
        logout = [r for r in accounts_net.requests() if r.path == "/v1/account/logout"][0]
        assert logout.headers["authorization"] == token and logout.json == {}
    import httpx

    refused = httpx.get(accounts_net.rest_url + "/v1/account/me", headers={"Authorization": token})
    assert refused.status_code == 401


def test_login_without_the_wallet_extra_names_it(
    accounts_net: LocalSupernet,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = builtins.__import__

    def no_eth_account(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("eth_account"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_eth_account)
    with client_for(accounts_net, connect=False) as client:
        with pytest.raises(MissingExtraError) as info:
            client.account.login("alice", "pw")
    assert info.value.extra == "wallet" and "sogni[wallet]" in str(info.value)
    assert "pw" not in str(info.value)
    assert accounts_net.requests() == []


def test_async_login_and_live_balance(accounts_net: LocalSupernet) -> None:
    async def main() -> None:
        async with AsyncSogniClient(
            rest_endpoint=accounts_net.rest_url, socket_endpoint=accounts_net.socket_url
        ) as client:
            balances: asyncio.Queue[Any] = asyncio.Queue()
            client.on("balance", balances.put_nowait)
            profile = await client.account.login("alice", "pw")
            assert profile.wallet_address == ALICE
            await client.projects.wait_for_models(10)
            first = await asyncio.wait_for(balances.get(), 10)  # announced on connect
            project = await client.projects.create(
                model_id="flux1-schnell-fp8", positive_prompt="x", steps=2, token_type="spark"
            )
            await project.wait_for_completion(timeout=30)
            charged = await asyncio.wait_for(balances.get(), 10)
            while charged.spark.net == first.spark.net:  # the greeting's balanceUpdate
                charged = await asyncio.wait_for(balances.get(), 10)
            assert float(charged.spark.net) < float(first.spark.net)
            assert client.account.current.balance == charged
            fetched = await client.account.refresh_balance()
            assert fetched.spark.net == charged.spark.net

    asyncio.run(main())


# --- account endpoints --------------------------------------------------------------------------


def test_balances_history_rewards_and_leaderboard(accounts_net: LocalSupernet) -> None:
    with client_for(accounts_net, connect=False) as client:
        client.account.login("alice", "pw")
        wallet = client.account.wallet_balance()
        assert wallet.sogni and wallet.ether
        query = [r.query for r in accounts_net.requests() if r.path == "/v2/wallet/balance"]
        assert query == [{"walletAddress": ALICE, "provider": "base"}]
        first = client.account.transactions(limit=20)
        second = client.account.transactions(limit=20, offset=first.next)
        third = client.account.transactions(limit=20, offset=second.next)
        ids = [t.id for page in (first, second, third) for t in page.transactions]
        assert len(ids) == len(set(ids)) == 45
        assert all(t.address == ALICE for t in first.transactions)
        sent = [r.query for r in accounts_net.requests() if r.path == "/v1/transactions/list"]
        assert sent[0] == {"status": "completed", "address": ALICE, "limit": "20"}
        assert sent[1]["offset"] == "20"
        rewards = {r.id: r for r in client.account.rewards()}
        assert rewards["daily-boost"].can_claim is True and rewards["welcome"].claimed is True
        client.account.claim_rewards(["daily-boost"])
        claim = [r.json for r in accounts_net.requests() if r.path == "/v3/account/reward/claim"]
        assert claim == [{"claims": ["daily-boost"], "provider": "base"}]
        assert {r.id: r.can_claim for r in client.account.rewards()}["daily-boost"] is False
        board = client.stats.leaderboard(
            type="renderSecCompleteWorker", period="lifetime", limit=5, page=2
        )
        assert [row.rank for row in board] == [6, 7, 8, 9, 10]
        assert board[0].role == "worker"
        with pytest.raises(ValidationError) as bad:
            client.stats.leaderboard(type="mostCats")
        assert bad.value.field == "type" and "projectCompleteArtist" in (bad.value.allowed or [])
        with pytest.raises(ValidationError):
            client.account.claim_rewards([])


def test_api_key_account_is_known_from_the_socket(net: LocalSupernet) -> None:
    with SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    ) as client:
        # ``authenticated`` arrives before the model announcement that ends this wait
        client.projects.wait_for_models(10)
        assert client.account.current.username == "local-artist"
        assert client.account.current.network == "fast"
        assert client.account.current.network_status == "connected"
        assert client.account.tokens is None


def test_the_balance_charged_for_a_job_is_current_when_its_wait_returns(
    net: LocalSupernet,
) -> None:
    # No balance callback: the network's balanceUpdate is kept encoded until read.
    with sync_client(net) as client:
        client.projects.wait_for_models(10)
        before = float(client.account.current.balance.sogni.net)
        updates = client.account.current.balance_updates
        project = client.projects.create(model_id="gpt-image-2", positive_prompt="x")
        project.wait_for_completion(timeout=30)
        assert client.account.current.balance_updates > updates  # it came before the end
        assert float(client.account.current.balance.sogni.net) < before
