"""Each connection is read through a non-blocking twin of its socket (the socket keeps its
timeout for sends, and a receive through a socket with a timeout polls first): the twin's
descriptor goes with the connection."""

from __future__ import annotations

import os
import threading

import pytest
from helpers import sync_client

from sogni import SogniClient
from sogni.testing import LocalSupernet

WAIT = 30.0


def finish_one(client: SogniClient, index: int) -> None:
    project = client.projects.create(model_id="gpt-image-2", positive_prompt=f"x {index}")
    assert len(project.wait_for_completion(timeout=WAIT)) == 1


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_each_connection_reads_through_a_descriptor_of_its_own_released_at_its_end(
    net: LocalSupernet,
) -> None:
    with sync_client(net) as client:
        finish_one(client, 0)
        reading = client._conn.engine._reading
        assert reading is not None and reading._source is not reading.raw
        assert reading._source.gettimeout() == 0.0 and reading.raw.gettimeout() != 0.0
        before = len(os.listdir("/proc/self/fd"))
        connections = threading.Semaphore(0)
        client.on("connected", lambda _event: connections.release())
        for index in range(1, 11):
            client._conn.engine.drop()
            assert connections.acquire(timeout=WAIT)
            finish_one(client, index)
        assert len(os.listdir("/proc/self/fd")) == before
