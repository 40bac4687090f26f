"""A sync wait that read the connection itself returns without waking the engine's thread
(the wake-up would cost the return a third of its time). The engine's thread reads again
at once when the app sends, closes or drops the connection, when another thread waits
for events, or when the connection ended; otherwise within ``_PICKUP_INTERVAL``."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from helpers import sync_client

from sogni import SogniClient
from sogni._runtime import socket_engine
from sogni.testing import LocalSupernet

WAIT = 30.0
MODEL = "gpt-image-2"  # its result URL comes in the event: the wait reads every frame


class CountingPark:
    """The engine's park lock, noting which thread released it (woke the engine's)."""

    def __init__(self, lock: Any) -> None:
        self._lock = lock
        self.wakers: list[threading.Thread] = []

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return bool(self._lock.acquire(blocking, timeout))

    def release(self) -> None:
        self.wakers.append(threading.current_thread())
        self._lock.release()


@pytest.fixture
def no_pickup(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's thread only reads again when something wakes it."""
    monkeypatch.setattr(socket_engine, "_PICKUP_INTERVAL", 600.0)


def finish_one(client: SogniClient, index: int = 0) -> None:
    project = client.projects.create(model_id=MODEL, positive_prompt=f"x {index}")
    assert len(project.wait_for_completion(timeout=WAIT)) == 1


def test_a_returning_wait_wakes_no_thread(net: LocalSupernet, no_pickup: None) -> None:
    with sync_client(net) as client:
        finish_one(client)
        engine = client._conn.engine
        park = CountingPark(engine._park)
        engine._park = park
        readers: list[threading.Thread] = []
        for index in range(1, 6):
            project = client.projects.create(model_id=MODEL, positive_prompt=f"x {index}")
            project.on("completed", lambda _event: readers.append(threading.current_thread()))
            woken = len(park.wakers)
            assert len(project.wait_for_completion(timeout=WAIT)) == 1
            assert len(park.wakers) == woken  # nothing was woken between create and return
        assert readers == [threading.current_thread()] * 5  # each wait read its own end


def test_a_send_after_a_wait_has_the_engine_read(net: LocalSupernet, no_pickup: None) -> None:
    with sync_client(net) as client:
        finish_one(client)
        done = threading.Event()
        project = client.projects.create(model_id=MODEL, positive_prompt="nobody waits")
        project.on("completed", lambda _event: done.set())
        assert done.wait(WAIT)  # read by the engine's thread: this one does not read


def test_another_threads_wait_is_served_when_the_reader_returns(
    steady_net: LocalSupernet, no_pickup: None
) -> None:
    with sync_client(steady_net) as client:
        finish_one(client)
        first = client.projects.create(model_id=MODEL, positive_prompt="first")
        second_urls: list[list[str]] = []
        second_ready = threading.Event()

        def wait_for_second() -> None:
            # Sent while the main thread reads (no wake-up), waited for in the background:
            # the engine's thread must read once the main thread's wait returns.
            second = client.projects.create(model_id=MODEL, positive_prompt="second")
            second_ready.set()
            second_urls.append(second.wait_for_completion(timeout=WAIT))

        worker = threading.Thread(target=wait_for_second)
        started: list[bool] = []

        def start_worker(_event: object) -> None:
            if not started:
                started.append(True)
                worker.start()

        first.on("progress", start_worker)
        assert len(first.wait_for_completion(timeout=WAIT)) == 1
        assert second_ready.wait(WAIT)
        worker.join(WAIT)
        assert len(second_urls) == 1 and len(second_urls[0]) == 1


def second_from_callback(
    client: SogniClient, first: Any, event: str
) -> tuple[list[Any], threading.Event]:
    """Send a second project from the first one's first ``event`` callback (a send made
    while the main thread reads, so nobody wakes the engine); returns the list it will be
    in and an event set when it completes."""
    done = threading.Event()
    later: list[Any] = []

    def send_second(_event: object) -> None:
        if not later:
            later.append(client.projects.create(model_id=MODEL, positive_prompt="second"))
            later[0].on("completed", lambda _event: done.set())

    first.on(event, send_second)
    return later, done


def test_the_engine_reads_again_on_its_own(steady_net: LocalSupernet) -> None:
    # Nobody waits for the second project after the first one's wait returns: the
    # engine's thread picks the turn up.
    with sync_client(steady_net) as client:
        first = client.projects.create(model_id=MODEL, positive_prompt="first")
        _, done = second_from_callback(client, first, "progress")
        assert len(first.wait_for_completion(timeout=WAIT)) == 1
        assert done.wait(WAIT)


def test_a_server_drop_after_a_wait_loses_nothing(steady_net: LocalSupernet) -> None:
    # The second project is sent from the first one's last callback, and the network
    # drops the connection as the first wait returns: nobody reads until the engine's
    # thread picks the turn up, which then reconnects; the second project still
    # finishes, sent once and canceled by nobody.
    with sync_client(steady_net) as client:
        first = client.projects.create(model_id=MODEL, positive_prompt="first")
        later, done = second_from_callback(client, first, "completed")
        assert len(first.wait_for_completion(timeout=WAIT)) == 1
        assert steady_net.drop_connections() >= 1
        assert done.wait(WAIT)
        assert len(later[0].wait_for_completion(timeout=WAIT)) == 1
    stats = steady_net.stats()
    assert stats["cancelled_by_client"] == 0
    assert stats["duplicate_job_requests"] == 0


def test_close_after_a_wait_stops_the_engine_at_once(net: LocalSupernet, no_pickup: None) -> None:
    client = sync_client(net)
    finish_one(client)
    thread = client._conn.engine._thread
    assert thread is not None
    client.close()
    assert not thread.is_alive()  # close() woke it to finish the closing handshake


def test_a_drop_after_a_wait_reconnects(net: LocalSupernet, no_pickup: None) -> None:
    with sync_client(net) as client:
        finish_one(client)
        reconnected = threading.Event()
        client.on("connected", lambda event: event.reconnected and reconnected.set())
        client._conn.engine.drop()
        assert reconnected.wait(WAIT)
        finish_one(client, 1)


def test_waiting_for_confirmations_has_the_engine_read(net: LocalSupernet, no_pickup: None) -> None:
    # close() first waits for the network to confirm what was sent; a request sent from
    # a callback of the reading thread at the very end of its wait woke nobody.
    with sync_client(net) as client:
        first = client.projects.create(model_id=MODEL, positive_prompt="first")
        first.on(
            "completed",
            lambda _event: client.projects.create(model_id=MODEL, positive_prompt="second"),
        )
        assert len(first.wait_for_completion(timeout=WAIT)) == 1
        assert client._conn.delivery.drain(WAIT)
