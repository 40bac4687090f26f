"""The current account and the request/response logic of the account endpoints.

:class:`AccountState` is what the client knows about the current account, fed by socket
events and REST replies: the ``authenticated`` event names the account behind an API key,
``balanceUpdate`` keeps the balance live, ``changeNetwork`` confirms a network switch;
``/v1/account/me`` and ``/v4/account/balance`` fill in the same fields on demand. Updates
replace whole values, so a reader on another thread always sees a consistent balance.

The rest are the pure parts of signup, nonces and token transfers: the checks every
argument passes before any request, the request bodies, the server's permits to sign, and
the typed results. Amounts go on the wire in wei (18 decimals), as ``ethers.parseEther``
writes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeGuard, get_args

import attrs

from sogni.core._generated import models
from sogni.core._generated.vocabulary import TOKEN_TYPES
from sogni.core.errors import ApiError, ValidationError
from sogni.core.framing import EncodedPayload
from sogni.core.wire import from_wire

if TYPE_CHECKING:
    from decimal import Decimal

    from sogni.core._generated.models import AccountProfile, Balances, Subscription

__all__ = [
    "APPROVAL_WAIT",
    "APPROVE_PATH",
    "APPROVE_PERMIT_PATH",
    "DEPOSIT_PATH",
    "INSUFFICIENT_ALLOWANCE",
    "INSUFFICIENT_BALANCE",
    "MAX_DEPOSIT_ATTEMPTS",
    "SPENDERS",
    "USERNAME_TAKEN",
    "VALIDATE_USERNAME_PATH",
    "WITHDRAW_PATH",
    "WITHDRAW_PERMIT_PATH",
    "AccountState",
    "NetworkStatus",
    "Permit",
    "Spender",
    "TokenApproval",
    "TokenTransfer",
    "TransferDirection",
    "UsernameCheck",
    "approve_body",
    "approve_permit_body",
    "balances_from_wire",
    "check_email",
    "check_password",
    "check_wallet_address",
    "to_wei",
    "transfer_body",
    "withdraw_body",
]

NetworkStatus = Literal["disconnected", "connecting", "connected", "switching"]

_ZERO = {"settled": "0", "credit": "0", "debit": "0", "net": "0"}


def _has_token_type(data: object) -> TypeGuard[Mapping[str, Any]]:
    return isinstance(data, Mapping) and ("sogni" in data or "spark" in data)


def balances_from_wire(data: object) -> Balances | None:
    """A :class:`Balances` from a ``balanceUpdate`` payload or the ``tokens`` of
    ``authenticated``; ``None`` when it has neither token type."""
    if not _has_token_type(data):
        return None
    wire: dict[str, dict[str, Any]] = {}
    for key in TOKEN_TYPES:
        entry = data.get(key)
        wire[key] = {**_ZERO, **(entry if isinstance(entry, Mapping) else {})}
    return from_wire(models.Balances, wire)


def _empty_balances() -> Balances:
    return models.Balances(
        sogni=models.TokenBalance(settled="0", credit="0", debit="0", net="0"),
        spark=models.TokenBalance(settled="0", credit="0", debit="0", net="0"),
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
        subscription: The subscription entitlement, once fetched
            (``account.get_subscription_status`` or ``refresh_subscription``).
    """

    username: str | None = None
    wallet_address: str | None = None
    email: str | None = None
    _balance: Balances = attrs.field(factory=_empty_balances, alias="balance")
    network: str | None = None
    network_status: NetworkStatus = "disconnected"
    subscription: Subscription | None = None
    balance_updates: int = attrs.field(default=0, repr=False)
    """How many balances were received (lets a caller wait for the next one)."""
    network_changes: int = attrs.field(default=0, repr=False)
    """How many ``changeNetwork`` confirmations were received."""
    # The latest balance as the network sent it, structured when first read: updates come
    # with every finished job, and most are never looked at.
    _balance_wire: object = attrs.field(default=None, repr=False, eq=False, alias="balance_wire")
    _balance_read_from: object = attrs.field(default=None, repr=False, eq=False, init=False)

    @property
    def balance(self) -> Balances:
        """Balances per token type, kept current by the network's ``balanceUpdate``."""
        wire = self._balance_wire
        if wire is not self._balance_read_from:
            structured = balance_or_none(wire)
            if structured is not None:  # a malformed update keeps the balance before it
                self._balance = structured
            self._balance_read_from = wire
        return self._balance

    @property
    def is_unlimited(self) -> bool:
        """Whether a known subscription entitles the account now (its ``active``)."""
        return self.subscription is not None and self.subscription.active

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
        """Store a balance (``balanceUpdate`` payload, still encoded or not, or a REST
        reply); False when it holds no token type. It is decoded and structured when
        :attr:`balance` is next read."""
        if not (isinstance(payload, EncodedPayload) or _has_token_type(payload)):
            return False
        self._balance_wire = payload
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
        self._balance, self._balance_wire = _empty_balances(), None
        self.network = None
        self.network_status = "disconnected"
        self.subscription = None

    def as_dict(self) -> dict[str, Any]:
        """A plain snapshot of the fields (for logging or JSON)."""
        return {
            "username": self.username,
            "wallet_address": self.wallet_address,
            "email": self.email,
            "balance": attrs.asdict(self.balance),
            "network": self.network,
            "network_status": self.network_status,
            "subscription": None if self.subscription is None else attrs.asdict(self.subscription),
        }


def balance_or_none(payload: object) -> Balances | None:
    """A readable balance from a payload (an encoded one decoded first), or ``None``
    (never raises)."""
    try:
        if isinstance(payload, EncodedPayload):
            payload = payload.decode()
        return balances_from_wire(payload)
    except Exception:  # a malformed balance must not break event handling
        return None


# -- signup, nonces and token transfers ----------------------------------------------------
VALIDATE_USERNAME_PATH = "/v1/account/username/validate"
WITHDRAW_PERMIT_PATH = "/v1/account/token/withdraw/permit"
WITHDRAW_PATH = "/v2/account/token/withdraw"
DEPOSIT_PATH = "/v3/account/token/deposit"
APPROVE_PERMIT_PATH = "/v1/contract/token/approve/permit"
APPROVE_PATH = "/v1/contract/token/approve"

USERNAME_TAKEN = 108
"""``errorCode`` of a username another account has."""
INSUFFICIENT_BALANCE = 123
"""``errorCode`` of a transfer larger than what its source holds."""
INSUFFICIENT_ALLOWANCE = 149
"""``errorCode`` of a deposit the wallet has not approved the account contract for."""
MAX_DEPOSIT_ATTEMPTS = 4
"""How often a deposit is tried while the allowance is missing (the first try included)."""
APPROVAL_WAIT = 10.0
"""Seconds a deposit waits for an approval transaction before trying again."""

Spender = Literal["account", "staker"]
SPENDERS: tuple[str, ...] = get_args(Spender)
"""Who ``approve_token_usage`` lets spend SOGNI: the account contract (deposits) or the
staking contract."""

TransferDirection = Literal["deposit", "withdraw"]

_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_DECIMAL_TEXT = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")


def check_wallet_address(value: object, name: str = "wallet_address") -> str:
    """``value`` when it is a 0x-prefixed 20-byte hex address."""
    if not isinstance(value, str) or not _ADDRESS.match(value):
        raise ValidationError(
            f"{name} must be a 0x-prefixed 20-byte hex address",
            field=name,
            allowed="0x followed by 40 hex digits",
        )
    return value


def check_email(value: object) -> str:
    """``value`` when it looks like an e-mail address (the network checks it further)."""
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise ValidationError("email must be an e-mail address (name@domain)", field="email")
    return value


def check_password(value: object) -> str:
    """``value`` when it is a non-empty string; the error never repeats it."""
    if not isinstance(value, str) or not value:
        raise ValidationError("password must be a non-empty string", field="password")
    return value


def to_wei(amount: object) -> tuple[Decimal, str]:
    """A positive token amount and its wei value as the decimal string the network takes.

    ``amount`` is an ``int``, a ``Decimal``, a finite ``float`` (read as it prints) or a
    decimal string such as ``"12.5"``, with at most 18 decimals.
    """
    from decimal import Decimal, InvalidOperation, localcontext  # with the first amount

    allowed = "a positive number of tokens with at most 18 decimals, e.g. 100 or '0.5'"
    if isinstance(amount, bool) or not isinstance(amount, (int, float, str, Decimal)):
        raise ValidationError("amount must be a number", field="amount", allowed=allowed)
    try:
        if isinstance(amount, str):
            text = amount.strip()
            if not _DECIMAL_TEXT.match(text):
                raise InvalidOperation
            value = Decimal(text)
        else:
            value = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    except InvalidOperation:
        raise ValidationError(
            "amount is not a decimal number", field="amount", allowed=allowed
        ) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError("amount must be positive", field="amount", allowed=allowed)
    with localcontext() as exact:  # no rounding, however many digits the amount has
        exact.prec = len(value.as_tuple().digits) + 40
        wei = value.scaleb(18)
        if wei != wei.to_integral_value():
            raise ValidationError(
                "amount has more than 18 decimals", field="amount", allowed=allowed
            )
        plain = Decimal(format(value.normalize(), "f"))  # 1E+2 reads as 100
    return plain, str(int(wei))


def transfer_body(wallet_address: str, amount_wei: str, provider: str) -> dict[str, Any]:
    """Body of the withdraw permit request and of a deposit."""
    return {"walletAddress": wallet_address, "amount": amount_wei, "provider": provider}


def withdraw_body(transfer: Mapping[str, Any], signature: str) -> dict[str, Any]:
    """Body of ``POST /v2/account/token/withdraw``: the permit request's, signed."""
    return {**transfer, "signature": signature}


def approve_permit_body(wallet_address: str, spender: str, provider: str) -> dict[str, Any]:
    """Body of ``POST /v1/contract/token/approve/permit``."""
    return {"walletAddress": wallet_address, "spender": spender, "provider": provider}


def approve_body(
    wallet_address: str, spender: str, provider: str, deadline: Any, signature: str
) -> dict[str, Any]:
    """Body of ``POST /v1/contract/token/approve`` (the permit's deadline, signed)."""
    return {
        **approve_permit_body(wallet_address, spender, provider),
        "deadline": deadline,
        "approveSignature": signature,
    }


@attrs.frozen
class Permit:
    """EIP-712 typed data the network asks the wallet to sign (a withdrawal, an approval)."""

    domain: Mapping[str, Any]
    types: Mapping[str, Any]
    message: Mapping[str, Any]

    @classmethod
    def from_reply(cls, data: object, what: str) -> Permit:
        """Read the ``{domain, types, message}`` of a permit reply."""
        parts = [
            data.get(k) if isinstance(data, Mapping) else None
            for k in ("domain", "types", "message")
        ]
        if not all(isinstance(part, Mapping) for part in parts):
            raise ApiError(f"the {what} permit reply did not include domain, types and message")
        domain, types, message = parts
        assert isinstance(domain, Mapping) and isinstance(types, Mapping)
        assert isinstance(message, Mapping)
        return cls(dict(domain), dict(types), dict(message))

    @property
    def deadline(self) -> Any:
        """The permit's ``deadline`` (sent back with an approval)."""
        if "deadline" not in self.message:
            raise ApiError("the approval permit has no deadline")
        return self.message["deadline"]


@attrs.frozen
class UsernameCheck:
    """Whether a username is free to sign up with (``account.validate_username``).

    Attributes:
        username: The username asked about.
        available: ``False`` when another account has it.
        message: The network's words when it is taken.
        error_code: The network's ``errorCode`` when it is taken (``108``).
    """

    username: str
    available: bool
    message: str | None = None
    error_code: int | None = None


@attrs.frozen
class TokenTransfer:
    """A deposit (wallet to account) or withdrawal (account to wallet) the network took.

    Attributes:
        direction: ``deposit`` or ``withdraw``.
        wallet_address: The account's wallet.
        amount: Tokens moved.
        amount_wei: The same in wei, as sent.
        provider: Blockchain.
        approved: A deposit only: whether the wallet first had to approve the account
            contract (``approve_token_usage``) because its allowance was missing.
        attempts: A deposit only: how many tries it took.
    """

    direction: TransferDirection
    wallet_address: str
    amount: Decimal
    amount_wei: str
    provider: str
    approved: bool = False
    attempts: int = 1


@attrs.frozen
class TokenApproval:
    """An approval the network took: ``spender`` may now spend the wallet's SOGNI.

    Attributes:
        wallet_address: The account's wallet.
        spender: ``account`` (the account contract, for deposits) or ``staker``.
        provider: Blockchain.
        deadline: Until when the signed permit was valid, as the network set it.
    """

    wallet_address: str
    spender: str
    provider: str
    deadline: Any
