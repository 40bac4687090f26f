"""The parts of ``client.account`` that run in the client itself, without I/O.

They are plain calls in both clients (never coroutines); the generated facades call them
with the client as the first argument.
"""

from __future__ import annotations

from typing import Any

from sogni.wallet import Wallet

__all__ = ["get_wallet"]


def get_wallet(client: Any, username: str, password: str) -> Wallet:
    """The wallet of the account ``username`` with ``password`` (the one that signs its
    logins, signup and transfers)."""
    return Wallet.from_credentials(username, password)
