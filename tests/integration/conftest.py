from __future__ import annotations

from collections.abc import Iterator

import pytest

from sogni import SogniClient
from sogni.testing import LocalSupernet


@pytest.fixture
def net() -> Iterator[LocalSupernet]:
    with LocalSupernet(api_key="test-key") as server:
        yield server


@pytest.fixture
def slow_net() -> Iterator[LocalSupernet]:
    """A server whose jobs take long enough to cancel or time out."""
    with LocalSupernet(api_key="test-key", step_delay=0.5) as server:
        yield server


@pytest.fixture
def steady_net() -> Iterator[LocalSupernet]:
    """Progress events 10 ms apart, so a wait begins while most are still to come."""
    with LocalSupernet(api_key="test-key", steps=40, step_delay=0.01) as server:
        yield server


@pytest.fixture
def client(net: LocalSupernet) -> Iterator[SogniClient]:
    with SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    ) as sogni_client:
        yield sogni_client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
