"""Close-code policy and the backoff schedule."""

from __future__ import annotations

import random

import pytest

from sogni.core.reconnect import Backoff, CloseCode, CloseKind, classify_close


def test_normal_close() -> None:
    decision = classify_close(1000)
    assert decision.kind is CloseKind.NORMAL
    assert not decision.reconnect and not decision.clear_auth


@pytest.mark.parametrize("code", [4000, 4010, 4021, 4500, 4999])
def test_4xxx_is_fatal_and_drops_credentials(code: int) -> None:
    decision = classify_close(code)
    assert decision.kind is CloseKind.FATAL
    assert not decision.reconnect and decision.clear_auth
    assert decision.code == code


def test_named_codes_have_reasons() -> None:
    assert "blocked" in classify_close(CloseCode.APP_ID_BLOCKED).reason
    assert "newer connection" in classify_close(CloseCode.SWITCHED_CONNECTION).reason
    assert "credentials" in classify_close(CloseCode.AUTH_ERROR).reason
    assert "4444" in classify_close(4444).reason


def test_4015_stops_but_keeps_credentials() -> None:
    decision = classify_close(4015)
    assert decision.kind is CloseKind.FATAL
    assert not decision.reconnect
    assert not decision.clear_auth


@pytest.mark.parametrize("code", [1001, 1006, 1011, 1012, 3000, 5000])
def test_other_codes_are_transient(code: int) -> None:
    decision = classify_close(code)
    assert decision.kind is CloseKind.TRANSIENT
    assert decision.reconnect and not decision.clear_auth


@pytest.mark.parametrize("code", [None, 0])
def test_missing_code_is_transient(code: int | None) -> None:
    decision = classify_close(code)
    assert decision.kind is CloseKind.TRANSIENT
    assert decision.code is None
    assert decision.reconnect and not decision.clear_auth


def test_unauthenticated_client_never_reconnects() -> None:
    assert not classify_close(1006, authenticated=False).reconnect
    assert not classify_close(None, authenticated=False).reconnect
    assert classify_close(4021, authenticated=False).kind is CloseKind.FATAL


def test_backoff_bounds_grow_then_cap() -> None:
    backoff = Backoff(base=0.5, factor=2.0, cap=4.0, max_attempts=None)
    assert [backoff.ceiling(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert backoff.ceiling(10_000) == 4.0  # no overflow


def test_delays_stay_within_full_jitter_bounds() -> None:
    backoff = Backoff(base=1.0, factor=2.0, cap=10.0, max_attempts=None, rng=random.Random(7))
    for attempt in range(50):
        delay = backoff.next_delay()
        assert delay is not None
        assert 0.0 <= delay <= min(10.0, 2.0**attempt)


def test_jitter_spreads_delays() -> None:
    backoff = Backoff(base=1.0, cap=1.0, max_attempts=None, rng=random.Random(3))
    delays = [backoff.next_delay() for _ in range(200)]
    assert len({round(d or 0, 6) for d in delays}) > 150
    assert min(d or 0 for d in delays) < 0.1 and max(d or 0 for d in delays) > 0.9


def test_seeded_backoffs_repeat() -> None:
    first = Backoff(rng=random.Random(42))
    second = Backoff(rng=random.Random(42))
    assert [first.next_delay() for _ in range(6)] == [second.next_delay() for _ in range(6)]


def test_attempts_are_capped_and_reset() -> None:
    backoff = Backoff(max_attempts=3, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(3)]
    assert all(d is not None for d in delays)
    assert backoff.exhausted
    assert backoff.next_delay() is None
    assert backoff.attempts == 3
    backoff.reset()
    assert not backoff.exhausted
    assert backoff.next_delay() is not None
    assert backoff.attempts == 1


@pytest.mark.parametrize("field", ["base", "factor", "cap"])
def test_parameters_must_be_positive(field: str) -> None:
    with pytest.raises(ValueError):
        Backoff(**{field: 0})  # type: ignore[arg-type]
