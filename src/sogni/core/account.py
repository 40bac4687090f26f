"""What the client knows about the current account, fed by socket events and REST replies.

The ``authenticated`` event names the account behind an API key, ``balanceUpdate`` keeps
the balance live, ``changeNetwork`` confirms a network switch; ``/v1/account/me`` and
``/v4/account/balance`` fill in the same fields on demand. Updates replace whole values,
so a reader on another thread always sees a consistent balance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

from sogni._generated.models import AccountProfile, Balances, TokenBalance
from sogni._wire import from_wire

__all__ = ["AccountState", "NetworkStatus", "balances_from_wire"]

NetworkStatus = Literal["disconnected", "connecting", "connected", "switching"]

_ZERO = {"settled": "0", "credit": "0", "debit": "0", "net": "0"}


def balances_from_wire(data: object) -> Balances | None:
    """A :class:`Balances` from a ``balanceUpdate`` payload or the ``tokens`` of
    ``authenticated``; ``None`` when it has neither token type."""
    if not isinstance(data, Mapping) or not ("sogni" in data or "spark" in data):
        return None
    wire: dict[str, dict[str, Any]] = {}
    for key in ("sogni", "spark"):
        entry = data.get(key)
        wire[key] = {**_ZERO, **(entry if isinstance(entry, Mapping) else {})}
    return from_wire(Balances, wire)


def _empty_balances() -> Balances:
    return Balances(
        sogni=TokenBalance(settled="0", credit="0", debit="0", net="0"),
        spark=TokenBalance(settled="0", credit="0", debit="0", net="0"),
    )


@attrs.define
class AccountState:
    """The current account (``client.account.current``); its fields update live.

    Attributes:
        username: The account's username, once known.
        wallet_address: The account's wallet address, once known.
        email: The account's e-mail address (after ``me()`` or a login).
        balance: Balances per token type, kept current by the network's ``balanceUpdate``.
        network: The network (``fast``/``relaxed``) the socket is on, once connected.
        network_status: ``disconnected``, ``connecting``, ``connected`` or ``switching``.
    """

    username: str | None = None
    wallet_address: str | None = None
    email: str | None = None
    balance: Balances = attrs.field(factory=_empty_balances)
    network: str | None = None
    network_status: NetworkStatus = "disconnected"
    balance_updates: int = attrs.field(default=0, repr=False)
    """How many balances were received (lets a caller wait for the next one)."""
    network_changes: int = attrs.field(default=0, repr=False)
    """How many ``changeNetwork`` confirmations were received."""

    @property
    def is_authenticated(self) -> bool:
        """Whether the account is known (its wallet address was reported)."""
        return self.wallet_address is not None

    def on_authenticated(self, payload: object) -> None:
        """The socket's ``authenticated`` event: who is connected, and the balance."""
        if not isinstance(payload, Mapping):
            return
        if isinstance(payload.get("username"), str):
            self.username = payload["username"]
        if isinstance(payload.get("address"), str):
            self.wallet_address = payload["address"]
        self.set_balance(payload.get("tokens"))

    def set_balance(self, payload: object) -> bool:
        """Store a balance (``balanceUpdate`` payload or REST reply); False if unreadable."""
        balance = balance_or_none(payload)
        if balance is None:
            return False
        self.balance = balance
        self.balance_updates += 1
        return True

    def on_profile(self, profile: AccountProfile) -> None:
        """Store what ``/v1/account/me`` said."""
        self.username = profile.username or self.username
        self.wallet_address = profile.wallet_address or self.wallet_address
        if profile.current_email is not None:
            self.email = profile.current_email

    def on_network(self, payload: object) -> None:
        """The ``changeNetwork`` confirmation."""
        network = payload.get("network") if isinstance(payload, Mapping) else payload
        if isinstance(network, str):
            self.network = network
        self.network_status = "connected"
        self.network_changes += 1

    def on_connection(self, status: NetworkStatus, network: str | None = None) -> None:
        """The socket connected, is reconnecting or is gone."""
        self.network_status = status
        if network is not None:
            self.network = network

    def clear(self) -> None:
        """Forget the account (after a logout)."""
        self.username = self.wallet_address = self.email = None
        self.balance = _empty_balances()
        self.network = None
        self.network_status = "disconnected"

    def as_dict(self) -> dict[str, Any]:
        """A plain snapshot of the fields (for logging or JSON)."""
        return {
            "username": self.username,
            "wallet_address": self.wallet_address,
            "email": self.email,
            "balance": attrs.asdict(self.balance),
            "network": self.network,
            "network_status": self.network_status,
        }


def balance_or_none(payload: object) -> Balances | None:
    """A readable balance from a payload, or ``None`` (never raises)."""
    try:
        return balances_from_wire(payload)
    except Exception:  # a malformed balance must not break event handling
        return None
