"""Account history of the emulated network: transactions, rewards, leaderboards, and the
SOGNI that wallets hold on chain and move to and from their accounts.

The data is deterministic (derived from the wallet address), so tests can rely on it:
every account has 45 completed transactions, three rewards (one claimable, one already
claimed, one that is not claimable yet) and there is a fixed leaderboard of 30 users.
A wallet starts with the on-chain balance :func:`wallet_balance` gives it and no allowance;
deposits need the account contract's allowance (``approve``) and move SOGNI from the
wallet to the account's settled balance, withdrawals move it back. Each transfer is added
to the account's transactions, newest first.
"""

from __future__ import annotations

import hashlib
import time
from decimal import Decimal
from typing import Any

from .balances import AccountBalances

__all__ = [
    "CHAIN_IDS",
    "LEADERBOARD_TYPES",
    "SPENDERS",
    "Ledger",
    "RewardError",
    "TransferError",
    "contract_address",
]

LEADERBOARD_TYPES = frozenset(
    {
        "renderUSDCompleteWorker",
        "renderUSDCompleteArtist",
        "renderSecCompleteWorker",
        "renderSecCompleteArtist",
        "renderTokenCompleteWorker",
        "renderTokenCompleteWorker2",
        "renderTokenCompleteArtist",
        "renderTokenCompleteArtist2",
        "jobCompleteWorker",
        "jobCompleteArtist",
        "projectCompleteArtist",
        "uloginWorker",
        "uloginArtist",
        "tokenVolume",
        "referral",
    }
)

TRANSACTIONS_PER_ACCOUNT = 45
_EPOCH_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


INSUFFICIENT_BALANCE = 123
INSUFFICIENT_ALLOWANCE = 149
MAX_ALLOWANCE = 2**256 - 1
WEI = Decimal(10) ** 18
CHAIN_IDS = {"base": 8453, "etherlink": 42793}
"""The chain of each provider (the signed permits name it)."""
SPENDERS = ("account", "staker")
"""The contracts a wallet can let spend its SOGNI."""


class RewardError(Exception):
    """A claim the network refuses (answered with HTTP 400)."""


class TransferError(Exception):
    """A transfer the network refuses (HTTP 400 with ``errorCode`` ``code``)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def contract_address(provider: str, name: str) -> str:
    """The address of a Sogni contract (``token``, ``account``, ``staker``) on a chain."""
    return "0x" + hashlib.sha256(f"sogni-{name}-{provider}".encode()).hexdigest()[:40]


def _seed(address: str) -> int:
    return int(hashlib.sha256(address.lower().encode()).hexdigest()[:8], 16)


def wallet_balance(address: str, provider: str) -> dict[str, str]:
    """On-chain balances of a wallet: stable per address and provider."""
    seed = _seed(address + provider)
    return {
        "sogni": f"{seed % 5000}.{seed % 100:02d}",
        "spark": f"{seed % 300}.00",
        "ether": f"0.{seed % 1000:03d}",
    }


def _transactions(address: str) -> list[dict[str, Any]]:
    seed = _seed(address)
    entries = []
    for index in range(TRANSACTIONS_PER_ACCOUNT):
        created = _EPOCH_MS + index * 3_600_000
        deposit = index == 0
        entries.append(
            {
                "_id": f"{seed:08x}{index:04d}",
                "id": f"tx-{seed:08x}-{index}",
                "SID": seed % 100_000 + index,
                "address": address,
                "createTime": created,
                "updateTime": created + 1000,
                "endTime": created + 2000,
                "status": "completed",
                "role": "artist",
                "clientSID": seed % 1000,
                "addressSID": seed % 1000 + 1,
                "amount": 100.0 if deposit else round(0.5 + (seed + index) % 7 * 0.25, 2),
                "description": "Deposit" if deposit else f"Project {index}",
                "source": "deposit" if deposit else "project",
                "sourceSID": f"project-{index}",
                "type": "credit" if deposit else "debit",
                "tokenType": "sogni" if index % 3 else "spark",
            }
        )
    entries.reverse()  # newest first
    return entries


class Ledger:
    """Transactions, rewards, leaderboards, on-chain SOGNI, allowances and permits;
    mutated on the server loop only."""

    def __init__(self) -> None:
        self._claims: dict[tuple[str, str], int] = {}  # (address, reward id) -> claim time
        self._moved: dict[tuple[str, str], Decimal] = {}  # (address, provider) -> SOGNI
        self._allowances: dict[tuple[str, str, str], int] = {}  # (.., spender) -> wei
        self._transfers: dict[str, list[dict[str, Any]]] = {}  # address -> entries
        self._permit_nonces: dict[str, int] = {}
        self._permits: dict[tuple[str, ...], dict[str, Any]] = {}

    def transactions(self, address: str, status: str, limit: int, offset: int) -> dict[str, Any]:
        """One page of history and the offset of the next page."""
        everything = [*reversed(self._transfers.get(address.lower(), [])), *_transactions(address)]
        entries = [t for t in everything if t["status"] == status]
        page = entries[offset : offset + limit]
        next_offset = offset + len(page)
        return {"transactions": page, "next": next_offset}

    def rewards(self, address: str, now: float | None = None) -> list[dict[str, Any]]:
        """The account's rewards with their claim state."""
        now = time.time() if now is None else now
        daily_claim = self._claims.get((address.lower(), "daily-boost"), 0)
        daily_open = daily_claim == 0 or now >= daily_claim + 86400
        return [
            {
                "id": "daily-boost",
                "type": "instant",
                "title": "Daily boost",
                "description": "Free Spark points once a day",
                "amount": "5",
                "tokenType": "spark",
                "claimed": 0 if daily_open else 1,
                "canClaim": 1 if daily_open else 0,
                "cantClaimReason": None if daily_open else "already_claimed",
                "lastClaimTimestamp": daily_claim,
                "claimResetFrequencySec": 86400,
            },
            {
                "id": "welcome",
                "type": "instant",
                "title": "Welcome bonus",
                "description": "Thanks for joining",
                "amount": "50",
                "tokenType": "spark",
                "claimed": 1,
                "canClaim": 0,
                "cantClaimReason": "already_claimed",
                "lastClaimTimestamp": int(_EPOCH_MS / 1000),
                "claimResetFrequencySec": -1,
            },
            {
                "id": "first-video",
                "type": "conditioned",
                "title": "First video",
                "description": "Render your first video",
                "amount": "25",
                "tokenType": "spark",
                "claimed": 0,
                "canClaim": 0,
                "cantClaimReason": None,
                "lastClaimTimestamp": 0,
                "claimResetFrequencySec": -1,
            },
        ]

    def claim(self, address: str, reward_ids: list[str], now: float | None = None) -> None:
        """Claim rewards; every id must be claimable (nothing is claimed otherwise)."""
        now = time.time() if now is None else now
        by_id = {r["id"]: r for r in self.rewards(address, now)}
        for reward_id in reward_ids:
            reward = by_id.get(reward_id)
            if reward is None:
                raise RewardError(f"Unknown reward {reward_id!r}")
            if not reward["canClaim"]:
                raise RewardError(f"Reward {reward_id!r} cannot be claimed now")
        for reward_id in reward_ids:
            self._claims[(address.lower(), reward_id)] = int(now)

    @staticmethod
    def leaderboard(
        kind: str,
        period: str,
        network: str | None,
        page: int,
        limit: int,
        username: str | None,
        address: str | None,
    ) -> list[dict[str, Any]]:
        """A leaderboard page (a fixed field of 30 users, ranked by a stable value)."""
        seed = _seed(kind + period + (network or "all"))
        rows: list[dict[str, Any]] = []
        for index in range(30):
            rows.append(
                {
                    "username": f"artist{index:02d}",
                    "address": f"0x{index:040x}",
                    "country": ["US", "DE", "JP", "BR", "IN"][index % 5],
                    "value": str((seed % 1000 + 1) * (30 - index)),
                    "role": "worker" if kind.endswith(("Worker", "Worker2")) else "artist",
                }
            )
        ranked: list[dict[str, Any]] = [{"rank": n + 1, **row} for n, row in enumerate(rows)]
        if username is not None or address is not None:
            around = next(
                (
                    r
                    for r in ranked
                    if r["username"] == username or r["address"].lower() == (address or "").lower()
                ),
                None,
            )
            if around is None:
                return []
            page = (around["rank"] - 1) // limit + 1
        start = (page - 1) * limit
        return ranked[start : start + limit]

    # -- on-chain SOGNI and transfers ------------------------------------------------------
    def wallet_balance(self, address: str, provider: str) -> dict[str, str]:
        """On-chain balances of a wallet, after its deposits and withdrawals."""
        return {**wallet_balance(address, provider), "sogni": f"{self._held(address, provider):f}"}

    def _held(self, address: str, provider: str) -> Decimal:
        start = Decimal(wallet_balance(address, provider)["sogni"])
        return start + self._moved.get((address.lower(), provider), Decimal(0))

    def allowance(self, address: str, provider: str, spender: str) -> int:
        """How many wei of the wallet's SOGNI ``spender`` may move."""
        return self._allowances.get((address.lower(), provider, spender), 0)

    def approve(self, address: str, provider: str, spender: str, value: int) -> None:
        """Let ``spender`` move ``value`` wei of the wallet's SOGNI."""
        self._allowances[(address.lower(), provider, spender)] = value

    def deposit(self, address: str, provider: str, wei: int, account: AccountBalances) -> None:
        """Move SOGNI from the wallet to the account; refused without enough allowance or
        tokens (nothing moves then)."""
        amount = Decimal(wei) / WEI
        allowance = self.allowance(address, provider, "account")
        if allowance < wei:
            raise TransferError(
                "The account contract is not allowed to spend this amount; approve it first",
                INSUFFICIENT_ALLOWANCE,
            )
        if self._held(address, provider) < amount:
            raise TransferError(
                "The wallet holds less SOGNI than the deposit", INSUFFICIENT_BALANCE
            )
        if allowance != MAX_ALLOWANCE:
            self.approve(address, provider, "account", allowance - wei)
        self._move(address, provider, -amount)
        account.credit("sogni", amount)
        self._record(address, "deposit", amount, provider)

    def withdraw(self, address: str, provider: str, wei: int, account: AccountBalances) -> None:
        """Move SOGNI from the account to the wallet; refused beyond the account's net."""
        amount = Decimal(wei) / WEI
        if not account.take("sogni", amount):
            raise TransferError(
                "The account's balance is lower than the withdrawal", INSUFFICIENT_BALANCE
            )
        self._move(address, provider, amount)
        self._record(address, "withdrawal", amount, provider)

    def _move(self, address: str, provider: str, amount: Decimal) -> None:
        key = (address.lower(), provider)
        self._moved[key] = self._moved.get(key, Decimal(0)) + amount

    def _record(self, address: str, kind: str, amount: Decimal, provider: str) -> None:
        entries = self._transfers.setdefault(address.lower(), [])
        now = int(time.time() * 1000)
        entries.append(
            {
                "_id": f"{kind}-{len(entries)}",
                "id": f"tx-{kind}-{address[2:10].lower()}-{len(entries)}",
                "SID": 0,
                "address": address,
                "createTime": now,
                "updateTime": now,
                "endTime": now,
                "status": "completed",
                "role": "artist",
                "clientSID": 0,
                "addressSID": 0,
                "amount": float(amount),
                "description": f"{kind.capitalize()} ({provider})",
                "source": kind,
                "sourceSID": "",
                "type": "credit" if kind == "deposit" else "debit",
                "tokenType": "sogni",
            }
        )

    # -- permits ---------------------------------------------------------------------------
    def next_permit_nonce(self, address: str) -> int:
        """The nonce of the wallet's next permit."""
        key = address.lower()
        self._permit_nonces[key] = self._permit_nonces.get(key, -1) + 1
        return self._permit_nonces[key]

    def hold_permit(self, key: tuple[str, ...], permit: dict[str, Any]) -> None:
        """Keep an issued permit until it is signed (a newer one replaces it)."""
        self._permits[tuple(part.lower() for part in key)] = permit

    def take_permit(self, key: tuple[str, ...]) -> dict[str, Any] | None:
        """The permit issued for ``key``, once (a permit is signed only once)."""
        return self._permits.pop(tuple(part.lower() for part in key), None)
