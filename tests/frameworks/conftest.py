"""Fixtures of the framework proofs: a local Supernet per test, and a time limit on each."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

pytest.register_assert_rewrite("framework_helpers")  # its checks explain their failures

from framework_helpers import APPS  # noqa: E402

from sogni.testing import LocalSupernet  # noqa: E402

# The apps' shared settings (celery_config) are imported by the tests too.
sys.path.insert(0, str(APPS))

#: Seconds one framework proof may take, its server's start and stop included.
TIME_LIMIT = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.timeout(TIME_LIMIT))


@pytest.fixture
def net() -> Iterator[LocalSupernet]:
    with LocalSupernet(api_key="framework-key") as server:
        yield server
