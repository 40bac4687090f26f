"""Fixtures of the fault scenarios: a local Supernet with jobs slow enough to be caught
mid-flight, clients that reconnect quickly, and a seeded random source."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

import pytest
from chaos_helpers import connect

import sogni._runtime.socket_engine
from sogni import SogniClient
from sogni.testing import LocalSupernet

#: ``SOGNI_CHAOS_SEED=n pytest tests/chaos`` replays the scenarios with other random moments.
SEED = int(os.environ.get("SOGNI_CHAOS_SEED", "20261202"))


@pytest.fixture(autouse=True)
def quick_reconnects(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reconnect delays of tens of milliseconds: one second here is a minute of backoff
    at the real 1 s → 15 s schedule, counted in attempts."""
    monkeypatch.setattr(sogni._runtime.socket_engine, "RECONNECT_BASE", 0.02)
    monkeypatch.setattr(sogni._runtime.socket_engine, "RECONNECT_CAP", 0.1)


@pytest.fixture
def rng() -> random.Random:
    return random.Random(SEED)


@pytest.fixture
def net() -> Iterator[LocalSupernet]:
    # 4 steps of 20 ms: a project runs ~0.1 s, long enough for drops to land mid-flight.
    with LocalSupernet(api_key="chaos-key", step_delay=0.02, steps=4) as server:
        yield server


@pytest.fixture
def client(net: LocalSupernet) -> Iterator[SogniClient]:
    with connect(net) as sogni_client:
        sogni_client.projects.wait_for_models(timeout=10)
        yield sogni_client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
