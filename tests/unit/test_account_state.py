"""``AccountState.balance``: kept current by ``balanceUpdate`` payloads, which are
structured when the balance is read (most are never read), not when they arrive."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from sogni.core import account
from sogni.core.account import AccountState
from sogni.core.framing import EncodedPayload


def update(net: str, **extra: Any) -> dict[str, Any]:
    return {"sogni": {"settled": net, "credit": "0", "debit": "0", "net": net, **extra}}


def test_an_update_is_read_back_with_zeroes_for_the_missing_token_type() -> None:
    state = AccountState()
    assert state.set_balance(update("12.5"))
    assert state.balance.sogni.net == "12.5"
    assert state.balance.spark.net == "0"
    assert state.balance_updates == 1


def test_updates_are_structured_once_and_only_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    structure = account.balance_or_none
    monkeypatch.setattr(
        account, "balance_or_none", lambda payload: calls.append(payload) or structure(payload)
    )
    state = AccountState()
    for net in ("1", "2", "3"):
        assert state.set_balance(update(net))
    assert calls == []
    assert state.balance.sogni.net == "3"
    assert state.balance.sogni.net == "3"
    assert len(calls) == 1


def test_a_payload_without_a_token_type_is_refused() -> None:
    state = AccountState()
    assert not state.set_balance({"other": {}})
    assert not state.set_balance(None)
    assert state.balance_updates == 0


def test_unknown_fields_are_kept() -> None:
    state = AccountState()
    state.set_balance(update("1", futureField="x"))
    assert state.balance.sogni.extra == {"futureField": "x"}


def test_clear_forgets_the_balance() -> None:
    state = AccountState()
    state.set_balance(update("9"))
    state.clear()
    assert state.balance.sogni.net == "0"
    assert state.as_dict()["balance"]["sogni"]["net"] == "0"


def encoded(payload: object) -> EncodedPayload:
    return EncodedPayload(base64.b64encode(json.dumps(payload).encode()).decode())


def test_an_update_still_encoded_is_decoded_when_read() -> None:
    state = AccountState()
    assert state.set_balance(encoded(update("4")))
    assert state.balance_updates == 1
    assert state.balance.sogni.net == "4"


def test_an_encoded_update_that_is_malformed_keeps_the_balance_before_it() -> None:
    state = AccountState()
    state.set_balance(update("7"))
    assert state.balance.sogni.net == "7"
    state.set_balance(EncodedPayload("%%%"))
    state.set_balance(encoded({"other": {}}))
    assert state.balance.sogni.net == "7"
