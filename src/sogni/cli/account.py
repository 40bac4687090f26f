"""``sogni login``, ``sogni logout`` and ``sogni balance``.

``login`` signs in with a username and password on the network the environment names
(``SOGNI_REST_ENDPOINT`` / ``SOGNI_SOCKET_ENDPOINT``, else the real Supernet) and stores the
session's tokens for later commands; the password itself is never stored or sent.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from sogni.cli import _credentials
from sogni.cli._errors import UsageError
from sogni.cli._output import add_json_option, info, print_json, warn
from sogni.cli._session import APP_SOURCE, Session, host_of
from sogni.core._generated.vocabulary import TOKEN_TYPES
from sogni.errors import SogniError

__all__ = ["register"]


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``login``, ``logout`` and ``balance`` to the command parser."""
    login = commands.add_parser(
        "login",
        parents=parents,
        help="log in with a username and password and keep the session",
        description="Log in and store the session's tokens (owner-only file in the config "
        "folder) for later commands. Needs the 'wallet' extra.",
    )
    login.add_argument("-u", "--username", help="username (asked for on a terminal)")
    login.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    add_json_option(login)
    login.set_defaults(handler=run_login)

    logout = commands.add_parser(
        "logout", parents=parents, help="end the stored session and delete its tokens"
    )
    logout.set_defaults(handler=run_logout)

    balance = commands.add_parser("balance", parents=parents, help="show the account's balance")
    add_json_option(balance)
    balance.set_defaults(handler=run_balance)


def _username(args: argparse.Namespace) -> str:
    if args.username:
        return str(args.username)
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the username on: pass --username")
    print("Username: ", end="", file=sys.stderr, flush=True)
    return input().strip()


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the password on: pipe it with --password-stdin")
    return getpass.getpass("Password: ")


def run_login(args: argparse.Namespace, session: Session) -> int:
    """Log in and store the session."""
    from sogni import SogniClient

    username = _username(args)
    password = _password(args)
    with SogniClient(app_source=APP_SOURCE, network=session.network, connect=False) as client:
        config = client._ctx.config
        session.rest_endpoint = config.rest_endpoint
        session.socket_endpoint = config.socket_endpoint
        info(f"logging in to {host_of(config.rest_endpoint)} as {username}")
        profile = client.account.login(username, password, remember_me=True)
        tokens = client.account.tokens
        if tokens is None:
            raise SogniError("the network sent no session tokens")
        path = _credentials.save(
            _credentials.StoredLogin(
                username=profile.username or username,
                token=tokens.token,
                refresh_token=tokens.refresh_token,
                rest_endpoint=config.rest_endpoint,
                socket_endpoint=config.socket_endpoint,
                wallet_address=profile.wallet_address,
            )
        )
    info(f"logged in as {profile.username or username}; the session is stored in {path}")
    if os.environ.get("SOGNI_API_KEY"):
        warn("SOGNI_API_KEY is set, and commands use it rather than this login")
    if args.json:
        print_json(
            {
                "username": profile.username or username,
                "wallet_address": profile.wallet_address,
                "endpoint": config.rest_endpoint,
                "credentials": path,
            }
        )
    return 0


def run_logout(args: argparse.Namespace, session: Session) -> int:
    """End the stored session on the network (when it can) and delete it."""
    from sogni import SogniClient

    try:
        login = _credentials.load()
    except SogniError:  # unreadable: nothing to end on the network, only a file to remove
        _credentials.forget()
        info(f"deleted {_credentials.credentials_path()}")
        return 0
    if login is None:
        info("not logged in")
        return 0
    session.rest_endpoint, session.socket_endpoint = login.rest_endpoint, login.socket_endpoint
    try:
        with SogniClient(
            app_source=APP_SOURCE,
            rest_endpoint=login.rest_endpoint,
            socket_endpoint=login.socket_endpoint,
            connect=False,
        ) as client:
            client.account.set_tokens(login.token, login.refresh_token)
            client.account.logout()
    except SogniError as exc:
        warn(f"{host_of(login.rest_endpoint)} did not end the session: {exc.message}")
    _credentials.forget()
    info(f"logged out {login.username}; deleted {_credentials.credentials_path()}")
    return 0


def run_balance(args: argparse.Namespace, session: Session) -> int:
    """Print the account's balance: one token a line, or ``--json``."""
    balances = session.client(connect=False).account.refresh_balance()
    info(f"balance on {session.where()}")
    if args.json:
        print_json(balances)
        return 0
    for name in TOKEN_TYPES:
        balance = getattr(balances, name)
        print(f"{name:6} {balance.net}")
    return 0
