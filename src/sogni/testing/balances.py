"""Token balances of the emulated account (``balanceUpdate``, ``/v4/account/balance``)."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

__all__ = ["AccountBalances"]


def _fmt(value: Decimal) -> str:
    return f"{value:.4f}"


class AccountBalances:
    """Settled balance, credit and debit per token type; ``net = settled + credit - debit``."""

    def __init__(self, sogni: Decimal = Decimal("1000"), spark: Decimal = Decimal("1000")) -> None:
        self._lock = threading.Lock()
        self._settled = {"sogni": sogni, "spark": spark}
        self._debit = {"sogni": Decimal("0"), "spark": Decimal("0")}

    def charge(self, token_type: str, amount: Decimal) -> None:
        """Debit ``amount`` of ``token_type`` (unknown types are charged as Spark)."""
        key = token_type if token_type in self._settled else "spark"
        with self._lock:
            self._debit[key] += amount

    def credit(self, token_type: str, amount: Decimal) -> None:
        """Add ``amount`` to the settled balance (a deposit)."""
        with self._lock:
            self._settled[token_type] += amount

    def take(self, token_type: str, amount: Decimal) -> bool:
        """Remove ``amount`` from the settled balance (a withdrawal); False, and nothing
        taken, when more than the spendable ``net`` is asked for."""
        with self._lock:
            if self._settled[token_type] - self._debit[token_type] < amount:
                return False
            self._settled[token_type] -= amount
            return True

    def _entry(self, key: str) -> dict[str, str]:
        settled, debit = self._settled[key], self._debit[key]
        return {
            "settled": _fmt(settled),
            "credit": _fmt(Decimal("0")),
            "debit": _fmt(debit),
            "net": _fmt(settled - debit),
        }

    def tokens(self) -> dict[str, dict[str, str]]:
        """The ``tokens`` map of the ``authenticated`` event."""
        with self._lock:
            return {"sogni": self._entry("sogni"), "spark": self._entry("spark")}

    def balance_update(self) -> dict[str, Any]:
        """The ``balanceUpdate`` / ``/v4/account/balance`` payload."""
        with self._lock:
            sogni = {
                **self._entry("sogni"),
                "relaxedUnclaimed": "0.0000",
                "fastUnclaimed": "0.0000",
            }
            spark = {
                **self._entry("spark"),
                "relaxedUnclaimed": "0.0000",
                "fastUnclaimed": "0.0000",
                "premiumCredit": "0.0000",
            }
        return {"sogni": sogni, "spark": spark}
