"""``sogni login`` stores the session (0600), ``balance`` uses it, ``logout`` deletes it."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest
from conftest import Cli, Run

from sogni.cli._credentials import credentials_path
from sogni.testing import LocalSupernet


@pytest.fixture
def net_without_key(shared_net: LocalSupernet, monkeypatch: pytest.MonkeyPatch) -> LocalSupernet:
    """The shared Supernet named by its endpoints only: a login is the credential."""
    monkeypatch.setenv("SOGNI_REST_ENDPOINT", shared_net.rest_url)
    monkeypatch.setenv("SOGNI_SOCKET_ENDPOINT", shared_net.socket_url)
    shared_net.clear_records()
    return shared_net


def login(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setattr("sys.stdin", io.StringIO("alice-password\n"))
    return cli("login", "--username", "alice", "--password-stdin", "--json")


def test_login_stores_an_owner_only_file_that_balance_uses(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, net_without_key: LocalSupernet, isolated: Path
) -> None:
    run = login(cli, monkeypatch)
    assert run.code == 0, run.err
    path = credentials_path()
    assert path == isolated / "config" / "sogni" / "credentials.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = json.loads(path.read_text("utf-8"))
    assert stored["username"] == "alice"
    assert stored["rest_endpoint"] == net_without_key.rest_url
    for secret in (stored["token"], stored["refresh_token"]):
        assert secret not in run.out + run.err
    assert json.loads(run.out)["username"] == "alice"

    # Later commands resume the stored session, even with no endpoint in the environment.
    monkeypatch.delenv("SOGNI_REST_ENDPOINT")
    monkeypatch.delenv("SOGNI_SOCKET_ENDPOINT")
    net_without_key.clear_records()
    balance = cli("balance", "--json")
    assert balance.code == 0, balance.err
    assert json.loads(balance.out)["spark"]["net"]
    assert "embedded" not in balance.err
    assert net_without_key.rest_url in balance.err
    used = [r for r in net_without_key.requests() if r.path == "/v4/account/balance"]
    assert used
    token = json.loads(path.read_text("utf-8"))["token"]  # the stored (maybe renewed) token
    assert all(r.headers.get("authorization") == token for r in used)
    assert not any("api-key" in r.headers for r in used)
    for secret in (stored["token"], stored["refresh_token"]):
        assert secret not in balance.out + balance.err

    text = cli("balance")
    assert [line.split()[0] for line in text.out.splitlines()] == ["sogni", "spark"]

    out = cli("logout")
    assert out.code == 0, out.err
    assert not path.exists()
    assert any(r.path.endswith("/logout") for r in net_without_key.requests())
    after = cli("balance")
    assert after.code == 0
    assert "embedded local Supernet" in after.err  # no login any more


def test_login_needs_a_password_source(cli: Cli, net_without_key: LocalSupernet) -> None:
    run = cli("login", "--username", "alice")  # stdin is not a terminal here
    assert run.code == 2
    assert "--password-stdin" in run.err
    assert not credentials_path().exists()


def test_logout_without_a_login(cli: Cli) -> None:
    run = cli("logout")
    assert run.code == 0
    assert "not logged in" in run.err


def test_a_broken_credentials_file_is_one_error_line(cli: Cli) -> None:
    path = credentials_path()
    path.parent.mkdir(parents=True)
    path.write_text("{}", encoding="utf-8")
    run = cli("balance")
    assert run.code == 1
    [line] = run.err.strip().splitlines()
    assert line.startswith("sogni: error: ") and "is not a stored login" in line
    assert "sogni logout" in line

    assert cli("logout").code == 0  # a file it cannot read is simply removed
    assert not path.exists()
