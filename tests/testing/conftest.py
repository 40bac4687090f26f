"""Fixtures for tests of the local Supernet server itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("aiohttp")

from supernet_helpers import RawSocket  # noqa: E402

from sogni.testing import LocalSupernet  # noqa: E402


@pytest.fixture()
def net() -> Iterator[LocalSupernet]:
    """A running local Supernet with the default test key."""
    with LocalSupernet(api_key="test-key") as server:
        yield server


@pytest.fixture()
def sock(net: LocalSupernet) -> Iterator[RawSocket]:
    """A connected raw socket whose greeting burst has been consumed."""
    raw = RawSocket(net)
    raw.recv_until("swarmLLMModels")
    yield raw
    raw.close()
